/**
 * `npm run db:bench`: how long saving a rule-set version takes (ARCHITECTURE §8: p95 under 20 ms on
 * local Postgres). A benchmark, not a test: it prints JSON and asserts nothing.
 *
 * Measures `saveRuleSet` end to end (access check against an in-memory catalog, DQX validation,
 * fingerprint, and the transaction: counter row, deactivate, insert, activation record) for a
 * 25-rule set, sequentially, after a warm-up; then 50 concurrent saves to one table. On the Postgres
 * server of BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) in a fresh
 * database that is dropped afterwards, and on an in-memory PGlite for comparison.
 */
import { randomBytes } from 'node:crypto';

import { closeStore } from '@/db';
import { pgliteTestStore, postgresTestStore, type TestStore } from '@/db/testing/test-stores';
import { tableAccessVia } from '@/lib/services/access';
import { saveRuleSet } from '@/lib/services/rule-sets';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

const SERVER = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const WARMUP = 50;

const caller = testCaller('bench@example.com');
const columns = Array.from({ length: 25 }, (_, i) => ({ name: `col_${i}`, type: i % 2 ? 'string' : 'bigint' }));
const rules = columns.map((c, i) =>
  c.type === 'bigint' && i % 3 === 0
    ? { name: `${c.name}_in_range`, criticality: 'warn', check: { function: 'is_in_range', arguments: { column: c.name, min_limit: 0, max_limit: 1000 + i } } }
    : { name: `${c.name}_present`, criticality: 'error', check: { function: 'is_not_null', arguments: { column: c.name } } },
);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function measure(store: TestStore) {
  const catalog = new InMemoryCatalog([]);
  const deps = { db: store.db, access: tableAccessVia((c) => catalog.warehouseFor(c)) };
  const table = `bench.rules.t_${randomBytes(4).toString('hex')}`;
  catalog.add({ name: table, columns });

  for (let i = 0; i < WARMUP; i++) await saveRuleSet(caller, table, { rules }, deps);
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await saveRuleSet(caller, table, { rules, user_prompt: `sample ${i}` }, deps);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);

  const raceTable = `bench.rules.race_${randomBytes(4).toString('hex')}`;
  catalog.add({ name: raceTable, columns });
  const started = performance.now();
  const saved = await Promise.all(Array.from({ length: 50 }, () => saveRuleSet(caller, raceTable, { rules }, deps)));
  const concurrentMs = performance.now() - started;
  const versions = saved.map((s) => s.version).sort((a, b) => a - b);
  const consecutive = versions.every((v, i) => v === i + 1);
  const active = await store.db
    .selectFrom('dq_rules_events')
    .select('version')
    .where('table_name', '=', raceTable)
    .where('is_active', '=', true)
    .execute();

  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    samples: SAMPLES,
    rules_per_version: rules.length,
    save_ms: { p50: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)), p99: round(quantile(times, 0.99)), max: round(times.at(-1)!) },
    concurrent_50: { total_ms: round(concurrentMs), consecutive_versions: consecutive, active_versions: active.map((a) => a.version) },
  };
}

async function main() {
  const result: Record<string, unknown> = { node: process.version };
  const pg = await postgresTestStore(SERVER);
  try {
    result.postgres = { server: new URL(SERVER).host, ...(await measure(pg)), target_p95_ms: 20 };
  } finally {
    await pg.close();
  }
  const lite = await pgliteTestStore();
  try {
    result.pglite = await measure(lite);
  } finally {
    await lite.close();
  }
  await closeStore();
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
