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

import { ruleSetFingerprint, serializeChecks, type DqxCheck } from '../lib/dqx';
import { checksTableRows } from '../lib/dqx/checks-table';
import { countChecksBatch, createChecksTable, deleteChecksBatch, insertChecksBatch, latestChecksBatch } from '../lib/publish/checks-table-sql';
import { parseTableName } from '../lib/warehouse/names';

const [out, table] = process.argv.slice(2);
if (!out || !table) throw new Error('usage: emit-publish-fixtures.ts <output.json> <catalog.schema.table>');
const ref = parseTableName(table);

/** Rule sets that use every kind of value a checks table must carry through JSON text and bound parameters. */
const RULE_SETS: Record<string, DqxCheck[]> = {
  orders_v1: [
    { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
    { name: 'amount_range', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: { __decimal__: '0.01' }, max_limit: { __decimal__: '99999.99' } } } },
    { criticality: 'warn', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'shipped'", "'it''s \\\\ odd'"] } }, user_metadata: { owner: 'sales', 'tier ü': 2, reviewed: true } },
    { criticality: 'error', check: { function: 'is_not_null_and_not_empty', for_each_column: ['customer', 'status'] }, filter: "status <> 'cancelled'" },
    { name: 'ordered_recently', criticality: 'warn', check: { function: 'is_not_less_than', arguments: { column: 'ordered_on', limit: { __date__: '2024-01-01' } } } },
    { name: 'ratio_small', criticality: 'warn', check: { function: 'is_not_greater_than', arguments: { column: 'ratio', limit: { __float__: '2.5' } } }, message_expr: "concat('ratio ', ratio)" },
    { criticality: 'error', check: { function: 'is_unique', arguments: { columns: ['order_id', 'customer'] } }, filter: 'quantity > 0' },
    { name: 'big orders :name ${x}', criticality: 'error', check: { function: 'sql_expression', arguments: { expression: "quantity < 1000 OR status = 'bulk'", msg: 'too big: \'quoted\' and \\ back' } } },
  ],
  orders_v2: [
    { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
    { name: 'qty', criticality: 'warn', check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 500 } } },
  ],
  orders_v3: [{ name: 'qty', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 400 } } }],
};

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
