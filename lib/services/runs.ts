/**
 * Runs: generation and validation work recorded in the rule store, with status, progress, summary
 * metrics and per-rule results (pass-rate history per table and per rule).
 *
 * Two kinds of functions:
 * - caller functions (create, read, list, cancel, history): each checks that the caller can read the
 *   run's table and every other table the run reads (`read_tables`, recorded when it is created:
 *   reference tables, subqueries). A run id is never a capability: reading a run checks access
 *   again, and a run that reads a table the caller cannot read is, for them, a run that does not
 *   exist (404 for one run, left out of lists, pass-rate histories and the rule-set overview). So a
 *   rule set that user A wrote and user B ran shows B's results only to those who may read all B
 *   read: no one sees values another user's rights produced without holding those rights too.
 * - runner functions (`markRunStarted`, `reportRunProgress`, `completeRun`, `isRunCancelRequested`):
 *   called by the job runners for a run that `createRun` admitted after its access check; they
 *   take the run id only and must never be reachable with an id from a request.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { badRequest, conflict, notFound, tooManyRequests } from '@/lib/errors';
import { tablesReadBy, type DqxCheck } from '@/lib/dqx';
import { isForeignKeyViolation, type Run, type RunEngine, type RunError, type RunKind, type RunProgressStep, type RunRuleResult, type RunSummary } from '@/db';
import * as ruleSetRepo from '@/db/repositories/rule-sets';
import type { Db } from '@/db/repositories/rule-sets';
import * as repo from '@/db/repositories/runs';

import { runFinished, type AlertDeliveryDeps } from './alerting';
import { RunId, type PageInput } from './rule-set-schemas';
import { mapLimited, resolveDeps, type StoreDeps } from './store-deps';
import type { TableAccess } from './access';

export interface RunDto {
  id: string;
  kind: RunKind;
  table_name: string;
  status: Run['status'];
  /**
   * A succeeded validation run: `complete` when every rule was evaluated, `incomplete` when some
   * were not (listed in `summary.not_evaluated`; the pass rate covers the others only). Null for
   * other runs.
   */
  evaluation: RunEvaluation | null;
  progress: { percent: number; message: string | null; steps: RunProgressStep[] };
  started_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  engine: RunEngine;
  rule_set_version: number | null;
  rule_set_fingerprint: string | null;
  parameters: Record<string, unknown>;
  summary: RunSummary | null;
  error: RunError | null;
  external_id: string | null;
  cancel_requested: boolean;
  cancel_requested_by: string | null;
  /** Every table the run reads, its own first; only callers who can read all of them see the run. */
  read_tables: string[];
}

export interface RunDetail extends RunDto {
  output: unknown;
  rule_results: Omit<RunRuleResult, 'run_id'>[];
}

export interface RunPage {
  table_name: string;
  items: RunDto[];
  page: number;
  page_size: number;
  total: number;
}

/** A rule's result as a finished run reports it; its position and pass rate are recorded by completeRun. */
export type RuleResultInput = Omit<RunRuleResult, 'run_id' | 'rule_index' | 'pass_rate'>;

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

export type RunEvaluation = 'complete' | 'incomplete';

/** Whether a run's results cover every rule (see RunDto.evaluation). */
export function runEvaluation(run: Pick<Run, 'kind' | 'status' | 'summary'>): RunEvaluation | null {
  if (run.kind !== 'validation' || run.status !== 'succeeded' || !run.summary) return null;
  return Number(run.summary.rules_not_evaluated ?? 0) > 0 ? 'incomplete' : 'complete';
}

export function runDto(run: Omit<Run, 'output'>): RunDto {
  return {
    id: run.id,
    kind: run.kind,
    table_name: run.table_name,
    status: run.status,
    evaluation: runEvaluation(run),
    progress: { percent: run.progress_percent, message: run.progress_message, steps: run.progress_steps },
    started_by: run.started_by,
    created_at: iso(run.created_at),
    started_at: isoOrNull(run.started_at),
    finished_at: isoOrNull(run.finished_at),
    updated_at: iso(run.updated_at),
    engine: run.engine,
    rule_set_version: run.rule_set_version,
    rule_set_fingerprint: run.rule_set_fingerprint,
    parameters: run.parameters,
    summary: run.summary,
    error: run.error,
    external_id: run.external_id,
    cancel_requested: run.cancel_requested,
    cancel_requested_by: run.cancel_requested_by,
    read_tables: run.read_tables ?? [run.table_name],
  };
}

function parseRunId(id: string): string {
  const parsed = RunId.safeParse(id);
  if (!parsed.success) throw badRequest(`"${String(id).slice(0, 60)}" is not a run id.`);
  return parsed.data;
}

const runNotFound = (id: string) => notFound(`Run ${id} was not found, or you do not have permission to read its table.`);

export interface CreateRunInput {
  kind: RunKind;
  table: string;
  engine: RunEngine;
  /** The saved version the run uses, if any (a draft has only a fingerprint). */
  rule_set_version?: number | null;
  rule_set_fingerprint?: string | null;
  parameters?: Record<string, unknown>;
  steps?: RunProgressStep[];
  /** Every other table the run reads (as the rules name them); the caller must be able to read each. */
  read_tables?: string[];
}

/** Seconds a caller at the run limit is told to wait before starting another. */
const RUN_LIMIT_RETRY_SECONDS = 15;

const runLimitReached = (unfinished: number) =>
  tooManyRequests(
    `You already have ${unfinished} run${unfinished === 1 ? '' : 's'} queued or running, the most allowed at once (DQX_RUNS_PER_USER): wait for one to finish, or cancel one.`,
    RUN_LIMIT_RETRY_SECONDS,
  );

/**
 * 429 when the caller is at the run limit already: a check before work that costs something (a
 * language-model call) is spent on a run that would be refused. `createRun` checks again, under a lock.
 */
export async function assertRunCapacity(caller: Caller, deps?: StoreDeps & { runsPerUser?: number }): Promise<void> {
  const { db } = await resolveDeps(deps);
  const unfinished = await repo.countUnfinishedRunsOf(db, caller.id);
  if (unfinished >= (deps?.runsPerUser ?? getConfig().limits.runsPerUser)) throw runLimitReached(unfinished);
}

/**
 * Record a new queued run, after checking the caller can read the table. 429 with Retry-After when
 * the caller already has `runsPerUser` (DQX_RUNS_PER_USER) runs queued or running: counted in the
 * store, under a per-caller lock, so every app process sees the same count.
 */
export async function createRun(
  caller: Caller,
  input: CreateRunInput,
  deps?: StoreDeps & { runsPerUser?: number },
): Promise<RunDto> {
  const { db, access } = await resolveDeps(deps);
  const { name } = await access.assertCanReadTable(caller, input.table);
  // The caller's own rights decide, before anything starts, whether the run may read each table.
  const others = [...new Set(input.read_tables ?? [])];
  const readable = await mapLimited(others, 8, async (t) => (await access.assertCanReadTable(caller, t)).name);
  const readTables = [name, ...[...new Set(readable)].filter((t) => t !== name).sort()];
  let fingerprint = input.rule_set_fingerprint ?? null;
  if (input.rule_set_version != null) {
    const version = await ruleSetRepo.findVersion(db, name, input.rule_set_version);
    if (!version) throw notFound(`Version ${input.rule_set_version} of the rule set of ${name} does not exist.`);
    fingerprint ??= version.rule_set_fingerprint;
  }
  const limit = deps?.runsPerUser ?? getConfig().limits.runsPerUser;
  try {
    const run = await db.transaction().execute(async (trx) => {
      await repo.lockKey(trx, `dqx.runs.started_by:${caller.id}`);
      const unfinished = await repo.countUnfinishedRunsOf(trx, caller.id);
      if (unfinished >= limit) throw runLimitReached(unfinished);
      return repo.insertRun(trx, {
        kind: input.kind,
        table_name: name,
        engine: input.engine,
        started_by: caller.id,
        rule_set_version: input.rule_set_version ?? null,
        rule_set_fingerprint: fingerprint,
        parameters: JSON.stringify(input.parameters ?? {}),
        progress_steps: JSON.stringify(input.steps ?? []),
        read_tables: JSON.stringify(readTables),
      });
    });
    return runDto(run);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound(`Version ${input.rule_set_version} of the rule set of ${name} does not exist.`);
    throw error;
  }
}

/**
 * Access proofs of unfinished runs: once a caller has shown (with their own token, through the
 * warehouse) that they may read every table a run reads, reading or cancelling that run again does not ask the
 * warehouse again until the run has ended. A page polls its run every few seconds; asking the
 * warehouse each time would run a DESCRIBE per poll (and keep a serverless warehouse awake). A
 * finished run is checked on every read, as before.
 */
const PROOFS_KEY = Symbol.for('dqx.runAccessProofs');
const PROOF_MAX_MS = 24 * 3_600_000;
const PROOF_LIMIT = 10_000;
type ProofHolder = { [PROOFS_KEY]?: Map<string, number> };

function accessProofs(): Map<string, number> {
  const holder = globalThis as ProofHolder;
  holder[PROOFS_KEY] ??= new Map();
  return holder[PROOFS_KEY];
}

/** Whether the caller can read every table in `tables` (each asked once, the caller's own rights). */
async function canReadAll(caller: Caller, access: TableAccess, tables: readonly string[]): Promise<boolean> {
  const unique = [...new Set(tables)];
  const readable = await mapLimited(unique, 8, (t) => access.canReadTable(caller, t));
  return readable.every(Boolean);
}

/**
 * The tables a run reads. Runs recorded before `read_tables` existed: a validation run's tables
 * come from its rules (its saved version, or the draft it kept), any other run's is its table.
 */
async function tablesOfRun(db: Db, run: Omit<Run, 'output'>): Promise<string[]> {
  if (run.read_tables) return [run.table_name, ...run.read_tables];
  if (run.kind !== 'validation') return [run.table_name];
  let rules: unknown = run.parameters.rules;
  if (run.rule_set_version !== null) {
    rules = (await ruleSetRepo.findVersion(db, run.table_name, run.rule_set_version))?.rules;
  }
  return [run.table_name, ...(Array.isArray(rules) ? tablesReadBy(rules as DqxCheck[]) : [])];
}

/**
 * The run, when the caller can read every table it reads; else undefined (reported as not found).
 * While the run is unfinished, a proof is kept (see `accessProofs`).
 */
async function visibleRun(caller: Caller, deps: { db: Db; access: TableAccess }, id: string): Promise<Run | undefined> {
  const run = await repo.findRun(deps.db, id);
  if (!run) return undefined;
  const proofs = accessProofs();
  const key = `${caller.id}\u0000${run.id}`;
  const unfinished = run.status === 'queued' || run.status === 'running';
  if (unfinished) {
    const until = proofs.get(key);
    if (until !== undefined && until > Date.now()) return run;
  }
  // Each table once: the run's own table and every other it reads.
  const ok = await canReadAll(caller, deps.access, await tablesOfRun(deps.db, run));
  if (ok && unfinished) {
    if (proofs.size >= PROOF_LIMIT) proofs.delete(proofs.keys().next().value!);
    proofs.set(key, Date.now() + PROOF_MAX_MS);
  } else proofs.delete(key);
  return ok ? run : undefined;
}

/**
 * Of the tables the runs of `tableNames` read, those the caller cannot read: runs reading any of
 * them are left out of what the caller sees. `tableNames` themselves are known to be readable.
 */
async function hiddenTables(caller: Caller, deps: { db: Db; access: TableAccess }, tableNames: string[]): Promise<string[]> {
  const known = new Set(tableNames);
  const read = (await repo.tablesReadByRunsOf(deps.db, tableNames)).filter((t) => !known.has(t));
  const readable = await mapLimited(read, 8, (t) => deps.access.canReadTable(caller, t));
  return read.filter((_, i) => !readable[i]);
}

export { hiddenTables as tablesHiddenFromRunsOf };

/** One run with its output and per-rule results. */
export async function getRun(caller: Caller, runId: string, deps?: StoreDeps): Promise<RunDetail> {
  const d = await resolveDeps(deps);
  const { db } = d;
  const id = parseRunId(runId);
  const run = await visibleRun(caller, d, id);
  if (!run) throw runNotFound(id);
  const results = await repo.ruleResultsOfRun(db, id);
  return {
    ...runDto(run),
    output: run.output,
    rule_results: results.map(({ run_id: _runId, ...rest }) => rest),
  };
}

/** A table's runs, newest first. */
export async function listRuns(
  caller: Caller,
  table: string,
  query: PageInput & { kind?: RunKind },
  deps?: StoreDeps,
): Promise<RunPage> {
  const d = await resolveDeps(deps);
  const { db, access } = d;
  const { name } = await access.assertCanReadTable(caller, table);
  const { items, total } = await repo.listRunsOfTable(db, name, {
    hidden: await hiddenTables(caller, d, [name]),
    kind: query.kind,
    limit: query.page_size,
    offset: (query.page - 1) * query.page_size,
  });
  return { table_name: name, items: items.map(runDto), page: query.page, page_size: query.page_size, total };
}

/** Ask a queued or running run to stop. 409 when it has already finished. */
export async function requestRunCancel(caller: Caller, runId: string, deps?: StoreDeps): Promise<RunDto> {
  const d = await resolveDeps(deps);
  const { db } = d;
  const id = parseRunId(runId);
  const run = await visibleRun(caller, d, id);
  if (!run) throw runNotFound(id);
  const updated = await repo.requestRunCancel(db, id, caller.id);
  if (!updated) throw conflict(`Run ${id} has already finished (${run.status}).`, { status: run.status });
  return runDto(updated);
}

export interface PassRateHistory {
  table_name: string;
  /** incomplete: that run left rules not evaluated (its pass rate covers the others only). */
  points: { run_id: string; finished_at: string; rule_set_version: number | null; pass_rate: number; incomplete: boolean }[];
}

/** Pass rate of the table's succeeded validation runs over time, dry runs excluded (oldest first, the last `limit`). */
export async function tablePassRateHistory(caller: Caller, table: string, limit = 100, deps?: StoreDeps): Promise<PassRateHistory> {
  const d = await resolveDeps(deps);
  const { db, access } = d;
  const { name } = await access.assertCanReadTable(caller, table);
  const points = await repo.tablePassRates(db, name, Math.min(Math.max(limit, 1), 1000), await hiddenTables(caller, d, [name]));
  return { table_name: name, points: points.map((p) => ({ ...p, finished_at: iso(p.finished_at) })) };
}

export interface RulePassRateHistory {
  table_name: string;
  rule: { name?: string; fingerprint?: string };
  points: (Omit<repo.RulePassRatePoint, 'finished_at'> & { finished_at: string })[];
}

/** Pass rate of one rule (by name or fingerprint) over the table's succeeded validation runs, dry runs excluded. */
export async function rulePassRateHistory(
  caller: Caller,
  table: string,
  rule: { name?: string; fingerprint?: string },
  limit = 100,
  deps?: StoreDeps,
): Promise<RulePassRateHistory> {
  if (rule.name === undefined && rule.fingerprint === undefined) throw badRequest('Name the rule (by name or fingerprint).');
  const d = await resolveDeps(deps);
  const { db, access } = d;
  const { name } = await access.assertCanReadTable(caller, table);
  const points = await repo.rulePassRates(db, name, {
    hidden: await hiddenTables(caller, d, [name]),
    ruleName: rule.name,
    fingerprint: rule.fingerprint,
    limit: Math.min(Math.max(limit, 1), 1000),
  });
  return { table_name: name, rule, points: points.map((p) => ({ ...p, finished_at: iso(p.finished_at) })) };
}

// ---- Runner functions (see the module comment) ----

const finishedConflict = (id: string) => conflict(`Run ${id} is not running any more.`);

export async function markRunStarted(runId: string, progress: repo.ProgressUpdate = {}, deps?: Pick<StoreDeps, 'db'>): Promise<RunDto> {
  const { db } = await resolveDeps(deps);
  const run = await repo.markRunRunning(db, parseRunId(runId), progress);
  if (!run) throw finishedConflict(runId);
  return runDto(run);
}

/** Record progress; returns whether the caller asked to cancel, so the runner can stop. */
export async function reportRunProgress(
  runId: string,
  progress: repo.ProgressUpdate,
  deps?: Pick<StoreDeps, 'db'>,
): Promise<{ cancelRequested: boolean }> {
  const { db } = await resolveDeps(deps);
  if (progress.percent !== undefined && !(progress.percent >= 0 && progress.percent <= 100)) {
    throw badRequest('Progress must be between 0 and 100 percent.');
  }
  const run = await repo.updateRunProgress(db, parseRunId(runId), progress);
  if (!run) throw finishedConflict(runId);
  return { cancelRequested: run.cancel_requested };
}

export async function setRunExternalId(runId: string, externalId: string, deps?: Pick<StoreDeps, 'db'>): Promise<void> {
  const { db } = await resolveDeps(deps);
  await repo.setRunExternalId(db, parseRunId(runId), externalId);
}

export async function isRunCancelRequested(runId: string, deps?: Pick<StoreDeps, 'db'>): Promise<boolean> {
  const { db } = await resolveDeps(deps);
  const run = await repo.findRun(db, parseRunId(runId));
  return run?.cancel_requested ?? false;
}

export interface RunCompletion {
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Validation runs: the row counts; pass_rate is computed when omitted. */
  summary?: { total_rows: number; valid_rows: number; error_rows: number; warning_rows: number; pass_rate?: number; [extra: string]: unknown };
  rule_results?: RuleResultInput[];
  error?: RunError;
  output?: unknown;
  message?: string;
}

const rate = (failing: number, total: number) => (total <= 0 ? 1 : Math.min(1, Math.max(0, (total - failing) / total)));

/** Finish a run with its summary and per-rule results, in one transaction, then hold it to the table's thresholds. 409 if already finished. */
export async function completeRun(runId: string, completion: RunCompletion, deps?: Pick<StoreDeps, 'db'> & AlertDeliveryDeps): Promise<RunDetail> {
  const { db } = await resolveDeps(deps);
  const id = parseRunId(runId);
  if (completion.status === 'failed' && !completion.error) {
    throw badRequest('A failed run needs an error saying what went wrong and what to do.');
  }
  for (const r of completion.rule_results ?? []) {
    if (!(Number.isInteger(r.rows_evaluated) && Number.isInteger(r.failing_rows) && r.failing_rows >= 0 && r.failing_rows <= r.rows_evaluated)) {
      throw badRequest(`Rule ${r.rule_name}: failing rows must be a whole number between 0 and the rows evaluated.`);
    }
  }
  const summary: RunSummary | null = completion.summary
    ? {
        ...completion.summary,
        pass_rate: completion.summary.pass_rate ?? rate(completion.summary.total_rows - completion.summary.valid_rows, completion.summary.total_rows),
      }
    : null;
  const { run, results } = await db.transaction().execute(async (trx) => {
    const run = await repo.finishRun(trx, id, {
      status: completion.status,
      summary,
      error: completion.error ?? null,
      output: completion.output,
      progressMessage: completion.message,
    });
    if (!run) throw finishedConflict(id);
    const results = (completion.rule_results ?? []).map((r, index) => ({
      rule_index: index,
      rule_name: r.rule_name,
      rule_fingerprint: r.rule_fingerprint,
      function: r.function,
      criticality: r.criticality,
      rows_evaluated: r.rows_evaluated,
      failing_rows: r.failing_rows,
      pass_rate: rate(r.failing_rows, r.rows_evaluated),
    }));
    await repo.insertRuleResults(trx, id, results);
    return { run, results };
  });
  // Thresholds and alerts (./alerting.ts): after the run is recorded; never throws, and the
  // webhook is sent in the background, so the run's end is not held up by it.
  await runFinished(run, results, { db, mode: deps?.mode, alertEmails: deps?.alertEmails });
  return { ...runDto(run), output: run.output, rule_results: results };
}
