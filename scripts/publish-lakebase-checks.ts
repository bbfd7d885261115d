/**
 * Publishes one of scripts/publish-rule-sets.ts into DQX's Lakebase checks table with the app's own
 * code (the rows of lib/publish/lakebase/lakebase-rows.ts written by db/repositories/lakebase-checks.ts,
 * as the `lakebase_table` target does), for tests/conformance/test_publish_dqx.py to read back with
 * DQX's LakebaseChecksStorageHandler. Writes what happened and what was published as JSON.
 *
 *   npx tsx scripts/publish-lakebase-checks.ts <postgres-url> <schema.table> <run-config> <rule-set> <output.json>
 */
import { writeFileSync } from 'node:fs';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

import { currentDatabase, writeLakebaseChecks } from '../db/repositories/lakebase-checks';
import type { Database } from '../db/types';
import { ruleSetFingerprint, serializeChecks } from '../lib/dqx';
import { lakebaseChecksRows } from '../lib/publish/lakebase/lakebase-rows';

import { RULE_SETS } from './publish-rule-sets';

async function main() {
  const [url, table, runConfig, name, out] = process.argv.slice(2);
  if (!url || !table || !runConfig || !name || !out) {
    throw new Error('usage: publish-lakebase-checks.ts <postgres-url> <schema.table> <run-config> <rule-set> <output.json>');
  }
  const checks = RULE_SETS[name];
  if (!checks) throw new Error(`no rule set ${name}`);
  const [schema, tableName] = table.split('.') as [string, string];
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  try {
    const status = await writeLakebaseChecks(db, { schema, table: tableName }, lakebaseChecksRows(checks, runConfig));
    const location = `${await currentDatabase(db)}.${table}`;
    writeFileSync(out, JSON.stringify({ status, location, fingerprint: ruleSetFingerprint(checks), file_json: serializeChecks(checks, 'json') }));
    console.log(`${name}: ${status} to ${location}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
