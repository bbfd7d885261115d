/**
 * Readiness: whether each dependency of this instance is bound and answers. Reports a status per
 * dependency and never a host name or credential; failures are logged in full and shown as a short,
 * safe sentence. In databricks mode a binding that is missing (`not_configured`) makes the instance
 * not ready (503), as does one that is bound but broken (`failing`): the SQL warehouse, the rule
 * store, the two jobs (read as the app's service principal) and, when one is configured, the model
 * endpoint.
 */
import 'server-only';

import { resolveCaller } from '@/lib/auth/caller';
import { getConfig, type Mode } from '@/lib/config';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { storeHealth } from '@/db';
import { getWarehouse } from '@/lib/warehouse';

import { probeAsServicePrincipal } from './bindings';

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
  await getWarehouse(await resolveCaller(headers, config)).ping();
  return { status: 'ok' };
};

const store: Check = async () => {
  const config = getConfig();
  if (config.mode === 'databricks' && config.store.kind === 'pglite') {
    return { status: 'not_configured', message: 'No Lakebase or Postgres rule store is bound (the rule-store resource: PGHOST).' };
  }
  const health = await storeHealth();
  return health.ok ? { status: 'ok' } : { status: 'failing', message: health.message ?? 'The rule store does not answer.' };
};

const jobs: Check = async () => {
  const config = getConfig();
  if (config.mode === 'local') return { status: 'ok', message: 'In-process runner.' };
  if (!config.databricks.generationJobId || !config.databricks.validationJobId) {
    return { status: 'not_configured', message: 'DQX_GENERATION_JOB_ID and DQX_VALIDATION_JOB_ID are not set.' };
  }
  if (!config.databricks.clientId || !config.databricks.clientSecret) {
    return { status: 'not_configured', message: "The app's service principal credentials are not set." };
  }
  for (const [what, id] of [
    ['The generation job', config.databricks.generationJobId],
    ['The validation job', config.databricks.validationJobId],
  ] as const) {
    const problem = await probeAsServicePrincipal(config, `/api/2.2/jobs/get?job_id=${encodeURIComponent(id)}`, what);
    if (problem) return { status: 'failing', message: problem };
  }
  return { status: 'ok' };
};

const model: Check = async () => {
  const config = getConfig();
  const endpoint = config.databricks.servingEndpoint;
  if (config.mode === 'local' || !endpoint || config.llm.baseUrl) {
    return { status: 'skipped', message: endpoint || config.llm.baseUrl ? 'Not checked.' : 'No model is configured: rules come from the profile only.' };
  }
  const problem = await probeAsServicePrincipal(config, `/api/2.0/serving-endpoints/${encodeURIComponent(endpoint)}`, 'The model serving endpoint');
  return problem ? { status: 'failing', message: problem } : { status: 'ok' };
};

/** One check per dependency. */
const CHECKS: Record<string, Check> = { warehouse, store, jobs, model };

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
  const mode = getConfig().mode;
  // Deployed, a binding that is not there is as bad as one that does not answer.
  const ready = dependencies.every((d) => d.status !== 'failing' && (mode === 'local' || d.status !== 'not_configured'));
  return { ready, mode, dependencies };
}
