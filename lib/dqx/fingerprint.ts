/**
 * for_each_column expansion, default names and fingerprints, as DQX 0.17.0 computes them.
 *
 * DQX builds one `DQRule` per check (per column for `for_each_column`) and fingerprints
 * `rule.to_dict()`: the rule's name (derived when not given), criticality, function, the arguments
 * actually bound to the check function (column/columns included, `row_filter` added from the
 * filter for dataset checks that take one, defaults not included), and the filter when it is
 * non-empty. The hash is SHA-256 of `json.dumps(..., sort_keys=True, default=str)`; the rule-set
 * fingerprint is SHA-256 of `json.dumps(sorted(rule fingerprints))`.
 */
import { createHash } from 'node:crypto';

import { getCheck } from './catalog';
import type { NamingOptions } from './catalog/types';
import type { Criticality, DqxCheck, ExpandedRule } from './model';
import { columnDisplay } from './naming';
import { compareCodePoints, pyJsonDumps } from './py-values';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const DEFAULT_NAMING: NamingOptions = { sparkFlavor: 'connect' };

export interface ExpandOptions {
  /**
   * How DQX's Spark renders expressions for the default name of an unnamed `sql_expression`:
   * `connect` (Databricks serverless, shared clusters, databricks-connect; the default) or
   * `classic` (a classic Spark 4 session, such as the local conformance environment).
   */
  sparkFlavor?: NamingOptions['sparkFlavor'];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

interface RuleParts {
  column: unknown;
  columns: unknown;
  kwargs: Record<string, unknown>;
}

/** Split a check's arguments the way DQX's deserializer builds a DQRule. */
function ruleParts(check: DqxCheck, forEach?: unknown): RuleParts {
  const args = isRecord(check.check.arguments) ? check.check.arguments : {};
  const kwargs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (k !== 'column' && k !== 'columns') kwargs[k] = v;
  if (forEach !== undefined) {
    return Array.isArray(forEach)
      ? { column: null, columns: forEach, kwargs }
      : { column: forEach, columns: null, kwargs };
  }
  return { column: args.column ?? null, columns: args.columns ?? null, kwargs };
}

/**
 * The arguments DQX binds to the check function: `column`/`columns` when set and accepted, every
 * keyword argument given, and `row_filter` from a non-empty filter when the function takes one.
 */
function boundArguments(fn: string, parts: RuleParts, filter: string | undefined): Record<string, unknown> {
  const def = getCheck(fn);
  const params = def ? new Set(def.params.map((p) => p.name)) : null;
  const bound: Record<string, unknown> = {};
  const accepts = (name: string) => params === null || params.has(name);
  if (parts.column !== null && parts.column !== undefined && accepts('column')) bound.column = parts.column;
  if (parts.columns !== null && parts.columns !== undefined && accepts('columns'))
    bound.columns = parts.columns;
  Object.assign(bound, parts.kwargs);
  if (filter && params?.has('row_filter')) bound.row_filter = filter;
  return bound;
}

function deriveName(fn: string, args: Record<string, unknown>, naming: NamingOptions): string {
  const def = getCheck(fn);
  if (!def) return fn;
  try {
    return def.defaultName(args, naming);
  } catch {
    return fn;
  }
}

function fingerprintOf(
  name: string | null,
  criticality: string,
  fn: string,
  args: Record<string, unknown> | null,
  filter: string | null,
  forEach: unknown,
): string {
  return sha256(
    pyJsonDumps({
      name,
      criticality,
      function: fn,
      arguments: args,
      filter,
      for_each_column: forEach ?? null,
    }),
  );
}

function resultColumns(parts: RuleParts, fn: string): string[] | null {
  const def = getCheck(fn);
  const params = def ? new Set(def.params.map((p) => p.name)) : null;
  if (typeof parts.column === 'string') return [columnDisplay(parts.column)];
  if (parts.column !== null && parts.column !== undefined) return [String(parts.column)];
  if (Array.isArray(parts.columns) && (params === null || params.has('columns'))) {
    return parts.columns.map((c) => (typeof c === 'string' ? columnDisplay(c) : String(c)));
  }
  return null;
}

function expandOne(
  check: DqxCheck,
  sourceIndex: number,
  naming: NamingOptions,
  forEach?: unknown,
): ExpandedRule {
  const fn = check.check.function;
  const parts = ruleParts(check, forEach);
  const filter = check.filter || undefined;
  const bound = boundArguments(fn, parts, filter);
  const nameArgs = {
    ...parts.kwargs,
    ...(parts.column !== null ? { column: parts.column } : {}),
    ...(parts.columns !== null ? { columns: parts.columns } : {}),
  };
  const name = check.name ? check.name : deriveName(fn, nameArgs, naming);
  const criticality: Criticality = check.criticality ?? 'error';
  const callArgs: Record<string, unknown> = { ...parts.kwargs };
  if (parts.column !== null && parts.column !== undefined) callArgs.column = parts.column;
  if (parts.columns !== null && parts.columns !== undefined) callArgs.columns = parts.columns;
  const single: DqxCheck = {
    ...(check.name !== undefined ? { name: check.name } : {}),
    criticality,
    check: { function: fn, arguments: callArgs },
    ...(check.filter !== undefined ? { filter: check.filter } : {}),
    ...(check.user_metadata !== undefined ? { user_metadata: check.user_metadata } : {}),
    ...(check.message_expr !== undefined ? { message_expr: check.message_expr } : {}),
  };
  return {
    sourceIndex,
    name,
    criticality,
    function: fn,
    arguments: callArgs,
    filter: filter ?? null,
    userMetadata: check.user_metadata ?? null,
    messageExpr: check.message_expr ?? null,
    fingerprint: fingerprintOf(name, criticality, fn, bound, filter ?? null, null),
    check: single,
    columns: resultColumns(parts, fn),
  };
}

/** Expand `for_each_column` into one rule per column, with DQX's names and fingerprints. */
export function expandChecks(checks: DqxCheck[], options: ExpandOptions = {}): ExpandedRule[] {
  const naming: NamingOptions = { sparkFlavor: options.sparkFlavor ?? DEFAULT_NAMING.sparkFlavor };
  const out: ExpandedRule[] = [];
  checks.forEach((check, sourceIndex) => {
    const forEach = check.check.for_each_column;
    if (forEach && forEach.length > 0) {
      for (const column of forEach) out.push(expandOne(check, sourceIndex, naming, column));
    } else {
      out.push(expandOne(check, sourceIndex, naming));
    }
  });
  return out;
}

/**
 * The fingerprint DQX writes into results for a check without `for_each_column`. For a check with
 * `for_each_column` this is the fingerprint of its first expanded rule; use `expandChecks` for all.
 */
export function ruleFingerprint(check: DqxCheck, options: ExpandOptions = {}): string {
  return expandChecks([check], options)[0]!.fingerprint;
}

/** SHA-256 of `json.dumps(sorted(rule fingerprints))` over the expanded rules. */
export function ruleSetFingerprint(checks: DqxCheck[], options: ExpandOptions = {}): string {
  const fps = expandChecks(checks, options)
    .map((r) => r.fingerprint)
    .sort();
  return sha256(pyJsonDumps(fps));
}

/** Python's `sorted()` order for for_each_column entries (strings, or lists of strings). */
function pySortKey(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = pySortKey(a[i], b[i]);
      if (d !== 0) return d;
    }
    return a.length - b.length;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * The `rule_fingerprint` DQX stores next to a check in its checks table (`save_checks`): a check
 * with `for_each_column` is stored in compact form and fingerprinted from its metadata as written;
 * any other check gets the fingerprint of the rule it builds.
 */
export function storedRuleFingerprint(check: DqxCheck, options: ExpandOptions = {}): string {
  const forEach = check.check.for_each_column;
  if (forEach && forEach.length > 0) {
    return fingerprintOf(
      check.name ?? null,
      check.criticality ?? 'error',
      check.check.function,
      check.check.arguments ?? null,
      check.filter ?? null,
      [...forEach].sort(pySortKey),
    );
  }
  return ruleFingerprint(check, options);
}
