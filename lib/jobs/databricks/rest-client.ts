/**
 * A small client for the Databricks REST APIs the job runner uses (Jobs 2.2, Files 2.0), with the
 * app's service-principal token from an injected provider. Errors come back as the documented
 * `{ error_code, message }` body and are turned into AppErrors; the token never appears in an
 * error, a log line or a thrown message.
 */
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';

export type TokenProvider = () => Promise<string>;
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RestClientOptions {
  /** `https://<workspace-host>` (normalised, no trailing slash). */
  host: string;
  tokenProvider: TokenProvider;
  /** Drops the cached token: called once on a 401 before the request is sent again with a new one. */
  invalidateToken?: () => void;
  fetch?: FetchLike;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries of 429/5xx and network failures (requests here are idempotent or carry an idempotency token). */
  retries?: number;
  retryBaseDelayMs?: number;
  /**
   * The token is the signed-in user's (calls made on their behalf): a 401 asks them to sign in
   * again and a 403 is theirs to resolve (their Unity Catalog rights), not the service principal's.
   */
  onBehalfOfUser?: boolean;
}

export class DatabricksApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatabricksApiError';
  }
}

/** JSON.parse that keeps 64-bit ids exact: long integers of `*_id` fields become strings. */
export function parseJsonKeepingIds(text: string): unknown {
  return JSON.parse(text.replace(/"([A-Za-z_]*_id)"\s*:\s*(-?\d{16,})/g, '"$1":"$2"'));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export class DatabricksRestClient {
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;

  constructor(private readonly options: RestClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
  }

  async getJson(path: string, query: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send('GET', path + '?' + new URLSearchParams(query).toString(), undefined, signal);
    return parseJsonKeepingIds(await response.text());
  }

  /** `body` is JSON text (the caller builds it, so 64-bit ids can be written exactly). */
  async postJson(path: string, body: string, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send('POST', path, { body, contentType: 'application/json' }, signal);
    const text = await response.text();
    return text ? parseJsonKeepingIds(text) : {};
  }

  async getBytes(path: string, signal?: AbortSignal): Promise<Buffer> {
    const response = await this.send('GET', path, undefined, signal);
    return Buffer.from(await response.arrayBuffer());
  }

  /** A PUT without a body (Files API: create a directory). */
  async put(path: string, signal?: AbortSignal): Promise<void> {
    await this.send('PUT', path, undefined, signal);
  }

  async putBytes(path: string, data: Uint8Array, signal?: AbortSignal): Promise<void> {
    await this.send('PUT', path, { body: data, contentType: 'application/octet-stream' }, signal);
  }

  private async send(
    method: string,
    pathAndQuery: string,
    payload: { body: string | Uint8Array; contentType: string } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    let attempt = 0;
    let renewedToken = false;
    for (;;) {
      attempt += 1;
      let token: string;
      try {
        token = await this.options.tokenProvider();
      } catch (error) {
        throw new AppError('unavailable', "The app could not obtain its service principal's Databricks token.", { cause: error });
      }
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let response: Response | undefined;
      let networkError: unknown;
      try {
        response = await this.fetchImpl(this.options.host + pathAndQuery, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            'User-Agent': 'dqx-data-quality-manager',
            ...(payload ? { 'Content-Type': payload.contentType } : {}),
          },
          body: payload?.body as BodyInit | undefined,
          signal: combined,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        networkError = error;
      }
      if (response && response.ok) return response;
      if (response?.status === 401 && !renewedToken && this.options.invalidateToken) {
        // A revoked or rotated token: drop it once and ask again with a fresh one.
        renewedToken = true;
        this.options.invalidateToken();
        log.warn('Databricks API refused the cached token; retrying once with a new one', { method, path: pathAndQuery.split('?')[0] });
        continue;
      }

      const retryable = networkError !== undefined || (response !== undefined && (response.status === 429 || response.status >= 500));
      if (retryable && attempt <= this.retries) {
        const retryAfter = Number(response?.headers.get('retry-after'));
        const delay = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : this.retryBaseDelayMs * 2 ** (attempt - 1);
        log.warn('Databricks API call will be retried', { method, path: pathAndQuery.split('?')[0], status: response?.status ?? null, attempt });
        await sleep(delay, signal);
        continue;
      }
      if (!response) {
        throw new AppError('unavailable', 'The Databricks workspace could not be reached. Try again in a moment.', { cause: networkError });
      }
      throw await this.toError(method, pathAndQuery, response);
    }
  }

  private async toError(method: string, pathAndQuery: string, response: Response): Promise<Error> {
    let errorCode = 'UNKNOWN';
    let message = response.statusText || `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as { error_code?: string; message?: string };
      if (body.error_code) errorCode = body.error_code;
      if (body.message) message = body.message;
    } catch {
      // not JSON: keep the status text
    }
    const path = pathAndQuery.split('?')[0] ?? pathAndQuery;
    const apiError = new DatabricksApiError(response.status, errorCode, `${method} ${path}: ${response.status} ${errorCode}: ${message}`);
    log.warn('Databricks API call failed', { method, path, status: response.status, errorCode });
    if (this.options.onBehalfOfUser && response.status === 401) {
      return new AppError('unauthorized', 'Databricks did not accept your sign-in (it may have expired). Reload the page to sign in again.', { cause: apiError });
    }
    if (this.options.onBehalfOfUser && response.status === 403) {
      return new AppError('forbidden', `Databricks refused: you may not do this (${path}). Ask for the Unity Catalog privilege it needs.`, { cause: apiError });
    }
    if (response.status === 401 || response.status === 403) {
      return new AppError(
        'unavailable',
        "The app's service principal is not allowed to do this in Databricks (check the job and volume permissions of the app's resources).",
        { cause: apiError },
      );
    }
    if (response.status === 429 || response.status >= 500) {
      return new AppError('unavailable', 'Databricks is busy or unavailable. Try again in a moment.', { cause: apiError });
    }
    return apiError;
  }
}
