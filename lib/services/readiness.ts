/**
 * Readiness: whether each dependency of this instance answers. Reports a status per dependency and
 * never a setting, host name or credential; failures are logged in full and shown as a short,
 * safe sentence.
 */
import 'server-only';

import { callerFromHeaders } from '@/lib/auth/caller';
import { getConfig, type Mode } from '@/lib/config';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { getWarehouse } from '@/lib/warehouse';

export type DependencyState = 'ok' | 'failing' | 'skipped' | 'not_configured';

export interface DependencyStatus {
  name: string;
  status: DependencyState;
  message?: string;
  millis?: number;
}

export interface Readiness {
  ready: boolean;
  mode: Mode;
  dependencies: DependencyStatus[];
}

type HeaderSource = { get(name: string): string | null };
type Check = (headers: HeaderSource) => Promise<Omit<DependencyStatus, 'name' | 'millis'>>;

const TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const warehouse: Check = async (headers) => {
  const config = getConfig();
  if (config.mode === 'databricks') {
    if (!config.databricks.warehouseId)
      return { status: 'not_configured', message: 'DATABRICKS_WAREHOUSE_ID is not set.' };
    // The warehouse is only ever used with a user's own token: without a signed-in user there is
    // nothing to check with.
    if (!headers.get('x-forwarded-access-token')) {
      return { status: 'skipped', message: "Checked only on requests that carry a signed-in user's token." };
    }
  }
  await getWarehouse(callerFromHeaders(headers, config)).ping();
  return { status: 'ok' };
};

/**
 * One check per dependency. The rule store (db/) and the job runner (lib/jobs) add theirs here when
 * they land; until then they report `not_configured`.
 */
const CHECKS: Record<string, Check> = {
  warehouse,
  // TODO(store): replace with a `SELECT 1` through the store's Kysely client.
  store: async () => ({ status: 'not_configured', message: 'The rule store is not part of this build yet.' }),
  // TODO(jobs): replace with the job runner's own check (local runner alive, or Jobs API reachable).
  jobs: async () => ({ status: 'not_configured', message: 'The job runner is not part of this build yet.' }),
};

export async function checkReadiness(headers: HeaderSource): Promise<Readiness> {
  const dependencies = await Promise.all(
    Object.entries(CHECKS).map(async ([name, check]): Promise<DependencyStatus> => {
      const started = Date.now();
      try {
        const result = await withTimeout(check(headers), TIMEOUT_MS);
        return { name, ...result, millis: Date.now() - started };
      } catch (error) {
        log.warn('readiness check failed', { dependency: name, error });
        return {
          name,
          status: 'failing',
          message: isAppError(error) ? error.message : 'The check failed; the server log has the details.',
          millis: Date.now() - started,
        };
      }
    }),
  );
  return { ready: dependencies.every((d) => d.status !== 'failing'), mode: getConfig().mode, dependencies };
}
