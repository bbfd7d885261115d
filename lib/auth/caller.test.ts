/**
 * Who the caller is: in databricks mode whoever the token belongs to, as the workspace's SCIM
 * current-user endpoint says (a local stand-in speaking the documented response), never the
 * forwarded e-mail or user headers; in local mode the local user.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
import { AppError, isAppError } from '@/lib/errors';
import { FakeScimServer } from '@/tests/support/fake-scim-server';

import { IdentityCache, localCaller, resolveCaller, UserToken } from './caller';
import { fetchCurrentUser } from '@/lib/databricks/current-user';

const scim = new FakeScimServer();
let databricks: ReturnType<typeof loadConfig>;
const local = loadConfig({ DQX_MODE: 'local', DQX_LOCAL_USER: 'ada' });

beforeAll(async () => {
  await scim.start();
  scim.addUser('secret-token-value', { userName: 'ada@example.com', displayName: 'Ada Lovelace' });
  databricks = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: scim.url });
});
afterAll(() => scim.stop());

const identities = () => new IdentityCache((token) => fetchCurrentUser(token, { host: scim.url }), 60_000);
const status = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return isAppError(error) ? error.status : error;
};

describe('resolveCaller in databricks mode', () => {
  it('is the user the token belongs to, not who the forwarded headers say', async () => {
    const caller = await resolveCaller(
      new Headers({
        'x-forwarded-access-token': 'secret-token-value',
        'x-forwarded-email': 'mallory@example.com',
        'x-forwarded-user': 'mallory',
        'x-forwarded-preferred-username': 'Mallory',
        'x-request-id': 'req-1',
      }),
      databricks,
      { identities: identities() },
    );
    expect(caller).toMatchObject({
      id: 'ada@example.com',
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      mode: 'databricks',
      requestId: 'req-1',
    });
    expect(caller.token?.reveal()).toBe('secret-token-value');
  });

  it('asks once per token, and again for another token', async () => {
    const cache = identities();
    const before = scim.lookupsOf('token-of-bob@example.com');
    const calls = await Promise.all(
      [1, 2, 3].map(() =>
        resolveCaller(new Headers({ 'x-forwarded-access-token': 'token-of-bob@example.com' }), databricks, {
          identities: cache,
        }),
      ),
    );
    await resolveCaller(new Headers({ 'x-forwarded-access-token': 'token-of-bob@example.com' }), databricks, {
      identities: cache,
    });
    expect(calls.map((c) => c.id)).toEqual(['bob@example.com', 'bob@example.com', 'bob@example.com']);
    expect(scim.lookupsOf('token-of-bob@example.com') - before).toBe(1);
    const carol = await resolveCaller(
      new Headers({ 'x-forwarded-access-token': 'token-of-carol@example.com' }),
      databricks,
      { identities: cache },
    );
    expect(carol.id).toBe('carol@example.com');
    expect(cache.lookups).toBe(2);
  });

  it('forgets an identity after its time, and does not remember failures', async () => {
    let now = 0;
    const cache = new IdentityCache(async (token) => {
      now++;
      return fetchCurrentUser(token, { host: scim.url });
    }, 1);
    await cache.resolve('token-of-dan@example.com');
    await new Promise((r) => setTimeout(r, 5));
    await cache.resolve('token-of-dan@example.com');
    expect(now).toBe(2);

    const strict = identities();
    scim.failNext = { count: 1, status: 503 };
    expect(await status(strict.resolve('token-of-erin@example.com'))).toBe(503);
    expect((await strict.resolve('token-of-erin@example.com')).userName).toBe('erin@example.com');
  });

  it('refuses a request without a token, whatever else it carries (401)', async () => {
    expect(
      await status(
        resolveCaller(new Headers({ 'x-forwarded-email': 'ada@example.com' }), databricks, {
          identities: identities(),
        }),
      ),
    ).toBe(401);
  });

  it('refuses a token the workspace does not accept (401) or an inactive user (401)', async () => {
    expect(
      await status(
        resolveCaller(new Headers({ 'x-forwarded-access-token': 'forged' }), databricks, {
          identities: identities(),
        }),
      ),
    ).toBe(401);
    scim.addUser('token-of-a-leaver', { userName: 'leaver@example.com', active: false });
    expect(
      await status(
        resolveCaller(new Headers({ 'x-forwarded-access-token': 'token-of-a-leaver' }), databricks, {
          identities: identities(),
        }),
      ),
    ).toBe(401);
  });

  it('answers 503 with Retry-After when the workspace cannot say (down, slow, garbage)', async () => {
    scim.failNext = { count: 1, status: 500 };
    const error = await resolveCaller(
      new Headers({ 'x-forwarded-access-token': 'token-of-frank@example.com' }),
      databricks,
      { identities: identities() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
    expect((error as AppError).retryAfterSeconds).toBeGreaterThan(0);

    // nothing listens: connection refused
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(
      await status(fetchCurrentUser('token-of-frank@example.com', { host: `http://127.0.0.1:${port}` })),
    ).toBe(503);

    // a server that never answers
    scim.delayMs = 500;
    try {
      expect(
        await status(fetchCurrentUser('token-of-frank@example.com', { host: scim.url, timeoutMs: 50 })),
      ).toBe(503);
    } finally {
      scim.delayMs = 0;
    }

    // a server that answers something else than a SCIM user
    const garbage = createServer((_req, res) => res.end('<html>sign in</html>'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    try {
      expect(
        await status(
          fetchCurrentUser('t', { host: `http://127.0.0.1:${(garbage.address() as AddressInfo).port}` }),
        ),
      ).toBe(503);
    } finally {
      await new Promise<void>((r) => garbage.close(() => r()));
    }
  });

  it('sends the token only in the Authorization header, and never prints it', async () => {
    const caller = await resolveCaller(
      new Headers({ 'x-forwarded-access-token': 'secret-token-value' }),
      databricks,
      { identities: identities() },
    );
    const seen = scim.requests.filter((r) => r.authorization?.includes('secret-token-value'));
    expect(seen.length).toBeGreaterThan(0);
    expect(scim.requests.every((r) => !r.path.includes('secret-token-value'))).toBe(true);
    expect(JSON.stringify(caller)).not.toContain('secret-token-value');
    expect(inspect(caller, { depth: 5 })).not.toContain('secret-token-value');
    expect(String(caller.token)).not.toContain('secret-token-value');
    const failure = await fetchCurrentUser('secret-token-value', { host: 'http://127.0.0.1:1' }).catch(
      (e: unknown) => e,
    );
    expect(JSON.stringify(failure) + String(failure)).not.toContain('secret-token-value');
  });
});

describe('resolveCaller in local mode', () => {
  it('is the local user, whatever the headers say', async () => {
    const caller = await resolveCaller(
      new Headers({ 'x-forwarded-email': 'mallory@example.com', 'x-forwarded-access-token': 't' }),
      local,
    );
    expect(caller).toMatchObject({ id: 'ada', mode: 'local', token: undefined });
    expect(localCaller(local)).toMatchObject({ id: 'ada' });
  });
});

describe('UserToken.expiresAt', () => {
  const jwt = (claims: object) => ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

  it('reads the exp claim of a JWT, and nothing from a token that is not one', () => {
    expect(new UserToken(jwt({ exp: 1_900_000_000, sub: 'ana' })).expiresAt()).toBe(1_900_000_000_000);
    expect(new UserToken(jwt({ sub: 'ana' })).expiresAt()).toBeUndefined();
    expect(new UserToken('dapi0123456789abcdef').expiresAt()).toBeUndefined();
    expect(new UserToken('a.%%%.c').expiresAt()).toBeUndefined();
  });
});
