/**
 * The /api/v1/rule-sets handlers, called with NextRequest as Next.js calls them, in databricks mode
 * (identity from the Apps proxy headers) over an embedded store in a temporary folder. The warehouse
 * is an in-memory implementation of the Warehouse port where alice can read the table and bob cannot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { closeStore } from '@/db';
import { resetConfigForTests } from '@/lib/config';
import { FakeScimServer } from '@/tests/support/fake-scim-server';
import { InMemoryCatalog } from '@/tests/support/in-memory-warehouse';

import { completeRun, createRun } from '@/lib/services/runs';
import { testCaller } from '@/tests/support/in-memory-warehouse';

import { GET as diffGET } from './[table]/diff/route';
import { GET as runsGET } from './[table]/runs/route';
import { POST as activatePOST } from './[table]/versions/[version]/activate/route';
import { GET as versionGET } from './[table]/versions/[version]/route';
import { GET as versionsGET, POST as versionsPOST } from './[table]/versions/route';
import { GET as listGET } from './route';

const TABLE = 'main.sales.orders';

const catalog = vi.hoisted(() => ({ current: undefined as InMemoryCatalog | undefined }));
vi.mock('@/lib/warehouse', () => ({
  getWarehouse: (caller: import('@/lib/auth/caller').Caller) => {
    if (!catalog.current) throw new Error('catalog not set up');
    return catalog.current.warehouseFor(caller);
  },
}));

const BASE = 'http://localhost:3000/api/v1/rule-sets';

function request(
  url: string,
  init: { method?: string; user?: string | null; body?: string; contentType?: string } = {},
): NextRequest {
  const headers = new Headers();
  const user = init.user === undefined ? 'alice@example.com' : init.user;
  if (user) {
    // the SCIM stand-in says whom a `token-of-<user>` belongs to
    headers.set('x-forwarded-access-token', `token-of-${user}`);
  }
  if (init.contentType) headers.set('content-type', init.contentType);
  return new NextRequest(url, { method: init.method ?? 'GET', headers, body: init.body });
}

const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });
const rule = (column: string, name?: string) => ({
  ...(name ? { name } : {}),
  criticality: 'error',
  check: { function: 'is_not_null', arguments: { column } },
});

async function body(response: Response) {
  return (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
}

describe('/api/v1/rule-sets', () => {
  let dir: string;
  const saved = { ...process.env };

  const scim = new FakeScimServer();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dqx-api-'));
    await scim.start();
    Object.assign(process.env, {
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: scim.url,
      DQX_STORE: 'pglite',
      DQX_STORE_MIGRATE_ON_START: 'true',
      DQX_STATE_DIR: dir,
      DQX_LOG_LEVEL: 'error',
    });
    resetConfigForTests();
    catalog.current = new InMemoryCatalog(
      [{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }, { name: 'status', type: 'string' }] }],
      (caller) => caller === 'alice@example.com',
    );
    // alice owns the table in Unity Catalog: a steward, so her saves become active (lib/services/rights.ts)
    catalog.current.setUnityCatalog({ owners: { [TABLE]: 'alice@example.com' } });
  });

  afterAll(async () => {
    await scim.stop();
    await closeStore();
    process.env = saved;
    resetConfigForTests();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a request without the user token (401)', async () => {
    const res = await listGET(request(BASE, { user: null }), ctx({}));
    expect(res.status).toBe(401);
  });

  it('saves versions from JSON and from a YAML checks file, and lists them', async () => {
    const first = await versionsPOST(
      request(`${BASE}/${TABLE}/versions`, {
        method: 'POST',
        contentType: 'application/json',
        body: JSON.stringify({ rules: [rule('id', 'id_present')], user_prompt: 'ids must be there' }),
      }),
      ctx({ table: TABLE }),
    );
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/api/v1/rule-sets/${TABLE}/versions/1`);
    expect(await body(first)).toMatchObject({ version: 1, is_active: true, created_by: 'alice@example.com' });

    const yaml = '- name: id_present\n  criticality: warn\n  check:\n    function: is_not_null\n    arguments:\n      column: id\n';
    const second = await versionsPOST(
      request(`${BASE}/Main.Sales.Orders/versions`, { method: 'POST', contentType: 'application/yaml', body: yaml }),
      ctx({ table: 'Main.Sales.Orders' }),
    );
    expect(second.status).toBe(201);
    expect(await body(second)).toMatchObject({ table_name: TABLE, version: 2, metadata: { source: 'import', format: 'yaml' } });

    const history = await versionsGET(request(`${BASE}/${TABLE}/versions?page=1&page_size=1`), ctx({ table: TABLE }));
    expect(history.status).toBe(200);
    expect(await body(history)).toMatchObject({ total: 2, page_size: 1, active_version: 2, items: [{ version: 2 }] });

    const list = await body(await listGET(request(BASE), ctx({})));
    expect(list.items).toEqual([expect.objectContaining({ table_name: TABLE, active_version: 2, rule_count: 1 })]);
    // Bob cannot read the table: it is not listed for him.
    expect((await body(await listGET(request(BASE, { user: 'bob@example.com' }), ctx({})))).items).toEqual([]);
  });

  it('answers bad input with 400 and the validation errors', async () => {
    const invalidRules = await versionsPOST(
      request(`${BASE}/${TABLE}/versions`, {
        method: 'POST',
        contentType: 'application/json',
        body: JSON.stringify({ rules: [{ criticality: 'fatal', check: { function: 'is_not_null', arguments: { column: 'id' } } }] }),
      }),
      ctx({ table: TABLE }),
    );
    expect(invalidRules.status).toBe(400);
    const error = (await body(invalidRules)).error!;
    expect(error.message).toMatch(/do not validate/);
    expect((error.details as { errors: { field: string }[] }).errors[0]!.field).toBe('criticality');

    const unknownField = await versionsPOST(
      request(`${BASE}/${TABLE}/versions`, { method: 'POST', contentType: 'application/json', body: JSON.stringify({ rules: [], rule: [] }) }),
      ctx({ table: TABLE }),
    );
    expect(unknownField.status).toBe(400);

    const badTable = await versionsGET(request(`${BASE}/orders/versions`), ctx({ table: 'orders' }));
    expect(badTable.status).toBe(400);
    expect((await body(badTable)).error!.message).toContain('catalog.schema.table');

    const badPage = await versionsGET(request(`${BASE}/${TABLE}/versions?page=0`), ctx({ table: TABLE }));
    expect(badPage.status).toBe(400);

    const badType = await versionsPOST(
      request(`${BASE}/${TABLE}/versions`, { method: 'POST', contentType: 'text/plain', body: 'x' }),
      ctx({ table: TABLE }),
    );
    expect(badType.status).toBe(415);
  });

  it('answers 404 for unknown versions and for tables the caller cannot read', async () => {
    expect((await versionGET(request(`${BASE}/${TABLE}/versions/99`), ctx({ table: TABLE, version: '99' }))).status).toBe(404);
    const hidden = await versionGET(request(`${BASE}/${TABLE}/versions/1`, { user: 'bob@example.com' }), ctx({ table: TABLE, version: '1' }));
    expect(hidden.status).toBe(404);
    const rejected = await versionsPOST(
      request(`${BASE}/${TABLE}/versions`, {
        method: 'POST',
        user: 'bob@example.com',
        contentType: 'application/json',
        body: JSON.stringify({ rules: [rule('id')] }),
      }),
      ctx({ table: TABLE }),
    );
    expect(rejected.status).toBe(404);
    const activateHidden = await activatePOST(
      request(`${BASE}/${TABLE}/versions/1/activate`, { method: 'POST', user: 'bob@example.com' }),
      ctx({ table: TABLE, version: '1' }),
    );
    expect(activateHidden.status).toBe(404);
  });

  it('downloads a version as a DQX YAML or JSON file', async () => {
    const yaml = await versionGET(request(`${BASE}/${TABLE}/versions/1?format=yaml`), ctx({ table: TABLE, version: '1' }));
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toContain('application/yaml');
    expect(yaml.headers.get('content-disposition')).toBe(`attachment; filename="${TABLE}.v1.yaml"`);
    expect(await yaml.text()).toContain('function: is_not_null');

    const asJson = await versionGET(request(`${BASE}/${TABLE}/versions/1?format=json`), ctx({ table: TABLE, version: '1' }));
    expect(JSON.parse(await asJson.text())).toEqual([rule('id', 'id_present')]);

    const plain = await body(await versionGET(request(`${BASE}/${TABLE}/versions/1`), ctx({ table: TABLE, version: '1' })));
    expect(plain).toMatchObject({ version: 1, rules: [rule('id', 'id_present')], user_prompt: 'ids must be there' });

    const badFormat = await versionGET(request(`${BASE}/${TABLE}/versions/1?format=xml`), ctx({ table: TABLE, version: '1' }));
    expect(badFormat.status).toBe(400);
  });

  it('diffs two versions', async () => {
    const res = await diffGET(request(`${BASE}/${TABLE}/diff?from=1&to=2`), ctx({ table: TABLE }));
    expect(res.status).toBe(200);
    const diff = await body(res);
    expect(diff).toMatchObject({ unchanged: 0, added: [], removed: [], changed: [{ name: 'id_present', changed_fields: ['criticality'] }] });
    expect((await diffGET(request(`${BASE}/${TABLE}/diff?from=1`), ctx({ table: TABLE }))).status).toBe(400);
  });

  it('activates an older version (rollback) and answers 409 when it already is active', async () => {
    const res = await activatePOST(request(`${BASE}/${TABLE}/versions/1/activate`, { method: 'POST' }), ctx({ table: TABLE, version: '1' }));
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ version: 1, previous_version: 2, activated_by: 'alice@example.com' });
    const again = await activatePOST(request(`${BASE}/${TABLE}/versions/1/activate`, { method: 'POST' }), ctx({ table: TABLE, version: '1' }));
    expect(again.status).toBe(409);
    const active = await body(await versionsGET(request(`${BASE}/${TABLE}/versions`), ctx({ table: TABLE })));
    expect(active.active_version).toBe(1);
  });

  it('lists runs and a rule’s pass-rate history', async () => {
    const alice = testCaller('alice@example.com');
    const run = await createRun(alice, { kind: 'validation', table: TABLE, engine: 'local', rule_set_version: 1 });
    await completeRun(run.id, {
      status: 'succeeded',
      summary: { total_rows: 10, valid_rows: 8, error_rows: 2, warning_rows: 0 },
      rule_results: [{ rule_name: 'id_present', rule_fingerprint: 'f', function: 'is_not_null', criticality: 'error', rows_evaluated: 10, failing_rows: 2 }],
    });
    const runs = await body(await runsGET(request(`${BASE}/${TABLE}/runs?kind=validation`), ctx({ table: TABLE })));
    expect(runs).toMatchObject({ total: 1, items: [{ id: run.id, status: 'succeeded', summary: { pass_rate: 0.8 } }] });
    const perRule = await body(await runsGET(request(`${BASE}/${TABLE}/runs?rule=id_present`), ctx({ table: TABLE })));
    expect(perRule).toMatchObject({ points: [{ run_id: run.id, pass_rate: 0.8, failing_rows: 2 }] });
    expect((await runsGET(request(`${BASE}/${TABLE}/runs`, { user: 'bob@example.com' }), ctx({ table: TABLE }))).status).toBe(404);
    expect((await runsGET(request(`${BASE}/${TABLE}/runs?kind=other`), ctx({ table: TABLE }))).status).toBe(400);
  });
});
