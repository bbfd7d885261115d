/**
 * A second table for `npm run bench:generation`, shaped unlike the sample catalog, so the quality
 * figures are not about one data set: a CSV a user might drop into the data folder, with skewed
 * and normal-shaped numbers, Title Case statuses with look-alikes, ISO alpha-3 country codes, a
 * fixed-shape postal code, UUID tokens, JSON preferences, and timestamps. Defects are planted on
 * known rows (by `person_id`), a few per kind, from a seeded generator: the same file every time.
 */
import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: a small seeded PRNG (the same rows on every machine). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PEOPLE_ROWS = 20_000;
export const PEOPLE_TABLE = 'local.default.people';

export interface PlantedPeopleDefect {
  kind: string;
  column: string;
  rows: number[];
}

export interface PeopleTable {
  file: string;
  defects: PlantedPeopleDefect[];
  /** DuckDB predicate over the table (alias t) that is true exactly on the planted rows. */
  plantedWhere: string;
}

const STATUSES = ['Active', 'Inactive', 'Pending', 'Suspended'];
const STATUS_WEIGHTS = [0.62, 0.25, 0.1, 0.03];
const COUNTRIES = [
  'DEU',
  'FRA',
  'NLD',
  'ESP',
  'ITA',
  'POL',
  'SWE',
  'AUT',
  'BEL',
  'PRT',
  'USA',
  'CAN',
  'GBR',
  'IRL',
  'DNK',
];
const FIRST = [
  'mia',
  'noah',
  'emma',
  'liam',
  'olivia',
  'lucas',
  'sofia',
  'elias',
  'ida',
  'jonas',
  'lea',
  'finn',
  'nora',
  'theo',
];
const DOMAINS = ['mail.test', 'post.example', 'inbox.example.org'];

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function uuid(rand: () => number): string {
  const hex = () => Math.floor(rand() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-${'89ab'[Math.floor(rand() * 4)]}${part(3)}-${part(12)}`;
}

const csv = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function writePeopleTable(dataDir: string): PeopleTable {
  const rand = prng(20250630);
  const n = PEOPLE_ROWS;
  // Each defect kind takes its own rows, chosen at random without repeats.
  const taken = new Set<number>();
  const pick = (count: number) => {
    const rows: number[] = [];
    while (rows.length < count) {
      const r = 1 + Math.floor(rand() * n);
      if (taken.has(r)) continue;
      taken.add(r);
      rows.push(r);
    }
    return rows;
  };
  const defects: PlantedPeopleDefect[] = [
    { kind: 'age_negative', column: 'age', rows: pick(8) },
    { kind: 'age_impossible', column: 'age', rows: pick(6) },
    { kind: 'income_negative', column: 'annual_income', rows: pick(5) },
    { kind: 'income_typo', column: 'annual_income', rows: pick(5) },
    { kind: 'email_invalid', column: 'email', rows: pick(20) },
    { kind: 'email_missing', column: 'email', rows: pick(30) },
    { kind: 'status_lookalike', column: 'status', rows: pick(24) },
    { kind: 'country_invalid', column: 'country', rows: pick(10) },
    { kind: 'postal_code_malformed', column: 'postal_code', rows: pick(12) },
    { kind: 'token_malformed', column: 'token', rows: pick(9) },
    { kind: 'prefs_json', column: 'preferences', rows: pick(11) },
    { kind: 'signup_future', column: 'signed_up_at', rows: pick(7) },
    { kind: 'signup_placeholder', column: 'signed_up_at', rows: pick(6) },
    { kind: 'score_outlier', column: 'risk_score', rows: pick(5) },
  ];
  const defectOf = new Map<number, string>();
  for (const d of defects) for (const r of d.rows) defectOf.set(r, d.kind);

  const lines = [
    'person_id,age,annual_income,email,status,country,postal_code,token,preferences,signed_up_at,risk_score,visits',
  ];
  const start = Date.UTC(2015, 0, 1);
  const end = Date.UTC(2025, 5, 30);
  for (let id = 1; id <= n; id++) {
    const kind = defectOf.get(id);
    const k = rand();
    let age: number = Math.round(Math.min(90, Math.max(18, 41 + 13 * normal(rand))));
    if (kind === 'age_negative') age = -1 - Math.floor(k * 9); // -1 .. -9 (the "age -5" case)
    if (kind === 'age_impossible') age = [150, 199, 999, 230, 180, 812][Math.floor(k * 6)]!;
    let income: number = Math.round(Math.exp(10.6 + 0.55 * normal(rand)) * 100) / 100;
    if (kind === 'income_negative') income = -Math.round(1000 + k * 50000);
    if (kind === 'income_typo') income = Math.round(income * 1000 * 100) / 100;
    const name = FIRST[Math.floor(rand() * FIRST.length)]!;
    let email: string | null = `${name}.${id}@${DOMAINS[Math.floor(rand() * DOMAINS.length)]}`;
    if (kind === 'email_invalid')
      email = [`${name}.${id}.mail.test`, `${name}@`, `${name} ${id}@mail.test`, `@mail.test`][
        Math.floor(k * 4)
      ]!;
    if (kind === 'email_missing') email = null;
    const r = rand();
    let acc = 0;
    let status = STATUSES[STATUSES.length - 1]!;
    for (let i = 0; i < STATUSES.length; i++) {
      acc += STATUS_WEIGHTS[i]!;
      if (r < acc) {
        status = STATUSES[i]!;
        break;
      }
    }
    if (kind === 'status_lookalike')
      status = ['active', 'ACTIVE', 'Active ', 'n/a', 'unknown', ''][Math.floor(k * 6)]!;
    let country = COUNTRIES[Math.floor(rand() * COUNTRIES.length)]!;
    if (kind === 'country_invalid') country = ['GER', 'UK', 'XXX', 'de', 'Germany'][Math.floor(k * 5)]!;
    let postal = String(10000 + Math.floor(rand() * 89999));
    if (kind === 'postal_code_malformed')
      postal = ['ABCDE', '1234', '12 345', '123456', 'N/A'][Math.floor(k * 5)]!;
    let token = uuid(rand);
    if (kind === 'token_malformed')
      token = [token.replaceAll('-', ''), token.slice(0, 30), `${token}x`, 'pending'][Math.floor(k * 4)]!;
    let prefs = `{"newsletter": ${rand() < 0.4 ? 'true' : 'false'}, "language": "${['de', 'fr', 'en', 'nl'][Math.floor(rand() * 4)]}"}`;
    if (kind === 'prefs_json')
      prefs = ['{"newsletter": true', "{'newsletter': true}", 'newsletter=true', '{"language": de}'][
        Math.floor(k * 4)
      ]!;
    let signed = new Date(start + Math.floor(rand() * (end - start)));
    if (kind === 'signup_future') signed = new Date(Date.UTC(2099, Math.floor(k * 12), 1, 12));
    if (kind === 'signup_placeholder') signed = new Date(Date.UTC(1900, 0, 1));
    const signedText = signed.toISOString().replace('T', ' ').slice(0, 19);
    // an exponential score (many small values, a long right tail) in 0..100
    let score: number = Math.round(Math.min(100, -12 * Math.log(Math.max(rand(), 1e-9))) * 10) / 10;
    if (kind === 'score_outlier') score = [-1, 1000, 250, -50, 9999][Math.floor(k * 5)]!;
    // a count with a smooth geometric tail: no defects planted here, it must not be flagged
    let visits = 0;
    while (rand() < 0.7 && visits < 200) visits++;
    lines.push(
      [id, age, income, email, status, country, postal, token, prefs, signedText, score, visits]
        .map((v) => csv(v as never))
        .join(','),
    );
  }
  const file = path.join(dataDir, 'people.csv');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const planted = [...defectOf.keys()].sort((a, b) => a - b);
  return { file, defects, plantedWhere: `person_id IN (${planted.join(', ')})` };
}
