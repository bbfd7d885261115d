/**
 * OAuth machine-to-machine tokens for the app's service principal (client-credentials grant on the
 * workspace's `/oidc/v1/token` endpoint, `scope=all-apis`, client id and secret in HTTP basic auth).
 *
 * Used where the app acts as itself, never on behalf of a user: as the Lakebase password (the rule
 * store) and for the Jobs API. A token is cached and renewed shortly before it expires (a margin of
 * 20% of its lifetime, at most 10 minutes), concurrent callers share one request, and if a renewal
 * fails while the cached token is still valid, the cached token keeps being used.
 *
 * The secret and the tokens are never logged or put into an error message.
 */
import { getConfig, type AppConfig } from '@/lib/config';
import { unavailable } from '@/lib/errors';
import { log } from '@/lib/log';

export interface TokenProviderOptions {
  /** Workspace URL, `https://host` (an `http://` URL is accepted for local stand-ins). */
  host: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** For tests: the clock in milliseconds. */
  now?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

/** Renew when this share of the lifetime is left, but never more than 10 minutes before expiry. */
const REFRESH_SHARE = 0.2;
const MAX_REFRESH_MARGIN_MS = 10 * 60 * 1000;

export class ServicePrincipalTokenProvider {
  readonly #options: Required<Omit<TokenProviderOptions, 'fetch'>> & { fetch: typeof fetch };
  #cached: CachedToken | undefined;
  #inFlight: Promise<CachedToken> | undefined;
  /** Number of token requests sent; lets tests and health checks see renewals. */
  requests = 0;

  constructor(options: TokenProviderOptions) {
    this.#options = {
      scope: 'all-apis',
      now: Date.now,
      timeoutMs: 10_000,
      ...options,
      host: options.host.replace(/\/+$/, ''),
      fetch: options.fetch ?? ((...args) => fetch(...args)),
    };
  }

  get tokenUrl(): string {
    return `${this.#options.host}/oidc/v1/token`;
  }

  /** A valid access token, from the cache or freshly requested. */
  async getToken(): Promise<string> {
    const now = this.#options.now();
    const cached = this.#cached;
    if (cached && now < cached.refreshAt) return cached.value;
    try {
      return (await this.#refresh()).value;
    } catch (error) {
      if (cached && now < cached.expiresAt) {
        log.warn('service principal token renewal failed; using the cached token until it expires', { error });
        return cached.value;
      }
      throw error;
    }
  }

  /** Forget the cached token, so the next `getToken()` asks the endpoint again. */
  invalidate(): void {
    this.#cached = undefined;
  }

  #refresh(): Promise<CachedToken> {
    this.#inFlight ??= this.#request().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #request(): Promise<CachedToken> {
    const { host, clientId, clientSecret, scope, timeoutMs, now } = this.#options;
    this.requests += 1;
    const basic = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
    let response: Response;
    try {
      response = await this.#options.fetch(this.tokenUrl, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw unavailable(`Could not reach the OAuth token endpoint of ${host} for the app's service principal.`, cause);
    }
    const body = await jsonObjectOf(response);
    if (!response.ok) {
      const reason = typeof body.error === 'string' ? ` (${body.error.slice(0, 100)})` : '';
      const refused = response.status === 400 || response.status === 401 || response.status === 403;
      throw unavailable(
        refused
          ? `The OAuth token endpoint of ${host} refused the app's service principal: HTTP ${response.status}${reason}. ` +
              'Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET.'
          : `The OAuth token endpoint of ${host} answered HTTP ${response.status}${reason}; try again shortly.`,
      );
    }
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw unavailable(`The OAuth token endpoint of ${host} answered without an access_token.`);
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    const lifetimeMs = expiresIn * 1000;
    const issuedAt = now();
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * REFRESH_SHARE);
    const token = { value: accessToken, expiresAt: issuedAt + lifetimeMs, refreshAt: issuedAt + lifetimeMs - margin };
    this.#cached = token;
    return token;
  }
}

/**
 * The JSON object a Databricks API answered, or {} when the body is not one (an HTML error page
 * from a proxy): callers report the status without echoing the body.
 */
export async function jsonObjectOf(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const PROVIDER_KEY = Symbol.for('dqx.servicePrincipalTokenProvider');
type ProviderHolder = { [PROVIDER_KEY]?: ServicePrincipalTokenProvider };

/**
 * The process's token provider for the app's service principal (one cache per process, kept across
 * Next dev reloads). Throws 503 when the client id, secret or workspace host are not configured.
 */
export function getServicePrincipalTokenProvider(config: AppConfig = getConfig()): ServicePrincipalTokenProvider {
  const holder = globalThis as ProviderHolder;
  const existing = holder[PROVIDER_KEY];
  if (existing) return existing;
  const { host, clientId, clientSecret } = config.databricks;
  if (!host || !clientId || !clientSecret) {
    throw unavailable(
      "The app's service principal is not configured: DATABRICKS_HOST, DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET are needed.",
    );
  }
  const provider = new ServicePrincipalTokenProvider({ host, clientId, clientSecret });
  holder[PROVIDER_KEY] = provider;
  return provider;
}
