/**
 * The benchmark table: 20 columns of the types DQX tables usually have (string, int, bigint,
 * decimal, double, boolean, date, timestamp) with realistic defects planted at known rates (nulls,
 * empty strings, malformed e-mails and IPs, negative amounts, out-of-range numbers, future dates,
 * unknown country and currency codes, duplicate keys...), and a small reference table of country
 * codes for the foreign-key rule.
 *
 * Every value is a function of the row number through DuckDB's `hash(i, k)`, so the same generator
 * version on the same DuckDB version always builds the same rows; the cache key includes both.
 */
import { quoteString } from '../../lib/sql/quote';

/** Bump when the generator changes: cached tables of another version are rebuilt. */
export const GENERATOR_VERSION = 1;

export const SCHEMA_NAME = 'bench';
export const TABLE_NAME = 'orders';
export const REF_TABLE_NAME = 'country_ref';

/** Spark types, as the engine's TableSchema wants them, in column order. */
export const COLUMNS: { name: string; type: string }[] = [
  { name: 'order_id', type: 'bigint' },
  { name: 'customer_id', type: 'int' },
  { name: 'customer_name', type: 'string' },
  { name: 'email', type: 'string' },
  { name: 'country_code', type: 'string' },
  { name: 'ip_address', type: 'string' },
  { name: 'amount', type: 'decimal(12,2)' },
  { name: 'quantity', type: 'int' },
  { name: 'unit_price', type: 'double' },
  { name: 'discount', type: 'double' },
  { name: 'is_active', type: 'boolean' },
  { name: 'order_date', type: 'date' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'shipped_date', type: 'date' },
  { name: 'status', type: 'string' },
  { name: 'product_sku', type: 'string' },
  { name: 'session_id', type: 'string' },
  { name: 'currency', type: 'string' },
  { name: 'rating', type: 'int' },
  { name: 'updated_at', type: 'timestamp' },
];

/** Valid ISO 3166-1 codes used by the rows; the reference table leaves the last two out. */
export const COUNTRIES = [
  'US',
  'GB',
  'DE',
  'FR',
  'IN',
  'JP',
  'BR',
  'CA',
  'AU',
  'NL',
  'ES',
  'IT',
  'SE',
  'MX',
  'ZA',
  'SG',
  'CH',
  'PL',
  'IE',
  'NZ',
];
export const REF_COUNTRIES = COUNTRIES.slice(0, COUNTRIES.length - 2);
const BAD_COUNTRIES = ['XX', 'usa', 'U1', 'UK', ''];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'INR', 'BRL', 'CAD', 'AUD', 'CHF', 'SEK'];
const BAD_CURRENCIES = ['US$', 'EURO', 'usd', 'eur'];
export const STATUSES = ['pending', 'shipped', 'delivered', 'cancelled', 'returned'];
const BAD_STATUSES = ['SHIPPED', 'unknown', 'in transit'];
const DOMAINS = ['example.com', 'mail.net', 'corp.org', 'shop.co.uk', 'data.io'];

/** The customer that places far more orders than any other (the aggregate rule's target). */
export const HEAVY_CUSTOMER = 42;

const lit = (s: string) => quoteString('duckdb', s);
const list = (xs: string[]) => `[${xs.map(lit).join(', ')}]`;
/** A pseudo-random 64-bit value of the row, one stream per k. */
const h = (k: number) => `hash(i, ${k})`;
/** Uniform in [0, 1) with a resolution of 1e-6. */
const u = (k: number) => `(CAST(${h(k)} % 1000000 AS DOUBLE) / 1000000)`;
/** An element of a constant list, chosen by stream k. */
const pick = (xs: string[], k: number) => `${list(xs)}[CAST(${h(k)} % ${xs.length} AS INTEGER) + 1]`;
const num = (k: number, n: number) => `CAST(${h(k)} % ${n} AS BIGINT)`;

/** `SELECT` producing the rows of the benchmark table from `range(rows)`. */
export function generatorSql(rows: number): string {
  const emailLocal = `'user' || ${num(10, 1_000_000)}`;
  const emailDomain = pick(DOMAINS, 13);
  const octet = (k: number) => `CAST(${num(k, 256)} AS VARCHAR)`;
  const ip = `CAST(1 + ${num(30, 223)} AS VARCHAR) || '.' || ${octet(31)} || '.' || ${octet(32)} || '.' || ${octet(33)}`;
  const skuLetter = (k: number) => `chr(CAST(65 + ${num(k, 26)} AS INTEGER))`;
  const sku = `${skuLetter(70)} || ${skuLetter(71)} || ${skuLetter(72)} || '-' || lpad(CAST(${num(73, 10000)} AS VARCHAR), 4, '0')`;
  const md5 = 'md5(CAST(i AS VARCHAR))';
  const uuid = `substr(${md5}, 1, 8) || '-' || substr(${md5}, 9, 4) || '-' || substr(${md5}, 13, 4) || '-' || substr(${md5}, 17, 4) || '-' || substr(${md5}, 21, 12)`;
  // the base day of the order (days after 2020-01-01) and its second of the day
  const day = `CAST(${num(50, 1800)} AS INTEGER)`;
  const baseTs = `(CAST(DATE '2020-01-01' + ${day} AS TIMESTAMP) + to_seconds(${num(51, 86400)}))`;

  const columns: [string, string][] = [
    // duplicate keys: a row repeats the key of the row before it
    ['order_id', `CAST(CASE WHEN i > 0 AND ${u(1)} < 0.0002 THEN i ELSE i + 1 END AS BIGINT)`],
    [
      'customer_id',
      `CAST(CASE WHEN ${u(2)} < 0.005 THEN NULL WHEN ${u(3)} < 0.0002 THEN ${HEAVY_CUSTOMER} ELSE 1 + ${num(4, 200000)} END AS INTEGER)`,
    ],
    [
      'customer_name',
      `CASE WHEN ${u(5)} < 0.003 THEN NULL WHEN ${u(5)} < 0.006 THEN '' ELSE 'Customer ' || CAST(1 + ${num(4, 200000)} AS VARCHAR) END`,
    ],
    [
      'email',
      `CASE WHEN ${u(11)} < 0.01 THEN NULL WHEN ${u(11)} < 0.015 THEN '' WHEN ${u(11)} < 0.035 THEN ` +
        // missing '@', doubled '@', space in the local part, no top-level domain, trailing dot
        `CASE ${num(12, 5)} WHEN 0 THEN ${emailLocal} || ${emailDomain} WHEN 1 THEN ${emailLocal} || '@@' || ${emailDomain} ` +
        `WHEN 2 THEN ${emailLocal} || ' x@' || ${emailDomain} WHEN 3 THEN ${emailLocal} || '@localhost' ELSE ${emailLocal} || '@' || ${emailDomain} || '.' END ` +
        `WHEN ${u(14)} < 0.05 THEN ${emailLocal} || '+tag@' || ${emailDomain} ELSE ${emailLocal} || '@' || ${emailDomain} END`,
    ],
    [
      'country_code',
      `CASE WHEN ${u(20)} < 0.005 THEN NULL WHEN ${u(20)} < 0.015 THEN ${pick(BAD_COUNTRIES, 21)} ELSE ${pick(COUNTRIES, 22)} END`,
    ],
    [
      'ip_address',
      `CASE WHEN ${u(34)} < 0.005 THEN NULL WHEN ${u(34)} < 0.015 THEN ` +
        `${list(['256.1.1.1', '10.0.0', '01.2.3.4', 'abc.def.ghi.jkl', '1.2.3.4.5', '192.168.1.300'])}[CAST(${num(35, 6)} AS INTEGER) + 1] ELSE ${ip} END`,
    ],
    [
      'amount',
      `CAST(CASE WHEN ${u(40)} < 0.002 THEN NULL WHEN ${u(40)} < 0.012 THEN -(${num(41, 100000)} / 100.0) ` +
        `WHEN ${u(40)} < 0.014 THEN 50000 + ${num(41, 100000)} / 100.0 ELSE ${num(41, 5000000)} / 100.0 END AS DECIMAL(12,2))`,
    ],
    [
      'quantity',
      `CAST(CASE WHEN ${u(42)} < 0.005 THEN [0, -1, 5000][CAST(${num(43, 3)} AS INTEGER) + 1] ELSE 1 + ${num(44, 100)} END AS INTEGER)`,
    ],
    [
      'unit_price',
      `CASE WHEN ${u(45)} < 0.001 THEN NULL WHEN ${u(45)} < 0.003 THEN CAST(25000 AS DOUBLE) ELSE round(0.5 + CAST(${num(46, 100000)} AS DOUBLE) / 100, 2) END`,
    ],
    [
      'discount',
      `CASE WHEN ${u(47)} < 0.003 THEN [1.5, -0.1][CAST(${num(48, 2)} AS INTEGER) + 1] ELSE CAST(${num(49, 50)} AS DOUBLE) / 100 END`,
    ],
    ['is_active', `CASE WHEN ${u(52)} < 0.01 THEN NULL ELSE ${num(53, 2)} = 0 END`],
    [
      'order_date',
      `CASE WHEN ${u(54)} < 0.001 THEN NULL WHEN ${u(54)} < 0.006 THEN DATE '2099-01-01' + CAST(${num(55, 100)} AS INTEGER) ELSE DATE '2020-01-01' + ${day} END`,
    ],
    [
      'created_at',
      `CASE WHEN ${u(56)} < 0.005 THEN TIMESTAMP '2098-06-01 00:00:00' + to_seconds(${num(57, 86400000)}) ELSE ${baseTs} END`,
    ],
    [
      'shipped_date',
      `CASE WHEN ${u(58)} < 0.05 THEN NULL WHEN ${u(58)} < 0.053 THEN DATE '2020-01-01' + ${day} - 3 ELSE DATE '2020-01-01' + ${day} + CAST(${num(59, 10)} AS INTEGER) END`,
    ],
    [
      'status',
      `CASE WHEN ${u(60)} < 0.002 THEN NULL WHEN ${u(60)} < 0.004 THEN '' WHEN ${u(60)} < 0.009 THEN ${pick(BAD_STATUSES, 61)} ELSE ${pick(STATUSES, 62)} END`,
    ],
    [
      'product_sku',
      `CASE WHEN ${u(74)} < 0.005 THEN ${list(['abc-1234', 'AB-1234', 'ABCD-123', 'ABC1234'])}[CAST(${num(75, 4)} AS INTEGER) + 1] ELSE ${sku} END`,
    ],
    [
      'session_id',
      `CASE WHEN ${u(80)} < 0.01 THEN NULL WHEN ${u(80)} < 0.015 THEN ` +
        `CASE ${num(81, 3)} WHEN 0 THEN 'n/a' WHEN 1 THEN substr(${uuid}, 1, 30) ELSE replace(${uuid}, '-', '') END ELSE ${uuid} END`,
    ],
    [
      'currency',
      `CASE WHEN ${u(82)} < 0.003 THEN ${pick(BAD_CURRENCIES, 83)} ELSE ${pick(CURRENCIES, 84)} END`,
    ],
    [
      'rating',
      `CAST(CASE WHEN ${u(85)} < 0.02 THEN NULL WHEN ${u(85)} < 0.022 THEN [0, 6, 10][CAST(${num(86, 3)} AS INTEGER) + 1] ELSE 1 + ${num(87, 5)} END AS INTEGER)`,
    ],
    [
      'updated_at',
      `CASE WHEN ${u(88)} < 0.003 THEN ${baseTs} - INTERVAL 1 HOUR ELSE ${baseTs} + to_seconds(${num(89, 30 * 86400)}) END`,
    ],
  ];
  return `SELECT ${columns.map(([name, e]) => `${e} AS ${name}`).join(',\n  ')}\nFROM (SELECT range AS i FROM range(${rows})) AS g`;
}

export function referenceSql(): string {
  return `SELECT unnest(${list(REF_COUNTRIES)}) AS code`;
}
