/**
 * No confused deputy and a locked local engine, through the HTTP API of the production build in
 * local mode (docs/security.md): a run starts only when every table its rules read can be read,
 * records exactly those tables, and files reached through links out of the data folder are never
 * read. (Two users with different rights are covered by lib/services/confused-deputy.test.ts and
 * lib/services/job-path.test.ts: the databricks-mode server here has no SQL warehouse to grant from.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { json, request } from './support/client';
import { localUrl, securityDataDir } from './support/servers';

const root = path.resolve(__dirname, '..', '..');
const dataDir = path.join(root, securityDataDir, 'local', 'data');
const SECRET = 'secret-outside-the-data-folder';
const REVIEWS = 'samples.web.reviews';
const CUSTOMERS = 'samples.sales.customers';

let outside: string;

beforeAll(() => {
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.csv'), `token\n${SECRET}\n`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(dataDir, 'leak.csv'));
  fs.symlinkSync('/etc/passwd', path.join(dataDir, 'passwd.csv'));
  fs.writeFileSync(path.join(dataDir, 'mine.csv'), 'id,name\n1,Ada\n');
});

afterAll(() => {
  for (const f of ['leak.csv', 'passwd.csv', 'mine.csv']) fs.rmSync(path.join(dataDir, f), { force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const runsOf = async (table: string) =>
  (await request(localUrl, `/api/v1/rule-sets/${table}/runs?page_size=100`)).body as {
    items: { id: string }[];
    total: number;
  };

async function finished(id: string) {
  for (let i = 0; i < 600; i++) {
    const run = await request(localUrl, `/api/v1/runs/${id}`);
    if (['succeeded', 'failed', 'cancelled'].includes(String(run.body.status))) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${id} did not finish`);
}

const foreignKey = (refTable: string) => ({
  name: 'review_customer_known',
  criticality: 'error',
  check: {
    function: 'foreign_key',
    arguments: { columns: ['customer_id'], ref_columns: ['customer_id'], ref_table: refTable },
  },
});

describe('local mode: a run reads only what it records, and only what the caller can read', () => {
  it('refuses a rule that reads a table that cannot be read: 404 naming it, nothing started', async () => {
    const before = await runsOf(REVIEWS);
    for (const refTable of ['samples.sales.no_such_table', 'local.default.leak', 'local.default.passwd']) {
      const res = await request(localUrl, '/api/v1/validations', {
        method: 'POST',
        ...json({ table: REVIEWS, rules: [foreignKey(refTable)] }),
      });
      expect([refTable, res.status]).toEqual([refTable, refTable.startsWith('local.') ? 409 : 404]);
      expect(res.text).not.toContain(SECRET);
      expect(res.text).not.toContain('root:');
    }
    expect((await runsOf(REVIEWS)).total).toBe(before.total);
  });

  it('records the exact tables a run reads, and shows them with the run', async () => {
    const started = await request(localUrl, '/api/v1/validations', {
      method: 'POST',
      ...json({ table: REVIEWS, rules: [foreignKey(CUSTOMERS)] }),
    });
    expect(started.status).toBe(202);
    expect(started.body.read_tables).toEqual([REVIEWS, CUSTOMERS]);
    const run = await finished(String(started.body.id));
    expect(run.body.status).toBe('succeeded');
    expect(run.body.read_tables).toEqual([REVIEWS, CUSTOMERS]);
    const listed = (await runsOf(REVIEWS)).items.find((r) => r.id === started.body.id) as
      { read_tables: string[] } | undefined;
    expect(listed?.read_tables).toEqual([REVIEWS, CUSTOMERS]);
  });
});

describe('local mode: links out of the data folder are not followed', () => {
  it('lists them as files that cannot be read, and never reads them', async () => {
    const tables = await request(localUrl, '/api/v1/catalogs/local/schemas/default/tables');
    expect(tables.status).toBe(200);
    const items = tables.body.tables as { table: string; comment: string | null }[];
    const byName = new Map(items.map((t) => [t.table, t.comment]));
    expect(byName.get('mine')).toBe('File mine.csv');
    for (const name of ['leak', 'passwd'])
      expect(byName.get(name)).toMatch(/links out of the folder are not followed/);

    for (const name of ['leak', 'passwd']) {
      for (const target of [
        `/api/v1/tables/local.default.${name}`,
        `/api/v1/tables/local.default.${name}/sample`,
      ]) {
        const res = await request(localUrl, target);
        expect([target, res.status]).toEqual([target, 409]);
        expect(res.body.error?.message).toMatch(/links out of the folder are not followed/);
        expect(res.text).not.toContain(SECRET);
        expect(res.text).not.toContain('root:');
      }
      const validation = await request(localUrl, '/api/v1/validations', {
        method: 'POST',
        ...json({
          table: `local.default.${name}`,
          rules: [
            { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'token' } } },
          ],
        }),
      });
      expect(validation.status).toBe(409);
      expect(validation.text).not.toContain(SECRET);
    }
    // The user's own file next to them reads fine.
    const mine = await request(localUrl, '/api/v1/tables/local.default.mine/sample');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Ada');
  });
});
