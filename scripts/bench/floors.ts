/**
 * The two floors the engine is measured against, written by hand for DuckDB (nothing here comes
 * from the compiler):
 *
 * - `scanFloorSql`: one aggregate that reads every column of the table and nothing more;
 * - `predicateFloorSql`: the least a query must do to get the failing count of each of the 25
 *   rules: one count per rule over a single scan, each predicate written directly, in the fastest
 *   DuckDB form found for it (count_if rather than FILTER, a hash join for long IN lists).
 *
 * and the expected failing counts of the 3 dataset-level rules, also by hand, to check the engine
 * once it evaluates them (not a floor, never timed against).
 *
 * The predicates say what DQX 0.17.0's checks say (null handling included); the regular
 * expressions are RE2 forms of DQX's patterns (`DQPattern`), and the ISO code lists are the data
 * file the engine ships (lib/dqx/data), i.e. facts rather than engine code.
 */
import isoCodes from '../../lib/dqx/data/iso-codes.json';
import { quoteIdent, quoteString } from '../../lib/sql/quote';

import { REF_SQL, TABLE_SQL } from './database';
import { COLUMNS, STATUSES } from './table';

const lit = (s: string) => quoteString('duckdb', s);
const id = (s: string) => quoteIdent('duckdb', s);

export function scanFloorSql(): string {
  return `SELECT count(*) AS total, ${COLUMNS.map((c) => `count(${id(c.name)}) AS ${id(`n_${c.name}`)}`).join(', ')} FROM ${TABLE_SQL}`;
}

// DQX's IPV4_ADDRESS: four decimal octets 0-255 without leading zeros.
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const IPV4 = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
// DQX's EMAIL_ADDRESS: dot-atom or quoted local part, a domain of labels with an alphabetic
// top-level label or an address literal; at most 254 characters, at most 64 before the first '@'.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL = `(${ATEXT}+(\\.${ATEXT}+)*|"([\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\x09\\x20-\\x7E])*")`;
const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = `((${LABEL}\\.)+[A-Za-z]{2,63}|\\[(${IPV4}|IPv6:[A-Fa-f0-9:]+)\\])`;
const EMAIL = `${LOCAL}@${DOMAIN}`;
export const UUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
// regex_match '^[A-Z]{3}-\d{4}$' is Java's find(): '$' also matches before a final line terminator.
export const SKU = '^[A-Z]{3}-[0-9]{4}(\\r\\n|[\\n\\r\\x{85}\\x{2028}\\x{2029}])?$';

/** Membership in a long constant list: DuckDB runs `IN (SELECT unnest(list))` as a hash (mark) join,
 * the fastest of the forms tried (IN (a, b, ...) is a chain of comparisons; list_contains scans). */
const notIn = (column: string, xs: readonly string[]) =>
  `${column} NOT IN (SELECT unnest([${xs.map(lit).join(', ')}]))`;

/** Rule name -> failing-row predicate (TRUE fails; NULL passes, as in DQX). In ROW_RULES order. */
export const FLOOR_PREDICATES: [string, string][] = [
  ['order_id_is_null', 'order_id IS NULL'],
  ['customer_id_is_null', 'customer_id IS NULL'],
  ['customer_name_is_null_or_empty', "customer_name IS NULL OR customer_name = ''"],
  ['email_is_null_or_empty', "email IS NULL OR email = ''"],
  [
    'email_does_not_match_pattern_email_address',
    `NOT (length(email) <= 254 AND instr(email, '@') BETWEEN 2 AND 65 AND regexp_full_match(email, ${lit(EMAIL)}))`,
  ],
  ['country_code_is_not_a_valid_country_code', notIn('country_code', isoCodes.iso3166_1_alpha2)],
  ['ip_address_does_not_match_pattern_ipv4_address', `NOT regexp_full_match(ip_address, ${lit(IPV4)})`],
  ['amount_less_than_limit', 'amount < 0'],
  ['amount_greater_than_limit', 'amount > 50000'],
  ['quantity_not_in_range', 'quantity < 1 OR quantity > 1000'],
  ['unit_price_not_in_range', 'unit_price < 0.01 OR unit_price > 10000'],
  ['discount_not_in_range', 'discount < 0 OR discount > 1'],
  ['is_active_is_null', 'is_active IS NULL'],
  ['order_date_is_null', 'order_date IS NULL'],
  ['order_date_in_future', 'order_date > CAST(current_timestamp AS DATE)'],
  ['created_at_in_future', "created_at > date_trunc('second', CAST(current_timestamp AS TIMESTAMP))"],
  ['shipped_before_ordered', 'shipped_date < order_date'],
  ['shipped_without_date', "status IN ('shipped', 'delivered') AND shipped_date IS NULL"],
  ['status_is_not_in_the_list', `status NOT IN (${STATUSES.map(lit).join(', ')})`],
  ['status_is_null_or_empty', "status IS NULL OR status = ''"],
  // GLOB first: it accepts a subset of the pattern's language and is about twice as fast as RE2 here
  [
    'product_sku_not_matching_regex',
    `NOT (CASE WHEN product_sku GLOB '[A-Z][A-Z][A-Z]-[0-9][0-9][0-9][0-9]' THEN TRUE ELSE regexp_matches(product_sku, ${lit(SKU)}) END)`,
  ],
  ['session_id_does_not_match_pattern_uuid', `NOT regexp_full_match(session_id, ${lit(UUID)})`],
  ['currency_is_not_a_valid_currency_code', notIn('currency', isoCodes.iso4217_alphabetic)],
  ['rating_not_in_range', 'rating < 1 OR rating > 5'],
  ['updated_before_created', 'updated_at < created_at'],
];

/** The 4 rules whose predicate is a regular expression (ROW_RULES indexes): email, IPv4, SKU, UUID. */
export const REGEX_RULES: ReadonlySet<number> = new Set([4, 6, 20, 21]);

/** The hand-written count of each rule's failing rows in one scan; `predicates` default: all 25. */
export function predicateFloorSql(predicates: [string, string][] = FLOOR_PREDICATES): string {
  // count_if: cheaper in DuckDB than count(*) FILTER (WHERE ...) over many aggregates
  const counts = predicates.map(([name, p]) => `count_if(${p}) AS ${id(name)}`);
  return `SELECT count(*) AS total, ${counts.join(',\n  ')}\nFROM ${TABLE_SQL}`;
}

/** The floor of the 21 rules without a regular expression. */
export const NON_REGEX_PREDICATES = FLOOR_PREDICATES.filter((_, i) => !REGEX_RULES.has(i));

/**
 * The floors of the 3 dataset rules (DATASET_RULES order): the cheapest hand-written query found
 * for each failing count, each one statement over `source`. is_unique: the rows of the keys that
 * occur more than once (a grouped count of the non-NULL keys); is_aggr_not_greater_than with
 * count per customer: the rows of the groups over the limit (a grouped count, NULL customers one
 * group as in DQX); foreign_key: the non-NULL codes without a match in the reference table (an
 * anti-join).
 */
export function datasetFloorSqls(source: string, aggrLimit: number): { fn: string; sql: string }[] {
  return [
    {
      fn: 'is_unique',
      sql: `SELECT coalesce(sum(n), 0) AS failing FROM (SELECT count(*) AS n FROM ${source} WHERE order_id IS NOT NULL GROUP BY order_id HAVING count(*) > 1)`,
    },
    {
      fn: 'is_aggr_not_greater_than',
      sql: `SELECT coalesce(sum(n), 0) AS failing FROM (SELECT count(*) AS n FROM ${source} GROUP BY customer_id HAVING count(*) > ${aggrLimit})`,
    },
    {
      fn: 'foreign_key',
      sql: `SELECT count(*) AS failing FROM ${source} AS t WHERE country_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${REF_SQL} AS r WHERE r.code = t.country_code)`,
    },
  ];
}

/** Failing rows of the 3 dataset rules as DQX defines them (not a floor: a cross-check). */
export function datasetExpectedSql(source: string, aggrLimit: number): string {
  return `WITH k AS (
  SELECT order_id, country_code,
    CASE WHEN order_id IS NOT NULL THEN count(order_id) OVER (PARTITION BY order_id) END AS dup,
    count(*) OVER (PARTITION BY customer_id) AS per_customer
  FROM ${source} AS t
)
SELECT
  count(*) FILTER (WHERE dup > 1) AS order_id_is_not_unique,
  count(*) FILTER (WHERE per_customer > ${aggrLimit}) AS aggr,
  count(*) FILTER (WHERE country_code IS NOT NULL AND country_code NOT IN (SELECT code FROM ${REF_SQL})) AS fk
FROM k`;
}
