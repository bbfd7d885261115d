/**
 * Hostile documents and values, shared by the engine's unit tests and the hostile-input suite
 * (tests/security). Each is small to send and expensive if handled naively.
 */

/** The classic: `levels` levels of 9 aliases each, under 500 bytes, 9^levels strings once expanded. */
export function billionLaughs(levels = 10): string {
  let text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < levels; i++)
    text += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return text;
}

/** The same as a list of checks, so it passes a "must be a list" check before anything expands it. */
export function billionLaughsChecks(levels = 10): string {
  let text =
    '- &a0 {check: {function: is_not_null, arguments: {column: [lol,lol,lol,lol,lol,lol,lol,lol,lol]}}}\n';
  for (let i = 1; i < levels; i++)
    text += `- &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(',')}]\n`;
  return text;
}

/** Nested merge keys: each level merges the previous one 8 times. */
export function mergeKeyBomb(levels = 12): string {
  let text = 'b0: &b0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8}\n';
  for (let i = 1; i < levels; i++) {
    text += `b${i}: &b${i}\n${Array.from({ length: 8 }, (_, j) => `  x${j}: {<<: *b${i - 1}}`).join('\n')}\n`;
  }
  return text;
}

/** One large anchored sequence used `uses` times. */
export function hugeAnchor(items = 5000, uses = 100): string {
  return (
    `big: &big [${Array.from({ length: items }, (_, i) => i).join(',')}]\n` +
    Array.from({ length: uses }, (_, i) => `use${i}: *big`).join('\n')
  );
}

export const deepFlowYaml = (depth = 100_000) => '['.repeat(depth) + ']'.repeat(depth);
export const deepBlockYaml = (depth = 10_000) => '- '.repeat(depth) + 'x';
export const longKeyYaml = (chars = 1_000_000) =>
  `- {${'k'.repeat(chars)}: 1, check: {function: is_not_null, arguments: {column: a}}}\n`;
export const manyAliasesYaml = (count = 20_000) => '- &a x\n' + '- *a\n'.repeat(count);

/** JSON nested `depth` levels deep: `[[[...]]]`. */
export const deepJsonArray = (depth = 100_000) => '['.repeat(depth) + ']'.repeat(depth);

/** A value nested `depth` levels deep: {next: {next: ...}}. */
export function nestedValue(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}

/** The same as JSON text, built without recursion. */
export const nestedJson = (depth: number) => '{"next":'.repeat(depth) + '"leaf"' + '}'.repeat(depth);
