/**
 * GET  /api/v1/rule-sets/{table}/versions?page=&page_size=   the table's versions, newest first.
 * POST /api/v1/rule-sets/{table}/versions                    save a new version (it becomes active):
 *   - `Content-Type: application/json` with `{rules: [...], user_prompt?, ai_summary?, metadata?}`, or
 *   - a DQX checks file as the body: YAML (`application/yaml`, `text/yaml`, …) or JSON
 *     (`application/json` with a list of checks, or `{checks: [...]}`).
 *   201 with the new version and a Location header; 400 with the rule errors when they do not validate.
 */
import { badRequest } from '@/lib/errors';
import { json, parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { CHECKS_FILE_TYPES, PageQuery, SaveRuleSetBody } from '@/lib/services/rule-set-schemas';
import { getRuleSetHistory, importRuleSet, saveRuleSet } from '@/lib/services/rule-sets';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

const MAX_BODY = 5_000_000;

export const GET = route<{ table: string }>(async ({ req, params, caller }) => {
  const page = parseOr400(PageQuery, searchParamsObject(req), 'query');
  return getRuleSetHistory(caller, tableParam(params), page);
});

export const POST = route<{ table: string }>(async ({ req, params, caller }) => {
  const table = tableParam(params);
  const contentType = (req.headers.get('content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const text = await req.text();
  if (text.length > MAX_BODY) throw badRequest(`Request body is larger than ${MAX_BODY} bytes.`);
  if (!text.trim()) throw badRequest('Request body is empty; expected rules as JSON or a DQX checks file.');

  let saved;
  if ((CHECKS_FILE_TYPES.yaml as readonly string[]).includes(contentType)) {
    saved = await importRuleSet(caller, table, { text, format: 'yaml' });
  } else if (contentType === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest('Request body is not valid JSON.');
    }
    const isChecksFile =
      Array.isArray(body) || (typeof body === 'object' && body !== null && 'checks' in body && !('rules' in body));
    saved = isChecksFile
      ? await importRuleSet(caller, table, { text, format: 'json' })
      : await saveRuleSet(caller, table, parseOr400(SaveRuleSetBody, body, 'rule set'));
  } else {
    throw badRequest(
      `Unsupported Content-Type ${contentType}: send application/json, or a DQX checks file as ${CHECKS_FILE_TYPES.yaml.join(', ')}.`,
    );
  }
  const location = `/api/v1/rule-sets/${encodeURIComponent(saved.table_name)}/versions/${saved.version}`;
  return json(saved, { status: 201, headers: { Location: location } });
});
