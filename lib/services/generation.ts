/**
 * Rule generation as a run: profile the table on the caller's warehouse, derive rules from the
 * profile (the recommended rules by default, or DQX's own with mode `dqx`), ask the language model
 * for more when one is configured, merge them without duplicates (each rule with its origin and
 * evidence), measure every rule on the whole table (the rows it would fail, the expected pass rate,
 * "likely too strict" flags with a correction), validate the result, and store it as the run's
 * output. The steps are in `generation-pipeline.ts`. The run executes in the background (the
 * in-process runner), so it survives closing the page; the page polls it with `getRun`.
 *
 * In databricks mode, "run as job" profiles with DQX itself in a Databricks job instead; the job
 * runs as the app's service principal, so the caller's access to the table is proved first with the
 * caller's own warehouse (createRun does), and the run records who started it.
 */
import 'server-only';

import { z } from 'zod';

import type { Caller } from '@/lib/auth/caller';
import {
  compileProfile,
  compileRobustProfile,
  parseProfileOptions,
  ruleFingerprint,
  UnsafeFilterError,
  validateChecks,
  type ColumnSummaryStats,
  type DqProfile,
  type DqxCheck,
  type ProfileOptions,
  type SamplingPlan,
  type TableSchema,
} from '@/lib/dqx';
import { badRequest, conflict, isAppError } from '@/lib/errors';
import type { RunContext, RunSuccess, RunTask, StepSpec } from '@/lib/jobs/local/local-runner';
import { ProfileOptionsSchema as JobProfileOptionsSchema, type GenerationResult } from '@/lib/jobs/contract';
import type { JobHandle } from '@/lib/jobs/port';
import { quoteQualified } from '@/lib/sql/quote';

import type { SaveGeneratedRuleSetInput, StartGenerationInput } from './generation-schemas';
import { jobPathRefusal } from './job-governance';
import {
  mergeRules,
  produceGeneration,
  type GenerationMode,
  type GenerationOutput,
  type GenerationParams,
  type RuleOrigin,
} from './generation-pipeline';
import { adoptedJob, jobRunTask } from './job-run-task';
import { consumeModelCall } from './limits';
import { resolveRunDeps, type ResolvedRunDeps, type RunDeps } from './run-deps';
import { normaliseProvenance, provenanceFromRun } from './rule-provenance';
import { saveRuleSet, type SavedRuleSetVersion } from './rule-sets';
import { assertRunCapacity, createRun, getRun, type RunDto } from './runs';
import { parseTableName } from './table-name';
import { schemaOf } from './table-schema';

export type { SaveGeneratedRuleSetInput, StartGenerationInput } from './generation-schemas';
export {
  checkCatalogSummary,
  mergeRules,
  TOO_STRICT_SHARE,
  type ColumnStatsOut,
  type DoubtfulModelRule,
  type DroppedModelRule,
  type GeneratedRuleOut,
  type GenerationImpact,
  type GenerationMode,
  type GenerationModelInfo,
  type GenerationOutput,
  type RuleCorrection,
  type RuleFlag,
  type RuleImpact,
  type RuleOrigin,
} from './generation-pipeline';

const LOCAL_STEPS: StepSpec[] = [
  { key: 'describe', label: 'Read the table’s columns', weight: 1 },
  { key: 'profile', label: 'Profile the data', weight: 6 },
  { key: 'profile_rules', label: 'Derive rules from the profile', weight: 1 },
  { key: 'model_rules', label: 'Ask the language model for rules', weight: 6 },
  { key: 'impact', label: 'Count the rows each rule would fail', weight: 3 },
  { key: 'merge', label: 'Merge and validate the rules', weight: 1 },
];

const JOB_STEPS: StepSpec[] = [
  { key: 'start_job', label: 'Start the Databricks job', weight: 1 },
  { key: 'wait_job', label: 'Profile and generate with DQX in the job', weight: 12 },
  { key: 'merge', label: 'Merge and validate the rules', weight: 1 },
];

function zodIssues(error: z.ZodError, prefix: string) {
  return error.issues.map((i) => ({ path: [prefix, ...i.path].join('.'), message: i.message }));
}

function resolveSampling(sampleRows: StartGenerationInput['sampleRows'], mode: GenerationMode) {
  if (sampleRows !== undefined) return sampleRows;
  return mode === 'dqx' ? 'dqx_default' : 'whole_table';
}

/** DQX profiler options that only DQX's profile reads (everything but the filter). */
function dqxOnlyOptions(input: StartGenerationInput['profileOptions']): string[] {
  return Object.keys(input ?? {}).filter((k) => k !== 'filter');
}

/**
 * Start generating rules for `input.table`. 404 when the caller cannot read it; 400 for bad options.
 * Returns the queued run; its output (`GenerationOutput`) is there when it succeeds.
 */
export async function startGeneration(
  caller: Caller,
  input: StartGenerationInput,
  deps?: RunDeps,
): Promise<RunDto> {
  const d = await resolveRunDeps(deps);
  const readable = await d.access.assertCanReadTable(caller, input.table);
  const criticality = input.criticality ?? 'error';
  const request = input.request ?? '';
  const asJob = input.runAsJob === true;
  if (asJob && input.mode === 'recommended') {
    throw badRequest(
      'The recommended rules are computed on the warehouse; a Databricks job runs DQX’s own generator (mode "dqx").',
    );
  }
  const mode: GenerationMode = input.mode ?? (asJob ? 'dqx' : 'recommended');
  if (mode === 'recommended' && dqxOnlyOptions(input.profileOptions).length > 0) {
    throw badRequest(
      `These profile options are DQX profiler settings and apply to mode "dqx" only: ${dqxOnlyOptions(input.profileOptions).join(', ')}. The recommended generator takes only "filter".`,
      {
        issues: dqxOnlyOptions(input.profileOptions).map((k) => ({
          path: `profile_options.${k}`,
          message: 'applies to mode "dqx" only',
        })),
      },
    );
  }

  let options: ProfileOptions;
  try {
    options = parseProfileOptions(input.profileOptions ?? {});
  } catch (error) {
    if (error instanceof z.ZodError)
      throw badRequest('Invalid profile options.', { issues: zodIssues(error, 'profile_options') });
    throw error;
  }
  // Compile once now, so a bad option (an unsafe filter, say) is a 400 and not a failed run.
  const wh = d.warehouseOf(caller);
  const source = quoteQualified(wh.dialect, [readable.ref.catalog, readable.ref.schema, readable.ref.table]);
  try {
    const schema = schemaOf(readable.name, readable.description.columns);
    if (mode === 'dqx')
      compileProfile(schema, source, { dialect: wh.dialect, options, sampleRows: input.sampleRows });
    else compileRobustProfile(schema, source, { dialect: wh.dialect, filter: options.filter });
  } catch (error) {
    if (error instanceof UnsafeFilterError)
      throw badRequest(`The profile filter is refused: ${error.message}`);
    if (error instanceof Error && !isAppError(error))
      throw badRequest(`The profile options cannot be used: ${error.message}`);
    throw error;
  }

  if (asJob && d.mode !== 'databricks') {
    throw badRequest(
      'Running as a Databricks job needs databricks mode; in local mode generation runs in the app.',
    );
  }
  if (asJob && options.filter) {
    throw badRequest(
      'A profile filter cannot be sent to the generation job; profile on the warehouse instead.',
    );
  }
  // The job reads the table as its own principal: a table with a row filter or column mask never
  // goes there (its statistics and rules would describe rows and values this user cannot see).
  const jobRefusal = asJob ? await jobPathRefusal(wh, readable.ref, readable.name) : null;
  if (jobRefusal) {
    throw badRequest(`${jobRefusal} Generate on the SQL warehouse instead (without run_as_job).`);
  }
  const engine = asJob ? 'job' : d.mode === 'local' ? 'local' : 'warehouse';
  const steps = asJob ? JOB_STEPS : LOCAL_STEPS;
  // the run asks the language model once (and once more to repair invalid rules): counted now, so
  // a caller past the limit gets a 429 instead of a run
  if (!asJob && d.chatModel) {
    await assertRunCapacity(caller, d);
    await consumeModelCall(caller);
  }
  const run = await createRun(
    caller,
    {
      kind: 'generation',
      table: readable.name,
      engine,
      parameters: {
        request,
        mode,
        sample_rows: resolveSampling(input.sampleRows, mode),
        profile_options: input.profileOptions ?? {},
        criticality,
        run_as_job: asJob,
        visible_columns: readable.description.columns.map((c) => c.name),
      },
      steps: steps.map((s) => ({ key: s.key, label: s.label, status: 'pending' })),
    },
    d,
  );

  const params: GenerationParams = {
    tableName: readable.name,
    ref: readable.ref,
    request,
    mode,
    options,
    sampleRows: input.sampleRows,
    criticality,
    visibleColumns: readable.description.columns.map((c) => c.name),
  };
  (await d.runner()).enqueue(
    asJob
      ? generationJobTask(run.id, params, d, null)
      : {
          runId: run.id,
          // DuckDB works in this process; a SQL warehouse works elsewhere while the run waits
          lane: engine === 'local' ? 'work' : 'wait',
          owner: caller.id,
          tokenExpiresAt: caller.token?.expiresAt(),
          steps,
          execute: (ctx) =>
            generateLocally(ctx, caller, params, d, engine === 'local' ? 'local' : 'warehouse'),
        },
  );
  return run;
}

async function generateLocally(
  ctx: RunContext,
  caller: Caller,
  p: GenerationParams,
  d: ResolvedRunDeps,
  engine: 'local' | 'warehouse',
): Promise<RunSuccess> {
  const env = {
    warehouse: d.warehouseOf(caller),
    caller,
    access: d.access,
    chatModel: d.chatModel,
    modelStatus: d.modelStatus,
  };
  return produceGeneration(env, p, ctx, engine);
}

// ---- Job path (databricks mode) ----

function jobSampling(sampleRows: StartGenerationInput['sampleRows'], options: ProfileOptions) {
  if (sampleRows === 'all') return { sampleLimit: null, sampleFraction: 1 };
  if (typeof sampleRows === 'number') return { sampleLimit: sampleRows, sampleFraction: 1 };
  return {
    sampleLimit: options.limit ? options.limit : null,
    sampleFraction: options.sample_fraction && options.sample_fraction > 0 ? options.sample_fraction : 1,
  };
}

/** The profile options the job accepts, from the caller's (only those the job contract knows). */
function jobProfileOptions(options: ProfileOptions) {
  const keys = Object.keys(JobProfileOptionsSchema.shape) as (keyof typeof JobProfileOptionsSchema.shape)[];
  const picked: Record<string, unknown> = {};
  for (const key of keys) picked[key] = options[key as keyof ProfileOptions];
  return JobProfileOptionsSchema.parse(picked);
}

const JOB_DQX_SAMPLING: SamplingPlan['kind'] = 'dqx';

/** The job's result as the same output the local path stores. */
export function generationOutputFromJob(
  jobResult: GenerationResult,
  p: { tableName: string; request: string; criticality: 'error' | 'warn'; visibleColumns?: string[] | null },
  modelConfigured: { configured: boolean; name: string | null },
): GenerationOutput {
  const result = visibleOnly(jobResult, p.visibleColumns ?? null);
  const schema: TableSchema = { name: p.tableName, columns: result.columns };
  const profileRules = result.profile_rules.map((rule) => ({
    check: rule as unknown as DqxCheck,
    evidence: { source: 'dqx_job' as const },
  }));
  const modelName = result.ai.endpoint ?? modelConfigured.name ?? 'model';
  const merged = mergeRules(profileRules, result.ai.rules as unknown as DqxCheck[], modelName);
  const validation = validateChecks(
    merged.rules.map((r) => r.check),
    { table: schema },
  );
  const limit = result.sample.limit;
  return {
    table_name: p.tableName,
    request: p.request,
    mode: 'dqx',
    rules: merged.rules,
    dropped_model_rules: merged.duplicates,
    impact: null,
    model: {
      configured: result.ai.requested,
      name: result.ai.used ? modelName : modelConfigured.name,
      reason: result.ai.used ? null : (result.ai.message ?? 'DQX’s AI-assisted generation was not used.'),
      repaired: 0,
    },
    rows_profiled: result.sample.profiled_rows,
    sampling: {
      kind: JOB_DQX_SAMPLING,
      filter: null,
      fraction: result.sample.fraction === 1 ? null : result.sample.fraction,
      seed: result.sample.seed,
      limit,
      description: `Profiled by DQX in a Databricks job: ${result.sample.profiled_rows} rows${
        result.sample.fraction < 1
          ? ` (a ${Math.round(result.sample.fraction * 100)}% sample` +
            (limit ? `, at most ${limit} rows)` : ')')
          : limit
            ? ` (at most ${limit})`
            : ''
      }.`,
    },
    profiles: result.profiles.map((x) => ({ ...x, parameters: x.parameters as DqProfile['parameters'] })),
    summary_stats: result.summary_stats as Record<string, ColumnSummaryStats>,
    columns: result.columns.map((c) => ({ ...c, comment: null })),
    validation: { errors: validation.errors, warnings: validation.warnings },
    criticality: p.criticality,
    engine: 'job',
    generated_at: result.generated_at,
  };
}

/** Whether a rule names only columns in `visible` (its `column`, `columns` and `col_name` arguments). */
function namesVisibleColumns(rule: unknown, visible: Set<string>): boolean {
  const args = ((rule as { check?: { arguments?: Record<string, unknown> } })?.check?.arguments ?? {}) as Record<string, unknown>;
  const named = [args.column, args.col_name, ...(Array.isArray(args.columns) ? args.columns : [])].filter((c) => typeof c === 'string') as string[];
  return named.every((c) => visible.has(c));
}

/**
 * The job's result cut down to the columns the user can read (the job read the table as its own
 * principal): other columns, their statistics, profiles and rules are dropped. Null: unknown, so
 * nothing column-specific is kept.
 */
function visibleOnly(result: GenerationResult, visibleColumns: string[] | null): GenerationResult {
  const visible = new Set(visibleColumns ?? []);
  const stats = Object.fromEntries(Object.entries(result.summary_stats).filter(([column]) => visible.has(column)));
  return {
    ...result,
    columns: result.columns.filter((c) => visible.has(c.name)),
    summary_stats: stats as GenerationResult['summary_stats'],
    profiles: result.profiles.filter((x) => visible.has((x as { column?: string }).column ?? '')),
    profile_rules: result.profile_rules.filter((r) => namesVisibleColumns(r, visible)),
    ai: { ...result.ai, rules: result.ai.rules.filter((r) => namesVisibleColumns(r, visible)) },
  };
}

function generationJobTask(
  runId: string,
  p: GenerationParams,
  d: ResolvedRunDeps,
  existing: JobHandle | null,
): RunTask {
  return jobRunTask(
    {
      runId,
      kind: 'generation',
      steps: JOB_STEPS,
      existing,
      request: () => ({
        kind: 'generation',
        runId,
        table: p.ref,
        userPrompt: p.request,
        ...jobSampling(p.sampleRows, p.options),
        criticality: p.criticality,
        profileOptions: jobProfileOptions(p.options),
        aiAssisted: d.modelStatus.configured,
      }),
      async finish(ctx, result) {
        const output = await ctx.step('merge', async () =>
          generationOutputFromJob(result, p, {
            configured: d.modelStatus.configured,
            name: d.modelStatus.model,
          }),
        );
        return { output, message: `Generated ${output.rules.length} rules with DQX in a Databricks job.` };
      },
    },
    d,
  );
}

/** A generation job run left by a previous process: follow the job again (see run-runner.ts). */
export async function adoptGenerationJob(run: RunDto, deps?: RunDeps): Promise<RunTask | null> {
  const job = adoptedJob(run, 'generation');
  if (!job) return null;
  const d = await resolveRunDeps(deps);
  const params = run.parameters as { request?: string; criticality?: 'error' | 'warn'; visible_columns?: string[] };
  return generationJobTask(
    run.id,
    {
      tableName: run.table_name,
      ref: job.ref,
      request: params.request ?? '',
      mode: 'dqx',
      options: parseProfileOptions({}),
      sampleRows: undefined,
      criticality: params.criticality ?? 'error',
      visibleColumns: Array.isArray(params.visible_columns) ? params.visible_columns : null,
    },
    d,
    job.handle,
  );
}

// ---- Saving what was generated ----

export type SavedRuleOrigin = RuleOrigin | 'edited';

/**
 * Save rules from the generator as the next version (it becomes active). With a generation run, the
 * version's metadata records `rows_profiled`, `sampling`, the model and each saved rule's origin
 * (`profile`, `model`, or `edited` for a rule that is not exactly as generated), taken from the
 * stored run after checking the caller may read it.
 */
export async function saveGeneratedRuleSet(
  caller: Caller,
  input: SaveGeneratedRuleSetInput,
  deps?: RunDeps,
): Promise<SavedRuleSetVersion> {
  const d = await resolveRunDeps(deps);
  const table = parseTableName(input.table).name;
  let metadata: Record<string, unknown> = { ...(input.metadata ?? {}), source: 'generator' };
  let provenance = normaliseProvenance(input.rule_provenance, input.rules);
  if (input.generation_run_id) {
    const run = await getRun(caller, input.generation_run_id, d);
    if (run.kind !== 'generation') throw badRequest(`Run ${run.id} is not a generation run.`);
    if (run.table_name !== table)
      throw badRequest(`Run ${run.id} generated rules for ${run.table_name}, not for ${table}.`);
    if (run.status !== 'succeeded' || !run.output)
      throw conflict(`Run ${run.id} has not produced rules (it is ${run.status}).`);
    const out = run.output as GenerationOutput;
    const origins = new Map<string, RuleOrigin>();
    for (const rule of out.rules) {
      try {
        origins.set(ruleFingerprint(rule.check), rule.origin);
      } catch {
        // a rule that cannot be fingerprinted cannot be matched either
      }
    }
    const saved: SavedRuleOrigin[] = input.rules.map((rule) => {
      try {
        return origins.get(ruleFingerprint(rule as DqxCheck)) ?? 'edited';
      } catch {
        return 'edited';
      }
    });
    metadata = {
      ...metadata,
      generation_run_id: run.id,
      rows_profiled: out.rows_profiled,
      sampling: out.sampling,
      generation_mode: out.mode ?? 'dqx',
      ...(out.impact ? { expected_pass_rate: out.impact.expected_pass_rate, rules_flagged: out.impact.rules_flagged } : {}),
      model: out.model.name,
      origins: saved,
      origin_counts: {
        profile: saved.filter((o) => o === 'profile').length,
        model: saved.filter((o) => o === 'model').length,
        edited: saved.filter((o) => o === 'edited').length,
      },
    };
    provenance = provenanceFromRun(input.rules, provenance, out.rules);
  }
  return saveRuleSet(
    caller,
    table,
    {
      rules: input.rules,
      user_prompt: input.user_prompt ?? null,
      ...(input.ai_summary === undefined ? {} : { ai_summary: input.ai_summary }),
      metadata,
      ...(provenance ? { rule_provenance: provenance } : {}),
      ...(input.propose ? { propose: true } : {}),
    },
    d,
  );
}
