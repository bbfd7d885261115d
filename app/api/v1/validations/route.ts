/**
 * POST /api/v1/validations: start validating a saved version (default: the active one) or draft
 * rules on a table, or a dry run on its first rows. 202 with the queued run and
 * `Location: /api/v1/runs/{id}`; poll that.
 */
import { json, jsonBody, parseOr400, route } from '@/lib/http/route';
import { startValidation } from '@/lib/services/validation';
import { StartValidationBody } from '@/lib/services/validation-schemas';

export const dynamic = 'force-dynamic';

export const POST = route('startValidation', async ({ body, caller }) => {
  const input = parseOr400(StartValidationBody, jsonBody(body), 'validation request');
  const run = await startValidation(caller, input);
  return json(run, { status: 202, headers: { Location: `/api/v1/runs/${run.id}` } });
});
