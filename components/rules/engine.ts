/**
 * The parts of the DQX engine (`lib/dqx`) the rule editor runs in the browser, imported from their
 * own modules rather than the `@/lib/dqx` barrel.
 *
 * Why not the barrel: it also re-exports the zod rule schemas (and, on main, the profiler and the
 * generator), and the bundler keeps every module a barrel touches. Measured with `next build`
 * (Turbopack, Next 16), JavaScript of the Generator page, gzipped: 509 kB with the barrel imported
 * eagerly, 332 kB with these imports (a page without the editor: 195 kB), plus a 142 kB chunk for
 * validation that loads after the page is interactive.
 *
 * Why validation is loaded on demand: `validateChecks` computes fingerprints with `node:crypto`,
 * for which the browser build ships Next's crypto polyfill (most of that 142 kB). Loading it in
 * its own chunk keeps it out of the first load; the editor shows "Checking the rules…" for the
 * moment it takes. (A `turbopack.resolveAlias` for `node:crypto` does not replace Next's own
 * polyfill; a pure TypeScript SHA-256 in the engine would remove the cost.) Validation also runs
 * the SQL sandbox (lib/dqx/sql-guard) so the editor shows refused SQL as the server would: its Spark
 * grammar adds a chunk of about 316 kB gzipped to that on-demand load, not to the first one.
 *
 * Every module here is pure TypeScript with no I/O, so importing it in a client component is safe.
 */
import type { RuleSetValidation, TableSchema } from '@/lib/dqx/model';
import type { DetailedRuleIssue, ValidateOptions } from '@/lib/dqx/validate';

export { getCheck, listChecks } from '@/lib/dqx/catalog';
export type { ArgumentWidget, CheckDefinition, CheckParam } from '@/lib/dqx/catalog';
export { ChecksFormatError, parseChecksText, serializeChecks } from '@/lib/dqx/checks-file';
export { floatValue, isMarker, pyFloatRepr, pyKind, pyRepr } from '@/lib/dqx/py-values';
export { familyFits, parseSparkType, typeFamily, type TypeFamily } from '@/lib/dqx/spark-types';
export type { ChecksFormat, Criticality, DqxCheck, TableSchema } from '@/lib/dqx/model';
export type { DetailedRuleIssue } from '@/lib/dqx/validate';

export type ValidationResult = RuleSetValidation & {
  errors: DetailedRuleIssue[];
  warnings: DetailedRuleIssue[];
};
export type Validator = (
  checks: unknown[],
  options: ValidateOptions & { table?: TableSchema },
) => ValidationResult;

let validatorPromise: Promise<Validator> | null = null;

/** The engine's `validateChecks`, loaded once on first use. */
export function loadValidator(): Promise<Validator> {
  validatorPromise ??= import('@/lib/dqx/validate').then((m) => m.validateChecks as Validator);
  // A failed chunk load (network) may be retried on the next call.
  validatorPromise.catch(() => {
    validatorPromise = null;
  });
  return validatorPromise;
}
