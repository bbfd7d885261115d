/**
 * No confused deputy (issue 11): a run reads with its starter's rights, records the exact tables it
 * reads, and is shown only to callers who can read every one of them. Two users on real DuckDB and
 * PGlite; each user's warehouse hides what that user may not read, as Unity Catalog does with the
 * user's own token (describe answers nothing, and a query naming the table fails), in databricks
 * mode (the SQL-warehouse path) and in local mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Caller } from '@/lib/auth/caller';
import type { DqxCheck } from '@/lib/dqx';
import type { Warehouse } from '@/lib/warehouse/port';
import { appError } from '@/tests/support/app-error';
import { testCaller } from '@/tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';

import { tableAccessVia } from './access';
import type { RunDeps } from './run-deps';
import { listRuleSets, saveRuleSet } from './rule-sets';
import { getRun, listRuns, requestRunCancel, rulePassRateHistory, tablePassRateHistory } from './runs';
import { getFailingRows } from './failing-rows';
import { startValidation, validationReport } from './validation';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const EVENTS = 'samples.web.events';
const CUSTOMERS = 'samples.sales.customers';
const REVIEWS = 'samples.web.reviews';

/** A rule on the events that reads the customers table (DQX's foreign_key with a reference table). */
const readsCustomers: DqxCheck = {
  name: 'event_customer_known',
  criticality: 'error',
  check: {
    function: 'foreign_key',
    arguments: { columns: ['customer_id'], ref_columns: ['customer_id'], ref_table: CUSTOMERS },
  },
};
const eventsOnly: DqxCheck = {
  name: 'event_id_present',
  criticality: 'error',
  check: { function: 'is_not_null', arguments: { column: 'event_id' } },
};

let fx: RunFixture;
/** Who may not read what (caller id -> table names). */
const denied = new Map<string, Set<string>>();
/** Every statement a user's warehouse ran, with the user whose rights it ran with. */
const queries: { caller: string; sql: string }[] = [];

const hidden = (caller: string, table: string) => denied.get(caller)?.has(table.toLowerCase()) ?? false;

/** The user's own warehouse: queries are recorded, and one naming a table they may not read fails. */
function usersWarehouse(base: Warehouse, caller: Caller): Warehouse {
  return {
    ...base,
    dialect: base.dialect,
    listCatalogs: () => base.listCatalogs(),
    listSchemas: (c) => base.listSchemas(c),
    listTables: (c, s) => base.listTables(c, s),
    searchTables: (q, l) => base.searchTables(q, l),
    describeTable: (r) => base.describeTable(r),
    sampleRows: (r, l) => base.sampleRows(r, l),
    ping: () => base.ping(),
    query: async (sql, options) => {
      queries.push({ caller: caller.id, sql });
      for (const table of denied.get(caller.id) ?? []) {
        const [, schema, name] = table.split('.');
        if (
          sql.toLowerCase().includes(`"${schema}"."${name}"`) ||
          sql.toLowerCase().includes(`${schema}.${name}`)
        )
          throw new Error(`[TABLE_OR_VIEW_NOT_FOUND] The table or view ${table} cannot be found.`);
      }
      return base.query(sql, options);
    },
  };
}

function depsFor(mode: 'local' | 'databricks'): RunDeps {
  const warehouseOf = (caller: Caller) => usersWarehouse(fx.deps.warehouseOf!(caller), caller);
  return { ...fx.deps, mode, warehouseOf, access: tableAccessVia(warehouseOf) };
}

beforeAll(async () => {
  fx = await openRunFixture({ bigRows: 500 });
  fx.hide(hidden);
});
afterAll(async () => {
  await fx?.close();
});

async function finished(caller: Caller, runId: string, deps: RunDeps) {
  const run = await waitForRun(caller, runId, deps);
  expect(run.error).toBeNull();
  expect(run.status).toBe('succeeded');
  return run;
}

describe.each(['databricks', 'local'] as const)(
  '%s mode: a rule set one user wrote, another runs',
  (mode) => {
    let deps: RunDeps;
    beforeAll(() => {
      deps = depsFor(mode);
      denied.clear();
      denied.set(bob.id, new Set([CUSTOMERS]));
    });
    afterAll(() => denied.clear());

    // A table of its own per mode, so the histories and lists of one do not mix with the other's.
    const table = mode === 'databricks' ? EVENTS : REVIEWS;
    const rules = (): DqxCheck[] =>
      mode === 'databricks'
        ? [readsCustomers, eventsOnly]
        : [
            readsCustomers,
            {
              name: 'event_id_present',
              criticality: 'error',
              check: { function: 'is_not_null', arguments: { column: 'review_id' } },
            },
          ];

    it('runs with the rights of whoever starts it: refused before anything starts when they cannot read every table', async () => {
      await saveRuleSet(alice, table, { rules: rules() }, deps);
      const before = (await listRuns(alice, table, { page: 1, page_size: 50 }, deps)).total;
      const queriesBefore = queries.length;

      const refused = await appError(startValidation(bob, { table }, deps));
      expect(refused.code).toBe('not_found');
      expect(refused.message).toMatch(
        /refers to table samples\.sales\.customers, which was not found or which you do not have permission to read/,
      );
      // Nothing started: no run was recorded, no statement ran.
      expect((await listRuns(alice, table, { page: 1, page_size: 50 }, deps)).total).toBe(before);
      expect(queries.slice(queriesBefore)).toEqual([]);

      // The author can, and the run records exactly the tables it read.
      const run = await startValidation(alice, { table }, deps);
      expect(run.read_tables).toEqual([table, CUSTOMERS]);
      const done = await finished(alice, run.id, deps);
      expect(done.read_tables).toEqual([table, CUSTOMERS]);
      // Every statement ran with alice's rights.
      expect(new Set(queries.slice(queriesBefore).map((q) => q.caller))).toEqual(new Set([alice.id]));
    });

    it('shows a run only to callers who can read every table it read, everywhere it appears', async () => {
      const run = await startValidation(alice, { table, rules: rules() }, deps);
      const done = await finished(alice, run.id, deps);
      expect(done.summary).not.toBeNull();
      // Also a run of bob's own on the same table, reading only what he may read.
      const own = await finished(
        bob,
        (await startValidation(bob, { table, rules: [rules()[1]!] }, deps)).id,
        deps,
      );
      expect(own.read_tables).toEqual([table]);

      // bob can read the table, but not the customers alice's run read: for him the run does not exist.
      for (const attempt of [
        () => getRun(bob, run.id, deps),
        () => getFailingRows(bob, run.id, { rule: 'event_customer_known', page: 1, pageSize: 10 }, deps),
        () => validationReport(bob, run.id, 'json', deps),
        () => validationReport(bob, run.id, 'csv', deps),
        () => requestRunCancel(bob, run.id, deps),
      ]) {
        const refusal = await appError(attempt());
        expect(refusal.code).toBe('not_found');
        expect(refusal.message).toBe(
          `Run ${run.id} was not found, or you do not have permission to read its table.`,
        );
      }
      // A run id that does not exist is answered exactly alike.
      const missing = await appError(getRun(bob, '00000000-0000-4000-8000-000000000000', deps));
      expect(missing.message).toBe(
        'Run 00000000-0000-4000-8000-000000000000 was not found, or you do not have permission to read its table.',
      );

      // Lists, histories and the overview leave it out for bob, and keep it for alice.
      const bobs = await listRuns(bob, table, { page: 1, page_size: 100 }, deps);
      const alices = await listRuns(alice, table, { page: 1, page_size: 100 }, deps);
      expect(bobs.items.map((r) => r.id)).not.toContain(run.id);
      expect(bobs.items.map((r) => r.id)).toContain(own.id);
      expect(bobs.items.every((r) => r.read_tables.every((t) => t !== CUSTOMERS))).toBe(true);
      expect(bobs.total).toBe(bobs.items.length);
      expect(alices.items.map((r) => r.id)).toEqual(expect.arrayContaining([run.id, own.id]));
      expect(alices.total).toBeGreaterThan(bobs.total);

      const bobHistory = await tablePassRateHistory(bob, table, 100, deps);
      expect(bobHistory.points.map((p) => p.run_id)).not.toContain(run.id);
      expect(bobHistory.points.map((p) => p.run_id)).toContain(own.id);
      expect((await tablePassRateHistory(alice, table, 100, deps)).points.map((p) => p.run_id)).toContain(
        run.id,
      );
      expect(
        (await rulePassRateHistory(bob, table, { name: 'event_customer_known' }, 100, deps)).points,
      ).toEqual([]);
      expect(
        (await rulePassRateHistory(alice, table, { name: 'event_customer_known' }, 100, deps)).points.map(
          (p) => p.run_id,
        ),
      ).toContain(run.id);

      // The overview's latest run: alice's run for alice, bob's own (older) for bob.
      const overview = async (caller: Caller) =>
        (await listRuleSets(caller, deps)).find((r) => r.table_name === table)?.last_run?.id;
      const latestForAlice = await finished(
        alice,
        (await startValidation(alice, { table, rules: rules() }, deps)).id,
        deps,
      );
      expect(await overview(alice)).toBe(latestForAlice.id);
      expect(await overview(bob)).toBe(own.id);

      // A run recorded before runs kept their tables: its tables come from its rules.
      await fx.store.db.updateTable('dq_runs').set({ read_tables: null }).where('id', '=', run.id).execute();
      expect((await appError(getRun(bob, run.id, deps))).code).toBe('not_found');
      expect((await getRun(alice, run.id, deps)).read_tables).toEqual([table]);

      // bob's own run is visible to alice (she can read all it read).
      expect((await getRun(alice, own.id, deps)).id).toBe(own.id);

      // Rights decide, not who started the run: once bob may read the customers, he sees alice's run.
      denied.get(bob.id)!.delete(CUSTOMERS);
      try {
        expect((await getRun(bob, run.id, deps)).summary).toEqual(done.summary);
        expect((await validationReport(bob, run.id, 'csv', deps)).body).toContain('event_customer_known');
        expect(
          (await listRuns(bob, table, { page: 1, page_size: 100 }, deps)).items.map((r) => r.id),
        ).toContain(run.id);
      } finally {
        denied.get(bob.id)!.add(CUSTOMERS);
      }
    });

    it('runs a saved rule set with the runner’s rights: what bob runs reads only with his token', async () => {
      denied.get(bob.id)!.delete(CUSTOMERS);
      try {
        await saveRuleSet(alice, table, { rules: rules() }, deps);
        const start = queries.length;
        const run = await finished(bob, (await startValidation(bob, { table }, deps)).id, deps);
        expect(run.started_by).toBe(bob.id);
        expect(run.read_tables).toEqual([table, CUSTOMERS]);
        const ran = queries.slice(start);
        expect(ran.length).toBeGreaterThan(0);
        expect(new Set(ran.map((q) => q.caller))).toEqual(new Set([bob.id]));
      } finally {
        denied.get(bob.id)!.add(CUSTOMERS);
      }
    });
  },
);
