/**
 * The request rules (docs/security.md, ARCHITECTURE 6.10) as an attacker meets them, on the
 * production build in local and databricks mode, through the HTTP API and through server actions:
 * methods, content types, other sites, Host names (DNS rebinding), the listen address, integers,
 * text that is not text, nesting, body sizes.
 */
import os from 'node:os';
import net from 'node:net';

import { describe, expect, it } from 'vitest';

import { nestedJson } from '@/tests/support/hostile-payloads';

import { callAction, json, request, sameOrigin } from './support/client';
import { APP_HOST, databricksUrl, localUrl, securityPort } from './support/servers';

const TABLE = 'samples.sales.orders';
const bob = { 'x-forwarded-access-token': 'token-of-bob@example.com' };
const MODES = [
  { mode: 'local', base: localUrl, auth: {} as Record<string, string> },
  { mode: 'databricks', base: databricksUrl, auth: bob },
] as const;

describe.each(MODES)('$mode mode', ({ base, auth, mode }) => {
  describe('methods other than those a route declares: 405 with Allow', () => {
    it.each([
      ['TRACE', '/api/v1/catalogs', 'GET, HEAD'],
      ['OPTIONS', '/api/v1/catalogs', 'GET, HEAD'],
      ['PUT', '/api/v1/rule-sets', 'GET, HEAD'],
      ['DELETE', `/api/v1/rule-sets/${TABLE}/versions`, 'GET, HEAD, POST'],
      ['PATCH', '/api/v1/validations', 'POST'],
      ['GET', '/api/v1/validations', 'POST'],
      ['GET', '/api/v1/runs/00000000-0000-4000-8000-000000000000/cancel', 'POST'],
      ['POST', '/api/health', 'GET, HEAD'],
      ['TRACE', '/catalog', 'GET, HEAD, POST'],
      ['DELETE', '/validator', 'GET, HEAD, POST'],
      ['OPTIONS', '/', 'GET, HEAD, POST'],
    ])('%s %s', async (method, target, allow) => {
      const res = await request(base, target, { method, headers: auth });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body.error?.code).toBe('method_not_allowed');
    });
  });

  describe('a POST in a content type the route does not document: 415', () => {
    it.each([
      ['/api/v1/validations', 'text/plain'],
      ['/api/v1/validations', 'application/x-www-form-urlencoded'],
      ['/api/v1/generations', 'multipart/form-data; boundary=x'],
      ['/api/v1/analyses', 'application/yaml'],
      ['/api/v1/validations', 'application/json; charset=latin1'],
      [`/api/v1/rule-sets/${TABLE}/versions`, 'text/csv'],
      [`/api/v1/rule-sets/${TABLE}/versions/1/activate`, 'text/plain'],
      ['/api/v1/runs/00000000-0000-4000-8000-000000000000/cancel', 'application/x-www-form-urlencoded'],
    ])('%s as %s', async (target, type) => {
      const res = await request(base, target, {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body: '{"table":"a.b.c"}',
      });
      expect(res.status).toBe(415);
      expect(res.body.error?.code).toBe('unsupported_media_type');
    });

    it('a POST without any content type', async () => {
      const res = await request(base, '/api/v1/validations', {
        method: 'POST',
        headers: auth,
        body: '{"table":"a.b.c"}',
      });
      expect(res.status).toBe(415);
    });
  });

  describe('requests another site sends through the browser: 403', () => {
    const hostile: Record<string, string>[] = [
      { origin: 'https://evil.example.com' },
      { origin: 'null' },
      { origin: 'http://127.0.0.1:1' }, // another local app: same site, other origin
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      ...(mode === 'databricks'
        ? [
            { origin: `https://other-app-${APP_HOST.split('-').pop()}` },
            { origin: 'https://evil-1234567890123456.aws.databricksapps.com' },
          ]
        : []),
    ];

    it.each(hostile)('POST /api/v1/rule-sets/{table}/versions/{n}/activate with %j', async (headers) => {
      const res = await request(base, `/api/v1/rule-sets/${TABLE}/versions/1/activate`, {
        method: 'POST',
        headers: { ...auth, ...headers },
      });
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('forbidden');
    });

    it.each(hostile)('a validation started with %j', async (headers) => {
      const res = await request(base, '/api/v1/validations', {
        method: 'POST',
        ...json({ table: TABLE }),
        headers: { ...auth, 'content-type': 'application/json', ...headers },
      });
      expect(res.status).toBe(403);
    });

    it.each(hostile)('a server action called with %j', async (headers) => {
      const res = await callAction(base, 'activateVersionAction', [{ table: TABLE, version: 1 }], {
        ...auth,
        ...headers,
      });
      expect(res.status).toBe(403);
      expect(res.result).toBeUndefined();
    });

    it('a cross-site read of the API, but not a link followed to it', async () => {
      const read = await request(base, '/api/v1/openapi.json', {
        headers: {
          ...auth,
          'sec-fetch-site': 'cross-site',
          'sec-fetch-mode': 'cors',
          origin: 'https://evil.example.com',
        },
      });
      expect(read.status).toBe(403);
      const link = await request(base, '/api/v1/openapi.json', {
        headers: { ...auth, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
      });
      expect(link.status).toBe(200);
    });

    it('lets the app’s own pages through', async () => {
      const own =
        mode === 'databricks'
          ? { origin: `https://${APP_HOST}`, 'x-forwarded-host': APP_HOST }
          : sameOrigin(base);
      const res = await callAction(base, 'listRunsAction', [{ table: TABLE }], { ...auth, ...own });
      expect(res.status).toBe(200);
      expect(res.result).toBeDefined();
    });
  });

  describe('integers in query strings and paths are whole numbers written plainly: 400', () => {
    it.each(['1e3', '0x10', '%201', '1.0', '-1', '01', '+1', '1_000', '99999999999999999999'])(
      '?limit=%s',
      async (value) => {
        const res = await request(base, `/api/v1/tables?q=orders&limit=${value}`, { headers: auth });
        expect(res.status).toBe(400);
        expect(res.body.error?.code).toBe('bad_request');
      },
    );
    it.each(['page=1e1', 'page_size=0x10', 'page=1.0', 'page_size=%2010'])('versions ?%s', async (query) => {
      expect(
        (await request(base, `/api/v1/rule-sets/${TABLE}/versions?${query}`, { headers: auth })).status,
      ).toBe(400);
    });
    it.each(['1e0', '0x1', '1.0', '01', '%201'])('version %s in the path', async (version) => {
      expect(
        (await request(base, `/api/v1/rule-sets/${TABLE}/versions/${version}`, { headers: auth })).status,
      ).toBe(400);
    });
  });

  describe('text with NUL or lone surrogates, and nesting beyond the limit: 400 at the schema', () => {
    const bodies = [
      ['a NUL in the table name', `{"table":"samples.sales.orders\\u0000"}`],
      ['a lone surrogate in the table name', `{"table":"samples.sales.\\ud800orders"}`],
      [
        'a NUL in a rule',
        `{"table":"${TABLE}","rules":[{"criticality":"error","check":{"function":"is_not_null","arguments":{"column":"a\\u0000"}}}]}`,
      ],
      [
        'a lone surrogate in a key',
        `{"table":"${TABLE}","rules":[{"check":{"function":"is_not_null","arguments":{"\\udc00":"a"}}}]}`,
      ],
      [
        '5,000-deep user_metadata',
        `{"table":"${TABLE}","rules":[{"criticality":"error","check":{"function":"is_not_null","arguments":{"column":"id"}},"user_metadata":${nestedJson(5000)}}]}`,
      ],
      ['100,000-deep rules', `{"table":"${TABLE}","rules":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`],
    ];
    it.each(bodies)('a validation with %s', async (_what, body) => {
      const res = await request(base, '/api/v1/validations', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('bad_request');
    });
    it.each(bodies)('an analysis with %s', async (_what, body) => {
      const res = await request(base, '/api/v1/analyses', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
    });
    it.each([
      [
        'a NUL',
        {
          rules: [
            { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'a\u0000' } } },
          ],
        },
      ],
      ['a NUL in user_prompt', { rules: [], user_prompt: 'x\u0000' }],
      ['deep metadata', { rules: [], metadata: JSON.parse(nestedJson(1000)) as object }],
    ])('a saved version with %s', async (_what, body) => {
      const res = await request(base, `/api/v1/rule-sets/${TABLE}/versions`, {
        method: 'POST',
        ...json(body),
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
    });
    it.each(['%00', 'a%00b', 'orders%00'])('a search for %s', async (q) => {
      expect((await request(base, `/api/v1/tables?q=${q}`, { headers: auth })).status).toBe(400);
    });
    it('a table name with a NUL in the path', async () => {
      expect(
        (await request(base, '/api/v1/rule-sets/samples.sales.orders%00/versions', { headers: auth })).status,
      ).toBe(400);
    });

    it.each([
      ['a NUL in the table', [{ table: `${TABLE}\u0000` }], 'table'],
      ['a lone surrogate in the table', [{ table: `${TABLE}\ud800` }], 'table'],
      [
        'a NUL in a rule',
        [
          {
            table: TABLE,
            rules: [
              { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'x\u0000' } } },
            ],
          },
        ],
        'rules.0.check.arguments.column',
      ],
    ])('a server action given %s', async (_what, args, field) => {
      const res = await callAction(base, 'startDryRunAction', args, auth);
      expect(res.status).toBe(200);
      expect(res.result).toMatchObject({ ok: false, code: 'bad_request' });
      expect(Object.keys(res.result!.fieldErrors ?? {})).toContain(field);
    });

    it('a server action given a value nested 5,000 deep: 400 before the framework decodes it (its decoder would overflow)', async () => {
      const raw = `[{"table":"${TABLE}","rules":[{"criticality":"error","check":{"function":"is_not_null","arguments":{"column":"id"}},"user_metadata":${nestedJson(5000)}}]}]`;
      const res = await callAction(base, 'startDryRunAction', { raw }, auth);
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toMatch(/nest more than \d+ levels/);
    });

    it.each([
      [
        'a value nested 40 deep (within what the framework decodes)',
        `[{"table":"${TABLE}","rules":[{"criticality":"error","check":{"function":"is_not_null","arguments":{"column":"id"}},"user_metadata":${nestedJson(40)}}]}]`,
      ],
      ['a BigInt in the React encoding', `[{"table":"${TABLE}","rules":["$n12345678901234567890"]}]`],
      ['a Date in the React encoding', `[{"table":"${TABLE}","rules":["$D2020-01-01T00:00:00.000Z"]}]`],
      ['a non-finite number', `[{"table":"${TABLE}","rules":["$Infinity"]}]`],
    ])('a server action given %s', async (_what, raw) => {
      const res = await callAction(base, 'startDryRunAction', { raw }, auth);
      expect(res.status).toBe(200);
      expect(res.result).toMatchObject({ ok: false, code: 'bad_request' });
    });
  });

  describe('bodies larger than the route declares: 413, without reading them first', () => {
    it('says so from Content-Length, before the body arrives', async () => {
      const res = await request(base, '/api/v1/generations', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'content-length': '100000000' },
        body: {
          chunks: (async function* () {
            yield '{"table":';
            await new Promise((r) => setTimeout(r, 60_000));
          })(),
        },
      });
      expect(res.status).toBe(413);
      expect(res.body.error?.code).toBe('payload_too_large');
      expect(res.ms).toBeLessThan(30_000); // answered without waiting for the body
    });

    it('stops reading a chunked body past the limit', async () => {
      let sent = 0;
      const res = await request(base, '/api/v1/validations', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: {
          chunks: (function* () {
            for (let i = 0; i < 200 && sent < 50_000_000; i++) {
              sent += 256_000;
              yield Buffer.alloc(256_000, 0x20);
            }
          })(),
        },
      });
      expect(res.status).toBe(413);
    });

    it.each([
      [`/api/v1/rule-sets/${TABLE}/versions/1/activate`, 2_000],
      ['/api/v1/generations', 70_000],
      ['/api/v1/analyses', 2_100_000],
    ])('%s with %i bytes', async (target, size) => {
      const res = await request(base, target, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: ' '.repeat(size),
      });
      expect(res.status).toBe(413);
    });

    it('a client still sending its body after the 413 receives the 413, not a reset connection', async () => {
      // The client does not read while it writes (as a busy client does): the answer waits in its
      // receive buffer while more of the body goes out. Closed at once, the server's end would
      // answer that data with a reset, the next write would fail with EPIPE and the answer be lost.
      const url = new URL(base);
      const socket = net.connect(Number(url.port), url.hostname);
      socket.pause();
      const errors: string[] = [];
      socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
      await new Promise((resolve) => socket.once('connect', resolve));
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const head = Object.entries(auth)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `POST /api/v1/generations HTTP/1.1\r\nHost: ${url.host}\r\n${head}Content-Type: application/json\r\nContent-Length: 3200000\r\n\r\n{"table":`,
      );
      await sleep(300); // answered by now
      socket.write(Buffer.alloc(100_000, 0x20));
      await sleep(300);
      socket.write(Buffer.alloc(100_000, 0x20));
      await sleep(300);
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.resume();
      await new Promise((resolve) => socket.once('close', resolve));
      expect(errors).toEqual([]);
      expect(received.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
      expect(received).toContain('"payload_too_large"');
    });

    it('a body that is not UTF-8: 400', async () => {
      const res = await request(base, '/api/v1/validations', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      });
      expect(res.status).toBe(400);
    });

    it('a server action body larger than allowed is refused', async () => {
      const res = await callAction(
        base,
        'startDryRunAction',
        { raw: `[{"table":"${TABLE}","rules":[${'"x",'.repeat(800_000)}"x"]}]` },
        auth,
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });
});

describe('local mode: DNS rebinding and the listen address', () => {
  it.each(['evil.example.com', 'rebind.attacker.test:3000', '127.0.0.1.nip.io', 'localhost.attacker.test'])(
    'refuses Host %s with 403 on pages, the API and actions',
    async (host) => {
      expect((await request(localUrl, '/catalog', { headers: { host } })).status).toBe(403);
      expect((await request(localUrl, '/api/v1/catalogs', { headers: { host } })).status).toBe(403);
      expect(
        (await callAction(localUrl, 'listRunsAction', [{ table: TABLE }], { host, origin: `http://${host}` }))
          .status,
      ).toBe(403);
    },
  );

  it.each([`localhost:${securityPort}`, `127.0.0.1:${securityPort}`, `[::1]:${securityPort}`])(
    'answers Host %s',
    async (host) => {
      expect((await request(localUrl, '/api/v1/catalogs', { headers: { host } })).status).toBe(200);
    },
  );

  it('listens on the loopback address only', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!external) return; // no other interface to try
    const reached = await new Promise<boolean>((resolve) => {
      const socket = net.connect(
        { host: external, port: securityPort },
        () => (socket.destroy(), resolve(true)),
      );
      socket.on('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('does not check Host in databricks mode (the Apps proxy is the only way in)', async () => {
    expect(
      (
        await request(databricksUrl, '/api/v1/openapi.json', {
          headers: { ...bob, host: 'anything.example.com' },
        })
      ).status,
    ).toBe(200);
  });
});
