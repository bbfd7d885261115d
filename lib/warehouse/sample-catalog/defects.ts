/**
 * The defects planted in the sample catalog `samples`: where each one is, how many rows have it
 * (exactly), the SQL predicate that finds those rows, and the DQX check that finds them too.
 *
 * This module is the single source of the counts: the generator plants exactly `count` rows per
 * defect, `docs/sample-data.md` is rendered from this list, and a test runs every `where` over the
 * generated data and compares with `count`. Counts do not depend on the size of the big table or on
 * the current date: dates "in the future" are after {@link FUTURE_AFTER}, and every other date in the
 * catalog is on or before {@link LATEST_VALID_DATE}.
 */

/** The last date any regular (non-defect) value in the catalog takes. */
export const LATEST_VALID_DATE = '2025-06-30';
/** Every planted "future" date or timestamp is after this fixed date. */
export const FUTURE_AFTER = '2030-01-01';

export type DefectKind =
  | 'null'
  | 'empty_string'
  | 'invalid_email'
  | 'negative_amount'
  | 'out_of_range'
  | 'future_date'
  | 'duplicate_key'
  | 'orphan_reference'
  | 'lower_case_code'
  | 'invalid_ip'
  | 'malformed_json'
  | 'html_or_script'
  | 'not_in_allowed_list';

/** A DQX check (metadata form) that flags exactly the defect's rows. */
export interface DqxCheck {
  function: string;
  arguments: Record<string, unknown>;
}

export interface PlantedDefect {
  /** Stable id, `<table>_<column>_<kind>`. */
  id: string;
  /** `schema.table` inside catalog `samples`. */
  table: string;
  column: string;
  kind: DefectKind;
  /** What a reader sees in the docs. */
  description: string;
  /** Exact number of rows the `where` predicate (and the DQX check) finds. */
  count: number;
  /**
   * DuckDB SQL predicate over the table's columns; the table is aliased `t` in
   * `SELECT count(*) FROM samples.<schema>.<table> AS t WHERE <where>`.
   */
  where: string;
  check: DqxCheck;
}

/** IPv4 as DQX's IPV4_ADDRESS pattern defines it: four octets 0-255 without leading zeros. */
const IPV4 = String.raw`(25[0-5]|2[0-4]\d|1\d{2}|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d{2}|[1-9]?\d)){3}`;
/**
 * DQX's EMAIL_ADDRESS pattern uses look-aheads, which DuckDB's RE2 lacks; this dot-atom form with
 * explicit length limits agrees with it on every value in the catalog (the invalid ones are
 * unambiguous: no `@`, nothing after `@`, no top-level domain, two `@`, a space).
 */
const EMAIL = String.raw`[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}`;
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const invalidEmail = (column: string) =>
  `${column} IS NOT NULL AND NOT (regexp_full_match(${column}, ${sqlString(EMAIL)}) AND length(${column}) <= 254 AND length(split_part(${column}, '@', 1)) <= 64)`;
const invalidIp = (column: string) =>
  `${column} IS NOT NULL AND NOT regexp_full_match(${column}, ${sqlString(IPV4)})`;
/** A tag-like `<...>` sequence; regular text in the catalog never contains `<`. */
export const HTML_TAG_REGEX = '<[A-Za-z/!][^>]*>';

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'returned'] as const;

function d(defect: PlantedDefect): PlantedDefect {
  return defect;
}

/** Every planted defect, keyed by id. The generator reads `count` from here. */
export const DEFECT = {
  customers_customer_id_duplicate: d({
    id: 'customers_customer_id_duplicate',
    table: 'sales.customers',
    column: 'customer_id',
    kind: 'duplicate_key',
    description:
      '12 customer ids appear twice (with different names and e-mails); every row of a duplicated id is counted',
    count: 24,
    where:
      'customer_id IN (SELECT customer_id FROM samples.sales.customers GROUP BY customer_id HAVING count(*) > 1)',
    check: { function: 'is_unique', arguments: { columns: ['customer_id'] } },
  }),
  customers_full_name_null: d({
    id: 'customers_full_name_null',
    table: 'sales.customers',
    column: 'full_name',
    kind: 'null',
    description: 'name missing (NULL)',
    count: 15,
    where: 'full_name IS NULL',
    check: { function: 'is_not_null', arguments: { column: 'full_name' } },
  }),
  customers_full_name_empty: d({
    id: 'customers_full_name_empty',
    table: 'sales.customers',
    column: 'full_name',
    kind: 'empty_string',
    description: "name is the empty string ''",
    count: 8,
    where: "full_name = ''",
    check: { function: 'is_not_empty', arguments: { column: 'full_name' } },
  }),
  customers_email_null: d({
    id: 'customers_email_null',
    table: 'sales.customers',
    column: 'email',
    kind: 'null',
    description: 'e-mail missing (NULL)',
    count: 40,
    where: 'email IS NULL',
    check: { function: 'is_not_null', arguments: { column: 'email' } },
  }),
  customers_email_invalid: d({
    id: 'customers_email_invalid',
    table: 'sales.customers',
    column: 'email',
    kind: 'invalid_email',
    description:
      "not an e-mail address: no '@' (`ada.lovelace12.example.com`), nothing after '@', no top-level domain (`x@example`), two '@', or a space",
    count: 25,
    where: invalidEmail('email'),
    check: { function: 'is_valid_email', arguments: { column: 'email' } },
  }),
  customers_country_code_lower: d({
    id: 'customers_country_code_lower',
    table: 'sales.customers',
    column: 'country_code',
    kind: 'lower_case_code',
    description: 'ISO country code in lower case (`de` instead of `DE`)',
    count: 30,
    where: 'country_code <> upper(country_code)',
    check: { function: 'has_valid_string_case', arguments: { column: 'country_code', case: 'upper' } },
  }),
  customers_signup_date_future: d({
    id: 'customers_signup_date_future',
    table: 'sales.customers',
    column: 'signup_date',
    kind: 'future_date',
    description: `sign-up date in the future (after ${FUTURE_AFTER})`,
    count: 7,
    where: `signup_date > DATE '${FUTURE_AFTER}'`,
    check: { function: 'is_not_in_future', arguments: { column: 'signup_date' } },
  }),
  customers_notes_html: d({
    id: 'customers_notes_html',
    table: 'sales.customers',
    column: 'notes',
    kind: 'html_or_script',
    description: 'text that looks like HTML or script, e.g. `<img src=x onerror=alert(1)>`',
    count: 4,
    where: `regexp_matches(notes, ${sqlString(HTML_TAG_REGEX)})`,
    check: { function: 'regex_match', arguments: { column: 'notes', regex: HTML_TAG_REGEX, negate: true } },
  }),
  products_unit_price_negative: d({
    id: 'products_unit_price_negative',
    table: 'sales.products',
    column: 'unit_price',
    kind: 'negative_amount',
    description: 'negative price',
    count: 4,
    where: 'unit_price < 0',
    check: { function: 'is_not_less_than', arguments: { column: 'unit_price', limit: 0 } },
  }),
  products_attributes_json: d({
    id: 'products_attributes_json',
    table: 'sales.products',
    column: 'attributes',
    kind: 'malformed_json',
    description:
      'JSON text that does not parse (missing brace, unquoted keys, single quotes, truncated, plain text)',
    count: 9,
    where: 'attributes IS NOT NULL AND NOT json_valid(attributes)',
    check: { function: 'is_valid_json', arguments: { column: 'attributes' } },
  }),
  orders_customer_id_orphan: d({
    id: 'orders_customer_id_orphan',
    table: 'sales.orders',
    column: 'customer_id',
    kind: 'orphan_reference',
    description: 'order of a customer that does not exist in `sales.customers`',
    count: 37,
    where:
      'customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM samples.sales.customers c WHERE c.customer_id = t.customer_id)',
    check: {
      function: 'foreign_key',
      arguments: {
        columns: ['customer_id'],
        ref_columns: ['customer_id'],
        ref_table: 'samples.sales.customers',
      },
    },
  }),
  orders_order_ts_future: d({
    id: 'orders_order_ts_future',
    table: 'sales.orders',
    column: 'order_ts',
    kind: 'future_date',
    description: `order time in the future (after ${FUTURE_AFTER})`,
    count: 11,
    where: `order_ts > TIMESTAMP '${FUTURE_AFTER} 00:00:00'`,
    check: { function: 'is_not_in_future', arguments: { column: 'order_ts' } },
  }),
  orders_status_not_in_list: d({
    id: 'orders_status_not_in_list',
    table: 'sales.orders',
    column: 'status',
    kind: 'not_in_allowed_list',
    description: `status outside ${ORDER_STATUSES.join(', ')} (\`unknown\`, \`PAID\`)`,
    count: 6,
    where: `status NOT IN (${ORDER_STATUSES.map(sqlString).join(', ')})`,
    check: { function: 'is_in_list', arguments: { column: 'status', allowed: ORDER_STATUSES.map(sqlString) } },
  }),
  orders_quantity_range: d({
    id: 'orders_quantity_range',
    table: 'sales.orders',
    column: 'quantity',
    kind: 'out_of_range',
    description: 'quantity outside 1..100 (0, or 1000 and more)',
    count: 14,
    where: 'quantity < 1 OR quantity > 100',
    check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 100 } },
  }),
  orders_amount_negative: d({
    id: 'orders_amount_negative',
    table: 'sales.orders',
    column: 'amount',
    kind: 'negative_amount',
    description: 'negative order amount',
    count: 23,
    where: 'amount < 0',
    check: { function: 'is_not_less_than', arguments: { column: 'amount', limit: 0 } },
  }),
  orders_amount_null: d({
    id: 'orders_amount_null',
    table: 'sales.orders',
    column: 'amount',
    kind: 'null',
    description: 'amount missing (NULL)',
    count: 17,
    where: 'amount IS NULL',
    check: { function: 'is_not_null', arguments: { column: 'amount' } },
  }),
  orders_discount_pct_range: d({
    id: 'orders_discount_pct_range',
    table: 'sales.orders',
    column: 'discount_pct',
    kind: 'out_of_range',
    description: 'discount percentage outside 0..100 (negative or above 100)',
    count: 9,
    where: 'discount_pct < 0 OR discount_pct > 100',
    check: { function: 'is_in_range', arguments: { column: 'discount_pct', min_limit: 0, max_limit: 100 } },
  }),
  events_ip_address_invalid: d({
    id: 'events_ip_address_invalid',
    table: 'web.events',
    column: 'ip_address',
    kind: 'invalid_ip',
    description: 'not an IPv4 address: an octet above 255, three or five octets, letters, a leading zero',
    count: 21,
    where: invalidIp('ip_address'),
    check: { function: 'is_valid_ipv4_address', arguments: { column: 'ip_address' } },
  }),
  events_payload_json: d({
    id: 'events_payload_json',
    table: 'web.events',
    column: 'payload',
    kind: 'malformed_json',
    description: 'JSON text that does not parse',
    count: 13,
    where: 'payload IS NOT NULL AND NOT json_valid(payload)',
    check: { function: 'is_valid_json', arguments: { column: 'payload' } },
  }),
  reviews_product_id_orphan: d({
    id: 'reviews_product_id_orphan',
    table: 'web.reviews',
    column: 'product_id',
    kind: 'orphan_reference',
    description: 'review of a product that does not exist in `sales.products`',
    count: 5,
    where:
      'product_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM samples.sales.products p WHERE p.product_id = t.product_id)',
    check: {
      function: 'foreign_key',
      arguments: {
        columns: ['product_id'],
        ref_columns: ['product_id'],
        ref_table: 'samples.sales.products',
      },
    },
  }),
  reviews_rating_range: d({
    id: 'reviews_rating_range',
    table: 'web.reviews',
    column: 'rating',
    kind: 'out_of_range',
    description: 'rating outside 1..5 (0, 6 or 10)',
    count: 6,
    where: 'rating < 1 OR rating > 5',
    check: { function: 'is_in_range', arguments: { column: 'rating', min_limit: 1, max_limit: 5 } },
  }),
  reviews_body_html: d({
    id: 'reviews_body_html',
    table: 'web.reviews',
    column: 'body',
    kind: 'html_or_script',
    description:
      'text that looks like HTML or script: `<script>alert(1)</script>` (the second row of the table), `<img src=x onerror=alert(1)>` and others',
    count: 6,
    where: `regexp_matches(body, ${sqlString(HTML_TAG_REGEX)})`,
    check: { function: 'regex_match', arguments: { column: 'body', regex: HTML_TAG_REGEX, negate: true } },
  }),
  devices_ip_address_invalid: d({
    id: 'devices_ip_address_invalid',
    table: 'iot.devices',
    column: 'ip_address',
    kind: 'invalid_ip',
    description: 'not an IPv4 address',
    count: 4,
    where: invalidIp('ip_address'),
    check: { function: 'is_valid_ipv4_address', arguments: { column: 'ip_address' } },
  }),
  sensor_readings_reading_ts_future: d({
    id: 'sensor_readings_reading_ts_future',
    table: 'iot.sensor_readings',
    column: 'reading_ts',
    kind: 'future_date',
    description: `reading time in the future (after ${FUTURE_AFTER})`,
    count: 5,
    where: `reading_ts > TIMESTAMP '${FUTURE_AFTER} 00:00:00'`,
    check: { function: 'is_not_in_future', arguments: { column: 'reading_ts' } },
  }),
  sensor_readings_temperature_range: d({
    id: 'sensor_readings_temperature_range',
    table: 'iot.sensor_readings',
    column: 'temperature_c',
    kind: 'out_of_range',
    description: 'temperature outside -50..60 °C (sensor errors such as 999.9 and -273.15)',
    count: 18,
    where: 'temperature_c < -50 OR temperature_c > 60',
    check: { function: 'is_in_range', arguments: { column: 'temperature_c', min_limit: -50, max_limit: 60 } },
  }),
  sensor_readings_humidity_null: d({
    id: 'sensor_readings_humidity_null',
    table: 'iot.sensor_readings',
    column: 'humidity_pct',
    kind: 'null',
    description: 'humidity missing (NULL)',
    count: 120,
    where: 'humidity_pct IS NULL',
    check: { function: 'is_not_null', arguments: { column: 'humidity_pct' } },
  }),
  employees_work_email_empty: d({
    id: 'employees_work_email_empty',
    table: 'hr.employees',
    column: 'work_email',
    kind: 'empty_string',
    description: "work e-mail is the empty string ''",
    count: 5,
    where: "work_email = ''",
    check: { function: 'is_not_empty', arguments: { column: 'work_email' } },
  }),
  employees_salary_range: d({
    id: 'employees_salary_range',
    table: 'hr.employees',
    column: 'salary',
    kind: 'out_of_range',
    description: 'salary outside 20,000..500,000 (typing errors such as 9,999,999.00 and 450.00)',
    count: 3,
    where: 'salary < 20000 OR salary > 500000',
    check: { function: 'is_in_range', arguments: { column: 'salary', min_limit: 20000, max_limit: 500000 } },
  }),
  employees_hire_date_future: d({
    id: 'employees_hire_date_future',
    table: 'hr.employees',
    column: 'hire_date',
    kind: 'future_date',
    description: `hire date in the future (after ${FUTURE_AFTER})`,
    count: 3,
    where: `hire_date > DATE '${FUTURE_AFTER}'`,
    check: { function: 'is_not_in_future', arguments: { column: 'hire_date' } },
  }),
  employees_country_code_lower: d({
    id: 'employees_country_code_lower',
    table: 'hr.employees',
    column: 'country_code',
    kind: 'lower_case_code',
    description: 'ISO country code in lower case',
    count: 6,
    where: 'country_code <> upper(country_code)',
    check: { function: 'has_valid_string_case', arguments: { column: 'country_code', case: 'upper' } },
  }),
} as const satisfies Record<string, PlantedDefect>;

export type DefectId = keyof typeof DEFECT;

export const DEFECTS: readonly PlantedDefect[] = Object.values(DEFECT);
