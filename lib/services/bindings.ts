/**
 * The Databricks resources a deployed app is bound to (docs/deployment.md): which are present in
 * the configuration, checked at start and logged, and whether the bound jobs and model endpoint
 * answer the app's service principal (for /api/ready). Only names of settings and resource ids are
 * reported; never a secret or a token.
 */
import 'server-only';

import type { AppConfig } from '@/lib/config';
import { getServicePrincipalTokenProvider } from '@/lib/databricks/oauth';
import { log } from '@/lib/log';

export interface Binding {
  name: 'warehouse' | 'store' | 'jobs' | 'service_principal' | 'results_volume' | 'model';
  /** `missing`: required and not configured (the app cannot work); `off`: optional and not configured. */
  state: 'bound' | 'missing' | 'off';
  /** Which settings are missing, or what is bound (ids and kinds only). */
  detail: string;
}

/** What the configuration binds, in databricks mode. Pure. */
export function configuredBindings(config: AppConfig): Binding[] {
  const d = config.databricks;
  const missing = (names: string[]) => `not set: ${names.join(', ')}`;
  const jobsMissing = [
    ...(d.generationJobId ? [] : ['DQX_GENERATION_JOB_ID (resource generation-job)']),
    ...(d.validationJobId ? [] : ['DQX_VALIDATION_JOB_ID (resource validation-job)']),
  ];
  const spMissing = [...(d.clientId ? [] : ['DATABRICKS_CLIENT_ID']), ...(d.clientSecret ? [] : ['DATABRICKS_CLIENT_SECRET'])];
  const store = config.store;
  return [
    d.warehouseId
      ? { name: 'warehouse', state: 'bound', detail: `warehouse ${d.warehouseId}` }
      : { name: 'warehouse', state: 'missing', detail: missing(['DATABRICKS_WAREHOUSE_ID (resource sql-warehouse)']) },
    store.kind === 'pglite'
      ? { name: 'store', state: 'missing', detail: 'no Lakebase or Postgres store is bound (PGHOST / DATABASE_URL); an embedded store would lose every rule set on restart' }
      : {
          name: 'store',
          state: 'bound',
          detail: `${store.kind === 'lakebase' ? `Lakebase ${store.lakebase}` : 'Postgres'}, schema ${store.schema}${store.migrateOnStart ? ', migrated on start' : ''}`,
        },
    jobsMissing.length === 0
      ? { name: 'jobs', state: 'bound', detail: `generation job ${d.generationJobId}, validation job ${d.validationJobId}` }
      : { name: 'jobs', state: 'missing', detail: missing(jobsMissing) },
    spMissing.length === 0
      ? { name: 'service_principal', state: 'bound', detail: `client id ${d.clientId}` }
      : { name: 'service_principal', state: 'missing', detail: missing(spMissing) },
    d.resultsVolume
      ? { name: 'results_volume', state: 'bound', detail: d.resultsVolume }
      : { name: 'results_volume', state: 'off', detail: 'not set: DQX_RESULTS_VOLUME (large job outputs and rule sets cannot be exchanged)' },
    d.servingEndpoint
      ? { name: 'model', state: 'bound', detail: `serving endpoint ${d.servingEndpoint}` }
      : { name: 'model', state: 'off', detail: 'no serving endpoint: rules come from the profile only' },
  ];
}

/** Log the bindings once at start (databricks mode): one line, `bindings checked`. */
export function logBindings(config: AppConfig): Binding[] {
  const bindings = configuredBindings(config);
  const problems = bindings.filter((b) => b.state === 'missing');
  const fields = Object.fromEntries(bindings.map((b) => [b.name, `${b.state}: ${b.detail}`]));
  if (problems.length > 0) log.error('bindings checked', { ok: false, missing: problems.map((b) => b.name), ...fields });
  else log.info('bindings checked', { ok: true, ...fields });
  return bindings;
}

export type ProbeFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * GET `path` of the workspace as the app's service principal: null when it answers 2xx, else a safe
 * sentence naming the HTTP status. A 401 drops the cached token once and asks again.
 */
export async function probeAsServicePrincipal(
  config: AppConfig,
  path: string,
  what: string,
  fetchImpl: ProbeFetch = (url, init) => fetch(url, init),
): Promise<string | null> {
  const provider = getServicePrincipalTokenProvider(config);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const token = await provider.getToken();
    const response = await fetchImpl(`${config.databricks.host}${path}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return null;
    if (response.status === 401 && attempt === 0) {
      provider.invalidate();
      continue;
    }
    if (response.status === 403) return `The app's service principal may not use ${what} (HTTP 403): check the app's resource for it.`;
    if (response.status === 404) return `${what} does not exist (HTTP 404): check the app's resource for it.`;
    return `${what} answered HTTP ${response.status}.`;
  }
  return `${what} refused the app's service principal (HTTP 401).`;
}
