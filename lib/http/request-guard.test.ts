import { describe, expect, it } from 'vitest';

import { isAppHostName, appHostPatterns, serverActionOrigins } from '@/lib/config/app-hosts';

import { allowedMethods } from './api-surface';
import { checkHost, checkSameOrigin, type GuardSettings } from './request-guard';

const local: GuardSettings = { mode: 'local', bindHost: '127.0.0.1', allowedHosts: ['dqx.lan'] };
const databricks: GuardSettings = {
  mode: 'databricks',
  bindHost: '0.0.0.0',
  allowedHosts: [],
  appName: 'dqx-manager',
  workspaceId: '1444828305810485',
};
const h = (headers: Record<string, string>) => new Headers(headers);
const status = (e: { status: number } | null) => e?.status ?? 'ok';

describe('checkHost (local mode, DNS rebinding)', () => {
  it.each(['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST', 'dqx.lan:8080'])(
    'accepts %s',
    (host) => {
      expect(status(checkHost(h({ host }), local))).toBe('ok');
    },
  );
  it.each([
    'evil.example.com',
    'rebind.attacker.test:3000',
    '127.0.0.1.nip.io:3000',
    '192.168.1.20:3000',
    'localhost.evil.com',
  ])('refuses %s with 403', (host) => {
    expect(status(checkHost(h({ host }), local))).toBe(403);
  });
  it('accepts the address it was told to listen on, but not a wildcard', () => {
    expect(status(checkHost(h({ host: '192.168.1.20:3000' }), { ...local, bindHost: '192.168.1.20' }))).toBe(
      'ok',
    );
    expect(status(checkHost(h({ host: '192.168.1.20:3000' }), { ...local, bindHost: '0.0.0.0' }))).toBe(403);
  });
  it('does not check in databricks mode (the Apps proxy is the only way in)', () => {
    expect(status(checkHost(h({ host: 'anything' }), databricks))).toBe('ok');
  });
});

describe('checkSameOrigin', () => {
  const post = (headers: Record<string, string>, settings = local, api = true) =>
    status(checkSameOrigin('POST', h(headers), settings, { api }));

  it('lets same-origin requests and non-browser clients through', () => {
    expect(
      post({ host: 'localhost:3000', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }),
    ).toBe('ok');
    expect(post({ host: 'localhost:3000' })).toBe('ok');
  });

  it.each([
    [{ origin: 'https://evil.example.com' }],
    [{ origin: 'null' }],
    [{ origin: 'http://localhost:8080' }], // another local app: same site, other origin
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ 'sec-fetch-site': 'same-site' }],
    [{ origin: 'file://' }],
    [{ origin: 'not a url' }],
  ])('refuses %j with 403', (headers) => {
    expect(post({ host: 'localhost:3000', ...headers })).toBe(403);
    expect(post({ host: 'localhost:3000', ...headers }, local, false)).toBe(403); // server actions too
  });

  it('refuses cross-site reads of the API, but lets a navigation (a link) through', () => {
    expect(
      status(
        checkSameOrigin(
          'GET',
          h({ host: 'localhost:3000', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }),
          local,
          { api: true },
        ),
      ),
    ).toBe(403);
    expect(
      status(
        checkSameOrigin(
          'GET',
          h({ host: 'localhost:3000', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }),
          local,
          { api: true },
        ),
      ),
    ).toBe('ok');
    expect(
      status(
        checkSameOrigin('GET', h({ host: 'localhost:3000', 'sec-fetch-site': 'cross-site' }), local, {
          api: false,
        }),
      ),
    ).toBe('ok');
  });

  describe('databricks mode', () => {
    const own = 'dqx-manager-1444828305810485.aws.databricksapps.com';
    it('accepts the host the Apps proxy forwards, and the app’s own names', () => {
      expect(
        post({ host: '10.0.0.5:8000', 'x-forwarded-host': own, origin: `https://${own}` }, databricks),
      ).toBe('ok');
      expect(post({ host: '10.0.0.5:8000', origin: `https://${own}` }, databricks)).toBe('ok');
      expect(
        post(
          {
            host: '10.0.0.5:8000',
            origin: 'https://dqx-manager-1444828305810485.9.azure.databricksapps.com',
          },
          databricks,
        ),
      ).toBe('ok');
    });
    it.each([
      'https://evil-1444828305810485.aws.databricksapps.com', // another app in the workspace
      'https://dqx-manager-999.aws.databricksapps.com', // the same name in another workspace
      'https://x.dqx-manager-1444828305810485.aws.databricksapps.com',
      'https://dqx-manager-1444828305810485.aws.databricksapps.com.evil.com',
      'https://databricksapps.com',
    ])('refuses %s', (origin) => {
      expect(post({ host: '10.0.0.5:8000', 'x-forwarded-host': own, origin }, databricks)).toBe(403);
    });
  });
});

describe('the app’s own Databricks Apps host names', () => {
  it('matches the three URL forms and nothing else', () => {
    expect(isAppHostName('dqx-1.aws.databricksapps.com', 'dqx', '1')).toBe(true);
    expect(isAppHostName('dqx-1.gcp.databricksapps.com', 'dqx', '1')).toBe(true);
    expect(isAppHostName('dqx-1.18.azure.databricksapps.com', 'dqx', '1')).toBe(true);
    expect(isAppHostName('dqx-1.x.azure.databricksapps.com', 'dqx', '1')).toBe(false);
    expect(isAppHostName('dqx-1.databricksapps.com', 'dqx', '1')).toBe(false);
    expect(isAppHostName('dqx-1.aws.databricksapps.com', undefined, '1')).toBe(false);
  });
  it('gives Next.js exact patterns, never a wildcard over other apps', () => {
    expect(appHostPatterns('dqx', '1')).toEqual([
      'dqx-1.aws.databricksapps.com',
      'dqx-1.gcp.databricksapps.com',
      'dqx-1.*.azure.databricksapps.com',
    ]);
    expect(appHostPatterns('*', '1')).toEqual([]);
    expect(serverActionOrigins({})).toEqual([]);
    expect(serverActionOrigins({ DQX_ALLOWED_HOSTS: 'dqx.example.com, *.evil.com' })).toEqual([
      'dqx.example.com',
    ]);
  });
});

describe('allowedMethods', () => {
  it('lists what each API path declares (HEAD with GET), and nothing for pages', () => {
    expect(allowedMethods('/api/v1/catalogs')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods('/api/v1/rule-sets/a.b.c/versions')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods('/api/v1/runs/123/cancel')).toEqual(['POST']);
    expect(allowedMethods('/api/health')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods('/catalog')).toBeNull();
    expect(allowedMethods('/api/v1/nope')).toBeNull();
  });
});
