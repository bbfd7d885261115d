/**
 * The rule editor's value: a list of DQX rules in their metadata form (the dicts of a DQX YAML/JSON
 * checks file), each with a stable key for the UI and an optional annotation that says where the
 * rule came from (profile, model, imported file, typed by hand) and the evidence behind it.
 *
 * Rules are kept *raw*: a rule may be invalid (an unknown argument typed in the code view, a value
 * of the wrong type) and is shown with its errors rather than refused, so nothing the user typed is
 * lost. Only the minimum the form needs is required: a mapping with a `check` mapping whose
 * `function` is a string.
 */
import { getCheck, type CheckDefinition } from './engine';

/** One rule as DQX reads it from YAML/JSON (possibly invalid). */
export type RawRule = Record<string, unknown>;

export type RuleOrigin = 'profile' | 'model' | 'manual' | 'imported';

export interface RuleAnnotation {
  origin: RuleOrigin;
  /** Why the rule was proposed (profile statistics, the model's reasoning), shown as text. */
  evidence?: string | null;
  /** The evidence as the generation recorded it (kept with the version when it is saved). */
  detail?: unknown;
  /** Changed in the editor after it was generated or imported. */
  edited?: boolean;
  /**
   * The rule as it arrived (generated, imported, or as a saved version had it): a rule is edited
   * when it differs from this, so changing a value and changing it back leaves it unmarked.
   */
  original?: RawRule;
  /** Already edited when it arrived (a saved version's rule edited before it was saved). */
  editedBefore?: boolean;
  /**
   * Added by a merge although it checks what one of the user's rules checks (the key of that
   * rule): shown as a conflict while both are there, for the user to keep one.
   */
  conflictWith?: string;
  /** A warning about the rule as generated, e.g. "Likely too strict: fails 12% of the rows". */
  flag?: string | null;
}

export interface RuleItem {
  /** Stable identity in the editor (React key, selection); never part of the rule. */
  key: string;
  rule: RawRule;
  annotation?: RuleAnnotation;
}

/** A column of the table the rules are for. */
export interface TableColumn {
  name: string;
  /** Spark SQL type string (`string`, `bigint`, `decimal(10,2)`, ...). */
  type: string;
  comment?: string | null;
}

let keyCounter = 0;

/** A key unique within this page (no crypto needed: keys never leave the browser). */
export function newRuleKey(): string {
  keyCounter += 1;
  return `rule-${keyCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Editor items from plain rules, e.g. a saved version or a generation result. */
export function toRuleItems(
  rules: readonly RawRule[],
  annotations?: readonly (RuleAnnotation | undefined)[],
): RuleItem[] {
  return rules.map((rule, i) => {
    const given = annotations?.[i];
    const annotation: RuleAnnotation | undefined =
      given && given.origin !== 'manual' && !given.original
        ? { ...given, original: rule, editedBefore: Boolean(given.edited) }
        : given;
    return { key: newRuleKey(), rule, ...(annotation ? { annotation } : {}) };
  });
}

/** The plain DQX rules of editor items, in order (what gets saved, validated or exported). */
export function rulesOf(items: readonly RuleItem[]): RawRule[] {
  return items.map((item) => item.rule);
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const TOP_LEVEL_KEYS = [
  'name',
  'criticality',
  'check',
  'filter',
  'message_expr',
  'user_metadata',
] as const;
export const CHECK_BLOCK_KEYS = ['function', 'for_each_column', 'arguments'] as const;

/** The `check` block of a rule ({} when missing). */
export function checkBlock(rule: RawRule): Record<string, unknown> {
  return isRecord(rule.check) ? rule.check : {};
}

export function functionOf(rule: RawRule): string {
  const fn = checkBlock(rule).function;
  return typeof fn === 'string' ? fn : '';
}

/** The arguments mapping ({} when missing or not a mapping). */
export function argumentsOf(rule: RawRule): Record<string, unknown> {
  const args = checkBlock(rule).arguments;
  return isRecord(args) ? args : {};
}

export function forEachColumnOf(rule: RawRule): unknown[] | null {
  const fec = checkBlock(rule).for_each_column;
  return Array.isArray(fec) ? fec : null;
}

/** The argument a check takes its column(s) in, which is also what `for_each_column` fills. */
export function columnKeyOf(def: CheckDefinition | undefined): 'column' | 'columns' | null {
  if (!def) return null;
  if (def.params.some((p) => p.name === 'columns')) return 'columns';
  if (def.params.some((p) => p.name === 'column')) return 'column';
  return null;
}

export interface RuleSummary {
  functionName: string;
  definition: CheckDefinition | undefined;
  /** The rule's name, or the name DQX derives when none is given. */
  displayName: string;
  nameIsDefault: boolean;
  columns: string[];
  criticality: string;
  filter: string | null;
  runsIn: 'sql' | 'job' | null;
  forEach: boolean;
}

const columnText = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(columnText) : [];

/** The names DQX derives for an unnamed rule (one per column with for_each_column). */
export function defaultNames(rule: RawRule): string[] {
  const def = getCheck(functionOf(rule));
  if (!def) return [];
  const args = argumentsOf(rule);
  const fec = forEachColumnOf(rule);
  const key = columnKeyOf(def);
  const variants = fec && fec.length && key ? fec.map((c) => ({ ...args, [key]: c })) : [args];
  const names: string[] = [];
  for (const a of variants) {
    try {
      names.push(def.defaultName(a, { sparkFlavor: 'connect' }));
    } catch {
      // a malformed argument: the validation errors explain it
    }
  }
  return names;
}

export function summarizeRule(rule: RawRule): RuleSummary {
  const functionName = functionOf(rule);
  const definition = getCheck(functionName);
  const args = argumentsOf(rule);
  const fec = forEachColumnOf(rule);
  const columns: string[] = [];
  if (definition) {
    for (const p of definition.params) if (p.refersToColumn) columns.push(...columnText(args[p.name]));
  } else {
    columns.push(...columnText(args.column), ...columnText(args.columns));
  }
  if (fec) columns.push(...columnText(fec));
  const explicit = typeof rule.name === 'string' && rule.name !== '' ? rule.name : null;
  const defaults = explicit ? [] : defaultNames(rule);
  const displayName =
    explicit ??
    (defaults.length > 1 ? `${defaults[0]} (+${defaults.length - 1} more)` : (defaults[0] ?? functionName));
  return {
    functionName,
    definition,
    displayName: displayName || 'New rule',
    nameIsDefault: explicit === null,
    columns: [...new Set(columns)],
    criticality: typeof rule.criticality === 'string' ? rule.criticality : 'error',
    filter: typeof rule.filter === 'string' && rule.filter ? rule.filter : null,
    runsIn: definition?.runsIn ?? null,
    forEach: fec !== null,
  };
}
