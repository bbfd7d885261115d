/**
 * POST /api/v1/generations: start generating rules for a table (profile + the language model when
 * one is configured). 202 with the queued run and `Location: /api/v1/runs/{id}`; poll that.
 */
import { json, jsonBody, parseOr400, route } from '@/lib/http/route';
import { startGeneration } from '@/lib/services/generation';
import { StartGenerationBody } from '@/lib/services/generation-schemas';

export const dynamic = 'force-dynamic';

export const POST = route('startGeneration', async ({ body, caller }) => {
  const input = parseOr400(StartGenerationBody, jsonBody(body), 'generation request');
  const run = await startGeneration(caller, input);
  return json(run, { status: 202, headers: { Location: `/api/v1/runs/${run.id}` } });
});
