/**
 * Database credentials for Lakebase Autoscaling (the `postgres` app resource): the app's service
 * principal asks the workspace for a short-lived Postgres password for one endpoint,
 * `POST /api/2.0/postgres/credentials` with `{endpoint: "projects/{p}/branches/{b}/endpoints/{e}"}`
 * and its workspace OAuth token as bearer, and gets `{token, expire_time}`.
 *
 * The credential is cached and renewed before it expires (when 20% of its lifetime, at least 2 and
 * at most 10 minutes, is left); concurrent callers share one request; a 401 drops the cached workspace
 * token once and asks again (a rotated secret or a revoked token); if a renewal fails while the
 * cached credential is still valid, the cached one is used. Lakebase checks the password only when
 * a connection logs in, so open connections are not affected by an expiry.
 *
 * Lakebase Provisioned (the `database` app resource) takes the workspace token itself as password
 * and needs none of this. Tokens are never logged or put into an error message.
 */
import { getConfig, type AppConfig } from '@/lib/config';
import { unavailable } from '@/lib/errors';
import { log } from '@/lib/log';

import { getServicePrincipalTokenProvider, jsonObjectOf, type ServicePrincipalTokenProvider } from './oauth';

/** `projects/{project}/branches/{branch}/endpoints/{endpoint}`, as the `postgres` app resource gives it. */
export const LAKEBASE_ENDPOINT_PATH = /^projects\/[a-z0-9][a-z0-9-]{0,62}\/branches\/[a-z0-9][a-z0-9-]{0,62}\/endpoints\/[a-z0-9][a-z0-9-]{0,62}$/;

export interface LakebaseCredentialOptions {
  /** Workspace URL, `https://host[:port]` (an `http://` URL is accepted for local stand-ins). */
  host: string;
  endpoint: string;
  workspaceTokens: Pick<ServicePrincipalTokenProvider, 'getToken' | 'invalidate'>;
  now?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface Credential {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

const MIN_MARGIN_MS = 2 * 60 * 1000;
const MAX_MARGIN_MS = 10 * 60 * 1000;

export class LakebaseCredentialProvider {
  readonly #host: string;
  readonly #endpoint: string;
  readonly #tokens: LakebaseCredentialOptions['workspaceTokens'];
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  #cached: Credential | undefined;
  #inFlight: Promise<Credential> | undefined;
  /** Credential requests sent (tests and health checks see renewals). */
  requests = 0;

  constructor(options: LakebaseCredentialOptions) {
    if (!LAKEBASE_ENDPOINT_PATH.test(options.endpoint)) {
      throw unavailable('LAKEBASE_ENDPOINT is not an endpoint path of the form projects/<project>/branches/<branch>/endpoints/<endpoint>.');
    }
    this.#host = options.host.replace(/\/+$/, '');
    this.#endpoint = options.endpoint;
    this.#tokens = options.workspaceTokens;
    this.#now = options.now ?? Date.now;
    this.#fetch = options.fetch ?? ((...args) => fetch(...args));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The password for a new connection. */
  async getPassword(): Promise<string> {
    const now = this.#now();
    const cached = this.#cached;
    if (cached && now < cached.refreshAt) return cached.value;
    try {
      this.#inFlight ??= this.#request().finally(() => {
        this.#inFlight = undefined;
      });
      return (await this.#inFlight).value;
    } catch (error) {
      if (cached && now < cached.expiresAt) {
        log.warn('Lakebase credential renewal failed; using the cached credential until it expires', { error });
        return cached.value;
      }
      throw error;
    }
  }

  /** Forget the cached credential (the next connection asks for a new one). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #request(retried = false): Promise<Credential> {
    this.requests += 1;
    const bearer = await this.#tokens.getToken();
    let response: Response;
    try {
      response = await this.#fetch(`${this.#host}/api/2.0/postgres/credentials`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ endpoint: this.#endpoint }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw unavailable('Could not reach the Lakebase credential API of the workspace.', cause);
    }
    const body = await jsonObjectOf(response);
    if (response.status === 401 && !retried) {
      // The workspace token was revoked or the secret rotated: one fresh token, one more try.
      this.#tokens.invalidate();
      return this.#request(true);
    }
    if (!response.ok) {
      const code = typeof body.error_code === 'string' ? ` ${body.error_code.slice(0, 60)}` : '';
      const hint =
        response.status === 403 || response.status === 404
          ? ` Check LAKEBASE_ENDPOINT (${this.#endpoint}) and that the app's service principal has the postgres resource (CAN_CONNECT_AND_CREATE).`
          : ' Try again shortly.';
      throw unavailable(`The Lakebase credential API answered HTTP ${response.status}${code}.${hint}`);
    }
    const token = body.token;
    if (typeof token !== 'string' || token === '') throw unavailable('The Lakebase credential API answered without a token.');
    const issuedAt = this.#now();
    const expireTime = typeof body.expire_time === 'string' ? Date.parse(body.expire_time) : Number.NaN;
    // Without a readable expiry, the documented lifetime (one hour).
    const expiresAt = Number.isFinite(expireTime) && expireTime > issuedAt ? expireTime : issuedAt + 3_600_000;
    const lifetime = expiresAt - issuedAt;
    const margin = Math.min(MAX_MARGIN_MS, Math.max(MIN_MARGIN_MS, lifetime * 0.2), lifetime / 2);
    const credential = { value: token, expiresAt, refreshAt: expiresAt - margin };
    this.#cached = credential;
    return credential;
  }
}

const PROVIDER_KEY = Symbol.for('dqx.lakebaseCredentialProvider');
type ProviderHolder = { [PROVIDER_KEY]?: LakebaseCredentialProvider };

/** The process's credential provider for the configured Autoscaling endpoint (one cache per process). */
export function getLakebaseCredentialProvider(config: AppConfig = getConfig()): LakebaseCredentialProvider {
  const holder = globalThis as ProviderHolder;
  const existing = holder[PROVIDER_KEY];
  if (existing) return existing;
  const endpoint = config.store.lakebaseEndpoint;
  if (!endpoint || !config.databricks.host) {
    throw unavailable('Lakebase Autoscaling needs LAKEBASE_ENDPOINT (from the postgres app resource) and DATABRICKS_HOST.');
  }
  const provider = new LakebaseCredentialProvider({
    host: config.databricks.host,
    endpoint,
    workspaceTokens: getServicePrincipalTokenProvider(config),
  });
  holder[PROVIDER_KEY] = provider;
  return provider;
}

/** Tests only: forget the process's provider. */
export function resetLakebaseCredentialProviderForTests(): void {
  (globalThis as ProviderHolder)[PROVIDER_KEY] = undefined;
}
