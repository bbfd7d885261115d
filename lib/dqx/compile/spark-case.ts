/**
 * Spark's `upper(x)` and `lower(x)` in DuckDB SQL. Spark calls Java's full case mapping, which
 * differs from DuckDB's for a few hundred code points (java-case-table.ts: 'ß' → 'SS', 'ﬁ' → 'FI',
 * 'İ' → 'i̇', ...) and lower-cases a final capital sigma to 'ς'. A string without any of those
 * characters takes DuckDB's own function; the others are mapped character by character.
 */
import { quoteString } from '@/lib/sql/quote';

import { JAVA_LOWER, JAVA_UPPER } from './java-case-table';

type Table = readonly (readonly [number, readonly number[]])[];

const SIGMA = 0x03a3;

/** An RE2 character class of the table's code points (plus extra ones). */
function gateClass(table: Table, extra: number[] = []): string {
  const points = [...table.map(([cp]) => cp), ...extra].sort((a, b) => a - b);
  return `[${points.map((cp) => `\\x{${cp.toString(16)}}`).join('')}]`;
}

function mapLiteral(table: Table): string {
  const entries = table.map(
    ([cp, to]) =>
      `${quoteString('duckdb', String.fromCodePoint(cp))}: ${quoteString('duckdb', String.fromCodePoint(...to))}`,
  );
  return `MAP {${entries.join(', ')}}`;
}

const UPPER_GATE = quoteString('duckdb', gateClass(JAVA_UPPER));
const LOWER_GATE = quoteString('duckdb', gateClass(JAVA_LOWER, [SIGMA]));
const UPPER_MAP = mapLiteral(JAVA_UPPER);
const LOWER_MAP = mapLiteral(JAVA_LOWER);

/**
 * Java lower-cases 'Σ' to 'ς' when a cased letter precedes it in its word and none follows it
 * there: the sigma is rewritten to 'ς' first (which lower() keeps). Words are approximated as
 * runs of letters, digits, marks and '_'.
 */
const FINAL_SIGMA = quoteString(
  'duckdb',
  '([\\p{Lu}\\p{Ll}\\p{Lt}][\\p{L}\\p{N}\\p{M}_]*?)\\x{3a3}([\\p{N}\\p{M}_]*(?:[^\\p{L}\\p{N}\\p{M}_]|$))',
);

function byCharacter(s: string, map: string, fn: 'upper' | 'lower'): string {
  return `array_to_string(list_transform(string_split(${s}, ''), __ch -> coalesce(${map}[__ch], ${fn}(__ch))), '')`;
}

/** Spark `upper(s)` of a DuckDB VARCHAR expression. */
export function duckSparkUpper(s: string): string {
  return `(CASE WHEN regexp_matches(${s}, ${UPPER_GATE}) THEN ${byCharacter(s, UPPER_MAP, 'upper')} ELSE upper(${s}) END)`;
}

/** Spark `lower(s)` of a DuckDB VARCHAR expression. */
export function duckSparkLower(s: string): string {
  const sigma = `regexp_replace(${s}, ${FINAL_SIGMA}, '\\1ς\\2', 'g')`;
  return `(CASE WHEN regexp_matches(${s}, ${LOWER_GATE}) THEN ${byCharacter(sigma, LOWER_MAP, 'lower')} ELSE lower(${s}) END)`;
}
