/**
 * Who is calling. In databricks mode the Databricks Apps proxy forwards the signed-in user's
 * identity and OAuth token in headers; a request without a token is refused, with no fallback to
 * the service principal or to any default identity. In local mode the caller is the local user.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { inspect } from 'node:util';

import type { AppConfig, Mode } from '@/lib/config';
import { unauthorized } from '@/lib/errors';

export const HEADER = {
  token: 'x-forwarded-access-token',
  email: 'x-forwarded-email',
  user: 'x-forwarded-user',
  preferredUsername: 'x-forwarded-preferred-username',
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
  /** Stable identifier recorded as `created_by`: the IdP user id, e-mail or local user name. */
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

export function callerFromHeaders(headers: HeaderSource, config: AppConfig): Caller {
  const requestId = clean(headers.get(HEADER.requestId));
  if (config.mode === 'local') {
    const name = resolveLocalUserName(config);
    return { id: name, displayName: name, email: undefined, mode: 'local', requestId, token: undefined };
  }

  const token = clean(headers.get(HEADER.token));
  if (!token) throw unauthorized();
  const email = clean(headers.get(HEADER.email));
  const user = clean(headers.get(HEADER.user));
  const preferred = clean(headers.get(HEADER.preferredUsername));
  const id = email ?? preferred ?? user;
  if (!id) throw unauthorized('Sign-in required: the request carries no user identity.');
  return {
    id,
    displayName: preferred ?? email ?? id,
    email,
    mode: 'databricks',
    requestId,
    token: new UserToken(token),
  };
}
