/**
 * GET  /api/v1/rule-sets/{table}/publishing   where the table's active version is published, and
 *                                             whether on every activation (`auto_publish`).
 * POST /api/v1/rule-sets/{table}/publishing   replace those settings: `{auto_publish, targets: [...]}`.
 */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { getPublishSettings, savePublishSettings } from '@/lib/services/publishing';
import { PublishSettingsBody } from '@/lib/services/publishing-schemas';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('getPublishSettings', async ({ params, caller }) => getPublishSettings(caller, tableParam(params)));

export const POST = route<{ table: string }>('savePublishSettings', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const input = parseOr400(PublishSettingsBody, body ? jsonBody(body) : undefined, 'publishing settings');
  return savePublishSettings(caller, table, input);
});
