import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse';

/**
 * The serving DuckDB instance is locked down (engine.ts `lockDown()`): SQL that reaches it past
 * every check of the app (here: sent to the engine directly) reads no file but the data folder's
 * tables, writes none, attaches no database, loads no extension and changes no setting.
 */
let root: string;
let dataDir: string;
let outside: string;
let wh: DuckDbWarehouse;

/** What the locked configuration answers. */
const LOCKED =
  /file system operations are disabled by configuration|configuration has been locked|Loading external extensions is disabled/;
/** What `query()` answers: the lock, or its refusal of anything but one SELECT. */
const REFUSED = new RegExp(`${LOCKED.source}|Only a single SELECT statement may run`);

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-sandbox-'));
  dataDir = path.join(root, 'data');
  outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(dataDir, '.hidden'), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'people.csv'), 'id,name\n1,Ada\n2,Grace\n');
  fs.writeFileSync(path.join(dataDir, '.hidden', 'secret.csv'), 'token\nhidden-folder-secret\n');
  fs.mkdirSync(path.join(dataDir, '.dqx'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, '.dqx', 'state.json'), '{"secret": "state-folder"}');
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'token\nsecret-from-outside\n');
  fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(dataDir, 'leak.csv'));
  fs.symlinkSync(path.join(dataDir, 'people.csv'), path.join(dataDir, 'alias.csv'));
  // A link to a folder outside: its files are not a schema.
  fs.symlinkSync(outside, path.join(dataDir, 'linked_folder'));
  wh = createDuckDbWarehouse({
    dataDir,
    stateDir: path.join(dataDir, '.dqx'),
    sampleCatalog: true,
    sampleBigRows: 500,
    rescanIntervalMs: 0,
  });
  await wh.ping();
});

afterAll(() => {
  wh?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Statements that each read, write or reconfigure something outside the user's tables. */
function hostile(): [string, string][] {
  return [
    ['read_csv of a system file', `SELECT * FROM read_csv('/etc/passwd')`],
    ['FROM-first, no SELECT', `FROM read_csv('/etc/passwd', header = false)`],
    ['schema-qualified table function', `FROM main.read_csv('/etc/passwd')`],
    ['read_text', `SELECT content FROM read_text('/etc/passwd')`],
    ['read_blob of the environment', `SELECT content FROM read_blob('/proc/self/environ')`],
    ['query() around read_text', `SELECT * FROM query('SELECT * FROM read_text(''/etc/hostname'')')`],
    ['glob', `SELECT * FROM glob('/etc/*')`],
    ['parquet over HTTP', `SELECT * FROM read_parquet('https://example.com/x.parquet')`],
    ['a file outside behind a link', `SELECT * FROM read_csv('${path.join(dataDir, 'leak.csv')}')`],
    ['the file behind the link', `SELECT * FROM read_csv('${path.join(outside, 'secret.csv')}')`],
    [
      'a hidden file of the data folder',
      `SELECT * FROM read_csv('${path.join(dataDir, '.hidden', 'secret.csv')}')`,
    ],
    ['the state folder', `SELECT * FROM read_text('${path.join(dataDir, '.dqx', 'state.json')}')`],
    ['path traversal', `SELECT * FROM read_text('${dataDir}/../outside/secret.csv')`],
    ['COPY TO a file', `COPY (SELECT 1 AS a) TO '${path.join(root, 'copied.csv')}'`],
    ['COPY FROM a file', `CREATE TABLE t (a VARCHAR); COPY t FROM '/etc/passwd'`],
    ['EXPORT DATABASE', `EXPORT DATABASE '${path.join(root, 'exported')}'`],
    ['ATTACH a database file', `ATTACH '${path.join(root, 'other.duckdb')}' AS other`],
    ['INSTALL', `INSTALL httpfs`],
    ['LOAD', `LOAD httpfs`],
    ['SET external access back on', `SET enable_external_access = true`],
    ['RESET external access', `RESET enable_external_access`],
    ['widen the allowed folders', `SET allowed_directories = ['/']`],
    ['unlock', `SET lock_configuration = false`],
    ['PRAGMA that sets', `PRAGMA threads = 1`],
    ['a setting that writes files', `SET profiling_output = '${path.join(root, 'profile.txt')}'`],
  ];
}

describe('the serving DuckDB instance is locked down', () => {
  it('refuses every statement that reaches a file or a setting, sent straight to the engine', async () => {
    for (const [what, sql] of hostile()) {
      const outcome = await wh.query(sql).then(
        (r) => `answered ${JSON.stringify(r.rows).slice(0, 80)}`,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(outcome, what).toMatch(REFUSED);
    }
    // Nothing was written.
    expect(fs.readdirSync(root).sort()).toEqual(['data', 'outside']);
    // The configuration is as it was.
    const settings = await wh.query(
      `SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration') ORDER BY name`,
    );
    expect(settings.rows).toEqual([
      ['enable_external_access', 'false'],
      ['lock_configuration', 'true'],
    ]);
  });

  it('refuses them on a connection of its own too, where only the lock stands in the way', async () => {
    for (const [what, sql] of hostile()) {
      const outcome = await wh.engine
        .withConnection((c) => c.runAndReadAll(sql))
        .then(
          (r) => `answered ${JSON.stringify(r.getRowsJS()).slice(0, 80)}`,
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        );
      expect(outcome, what).toMatch(LOCKED);
    }
    expect(fs.readdirSync(root).sort()).toEqual(['data', 'outside']);
  });

  it('the instance that writes scheduled-check outputs is locked the same way: only its attached output file is writable', async () => {
    const outputFile = path.join(root, 'outputs', 'scheduled.duckdb');
    await wh.engine.withWritableDatabases([outputFile], async (c, [alias]) => {
      for (const [what, sql] of hostile()) {
        const outcome = await c.runAndReadAll(sql).then(
          (r) => `answered ${JSON.stringify(r.getRowsJS()).slice(0, 80)}`,
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        );
        expect(outcome, what).toMatch(LOCKED);
      }
      await c.run(`CREATE TABLE "${alias}".main.kept AS SELECT 42 AS answer`);
    });
    const check = await DuckDBInstance.create(outputFile, { access_mode: 'READ_ONLY' });
    const conn = await check.connect();
    expect((await conn.runAndReadAll('SELECT answer FROM kept')).getRowsJS()).toEqual([[42]]);
    conn.closeSync();
    check.closeSync();
    expect(fs.readdirSync(root).sort()).toEqual(['data', 'outputs', 'outside']);
    fs.rmSync(path.join(root, 'outputs'), { recursive: true, force: true });
  });

  it('query() runs one SELECT and nothing else', async () => {
    for (const sql of [
      'SELECT 1; SELECT 2',
      "ATTACH ':memory:' AS scratch",
      'DETACH samples',
      'CREATE TABLE local.main.x AS SELECT 1',
      'DROP VIEW local."default".people',
      'CALL pragma_version()',
      'PRAGMA enable_profiling',
    ]) {
      await expect(wh.query(sql), sql).rejects.toMatchObject({ code: 'bad_request' });
    }
    expect((await wh.query('WITH t AS (SELECT 41 AS v) SELECT v + 1 FROM t')).rows).toEqual([[42]]);
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'people' }))?.row_count).toBe(
      2,
    );
  });

  it('the same statements do read files on an instance that is not locked (the test can fail)', async () => {
    const plain = await DuckDBInstance.create(':memory:');
    const conn = await plain.connect();
    try {
      const read = await conn.runAndReadAll(`SELECT * FROM read_csv('${path.join(dataDir, 'leak.csv')}')`);
      expect(JSON.stringify(read.getRowsJS())).toContain('secret-from-outside');
      const text = await conn.runAndReadAll(`SELECT content FROM read_text('/etc/passwd')`);
      expect(String(text.getRowsJS()[0]?.[0])).toContain('root:');
    } finally {
      conn.closeSync();
      plain.closeSync();
    }
  });

  it('still reads the user tables: data folder files, links inside the folder, the sample catalog', async () => {
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'people' }))?.row_count).toBe(
      2,
    );
    expect((await wh.sampleRows({ catalog: 'local', schema: 'default', table: 'alias' }, 5)).rows).toEqual([
      [1, 'Ada'],
      [2, 'Grace'],
    ]);
    expect(
      (await wh.describeTable({ catalog: 'samples', schema: 'sales', table: 'customers' }))?.row_count,
    ).toBeGreaterThan(0);
    // A query big enough to need sorting still runs (spill files stay allowed).
    const sorted = await wh.query(`SELECT i FROM range(200000) t(i) ORDER BY i DESC LIMIT 1`);
    expect(sorted.rows).toEqual([[199999]]);
  });

  it('does not follow a link in the data folder that points outside it', async () => {
    const listed = await wh.listTables('local', 'default');
    const leak = listed.find((t) => t.table === 'leak');
    expect(leak?.comment).toMatch(
      /^Cannot be read: The file leak\.csv cannot be read: it is a link to a file outside the data folder/,
    );
    await expect(
      wh.describeTable({ catalog: 'local', schema: 'default', table: 'leak' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/links out of the folder are not followed/),
    });
    await expect(
      wh.sampleRows({ catalog: 'local', schema: 'default', table: 'leak' }, 5),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    // Not a view either: naming it in SQL finds nothing.
    await expect(wh.query('SELECT * FROM local."default".leak')).rejects.toThrow(/does not exist/);
    // A linked folder is not a schema.
    expect((await wh.listSchemas('local')).map((s) => s.name)).toEqual(['default']);
  });

  it('a file added later is readable (a new locked instance takes over); one linked out of the folder is not', async () => {
    const generation = wh.engine.generation;
    fs.writeFileSync(path.join(dataDir, 'added.csv'), 'x\n1\n2\n3\n');
    fs.symlinkSync('/etc/passwd', path.join(dataDir, 'passwd.csv'));
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'added' }))?.row_count).toBe(
      3,
    );
    expect(wh.engine.generation).toBeGreaterThan(generation);
    await expect(
      wh.describeTable({ catalog: 'local', schema: 'default', table: 'passwd' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    for (const [what, sql] of hostile()) {
      await expect(wh.query(sql), what).rejects.toThrow(REFUSED);
    }
    await expect(wh.query(`SELECT * FROM read_csv('${path.join(dataDir, 'passwd.csv')}')`)).rejects.toThrow(
      REFUSED,
    );
  });
});
