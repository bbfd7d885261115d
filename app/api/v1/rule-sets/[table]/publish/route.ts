/**
 * POST /api/v1/rule-sets/{table}/publish: publish the active version to every target of the
 * table's publishing settings now, as the caller. 200 with one result per target; when a target
 * fails the others are still written, and the answer is that failure's status with the results in
 * `error.details`.
 */
import { route } from '@/lib/http/route';
import { publishActiveVersion } from '@/lib/services/publishing';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string }>('publishRuleSet', async ({ params, caller }) => publishActiveVersion(caller, tableParam(params)));
