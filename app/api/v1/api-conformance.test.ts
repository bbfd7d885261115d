/**
 * Every /api/v1 route answers as the OpenAPI document says: each handler is called (as Next.js
 * calls it) with valid and invalid input, in local mode on the real stack (DuckDB with the sample
 * catalog, PGlite, the in-process runner, the language-model stand-in), and in databricks mode
 * without a token; every answer's status must be documented for that operation and its body must
 * match the documented schema for that status and content type.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closeStore } from '@/db';
import { resetConfigForTests } from '@/lib/config';
import { alertDeliveriesSettled } from '@/lib/services/alerting';
import { getRunRunner } from '@/lib/services/run-runner';
import { openApiDocument } from '@/lib/openapi/document';
import { resetCatalogServiceForTests } from '@/lib/services/catalog';
import { resetLocalWarehouseForTests } from '@/lib/warehouse/duckdb';
import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';
import { scriptedModel } from '@/tests/support/fake-llm/scripted-model';
import { billionLaughsChecks } from '@/tests/support/hostile-payloads';
import { startWebhookReceiver } from '@/tests/support/webhook-receiver';

import { POST as analyses } from './analyses/route';
import { GET as schemas } from './catalogs/[catalog]/schemas/route';
import { GET as tables } from './catalogs/[catalog]/schemas/[schema]/tables/route';
import { GET as catalogs } from './catalogs/route';
import { GET as monitoring } from './monitoring/route';
import { POST as generations } from './generations/route';
import { GET as openapi } from './openapi.json/route';
import { GET as diff } from './rule-sets/[table]/diff/route';
import { GET as alertHistory } from './rule-sets/[table]/alerts/route';
import { GET as publications } from './rule-sets/[table]/publications/route';
import { POST as publish } from './rule-sets/[table]/publish/route';
import { GET as publishing, POST as savePublishing } from './rule-sets/[table]/publishing/route';
import { GET as tableRuns } from './rule-sets/[table]/runs/route';
import { GET as thresholds, POST as saveThresholds } from './rule-sets/[table]/thresholds/route';
import { POST as activate } from './rule-sets/[table]/versions/[version]/activate/route';
import { GET as version } from './rule-sets/[table]/versions/[version]/route';
import { GET as versions, POST as saveVersion } from './rule-sets/[table]/versions/route';
import { GET as ruleSets } from './rule-sets/route';
import { POST as cancel } from './runs/[id]/cancel/route';
import { GET as exportRows } from './runs/[id]/failing-rows/export/route';
import { GET as failingRows } from './runs/[id]/failing-rows/route';
import { GET as report } from './runs/[id]/report/route';
import { GET as run } from './runs/[id]/route';
import { GET as health } from './tables/[name]/health/route';
import { GET as describeTable } from './tables/[name]/route';
import { GET as sample } from './tables/[name]/sample/route';
import { GET as search } from './tables/route';
import { POST as validations } from './validations/route';

type Handler = (req: NextRequest, ctx: { params: Promise<never> }) => Promise<Response>;
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: unknown;
};

const doc = openApiDocument() as unknown as Doc;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: 'https://dqx.local/openapi.json', components: doc.components });
const validators = new Map<string, ValidateFunction>();
function validatorFor(schema: unknown): ValidateFunction {
  const text = JSON.stringify(schema).replaceAll('"#/components/', '"https://dqx.local/openapi.json#/components/');
  let v = validators.get(text);
  if (!v) validators.set(text, (v = ajv.compile(JSON.parse(text) as object)));
  return v;
}

/** Statuses seen per operation: every operation must have been answered with success and (where it takes input) with an error. */
const seen = new Map<string, Set<number>>();

interface Call {
  method: 'GET' | 'POST';
  /** The documented path, e.g. /api/v1/runs/{id}. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

async function call(handler: unknown, c: Call): Promise<{ status: number; body: unknown; res: Response }> {
  let url = c.path;
  for (const [name, value] of Object.entries(c.params ?? {})) url = url.replace(`{${name}}`, encodeURIComponent(value));
  const qs = new URLSearchParams(c.query ?? {}).toString();
  const headers = new Headers(c.headers ?? {});
  const text = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  if (text !== undefined) headers.set('content-type', c.contentType ?? 'application/json');
  const req = new NextRequest(new URL(`${url}${qs ? `?${qs}` : ''}`, 'http://localhost'), { method: c.method, headers, body: text });
  const res = await (handler as Handler)(req, { params: Promise.resolve((c.params ?? {}) as never) });

  const op = doc.paths[c.path]?.[c.method.toLowerCase()];
  expect(op, `${c.method} ${c.path} is documented`).toBeDefined();
  const key = `${c.method} ${c.path}`;
  if (!seen.has(key)) seen.set(key, new Set());
  seen.get(key)!.add(res.status);
  const response = op!.responses[String(res.status)];
  const raw = await res.clone().text();
  expect(response, `${key} answered ${res.status}, which is not documented: ${raw.slice(0, 300)}`).toBeDefined();
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = response!.content?.[type];
  expect(media, `${key} ${res.status} answered ${type}, which is not documented`).toBeDefined();
  const body: unknown = type === 'application/json' ? JSON.parse(raw) : raw;
  const validate = validatorFor(media!.schema);
  const ok = validate(body);
  expect(ok, `${key} ${res.status} does not match its schema: ${ajv.errorsText(validate.errors)}\n${raw.slice(0, 500)}`).toBe(true);
  return { status: res.status, body, res };
}

const TABLE = 'samples.sales.orders';
const rule = (column: string, name?: string) => ({ ...(name ? { name } : {}), criticality: 'error', check: { function: 'is_not_null', arguments: { column } } });

let root: string;
let llm: FakeLlm;
let releaseModel: (() => void) | null = null;
const saved = { ...process.env };

function useEnv(env: Record<string, string>) {
  for (const key of Object.keys(process.env)) if (key.startsWith('DQX_') || key.startsWith('DATABRICKS_')) delete process.env[key];
  Object.assign(process.env, env);
  resetConfigForTests();
  resetCatalogServiceForTests();
}

async function finished(id: string) {
  for (let i = 0; i < 2000; i++) {
    const { body } = await call(run, { method: 'GET', path: '/api/v1/runs/{id}', params: { id } });
    const status = (body as { status: string }).status;
    if (['succeeded', 'failed', 'cancelled'].includes(status)) return body as { status: string; id: string; error: unknown };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${id} did not finish`);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-api-conf-'));
  llm = await startFakeLlm({
    respond: async (request) => {
      if (request.messages.at(-1)!.content.includes('PLEASE HOLD')) await new Promise<void>((resolve) => (releaseModel = resolve));
      return scriptedModel(request);
    },
  });
  useEnv({
    DQX_MODE: 'local',
    DQX_LOCAL_DATA_DIR: path.join(root, 'data'),
    DQX_STATE_DIR: path.join(root, 'state'),
    DQX_SAMPLE_BIG_ROWS: '1000',
    DQX_LOCAL_USER: 'api-tester',
    DQX_LOG_LEVEL: 'error',
    DQX_STORE: 'pglite',
    DQX_CATALOG_CACHE_SECONDS: '0',
    DQX_LLM_BASE_URL: llm.url,
    DQX_LLM_MODEL: 'fake-dqx-model',
  });
});

afterAll(async () => {
  releaseModel?.();
  await closeStore();
  resetLocalWarehouseForTests();
  await llm?.close();
  process.env = saved;
  resetConfigForTests();
  resetCatalogServiceForTests();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('every route, as documented (local mode)', () => {
  it('catalog routes', async () => {
    expect((await call(catalogs, { method: 'GET', path: '/api/v1/catalogs' })).status).toBe(200);
    const s = '/api/v1/catalogs/{catalog}/schemas';
    expect((await call(schemas, { method: 'GET', path: s, params: { catalog: 'samples' } })).status).toBe(200);
    expect((await call(schemas, { method: 'GET', path: s, params: { catalog: 'nope' } })).status).toBe(404);
    expect((await call(schemas, { method: 'GET', path: s, params: { catalog: 'x'.repeat(300) } })).status).toBe(400);
    const t = '/api/v1/catalogs/{catalog}/schemas/{schema}/tables';
    expect((await call(tables, { method: 'GET', path: t, params: { catalog: 'samples', schema: 'sales' } })).status).toBe(200);
    expect((await call(tables, { method: 'GET', path: t, params: { catalog: 'samples', schema: 'nope' } })).status).toBe(404);
    expect((await call(tables, { method: 'GET', path: t, params: { catalog: 'samples', schema: 'x'.repeat(300) } })).status).toBe(400);
    expect((await call(search, { method: 'GET', path: '/api/v1/tables', query: { q: 'orders' } })).status).toBe(200);
    expect((await call(search, { method: 'GET', path: '/api/v1/tables', query: { limit: '0' } })).status).toBe(400);
    const d = '/api/v1/tables/{name}';
    expect((await call(describeTable, { method: 'GET', path: d, params: { name: TABLE } })).status).toBe(200);
    expect((await call(describeTable, { method: 'GET', path: d, params: { name: 'samples.sales.nope' } })).status).toBe(404);
    expect((await call(describeTable, { method: 'GET', path: d, params: { name: 'orders' } })).status).toBe(400);
    const p = '/api/v1/tables/{name}/sample';
    expect((await call(sample, { method: 'GET', path: p, params: { name: TABLE }, query: { limit: '5' } })).status).toBe(200);
    expect((await call(sample, { method: 'GET', path: p, params: { name: TABLE }, query: { limit: '5000' } })).status).toBe(400);
    expect((await call(sample, { method: 'GET', path: p, params: { name: 'samples.sales.nope' } })).status).toBe(404);
  });

  it('rule-set routes', async () => {
    const v = '/api/v1/rule-sets/{table}/versions';
    const first = await call(saveVersion, { method: 'POST', path: v, params: { table: TABLE }, body: { rules: [rule('amount')], user_prompt: 'amounts present' } });
    expect(first.status).toBe(201);
    expect(first.res.headers.get('location')).toBe('/api/v1/rule-sets/samples.sales.orders/versions/1');
    const yaml = '- criticality: warn\n  check:\n    function: is_not_null\n    arguments:\n      column: status\n';
    expect((await call(saveVersion, { method: 'POST', path: v, params: { table: TABLE }, raw: yaml, contentType: 'application/yaml' })).status).toBe(201);
    expect((await call(saveVersion, { method: 'POST', path: v, params: { table: TABLE }, body: { rules: [rule('no_such_column')] } })).status).toBe(400);
    expect((await call(saveVersion, { method: 'POST', path: v, params: { table: TABLE }, raw: 'x', contentType: 'text/plain' })).status).toBe(415);
    expect((await call(saveVersion, { method: 'POST', path: v, params: { table: 'samples.sales.nope' }, body: { rules: [] } })).status).toBe(404);
    expect((await call(versions, { method: 'GET', path: v, params: { table: TABLE } })).status).toBe(200);
    expect((await call(versions, { method: 'GET', path: v, params: { table: TABLE }, query: { page: '0' } })).status).toBe(400);
    expect((await call(ruleSets, { method: 'GET', path: '/api/v1/rule-sets' })).status).toBe(200);

    const one = '/api/v1/rule-sets/{table}/versions/{version}';
    expect((await call(version, { method: 'GET', path: one, params: { table: TABLE, version: '1' } })).status).toBe(200);
    const asJson = await call(version, { method: 'GET', path: one, params: { table: TABLE, version: '1' }, query: { format: 'json' } });
    expect(asJson.res.headers.get('content-disposition')).toMatch(/attachment/);
    const asYaml = await call(version, { method: 'GET', path: one, params: { table: TABLE, version: '2' }, query: { format: 'yaml' } });
    expect(asYaml.body).toContain('function: is_not_null');
    expect((await call(version, { method: 'GET', path: one, params: { table: TABLE, version: '99' } })).status).toBe(404);
    expect((await call(version, { method: 'GET', path: one, params: { table: TABLE, version: 'x' } })).status).toBe(400);

    const act = '/api/v1/rule-sets/{table}/versions/{version}/activate';
    expect((await call(activate, { method: 'POST', path: act, params: { table: TABLE, version: '1' } })).status).toBe(200);
    expect((await call(activate, { method: 'POST', path: act, params: { table: TABLE, version: '1' } })).status).toBe(409);
    expect((await call(activate, { method: 'POST', path: act, params: { table: TABLE, version: '0' } })).status).toBe(400);

    const df = '/api/v1/rule-sets/{table}/diff';
    const d = await call(diff, { method: 'GET', path: df, params: { table: TABLE }, query: { from: '1', to: '2' } });
    expect(d.status).toBe(200);
    expect((await call(diff, { method: 'GET', path: df, params: { table: TABLE }, query: { from: '1' } })).status).toBe(400);
    expect((await call(diff, { method: 'GET', path: df, params: { table: TABLE }, query: { from: '1', to: '7' } })).status).toBe(404);
  });

  it('publishing routes', async () => {
    const ps = '/api/v1/rule-sets/{table}/publishing';
    const pub = '/api/v1/rule-sets/{table}/publish';
    const hist = '/api/v1/rule-sets/{table}/publications';
    expect((await call(publishing, { method: 'GET', path: ps, params: { table: TABLE } })).body).toMatchObject({ auto_publish: false, targets: [] });
    expect((await call(publish, { method: 'POST', path: pub, params: { table: TABLE } })).status).toBe(409);
    expect((await call(publishing, { method: 'GET', path: ps, params: { table: 'samples.sales.nope' } })).status).toBe(404);
    const refused = await call(savePublishing, { method: 'POST', path: ps, params: { table: TABLE }, body: { auto_publish: true, targets: [{ kind: 'uc_table', table: 'main.dqx.checks' }] } });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: { message: string } }).error.message).toContain('targets[0].kind');
    expect((await call(savePublishing, { method: 'POST', path: ps, params: { table: TABLE }, body: { auto_publish: 'yes', targets: [] } })).status).toBe(400);
    const targets = [{ kind: 'local_file', format: 'yaml' }, { kind: 'local_table', table: 'dqx.checks' }];
    expect((await call(savePublishing, { method: 'POST', path: ps, params: { table: TABLE }, body: { auto_publish: false, targets } })).status).toBe(200);

    const done = await call(publish, { method: 'POST', path: pub, params: { table: TABLE } });
    expect(done.status).toBe(200);
    expect((done.body as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['published', 'published']);
    expect(fs.existsSync(path.join(root, 'state', 'published', 'files', `${TABLE}.yml`))).toBe(true);
    const h = await call(publications, { method: 'GET', path: hist, params: { table: TABLE } });
    expect((h.body as { targets: { matches_active: boolean }[] }).targets.map((t) => t.matches_active)).toEqual([true, true]);
    expect((await call(publications, { method: 'GET', path: hist, params: { table: 'orders' } })).status).toBe(400);
    expect((await call(publish, { method: 'POST', path: pub, params: { table: 'samples.sales.nope' } })).status).toBe(404);
  });

  it('generation, validation and run routes', async () => {
    // generation with the language model
    const g = await call(generations, { method: 'POST', path: '/api/v1/generations', body: { table: 'samples.sales.customers', request: 'valid email', sample_rows: 300 } });
    expect(g.status).toBe(202);
    const generation = g.body as { id: string };
    expect(g.res.headers.get('location')).toBe(`/api/v1/runs/${generation.id}`);
    expect((await finished(generation.id)).status).toBe('succeeded');
    expect((await call(generations, { method: 'POST', path: '/api/v1/generations', body: { table: TABLE, sample_rows: 0 } })).status).toBe(400);
    expect((await call(generations, { method: 'POST', path: '/api/v1/generations', body: { table: TABLE, surprise: 1 } })).status).toBe(400);
    expect((await call(generations, { method: 'POST', path: '/api/v1/generations', raw: '{nope' })).status).toBe(400);
    expect((await call(generations, { method: 'POST', path: '/api/v1/generations', body: { table: 'samples.sales.nope' } })).status).toBe(404);

    // validation of the active version, and of a draft
    const val = await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: TABLE } });
    expect(val.status).toBe(202);
    const validation = val.body as { id: string };
    expect((await finished(validation.id)).status).toBe('succeeded');
    const draft = await call(validations, {
      method: 'POST',
      path: '/api/v1/validations',
      body: { table: TABLE, rules: [rule('amount', 'amount_present'), rule('status')], sample_rows: 500, sample_limit: 2 },
    });
    const dryRun = draft.body as { id: string };
    expect((await finished(dryRun.id)).status).toBe('succeeded');
    // the same draft as a DQX checks file in YAML: the same rules are evaluated
    const yamlDraft = await call(validations, {
      method: 'POST',
      path: '/api/v1/validations',
      body: {
        table: TABLE,
        rules_yaml: '- name: amount_present\n  criticality: error\n  check:\n    function: is_not_null\n    arguments:\n      column: amount\n- criticality: error\n  check: {function: is_not_null, arguments: {column: status}}\n',
        sample_rows: 500,
        sample_limit: 2,
      },
    });
    expect(yamlDraft.status).toBe(202);
    const ruleNames = async (id: string) => {
      const detail = (await call(run, { method: 'GET', path: '/api/v1/runs/{id}', params: { id } })).body as { output: { rules: { name: string; failing_rows: number | null }[] } };
      return detail.output.rules.map((r) => [r.name, r.failing_rows]);
    };
    expect((await finished((yamlDraft.body as { id: string }).id)).status).toBe('succeeded');
    expect(await ruleNames((yamlDraft.body as { id: string }).id)).toEqual(await ruleNames(dryRun.id));
    const yamlRefusal = async (body: Record<string, unknown>) => {
      const res = await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: TABLE, ...body } });
      expect(res.status).toBe(400);
      return res.body as { error: { message: string; details?: { issues?: { path: string; message: string }[] } } };
    };
    // hostile YAML is refused by the limits a saved file has, naming the field
    const bomb = await yamlRefusal({ rules_yaml: billionLaughsChecks() });
    expect(bomb.error.details?.issues?.[0]?.path).toBe('rules_yaml');
    expect(bomb.error.message).toMatch(/rules_yaml cannot be read.*more than \d+ nodes/);
    expect((await yamlRefusal({ rules_yaml: 'check: [unclosed' })).error.message).toMatch(/rules_yaml cannot be read \(line \d+/);
    expect((await yamlRefusal({ rules_yaml: '[]' })).error.message).toMatch(/rules_yaml holds no checks/);
    expect((await yamlRefusal({ rules_yaml: '- check: {function: is_not_null, arguments: {column: ghost}}' })).error.message).toMatch(/ghost/);
    expect(JSON.stringify(await yamlRefusal({ rules: [rule('amount')], rules_yaml: '- check: {function: is_not_null}' }))).toMatch(/either rules or rules_yaml/);
    expect((await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: TABLE, version: 1, rules: [rule('amount')] } })).status).toBe(400);
    expect((await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: TABLE, rules: [rule('ghost')] } })).status).toBe(400);
    expect((await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: 'samples.web.campaigns' } })).status).toBe(404);

    // reading runs (generation and validation outputs are both checked against the schema)
    const r = '/api/v1/runs/{id}';
    expect((await call(run, { method: 'GET', path: r, params: { id: generation.id } })).status).toBe(200);
    expect((await call(run, { method: 'GET', path: r, params: { id: dryRun.id } })).status).toBe(200);
    expect((await call(run, { method: 'GET', path: r, params: { id: 'not-a-run' } })).status).toBe(400);
    expect((await call(run, { method: 'GET', path: r, params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    const tr = '/api/v1/rule-sets/{table}/runs';
    expect((await call(tableRuns, { method: 'GET', path: tr, params: { table: TABLE } })).status).toBe(200);
    expect((await call(tableRuns, { method: 'GET', path: tr, params: { table: TABLE }, query: { rule: 'amount_is_null' } })).status).toBe(200);
    expect((await call(tableRuns, { method: 'GET', path: tr, params: { table: TABLE }, query: { kind: 'other' } })).status).toBe(400);

    // failing rows
    const f = '/api/v1/runs/{id}/failing-rows';
    const rows = await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { rule: 'amount_present', page_size: '3' } });
    expect(rows.status).toBe(200);
    expect((rows.body as { rows: unknown[] }).rows.length).toBeLessThanOrEqual(3);
    const next = (rows.body as { next_cursor: string | null }).next_cursor;
    expect(next).toEqual(expect.any(String));
    const second = await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { rule: 'amount_present', page_size: '3', cursor: next! } });
    expect(second.body).toMatchObject({ page: 2, first_row: 4 });
    const tampered = await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { rule: 'amount_present', page_size: '3', cursor: `x${next!.slice(1)}` } });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/^cursor is not valid/) } });
    // no rule: every rule of the run; two ways of naming a rule, or a page and a cursor: refused
    expect((await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id } })).body).toMatchObject({ rule: null });
    expect((await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { rule: 'amount_present', rule_index: '0' } })).status).toBe(400);
    expect((await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { page: '2', cursor: next! } })).status).toBe(400);
    expect((await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { key: 'not json' } })).status).toBe(400);
    const fe = '/api/v1/runs/{id}/failing-rows/export';
    const csvRows = await call(exportRows, { method: 'GET', path: fe, params: { id: dryRun.id }, query: { rule_index: '0' } });
    expect(csvRows.res.headers.get('content-disposition')).toMatch(/^attachment; filename="dqx_failing_rows_samples_sales_orders_amount_present_[0-9a-f]{8}\.csv"$/);
    expect(String(csvRows.body).trimEnd().split('\r\n')).toHaveLength((rows.body as { total: number }).total + 1);
    const parquet = await call(exportRows, { method: 'GET', path: fe, params: { id: dryRun.id }, query: { format: 'parquet' } });
    expect(parquet.res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect((await call(exportRows, { method: 'GET', path: fe, params: { id: dryRun.id }, query: { format: 'xlsx' } })).status).toBe(400);
    expect((await call(failingRows, { method: 'GET', path: f, params: { id: dryRun.id }, query: { rule: 'nope' } })).status).toBe(404);
    expect((await call(failingRows, { method: 'GET', path: f, params: { id: generation.id }, query: { rule: 'x' } })).status).toBe(400);

    // reports
    const rp = '/api/v1/runs/{id}/report';
    const json = await call(report, { method: 'GET', path: rp, params: { id: dryRun.id } });
    expect(json.res.headers.get('content-disposition')).toMatch(/^attachment; filename="dqx_validation_samples_sales_orders_[0-9a-f]{8}\.json"$/);
    const csv = await call(report, { method: 'GET', path: rp, params: { id: dryRun.id }, query: { format: 'csv' } });
    expect(String(csv.body).split('\r\n')[0]).toBe('rule_name,function,criticality,columns,filter,status,rows_evaluated,failing_rows,pass_rate,message,run_evaluation');
    expect((await call(report, { method: 'GET', path: rp, params: { id: dryRun.id }, query: { format: 'xml' } })).status).toBe(400);

    // cancel: a generation held at the model, then cancelled
    const held = await call(generations, { method: 'POST', path: '/api/v1/generations', body: { table: TABLE, request: 'PLEASE HOLD', sample_rows: 100 } });
    const heldRun = held.body as { id: string };
    for (let i = 0; !releaseModel; i++) {
      if (i > 2000) throw new Error('the model was never asked');
      await new Promise((res) => setTimeout(res, 10));
    }
    const c = '/api/v1/runs/{id}/cancel';
    const cancelled = await call(cancel, { method: 'POST', path: c, params: { id: heldRun.id } });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ cancel_requested: true, cancel_requested_by: 'api-tester' });
    expect((await finished(heldRun.id)).status).toBe('cancelled');
    releaseModel!();
    expect((await call(cancel, { method: 'POST', path: c, params: { id: heldRun.id } })).status).toBe(409);
    expect((await call(cancel, { method: 'POST', path: c, params: { id: 'x' } })).status).toBe(400);
    expect((await call(report, { method: 'GET', path: rp, params: { id: heldRun.id } })).status).toBe(400);
  });

  it('thresholds, alerts and the health of a table (200 and 503 as runs finish and thresholds change)', async () => {
    const hook = await startWebhookReceiver();
    try {
      const CUSTOMERS = 'samples.sales.customers';
      const th = '/api/v1/rule-sets/{table}/thresholds';
      const hp = '/api/v1/tables/{name}/health';
      const al = '/api/v1/rule-sets/{table}/alerts';
      const healthOf = async () => {
        const res = await call(health, { method: 'GET', path: hp, params: { name: CUSTOMERS } });
        return { status: res.status, body: res.body as { state: string; breached: { threshold: string; rule: string | null }[]; latest_run: { id: string } | null } };
      };
      /** A full validation of customers (15 rows have no name); returns when its alert, if any, is sent. */
      const validate = async () => {
        const v = await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: CUSTOMERS, rules: [rule('full_name', 'name_present')] } });
        expect(v.status).toBe(202);
        const id = (v.body as { id: string }).id;
        expect((await finished(id)).status).toBe('succeeded');
        await (await getRunRunner()).idle();
        await alertDeliveriesSettled();
        return id;
      };

      expect(await healthOf()).toMatchObject({ status: 200, body: { state: 'unknown', latest_run: null } });
      expect((await call(thresholds, { method: 'GET', path: th, params: { table: CUSTOMERS } })).body).toMatchObject({ active: false, webhook: { source: 'none' } });
      const saved = await call(saveThresholds, {
        method: 'POST',
        path: th,
        params: { table: CUSTOMERS },
        body: { min_pass_rate: 1, fail_on_error_rows: false, rules: [{ rule: 'name_present', fail_on_failing_rows: true }], webhook_url: hook.url },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ active: true, webhook: { source: 'table', origin: new URL(hook.url).origin } });
      expect(JSON.stringify(saved.body)).not.toContain('secret-token');
      const refusal = async (body: unknown, table = CUSTOMERS) => (await call(saveThresholds, { method: 'POST', path: th, params: { table }, body })).status;
      expect(await refusal({ min_pass_rate: 2, fail_on_error_rows: false })).toBe(400);
      expect(await refusal({ min_pass_rate: 0.5, fail_on_error_rows: false, webhook_url: 'http://169.254.169.254/latest/meta-data/' })).toBe(400);
      expect(await refusal({ min_pass_rate: 0.5, fail_on_error_rows: false, webhook_url: 'file:///etc/passwd' })).toBe(400);
      expect(await refusal({ min_pass_rate: 0.5, fail_on_error_rows: false }, 'samples.sales.nope')).toBe(404);
      expect((await call(thresholds, { method: 'GET', path: th, params: { table: 'orders' } })).status).toBe(400);

      // thresholds set, no run yet: 503 for an uptime monitor
      expect(await healthOf()).toMatchObject({ status: 503, body: { state: 'no_run' } });
      const first = await validate();
      const breach = await healthOf();
      expect(breach).toMatchObject({ status: 503, body: { state: 'breach', latest_run: { id: first } } });
      expect(breach.body.breached.map((b) => [b.threshold, b.rule])).toEqual([
        ['min_pass_rate', null],
        ['fail_on_failing_rows', 'name_present'],
      ]);
      // the Monitoring overview lists the table first, breaching, with its failing rule and open alert
      const overview = (await call(monitoring, { method: 'GET', path: '/api/v1/monitoring' })).body as {
        items: { table_name: string; status: string; failing_rules: { name: string; threshold_breached: boolean }[]; open_alert: { run_id: string } | null }[];
        summary: { breach: number };
      };
      expect(overview.items[0]).toMatchObject({ table_name: CUSTOMERS, status: 'breach', failing_rules: [{ name: 'name_present', threshold_breached: true }], open_alert: { run_id: first } });
      expect(overview.summary.breach).toBeGreaterThanOrEqual(1);
      await validate(); // the same breach again: no second alert
      expect(hook.received.map((r) => r.body.event)).toEqual(['breach']);
      expect(String(hook.received[0]!.body.text)).toContain(CUSTOMERS);

      // looser thresholds apply to the health check at once; the next run sends the recovery
      expect(await refusal({ min_pass_rate: 0.9, fail_on_error_rows: false })).toBe(200);
      expect(await healthOf()).toMatchObject({ status: 200, body: { state: 'ok', breached: [] } });
      const third = await validate();
      expect(hook.received.map((r) => [r.body.event, r.body.run_id])).toEqual([
        ['breach', first],
        ['recovery', third],
      ]);
      const history = await call(alertHistory, { method: 'GET', path: al, params: { table: CUSTOMERS } });
      expect(history.body).toMatchObject({ state: 'ok', items: [{ event: 'recovery', delivery: 'sent' }, { event: 'breach', delivery: 'sent' }] });
      expect((await call(alertHistory, { method: 'GET', path: al, params: { table: 'samples.sales.nope' } })).status).toBe(404);
      expect((await call(health, { method: 'GET', path: hp, params: { name: 'samples.sales.nope' } })).status).toBe(404);
      expect((await call(health, { method: 'GET', path: hp, params: { name: 'orders' } })).status).toBe(400);
    } finally {
      await hook.close();
    }
  });

  it('analysis and the document itself', async () => {
    const a = await call(analyses, { method: 'POST', path: '/api/v1/analyses', body: { table: TABLE, request: 'amounts', rules: [rule('amount')] } });
    expect(a.status).toBe(200);
    expect((await call(analyses, { method: 'POST', path: '/api/v1/analyses', body: { table: TABLE, rules: [] } })).status).toBe(400);
    const ay = await call(analyses, { method: 'POST', path: '/api/v1/analyses', body: { table: TABLE, rules_yaml: '- check: {function: is_not_null, arguments: {column: amount}}' } });
    expect(ay.status).toBe(200);
    expect((await call(analyses, { method: 'POST', path: '/api/v1/analyses', body: { table: TABLE } })).status).toBe(400);
    expect((await call(analyses, { method: 'POST', path: '/api/v1/analyses', body: { table: 'samples.sales.nope', rules: [rule('x')] } })).status).toBe(404);
    const d = await call(openapi, { method: 'GET', path: '/api/v1/openapi.json' });
    expect(d.body).toMatchObject({ openapi: '3.1.0' });
  });

  it('answers every operation with success, and every operation that takes input with an error too', () => {
    const noInput = new Set(['GET /api/v1/catalogs', 'GET /api/v1/rule-sets', 'GET /api/v1/openapi.json', 'GET /api/v1/monitoring']);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const key = `${method.toUpperCase()} ${p}`;
        const statuses = [...(seen.get(key) ?? [])];
        expect(statuses.some((s) => s < 300), `${key} never answered with success`).toBe(true);
        if (!noInput.has(key)) expect(statuses.some((s) => s >= 400), `${key} never refused input`).toBe(true);
      }
    }
  });
});

describe('without a token in databricks mode', () => {
  beforeAll(() => {
    useEnv({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://example.cloud.databricks.com', DQX_LOG_LEVEL: 'error' });
  });

  it('every route answers 401 with the documented error body', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await call(generations, { method: 'POST', path: '/api/v1/generations', body: { table: TABLE } })).status).toBe(401);
    expect((await call(validations, { method: 'POST', path: '/api/v1/validations', body: { table: TABLE } })).status).toBe(401);
    expect((await call(run, { method: 'GET', path: '/api/v1/runs/{id}', params: { id } })).status).toBe(401);
    expect((await call(cancel, { method: 'POST', path: '/api/v1/runs/{id}/cancel', params: { id } })).status).toBe(401);
    expect((await call(failingRows, { method: 'GET', path: '/api/v1/runs/{id}/failing-rows', params: { id }, query: { rule: 'x' } })).status).toBe(401);
    expect((await call(report, { method: 'GET', path: '/api/v1/runs/{id}/report', params: { id } })).status).toBe(401);
    expect((await call(analyses, { method: 'POST', path: '/api/v1/analyses', body: { table: TABLE, rules: [rule('x')] } })).status).toBe(401);
    expect((await call(openapi, { method: 'GET', path: '/api/v1/openapi.json' })).status).toBe(401);
    expect((await call(ruleSets, { method: 'GET', path: '/api/v1/rule-sets' })).status).toBe(401);
    expect((await call(catalogs, { method: 'GET', path: '/api/v1/catalogs' })).status).toBe(401);
    expect((await call(publish, { method: 'POST', path: '/api/v1/rule-sets/{table}/publish', params: { table: TABLE } })).status).toBe(401);
    expect((await call(publishing, { method: 'GET', path: '/api/v1/rule-sets/{table}/publishing', params: { table: TABLE } })).status).toBe(401);
    expect((await call(health, { method: 'GET', path: '/api/v1/tables/{name}/health', params: { name: TABLE } })).status).toBe(401);
    expect((await call(monitoring, { method: 'GET', path: '/api/v1/monitoring' })).status).toBe(401);
  });
});
