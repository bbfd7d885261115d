/**
 * The Monitoring page (issue 15 item 5): every monitored table the caller can read, worst first.
 *
 * A table is **monitored** when it has thresholds set (`dq_alert_settings` with at least one
 * threshold: see `hasThresholds`) or a schedule (lib/services/schedules.ts; `deps.schedules` replaces it in tests). A
 * table the caller cannot read is left out, exactly as if it were not monitored; runs that read a
 * table hidden from the caller are passed over, as in the History page and the health endpoint.
 *
 * Each table's status follows the health endpoint (./table-health.ts), judged on the same run (the
 * latest succeeded validation run, dry runs aside) with the thresholds as they are now, plus two
 * states the page needs:
 * - `breach`: that run breaches the thresholds;
 * - `overdue`: a schedule (not paused) whose next run was due more than `overdueAfterMs` ago, and no
 *   run of the table was started since (or the schedule's own last run is older than the slot);
 * - `failed`: the table's newest finished run failed or was cancelled, so its quality now is not
 *   known (the figures shown are those of the run before);
 * - `no_run`: monitored but never validated;
 * - `ok`: the latest run meets the thresholds (or the table has a schedule and no thresholds).
 * A table that breaches is `breach` even when it is also overdue (`overdue: true` says so).
 *
 * Cost: one access check per monitored table (as listing rule sets does), then a fixed number of
 * store queries for all tables together (see db/repositories/monitoring.ts), never one per table.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import type { RuleThreshold, RunStatus } from '@/db';
import * as repo from '@/db/repositories/monitoring';

import { describeBreach, evaluateThresholds, hasThresholds, iso, type Breach } from './alerting';
import { tablesHiddenFromRunsOf } from './runs';
import { listScheduleSummaries, type ScheduleSummary } from './schedules';
import { mapLimited, resolveDeps, type StoreDeps } from './store-deps';

export type { ScheduleSummary };

export interface MonitoringDeps extends StoreDeps {
  /** Every table's schedule (default: the schedules service, on the same store). */
  schedules?: () => Promise<ScheduleSummary[]>;
  /** The clock (tests). */
  now?: () => Date;
  /** How long after its due time a scheduled run may be missing before the table is overdue (default 15 minutes). */
  overdueAfterMs?: number;
  /** Runs in each table's pass-rate series (default 20). */
  seriesLength?: number;
}

export type MonitorStatus = 'breach' | 'overdue' | 'failed' | 'no_run' | 'ok';

/** Worst first: the order of the page. */
export const MONITOR_STATUSES: readonly MonitorStatus[] = ['breach', 'overdue', 'failed', 'no_run', 'ok'];

export const DEFAULT_OVERDUE_AFTER_MS = 15 * 60_000;
export const DEFAULT_SERIES_LENGTH = 20;
/** Failing rules listed per table (the rest are counted). */
const FAILING_RULES_SHOWN = 5;

export interface MonitoredRun {
  id: string;
  status: RunStatus;
  /** `schedule` when a schedule started it, else `manual` (a person or an API client). */
  trigger: 'schedule' | 'manual';
  created_at: string;
  finished_at: string | null;
  /** Null for a run that did not succeed. */
  pass_rate: number | null;
  incomplete: boolean;
  rule_set_version: number | null;
  /** Why a failed run failed (safe to show). */
  error: string | null;
}

export interface FailingRule {
  rule_index: number;
  name: string;
  criticality: string;
  failing_rows: number;
  rows_evaluated: number;
  pass_rate: number;
  /** A threshold on this rule is breached. */
  threshold_breached: boolean;
}

export interface MonitoredTable {
  table_name: string;
  status: MonitorStatus;
  /** Why the status is what it is, in words (breached thresholds, the overdue slot, the failed run). */
  reasons: string[];
  thresholds: { min_pass_rate: number | null; fail_on_error_rows: boolean; rules: RuleThreshold[] } | null;
  breached: Breach[];
  /** The newest finished validation run (dry runs aside). */
  last_run: MonitoredRun | null;
  /** The run the status, the pass rate and the failing rules are judged on (the latest succeeded one); may be older than `last_run`. */
  judged_run_id: string | null;
  pass_rate: number | null;
  schedule: { cron: string; timezone: string; paused: boolean; next_run_at: string | null; last_run_at: string | null } | null;
  next_run_at: string | null;
  overdue: boolean;
  /** Pass rates of the last succeeded runs, oldest first (the sparkline). */
  pass_rates: { run_id: string; finished_at: string; pass_rate: number; incomplete: boolean }[];
  /** Rules with failing rows in the judged run: breached thresholds first, then most failing rows. */
  failing_rules: FailingRule[];
  failing_rules_total: number;
  /** The breach alert the table is in, if any (the alert state is `breach`). */
  open_alert: { id: string; run_id: string; created_at: string; delivery: string } | null;
}

export interface MonitoringOverview {
  generated_at: string;
  summary: Record<MonitorStatus, number> & { total: number };
  items: MonitoredTable[];
}

/** `Map.groupBy` (Node 21+), for Node 20. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * Overdue: a schedule (not paused) whose slot passed by more than the grace period, with nothing
 * started since (a run of the table, or the schedule's own last run). Shared by this page and the
 * health endpoint, so both say the same.
 */
export function overdueOf(
  schedule: Pick<ScheduleSummary, 'paused' | 'next_run_at' | 'last_run_at'> | undefined | null,
  lastRunCreatedAt: Date | undefined,
  now: Date,
  graceMs: number = DEFAULT_OVERDUE_AFTER_MS,
): { overdue: boolean; due: Date | null } {
  const due = schedule && !schedule.paused && schedule.next_run_at ? new Date(schedule.next_run_at) : null;
  const lastStarted = [lastRunCreatedAt, schedule?.last_run_at ? new Date(schedule.last_run_at) : undefined]
    .filter((t): t is Date => !!t)
    .reduce<Date | null>((a, b) => (a && a > b ? a : b), null);
  return { overdue: !!due && now.getTime() - due.getTime() > graceMs && (!lastStarted || lastStarted < due), due };
}

const rank = (s: MonitorStatus) => MONITOR_STATUSES.indexOf(s);

/** Worst first; within a status, lowest pass rate first (no figure last), then by name. */
export function compareMonitored(a: Pick<MonitoredTable, 'status' | 'pass_rate' | 'table_name'>, b: Pick<MonitoredTable, 'status' | 'pass_rate' | 'table_name'>): number {
  return rank(a.status) - rank(b.status) || (a.pass_rate ?? 2) - (b.pass_rate ?? 2) || a.table_name.localeCompare(b.table_name);
}

export async function getMonitoringOverview(caller: Caller, deps: MonitoringDeps = {}): Promise<MonitoringOverview> {
  const d = await resolveDeps(deps);
  const now = (deps.now ?? (() => new Date()))();
  const overdueAfter = deps.overdueAfterMs ?? DEFAULT_OVERDUE_AFTER_MS;
  const perTable = Math.min(Math.max(deps.seriesLength ?? DEFAULT_SERIES_LENGTH, 1), 100);

  const [settingsRows, scheduleRows] = await Promise.all([repo.listAlertSettings(d.db), (deps.schedules ?? (() => listScheduleSummaries({ db: d.db })))()]);
  const settings = new Map(settingsRows.filter(hasThresholds).map((s) => [s.table_name, s]));
  const schedules = new Map(scheduleRows.map((s) => [s.table_name.toLowerCase(), s]));
  const candidates = [...new Set([...settings.keys(), ...schedules.keys()])].sort();
  const readable = await mapLimited(candidates, 8, (name) => d.access.canReadTable(caller, name));
  const names = candidates.filter((_, i) => readable[i]);

  const hidden = names.length > 0 ? await tablesHiddenFromRunsOf(caller, d, names) : [];
  const [latest, createdAt, series, states, alerts] = await Promise.all([
    repo.latestFinishedRuns(d.db, names, hidden),
    repo.latestRunCreatedAt(d.db, names, hidden),
    repo.recentPassRates(d.db, names, perTable, hidden),
    repo.alertStatesOf(d.db, names),
    repo.openAlerts(d.db, names, hidden),
  ]);
  const seriesOf = groupBy(series, (p) => p.table_name);
  const judgedIds = names.map((n) => seriesOf.get(n)?.at(-1)?.run_id).filter((id): id is string => !!id);
  const results = groupBy(await repo.ruleResultsOfRuns(d.db, judgedIds), (r) => r.run_id);
  const latestOf = new Map(latest.map((r) => [r.table_name, r]));
  const breachState = new Set(states.filter((s) => s.state === 'breach').map((s) => s.table_name));
  const alertOf = new Map(alerts.filter((a) => breachState.has(a.table_name)).map((a) => [a.table_name, a]));

  const items = names.map((name): MonitoredTable => {
    const s = settings.get(name);
    const schedule = schedules.get(name);
    const points = seriesOf.get(name) ?? [];
    const judged = points.at(-1);
    const ruleResults = judged ? (results.get(judged.run_id) ?? []) : [];
    const verdict = judged
      ? evaluateThresholds(
          s,
          {
            total_rows: 0,
            valid_rows: 0,
            // "Any error row": the judged run's error rows, as the health endpoint reads them.
            error_rows: judged.error_rows,
            warning_rows: 0,
            pass_rate: judged.pass_rate,
            rules_not_evaluated: judged.incomplete ? 1 : 0,
          },
          ruleResults,
        )
      : null;
    const breached = verdict?.breached ?? [];
    const last = latestOf.get(name);

    const { overdue, due } = overdueOf(schedule, createdAt.get(name), now, overdueAfter);

    const lastFailed = !!last && last.status !== 'succeeded' && (!judged || last.id !== judged.run_id);
    const status: MonitorStatus =
      breached.length > 0 ? 'breach' : overdue ? 'overdue' : lastFailed ? 'failed' : !judged ? 'no_run' : 'ok';
    const reasons = breached.map(describeBreach);
    if (overdue && due) reasons.push(`the scheduled run due ${due.toISOString()} has not started`);
    if (lastFailed && last) reasons.push(`the latest run ${last.status === 'cancelled' ? 'was cancelled' : 'failed'}${last.error?.message ? `: ${last.error.message}` : ''}`);
    if (!judged) reasons.push(last ? 'no succeeded validation run yet' : 'no validation run yet');

    const breachedRules = new Set(breached.filter((b) => b.scope === 'rule').map((b) => b.rule));
    const failing = ruleResults
      .filter((r) => r.failing_rows > 0)
      .map((r) => ({
        rule_index: r.rule_index,
        name: r.rule_name,
        criticality: r.criticality,
        failing_rows: r.failing_rows,
        rows_evaluated: r.rows_evaluated,
        pass_rate: r.pass_rate,
        threshold_breached: breachedRules.has(r.rule_name) || (r.rule_fingerprint !== null && breachedRules.has(r.rule_fingerprint)),
      }))
      .sort((a, b) => Number(b.threshold_breached) - Number(a.threshold_breached) || b.failing_rows - a.failing_rows || a.rule_index - b.rule_index);

    const alert = alertOf.get(name);
    return {
      table_name: name,
      status,
      reasons,
      thresholds: s ? { min_pass_rate: s.min_pass_rate, fail_on_error_rows: s.fail_on_error_rows, rules: s.rule_thresholds } : null,
      breached,
      last_run: last
        ? {
            id: last.id,
            status: last.status,
            trigger: last.trigger === 'schedule' || (schedule?.last_run_id && schedule.last_run_id === last.id) ? 'schedule' : 'manual',
            created_at: iso(last.created_at),
            finished_at: last.finished_at ? iso(last.finished_at) : null,
            pass_rate: last.pass_rate === null ? null : Number(last.pass_rate),
            incomplete: last.status === 'succeeded' && last.incomplete,
            rule_set_version: last.rule_set_version,
            error: last.status === 'failed' ? (last.error?.message ?? null) : null,
          }
        : null,
      judged_run_id: judged?.run_id ?? null,
      pass_rate: judged?.pass_rate ?? null,
      schedule: schedule
        ? { cron: schedule.cron, timezone: schedule.timezone, paused: schedule.paused, next_run_at: schedule.next_run_at, last_run_at: schedule.last_run_at }
        : null,
      next_run_at: schedule && !schedule.paused ? schedule.next_run_at : null,
      overdue,
      pass_rates: points.map((p) => ({ run_id: p.run_id, finished_at: iso(p.finished_at), pass_rate: p.pass_rate, incomplete: p.incomplete })),
      failing_rules: failing.slice(0, FAILING_RULES_SHOWN),
      failing_rules_total: failing.length,
      open_alert: alert ? { id: alert.id, run_id: alert.run_id, created_at: iso(alert.created_at), delivery: alert.delivery } : null,
    };
  });
  items.sort(compareMonitored);

  const summary = { breach: 0, overdue: 0, failed: 0, no_run: 0, ok: 0, total: items.length };
  for (const item of items) summary[item.status]++;
  return { generated_at: now.toISOString(), summary, items };
}

/** How long the home page's counts are kept per caller (see getMonitoringSummary). */
export const SUMMARY_MAX_AGE_MS = 30_000;
const SUMMARY_CACHE_LIMIT = 1_000;
const SUMMARY_KEY = Symbol.for('dqx.monitoringSummaries');
type SummaryHolder = { [SUMMARY_KEY]?: Map<string, { at: number; summary: MonitoringOverview['summary'] }> };

/**
 * The counts per status for the home page, kept per caller for `SUMMARY_MAX_AGE_MS`: the home page
 * is opened often, and each overview asks the caller's warehouse about every monitored table (in
 * databricks mode a query per table), so a user moving around the app does not ask again on every
 * visit. The Monitoring page and the API always read afresh.
 */
export async function getMonitoringSummary(caller: Caller, deps: MonitoringDeps & { maxAgeMs?: number } = {}): Promise<MonitoringOverview['summary']> {
  const holder = globalThis as SummaryHolder;
  const cache = (holder[SUMMARY_KEY] ??= new Map());
  const now = (deps.now ?? (() => new Date()))().getTime();
  const key = `${caller.mode}\u0000${caller.id}`;
  const kept = cache.get(key);
  if (kept && now - kept.at < (deps.maxAgeMs ?? SUMMARY_MAX_AGE_MS)) return kept.summary;
  const { summary } = await getMonitoringOverview(caller, deps);
  cache.delete(key);
  if (cache.size >= SUMMARY_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, { at: now, summary });
  return summary;
}
