/**
 * The catalog API as an external caller sees it: the route handlers called with real requests, on
 * the real local warehouse (DuckDB with the sample catalog), and in databricks mode without a token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GET as ready } from '@/app/api/ready/route';
import { resetConfigForTests } from '@/lib/config';
import { resetCatalogServiceForTests } from '@/lib/services/catalog';
import { resetLocalWarehouseForTests } from '@/lib/warehouse/duckdb';

import { GET as schemas } from './catalogs/[catalog]/schemas/route';
import { GET as tables } from './catalogs/[catalog]/schemas/[schema]/tables/route';
import { GET as catalogs } from './catalogs/route';
import { GET as describeTable } from './tables/[name]/route';
import { GET as sample } from './tables/[name]/sample/route';
import { GET as search } from './tables/route';

let root: string;
const saved = { ...process.env };

function req(url: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(new URL(url, 'http://localhost'), { headers });
}
const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });

async function body(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function useEnv(env: Record<string, string | undefined>) {
  for (const key of Object.keys(process.env))
    if (key.startsWith('DQX_') || key.startsWith('DATABRICKS_')) delete process.env[key];
  Object.assign(process.env, env);
  resetConfigForTests();
  resetLocalWarehouseForTests();
  resetCatalogServiceForTests();
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-api-'));
});

afterAll(() => {
  resetLocalWarehouseForTests();
  process.env = saved;
  resetConfigForTests();
  resetCatalogServiceForTests();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('local mode', () => {
  beforeAll(() => {
    useEnv({
      DQX_MODE: 'local',
      DQX_LOCAL_DATA_DIR: path.join(root, 'data'),
      DQX_STATE_DIR: path.join(root, 'state'),
      DQX_SAMPLE_BIG_ROWS: '1000',
      DQX_LOCAL_USER: 'api-test',
      DQX_LOG_LEVEL: 'warn',
    });
  });

  it('GET /api/v1/catalogs lists the catalogs', async () => {
    const res = await catalogs(req('/api/v1/catalogs'), ctx({}));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const json = await body(res);
    expect((json.catalogs as { name: string }[]).map((c) => c.name)).toEqual(['local', 'samples']);
  });

  it('GET /api/v1/catalogs/{catalog}/schemas: 200, 404, 400', async () => {
    const ok = await schemas(req('/api/v1/catalogs/samples/schemas'), ctx({ catalog: 'samples' }));
    expect(ok.status).toBe(200);
    expect(((await body(ok)).schemas as { name: string }[]).map((s) => s.name)).toEqual([
      'hr',
      'iot',
      'sales',
      'web',
    ]);

    const missing = await schemas(req('/api/v1/catalogs/nope/schemas'), ctx({ catalog: 'nope' }));
    expect(missing.status).toBe(404);
    expect(await body(missing)).toEqual({
      error: { code: 'not_found', message: "Catalog 'nope' was not found, or you do not have access to it." },
    });

    const invalid = await schemas(req('/api/v1/catalogs/a%20b/schemas'), ctx({ catalog: 'a b' }));
    expect(invalid.status).toBe(400);
    expect(await body(invalid)).toMatchObject({
      error: { code: 'bad_request', message: expect.stringContaining('white space') },
    });
  });

  it('GET /api/v1/catalogs/{catalog}/schemas/{schema}/tables: 200 and 404', async () => {
    const ok = await tables(
      req('/api/v1/catalogs/samples/schemas/web/tables'),
      ctx({ catalog: 'samples', schema: 'web' }),
    );
    expect(ok.status).toBe(200);
    expect(((await body(ok)).tables as { full_name: string }[]).map((t) => t.full_name)).toEqual([
      'samples.web.campaigns',
      'samples.web.events',
      'samples.web.reviews',
    ]);
    const missing = await tables(
      req('/api/v1/catalogs/samples/schemas/nope/tables'),
      ctx({ catalog: 'samples', schema: 'nope' }),
    );
    expect(missing.status).toBe(404);
    expect(await body(missing)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('GET /api/v1/tables?q= searches, and refuses a bad limit', async () => {
    const ok = await search(req('/api/v1/tables?q=revi&limit=5'), ctx({}));
    expect(ok.status).toBe(200);
    const json = await body(ok);
    expect(json.query).toBe('revi');
    expect((json.tables as { full_name: string }[])[0]?.full_name).toBe('samples.web.reviews');

    for (const limit of ['0', '101', 'abc', '2.5']) {
      const bad = await search(req(`/api/v1/tables?q=x&limit=${limit}`), ctx({}));
      expect(bad.status, limit).toBe(400);
      expect(await body(bad)).toMatchObject({
        error: {
          code: 'bad_request',
          details: { issues: [{ path: 'limit', message: expect.stringContaining('between 1 and 100') }] },
        },
      });
    }
  });

  it('GET /api/v1/tables/{name} describes a table: 200, 400, 404', async () => {
    const ok = await describeTable(
      req('/api/v1/tables/samples.sales.orders'),
      ctx({ name: 'samples.sales.orders' }),
    );
    expect(ok.status).toBe(200);
    const json = await body(ok);
    expect(json).toMatchObject({ full_name: 'samples.sales.orders', row_count: 1000, kind: 'table' });
    expect((json.columns as { name: string; type: string }[]).slice(0, 3)).toEqual([
      expect.objectContaining({ name: 'order_id', type: 'bigint', comment: 'Order key.' }),
      expect.objectContaining({ name: 'customer_id', type: 'bigint' }),
      expect.objectContaining({ name: 'order_ts', type: 'timestamp' }),
    ]);

    const twoParts = await describeTable(req('/api/v1/tables/samples.sales'), ctx({ name: 'samples.sales' }));
    expect(twoParts.status).toBe(400);
    expect(await body(twoParts)).toMatchObject({
      error: { code: 'bad_request', message: expect.stringContaining('catalog.schema.table') },
    });

    const injection = await describeTable(req('/x'), ctx({ name: 'samples.sales.orders;DROP' }));
    expect(injection.status).toBe(404); // a valid-looking name that does not exist; never executed as SQL
    const quote = await describeTable(req('/x'), ctx({ name: 'samples.sales.`orders`"' }));
    expect(quote.status).toBe(400);

    const missing = await describeTable(
      req('/api/v1/tables/samples.sales.nope'),
      ctx({ name: 'samples.sales.nope' }),
    );
    expect(missing.status).toBe(404);
    expect(await body(missing)).toMatchObject({
      error: { code: 'not_found', message: expect.stringContaining('samples.sales.nope') },
    });
  });

  it('GET /api/v1/tables/{name}/sample returns text values: 200, 400, 404', async () => {
    const ok = await sample(
      req('/api/v1/tables/samples.web.reviews/sample?limit=2'),
      ctx({ name: 'samples.web.reviews' }),
    );
    expect(ok.status).toBe(200);
    const json = (await body(ok)) as {
      rows: (string | null)[][];
      columns: { name: string }[];
      limit: number;
    };
    expect(json.limit).toBe(2);
    expect(json.rows).toHaveLength(2);
    expect(json.rows[1]![json.columns.findIndex((c) => c.name === 'body')]).toBe('<script>alert(1)</script>');

    const tooMany = await sample(req('/x?limit=5000'), ctx({ name: 'samples.web.reviews' }));
    expect(tooMany.status).toBe(400);
    const invalid = await sample(req('/x'), ctx({ name: 'web.reviews' }));
    expect(invalid.status).toBe(400);
    const missing = await sample(req('/x'), ctx({ name: 'samples.web.nope' }));
    expect(missing.status).toBe(404);
  });

  it('GET /api/ready reports each dependency', async () => {
    const res = await ready(req('/api/ready'));
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json).toMatchObject({
      ready: true,
      mode: 'local',
      dependencies: [
        expect.objectContaining({ name: 'warehouse', status: 'ok' }),
        expect.objectContaining({ name: 'store', status: 'ok' }),
        expect.objectContaining({ name: 'jobs', status: 'ok' }),
        expect.objectContaining({ name: 'model', status: 'skipped' }),
      ],
    });
    expect(JSON.stringify(json)).not.toContain(root); // no paths or settings
  });
});

describe('databricks mode', () => {
  beforeAll(() => {
    useEnv({
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: 'https://example.cloud.databricks.com',
      DQX_LOG_LEVEL: 'error',
    });
  });

  it('refuses every catalog route without a user token (401)', async () => {
    const calls: [string, () => Promise<Response>][] = [
      ['catalogs', () => catalogs(req('/api/v1/catalogs'), ctx({}))],
      ['schemas', () => schemas(req('/x'), ctx({ catalog: 'samples' }))],
      ['tables', () => tables(req('/x'), ctx({ catalog: 'samples', schema: 'sales' }))],
      ['search', () => search(req('/x?q=a'), ctx({}))],
      ['describe', () => describeTable(req('/x'), ctx({ name: 'samples.sales.orders' }))],
      ['sample', () => sample(req('/x'), ctx({ name: 'samples.sales.orders' }))],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      expect(res.status, name).toBe(401);
      expect(await body(res), name).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('answers 503, not a fallback identity, while the Databricks adapter is missing', async () => {
    const res = await catalogs(
      req('/api/v1/catalogs', {
        'x-forwarded-access-token': 'secret-user-token',
        'x-forwarded-email': 'a@example.com',
      }),
      ctx({}),
    );
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('secret-user-token');
  });

  it('answers 503 with the reasons when bindings are missing, without a token and without secrets', async () => {
    const res = await ready(req('/api/ready'));
    expect(res.status).toBe(503);
    const json = await body(res);
    expect(json).toMatchObject({
      ready: false,
      mode: 'databricks',
      dependencies: expect.arrayContaining([
        expect.objectContaining({ name: 'warehouse', status: 'not_configured', message: 'DATABRICKS_WAREHOUSE_ID is not set.' }),
        expect.objectContaining({ name: 'store', status: 'not_configured' }),
        expect.objectContaining({ name: 'jobs', status: 'not_configured' }),
        expect.objectContaining({ name: 'model', status: 'skipped' }),
      ]),
    });
    expect(JSON.stringify(json)).not.toContain('example.cloud.databricks.com');
  });
});
