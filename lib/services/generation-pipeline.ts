/**
 * What one generation does, whatever runs it (a background run, or `npm run bench:generation`):
 *
 * 1. profile: `recommended` reads every row (a uniform sample above FULL_PROFILE_MAX_ROWS rows)
 *    in one scan, plus one short scan counting the values of low-cardinality text columns and
 *    candidate value shapes; `dqx` runs DQX's own profile (its sampling) for the rules, and the
 *    whole-table profile as well, for the corrections of rules that turn out too strict;
 * 2. rules: the recommended rules (and references to other tables), or DQX's rules;
 * 3. the language model, when one is configured: it sees the profile, the impact of the profile
 *    rules and sample values; its rules are checked by the engine (invalid ones sent back once),
 *    measured on the table, and those failing a large share of rows, or repeating a profile rule,
 *    sent back once more with their impact; what is still doubtful is kept apart, flagged;
 * 4. impact: every rule counted on the whole table in one scan (the validation statement), the
 *    expected pass rate, "likely too strict" flags with a correction each, and the pass rate with
 *    the corrections (one more scan, only when something is flagged).
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import {
  compileProfile,
  compileRobustProfile,
  compileValueCounts,
  expandChecks,
  followUpRequest,
  formatDqxValue,
  generateRules,
  listChecks,
  recommendRules,
  withFollowUpCounts,
  ruleFingerprint,
  rowsToObjects,
  validateChecks,
  type ColumnNote,
  type ColumnSummaryStats,
  type DqProfile,
  type DqxCheck,
  type FieldStats,
  type GeneratedRule,
  type ProfileOptions,
  type Recommendation,
  type RobustProfile,
  type RobustSampling,
  type RuleEvidence,
  type RuleIssue,
  type SamplingPlan,
  type TableSchema,
} from '@/lib/dqx';
import { QUANTILE_GRID } from '@/lib/dqx/profiler/robust-profile';
import { isAppError, notFound } from '@/lib/errors';
import type { RunContext } from '@/lib/jobs/local/local-runner';
import {
  generateRulesWithModel,
  reviseRulesWithModel,
  ruleErrorsAgainst,
  type ChatMessage,
  type ChatModel,
  type CheckSummary,
  type ModelStatus,
  type ReviewProblem,
} from '@/lib/llm';
import { quoteQualified } from '@/lib/sql/quote';
import type { TableDescription, TableRef, Warehouse } from '@/lib/warehouse/port';

import type { TableAccess } from './access';
import { applyCorrections, flagFor, type RuleFlag } from './generation-corrections';
import {
  isTooStrict,
  measureImpact,
  TOO_STRICT_SHARE,
  type ImpactMeasurement,
  type RuleImpact,
} from './generation-impact';
import { inferReferences } from './generation-references';
import { schemaOf } from './table-schema';
import { formatPercent } from '@/lib/format/percent';

export type { RuleFlag, RuleCorrection } from './generation-corrections';
export type { RuleImpact } from './generation-impact';
export { TOO_STRICT_SHARE } from './generation-impact';

/** `recommended`: whole-table, robust rules (the default); `dqx`: DQX's profiler and generator exactly. */
export type GenerationMode = 'recommended' | 'dqx';

/** Tables with more rows than this are profiled on a uniform sample of FULL_PROFILE_SAMPLE_ROWS rows. */
export const FULL_PROFILE_MAX_ROWS = 10_000_000;
export const FULL_PROFILE_SAMPLE_ROWS = 1_000_000;

/** Where a generated rule came from. */
export type RuleOrigin = 'profile' | 'model';

export interface GeneratedRuleOut {
  /** The DQX rule (metadata form), ready for the editor and for saving. */
  check: DqxCheck;
  origin: RuleOrigin;
  /** Profile rules: the statistics behind them. Model rules: which model proposed it. */
  evidence: RuleEvidence | { model: string } | { source: 'dqx_job' };
  /** Rows of the whole table the rule fails (null when not measured, e.g. on the job path). */
  impact?: RuleImpact | null;
  /** Set when the rule fails more than TOO_STRICT_SHARE of the rows, with a suggested correction. */
  flag?: RuleFlag | null;
}

export interface DroppedModelRule {
  /** The rule as the model wrote it. */
  rule: unknown;
  /** `invalid`: it failed the engine's validation (after one repair round); `duplicate`: it repeats a profile rule. */
  reason: 'invalid' | 'duplicate';
  errors: string[];
}

/** A model rule still failing a large share of rows after one review round: shown, never saved silently. */
export interface DoubtfulModelRule {
  rule: DqxCheck;
  message: string;
  impact: RuleImpact | null;
  /** The model revised it once already. */
  revised: boolean;
}

export interface GenerationModelInfo {
  configured: boolean;
  /** The model (or serving endpoint) that was asked. */
  name: string | null;
  /** Why no model rules are included, when there are none; null otherwise. */
  reason: string | null;
  /** Invalid model rules the model fixed when sent back with their errors. */
  repaired: number;
  /** Model rules sent back with their impact (too strict, or repeating a profile rule). */
  reviewed?: number;
  /** Of those, how many came back acceptable. */
  revised?: number;
}

export interface GenerationImpact {
  total_rows: number;
  /** Rows no proposed rule fails. */
  passing_rows: number;
  expected_pass_rate: number;
  rules_flagged: number;
  /** The share of failing rows above which a rule is flagged. */
  too_strict_share: number;
  /** The same with every suggested correction accepted (null when nothing is flagged). */
  with_corrections: { passing_rows: number; expected_pass_rate: number } | null;
}

/** A compact view of the whole-table profile, per column (recommended and dqx mode). */
export interface ColumnStatsOut {
  column: string;
  type: string;
  rows: number;
  nulls: number;
  distinct: number | null;
  min: string | null;
  max: string | null;
  /** Quantiles 1%, 50%, 99% (numbers, dates, timestamps). */
  p01: string | null;
  median: string | null;
  p99: string | null;
  /** Formats most values have, with the share that has them. */
  formats: Record<string, number>;
  examples: string[];
}

/** What a succeeded generation run stores as its output (`getRun(...).output`). */
export interface GenerationOutput {
  table_name: string;
  request: string;
  /** Which generator made the profile rules (absent on runs made before modes existed: dqx). */
  mode?: GenerationMode;
  rules: GeneratedRuleOut[];
  dropped_model_rules: DroppedModelRule[];
  doubtful_model_rules?: DoubtfulModelRule[];
  model: GenerationModelInfo;
  /** Rows the profile was computed over (the sample actually read). */
  rows_profiled: number;
  /** How those rows were chosen, with a sentence for the user. */
  sampling: SamplingPlan;
  /** DQX's profiles (dqx mode; empty in recommended mode). */
  profiles: DqProfile[];
  summary_stats: Record<string, ColumnSummaryStats>;
  /** The whole-table profile, per column. */
  column_stats?: ColumnStatsOut[];
  /** Why columns got no rule of some kind (recommended mode). */
  column_notes?: ColumnNote[];
  /** The rules' impact on the whole table, before anything is saved (null on the job path). */
  impact?: GenerationImpact | null;
  columns: { name: string; type: string; comment: string | null }[];
  /** The engine's validation of the merged rules against the table (warnings mostly). */
  validation: { errors: RuleIssue[]; warnings: RuleIssue[] };
  criticality: 'error' | 'warn';
  engine: 'local' | 'warehouse' | 'job';
  generated_at: string;
}

export interface GenerationParams {
  tableName: string;
  ref: TableRef;
  request: string;
  mode: GenerationMode;
  options: ProfileOptions;
  sampleRows: 'all' | number | undefined;
  criticality: 'error' | 'warn';
  /** Columns the caller can read: a job's output is cut down to them (null: unknown, none kept). */
  visibleColumns?: string[] | null;
}

export interface GenerationEnv {
  warehouse: Warehouse;
  /** Null outside a request (the bench): reference tables are then checked with `warehouse` only. */
  caller: Caller | null;
  access: TableAccess | null;
  chatModel: ChatModel | null;
  modelStatus: ModelStatus;
}

export type GenerationHooks = Pick<RunContext, 'signal' | 'step' | 'skip' | 'throwIfCancelled'>;

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
        duplicates.push({
          rule: check,
          reason: 'duplicate',
          errors: ['It is the same rule as one already in the list.'],
        });
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

/** How the recommended profile chooses its rows. */
export function recommendedSampling(
  sampleRows: 'all' | number | undefined,
  rowCount: number | null,
): RobustSampling {
  if (sampleRows === 'all') return { kind: 'all' };
  if (typeof sampleRows === 'number')
    return rowCount !== null && sampleRows >= rowCount ? { kind: 'all' } : { kind: 'rows', rows: sampleRows };
  if (rowCount !== null && rowCount > FULL_PROFILE_MAX_ROWS)
    return { kind: 'fraction', fraction: FULL_PROFILE_SAMPLE_ROWS / rowCount };
  return { kind: 'all' };
}

const fmt = (v: number | null, family: FieldStats['family']): string | null => {
  if (v === null || v === undefined) return null;
  if (family === 'date') return new Date(v * 86_400_000).toISOString().slice(0, 10);
  if (family === 'timestamp') return new Date(v * 1000).toISOString().replace('.000Z', 'Z');
  return String(Number.isInteger(v) ? v : Number(v.toPrecision(10)));
};

export function columnStats(profile: RobustProfile): ColumnStatsOut[] {
  const q = (s: FieldStats, p: number) =>
    s.quantiles?.[QUANTILE_GRID.indexOf(p as (typeof QUANTILE_GRID)[number])] ?? null;
  return profile.fields.map((s) => {
    const nonEmpty = Math.max(s.nonNull - s.empty, 0);
    const formats: Record<string, number> = {};
    for (const [k, c] of Object.entries(s.formats)) {
      if (c && nonEmpty > 0 && c.matching > 0) formats[k] = Number((c.matching / nonEmpty).toFixed(4));
    }
    return {
      column: s.field.name,
      type:
        s.field.type.kind === 'decimal'
          ? `decimal(${s.field.type.precision},${s.field.type.scale})`
          : s.field.type.kind,
      rows: s.rows,
      nulls: s.rows - s.nonNull,
      distinct: s.distinct,
      min: fmt(s.min, s.family),
      max: fmt(s.max, s.family),
      p01: fmt(q(s, 0.01), s.family),
      median: fmt(q(s, 0.5), s.family),
      p99: fmt(q(s, 0.99), s.family),
      formats,
      examples: s.examples.slice(0, 5),
    };
  });
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

/** The whole-table profile for the prompt: small per-column summaries. */
function promptProfile(
  stats: ColumnStatsOut[],
  rowsProfiled: number,
  notes: ColumnNote[],
  dqxStats: Record<string, ColumnSummaryStats> | null,
) {
  const columns: Record<string, Record<string, unknown>> = {};
  for (const s of stats) {
    const entry: Record<string, unknown> = { type: s.type, nulls: s.nulls, distinct: s.distinct };
    for (const k of ['min', 'p01', 'median', 'p99', 'max'] as const) if (s[k] !== null) entry[k] = s[k];
    if (Object.keys(s.formats).length) entry.formats = s.formats;
    const n = notes.filter((x) => x.column === s.column).map((x) => x.note);
    if (n.length) entry.notes = n;
    columns[s.column] = entry;
  }
  if (dqxStats) {
    for (const [column, st] of Object.entries(dqxStats)) {
      columns[column] = {
        ...(columns[column] ?? {}),
        dqx_sample: Object.fromEntries(Object.entries(st).map(([k, v]) => [k, plainStat(v)])),
      };
    }
  }
  return { rowsProfiled, columns };
}

const count = (n: number) => n.toLocaleString('en-US');

function impactText(impact: RuleImpact | null): string {
  if (!impact || impact.failing_rows === null || impact.rows_evaluated === null)
    return 'its impact could not be measured here';
  const ex = impact.examples.length
    ? `; failing values include ${impact.examples.map((e) => `'${e}'`).join(', ')}`
    : '';
  return `it fails ${count(impact.failing_rows)} of ${count(impact.rows_evaluated)} rows (${formatPercent(impact.failing_share ?? 0)})${ex}`;
}

async function countRows(wh: Warehouse, source: string, signal?: AbortSignal): Promise<number | null> {
  const result = await wh.query(`SELECT count(*) AS n FROM ${source}`, { signal });
  const n = Number(result.rows[0]?.[0]);
  return Number.isFinite(n) ? n : null;
}

/** Run the whole generation for one table; see the module comment. */
export async function produceGeneration(
  env: GenerationEnv,
  p: GenerationParams,
  hooks: GenerationHooks,
  engine: 'local' | 'warehouse',
): Promise<{ output: GenerationOutput; message: string }> {
  const wh = env.warehouse;
  const description: TableDescription = await hooks.step('describe', async () => {
    const found = await wh.describeTable(p.ref);
    if (!found)
      throw notFound(
        `Table ${p.tableName} was not found, or you do not have permission to read it any more.`,
      );
    return found;
  });
  const schema: TableSchema = schemaOf(p.tableName, description.columns);
  const columns = description.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment }));
  const source = quoteQualified(wh.dialect, [description.catalog, description.schema, description.table]);
  const signal = hooks.signal;
  const filter = p.options.filter ?? null;

  // 1. Profile (and the DQX profile in dqx mode).
  const profiled = await hooks.step(
    'profile',
    async () => {
      let dqx: {
        rowsProfiled: number;
        sampling: SamplingPlan;
        profiles: DqProfile[];
        summaryStats: Record<string, ColumnSummaryStats>;
      } | null = null;
      if (p.mode === 'dqx') {
        const compiled = compileProfile(schema, source, {
          dialect: wh.dialect,
          options: p.options,
          sampleRows: p.sampleRows,
        });
        dqx = compiled.decode(rowsToObjects(await wh.query(compiled.sql, { signal })));
      }
      // The row count decides the sampling; a warehouse that does not report it is asked (a
      // count(*) is answered from table metadata on Delta tables).
      const rowCount = description.row_count ?? (await countRows(wh, source, signal));
      const sampling = recommendedSampling(p.mode === 'recommended' ? p.sampleRows : undefined, rowCount);
      const compiled = compileRobustProfile({ name: p.tableName, columns }, source, {
        dialect: wh.dialect,
        sampling,
        filter,
        rowCount,
      });
      const robust = compiled.decode(rowsToObjects(await wh.query(compiled.sql, { signal })));
      const follow = compileValueCounts(schema, source, followUpRequest(robust), {
        dialect: wh.dialect,
        sampling,
        filter,
      });
      const counts = follow ? follow.decode(rowsToObjects(await wh.query(follow.sql, { signal }))) : null;
      return { dqx, robust, counts };
    },
    p.mode === 'dqx'
      ? 'Profiling a DQX sample and the whole table…'
      : 'Profiling the whole table in one scan…',
  );
  const { dqx, robust } = profiled;
  const stats = new Map(robust.fields.map((s) => [s.field.name, s]));
  const notes: ColumnNote[] = [];

  // 2. The profile's rules.
  const derived = await hooks.step('profile_rules', async () => {
    const recommendation: Recommendation = recommendRules(robust, profiled.counts, {
      criticality: p.criticality,
      filter,
    });
    const references = await inferReferences(
      env.caller,
      { warehouse: wh, access: env.access },
      { name: p.tableName, ref: p.ref },
      robust.fields,
      {
        criticality: p.criticality,
        filter,
        signal,
      },
    );
    recommendation.rules.push(...references.rules);
    const rules: GeneratedRule[] =
      p.mode === 'dqx' ? generateRules(dqx!.profiles, { criticality: p.criticality }) : recommendation.rules;
    return { recommendation, rules, referenceTables: references.referenceTables };
  });
  if (p.mode === 'recommended') notes.push(...derived.recommendation.notes);
  const referenceTables = derived.referenceTables;
  const profileRules = derived.rules.map((r) => ({
    check: r.check,
    evidence: r.evidence as GeneratedRuleOut['evidence'],
  }));

  // 3. The language model.
  const model = env.chatModel;
  const modelInfo: GenerationModelInfo = {
    configured: env.modelStatus.configured && model !== null,
    name: model?.model ?? env.modelStatus.model,
    reason: null,
    repaired: 0,
    ...(model ? { reviewed: 0, revised: 0 } : {}),
  };
  let merged: { rules: GeneratedRuleOut[]; duplicates: DroppedModelRule[] } = mergeRules(
    profileRules,
    [],
    'model',
  );
  let dropped: DroppedModelRule[] = [];
  const doubtful: DoubtfulModelRule[] = [];
  const stat = columnStats(withFollowUpCounts(robust, profiled.counts));
  if (model) {
    await hooks.step(
      'model_rules',
      async () => {
        try {
          const profileImpact = await measureImpact(
            wh,
            source,
            schema,
            profileRules.map((r) => r.check),
            { referenceTables, signal },
          );
          const validate = ruleErrorsAgainst(schema);
          const answer = await generateRulesWithModel(
            model,
            {
              table: schema,
              tableName: p.tableName,
              columns,
              profile: promptProfile(
                stat,
                robust.rowsProfiled,
                derived.recommendation.notes,
                dqx ? dqx.summaryStats : null,
              ),
              existingRules: profileRules.map((r) => r.check),
              existingImpact: profileRules.map((r, i) => ({
                rule: expandChecks([r.check])[0]?.name ?? r.check.check.function,
                failing_rows: profileImpact?.rules[i]?.failing_rows ?? null,
                failing_share: profileImpact?.rules[i]?.failing_share ?? null,
              })),
              samples: Object.fromEntries(
                stat.filter((s) => s.examples.length).map((s) => [s.column, s.examples]),
              ),
              checks: checkCatalogSummary(),
              request: p.request,
            },
            { signal, validate },
          );
          modelInfo.repaired = answer.repaired;
          dropped = answer.dropped.map((x) => ({
            rule: x.rule,
            reason: 'invalid' as const,
            errors: x.errors,
          }));
          const first = mergeRules(profileRules, answer.rules, model.model);
          const fromModel = first.rules.filter((r) => r.origin === 'model');
          const modelImpact = fromModel.length
            ? await measureImpact(
                wh,
                source,
                schema,
                fromModel.map((r) => r.check),
                { referenceTables, signal },
              )
            : null;
          const problems: (ReviewProblem & {
            kind: 'too_strict' | 'duplicate';
            impact: RuleImpact | null;
            original: DqxCheck;
          })[] = [];
          fromModel.forEach((r, i) => {
            const impact = modelImpact?.rules[i] ?? null;
            if (isTooStrict(impact)) {
              problems.push({
                index: problems.length,
                rule: r.check,
                original: r.check,
                kind: 'too_strict',
                impact,
                problem: `Measured on the whole table, ${impactText(impact)}. A rule should fail only the rows that are really wrong.`,
              });
            }
          });
          for (const d of first.duplicates) {
            problems.push({
              index: problems.length,
              rule: d.rule,
              original: d.rule as DqxCheck,
              kind: 'duplicate',
              impact: null,
              problem: d.errors.join(' ') + ' Propose a rule that adds something, or null.',
            });
          }
          const accepted = fromModel
            .filter((r, i) => !isTooStrict(modelImpact?.rules[i] ?? null))
            .map((r) => r.check);
          const duplicates: DroppedModelRule[] = [];
          if (problems.length > 0) {
            modelInfo.reviewed = problems.length;
            let revision: Awaited<ReturnType<typeof reviseRulesWithModel>>;
            try {
              revision = await reviseRulesWithModel(model, answer.conversation as ChatMessage[], problems, {
                signal,
                validate,
              });
            } catch (error) {
              hooks.throwIfCancelled();
              if (!isAppError(error)) throw error;
              // The model could not be asked again: keep its good rules, set the others apart.
              const why = [`The model could not be asked to revise it: ${error.message}`];
              revision = { revised: problems.map(() => null), errors: problems.map(() => why) };
            }
            const candidates: { check: DqxCheck; problem: (typeof problems)[number] }[] = [];
            problems.forEach((pr, i) => {
              const revised = revision.revised[i];
              if (revised) candidates.push({ check: revised, problem: pr });
              else if (pr.kind === 'too_strict') {
                doubtful.push({
                  rule: pr.original,
                  impact: pr.impact,
                  revised: false,
                  message: `Likely too strict: ${impactText(pr.impact)}. The model ${revision.errors[i]?.length ? 'could not correct it' : 'withdrew it when asked to correct it'}.`,
                });
              } else {
                duplicates.push({
                  rule: pr.original,
                  reason: 'duplicate',
                  errors: first.duplicates.find((d) => d.rule === pr.original)?.errors ?? [
                    'It repeats a profile rule.',
                  ],
                });
              }
            });
            // Revised rules: no repeats, then measured once more.
            const again = mergeRules(
              profileRules,
              [...accepted, ...candidates.map((c) => c.check)],
              model.model,
            );
            const fresh = again.rules.filter((r) => r.origin === 'model' && !accepted.includes(r.check));
            const freshImpact = fresh.length
              ? await measureImpact(
                  wh,
                  source,
                  schema,
                  fresh.map((r) => r.check),
                  { referenceTables, signal },
                )
              : null;
            fresh.forEach((r, i) => {
              const impact = freshImpact?.rules[i] ?? null;
              if (isTooStrict(impact)) {
                doubtful.push({
                  rule: r.check,
                  impact,
                  revised: true,
                  message: `Still likely too strict after one revision: ${impactText(impact)}.`,
                });
              } else {
                accepted.push(r.check);
                modelInfo.revised = (modelInfo.revised ?? 0) + 1;
              }
            });
            for (const d of again.duplicates) {
              if (candidates.some((c) => c.check === d.rule)) duplicates.push(d);
            }
          }
          merged = mergeRules(profileRules, accepted, model.model);
          merged.duplicates = duplicates;
        } catch (error) {
          hooks.throwIfCancelled();
          // The profile rules stand on their own: report the model's failure instead of failing the run.
          if (!isAppError(error)) throw error;
          modelInfo.reason = `The language model could not be used, so the rules come from the profile only: ${error.message}`;
        }
      },
      `Asking ${model.model} for rules…`,
    );
  } else {
    modelInfo.reason =
      env.modelStatus.reason ?? 'No language model is configured, so the rules come from the profile only.';
    await hooks.skip('model_rules', modelInfo.reason);
  }

  // 4. Impact on the whole table, flags and corrections.
  const impact = await hooks.step(
    'impact',
    async () => {
      const checks = merged.rules.map((r) => r.check);
      if (checks.length === 0) return null;
      const measured: ImpactMeasurement | null = await measureImpact(wh, source, schema, checks, {
        referenceTables,
        signal,
      });
      // a set the engine cannot compile is not measured (its validation errors are in the output)
      if (!measured) return null;
      merged.rules.forEach((r, i) => {
        r.impact = measured.rules[i] ?? null;
        r.flag =
          r.origin === 'profile'
            ? flagFor(r.check, r.impact, { stats, recommendation: derived.recommendation, current: checks })
            : null;
      });
      const flagged = merged.rules.filter((r) => r.flag);
      let withCorrections: GenerationImpact['with_corrections'] = null;
      if (flagged.length > 0) {
        const corrected = applyCorrections(merged.rules);
        const after = corrected.length
          ? await measureImpact(wh, source, schema, corrected, { referenceTables, signal })
          : null;
        const total = after?.total_rows ?? measured.total_rows;
        const passing = after?.passing_rows ?? measured.total_rows;
        withCorrections = { passing_rows: passing, expected_pass_rate: total > 0 ? passing / total : 1 };
        // each replacement's own impact
        let j = 0;
        for (const r of merged.rules) {
          if (!r.flag) {
            j++;
            continue;
          }
          if (r.flag.correction.action === 'replace' && r.flag.correction.rule) {
            r.flag.correction.impact = after?.rules[j] ?? null;
            j++;
          }
        }
      }
      const total = measured.total_rows;
      return {
        total_rows: total,
        passing_rows: measured.passing_rows,
        expected_pass_rate: total > 0 ? measured.passing_rows / total : 1,
        rules_flagged: flagged.length,
        too_strict_share: TOO_STRICT_SHARE,
        with_corrections: withCorrections,
      } satisfies GenerationImpact;
    },
    'Counting, in one scan, the rows each rule would fail…',
  );

  const output = await hooks.step('merge', async () => {
    const validation = validateChecks(
      merged.rules.map((r) => r.check),
      { table: schema },
    );
    if (
      model &&
      modelInfo.reason === null &&
      !merged.rules.some((r) => r.origin === 'model') &&
      (merged.duplicates.length > 0 || doubtful.length > 0)
    ) {
      modelInfo.reason = doubtful.length
        ? 'The model’s rules would fail a large share of the rows even after one revision; they are listed apart, flagged.'
        : 'Every rule the model proposed repeats a rule derived from the profile.';
    }
    const out: GenerationOutput = {
      table_name: p.tableName,
      request: p.request,
      mode: p.mode,
      rules: merged.rules,
      dropped_model_rules: [...dropped, ...merged.duplicates],
      doubtful_model_rules: doubtful,
      model: modelInfo,
      rows_profiled: p.mode === 'dqx' ? dqx!.rowsProfiled : robust.rowsProfiled,
      sampling: p.mode === 'dqx' ? dqx!.sampling : robust.sampling,
      profiles: p.mode === 'dqx' ? dqx!.profiles : [],
      summary_stats: p.mode === 'dqx' ? dqx!.summaryStats : {},
      column_stats: stat,
      column_notes: notes,
      impact,
      columns,
      validation: { errors: validation.errors, warnings: validation.warnings },
      criticality: p.criticality,
      engine,
      generated_at: new Date().toISOString(),
    };
    return out;
  });
  const fromModel = output.rules.filter((r) => r.origin === 'model').length;
  const rate = output.impact
    ? ` Expected pass rate on the whole table: ${formatPercent(output.impact.expected_pass_rate)}.`
    : '';
  return {
    output,
    message: `Generated ${output.rules.length} rule${output.rules.length === 1 ? '' : 's'} (${output.rules.length - fromModel} from the profile of ${output.rows_profiled} rows, ${fromModel} from the model).${rate}`,
  };
}
