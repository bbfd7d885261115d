/**
 * The tables of the sample catalog `samples`: columns, comments, row counts, and the DuckDB SQL that
 * generates each one.
 *
 * Everything is deterministic. Regular values come from an integer hash of the row number (a macro
 * `h(i, salt)` defined by the builder, so nothing depends on DuckDB's own `hash()` or `random()`).
 * Defects are placed with a permutation: for a table of n rows, `(i * p + salt) % n` with p prime
 * and larger than any n is a bijection of 0..n-1, so "rank < k" holds for exactly k rows, scattered
 * through the table, whatever n is. Each defect takes its own band of ranks, so the counts in
 * `defects.ts` are planted exactly, and regular values are generated so that they never fall into a
 * defect's definition (dates end on LATEST_VALID_DATE, amounts are positive, text has no `<`, ...).
 */
import { DEFECT, LATEST_VALID_DATE, ORDER_STATUSES, type DefectId } from './defects';

/** Bump when the generated data changes: the catalog file is rebuilt on the next start. */
export const SAMPLE_CATALOG_VERSION = 2;
export const SAMPLE_CATALOG_NAME = 'samples';
export const SAMPLE_CATALOG_COMMENT =
  'Generated sample data with known, documented defects (see docs/sample-data.md). Read-only.';

export interface SampleColumn {
  name: string;
  /** Spark SQL type, as the app reports it. */
  type: string;
  comment: string;
}

/** Rows `from <= i < to` of a table (0-based row numbers). */
export interface RowRange {
  from: number;
  to: number;
}

export interface SampleTable {
  schema: string;
  name: string;
  comment: string;
  /** Row count given the configured size of the big table. */
  rows: (bigRows: number) => number;
  /** True for the table whose size is DQX_SAMPLE_BIG_ROWS. */
  big?: boolean;
  columns: SampleColumn[];
  /**
   * A SELECT over `range(n) t(i)` that yields the columns in order. With `part`, only the rows
   * `from <= i < to` of the same n-row table (the big table is written in parts, to report progress).
   */
  select: (rows: number, part?: RowRange) => string;
}

export const SAMPLE_SCHEMAS: { name: string; comment: string }[] = [
  { name: 'sales', comment: 'Customers, products and orders of a fictional online shop.' },
  { name: 'web', comment: 'Click-stream events, product reviews and marketing campaigns of the shop.' },
  { name: 'iot', comment: 'Sensors in the warehouses: devices and their readings.' },
  { name: 'hr', comment: 'Employees of the shop.' },
];

// ---------------------------------------------------------------------------------------------
// SQL building blocks

/**
 * Primes larger than any table (DQX_SAMPLE_BIG_ROWS is at most 50 million), so i -> (i * p + s) mod n
 * is a permutation of 0..n-1 for every n. Each defective column takes its own prime: with one
 * multiplier for all, two salts would only shift the same order and the bands would coincide.
 */
const PRIMES = [
  2147483647n,
  2147483629n,
  2147483587n,
  2147483579n,
  2147483563n,
  2147483549n,
  2147483543n,
  2147483497n,
  2147483489n,
  2147483477n,
  2147483423n,
  2147483399n,
] as const;

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const list = (items: readonly (string | number)[]) =>
  `[${items.map((v) => (typeof v === 'number' ? String(v) : lit(v))).join(', ')}]`;
/** A value from `items` chosen by hash. */
const pick = (items: readonly (string | number)[], salt: number) =>
  `(${list(items)})[1 + h(i, ${salt}) % ${items.length}]`;
/** A value from `items` chosen by an index expression. */
const nth = (items: readonly (string | number)[], index: string) =>
  `(${list(items)})[1 + (${index}) % ${items.length}]`;

function mod(a: bigint, n: bigint): bigint {
  return ((a % n) + n) % n;
}

/**
 * The rank of row i among the first n rows in permutation `stream` (0..11), or -1 for rows beyond
 * n, which stay clean. `salt` shifts the ranks (see {@link saltPlacing}).
 */
function rank(n: number, stream: number, salt = stream * 7919): string {
  const prime = PRIMES[stream % PRIMES.length]!;
  const s = mod(BigInt(salt), BigInt(n));
  return `(CASE WHEN i < ${n} THEN (i * ${prime} + ${s}) % ${n} ELSE -1 END)`;
}

/** The salt that gives row `row` the rank `target` in permutation `stream`. */
function saltPlacing(n: number, stream: number, row: number, target: number): number {
  return Number(mod(BigInt(target) - BigInt(row) * PRIMES[stream % PRIMES.length]!, BigInt(n)));
}

interface Band {
  /** SQL condition: this row carries the defect. */
  when: string;
  /** SQL expression: 0-based index of the row within the band (picks a variant). */
  index: string;
}

/** Consecutive bands of ranks, one per defect, sized by the defect counts. */
function bands(rankSql: string, ids: DefectId[]): Band[] {
  let start = 0;
  return ids.map((id) => {
    const count = DEFECT[id].count;
    const band = {
      when: `(${rankSql} >= ${start} AND ${rankSql} < ${start + count})`,
      index: `(${rankSql} - ${start})`,
    };
    start += count;
    return band;
  });
}

const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
/** Days from `from` to LATEST_VALID_DATE inclusive. */
const daysUntilLatest = (from: string) => dayNumber(LATEST_VALID_DATE) - dayNumber(from) + 1;
/** A date between `from` and LATEST_VALID_DATE. */
const dateUpToLatest = (from: string, salt: number) =>
  `(DATE '${from}' + CAST(h(i, ${salt}) % ${daysUntilLatest(from)} AS INTEGER))`;
/** A timestamp (whole seconds) between `from` 00:00:00 and LATEST_VALID_DATE 23:59:59. */
const timestampUpToLatest = (from: string, salt: number) =>
  `(TIMESTAMP '${from} 00:00:00' + to_seconds(h(i, ${salt}) % ${daysUntilLatest(from) * 86_400}))`;

// ---------------------------------------------------------------------------------------------
// Vocabulary (ASCII only, no '<', so regular values never look like a defect)

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Radia',
  'Tim',
  'Hedy',
  'John',
  'Katherine',
  'Dennis',
  'Sophie',
  'Niklaus',
  'Anita',
  'Guido',
  'Lena',
  'Mateo',
  'Yuki',
  'Amara',
  'Omar',
  'Ingrid',
  'Chen',
  'Priya',
  'Lucas',
  'Fatima',
  'Noah',
  'Elena',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Perlman',
  'Berners',
  'Lamarr',
  'McCarthy',
  'Johnson',
  'Ritchie',
  'Wilson',
  'Wirth',
  'Borg',
  'Rossum',
  'Meyer',
  'Garcia',
  'Tanaka',
  'Okafor',
  'Haddad',
  'Larsen',
  'Wei',
  'Sharma',
  'Silva',
  'Khan',
  'Novak',
  'Rossi',
];
const COUNTRIES = [
  'DE',
  'FR',
  'GB',
  'US',
  'NL',
  'ES',
  'IT',
  'SE',
  'PL',
  'BE',
  'CH',
  'AT',
  'DK',
  'IE',
  'PT',
  'CA',
];
const CITIES = [
  'Berlin',
  'Paris',
  'London',
  'Boston',
  'Utrecht',
  'Madrid',
  'Milan',
  'Malmo',
  'Krakow',
  'Ghent',
  'Basel',
  'Graz',
];
const STREETS = [
  'Main Street',
  'Station Road',
  'Park Lane',
  'Mill Way',
  'Church Street',
  'Harbour Road',
  'Elm Avenue',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.de'];
const CUSTOMER_NOTES = [
  'Prefers contact by e-mail',
  'Asked for paper invoices',
  'Loyal customer since 2021',
  'Moved to a new address',
  'Call before delivery',
  'Interested in the B2B programme',
];
const HTML_NOTES = [
  '<img src=x onerror=alert(1)>',
  '<b>Urgent</b> call back',
  '<a href="javascript:alert(1)">see profile</a>',
  '<iframe src="https://evil.example"></iframe>',
];
const HTML_REVIEWS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'Great lamp, <b>really</b> bright',
  '<svg onload=alert(1)>',
  '</textarea><script>alert(document.cookie)</script>',
  '<div style="color:red">Broke after a week</div>',
];
const REVIEW_BODIES = [
  'Exactly as described, fast delivery.',
  'Good value for the price.',
  'Stopped working after two months.',
  'The colour is slightly different from the photo.',
  'Would buy again.',
  'Packaging was damaged but the item was fine.',
  'Instructions were hard to follow.',
  'Excellent quality & finish.',
];
const REVIEW_TITLES = ['Love it', 'Not bad', 'Disappointed', 'Works fine', 'Five stars', 'Could be better'];
const MALFORMED_JSON = [
  '{"color": "red", "size": "M"',
  '{color: "red"}',
  "{'color': 'red'}",
  '{"color": "red", "size": ',
  'color=red;size=M',
  '{"color": "red" "size": "M"}',
  '[1, 2',
  '{"color": red}',
  'undefined',
];
const ADJECTIVES = [
  'Compact',
  'Classic',
  'Smart',
  'Wooden',
  'Solar',
  'Foldable',
  'Wireless',
  'Ceramic',
  'Steel',
  'Cosy',
];
const NOUNS = ['Lamp', 'Chair', 'Kettle', 'Speaker', 'Backpack', 'Desk', 'Blanket', 'Mug', 'Clock', 'Shelf'];
const CATEGORIES = ['home', 'kitchen', 'office', 'outdoor', 'electronics'];
const COLORS = ['red', 'blue', 'green', 'black', 'white', 'oak'];
const SIZES = ['S', 'M', 'L', 'XL'];
const CUSTOMER_TAGS = ['newsletter', 'vip', 'b2b', 'churn_risk', 'referral'];
const SKILLS = ['sql', 'python', 'spark', 'excel', 'negotiation', 'forklift', 'design', 'support'];
const DEPARTMENTS = ['Sales', 'Logistics', 'Finance', 'IT', 'Customer Service', 'Marketing'];

// ---------------------------------------------------------------------------------------------
// Tables

const CUSTOMERS = 5000;
const CUSTOMER_DUPLICATES = DEFECT.customers_customer_id_duplicate.count / 2;
const PRODUCTS = 400;

const octet = (salt: number) => `CAST(h(i, ${salt}) % 256 AS VARCHAR)`;
const octet1 = (salt: number) => `CAST(1 + h(i, ${salt}) % 223 AS VARCHAR)`;
/** Not an IPv4 address, five ways. */
const invalidIp = (index: string) => `CASE (${index}) % 5
      WHEN 0 THEN '256.' || ${octet(71)} || '.' || ${octet(72)} || '.' || ${octet(73)}
      WHEN 1 THEN ${octet1(70)} || '.' || ${octet(71)} || '.' || ${octet(72)}
      WHEN 2 THEN ${octet1(70)} || '.' || ${octet(71)} || '.' || ${octet(72)} || '.' || ${octet(73)} || '.' || ${octet(74)}
      WHEN 3 THEN 'abc.' || ${octet(71)} || '.' || ${octet(72)} || '.1'
      ELSE ${octet1(70)} || '.' || ${octet(71)} || '.0' || CAST(1 + h(i, 72) % 99 AS VARCHAR) || '.' || ${octet(73)} END`;
const firstName = (salt: number) => pick(FIRST, salt);
const lastName = (salt: number) => pick(LAST, salt);

function customersSelect(): string {
  const n = CUSTOMERS;
  const [nameNull, nameEmpty] = bands(rank(n, 0), ['customers_full_name_null', 'customers_full_name_empty']);
  const [emailNull, emailInvalid] = bands(rank(n, 1), ['customers_email_null', 'customers_email_invalid']);
  const [countryLower] = bands(rank(n, 2), ['customers_country_code_lower']);
  const [signupFuture] = bands(rank(n, 3), ['customers_signup_date_future']);
  const [notesHtml] = bands(rank(n, 4), ['customers_notes_html']);
  const first = 'lower(' + firstName(1) + ')';
  const last = 'lower(' + lastName(2) + ')';
  const num = 'CAST(i + 1 AS VARCHAR)';
  return `SELECT
    CAST(CASE WHEN i < ${n} THEN i + 1 ELSE (i - ${n}) * 401 + 18 END AS BIGINT),
    CASE WHEN ${nameNull!.when} THEN NULL WHEN ${nameEmpty!.when} THEN '' ELSE ${firstName(1)} || ' ' || ${lastName(2)} END,
    CASE WHEN ${emailNull!.when} THEN NULL
      WHEN ${emailInvalid!.when} THEN CASE (${emailInvalid!.index}) % 5
        WHEN 0 THEN ${first} || '.' || ${last} || ${num} || '.example.com'
        WHEN 1 THEN ${first} || ${num} || '@'
        WHEN 2 THEN ${first} || ${num} || '@example'
        WHEN 3 THEN ${first} || ${num} || '@@example.com'
        ELSE ${first} || ' ' || ${last} || '@example.com' END
      ELSE ${first} || '.' || ${last} || ${num} || '@' || ${pick(DOMAINS, 3)} END,
    CASE WHEN ${countryLower!.when} THEN lower(${pick(COUNTRIES, 4)}) ELSE ${pick(COUNTRIES, 4)} END,
    {'street': CAST(1 + h(i, 5) % 180 AS VARCHAR) || ' ' || ${pick(STREETS, 6)},
     'postal_code': lpad(CAST(1000 + h(i, 7) % 89000 AS VARCHAR), 5, '0'),
     'city': ${pick(CITIES, 8)}},
    CASE WHEN ${signupFuture!.when} THEN DATE '2031-01-01' + CAST(${signupFuture!.index} * 97 AS INTEGER)
      ELSE ${dateUpToLatest('2019-01-01', 9)} END,
    ${pick(['consumer', 'small_business', 'enterprise'], 10)},
    h(i, 12) % 10 <> 0,
    CAST((h(i, 13) % 2500000) / 100.0 AS DECIMAL(12,2)),
    list_filter(${list(CUSTOMER_TAGS)}, (x, j) -> h(i, 20 + j) % 4 = 0),
    CASE WHEN ${notesHtml!.when} THEN ${nth(HTML_NOTES, notesHtml!.index)}
      WHEN h(i, 14) % 3 = 0 THEN NULL ELSE ${pick(CUSTOMER_NOTES, 15)} END
  FROM range(${n + CUSTOMER_DUPLICATES}) t(i)`;
}

function productsSelect(): string {
  const n = PRODUCTS;
  const [negative] = bands(rank(n, 0), ['products_unit_price_negative']);
  const [json] = bands(rank(n, 1), ['products_attributes_json']);
  return `SELECT
    CAST(i + 1 AS INTEGER),
    'SKU-' || lpad(CAST(i + 1 AS VARCHAR), 6, '0'),
    ${pick(ADJECTIVES, 1)} || ' ' || ${pick(NOUNS, 2)},
    ${pick(CATEGORIES, 3)},
    CAST(CASE WHEN ${negative!.when} THEN -((h(i, 4) % 5000) + 100) / 100.0 ELSE ((h(i, 4) % 50000) + 100) / 100.0 END AS DECIMAL(10,2)),
    round(((h(i, 5) % 25000) + 50) / 1000.0, 3),
    CASE WHEN ${json!.when} THEN ${nth(MALFORMED_JSON, json!.index)}
      ELSE '{"color": "' || ${pick(COLORS, 6)} || '", "size": "' || ${pick(SIZES, 7)} || '", "warranty_years": ' || CAST(h(i, 8) % 4 AS VARCHAR) || '}' END,
    ${dateUpToLatest('2018-01-01', 9)},
    h(i, 10) % 8 = 0
  FROM range(${n}) t(i)`;
}

function ordersSelect(n: number, part?: RowRange): string {
  const [orphan] = bands(rank(n, 0), ['orders_customer_id_orphan']);
  const [future] = bands(rank(n, 1), ['orders_order_ts_future']);
  const [status] = bands(rank(n, 2), ['orders_status_not_in_list']);
  const [quantity] = bands(rank(n, 3), ['orders_quantity_range']);
  const [negative, missing] = bands(rank(n, 4), ['orders_amount_negative', 'orders_amount_null']);
  const [discount] = bands(rank(n, 5), ['orders_discount_pct_range']);
  return `SELECT
    CAST(i + 1 AS BIGINT),
    CAST(CASE WHEN ${orphan!.when} THEN 900001 + ${orphan!.index} ELSE 1 + h(i, 1) % ${CUSTOMERS} END AS BIGINT),
    CASE WHEN ${future!.when} THEN TIMESTAMP '2031-03-01 12:00:00' + to_days(CAST(${future!.index} * 37 AS INTEGER))
      ELSE ${timestampUpToLatest('2023-01-01', 2)} END,
    CASE WHEN ${status!.when} THEN ${nth(['unknown', 'PAID'], status!.index)} ELSE ${pick(ORDER_STATUSES, 3)} END,
    CAST(CASE WHEN ${quantity!.when} THEN CASE WHEN ${quantity!.index} % 2 = 0 THEN 0 ELSE 1000 + ${quantity!.index} END
      ELSE 1 + h(i, 4) % 20 END AS INTEGER),
    CAST(CASE WHEN ${negative!.when} THEN -((h(i, 5) % 20000) + 100) / 100.0
      WHEN ${missing!.when} THEN NULL
      ELSE ((h(i, 5) % 50000) + 100) / 100.0 END AS DECIMAL(12,2)),
    CASE WHEN ${discount!.when} THEN CASE WHEN ${discount!.index} % 2 = 0 THEN -5.0 - ${discount!.index} ELSE 150.0 + ${discount!.index} END
      ELSE round((h(i, 6) % 5001) / 100.0, 2) END,
    ${pick(['EUR', 'USD', 'GBP'], 7)},
    ${pick(['web', 'mobile', 'store', 'marketplace'], 8)},
    {'method': ${pick(['standard', 'express', 'pickup'], 9)}, 'cost': CAST((h(i, 10) % 2000) / 100.0 AS DECIMAL(8,2))},
    ([${[40, 41, 42, 43].map((salt) => `'SKU-' || lpad(CAST(1 + h(i, ${salt}) % ${PRODUCTS} AS VARCHAR), 6, '0')`).join(', ')}])[1:1 + h(i, 11) % 4],
    h(i, 12) % 10 = 0
  FROM range(${part ? `${part.from}, ${part.to}` : n}) t(i)`;
}

function eventsSelect(n: number): string {
  const [ip] = bands(rank(n, 0), ['events_ip_address_invalid']);
  const [json] = bands(rank(n, 1), ['events_payload_json']);
  const m = `md5('event-' || CAST(i AS VARCHAR))`;
  return `SELECT
    substr(${m}, 1, 8) || '-' || substr(${m}, 9, 4) || '-4' || substr(${m}, 14, 3) || '-a' || substr(${m}, 18, 3) || '-' || substr(${m}, 21, 12),
    'sess-' || lpad(CAST(i // 6 + 1 AS VARCHAR), 6, '0'),
    CAST(CASE WHEN h(i, 1) % 4 = 0 THEN NULL ELSE 1 + h(i, 2) % ${CUSTOMERS} END AS BIGINT),
    ${pick(['page_view', 'page_view', 'search', 'add_to_cart', 'checkout', 'login'], 3)},
    ${timestampUpToLatest('2025-01-01', 4)},
    'https://shop.example.com/' || ${pick(['', 'products/lamp', 'cart', 'checkout', 'search?q=desk', 'account'], 5)},
    CASE WHEN ${ip!.when} THEN ${invalidIp(ip!.index)}
      ELSE ${octet1(70)} || '.' || ${octet(71)} || '.' || ${octet(72)} || '.' || CAST(1 + h(i, 73) % 254 AS VARCHAR) END,
    ${pick(['Mozilla/5.0 (Windows NT 10.0)', 'Mozilla/5.0 (Macintosh)', 'Mozilla/5.0 (iPhone)', 'Mozilla/5.0 (Linux; Android 14)'], 6)},
    CASE WHEN ${json!.when} THEN ${nth(MALFORMED_JSON, json!.index)}
      ELSE '{"referrer": "' || ${pick(['google', 'newsletter', 'direct', 'partner'], 7)} || '", "items": ' || CAST(h(i, 8) % 5 AS VARCHAR) || ', "ab_test": "' || ${pick(['A', 'B'], 9)} || '"}' END,
    CAST(h(i, 10) % 600000 AS BIGINT)
  FROM range(${n}) t(i)`;
}

/** Row 1 (the second row) of reviews carries the first HTML variant, `<script>alert(1)</script>`. */
export const REVIEWS_SCRIPT_ROW = 1;

function reviewsSelect(n: number): string {
  const [orphan] = bands(rank(n, 0), ['reviews_product_id_orphan']);
  const [rating] = bands(rank(n, 1), ['reviews_rating_range']);
  const [html] = bands(rank(n, 2, saltPlacing(n, 2, REVIEWS_SCRIPT_ROW, 0)), ['reviews_body_html']);
  return `SELECT
    CAST(i + 1 AS INTEGER),
    CAST(CASE WHEN ${orphan!.when} THEN 9001 + ${orphan!.index} ELSE 1 + h(i, 1) % ${PRODUCTS} END AS INTEGER),
    CAST(1 + h(i, 2) % ${CUSTOMERS} AS BIGINT),
    CAST(CASE WHEN ${rating!.when} THEN ${nth([0, 6, 10], rating!.index)} ELSE 1 + h(i, 3) % 5 END AS INTEGER),
    ${pick(REVIEW_TITLES, 4)},
    CASE WHEN ${html!.when} THEN ${nth(HTML_REVIEWS, html!.index)} ELSE ${pick(REVIEW_BODIES, 5)} END,
    ${timestampUpToLatest('2024-01-01', 6)},
    h(i, 7) % 5 <> 0,
    CAST(h(i, 8) % 50 AS INTEGER)
  FROM range(${n}) t(i)`;
}

function campaignsSelect(n: number): string {
  return `SELECT
    CAST(i + 1 AS INTEGER),
    ${pick(['Spring', 'Summer', 'Autumn', 'Winter', 'Flash', 'Loyalty'], 1)} || ' campaign ' || CAST(i + 1 AS VARCHAR),
    ${pick(['email', 'search', 'social', 'display'], 2)},
    CAST(((h(i, 3) % 1000000) + 50000) / 100.0 AS DECIMAL(12,2)),
    DATE '2024-01-01' + CAST(i * 14 AS INTEGER),
    DATE '2024-01-01' + CAST(i * 14 + 30 AS INTEGER),
    list_filter(${list(COUNTRIES)}, (x, j) -> h(i, 10 + j) % 5 = 0),
    '{"daily_cap": ' || CAST(100 + h(i, 4) % 900 AS VARCHAR) || ', "bid_strategy": "' || ${pick(['manual', 'target_cpa', 'max_clicks'], 5)} || '"}'
  FROM range(${n}) t(i)`;
}

function devicesSelect(n: number): string {
  const [ip] = bands(rank(n, 0), ['devices_ip_address_invalid']);
  return `SELECT
    'dev-' || lpad(CAST(i + 1 AS VARCHAR), 4, '0'),
    ${pick(['TH-100', 'TH-200', 'AQ-5', 'AQ-7X'], 1)},
    ${pick(COUNTRIES, 2)},
    ${dateUpToLatest('2021-01-01', 3)},
    CASE WHEN ${ip!.when} THEN ${invalidIp(ip!.index)}
      ELSE '10.' || ${octet(71)} || '.' || ${octet(72)} || '.' || CAST(1 + h(i, 73) % 254 AS VARCHAR) END,
    '2.' || CAST(h(i, 4) % 5 AS VARCHAR) || '.' || CAST(h(i, 5) % 10 AS VARCHAR),
    '{"interval_s": ' || CAST(${nth([30, 60, 300], 'h(i, 6)')} AS VARCHAR) || ', "unit": "celsius"}'
  FROM range(${n}) t(i)`;
}

function readingsSelect(n: number): string {
  const [future] = bands(rank(n, 0), ['sensor_readings_reading_ts_future']);
  const [temperature] = bands(rank(n, 1), ['sensor_readings_temperature_range']);
  const [humidity] = bands(rank(n, 2), ['sensor_readings_humidity_null']);
  return `SELECT
    CAST(i + 1 AS BIGINT),
    'dev-' || lpad(CAST(1 + h(i, 1) % 300 AS VARCHAR), 4, '0'),
    CASE WHEN ${future!.when} THEN TIMESTAMP '2032-01-01 06:00:00' + to_days(CAST(${future!.index} * 11 AS INTEGER))
      ELSE ${timestampUpToLatest('2025-01-01', 2)} END,
    CASE WHEN ${temperature!.when} THEN ${nth([999.9, -273.15, 85.5, -60.0], temperature!.index)}
      ELSE round(-10 + (h(i, 3) % 5000) / 100.0, 2) END,
    CASE WHEN ${humidity!.when} THEN NULL ELSE round(20 + (h(i, 4) % 7000) / 100.0, 2) END,
    CAST((300 + h(i, 5) % 121) / 100.0 AS DECIMAL(4,2)),
    {'lat': round(47 + (h(i, 6) % 6000) / 1000.0, 4), 'lon': round(5 + (h(i, 7) % 10000) / 1000.0, 4)},
    MAP {'unit': 'celsius', 'zone': ${pick(['A', 'B', 'C'], 8)}},
    h(i, 9) % 50 = 0
  FROM range(${n}) t(i)`;
}

function employeesSelect(n: number): string {
  const [email] = bands(rank(n, 0), ['employees_work_email_empty']);
  const [salary] = bands(rank(n, 1), ['employees_salary_range']);
  const [hire] = bands(rank(n, 2), ['employees_hire_date_future']);
  const [country] = bands(rank(n, 3), ['employees_country_code_lower']);
  return `SELECT
    CAST(i + 1 AS INTEGER),
    ${firstName(1)} || ' ' || ${lastName(2)},
    CASE WHEN ${email!.when} THEN '' ELSE lower(${firstName(1)}) || '.' || lower(${lastName(2)}) || CAST(i + 1 AS VARCHAR) || '@corp.example.com' END,
    ${pick(DEPARTMENTS, 3)},
    CAST(CASE WHEN i < 8 THEN NULL ELSE 1 + h(i, 4) % i END AS INTEGER),
    CAST(CASE WHEN ${salary!.when} THEN ${nth([9999999.0, 450.0, 12.0], salary!.index)}
      ELSE 30000 + (h(i, 5) % 15000000) / 100.0 END AS DECIMAL(10,2)),
    CASE WHEN ${hire!.when} THEN DATE '2031-09-01' + CAST(${hire!.index} * 30 AS INTEGER) ELSE ${dateUpToLatest('2010-01-01', 6)} END,
    h(i, 7) % 3 = 0,
    list_filter(${list(SKILLS)}, (x, j) -> h(i, 30 + j) % 4 = 0),
    CASE WHEN ${country!.when} THEN lower(${pick(COUNTRIES, 8)}) ELSE ${pick(COUNTRIES, 8)} END
  FROM range(${n}) t(i)`;
}

export const SAMPLE_TABLES: SampleTable[] = [
  {
    schema: 'sales',
    name: 'customers',
    comment: 'Customers of the shop, one row per customer (but see the duplicated ids).',
    rows: () => CUSTOMERS + CUSTOMER_DUPLICATES,
    columns: [
      { name: 'customer_id', type: 'bigint', comment: 'Customer key; meant to be unique.' },
      { name: 'full_name', type: 'string', comment: 'First and last name.' },
      { name: 'email', type: 'string', comment: 'Contact e-mail address.' },
      { name: 'country_code', type: 'string', comment: 'ISO 3166-1 alpha-2 country code, upper case.' },
      {
        name: 'address',
        type: 'struct<street:string,postal_code:string,city:string>',
        comment: 'Postal address.',
      },
      { name: 'signup_date', type: 'date', comment: 'Day the customer signed up.' },
      { name: 'segment', type: 'string', comment: 'consumer, small_business or enterprise.' },
      { name: 'is_active', type: 'boolean', comment: 'Whether the account is active.' },
      { name: 'lifetime_value', type: 'decimal(12,2)', comment: 'Total spent, in EUR.' },
      { name: 'tags', type: 'array<string>', comment: 'Marketing tags.' },
      { name: 'notes', type: 'string', comment: 'Free-text notes by customer service; often empty.' },
    ],
    select: customersSelect,
  },
  {
    schema: 'sales',
    name: 'products',
    comment: 'Product catalogue.',
    rows: () => PRODUCTS,
    columns: [
      { name: 'product_id', type: 'int', comment: 'Product key.' },
      { name: 'sku', type: 'string', comment: 'Stock keeping unit, SKU-000001 and so on.' },
      { name: 'name', type: 'string', comment: 'Product name.' },
      { name: 'category', type: 'string', comment: 'Product category.' },
      { name: 'unit_price', type: 'decimal(10,2)', comment: 'List price in EUR; never negative.' },
      { name: 'weight_kg', type: 'double', comment: 'Shipping weight in kilograms.' },
      { name: 'attributes', type: 'string', comment: 'JSON object with colour, size and warranty.' },
      { name: 'launched_on', type: 'date', comment: 'Day the product went on sale.' },
      { name: 'discontinued', type: 'boolean', comment: 'No longer sold.' },
    ],
    select: productsSelect,
  },
  {
    schema: 'sales',
    name: 'orders',
    comment: 'Orders, one row per order. Its size is DQX_SAMPLE_BIG_ROWS (1,000,000 by default).',
    rows: (bigRows) => bigRows,
    big: true,
    columns: [
      { name: 'order_id', type: 'bigint', comment: 'Order key.' },
      { name: 'customer_id', type: 'bigint', comment: 'The customer (sales.customers.customer_id).' },
      { name: 'order_ts', type: 'timestamp', comment: 'When the order was placed.' },
      { name: 'status', type: 'string', comment: `One of ${ORDER_STATUSES.join(', ')}.` },
      { name: 'quantity', type: 'int', comment: 'Number of items, 1 to 100.' },
      { name: 'amount', type: 'decimal(12,2)', comment: 'Order total in the order currency.' },
      { name: 'discount_pct', type: 'double', comment: 'Discount in percent, 0 to 100.' },
      { name: 'currency', type: 'string', comment: 'ISO 4217 currency code.' },
      { name: 'channel', type: 'string', comment: 'Sales channel.' },
      {
        name: 'shipping',
        type: 'struct<method:string,cost:decimal(8,2)>',
        comment: 'Shipping method and cost.',
      },
      { name: 'item_skus', type: 'array<string>', comment: 'SKUs of the ordered products.' },
      { name: 'is_gift', type: 'boolean', comment: 'Gift wrapping requested.' },
    ],
    select: ordersSelect,
  },
  {
    schema: 'web',
    name: 'events',
    comment: 'Click-stream events from the web shop.',
    rows: () => 20_000,
    columns: [
      { name: 'event_id', type: 'string', comment: 'Event key (UUID text).' },
      { name: 'session_id', type: 'string', comment: 'Browser session.' },
      { name: 'customer_id', type: 'bigint', comment: 'Signed-in customer; NULL for anonymous visitors.' },
      { name: 'event_type', type: 'string', comment: 'page_view, search, add_to_cart, checkout or login.' },
      { name: 'event_ts', type: 'timestamp', comment: 'When the event happened.' },
      { name: 'page_url', type: 'string', comment: 'Page the event happened on.' },
      { name: 'ip_address', type: 'string', comment: 'Client IPv4 address.' },
      { name: 'user_agent', type: 'string', comment: 'Browser user agent.' },
      { name: 'payload', type: 'string', comment: 'Event details as a JSON object.' },
      { name: 'duration_ms', type: 'bigint', comment: 'Time on page in milliseconds.' },
    ],
    select: eventsSelect,
  },
  {
    schema: 'web',
    name: 'reviews',
    comment: 'Product reviews written by customers; free text, shown as text.',
    rows: () => 2_000,
    columns: [
      { name: 'review_id', type: 'int', comment: 'Review key.' },
      { name: 'product_id', type: 'int', comment: 'The product (sales.products.product_id).' },
      { name: 'customer_id', type: 'bigint', comment: 'The author (sales.customers.customer_id).' },
      { name: 'rating', type: 'int', comment: 'Stars, 1 to 5.' },
      { name: 'title', type: 'string', comment: 'Review title.' },
      { name: 'body', type: 'string', comment: 'Review text as the customer typed it.' },
      { name: 'created_at', type: 'timestamp', comment: 'When the review was posted.' },
      { name: 'verified_purchase', type: 'boolean', comment: 'The author bought the product.' },
      { name: 'helpful_votes', type: 'int', comment: 'Votes from other customers.' },
    ],
    select: reviewsSelect,
  },
  {
    schema: 'web',
    name: 'campaigns',
    comment: 'Marketing campaigns. A clean table: no planted defects.',
    rows: () => 24,
    columns: [
      { name: 'campaign_id', type: 'int', comment: 'Campaign key.' },
      { name: 'name', type: 'string', comment: 'Campaign name.' },
      { name: 'channel', type: 'string', comment: 'email, search, social or display.' },
      { name: 'budget', type: 'decimal(12,2)', comment: 'Budget in EUR.' },
      { name: 'start_date', type: 'date', comment: 'First day.' },
      { name: 'end_date', type: 'date', comment: 'Last day.' },
      { name: 'target_countries', type: 'array<string>', comment: 'ISO country codes targeted.' },
      { name: 'settings', type: 'string', comment: 'Bidding settings as JSON.' },
    ],
    select: campaignsSelect,
  },
  {
    schema: 'iot',
    name: 'devices',
    comment: 'Temperature and humidity sensors installed in the warehouses.',
    rows: () => 300,
    columns: [
      { name: 'device_id', type: 'string', comment: 'Device key, dev-0001 and so on.' },
      { name: 'model', type: 'string', comment: 'Hardware model.' },
      { name: 'site_country', type: 'string', comment: 'Country of the warehouse (ISO alpha-2).' },
      { name: 'installed_on', type: 'date', comment: 'Installation day.' },
      { name: 'ip_address', type: 'string', comment: 'IPv4 address in the site network.' },
      { name: 'firmware', type: 'string', comment: 'Firmware version.' },
      { name: 'config', type: 'string', comment: 'Device configuration as JSON.' },
    ],
    select: devicesSelect,
  },
  {
    schema: 'iot',
    name: 'sensor_readings',
    comment: 'Readings reported by the sensors.',
    rows: () => 50_000,
    columns: [
      { name: 'reading_id', type: 'bigint', comment: 'Reading key.' },
      { name: 'device_id', type: 'string', comment: 'The device (iot.devices.device_id).' },
      { name: 'reading_ts', type: 'timestamp', comment: 'When the reading was taken.' },
      {
        name: 'temperature_c',
        type: 'double',
        comment: 'Temperature in degrees Celsius, plausible from -50 to 60.',
      },
      { name: 'humidity_pct', type: 'double', comment: 'Relative humidity in percent.' },
      { name: 'battery_v', type: 'decimal(4,2)', comment: 'Battery voltage.' },
      { name: 'location', type: 'struct<lat:double,lon:double>', comment: 'Position of the device.' },
      { name: 'labels', type: 'map<string,string>', comment: 'Free-form labels (unit, zone).' },
      { name: 'alarm', type: 'boolean', comment: 'The device raised an alarm.' },
    ],
    select: readingsSelect,
  },
  {
    schema: 'hr',
    name: 'employees',
    comment: 'Employees of the shop.',
    rows: () => 800,
    columns: [
      { name: 'employee_id', type: 'int', comment: 'Employee key.' },
      { name: 'full_name', type: 'string', comment: 'First and last name.' },
      { name: 'work_email', type: 'string', comment: 'Company e-mail address.' },
      { name: 'department', type: 'string', comment: 'Department.' },
      { name: 'manager_id', type: 'int', comment: 'The manager (employee_id); NULL for the board.' },
      { name: 'salary', type: 'decimal(10,2)', comment: 'Yearly salary in EUR, 20,000 to 500,000.' },
      { name: 'hire_date', type: 'date', comment: 'First working day.' },
      { name: 'is_remote', type: 'boolean', comment: 'Works remotely.' },
      { name: 'skills', type: 'array<string>', comment: 'Skills on file.' },
      { name: 'country_code', type: 'string', comment: 'Country of employment (ISO alpha-2, upper case).' },
    ],
    select: employeesSelect,
  },
];

/** The file holding a built catalog; its name changes with the generator version and the big table's size. */
export function sampleCatalogFileName(bigRows: number): string {
  return `samples-v${SAMPLE_CATALOG_VERSION}-r${bigRows}.duckdb`;
}

/**
 * The file holding every table but the big one: attached while the whole catalog is built in the
 * background, so the app answers at once (see lib/warehouse/duckdb/engine.ts).
 */
export function smallSampleCatalogFileName(): string {
  return `samples-v${SAMPLE_CATALOG_VERSION}-small.duckdb`;
}

/** From this many rows on, the big table is built in the background on first start (see duckdb/engine.ts). */
export const BACKGROUND_BUILD_MIN_ROWS = 200_000;

/** The table whose size is DQX_SAMPLE_BIG_ROWS. */
export const BIG_SAMPLE_TABLE: SampleTable = SAMPLE_TABLES.find((t) => t.big)!;

// ---------------------------------------------------------------------------------------------
// Spark type strings -> DuckDB DDL types (for the few shapes the catalog uses)

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

export function duckdbTypeOf(spark: string): string {
  const t = spark.trim();
  const simple: Record<string, string> = {
    string: 'VARCHAR',
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  };
  if (simple[t]) return simple[t];
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const inner = (prefix: string) => t.slice(prefix.length, -1);
  if (t.startsWith('array<') && t.endsWith('>')) return `${duckdbTypeOf(inner('array<'))}[]`;
  if (t.startsWith('map<') && t.endsWith('>')) {
    const [k, v] = splitTopLevel(inner('map<'));
    return `MAP(${duckdbTypeOf(k!)}, ${duckdbTypeOf(v!)})`;
  }
  if (t.startsWith('struct<') && t.endsWith('>')) {
    const fields = splitTopLevel(inner('struct<')).map((field) => {
      const colon = field.indexOf(':');
      return `"${field.slice(0, colon)}" ${duckdbTypeOf(field.slice(colon + 1))}`;
    });
    return `STRUCT(${fields.join(', ')})`;
  }
  throw new Error(`No DuckDB type for Spark type '${spark}'`);
}
