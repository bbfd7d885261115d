/**
 * POST /api/v1/rule-sets/{table}/versions/{n}/activate: make version n the active one (rollback),
 * recorded with the caller and the time. 409 when it already is the active version.
 */
import { route } from '@/lib/http/route';
import { activateRuleSetVersion } from '@/lib/services/rule-sets';

import { tableParam, versionParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string; version: string }>(
  'activateRuleSetVersion',
  async ({ params, caller }) => activateRuleSetVersion(caller, tableParam(params), versionParam(params)),
);
