/**
 * The schedules service on PGlite and (TEST_DATABASE_URL) Postgres: saving, reading and deleting a
 * table's schedule, cron and time-zone validation with field errors, the next run in the time
 * zone, default and refused outputs, access, the two-process slot claim in the store, and the
 * databricks side through the MonitoringJobs port (503 naming the missing binding when the app has
 * no Databricks configuration; the job itself: ./scheduled-job-ingest.test.ts).
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import * as repo from '@/db/repositories/schedules';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import type { MonitoringJobs } from '@/lib/jobs/monitoring-port';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { saveRuleSet } from './rule-sets';
import { ScheduleBody } from './schedule-schemas';
import { deleteSchedule, getSchedule, listScheduleSummaries, saveSchedule, type MonitoringSchedule, type ScheduleDeps } from './schedules';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'email', type: 'string' },
];
const NOON = new Date('2026-12-07T12:00:00Z');
let counter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`schedules (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: ScheduleDeps;

    const newTable = () => {
      const name = `main.sales.scheduled_${++counter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };
    const body = (b: Record<string, unknown>) => ScheduleBody.parse(b);

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      deps = { db, access: tableAccessVia((caller) => catalog.warehouseFor(caller)), mode: 'local', now: () => NOON };
    });
    afterAll(async () => {
      await store?.close();
    });

    it('keeps a schedule per table with its next run in its time zone, default outputs, and removes it', async () => {
      const table = newTable();
      expect(await getSchedule(alice, table, deps)).toEqual({
        table_name: table,
        schedule: null,
        default_outputs: { valid_table: null, quarantine_table: `${table}_dq_quarantine`, metrics_table: `${table}_dq_metrics` },
        runs_on: 'local',
      });
      const saved = await saveSchedule(alice, table, body({ cron: '0  6 * * 1-5', timezone: 'Europe/Paris' }), deps);
      // 06:00 in Paris (UTC+1 in December) on the next weekday: Tuesday 8 December
      expect(saved.schedule).toMatchObject({
        cron: '0 6 * * 1-5',
        timezone: 'Europe/Paris',
        version: null,
        paused: false,
        next_run_at: '2026-12-08T05:00:00.000Z',
        last_run_at: null,
        outputs: { valid_table: null, quarantine_table: `${table}_dq_quarantine`, metrics_table: `${table}_dq_metrics` },
        notify_emails: [],
        updated_by: alice.id,
      });
      const changed = await saveSchedule(
        alice,
        table,
        body({ cron: '30 23 * * *', timezone: 'America/New_York', outputs: { valid_table: 'Main.Sales.Clean', metrics_table: null }, notify_emails: ['Ops@Example.com'] }),
        deps,
      );
      expect(changed.schedule).toMatchObject({
        next_run_at: '2026-12-08T04:30:00.000Z',
        outputs: { valid_table: 'main.sales.clean', quarantine_table: `${table}_dq_quarantine`, metrics_table: null },
        notify_emails: ['ops@example.com'],
      });
      expect((await listScheduleSummaries({ db })).find((s) => s.table_name === table)).toEqual({
        table_name: table,
        cron: '30 23 * * *',
        timezone: 'America/New_York',
        paused: false,
        next_run_at: '2026-12-08T04:30:00.000Z',
        last_run_at: null,
        last_run_id: null,
      });
      expect((await deleteSchedule(alice, table, deps)).schedule).toBeNull();
      expect((await getSchedule(alice, table, deps)).schedule).toBeNull();
      expect((await appError(deleteSchedule(alice, table, deps))).code).toBe('not_found');
    });

    it('refuses a bad cron, an unknown time zone, a missing version and bad outputs with 400 naming the field', async () => {
      const table = newTable();
      const refused = async (b: Record<string, unknown>) => {
        const error = await appError(saveSchedule(alice, table, body(b), deps));
        expect(error.code).toBe('bad_request');
        return { path: (error.details as { issues: { path: string }[] }).issues[0]!.path, message: error.message };
      };
      expect(await refused({ cron: '* * * *' })).toMatchObject({ path: 'cron', message: expect.stringContaining('5-field') });
      expect(await refused({ cron: '61 * * * *' })).toMatchObject({ path: 'cron', message: expect.stringContaining('minute') });
      expect(await refused({ cron: '0 0 * * * *' })).toMatchObject({ path: 'cron' });
      expect(await refused({ cron: '0 6 * * *', timezone: 'Mars/Olympus' })).toMatchObject({ path: 'timezone', message: expect.stringContaining('IANA') });
      expect(await refused({ cron: '0 6 * * *', version: 3 })).toMatchObject({ path: 'version', message: expect.stringContaining('does not exist') });
      expect(await refused({ cron: '0 6 * * *', outputs: { quarantine_table: 'just_a_name' } })).toMatchObject({ path: 'outputs.quarantine_table' });
      expect(await refused({ cron: '0 6 * * *', outputs: { quarantine_table: table } })).toMatchObject({ path: 'outputs.quarantine_table', message: expect.stringContaining('checked table') });
      expect(await refused({ cron: '0 6 * * *', outputs: { valid_table: `${table}_dq_metrics` } })).toMatchObject({ path: 'outputs.valid_table' });
      expect(ScheduleBody.safeParse({ cron: '0 6 * * *', notify_emails: ['not an address'] }).success).toBe(false);
      expect((await getSchedule(alice, table, deps)).schedule).toBeNull();
    });

    it('runs a saved version when asked, and is hidden from callers who cannot read the table', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } }] }, deps);
      expect((await saveSchedule(alice, table, body({ cron: '0 6 * * *', version: 1 }), deps)).schedule?.version).toBe(1);
      expect((await appError(getSchedule(bob, table, deps))).code).toBe('not_found');
      expect((await appError(saveSchedule(bob, table, body({ cron: '0 6 * * *' }), deps))).code).toBe('not_found');
      expect((await appError(deleteSchedule(bob, table, deps))).code).toBe('not_found');
    });

    it('needs the steward right to change a schedule (read to see it), and records each change in the audit trail', async () => {
      const table = newTable();
      const readerOnly: ScheduleDeps = { ...deps, rights: async () => ({ steward: false, admin: false, owner: 'olga@example.com', steward_sources: [], requirement: 'MODIFY or MANAGE on the table, its ownership' }) };
      const refused = await appError(saveSchedule(alice, table, body({ cron: '0 6 * * *' }), readerOnly));
      expect(refused.status).toBe(403);
      expect(refused.message).toContain('Changing the schedule of');
      expect(refused.message).toContain('olga@example.com');
      expect((await getSchedule(alice, table, readerOnly)).schedule).toBeNull();

      await saveSchedule(alice, table, body({ cron: '0 6 * * *' }), deps);
      await saveSchedule(alice, table, body({ cron: '0 7 * * *', paused: true }), deps);
      expect((await appError(deleteSchedule(alice, table, readerOnly))).status).toBe(403);
      await deleteSchedule(alice, table, deps);
      const events = await db
        .selectFrom('dq_audit_events')
        .select(['actor', 'action', 'before', 'after'])
        .where('table_name', '=', table)
        .orderBy('id')
        .execute();
      expect(events.map((e) => [e.actor, e.action])).toEqual([
        [alice.id, 'schedule.changed'],
        [alice.id, 'schedule.changed'],
        [alice.id, 'schedule.changed'],
      ]);
      expect(events[0]).toMatchObject({ before: null, after: { cron: '0 6 * * *', paused: false } });
      expect(events[1]).toMatchObject({ before: { cron: '0 6 * * *' }, after: { cron: '0 7 * * *', paused: true } });
      expect(events[2]).toMatchObject({ before: { cron: '0 7 * * *' }, after: null });
    });

    it('claims a slot once in the store, whoever asks, and only while not paused', async () => {
      const table = newTable();
      await saveSchedule(alice, table, body({ cron: '*/5 * * * *' }), deps);
      const slot = new Date('2026-12-07T12:05:00Z');
      const claims = await Promise.all([1, 2, 3, 4].map(() => repo.claimSlot(db, table, slot, new Date('2026-12-07T12:10:00Z'))));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await repo.claimSlot(db, table, new Date('2026-12-07T12:00:00Z'), null)).toBeUndefined();
      await saveSchedule(alice, table, body({ cron: '*/5 * * * *', paused: true }), deps);
      expect(await repo.claimSlot(db, table, new Date('2026-12-07T12:10:00Z'), null)).toBeUndefined();
      expect((await getSchedule(alice, table, deps)).schedule?.next_run_at).toBeNull();
    });

    it('in databricks mode, refuses with 503 without a Databricks configuration, and syncs and removes the job through the port', async () => {
      const table = newTable();
      const refused = await appError(saveSchedule(alice, table, body({ cron: '0 6 * * *' }), { ...deps, mode: 'databricks' }));
      expect(refused.code).toBe('unavailable');
      expect(refused.message).toMatch(/DATABRICKS_HOST|DATABRICKS_CLIENT_ID/);
      expect((await getSchedule(alice, table, deps)).schedule).toBeNull();

      const synced: [MonitoringSchedule, string | null][] = [];
      const removed: string[] = [];
      const jobs: MonitoringJobs = {
        sync: async (schedule, existing) => {
          synced.push([schedule, existing]);
          return { job_id: existing ?? '9001' };
        },
        remove: async (id) => {
          removed.push(id);
        },
      };
      const dbx = { ...deps, mode: 'databricks' as const, monitoringJobs: jobs };
      const saved = await saveSchedule(alice, table, body({ cron: '0 6 * * *', timezone: 'Europe/Paris', notify_emails: ['ops@example.com'] }), dbx);
      expect(saved.schedule?.external_job_id).toBe('9001');
      expect(synced[0]).toEqual([
        {
          table_name: table,
          cron: '0 6 * * *',
          timezone: 'Europe/Paris',
          version: null,
          paused: false,
          outputs: { valid_table: null, quarantine_table: `${table}_dq_quarantine`, metrics_table: `${table}_dq_metrics` },
          notify_emails: ['ops@example.com'],
        },
        null,
      ]);
      await saveSchedule(alice, table, body({ cron: '0 7 * * *', timezone: 'Europe/Paris', paused: true }), dbx);
      expect(synced[1]![1]).toBe('9001');
      expect(synced[1]![0].paused).toBe(true);
      await deleteSchedule(alice, table, dbx);
      expect(removed).toEqual(['9001']);
    });
  });
}
