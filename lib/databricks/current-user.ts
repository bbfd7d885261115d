/**
 * Who a user token belongs to: the workspace's SCIM "current user" endpoint,
 * `GET {DATABRICKS_HOST}/api/2.0/preview/scim/v2/Me` with `Authorization: Bearer <user token>`.
 * It answers the SCIM User object of the token's owner: `id`, `userName` (the e-mail address of a
 * user, the application id of a service principal), `displayName`, `emails` [{value, primary, type}],
 * `active`, and more that is not used here. Reading it needs no API scope the app must request
 * (`iam.current-user:read` is part of every user token the Apps proxy forwards).
 *
 * The token is only ever put in the Authorization header: never in a URL, a log line or an error.
 */
import { z } from 'zod';

import { AppError, unavailable } from '@/lib/errors';

export const SCIM_ME_PATH = '/api/2.0/preview/scim/v2/Me';

export interface TokenIdentity {
  /** The SCIM `userName`: an e-mail address for users. */
  userName: string;
  /** The workspace's user id. */
  userId: string;
  displayName: string;
  email: string | undefined;
}

const ScimUser = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  userName: z.string().trim().min(1).max(500),
  displayName: z.string().trim().max(500).optional(),
  active: z.boolean().optional(),
  emails: z
    .array(z.looseObject({ value: z.string().trim().max(500).optional(), primary: z.boolean().optional() }))
    .optional(),
});

export interface CurrentUserOptions {
  /** Workspace URL, `https://host` (an `http://` URL is accepted for local stand-ins). */
  host: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const RETRY_AFTER_SECONDS = 5;

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

const notConfirmed = () =>
  new AppError(
    'unauthorized',
    'Databricks did not accept your sign-in (it may have expired). Reload the page to sign in again.',
  );

const lookupUnavailable = (detail: string, cause?: unknown) =>
  unavailable(
    `Databricks could not confirm who you are right now (${detail}). Try again in a moment.`,
    cause,
    RETRY_AFTER_SECONDS,
  );

/**
 * The identity behind `token`. 401 when Databricks refuses the token (401/403) or says the user is
 * inactive; 503 with Retry-After when the workspace cannot be reached or answers with anything else.
 */
export async function fetchCurrentUser(token: string, options: CurrentUserOptions): Promise<TokenIdentity> {
  const url = options.host.replace(/\/+$/, '') + SCIM_ME_PATH;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const request = () =>
    doFetch(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/scim+json, application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: 'error',
    });
  let response: Response;
  try {
    try {
      response = await request();
    } catch (error) {
      // A kept-alive connection the server closed meanwhile: one more try on a new one (a GET).
      if (isTimeout(error)) throw error;
      response = await request();
    }
  } catch (error) {
    throw lookupUnavailable(
      isTimeout(error) ? 'the workspace did not answer in time' : 'the workspace is not reachable',
      error,
    );
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel().catch(() => undefined);
    throw notConfirmed();
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw lookupUnavailable(`the workspace answered HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    const text = await response.text();
    if (text.length > 1_000_000) throw new Error('answer too large');
    body = JSON.parse(text);
  } catch (error) {
    throw lookupUnavailable('the workspace answered something that is not a SCIM user', error);
  }
  const parsed = ScimUser.safeParse(body);
  if (!parsed.success) throw lookupUnavailable('the workspace answered something that is not a SCIM user');
  const user = parsed.data;
  if (user.active === false) throw notConfirmed();
  const emails = user.emails ?? [];
  const email =
    (emails.find((e) => e.primary && e.value) ?? emails.find((e) => e.value))?.value ??
    (user.userName.includes('@') ? user.userName : undefined);
  return {
    userName: user.userName,
    userId: user.id,
    displayName: user.displayName || user.userName,
    email,
  };
}
