/**
 * GET /api/v1/rule-sets/{table}/publications: what was published where, when and by whom, newest
 * first, and for each target of the settings whether its copy still matches the active version.
 */
import { route } from '@/lib/http/route';
import { getPublicationHistory } from '@/lib/services/publishing';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('listPublications', async ({ params, caller }) => getPublicationHistory(caller, tableParam(params)));
