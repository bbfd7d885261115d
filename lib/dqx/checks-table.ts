/**
 * A rule set as the rows of DQX's checks table (`TableChecksStorageConfig`, and the Lakebase checks
 * table, which has the same columns): one row per check as saved (a `for_each_column` check stays
 * one compact row), every row of one save sharing `run_config_name`, `created_at` and
 * `rule_set_fingerprint`. As DQX 0.17.0 writes it:
 *
 * - `name`: the check's name, or the name DQX derives for an unnamed check; a `for_each_column`
 *   check keeps the name it was given (null when none);
 * - `check.arguments` and `user_metadata`: each value as Python's `json.dumps` writes it (key order
 *   kept, `", "` and `": "` separators, non-ASCII escaped), after DQX's normalisation: dates become
 *   their text, decimals `{"__decimal__": "..."}`;
 * - `check.for_each_column`: the list given, or an empty list;
 * - `rule_fingerprint`: the fingerprint of the rule (compact form for `for_each_column`);
 *   `rule_set_fingerprint`: the fingerprint of the whole set.
 *
 * `DQEngine.load_checks` reads the latest batch of a `run_config_name` back into exactly these checks.
 * Pure: `created_at` is left to the writer (the warehouse's clock, so batches order by it).
 */
import { expandChecks, ruleSetFingerprint, storedRuleFingerprint, type ExpandOptions } from './fingerprint';
import type { DqxCheck } from './model';
import { pyJsonDumps } from './py-values';

/** The table's columns, in DQX's order, with their Spark SQL types. */
export const CHECKS_TABLE_COLUMNS = [
  ['name', 'STRING'],
  ['criticality', 'STRING'],
  ['check', 'STRUCT<function: STRING, for_each_column: ARRAY<STRING>, arguments: MAP<STRING, STRING>>'],
  ['filter', 'STRING'],
  ['run_config_name', 'STRING'],
  ['user_metadata', 'MAP<STRING, STRING>'],
  ['message_expr', 'STRING'],
  ['created_at', 'TIMESTAMP'],
  ['rule_fingerprint', 'STRING'],
  ['rule_set_fingerprint', 'STRING'],
] as const;

export interface ChecksTableRow {
  name: string | null;
  criticality: string;
  check: { function: string; for_each_column: string[]; arguments: Record<string, string> };
  filter: string | null;
  run_config_name: string;
  user_metadata: Record<string, string> | null;
  message_expr: string | null;
  rule_fingerprint: string;
  rule_set_fingerprint: string;
}

export class ChecksTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChecksTableError';
  }
}

const encodeValues = (values: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, pyJsonDumps(v, false)]));

/**
 * The rows DQX's `save_checks` writes for `checks` under `runConfigName`. Refused (ChecksTableError)
 * when a check cannot be stored in the table's schema: `for_each_column` entries that are column
 * lists (the column is ARRAY<STRING>).
 */
export function checksTableRows(checks: DqxCheck[], runConfigName: string, options: ExpandOptions = {}): ChecksTableRow[] {
  const setFingerprint = ruleSetFingerprint(checks, options);
  return checks.map((check, index) => {
    const forEach = check.check.for_each_column ?? [];
    if (forEach.some((c) => typeof c !== 'string')) {
      throw new ChecksTableError(
        `Check ${index + 1} (${check.name ?? check.check.function}) lists column groups in for_each_column, which DQX's checks table cannot hold (the column is ARRAY<STRING>).`,
      );
    }
    const compact = forEach.length > 0;
    const name = compact ? (check.name ?? null) : expandChecks([check], options)[0]!.name;
    return {
      name,
      criticality: check.criticality ?? 'error',
      check: {
        function: check.check.function,
        for_each_column: forEach as string[],
        arguments: encodeValues(check.check.arguments ?? {}),
      },
      filter: check.filter ?? null,
      run_config_name: runConfigName,
      user_metadata: check.user_metadata === undefined ? null : encodeValues(check.user_metadata),
      message_expr: check.message_expr ?? null,
      rule_fingerprint: storedRuleFingerprint(check, options),
      rule_set_fingerprint: setFingerprint,
    };
  });
}
