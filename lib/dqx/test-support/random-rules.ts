/**
 * Seeded random rule sets for property tests of the checks-file reader and writer: awkward
 * strings (YAML look-alikes, quotes, unicode, new lines), Python numbers JSON cannot carry,
 * Decimals, dates, nested lists and mappings.
 */
import type { DqxCheck } from '../model';
import { floatValue } from '../py-values';

export type Random = () => number;

/** mulberry32 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const AWKWARD = [
  'a',
  'customer_id',
  'Customer Name',
  '`weird``name`',
  "'ACTIVE'",
  '"quoted"',
  'yes',
  'No',
  'on',
  'null',
  '~',
  '',
  ' ',
  ' leading',
  'trailing ',
  '010',
  '0x1F',
  '1e5',
  '1.5',
  '-1',
  '.inf',
  '2024-01-01',
  '2024-01-01 10:00:00',
  '1:30',
  '<<',
  '=',
  'a: b',
  'a #b',
  '#comment',
  '- item',
  '? key',
  '[x]',
  '{y}',
  '@at',
  '`tick`',
  '%pct',
  '!tag',
  '&anchor',
  '*alias',
  '|pipe',
  '>fold',
  'line\nbreak',
  'two\n\nblank lines',
  'ends with newline\n',
  'tab\there',
  'back\\slash',
  'naïve café',
  '東京',
  '😀 emoji',
  '\u2028',
  '\u0085nel',
  'a > 1 AND b < 2',
  "col_a RLIKE '^\\d+$'",
  'x -- comment',
];

function randomString(rand: Random): string {
  if (rand() < 0.7) return pick(rand, AWKWARD);
  const alphabet = 'abcXYZ019 _-:#\'"\\\n\t{}[],&*!|>%@`éß東😀';
  const chars = [...alphabet];
  return Array.from({ length: Math.floor(rand() * 12) }, () => pick(rand, chars)).join('');
}

function randomNumber(rand: Random): unknown {
  switch (Math.floor(rand() * 9)) {
    case 0:
      return Math.floor(rand() * 2000) - 1000;
    case 1:
      return floatValue(Math.floor(rand() * 100));
    case 2:
      return floatValue((rand() - 0.5) * 1e6);
    case 3:
      return floatValue(pick(rand, [1e-7, 1e16, 1.5e300, 5e-324, -0, Infinity, -Infinity, NaN]));
    case 4:
      return { __int__: pick(rand, ['123456789012345678901', '-9007199254740993']) };
    case 5:
      return { __decimal__: pick(rand, ['1.50', '100', '-0.001', '3.14159265358979323846']) };
    case 6:
      return { __date__: pick(rand, ['2024-01-01', '1999-12-31', '0001-01-01']) };
    case 7:
      return {
        __datetime__: pick(rand, [
          '2024-01-01 10:00:00',
          '2024-01-01 10:00:00.500000',
          '2024-02-29 23:59:59+02:00',
        ]),
      };
    default:
      return pick(rand, [0, 1, 9007199254740991]);
  }
}

function randomValue(rand: Random, depth = 0): unknown {
  const r = rand();
  if (r < 0.35) return randomString(rand);
  if (r < 0.6) return randomNumber(rand);
  if (r < 0.7) return rand() < 0.5;
  if (r < 0.75) return null;
  if (depth > 2) return randomString(rand);
  if (r < 0.9) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(rand() * 3); i++) obj[randomKey(rand)] = randomValue(rand, depth + 1);
  return obj;
}

function randomKey(rand: Random): string {
  const key = randomString(rand);
  // marker keys have a meaning of their own
  return key.startsWith('__') ? 'k' + key : key || 'key';
}

const FUNCTIONS = [
  'is_not_null',
  'is_in_range',
  'is_in_list',
  'sql_expression',
  'regex_match',
  'custom_function',
  'is_unique',
];

export function randomCheck(rand: Random): DqxCheck {
  const args: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(rand() * 5); i++)
    args[rand() < 0.5 ? pick(rand, ['column', 'limit', 'allowed', 'regex', 'expression']) : randomKey(rand)] =
      randomValue(rand);
  const check: DqxCheck = { check: { function: pick(rand, FUNCTIONS) } };
  if (rand() < 0.8) check.check.arguments = args;
  if (rand() < 0.2)
    check.check.for_each_column = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
      rand() < 0.8 ? randomString(rand) : [randomString(rand)],
    );
  if (rand() < 0.5) check.name = randomString(rand);
  if (rand() < 0.5) check.criticality = rand() < 0.5 ? 'warn' : 'error';
  if (rand() < 0.3) check.filter = randomString(rand);
  if (rand() < 0.2) check.message_expr = randomString(rand);
  if (rand() < 0.3) {
    const meta: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(rand() * 3); i++) meta[randomKey(rand)] = randomValue(rand, 2);
    check.user_metadata = meta;
  }
  return check;
}

export function randomRuleSet(rand: Random): DqxCheck[] {
  return Array.from({ length: Math.floor(rand() * 5) }, () => randomCheck(rand));
}
