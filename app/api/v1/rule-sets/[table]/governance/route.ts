/**
 * GET  /api/v1/rule-sets/{table}/governance   the table's "four eyes" setting and steward group.
 * POST /api/v1/rule-sets/{table}/governance   replace them: `{four_eyes, steward_group?}` (admin right).
 */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { GovernanceSettingsBody } from '@/lib/services/proposal-schemas';
import { getGovernanceSettings, saveGovernanceSettings } from '@/lib/services/proposals';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('getGovernanceSettings', async ({ params, caller }) => getGovernanceSettings(caller, tableParam(params)));

export const POST = route<{ table: string }>('saveGovernanceSettings', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const input = parseOr400(GovernanceSettingsBody, body ? jsonBody(body) : undefined, 'governance settings');
  return saveGovernanceSettings(caller, table, input);
});
