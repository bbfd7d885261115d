/**
 * The DQX rule (check) in its metadata form, as stored in YAML/JSON checks files and accepted by
 * DQX's `apply_checks_by_metadata`.
 *
 * Argument and user_metadata values are Python values (see `py-values.ts`): JSON scalars, lists and
 * objects, plus marker objects for the Python types JSON cannot carry (`{"__decimal__": "1.5"}`,
 * `{"__float__": "2.0"}`, `{"__date__": "2024-01-01"}`, ...).
 */
import { z } from 'zod';

export type Criticality = 'error' | 'warn';

export interface DqxCheck {
  criticality?: Criticality;
  check: {
    function: string;
    arguments?: Record<string, unknown>;
    for_each_column?: (string | string[])[];
  };
  name?: string;
  filter?: string;
  user_metadata?: Record<string, unknown>;
  message_expr?: string;
}

export type ChecksFormat = 'yaml' | 'json';

/** A problem found in a rule set. `field` is a dotted path inside the rule, e.g. `check.arguments.column`. */
export interface RuleIssue {
  severity: 'error' | 'warning';
  /** Index in the rule list as given (before for_each_column expansion); null for set-level issues. */
  rule_index: number | null;
  rule_name: string | null;
  field: string | null;
  code: string;
  message: string;
}

export interface RuleSetValidation {
  ok: boolean;
  errors: RuleIssue[];
  warnings: RuleIssue[];
}

/** What the engine needs to know of a table to validate and compile rules against it. */
export interface TableSchema {
  /** Fully qualified name, for messages. */
  name?: string;
  /**
   * Spark SQL type strings, as the Warehouse port reports them, and nullability when known
   * (has_valid_schema's strict comparison includes it).
   */
  columns: { name: string; type: string; nullable?: boolean }[];
}

/** One rule after for_each_column expansion, with its resolved name and fingerprint. */
export interface ExpandedRule {
  /** Index of the rule in the list as given. */
  sourceIndex: number;
  name: string;
  criticality: Criticality;
  function: string;
  /** The arguments passed to the check function (column/columns included). */
  arguments: Record<string, unknown>;
  filter: string | null;
  userMetadata: Record<string, unknown> | null;
  messageExpr: string | null;
  fingerprint: string;
  /** The single-rule check this expanded rule stands for (no for_each_column). */
  check: DqxCheck;
  /** `column`/`columns` as DQX reports them in the result `columns` field; null when neither is set. */
  columns: string[] | null;
}

// ---------------------------------------------------------------------------------------------
// zod schemas. Unknown keys are dropped, as DQX ignores them (`extra="ignore"`). A null value for
// an optional key is the same as the key being absent. These schemas describe a *well-formed*
// check; `validateChecks` reports DQX's exact messages for malformed ones.

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());

export const criticalitySchema = z.enum(['error', 'warn']);

export const checkBlockSchema = z.object({
  function: z.string().min(1),
  arguments: optional(z.record(z.string(), z.unknown())),
  for_each_column: optional(z.array(z.union([z.string(), z.array(z.string())])).min(1)),
});

export const dqxCheckSchema = z.object({
  criticality: optional(criticalitySchema),
  check: checkBlockSchema,
  name: optional(z.string()),
  filter: optional(z.string()),
  user_metadata: optional(z.record(z.string(), z.unknown())),
  message_expr: optional(z.string()),
});

export const dqxChecksSchema = z.array(dqxCheckSchema);

/** Parse one raw check into the model (unknown keys dropped). Throws a ZodError when malformed. */
export function toDqxCheck(raw: unknown): DqxCheck {
  return dqxCheckSchema.parse(raw) as DqxCheck;
}

/** Zod-parsed copy of a list of checks; throws a ZodError when any is malformed. */
export function toDqxChecks(raw: unknown[]): DqxCheck[] {
  return raw.map(toDqxCheck);
}
