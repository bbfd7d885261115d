/**
 * Who is calling. In databricks mode the Databricks Apps proxy forwards the signed-in user's OAuth
 * token (`x-forwarded-access-token`); a request without one is refused, with no fallback to the
 * service principal or to any default identity. The caller is whoever the token belongs to, as
 * Databricks says (the SCIM current-user endpoint, lib/databricks/current-user.ts): the
 * `x-forwarded-email`/`-user`/`-preferred-username` headers are not used, since nothing ties them
 * to the token. The answer is remembered per token for DQX_IDENTITY_CACHE_SECONDS, keyed by a
 * SHA-256 hash of the token (never the token itself), in a bounded cache. In local mode the caller
 * is the local user, or with a roles file the user its `x-dqx-local-user` header names
 * (./local-roles.ts); databricks mode never reads that header.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { inspect } from 'node:util';

import { LRUCache } from 'lru-cache';

import type { AppConfig, Mode } from '@/lib/config';
import { fetchCurrentUser, type TokenIdentity } from '@/lib/databricks/current-user';
import { forbidden, unauthorized } from '@/lib/errors';

import { loadLocalRoles, LOCAL_USER_HEADER, namedUsers } from './local-roles';

export const HEADER = {
  token: 'x-forwarded-access-token',
  requestId: 'x-request-id',
} as const;

/**
 * The user's OAuth token. It can only be read with `reveal()`; every way of printing it
 * (JSON, string, console/inspect) yields `[redacted]`, so it cannot leak into a log, an error
 * message or a response by accident.
 */
export class UserToken {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  /**
   * When the token stops being accepted (ms since the epoch), from the `exp` claim of a JWT (the
   * Databricks Apps proxy forwards OAuth JWTs); undefined for a token that does not say. Read only to
   * time work, never to trust the token: Databricks checks it on every call.
   */
  expiresAt(): number | undefined {
    const payload = this.#value.split('.')[1];
    if (!payload) return undefined;
    try {
      const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
      return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
    } catch {
      return undefined;
    }
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'UserToken([redacted])';
  }
}

export interface Caller {
  /** Stable identifier recorded as `created_by`: the Databricks user name (e-mail) or the local user name. */
  readonly id: string;
  readonly displayName: string;
  readonly email: string | undefined;
  readonly mode: Mode;
  readonly requestId: string | undefined;
  /** Present in databricks mode only. */
  readonly token: UserToken | undefined;
}

type HeaderSource = { get(name: string): string | null };

const clean = (value: string | null): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

let localUserName: string | undefined;

function gitUserName(): string | undefined {
  try {
    const out = execFileSync('git', ['config', '--get', 'user.name'], {
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
    return clean(out);
  } catch {
    return undefined;
  }
}

function osUserName(): string | undefined {
  try {
    const name = os.userInfo().username;
    return name && name !== 'root' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The local user's name: DQX_LOCAL_USER, else `git config user.name`, else the OS user, else `local-user`. */
export function resolveLocalUserName(config: AppConfig): string {
  if (config.local.user) return config.local.user;
  localUserName ??= gitUserName() ?? osUserName() ?? 'local-user';
  return localUserName;
}

/** The caller in local mode: the local user, whatever the headers say. */
export function localCaller(config: AppConfig, requestId?: string): Caller {
  const name = resolveLocalUserName(config);
  return { id: name, displayName: name, email: undefined, mode: 'local', requestId, token: undefined };
}

/** Finds who a token belongs to (the SCIM current-user endpoint unless a test says otherwise). */
export type IdentityLookup = (token: string) => Promise<TokenIdentity>;

const MAX_CACHED_IDENTITIES = 10_000;

/**
 * Token -> identity, remembered for `ttlMs` under the SHA-256 hash of the token (at most
 * MAX_CACHED_IDENTITIES entries, least recently used first out). Concurrent requests with the same
 * token share one lookup. Only successful lookups are remembered.
 */
export class IdentityCache {
  readonly #lookup: IdentityLookup;
  readonly #cache: LRUCache<string, TokenIdentity> | undefined;
  readonly #inFlight = new Map<string, Promise<TokenIdentity>>();
  /** Lookups sent (tests see that a token is resolved once). */
  lookups = 0;

  constructor(lookup: IdentityLookup, ttlMs: number) {
    this.#lookup = lookup;
    this.#cache =
      ttlMs > 0 ? new LRUCache({ max: MAX_CACHED_IDENTITIES, ttl: ttlMs, ttlAutopurge: false }) : undefined;
  }

  async resolve(token: string): Promise<TokenIdentity> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.#cache?.get(key);
    if (cached) return cached;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      this.lookups++;
      pending = this.#lookup(token).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const identity = await pending;
    this.#cache?.set(key, identity);
    return identity;
  }
}

const CACHE_KEY = Symbol.for('dqx.identityCache');
type Holder = { [CACHE_KEY]?: { host: string; ttlMs: number; cache: IdentityCache } };

/** The process's identity cache for the configured workspace (one per process, kept across dev reloads). */
export function identityCacheFor(config: AppConfig): IdentityCache {
  const host = config.databricks.host;
  if (!host) throw unauthorized('Sign-in cannot be checked: DATABRICKS_HOST is not set.');
  const ttlMs = config.identity.cacheSeconds * 1000;
  const holder = globalThis as Holder;
  const current = holder[CACHE_KEY];
  if (current && current.host === host && current.ttlMs === ttlMs) return current.cache;
  const cache = new IdentityCache((token) => fetchCurrentUser(token, { host }), ttlMs);
  holder[CACHE_KEY] = { host, ttlMs, cache };
  return cache;
}

/**
 * The caller of a request. Databricks mode: 401 without a token, or when Databricks does not accept
 * it; 503 (with Retry-After) when Databricks cannot be asked. Local mode: the local user.
 */
export async function resolveCaller(
  headers: HeaderSource,
  config: AppConfig,
  options: { identities?: IdentityCache } = {},
): Promise<Caller> {
  const requestId = clean(headers.get(HEADER.requestId));
  if (config.mode === 'local') {
    // Acting as another user of the roles file (local mode only: docs/governance.md).
    const asked = clean(headers.get(LOCAL_USER_HEADER));
    if (asked === undefined) return localCaller(config, requestId);
    const roles = loadLocalRoles(config);
    if (!roles || !namedUsers(roles).has(asked)) {
      throw forbidden(`The ${LOCAL_USER_HEADER} header is honoured only in local mode with a roles file (DQX_ROLES_FILE) that names the user.`);
    }
    return { id: asked, displayName: asked, email: undefined, mode: 'local', requestId, token: undefined };
  }
  const token = clean(headers.get(HEADER.token));
  if (!token) throw unauthorized();
  const identity = await (options.identities ?? identityCacheFor(config)).resolve(token);
  return {
    id: identity.userName,
    displayName: identity.displayName,
    email: identity.email,
    mode: 'databricks',
    requestId,
    token: new UserToken(token),
  };
}
