/** Readiness of the rule store, for `/api/ready`: reachable, migrated, answering. Never says more. */
import { sql } from 'kysely';

import { isAppError } from '@/lib/errors';

import { getStore, storeKind } from './store';

export interface StoreHealth {
  ok: boolean;
  store: 'pglite' | 'postgres' | 'lakebase';
  latencyMs: number;
  /** Present when not ok: a safe description, without host names, users or secrets. */
  message?: string;
}

export async function storeHealth(timeoutMs = 5_000): Promise<StoreHealth> {
  const started = performance.now();
  const kind = storeKind();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = (async () => {
      const db = await getStore();
      await sql`SELECT 1`.execute(db);
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([ping, timeout]);
    return { ok: true, store: kind, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message =
      isAppError(error)
        ? error.message
        : `The rule store did not answer (${error instanceof Error && error.message.startsWith('no answer') ? error.message : 'connection failed'}).`;
    return { ok: false, store: kind, latencyMs: Math.round(performance.now() - started), message };
  } finally {
    clearTimeout(timer);
  }
}
