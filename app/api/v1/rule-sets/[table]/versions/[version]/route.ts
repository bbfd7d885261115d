/**
 * GET /api/v1/rule-sets/{table}/versions/{n}                 one version, as JSON.
 * GET /api/v1/rule-sets/{table}/versions/{n}?format=yaml|json the version as a DQX checks file download.
 */
import { attachment, parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { VersionQuery } from '@/lib/services/rule-set-schemas';
import { exportRuleSetVersion, getRuleSetVersion } from '@/lib/services/rule-sets';

import { tableParam, versionParam } from '../../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string; version: string }>(
  'getRuleSetVersion',
  async ({ req, params, caller }) => {
    const table = tableParam(params);
    const version = versionParam(params);
    const { format } = parseOr400(VersionQuery, searchParamsObject(req), 'query');
    if (!format) return getRuleSetVersion(caller, table, version);
    const file = await exportRuleSetVersion(caller, table, version, format);
    return attachment(file.body, file.filename, file.content_type);
  },
);
