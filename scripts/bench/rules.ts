/**
 * The benchmark's rule set, in DQX's metadata form: 25 row-level rules of mixed kinds over the
 * benchmark table (null and emptiness checks, DQX's pattern checks, a user regex, ISO code lists,
 * ranges and limits on every numeric type, dates in the future, SQL expressions, one rule with a
 * filter), and 3 dataset-level rules (a unique key, an aggregate per group, a foreign key to a
 * reference table).
 */
import type { DqxCheck } from '../../lib/dqx';

import { REF_TABLE_NAME, SCHEMA_NAME, STATUSES } from './table';

type Args = Record<string, unknown>;
const rule = (
  criticality: 'error' | 'warn',
  fn: string,
  args: Args,
  extra: Partial<DqxCheck> = {},
): DqxCheck => ({ criticality, check: { function: fn, arguments: args }, ...extra });

/** The reference table as both DuckDB (schema.table in the bench database) and Spark name it. */
export const REF_TABLE = `${SCHEMA_NAME}.${REF_TABLE_NAME}`;

export const ROW_RULES: DqxCheck[] = [
  rule('error', 'is_not_null', { column: 'order_id' }),
  rule('error', 'is_not_null', { column: 'customer_id' }),
  rule('warn', 'is_not_null_and_not_empty', { column: 'customer_name' }),
  rule('error', 'is_not_null_and_not_empty', { column: 'email' }),
  rule('error', 'is_valid_email', { column: 'email' }),
  rule('error', 'is_valid_country_code', { column: 'country_code' }),
  rule('warn', 'is_valid_ipv4_address', { column: 'ip_address' }),
  rule('error', 'is_not_less_than', { column: 'amount', limit: 0 }),
  rule('warn', 'is_not_greater_than', { column: 'amount', limit: 50000 }),
  rule('error', 'is_in_range', { column: 'quantity', min_limit: 1, max_limit: 1000 }),
  rule('warn', 'is_in_range', { column: 'unit_price', min_limit: 0.01, max_limit: 10000 }),
  rule('error', 'is_in_range', { column: 'discount', min_limit: 0, max_limit: 1 }),
  rule('warn', 'is_not_null', { column: 'is_active' }),
  rule('error', 'is_not_null', { column: 'order_date' }),
  rule('error', 'is_not_in_future', { column: 'order_date' }),
  rule('error', 'is_not_in_future', { column: 'created_at' }),
  rule('error', 'sql_expression', {
    expression: 'shipped_date IS NULL OR order_date IS NULL OR shipped_date >= order_date',
    msg: 'shipped before it was ordered',
    name: 'shipped_before_ordered',
  }),
  rule(
    'error',
    'is_not_null',
    { column: 'shipped_date' },
    { name: 'shipped_without_date', filter: "status IN ('shipped', 'delivered')" },
  ),
  // DQX reads bare strings in the list as column expressions: literals are quoted
  rule('error', 'is_in_list', { column: 'status', allowed: STATUSES.map((s) => `'${s}'`) }),
  rule('warn', 'is_not_null_and_not_empty', { column: 'status' }),
  rule('error', 'regex_match', { column: 'product_sku', regex: '^[A-Z]{3}-\\d{4}$' }),
  rule('warn', 'is_valid_uuid', { column: 'session_id' }),
  rule('error', 'is_valid_currency_code', { column: 'currency' }),
  rule('warn', 'is_in_range', { column: 'rating', min_limit: 1, max_limit: 5 }),
  rule('warn', 'sql_expression', {
    expression: 'updated_at >= created_at',
    msg: 'updated before it was created',
    name: 'updated_before_created',
  }),
];

export const DATASET_RULES: DqxCheck[] = [
  rule('error', 'is_unique', { columns: ['order_id'] }),
  rule('warn', 'is_aggr_not_greater_than', {
    column: '*',
    aggr_type: 'count',
    group_by: ['customer_id'],
    limit: 200,
  }),
  rule('error', 'foreign_key', { columns: ['country_code'], ref_columns: ['code'], ref_table: REF_TABLE }),
];
