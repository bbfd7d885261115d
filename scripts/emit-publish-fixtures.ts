/**
 * Writes what tests/conformance/test_publish_dqx.py needs to prove that real DQX reads our published
 * rule sets back unchanged: for a sequence of publishes of rule sets to one table (a rollback
 * included), the checks files the file targets write (YAML and JSON, exactly the app's export) and
 * the databricks-dialect statements the Unity Catalog table target sends through the warehouse
 * (create, latest batch, insert), with their bound parameters.
 *
 *   npx tsx scripts/emit-publish-fixtures.ts <output.json> <catalog.schema.table>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ruleSetFingerprint, serializeChecks } from '../lib/dqx';
import { checksTableRows } from '../lib/dqx/checks-table';
import { countChecksBatch, createChecksTable, deleteChecksBatch, insertChecksBatch, latestChecksBatch } from '../lib/publish/checks-table-sql';
import { parseTableName } from '../lib/warehouse/names';

import { RULE_SETS } from './publish-rule-sets';

const [out, table] = process.argv.slice(2);
if (!out || !table) throw new Error('usage: emit-publish-fixtures.ts <output.json> <catalog.schema.table>');
const ref = parseTableName(table);

/**
 * Publish v1, v2, v3: each must be what load_checks returns afterwards. Then a rollback to v1, whose
 * older batch the writer finds (count) and deletes before appending it again: DELETE needs a Delta
 * table, which local Spark here has not, so that statement is only parsed.
 */
const SEQUENCE = ['orders_v1', 'orders_v2', 'orders_v3'];
const RUN_CONFIG = 'main.sales.orders';

const steps = SEQUENCE.map((name) => {
  const checks = RULE_SETS[name]!;
  const rows = checksTableRows(checks, RUN_CONFIG);
  return {
    name,
    run_config_name: RUN_CONFIG,
    fingerprint: ruleSetFingerprint(checks),
    file_yaml: serializeChecks(checks, 'yaml'),
    file_json: serializeChecks(checks, 'json'),
    create: createChecksTable('databricks', ref),
    latest: latestChecksBatch('databricks', ref, RUN_CONFIG),
    count: countChecksBatch('databricks', ref, RUN_CONFIG, ruleSetFingerprint(checks)),
    insert: insertChecksBatch('databricks', ref, rows, new Date().toISOString()),
  };
});

mkdirSync(path.dirname(out), { recursive: true });
const v1 = RULE_SETS.orders_v1!;
const rollback = {
  fingerprint: ruleSetFingerprint(v1),
  rows: v1.length,
  count: countChecksBatch('databricks', ref, RUN_CONFIG, ruleSetFingerprint(v1)),
  delete: deleteChecksBatch('databricks', ref, RUN_CONFIG, ruleSetFingerprint(v1)),
};
writeFileSync(out, JSON.stringify({ table, steps, rollback }, null, 1));
console.log(`wrote ${steps.length} publishes of ${table} to ${out}`);
