/**
 * Publishing a rule set into DQX's checks table, the same steps in both dialects (the Unity Catalog
 * table through the caller's warehouse, the local DuckDB file): create the table when missing; when
 * its latest batch for the run config is already this rule set, nothing; when an older batch is
 * (a rollback), delete that batch; then append the rule set as one new batch.
 *
 * Known limit, as in DQX: a rule-set fingerprint does not cover `user_metadata` and `message_expr`,
 * so a version that changes only those counts as already published.
 */
import { checksTableRows } from '@/lib/dqx/checks-table';
import type { Dialect } from '@/lib/sql/quote';

import { countChecksBatch, createChecksTable, deleteChecksBatch, insertChecksBatch, latestChecksBatch, type ParamStatement, type TablePath } from './checks-table-sql';
import type { PublishRequest } from './port';

/** Runs one statement; answers its rows (first column first). */
export type Execute = (statement: ParamStatement) => Promise<unknown[][]>;

export async function writeChecksTable(
  execute: Execute,
  dialect: Dialect,
  table: TablePath,
  request: PublishRequest,
): Promise<'published' | 'unchanged'> {
  const runConfig = request.tableName;
  const rows = checksTableRows(request.checks, runConfig);
  await execute(createChecksTable(dialect, table));
  const latest = await execute(latestChecksBatch(dialect, table, runConfig));
  if (latest[0]?.[0] === request.fingerprint) return 'unchanged';
  const stored = await execute(countChecksBatch(dialect, table, runConfig, request.fingerprint));
  if (Number(stored[0]?.[0] ?? 0) > 0) await execute(deleteChecksBatch(dialect, table, runConfig, request.fingerprint));
  await execute(insertChecksBatch(dialect, table, rows, new Date().toISOString().replace('T', ' ').replace('Z', '')));
  return 'published';
}
