import 'server-only';

import { headers } from 'next/headers';

import { getConfig } from '@/lib/config';

import { callerFromHeaders, type Caller } from './caller';

export { callerFromHeaders, HEADER, UserToken, type Caller } from './caller';

/** The caller of the current request (page, server action or route handler). Throws 401 when absent. */
export async function getCaller(): Promise<Caller> {
  return callerFromHeaders(await headers(), getConfig());
}
