/**
 * Validation as a run: a saved version (the active one by default) or a draft rule set, over the
 * whole table or a sample (a dry run), compiled into ONE statement that reads the table once and
 * returns the total, valid, error and warning-only rows, per rule (by rule NAME, after
 * for_each_column expansion) the rows evaluated and failing, and a bounded sample of failing rows
 * with their DQX messages. Every run is kept (dry runs too, marked `dry_run`).
 *
 * Beyond the sample, every failing row of a rule or of the run can be read on demand, paged or
 * exported, fetched from the table when asked and never stored (./failing-rows.ts). Reports download as JSON or CSV.
 *
 * Access: the caller must be able to read the table and every table the rules refer to, proved with
 * the caller's own warehouse before anything starts (a Databricks job runs as the app's service
 * principal). The run records that exact list (`read_tables`, from `tablesReadBy`), and reading a
 * run, its failing rows or its report checks again that the reader can read every table on it.
 * The job path refuses a rule set whose tables are not fully known: one that does not validate
 * now, or whose tables cannot be determined, since the job's service principal could read more.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import * as ruleSetRepo from '@/db/repositories/rule-sets';
import {
  compileValidation,
  expandChecks,
  ruleSetFingerprint,
  RuleSetCompileError,
  tablesReadBy,
  validateChecks,
  type DqxCheck,
  type SampleEntry,
  type TableSchema,
  type ValidationSummary,
} from '@/lib/dqx';
import { AppError, badRequest, conflict, isAppError, notFound } from '@/lib/errors';
import { csvCell } from '@/lib/format/csv-cell';
import type { ValidationResult } from '@/lib/jobs/contract';
import type { RunContext, RunSuccess, RunTask, StepSpec } from '@/lib/jobs/local/local-runner';
import { scanEstimateMs, withEstimatedProgress } from '@/lib/jobs/local/estimated-progress';
import { RunFailure } from '@/lib/jobs/local/run-failure';
import type { JobHandle } from '@/lib/jobs/port';
import { quoteIdent, quoteQualified, type Dialect } from '@/lib/sql/quote';
import type { Cell, TableRef, Warehouse } from '@/lib/warehouse/port';

import { draftRules } from './draft-rules';
import { refuseInvalid, refuseUnsafeSql } from './invalid-rules';
import { jobPathRefusal } from './job-governance';
import { adoptedJob, jobRunTask } from './job-run-task';
import { assertRuleCount, expandedRuleCount } from './limits';
import { resolveRunDeps, type ResolvedRunDeps, type RunDeps } from './run-deps';
import { parseTableName } from './table-name';
import { createRun, getRun, type RuleResultInput, type RunDetail, type RunDto } from './runs';
import { describeOrFail, schemaOf } from './table-schema';
import type { MissingColumns, ReportFormat, StartValidationInput } from './validation-schemas';

export type { StartValidationInput } from './validation-schemas';

export type ValidationRuleStatus = 'passed' | 'failed' | 'warning' | 'skipped' | 'not_evaluated';

export interface FailingRowSample {
  /** The row's values, aligned with `ValidationOutput.columns` (key columns first). */
  values: Cell[];
  /** This rule's DQX message for the row. */
  message: string | null;
  /** Names of every rule the row fails (this one included). */
  failed_rules: string[];
}

export interface ValidationRuleOut {
  /** Position after for_each_column expansion (the rule list's order). */
  index: number;
  name: string;
  function: string;
  criticality: 'error' | 'warn';
  columns: string[] | null;
  filter: string | null;
  fingerprint: string;
  /**
   * passed / failed (error rule) / warning (warn rule with failing rows) / skipped (DQX could not
   * evaluate it: every row carries the skip message) / not_evaluated (runs only in a DQX job).
   */
  status: ValidationRuleStatus;
  /** Rows the rule looked at (after its filter); null when not evaluated. */
  rows_evaluated: number | null;
  failing_rows: number | null;
  /** (rows_evaluated - failing_rows) / rows_evaluated; 1 when nothing was evaluated; null when not evaluated. */
  pass_rate: number | null;
  /** Why the rule was skipped or not evaluated. */
  message: string | null;
  samples: FailingRowSample[];
}

/** What a succeeded validation run stores as its output (`getRun(...).output`). */
export interface ValidationOutput {
  table_name: string;
  rule_set_version: number | null;
  rule_set_fingerprint: string;
  dry_run: boolean;
  /** Rows validated in a dry run; null for the whole table. */
  sample_rows: number | null;
  sample_limit: number;
  /** Columns of the sample rows, key columns first. */
  columns: { name: string; type: string }[];
  key_columns: string[];
  rules: ValidationRuleOut[];
  engine: 'local' | 'warehouse' | 'job';
  validated_at: string;
  /**
   * What applied to rules on missing columns: `skip` (as DQX: each such rule skipped, reported on
   * every row) or `refuse` (a draft naming a missing column was refused before the run).
   */
  missing_columns: MissingColumns;
}

export type ValidationRunSummary = {
  total_rows: number;
  /** Rows without errors (DQX's valid rows; warning-only rows included). */
  valid_rows: number;
  error_rows: number;
  /** Rows with warnings and no error. */
  warning_rows: number;
  pass_rate: number;
  rules_total: number;
  rules_failed: number;
  rules_warning: number;
  rules_skipped: number;
  rules_not_evaluated: number;
  /** `incomplete` when any rule was not evaluated: pass_rate and the row counts cover the other rules only. */
  evaluation: 'complete' | 'incomplete';
  /** Each rule not evaluated, with the reason. */
  not_evaluated: { index: number; name: string; function: string; reason: string }[];
  dry_run: boolean;
};

const LOCAL_STEPS: StepSpec[] = [
  { key: 'describe', label: 'Read the table’s columns', weight: 1 },
  { key: 'scan', label: 'Evaluate every rule in one scan', weight: 12 },
  { key: 'results', label: 'Record the results', weight: 1 },
];

const JOB_STEPS: StepSpec[] = [
  { key: 'start_job', label: 'Start the Databricks job', weight: 1 },
  { key: 'wait_job', label: 'Validate with DQX in the job', weight: 12 },
  { key: 'results', label: 'Record the results', weight: 1 },
];

// ---- Key columns and ordering ----

const UNORDERABLE = /(^|<|,|:)\s*(map|variant|geometry|geography)\b/i;

/** Whether the dialect can sort by a column of this Spark type (maps and variants it cannot). */
export const orderable = (type: string) => !UNORDERABLE.test(type);

/**
 * The columns that identify a row, for ordering failing rows and showing them first: the columns of
 * an `is_unique` rule if there is one, else the columns named `id`, `*_id` or `*_key`, else all.
 */
export function keyColumns(checks: DqxCheck[], columns: { name: string; type: string }[]): string[] {
  const names = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]));
  let expanded: ReturnType<typeof expandChecks> = [];
  try {
    expanded = expandChecks(checks);
  } catch {
    expanded = [];
  }
  for (const rule of expanded) {
    if (rule.function !== 'is_unique') continue;
    const cols = rule.arguments.columns;
    if (!Array.isArray(cols) || cols.length === 0) continue;
    const resolved = cols.map((c) => (typeof c === 'string' ? names.get(c.toLowerCase()) : undefined));
    if (resolved.every((c): c is string => c !== undefined)) return [...new Set(resolved)];
  }
  const ids = columns.filter((c) => /^(id|.*_id|.*_key)$/i.test(c.name)).map((c) => c.name);
  return ids.length > 0 ? ids : columns.map((c) => c.name);
}

/** Column order for rows shown to users: key columns first, then the others as in the table. */
export function displayColumns(columns: { name: string; type: string }[], keys: string[]) {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const first = keys.map((k) => byName.get(k)).filter((c): c is { name: string; type: string } => c !== undefined);
  return [...first, ...columns.filter((c) => !keys.includes(c.name))].map((c) => ({ name: c.name, type: c.type }));
}

/** ORDER BY over key columns, then every other orderable column: a stable order for paging. */
function orderBy(dialect: Dialect, columns: { name: string; type: string }[], keys: string[]): string {
  const ordered = displayColumns(columns, keys).filter((c) => orderable(c.type));
  return ordered.length ? `ORDER BY ${ordered.map((c) => quoteIdent(dialect, c.name)).join(', ')}` : '';
}

/** The table, or for a dry run its first `sampleRows` rows in key order (the same rows every time). */
export function sourceSql(
  dialect: Dialect,
  table: { catalog: string; schema: string; table: string },
  sample: { rows: number; columns: { name: string; type: string }[]; keys: string[] } | null,
): string {
  const quoted = quoteQualified(dialect, [table.catalog, table.schema, table.table]);
  if (!sample) return quoted;
  return `(SELECT * FROM ${quoted} ${orderBy(dialect, sample.columns, sample.keys)} LIMIT ${Math.floor(sample.rows)})`;
}

/**
 * The columns of the tables the rules read besides the checked one (reference tables of dataset
 * checks), keyed by the name as the rules write it: the compiler needs them for checks that compare
 * columns (compare_datasets, has_valid_schema). Read through the caller's own warehouse, so a table
 * the caller cannot read stays unknown (and the access check refuses the run before this).
 */
export async function referenceSchemas(wh: Warehouse, checks: DqxCheck[]): Promise<Record<string, TableSchema>> {
  const out: Record<string, TableSchema> = {};
  for (const name of tablesReadBy(checks)) {
    let parsed;
    try {
      parsed = parseTableName(name);
    } catch {
      continue;
    }
    const found = await wh.describeTable(parsed.ref);
    if (found) out[name] = schemaOf(parsed.name, found.columns);
  }
  return out;
}

// ---- Starting a validation ----

interface ValidationParams {
  tableName: string;
  ref: TableRef;
  checks: DqxCheck[];
  version: number | null;
  fingerprint: string;
  sampleRows: number | null;
  sampleLimit: number;
  /** Columns the caller can read; a job's output never shows others. Null: unknown (show none). */
  visibleColumns?: string[] | null;
  /** Why the job path was refused for this table (its job-only rules are then not evaluated). */
  jobRefusal?: string | null;
  /** What applied to draft rules on missing columns (a saved version always runs them as DQX does). */
  missingColumns?: MissingColumns;
}

async function rulesToRun(
  caller: Caller,
  d: ResolvedRunDeps,
  tableName: string,
  schema: TableSchema,
  input: StartValidationInput,
): Promise<{ checks: DqxCheck[]; version: number | null }> {
  if (input.rules !== undefined) {
    if (input.version !== undefined) throw badRequest('Give either a version or draft rules, not both.');
    const validation = validateChecks(input.rules, { table: schema });
    // 'skip': a rule on a missing column runs as in DQX, reported as skipped on every row
    const errors =
      input.missingColumns === 'skip' ? validation.errors.filter((e) => e.code !== 'unknown_column') : validation.errors;
    refuseInvalid(errors, validation.warnings);
    return { checks: input.rules as DqxCheck[], version: null };
  }
  const row =
    input.version !== undefined
      ? await ruleSetRepo.findVersion(d.db, tableName, input.version)
      : await ruleSetRepo.findActiveVersion(d.db, tableName);
  if (!row) {
    throw notFound(
      input.version !== undefined
        ? `Version ${input.version} of the rule set of ${tableName} does not exist.`
        : `${tableName} has no saved rule set yet: generate rules and save them first, or validate a draft.`,
    );
  }
  if (!Array.isArray(row.rules)) {
    throw conflict(`Version ${row.version} of ${tableName} was saved by the original application in a form that is not a list of DQX checks.`);
  }
  void caller;
  return { checks: row.rules as DqxCheck[], version: row.version };
}

/**
 * Every table the rules read besides the checked one, exactly as `tablesReadBy` lists them. A rule
 * set whose tables cannot be determined is refused (400): its run could read more than it records.
 */
function tablesOfRules(checks: DqxCheck[]): string[] {
  try {
    return tablesReadBy(checks);
  } catch (error) {
    throw badRequest(
      `The tables these rules read cannot be determined (${error instanceof Error ? error.message : String(error)}); a run needs the exact list to check that you may read each one.`,
    );
  }
}

/**
 * The job path runs as the app's service principal, so what the job may read must be known
 * exactly: the rules, a saved version too, must validate now against the table as the caller sees
 * it (the validator refuses SQL whose tables it cannot resolve), and their tables be determined.
 */
function assertTablesFullyKnown(checks: DqxCheck[], schema: TableSchema, skipMissingColumns: boolean): void {
  const validation = validateChecks(checks, { table: schema });
  // a missing column hides no table: with 'skip' such rules run as DQX does
  const errors = skipMissingColumns ? validation.errors.filter((e) => e.code !== 'unknown_column') : validation.errors;
  if (errors.length > 0) {
    try {
      refuseInvalid(errors, validation.warnings);
    } catch (error) {
      if (isAppError(error))
        throw new AppError('bad_request', `A Databricks job runs only rules whose tables are fully known. ${error.message}`, {
          details: error.details,
        });
      throw error;
    }
  }
  tablesOfRules(checks);
}

/** Every table a rule reads (reference tables, subqueries) must be readable by the caller too. */
async function assertCanReadReferencedTables(caller: Caller, d: ResolvedRunDeps, checks: DqxCheck[], tableName: string) {
  for (const name of tablesOfRules(checks)) {
    try {
      const readable = await d.access.assertCanReadTable(caller, name);
      if (readable.name === tableName) continue;
    } catch (error) {
      if (isAppError(error) && (error.code === 'not_found' || error.code === 'bad_request')) {
        throw new AppError(
          error.code,
          error.code === 'not_found'
            ? `A rule refers to table ${name}, which was not found or which you do not have permission to read.`
            : `A rule refers to table "${name}", which is not a full table name (catalog.schema.table): ${error.message}`,
        );
      }
      throw error;
    }
  }
}

/**
 * Start validating a saved version (default: the active one) or a draft rule set on `input.table`,
 * or only on its first `sampleRows` rows (a dry run). 404 when the caller cannot read the table or a
 * table the rules refer to, or the version does not exist; 400 when draft rules do not validate.
 */
export interface StartValidationOptions {
  /** What started the run: a person or API client (default), or a table's schedule (recorded in `parameters.trigger`). */
  trigger?: 'manual' | 'schedule';
  /** The schedule's slot the run is for (with trigger `schedule`). */
  scheduleSlot?: Date;
}

export async function startValidation(caller: Caller, given: StartValidationInput, deps?: RunDeps, options: StartValidationOptions = {}): Promise<RunDto> {
  const input: StartValidationInput = { ...given, rules: await draftRules(given), rulesYaml: undefined };
  if (input.rules) {
    assertRuleCount(input.rules);
    refuseUnsafeSql(input.rules);
  }
  const d = await resolveRunDeps(deps);
  const readable = await d.access.assertCanReadTable(caller, input.table);
  const schema = schemaOf(readable.name, readable.description.columns);
  const { checks, version } = await rulesToRun(caller, d, readable.name, schema, input);
  assertRuleCount(checks);
  await assertCanReadReferencedTables(caller, d, checks, readable.name);

  const sampleLimit = input.sampleLimit ?? 10;
  const sampleRows = input.sampleRows ?? null;
  const wh = d.warehouseOf(caller);
  let jobOnly: number;
  try {
    // Compiled now so that a rule set DQX would refuse is a 400, not a failed run.
    jobOnly = compileValidation(checks, quoteQualified(wh.dialect, [readable.ref.catalog, readable.ref.schema, readable.ref.table]), {
      dialect: wh.dialect,
      table: schema,
      referenceTables: await referenceSchemas(wh, checks),
      sampleLimit,
    }).jobOnly.length;
  } catch (error) {
    if (error instanceof RuleSetCompileError) throw badRequest(error.message, { errors: error.issues });
    throw error;
  }
  if (input.runAsJob && d.mode !== 'databricks') {
    throw badRequest('Running as a Databricks job needs databricks mode; in local mode validation runs in the app.');
  }
  let asJob = input.runAsJob === true || (d.mode === 'databricks' && jobOnly > 0);
  // A job reads the table as its own principal, which the table's row filters and column masks do
  // not restrict as they restrict this user: a governed table never goes to the job path.
  const jobRefusal = asJob ? await jobPathRefusal(wh, readable.ref, readable.name) : null;
  if (jobRefusal && input.runAsJob === true) throw badRequest(`${jobRefusal} Validate it on the SQL warehouse instead (without run_as_job).`);
  if (jobRefusal) asJob = false;
  if (asJob) assertTablesFullyKnown(checks, schema, version === null && input.missingColumns === 'skip');
  const engine = asJob ? 'job' : d.mode === 'local' ? 'local' : 'warehouse';
  const fingerprint = ruleSetFingerprint(checks);
  const missingColumns: MissingColumns = version === null ? (input.missingColumns ?? 'refuse') : 'skip';
  const steps = asJob ? JOB_STEPS : LOCAL_STEPS;
  const run = await createRun(
    caller,
    {
      kind: 'validation',
      table: readable.name,
      engine,
      rule_set_version: version,
      rule_set_fingerprint: fingerprint,
      parameters: {
        version,
        draft: version === null,
        // a draft is kept with the run, so its failing rows and report can be read later
        ...(version === null ? { rules: checks } : {}),
        dry_run: sampleRows !== null,
        sample_rows: sampleRows,
        sample_limit: sampleLimit,
        run_as_job: asJob,
        // which applied to rules on missing columns (a saved version always runs them as DQX does)
        missing_columns: missingColumns,
        ...(jobRefusal ? { job_refused: jobRefusal } : {}),
        // the columns this user can read: a job's output is cut down to them
        visible_columns: readable.description.columns.map((c) => c.name),
        ...(options.trigger === 'schedule'
          ? { trigger: 'schedule', schedule_slot: options.scheduleSlot ? options.scheduleSlot.toISOString() : null }
          : {}),
      },
      steps: steps.map((s) => ({ key: s.key, label: s.label, status: 'pending' })),
      // checked again there, with the caller's rights, and recorded with the run
      read_tables: tablesOfRules(checks),
    },
    d,
  );
  const params: ValidationParams = {
    tableName: readable.name,
    ref: readable.ref,
    checks,
    version,
    fingerprint,
    sampleRows,
    sampleLimit,
    visibleColumns: readable.description.columns.map((c) => c.name),
    jobRefusal,
    missingColumns,
  };
  (await d.runner()).enqueue(
    asJob
      ? validationJobTask(run.id, params, d, null)
      : {
          runId: run.id,
          // DuckDB works in this process; a SQL warehouse works elsewhere while the run waits
          lane: engine === 'local' ? 'work' : 'wait',
          owner: caller.id,
          tokenExpiresAt: caller.token?.expiresAt(),
          steps,
          execute: (ctx) => validateLocally(ctx, caller, params, d, engine === 'local' ? 'local' : 'warehouse'),
        },
  );
  return run;
}

// ---- Results ----

function statusOf(criticality: 'error' | 'warn', failing: number): ValidationRuleStatus {
  if (failing === 0) return 'passed';
  return criticality === 'error' ? 'failed' : 'warning';
}

const rate = (failing: number, evaluated: number) => (evaluated <= 0 ? 1 : Math.min(1, Math.max(0, (evaluated - failing) / evaluated)));

function summaryOf(
  counts: { total: number; valid: number; error: number; warning: number },
  rules: ValidationRuleOut[],
  dryRun: boolean,
): ValidationRunSummary {
  const notEvaluated = rules.filter((r) => r.status === 'not_evaluated');
  return {
    total_rows: counts.total,
    valid_rows: counts.valid,
    error_rows: counts.error,
    warning_rows: counts.warning,
    pass_rate: rate(counts.total - counts.valid, counts.total),
    rules_total: rules.length,
    rules_failed: rules.filter((r) => r.status === 'failed').length,
    rules_warning: rules.filter((r) => r.status === 'warning').length,
    rules_skipped: rules.filter((r) => r.status === 'skipped').length,
    rules_not_evaluated: notEvaluated.length,
    evaluation: notEvaluated.length > 0 ? 'incomplete' : 'complete',
    not_evaluated: notEvaluated.map((r) => ({
      index: r.index,
      name: r.name,
      function: r.function,
      reason: r.message ?? 'Not evaluated.',
    })),
    dry_run: dryRun,
  };
}

function ruleResults(rules: ValidationRuleOut[]): RuleResultInput[] {
  return rules
    .filter((r) => r.rows_evaluated !== null && r.failing_rows !== null)
    .map((r) => ({
      rule_name: r.name,
      rule_fingerprint: r.fingerprint,
      function: r.function,
      criticality: r.criticality,
      rows_evaluated: r.rows_evaluated!,
      failing_rows: Math.min(r.failing_rows!, r.rows_evaluated!),
    }));
}

function sampleOf(
  values: Record<string, unknown>,
  entries: { name: string; message: string | null; rule_fingerprint?: string | null }[],
  rule: { name: string; fingerprint: string },
  columns: { name: string }[],
): FailingRowSample {
  const own = entries.find((e) => e.name === rule.name && (!e.rule_fingerprint || e.rule_fingerprint === rule.fingerprint)) ?? entries.find((e) => e.name === rule.name);
  return {
    values: columns.map((c) => (values[c.name] ?? null) as Cell),
    message: own?.message ?? null,
    failed_rules: [...new Set(entries.map((e) => e.name))],
  };
}

type OutcomeParams = Pick<
  ValidationParams,
  'tableName' | 'version' | 'fingerprint' | 'sampleRows' | 'sampleLimit' | 'checks' | 'visibleColumns' | 'jobRefusal' | 'missingColumns'
>;

/** The run's stored output, its summary and the per-rule results, whichever engine evaluated the rules. */
function outcomeOf(
  p: OutcomeParams,
  evaluated: {
    columns: { name: string; type: string }[];
    keys: string[];
    rules: ValidationRuleOut[];
    engine: ValidationOutput['engine'];
    validatedAt: string;
  },
  counts: { total: number; valid: number; error: number; warning: number },
): { output: ValidationOutput; summary: ValidationRunSummary; rule_results: RuleResultInput[] } {
  const dryRun = p.sampleRows !== null;
  return {
    output: {
      table_name: p.tableName,
      rule_set_version: p.version,
      rule_set_fingerprint: p.fingerprint,
      dry_run: dryRun,
      sample_rows: p.sampleRows,
      sample_limit: p.sampleLimit,
      columns: evaluated.columns,
      key_columns: evaluated.keys,
      rules: evaluated.rules,
      engine: evaluated.engine,
      validated_at: evaluated.validatedAt,
      missing_columns: p.missingColumns ?? (p.version === null ? 'refuse' : 'skip'),
    },
    summary: summaryOf(counts, evaluated.rules, dryRun),
    rule_results: ruleResults(evaluated.rules),
  };
}

type RuleIdentity = Pick<ValidationRuleOut, 'index' | 'name' | 'function' | 'criticality' | 'columns' | 'filter' | 'fingerprint'>;

/** Which rule a result is about, taken from a compiled rule (without its SQL and counts). */
function identityOf(rule: RuleIdentity): RuleIdentity {
  const { index, name, function: fn, criticality, columns, filter, fingerprint } = rule;
  return { index, name, function: fn, criticality, columns, filter, fingerprint };
}

/** The compiled summary as the run's output, summary and per-rule results. */
export function validationOutcome(
  summary: ValidationSummary,
  p: OutcomeParams,
  columns: { name: string; type: string }[],
  engine: ValidationOutput['engine'],
): RunSuccess & { output: ValidationOutput; summary: ValidationRunSummary } {
  const keys = keyColumns(p.checks, columns);
  const shown = displayColumns(columns, keys);
  const evaluated = summary.rules.map((r, i) => ({ rule: r, position: i }));
  const rules: ValidationRuleOut[] = [
    ...evaluated.map(({ rule, position }) => {
      const samples = summary.samples
        .filter((s) => s.rule === position)
        .map((s) => sampleOf(s.values, [...(s.errors ?? []), ...(s.warnings ?? [])] as SampleEntry[], rule, shown));
      const skipped = rule.status === 'skipped';
      return {
        ...identityOf(rule),
        status: skipped ? ('skipped' as const) : statusOf(rule.criticality, rule.failingRows),
        rows_evaluated: rule.evaluatedRows,
        failing_rows: rule.failingRows,
        pass_rate: rate(rule.failingRows, rule.evaluatedRows),
        message: skipped ? (rule.skipMessage ?? 'DQX skipped this rule.') : null,
        samples,
      };
    }),
    ...summary.jobOnly.map((rule) => ({
      ...identityOf(rule),
      status: 'not_evaluated' as const,
      rows_evaluated: null,
      failing_rows: null,
      pass_rate: null,
      message: p.jobRefusal
        ? `Not evaluated: the check runs only in a DQX job, and ${p.jobRefusal}`
        : `Not evaluated here: ${rule.reason ?? 'the check runs only in a DQX job.'}`,
      samples: [],
    })),
  ].sort((a, b) => a.index - b.index);

  const outcome = outcomeOf(
    p,
    { columns: shown, keys, rules, engine, validatedAt: new Date().toISOString() },
    { total: summary.totalRows, valid: summary.validRows, error: summary.errorRows, warning: summary.warningOnlyRows },
  );
  const totals = outcome.summary;
  const failing = totals.rules_failed + totals.rules_warning;
  return {
    ...outcome,
    message:
      `${totals.dry_run ? 'Dry run: ' : ''}${totals.total_rows} rows, ${totals.error_rows} with errors, ${totals.warning_rows} with warnings only; ${failing} of ${rules.length} rules found failing rows.` +
      incompleteNote(totals) +
      (p.jobRefusal ? ` Validated on the SQL warehouse, not in a job: ${p.jobRefusal}` : ''),
  };
}

/** " Incomplete: ..." naming the rules not evaluated, or nothing. */
function incompleteNote(totals: ValidationRunSummary): string {
  if (totals.evaluation === 'complete') return '';
  const names = totals.not_evaluated.map((r) => `'${r.name}'`).join(', ');
  const n = totals.not_evaluated.length;
  return ` Incomplete: ${n} rule${n === 1 ? ' was' : 's were'} not evaluated (${names}); the pass rate covers the other rules only.`;
}

async function validateLocally(
  ctx: RunContext,
  caller: Caller,
  p: ValidationParams,
  d: ResolvedRunDeps,
  engine: 'local' | 'warehouse',
): Promise<RunSuccess> {
  const wh = d.warehouseOf(caller);
  const description = await ctx.step('describe', () => describeOrFail(wh, p.ref, p.tableName));
  const columns = description.columns.map((c) => ({ name: c.name, type: c.type }));
  const schema = schemaOf(p.tableName, description.columns);
  const keys = keyColumns(p.checks, columns);
  const source = sourceSql(wh.dialect, description, p.sampleRows === null ? null : { rows: p.sampleRows, columns, keys });

  const referenceTables = await referenceSchemas(wh, p.checks);
  const scanMessage =
    p.sampleRows === null
      ? `Evaluating every rule in one scan of ${description.row_count === null ? 'the table' : `${description.row_count.toLocaleString('en-US')} rows`}…`
      : `Evaluating every rule on ${p.sampleRows.toLocaleString('en-US')} rows…`;
  const summary = await ctx.step(
    'scan',
    async () => {
      let compiled;
      try {
        compiled = compileValidation(p.checks, source, {
          dialect: wh.dialect,
          table: schema,
          referenceTables,
          sampleLimit: p.sampleLimit,
          sourceIsSample: p.sampleRows !== null,
          // a stored DuckDB table: samples are fetched by row id instead of carried through the scan
          rowIds: wh.dialect === 'duckdb' && description.kind === 'table' && p.sampleRows === null,
        });
      } catch (error) {
        if (error instanceof RuleSetCompileError) {
          throw new RunFailure({ code: 'invalid_rules', message: error.message, action: 'Correct the rules in the editor and run again.' });
        }
        throw error;
      }
      const rows = p.sampleRows === null ? description.row_count : Math.min(p.sampleRows, description.row_count ?? p.sampleRows);
      const result = await withEstimatedProgress(
        ctx,
        { estimateMs: scanEstimateMs(rows, expandedRuleCount(p.checks)), label: scanMessage },
        () => compiled.run((sql) => wh.query(sql, { signal: ctx.signal })),
      );
      return result;
    },
    scanMessage,
  );
  return ctx.step('results', async () => validationOutcome(summary, p, columns, engine));
}

// ---- Job path (databricks mode) ----

/** The validation job's result as the same outcome the SQL path stores. */
export function validationOutcomeFromJob(
  result: ValidationResult,
  p: OutcomeParams,
): RunSuccess & { output: ValidationOutput; summary: ValidationRunSummary } {
  let expanded: ReturnType<typeof expandChecks> = [];
  try {
    expanded = expandChecks(p.checks);
  } catch {
    expanded = [];
  }
  // Never show a column the user could not read (the job read the table as its own principal).
  const visible = new Set(p.visibleColumns ?? []);
  const columns = result.failing_rows.columns.filter((c) => visible.has(c.name));
  const keys = keyColumns(p.checks, columns);
  const shown = displayColumns(columns, keys);
  const used = new Set<number>();
  const rules: ValidationRuleOut[] = result.rules.map((r, position) => {
    let index = expanded.findIndex((e, i) => !used.has(i) && e.name === r.name && e.function === r.function);
    if (index < 0) index = expanded.findIndex((e, i) => !used.has(i) && e.name === r.name);
    if (index >= 0) used.add(index);
    const fingerprint = index >= 0 ? expanded[index]!.fingerprint : `job:${r.name}`;
    const rowsEvaluated = r.rows_evaluated;
    const samples = result.failing_rows.rows
      .filter((row) => [...row.errors, ...row.warnings].some((e) => e.name === r.name))
      .slice(0, p.sampleLimit)
      .map((row) => sampleOf(row.values, [...row.errors, ...row.warnings], { name: r.name, fingerprint }, shown));
    return {
      index: index >= 0 ? index : expanded.length + position,
      name: r.name,
      function: r.function,
      criticality: r.criticality,
      columns: r.columns,
      filter: r.filter,
      fingerprint,
      status: r.skipped ? 'skipped' : rowsEvaluated === null ? 'not_evaluated' : statusOf(r.criticality, r.failed_rows),
      rows_evaluated: rowsEvaluated,
      failing_rows: rowsEvaluated === null ? null : r.failed_rows,
      pass_rate: rowsEvaluated === null ? null : rate(r.failed_rows, rowsEvaluated),
      message: r.skipped ? 'DQX skipped this rule (see the failing rows for its message).' : null,
      samples,
    };
  });
  rules.sort((a, b) => a.index - b.index);
  const outcome = outcomeOf(
    p,
    { columns: shown, keys, rules, engine: 'job', validatedAt: result.validated_at },
    { total: result.total_rows, valid: result.valid_rows, error: result.error_rows, warning: result.warning_rows },
  );
  return {
    ...outcome,
    message: `${outcome.summary.dry_run ? 'Dry run: ' : ''}validated ${result.total_rows} rows with DQX in a Databricks job.`,
  };
}

function validationJobTask(runId: string, p: ValidationParams, d: ResolvedRunDeps, existing: JobHandle | null): RunTask {
  return jobRunTask(
    {
      runId,
      kind: 'validation',
      steps: JOB_STEPS,
      existing,
      request: () => ({
        kind: 'validation',
        runId,
        table: p.ref,
        rules: p.checks as never,
        rowLimit: p.sampleRows,
        failingRowsSample: Math.min(1000, Math.max(p.sampleLimit * 5, p.sampleLimit)),
      }),
      finish: (ctx, result) => ctx.step('results', async () => validationOutcomeFromJob(result, p)),
    },
    d,
  );
}

/** The rules a validation run used: its saved version, or the draft kept in its parameters. */
export async function rulesOfRun(d: Pick<ResolvedRunDeps, 'db'>, run: Pick<RunDto, 'table_name' | 'rule_set_version' | 'parameters' | 'id'>): Promise<DqxCheck[]> {
  if (run.rule_set_version !== null) {
    const row = await ruleSetRepo.findVersion(d.db, run.table_name, run.rule_set_version);
    if (!row || !Array.isArray(row.rules)) throw conflict(`The rules of run ${run.id} are no longer available.`);
    return row.rules as DqxCheck[];
  }
  const rules = run.parameters.rules;
  if (!Array.isArray(rules)) throw conflict(`Run ${run.id} did not keep its rules.`);
  return rules as DqxCheck[];
}

/** A validation job run left by a previous process: follow the job again (see run-runner.ts). */
export async function adoptValidationJob(run: RunDto, deps?: RunDeps): Promise<RunTask | null> {
  const job = adoptedJob(run, 'validation');
  if (!job) return null;
  const d = await resolveRunDeps(deps);
  const checks = await rulesOfRun(d, run);
  const params = run.parameters as { sample_rows?: number | null; sample_limit?: number; visible_columns?: string[] };
  return validationJobTask(
    run.id,
    {
      tableName: run.table_name,
      ref: job.ref,
      checks,
      version: run.rule_set_version,
      fingerprint: run.rule_set_fingerprint ?? ruleSetFingerprint(checks),
      sampleRows: params.sample_rows ?? null,
      sampleLimit: params.sample_limit ?? 10,
      visibleColumns: Array.isArray(params.visible_columns) ? params.visible_columns : null,
    },
    d,
    job.handle,
  );
}

// ---- Runs whose rows are read again (failing rows: ./failing-rows.ts) ----

export function validationRunOrRefuse(run: RunDetail): void {
  if (run.kind !== 'validation') throw badRequest(`Run ${run.id} is a ${run.kind} run; failing rows and reports belong to validation runs.`);
}

// ---- Reports ----

export interface ValidationReport {
  filename: string;
  content_type: string;
  body: string;
}

export { csvCell };

const REPORT_COLUMNS = [
  'rule_name',
  'function',
  'criticality',
  'columns',
  'filter',
  'status',
  'rows_evaluated',
  'failing_rows',
  'pass_rate',
  'message',
  'run_evaluation',
] as const;

/**
 * The report of a finished validation run: JSON (run, summary and per-rule results) or CSV (one
 * row per rule, each with the run's evaluation: `incomplete` when a rule was not evaluated). 409
 * while the run has no results.
 */
export async function validationReport(caller: Caller, runId: string, format: ReportFormat, deps?: RunDeps): Promise<ValidationReport> {
  const d = await resolveRunDeps(deps);
  const run = await getRun(caller, runId, d);
  validationRunOrRefuse(run);
  if (run.status !== 'succeeded') {
    throw conflict(`Run ${run.id} has no results to report: it is ${run.status}.`, { status: run.status });
  }
  const output = run.output as ValidationOutput | null;
  const rules = output?.rules ?? [];
  const base = `dqx_validation_${run.table_name.replace(/[^a-z0-9_-]+/gi, '_')}_${run.id.slice(0, 8)}`;
  if (format === 'csv') {
    const lines = [REPORT_COLUMNS.join(',')];
    for (const r of rules) {
      lines.push(
        [
          csvCell(r.name),
          csvCell(r.function),
          csvCell(r.criticality),
          csvCell(r.columns ? r.columns.join(', ') : null),
          csvCell(r.filter),
          csvCell(r.status),
          csvCell(r.rows_evaluated),
          csvCell(r.failing_rows),
          csvCell(r.pass_rate),
          csvCell(r.message),
          csvCell(run.evaluation),
        ].join(','),
      );
    }
    return { filename: `${base}.csv`, content_type: 'text/csv; charset=utf-8', body: lines.join('\r\n') + '\r\n' };
  }
  const report = {
    report: 'dqx-validation',
    run_id: run.id,
    table_name: run.table_name,
    rule_set_version: run.rule_set_version,
    rule_set_fingerprint: run.rule_set_fingerprint,
    dry_run: output?.dry_run ?? false,
    sample_rows: output?.sample_rows ?? null,
    engine: run.engine,
    started_by: run.started_by,
    started_at: run.started_at,
    finished_at: run.finished_at,
    evaluation: run.evaluation,
    summary: run.summary,
    rules: rules.map((r) => ({
      name: r.name,
      function: r.function,
      criticality: r.criticality,
      columns: r.columns,
      filter: r.filter,
      status: r.status,
      rows_evaluated: r.rows_evaluated,
      failing_rows: r.failing_rows,
      pass_rate: r.pass_rate,
      message: r.message,
    })),
  };
  return { filename: `${base}.json`, content_type: 'application/json; charset=utf-8', body: JSON.stringify(report, null, 2) + '\n' };
}
