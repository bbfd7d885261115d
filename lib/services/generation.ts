/**
 * Rule generation as a run: profile the table (one SQL scan on the caller's warehouse), derive
 * DQX's rules from the profile, ask the language model for more when one is configured, merge the
 * two without duplicates (each rule with its origin and evidence), validate the result, and store it
 * as the run's output. The run executes in the background (the in-process runner), so it survives
 * closing the page; the page polls it with `getRun`.
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
  expandChecks,
  formatDqxValue,
  generateRules,
  listChecks,
  parseProfileOptions,
  ruleFingerprint,
  rowsToObjects,
  UnsafeFilterError,
  validateChecks,
  type ColumnSummaryStats,
  type DqProfile,
  type DqxCheck,
  type ProfileOptions,
  type RuleEvidence,
  type RuleIssue,
  type SamplingPlan,
  type TableSchema,
} from '@/lib/dqx';
import { badRequest, conflict, isAppError } from '@/lib/errors';
import type { RunContext, RunSuccess, RunTask, StepSpec } from '@/lib/jobs/local/local-runner';
import { ProfileOptionsSchema as JobProfileOptionsSchema, type GenerationResult } from '@/lib/jobs/contract';
import type { JobHandle } from '@/lib/jobs/port';
import { generateRulesWithModel, type CheckSummary } from '@/lib/llm';
import { quoteQualified } from '@/lib/sql/quote';
import type { TableRef } from '@/lib/warehouse/port';

import type { SaveGeneratedRuleSetInput, StartGenerationInput } from './generation-schemas';
import { adoptedJob, jobRunTask } from './job-run-task';
import { resolveRunDeps, type ResolvedRunDeps, type RunDeps } from './run-deps';
import { normaliseProvenance, provenanceFromRun } from './rule-provenance';
import { saveRuleSet, type SavedRuleSetVersion } from './rule-sets';
import { createRun, getRun, type RunDto } from './runs';
import { parseTableName } from './table-name';
import { describeOrFail, schemaOf } from './table-schema';

export type { SaveGeneratedRuleSetInput, StartGenerationInput } from './generation-schemas';

/** Where a generated rule came from. */
export type RuleOrigin = 'profile' | 'model';

export interface GeneratedRuleOut {
  /** The DQX rule (metadata form), ready for the editor and for saving. */
  check: DqxCheck;
  origin: RuleOrigin;
  /** Profile rules: the statistics behind them. Model rules: which model proposed it. */
  evidence: RuleEvidence | { model: string } | { source: 'dqx_job' };
}

export interface DroppedModelRule {
  /** The rule as the model wrote it. */
  rule: unknown;
  /** `invalid`: it failed the engine's validation (after one repair round); `duplicate`: it repeats a profile rule. */
  reason: 'invalid' | 'duplicate';
  errors: string[];
}

export interface GenerationModelInfo {
  configured: boolean;
  /** The model (or serving endpoint) that was asked. */
  name: string | null;
  /** Why no model rules are included, when there are none; null otherwise. */
  reason: string | null;
  /** Invalid model rules the model fixed when sent back with their errors. */
  repaired: number;
}

/** What a succeeded generation run stores as its output (`getRun(...).output`). */
export interface GenerationOutput {
  table_name: string;
  request: string;
  rules: GeneratedRuleOut[];
  dropped_model_rules: DroppedModelRule[];
  model: GenerationModelInfo;
  /** Rows the profile was computed over (the sample actually read). */
  rows_profiled: number;
  /** How those rows were chosen, with a sentence for the user. */
  sampling: SamplingPlan;
  profiles: DqProfile[];
  summary_stats: Record<string, ColumnSummaryStats>;
  columns: { name: string; type: string; comment: string | null }[];
  /** The engine's validation of the merged rules against the table (warnings mostly). */
  validation: { errors: RuleIssue[]; warnings: RuleIssue[] };
  criticality: 'error' | 'warn';
  engine: 'local' | 'warehouse' | 'job';
  generated_at: string;
}

const LOCAL_STEPS: StepSpec[] = [
  { key: 'describe', label: 'Read the table’s columns', weight: 1 },
  { key: 'profile', label: 'Profile the data', weight: 6 },
  { key: 'profile_rules', label: 'Derive rules from the profile', weight: 1 },
  { key: 'model_rules', label: 'Ask the language model for rules', weight: 6 },
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

/** The check catalog as the model sees it: every function with its level, description and arguments. */
export function checkCatalogSummary(): CheckSummary[] {
  return listChecks().map((c) => ({
    function: c.name,
    level: c.level,
    description: c.description,
    arguments: c.params
      .filter((p) => !p.programmaticOnly)
      .map((p) => ({ name: p.name, type: p.annotation, required: p.required })),
  }));
}

/** A DQX-typed statistic as a plain JSON value for the prompt (numbers stay numbers). */
function plainStat(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 20).map(plainStat);
  const tagged = value as { type?: string; value?: unknown };
  if (tagged.type === 'int' || tagged.type === 'float') {
    const n = Number(tagged.value);
    return Number.isFinite(n) ? n : String(tagged.value);
  }
  try {
    return formatDqxValue(value as never);
  } catch {
    return JSON.stringify(value);
  }
}

/** A small per-column summary of the profile for the prompt. */
function compactProfile(summaryStats: Record<string, ColumnSummaryStats>, rowsProfiled: number) {
  const columns: Record<string, Record<string, unknown>> = {};
  for (const [column, stats] of Object.entries(summaryStats)) {
    columns[column] = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, plainStat(v)]));
  }
  return { rowsProfiled, columns };
}

/** What a rule is about: its function and the columns it checks (after for_each_column expansion). */
function targetOf(check: DqxCheck): string {
  const [expanded] = expandChecks([check]);
  return `${check.check.function}\u0000${JSON.stringify(expanded?.columns ?? null)}`;
}

/**
 * Profile rules first, then the model's rules that add something: a model rule is dropped when it
 * is the same rule as one already in (same function, arguments and filter: the rule fingerprint) or
 * when it checks the same column with the same function as a profile rule. Model rules with
 * for_each_column are split into one rule per column first.
 */
export function mergeRules(
  profileRules: { check: DqxCheck; evidence: GeneratedRuleOut['evidence'] }[],
  modelRules: DqxCheck[],
  modelName: string,
): { rules: GeneratedRuleOut[]; duplicates: DroppedModelRule[] } {
  const rules: GeneratedRuleOut[] = [];
  const fingerprints = new Set<string>();
  const profileTargets = new Map<string, DqxCheck>();
  for (const rule of profileRules) {
    const fp = ruleFingerprint(rule.check);
    if (fingerprints.has(fp)) continue;
    fingerprints.add(fp);
    profileTargets.set(targetOf(rule.check), rule.check);
    rules.push({ check: rule.check, origin: 'profile', evidence: rule.evidence });
  }
  const duplicates: DroppedModelRule[] = [];
  for (const raw of modelRules) {
    const singles = raw.check.for_each_column ? expandChecks([raw]).map((e) => e.check) : [raw];
    for (const check of singles) {
      const fp = ruleFingerprint(check);
      if (fingerprints.has(fp)) {
        duplicates.push({ rule: check, reason: 'duplicate', errors: ['It is the same rule as one already in the list.'] });
        continue;
      }
      const same = profileTargets.get(targetOf(check));
      if (same) {
        const name = expandChecks([same])[0]?.name ?? same.check.function;
        duplicates.push({
          rule: check,
          reason: 'duplicate',
          errors: [`It repeats the profile rule ${name} (the same check on the same column).`],
        });
        continue;
      }
      fingerprints.add(fp);
      rules.push({ check, origin: 'model', evidence: { model: modelName } });
    }
  }
  return { rules, duplicates };
}

function resolveSampling(sampleRows: StartGenerationInput['sampleRows']) {
  return sampleRows === undefined ? 'dqx_default' : sampleRows;
}

/**
 * Start generating rules for `input.table`. 404 when the caller cannot read it; 400 for bad options.
 * Returns the queued run; its output (`GenerationOutput`) is there when it succeeds.
 */
export async function startGeneration(caller: Caller, input: StartGenerationInput, deps?: RunDeps): Promise<RunDto> {
  const d = await resolveRunDeps(deps);
  const readable = await d.access.assertCanReadTable(caller, input.table);
  const criticality = input.criticality ?? 'error';
  const request = input.request ?? '';

  let options: ProfileOptions;
  try {
    options = parseProfileOptions(input.profileOptions ?? {});
  } catch (error) {
    if (error instanceof z.ZodError) throw badRequest('Invalid profile options.', { issues: zodIssues(error, 'profile_options') });
    throw error;
  }
  // Compile once now, so a bad option (an unsafe filter, say) is a 400 and not a failed run.
  const wh = d.warehouseOf(caller);
  try {
    compileProfile(schemaOf(readable.name, readable.description.columns), quoteQualified(wh.dialect, [readable.ref.catalog, readable.ref.schema, readable.ref.table]), {
      dialect: wh.dialect,
      options,
      sampleRows: input.sampleRows,
    });
  } catch (error) {
    if (error instanceof UnsafeFilterError) throw badRequest(`The profile filter is refused: ${error.message}`);
    if (error instanceof Error && !isAppError(error)) throw badRequest(`The profile options cannot be used: ${error.message}`);
    throw error;
  }

  const asJob = input.runAsJob === true;
  if (asJob && d.mode !== 'databricks') {
    throw badRequest('Running as a Databricks job needs databricks mode; in local mode generation runs in the app.');
  }
  if (asJob && options.filter) {
    throw badRequest('A profile filter cannot be sent to the generation job; profile on the warehouse instead.');
  }
  const engine = asJob ? 'job' : d.mode === 'local' ? 'local' : 'warehouse';
  const steps = asJob ? JOB_STEPS : LOCAL_STEPS;
  const run = await createRun(
    caller,
    {
      kind: 'generation',
      table: readable.name,
      engine,
      parameters: {
        request,
        sample_rows: resolveSampling(input.sampleRows),
        profile_options: input.profileOptions ?? {},
        criticality,
        run_as_job: asJob,
      },
      steps: steps.map((s) => ({ key: s.key, label: s.label, status: 'pending' })),
    },
    d,
  );

  const params = { tableName: readable.name, ref: readable.ref, request, options, sampleRows: input.sampleRows, criticality };
  (await d.runner()).enqueue(
    asJob
      ? generationJobTask(run.id, params, d, null)
      : {
          runId: run.id,
          lane: 'work',
          steps,
          execute: (ctx) => generateLocally(ctx, caller, params, d, engine === 'local' ? 'local' : 'warehouse'),
        },
  );
  return run;
}

interface GenerationParams {
  tableName: string;
  ref: TableRef;
  request: string;
  options: ProfileOptions;
  sampleRows: StartGenerationInput['sampleRows'];
  criticality: 'error' | 'warn';
}

async function generateLocally(
  ctx: RunContext,
  caller: Caller,
  p: GenerationParams,
  d: ResolvedRunDeps,
  engine: 'local' | 'warehouse',
): Promise<RunSuccess> {
  const wh = d.warehouseOf(caller);
  const description = await ctx.step('describe', () => describeOrFail(wh, p.ref, p.tableName));
  const schema = schemaOf(p.tableName, description.columns);
  const source = quoteQualified(wh.dialect, [description.catalog, description.schema, description.table]);

  const profile = await ctx.step(
    'profile',
    async () => {
      const compiled = compileProfile(schema, source, { dialect: wh.dialect, options: p.options, sampleRows: p.sampleRows });
      const result = await wh.query(compiled.sql, { signal: ctx.signal });
      return compiled.decode(rowsToObjects(result));
    },
    'Profiling the data in one scan…',
  );

  const profileRules = await ctx.step('profile_rules', async () => generateRules(profile.profiles, { criticality: p.criticality }));

  const model = d.chatModel;
  let modelRules: DqxCheck[] = [];
  let dropped: DroppedModelRule[] = [];
  const modelInfo: GenerationModelInfo = {
    configured: d.modelStatus.configured && model !== null,
    name: model?.model ?? d.modelStatus.model,
    reason: null,
    repaired: 0,
  };
  if (model) {
    await ctx.step(
      'model_rules',
      async () => {
        try {
          const answer = await generateRulesWithModel(
            model,
            {
              table: schema,
              tableName: p.tableName,
              columns: description.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
              profile: compactProfile(profile.summaryStats, profile.rowsProfiled),
              existingRules: profileRules.map((r) => r.check),
              checks: checkCatalogSummary(),
              request: p.request,
            },
            { signal: ctx.signal },
          );
          modelRules = answer.rules;
          modelInfo.repaired = answer.repaired;
          dropped = answer.dropped.map((x) => ({ rule: x.rule, reason: 'invalid' as const, errors: x.errors }));
        } catch (error) {
          ctx.throwIfCancelled();
          // The profile rules stand on their own: report the model's failure instead of failing the run.
          if (!isAppError(error)) throw error;
          modelInfo.reason = `The language model could not be used, so the rules come from the profile only: ${error.message}`;
        }
      },
      `Asking ${model.model} for rules…`,
    );
  } else {
    modelInfo.reason = d.modelStatus.reason ?? 'No language model is configured, so the rules come from the profile only.';
    await ctx.skip('model_rules', modelInfo.reason);
  }

  const output = await ctx.step('merge', async () => {
    const merged = mergeRules(profileRules, modelRules, model?.model ?? 'model');
    const validation = validateChecks(
      merged.rules.map((r) => r.check),
      { table: schema },
    );
    if (modelRules.length > 0 && !merged.rules.some((r) => r.origin === 'model') && modelInfo.reason === null) {
      modelInfo.reason = 'Every rule the model proposed repeats a rule derived from the profile.';
    }
    const out: GenerationOutput = {
      table_name: p.tableName,
      request: p.request,
      rules: merged.rules,
      dropped_model_rules: [...dropped, ...merged.duplicates],
      model: modelInfo,
      rows_profiled: profile.rowsProfiled,
      sampling: profile.sampling,
      profiles: profile.profiles,
      summary_stats: profile.summaryStats,
      columns: description.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      validation: { errors: validation.errors, warnings: validation.warnings },
      criticality: p.criticality,
      engine,
      generated_at: new Date().toISOString(),
    };
    return out;
  });
  const fromModel = output.rules.filter((r) => r.origin === 'model').length;
  return {
    output,
    message: `Generated ${output.rules.length} rule${output.rules.length === 1 ? '' : 's'} (${output.rules.length - fromModel} from the profile of ${output.rows_profiled} rows, ${fromModel} from the model).`,
  };
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
  result: GenerationResult,
  p: { tableName: string; request: string; criticality: 'error' | 'warn' },
  modelConfigured: { configured: boolean; name: string | null },
): GenerationOutput {
  const schema: TableSchema = { name: p.tableName, columns: result.columns };
  const profileRules = result.profile_rules.map((rule) => ({ check: rule as unknown as DqxCheck, evidence: { source: 'dqx_job' as const } }));
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
    rules: merged.rules,
    dropped_model_rules: merged.duplicates,
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
        result.sample.fraction < 1 ? ` (a ${Math.round(result.sample.fraction * 100)}% sample` + (limit ? `, at most ${limit} rows)` : ')') : limit ? ` (at most ${limit})` : ''
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
          generationOutputFromJob(result, p, { configured: d.modelStatus.configured, name: d.modelStatus.model }),
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
  const params = run.parameters as { request?: string; criticality?: 'error' | 'warn' };
  return generationJobTask(
    run.id,
    {
      tableName: run.table_name,
      ref: job.ref,
      request: params.request ?? '',
      options: parseProfileOptions({}),
      sampleRows: undefined,
      criticality: params.criticality ?? 'error',
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
    if (run.table_name !== table) throw badRequest(`Run ${run.id} generated rules for ${run.table_name}, not for ${table}.`);
    if (run.status !== 'succeeded' || !run.output) throw conflict(`Run ${run.id} has not produced rules (it is ${run.status}).`);
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
    },
    d,
  );
}
