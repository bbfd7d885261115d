/**
 * GET /api/v1/rule-sets/{table}/rights: what the caller may do with the table (read, steward,
 * admin), why, and who holds it (docs/governance.md). 404 when they cannot read it.
 */
import { route } from '@/lib/http/route';
import { rightsOf } from '@/lib/services/rights';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('getTableRights', async ({ params, caller }) => rightsOf(caller, tableParam(params)));
