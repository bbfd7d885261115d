import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import type { Caller } from '@/lib/auth/caller';
import type { DqxCheck } from '@/lib/dqx';
import { LocalPublisher } from '@/lib/publish/local/local-publisher';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { saveThresholds } from './alerting';
import { canSeeAppEvents, exportAuditEvents, listAuditEvents, recordAudit, type AuditEventDto } from './audit';
import { AuditExportQuery, AuditQuery } from './audit-schemas';
import { publishActiveVersion, savePublishSettings, type PublishDeps } from './publishing';
import { activateRuleSetVersion, importRuleSet, saveRuleSet } from './rule-sets';

const alice = { ...testCaller('alice@example.com'), requestId: 'req-alice-1' };
const bob = testCaller('bob@example.com');
const remote: Caller = { ...testCaller('carol@example.com'), mode: 'databricks' };
const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'status', type: 'string' },
];
const V1: DqxCheck[] = [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } }];
const V2: DqxCheck[] = [...V1, { criticality: 'warn', check: { function: 'is_not_null', arguments: { column: 'status' } } }];

const query = (input: Record<string, unknown>) =>
  AuditQuery.parse(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])));

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

let tableCounter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`audit trail (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let stateDir: string;
    let deps: PublishDeps;

    const newTable = (prefix = 'audited') => {
      const name = `main.sales.${prefix}_${++tableCounter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };
    /** Every event of the table, oldest first, as alice sees them. */
    const eventsOf = async (table: string): Promise<AuditEventDto[]> =>
      (await listAuditEvents(alice, query({ table, page_size: 200 }), deps)).items.reverse();
    const countAll = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dq_audit_events`.execute(db)).rows[0]!.n);

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      // alice reads every table; bob and carol only tables whose name says "shared".
      catalog = new InMemoryCatalog([], (caller, table) => caller === alice.id || table.includes('shared'));
      stateDir = mkdtempSync(path.join(tmpdir(), 'dqx-audit-'));
      deps = { db, access: tableAccessVia((caller) => catalog.warehouseFor(caller)), mode: 'local', publisherFor: () => new LocalPublisher(stateDir) };
    });
    afterAll(async () => {
      await store?.close();
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('records each save, import, activation and rollback once, with the active version before and after', async () => {
      const table = newTable();
      const v1 = await saveRuleSet(alice, table, { rules: V1 }, deps);
      await saveRuleSet(alice, table, { rules: V2 }, deps);
      await importRuleSet(alice, table, { text: JSON.stringify(V1), format: 'json' }, deps);
      await activateRuleSetVersion(alice, table, 1, deps);
      await activateRuleSetVersion(alice, table, 3, deps);

      const events = await eventsOf(table);
      expect(events.map((e) => [e.action, e.target, e.actor])).toEqual([
        ['version.saved', 'version 1', alice.id],
        ['version.saved', 'version 2', alice.id],
        ['version.imported', 'version 3', alice.id],
        ['version.rolled_back', 'version 1', alice.id],
        ['version.activated', 'version 3', alice.id],
      ]);
      expect(events[0]).toMatchObject({
        table_name: table,
        request_id: 'req-alice-1',
        before: { active_version: null },
        after: { active_version: { version: 1, rule_set_fingerprint: v1.rule_set_fingerprint, rule_count: 1, rules: V1 } },
      });
      expect(events[1]!.before).toEqual({ active_version: { version: 1, rule_set_fingerprint: v1.rule_set_fingerprint, rule_count: 1 } });
      expect(events[2]!.detail).toContain('JSON checks file');
      expect(events[3]).toMatchObject({
        before: { active_version: { version: 3 } },
        after: { active_version: { version: 1, rule_set_fingerprint: v1.rule_set_fingerprint } },
        detail: 'Rolled back from version 3 to version 1.',
      });
      expect(events[4]).toMatchObject({ before: { active_version: { version: 1 } }, after: { active_version: { version: 3 } } });
    });

    it('writes no event for a change that is refused or rolled back, and no change when its event cannot be written', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: V1 }, deps);
      const before = await countAll();
      // Refused: already active; unknown column.
      expect((await appError(activateRuleSetVersion(alice, table, 1, deps))).code).toBe('conflict');
      expect((await appError(saveRuleSet(alice, table, { rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'nope' } } }] }, deps))).code).toBe('bad_request');
      // Rolled back with the transaction it was recorded in.
      await expect(
        db.transaction().execute(async (trx) => {
          await recordAudit(trx, { caller: alice, action: 'settings.changed', table: null, detail: 'never' });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await countAll()).toBe(before);

      // The event cannot be written: the save fails and leaves no version behind.
      await sql`ALTER TABLE dq_audit_events ADD CONSTRAINT audit_refuses_all CHECK (actor = '') NOT VALID`.execute(db);
      try {
        await expect(saveRuleSet(alice, table, { rules: V2 }, deps)).rejects.toThrow();
        await expect(savePublishSettings(alice, table, { auto_publish: true, targets: [{ kind: 'local_file', format: 'json' }] }, deps)).rejects.toThrow();
        await expect(saveThresholds(alice, table, { min_pass_rate: 0.9, fail_on_error_rows: false, rules: [] }, deps)).rejects.toThrow();
      } finally {
        await sql`ALTER TABLE dq_audit_events DROP CONSTRAINT audit_refuses_all`.execute(db);
      }
      const versions = await db.selectFrom('dq_rules_events').select('version').where('table_name', '=', table).execute();
      expect(versions.map((v) => v.version)).toEqual([1]);
      expect(await db.selectFrom('dq_publish_settings').selectAll().where('table_name', '=', table).execute()).toEqual([]);
      expect(await db.selectFrom('dq_alert_settings').selectAll().where('table_name', '=', table).execute()).toEqual([]);
      expect(await countAll()).toBe(before);
    });

    it('records publishing settings, each publish with its result per target, and thresholds with the webhook as its origin only', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: V1 }, deps);
      await savePublishSettings(alice, table, { auto_publish: false, targets: [{ kind: 'local_file', format: 'yaml' }] }, deps);
      await savePublishSettings(alice, table, { auto_publish: true, targets: [{ kind: 'local_file', format: 'yaml' }, { kind: 'local_table', table: 'dqx.checks' }] }, deps);
      await publishActiveVersion(alice, table, deps);
      await saveRuleSet(alice, table, { rules: V2 }, deps); // published on activation
      await saveThresholds(alice, table, { min_pass_rate: 0.95, fail_on_error_rows: false, rules: [], webhook_url: 'http://127.0.0.1:9/hooks/T0123/secret-path?token=abc' }, deps);
      await saveThresholds(alice, table, { min_pass_rate: null, fail_on_error_rows: true, rules: [{ rule: 'id_is_null', min_pass_rate: null, fail_on_failing_rows: true }] }, deps);

      const events = await eventsOf(table);
      expect(events.map((e) => e.action)).toEqual([
        'version.saved',
        'publishing.settings_changed',
        'publishing.settings_changed',
        'published',
        'version.saved',
        'published',
        'thresholds.changed',
        'thresholds.changed',
      ]);
      const [, firstSettings, settings, manual, , onActivation, thresholds, cleared] = events;
      expect(firstSettings).toMatchObject({ before: null, after: { auto_publish: false, targets: [{ kind: 'local_file', format: 'yaml' }] } });
      expect(settings).toMatchObject({
        before: { auto_publish: false, targets: [{ kind: 'local_file', format: 'yaml' }] },
        after: { auto_publish: true, targets: [{ kind: 'local_file' }, { kind: 'local_table', table: 'dqx.checks' }] },
      });
      expect(manual).toMatchObject({
        target: 'local_file yaml, local_table dqx.checks',
        before: { targets: [{ version: null }, { version: null }] },
        after: { version: 1, trigger: 'manual', results: [{ target: { kind: 'local_file' }, status: 'published' }, { target: { kind: 'local_table' }, status: 'published' }] },
      });
      expect(onActivation).toMatchObject({
        before: { targets: [{ version: 1 }, { version: 1 }] },
        after: { version: 2, trigger: 'activation', results: [{ status: 'published' }, { status: 'published' }] },
      });
      expect(onActivation!.detail).toContain('on activation');
      expect(thresholds).toMatchObject({ before: null, after: { min_pass_rate: 0.95, fail_on_error_rows: false, webhook_url: 'http://127.0.0.1:9' } });
      expect(cleared).toMatchObject({
        before: { min_pass_rate: 0.95, webhook_url: 'http://127.0.0.1:9' },
        after: { min_pass_rate: null, fail_on_error_rows: true, rules: [{ rule: 'id_is_null' }], webhook_url: 'http://127.0.0.1:9' },
      });
      const raw = await sql<{ t: string }>`SELECT before::text || after::text AS t FROM dq_audit_events WHERE table_name = ${table}`.execute(db);
      expect(raw.rows.map((r) => r.t).join('\n')).not.toMatch(/secret-path|token=abc/);
    });

    it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE, even of no row', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: V1 }, deps);
      const before = await countAll();
      await expect(sql`UPDATE dq_audit_events SET actor = 'mallory' WHERE table_name = ${table}`.execute(db)).rejects.toThrow(/append-only: UPDATE/);
      await expect(sql`DELETE FROM dq_audit_events WHERE table_name = ${table}`.execute(db)).rejects.toThrow(/append-only: DELETE/);
      await expect(sql`DELETE FROM dq_audit_events WHERE false`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`TRUNCATE dq_audit_events`.execute(db)).rejects.toThrow(/append-only: TRUNCATE/);
      expect(await countAll()).toBe(before);
      expect((await eventsOf(table))[0]!.actor).toBe(alice.id);
    });

    it('shows each caller only the events of tables they can read, and app-level events only to admins', async () => {
      const secret = newTable('secret');
      const shared = newTable('shared');
      await saveRuleSet(alice, secret, { rules: V1 }, deps);
      await saveRuleSet(alice, shared, { rules: V1 }, deps);
      await saveRuleSet(bob, shared, { rules: V2 }, deps);
      await db.transaction().execute((trx) => recordAudit(trx, { caller: alice, action: 'settings.changed', table: null, detail: 'app setting' }));

      const all = async (caller: Caller, input: Record<string, unknown> = {}) =>
        (await listAuditEvents(caller, query({ page_size: 200, ...input }), deps)).items;
      const bobSees = await all(bob);
      expect(bobSees.some((e) => e.table_name === secret)).toBe(false);
      expect(bobSees.filter((e) => e.table_name === shared)).toHaveLength(2);
      expect(bobSees.some((e) => e.table_name === null)).toBe(true); // local mode: the local user is the admin
      expect(await all(bob, { table: secret })).toEqual([]);

      expect(canSeeAppEvents(remote)).toBe(false);
      const carolSees = await all(remote);
      expect(carolSees.some((e) => e.table_name === null || e.table_name === secret)).toBe(false);
      expect(carolSees.filter((e) => e.table_name === shared)).toHaveLength(2);

      expect((await all(alice, { actor: bob.id, table: shared })).map((e) => e.action)).toEqual(['version.saved']);
      expect((await all(alice, { action: 'version.*', table: shared })).length).toBe(2);
      expect((await all(alice, { action: 'published', table: shared })).length).toBe(0);
      expect(await all(alice, { table: shared, to: '2000-01-01' })).toEqual([]);
      expect((await all(alice, { table: shared, from: new Date(Date.now() - 3_600_000).toISOString() })).length).toBe(2);
      // Each distinct table is checked once per request.
      const calls = catalog.describeCalls.length;
      await all(remote);
      const checked = catalog.describeCalls.slice(calls).map((c) => c.table);
      expect(checked.length).toBe(new Set(checked).size);
    });

    it('pages newest first with cursors that neither repeat nor skip events recorded meanwhile', async () => {
      const table = newTable();
      const record = (i: number) => db.transaction().execute((trx) => recordAudit(trx, { caller: alice, action: 'version.saved', table, target: `version ${i}` }));
      for (let i = 1; i <= 25; i++) await record(i);
      const page1 = await listAuditEvents(alice, query({ table, page_size: 10 }), deps);
      expect(page1.prev_cursor).toBeNull();
      expect(page1.items[0]!.target).toBe('version 25');
      // Events recorded while the reader pages do not shift the next pages.
      await Promise.all([26, 27, 28, 29, 30].map(record));
      const page2 = await listAuditEvents(alice, query({ table, page_size: 10, cursor: page1.next_cursor }), deps);
      const page3 = await listAuditEvents(alice, query({ table, page_size: 10, cursor: page2.next_cursor }), deps);
      expect(page3.next_cursor).toBeNull();
      const seen = [...page1.items, ...page2.items, ...page3.items].map((e) => e.target);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `version ${25 - i}`));
      // Back one page, then to the newest (now with the five new events).
      const back = await listAuditEvents(alice, query({ table, page_size: 10, cursor: page3.prev_cursor }), deps);
      expect(back.items.map((e) => e.target)).toEqual(page2.items.map((e) => e.target));
      const front = await listAuditEvents(alice, query({ table, page_size: 10, cursor: page1.prev_cursor ?? back.prev_cursor }), deps);
      expect(front.items.map((e) => e.target)).toEqual(page1.items.map((e) => e.target));
      const newest = await listAuditEvents(alice, query({ table, page_size: 10, cursor: front.prev_cursor }), deps);
      // (recorded concurrently, so in the order their transactions began)
      expect(newest.items.map((e) => e.target).sort()).toEqual(['version 26', 'version 27', 'version 28', 'version 29', 'version 30']);
      expect(newest.prev_cursor).toBeNull();

      // A cursor is bound to its filters and cannot be edited.
      expect((await appError(listAuditEvents(alice, query({ table, page_size: 5, cursor: page1.next_cursor }), deps))).code).toBe('bad_request');
      const edited = page1.next_cursor!.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'));
      expect((await appError(listAuditEvents(alice, query({ table, page_size: 10, cursor: edited }), deps))).message).toContain('cursor is not valid');
    });

    it('exports as CSV with formula-like cells made inert, and as JSON', async () => {
      const table = newTable();
      await db.transaction().execute((trx) =>
        recordAudit(trx, { caller: { id: '=HYPERLINK("http://evil")', requestId: undefined }, action: 'version.saved', table, target: '+1', detail: '@SUM(A1) "quoted"' }),
      );
      await saveRuleSet(alice, table, { rules: V1 }, deps);
      const csv = await exportAuditEvents(alice, AuditExportQuery.parse({ table }), 'csv', deps);
      expect(csv.contentType).toContain('text/csv');
      const lines = (await text(csv.body)).trimEnd().split('\r\n');
      expect(lines[0]).toBe('id,occurred_at,actor,action,table_name,target,detail,request_id,before,after');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`"${alice.id}","version.saved"`);
      expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil"")","version.saved","${table}","'+1","'@SUM(A1) ""quoted"""`);

      const json = await exportAuditEvents(alice, AuditExportQuery.parse({ table, format: 'json' }), 'json', deps);
      const parsed = JSON.parse(await text(json.body)) as AuditEventDto[];
      expect(parsed.map((e) => e.actor)).toEqual([alice.id, '=HYPERLINK("http://evil")']);
      const none = await exportAuditEvents(bob, AuditExportQuery.parse({ table, format: 'json' }), 'json', deps);
      expect(JSON.parse(await text(none.body))).toEqual([]);
    });
  });
}
