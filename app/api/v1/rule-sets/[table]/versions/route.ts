/**
 * GET  /api/v1/rule-sets/{table}/versions?page=&page_size=   the table's versions, newest first.
 * POST /api/v1/rule-sets/{table}/versions                    save a new version (it becomes active):
 *   - `Content-Type: application/json` with `{rules: [...], user_prompt?, ai_summary?, metadata?}`, or
 *   - a DQX checks file as the body: YAML (`application/yaml`, `text/yaml`, …) or JSON
 *     (`application/json` with a list of checks, or `{checks: [...]}`).
 *   201 with the new version and a Location header; 400 with the rule errors when they do not validate.
 */
import { badRequest } from '@/lib/errors';
import { JSON_TYPE } from '@/lib/http/api-surface';
import { json, jsonBody, parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { PageQuery, SaveRuleSetBody } from '@/lib/services/rule-set-schemas';
import { getRuleSetHistory, importRuleSet, saveRuleSet } from '@/lib/services/rule-sets';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('listRuleSetVersions', async ({ req, params, caller }) => {
  const page = parseOr400(PageQuery, searchParamsObject(req), 'query');
  return getRuleSetHistory(caller, tableParam(params), page);
});

export const POST = route<{ table: string }>('saveRuleSetVersion', async ({ body, params, caller }) => {
  const table = tableParam(params);
  if (!body || !body.text.trim())
    throw badRequest('Request body is empty; expected rules as JSON or a DQX checks file.');

  let saved;
  if (body.mediaType === JSON_TYPE) {
    const parsed = jsonBody(body);
    const isChecksFile =
      Array.isArray(parsed) ||
      (typeof parsed === 'object' && parsed !== null && 'checks' in parsed && !('rules' in parsed));
    saved = isChecksFile
      ? await importRuleSet(caller, table, { text: body.text, format: 'json' })
      : await saveRuleSet(caller, table, parseOr400(SaveRuleSetBody, parsed, 'rule set'));
  } else {
    // route() admitted only the declared YAML media types
    saved = await importRuleSet(caller, table, { text: body.text, format: 'yaml' });
  }
  const location = `/api/v1/rule-sets/${encodeURIComponent(saved.table_name)}/versions/${saved.version}`;
  return json(saved, { status: 201, headers: { Location: location } });
});
