/** GET /api/v1/rule-sets: the tables with rule sets that the caller can read. */
import { route } from '@/lib/http/route';
import { listRuleSets } from '@/lib/services/rule-sets';

export const dynamic = 'force-dynamic';

export const GET = route('listRuleSets', async ({ caller }) => ({ items: await listRuleSets(caller) }));
