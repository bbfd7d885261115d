import 'server-only';

import { headers } from 'next/headers';

import { getConfig } from '@/lib/config';

import { resolveCaller, type Caller } from './caller';

export { resolveCaller, HEADER, UserToken, type Caller } from './caller';

/**
 * The caller of the current request (page, server action or route handler). Throws 401 without a
 * token (or one Databricks refuses), 503 when Databricks cannot say whom the token belongs to.
 */
export async function getCaller(): Promise<Caller> {
  return resolveCaller(await headers(), getConfig());
}
