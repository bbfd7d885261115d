/**
 * Spark's `upper(x)` and `lower(x)` in DuckDB SQL. Spark calls Java's full case mapping, which
 * differs from DuckDB's for a few hundred code points (java-case-table.ts: 'ß' → 'SS', 'ﬁ' → 'FI',
 * 'İ' → 'i̇', ...) and lower-cases a final capital sigma to 'ς'. Every one of those code points is
 * outside ASCII: an ASCII string (as many bytes as characters) or one without any of them takes
 * DuckDB's own function; the others have those characters replaced by Java's result first.
 */
import { quoteString } from '@/lib/sql/quote';

import { JAVA_LOWER, JAVA_UPPER } from './java-case-table';
import { bindOnce } from './spark-string';

type Table = readonly (readonly [number, readonly number[]])[];

const SIGMA = 0x03a3;
/** U+FEFF, which DuckDB's upper() and lower() drop and Java keeps. */
const BOM = 0xfeff;

const lit = (s: string) => quoteString('duckdb', s);

/** An RE2 character class of the table's code points (plus extra ones). */
function gateClass(table: Table, extra: number[] = []): string {
  const points = [...table.map(([cp]) => cp), ...extra].sort((a, b) => a - b);
  return lit(`[${points.map((cp) => `\\x{${cp.toString(16)}}`).join('')}]`);
}

/** `s` with every table character replaced by Java's result (U+FEFF, mapped to itself, left out). */
function replaced(s: string, table: Table): string {
  return table
    .filter(([cp]) => cp !== BOM)
    .reduce((acc, [cp, to]) => `replace(${acc}, ${lit(String.fromCodePoint(cp))}, ${lit(String.fromCodePoint(...to))})`, s);
}

/** DuckDB's `fn(x)`, keeping U+FEFF where it was. */
function keepingBom(fn: 'upper' | 'lower', x: string): string {
  const bom = lit(String.fromCodePoint(BOM));
  return bindOnce(
    x,
    '__cs',
    `CASE WHEN contains(__cs, ${bom}) THEN array_to_string(list_transform(string_split(__cs, ${bom}), __cp -> ${fn}(__cp)), ${bom}) ELSE ${fn}(__cs) END`,
  );
}

const UPPER_GATE = gateClass(JAVA_UPPER);
const LOWER_GATE = gateClass(JAVA_LOWER, [SIGMA]);

/**
 * Java lower-cases 'Σ' to 'ς' when a cased letter precedes it in its word and none follows it
 * there: the sigma is rewritten to 'ς' first (which lower() keeps). Words are approximated as
 * runs of letters, digits, marks and '_'.
 */
const FINAL_SIGMA = lit(
  '([\\p{Lu}\\p{Ll}\\p{Lt}][\\p{L}\\p{N}\\p{M}_]*?)\\x{3a3}([\\p{N}\\p{M}_]*(?:[^\\p{L}\\p{N}\\p{M}_]|$))',
);

const ascii = (s: string) => `strlen(${s}) = length(${s})`;

/** Spark `upper(s)` of a DuckDB VARCHAR expression. */
export function duckSparkUpper(s: string): string {
  return (
    `(CASE WHEN ${ascii(s)} THEN upper(${s}) WHEN regexp_matches(${s}, ${UPPER_GATE}) ` +
    `THEN ${keepingBom('upper', replaced(s, JAVA_UPPER))} ELSE upper(${s}) END)`
  );
}

/** Spark `lower(s)` of a DuckDB VARCHAR expression. */
export function duckSparkLower(s: string): string {
  const sigma = `regexp_replace(${s}, ${FINAL_SIGMA}, '\\1ς\\2', 'g')`;
  return (
    `(CASE WHEN ${ascii(s)} THEN lower(${s}) WHEN regexp_matches(${s}, ${LOWER_GATE}) ` +
    `THEN ${keepingBom('lower', replaced(sigma, JAVA_LOWER))} ELSE lower(${s}) END)`
  );
}
