import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';
import { startFakeTokenServer, type FakeTokenServer } from '@/tests/support/fake-oauth-token-server';

import { ServicePrincipalTokenProvider } from './oauth';

describe('ServicePrincipalTokenProvider', () => {
  let server: FakeTokenServer;
  let counter = 0;
  let failNext = false;

  beforeAll(async () => {
    server = await startFakeTokenServer({
      clientId: 'sp-client-id',
      clientSecret: 'sp-secret',
      issue: () => {
        if (failNext) throw new Error('down');
        return `token-${++counter}`;
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const provider = (clock: { now: number }, secret = 'sp-secret') =>
    new ServicePrincipalTokenProvider({ host: server.url, clientId: 'sp-client-id', clientSecret: secret, now: () => clock.now });

  it('asks the workspace token endpoint with the client-credentials grant and caches the token', async () => {
    const clock = { now: 1_000_000 };
    const p = provider(clock);
    const before = server.requests.length;
    const first = await p.getToken();
    expect(await p.getToken()).toBe(first);
    expect(server.requests.slice(before)).toEqual([{ clientId: 'sp-client-id', grantType: 'client_credentials', scope: 'all-apis', status: 200 }]);
  });

  it('renews 10 minutes before a one-hour token expires, not earlier', async () => {
    const clock = { now: 0 };
    const p = provider(clock);
    const first = await p.getToken();
    clock.now = (3600 - 601) * 1000;
    expect(await p.getToken()).toBe(first);
    clock.now = (3600 - 599) * 1000;
    const second = await p.getToken();
    expect(second).not.toBe(first);
    expect(p.requests).toBe(2);
  });

  it('shares one request among concurrent callers', async () => {
    const p = provider({ now: 0 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => p.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(p.requests).toBe(1);
  });

  it('asks again after the cache is expired on purpose', async () => {
    const p = provider({ now: 0 });
    const first = await p.getToken();
    p.invalidate();
    expect(await p.getToken()).not.toBe(first);
  });

  it('keeps using a still-valid token when a renewal fails', async () => {
    const clock = { now: 0 };
    const p = provider(clock);
    const first = await p.getToken();
    clock.now = 3100 * 1000; // inside the renewal window, before expiry
    failNext = true;
    try {
      expect(await p.getToken()).toBe(first);
      clock.now = 3601 * 1000; // expired: no fallback any more
      await expect(p.getToken()).rejects.toBeInstanceOf(AppError);
    } finally {
      failNext = false;
    }
  });

  it('reports refused credentials as 503 without revealing the secret', async () => {
    const p = provider({ now: 0 }, 'wrong-secret');
    const error = await p.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unavailable');
    expect((error as AppError).message).toContain('HTTP 401 (invalid_client)');
    expect((error as AppError).message).not.toContain('wrong-secret');
  });
});
