/**
 * Health of a table for machines (issue 15 item 4, `GET /api/v1/tables/{name}/health`): the
 * table's thresholds as they are now, applied to its latest succeeded validation run (dry runs
 * aside) that the caller may see. 200 when it meets them, 503 when it breaches them, and 503
 * `no_run` when thresholds are set but the table has no run yet (an uptime monitor should notice a
 * table that is watched but never checked); without thresholds and without a run the state is
 * `unknown` with 200. `overdue` (503): the table's schedule had a slot more than 15 minutes ago and
 * nothing started since, judged as the Monitoring page judges it (`overdueOf`); a breach stays
 * `breach`, with `overdue: true`.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import type { RuleThreshold } from '@/db';
import * as alerts from '@/db/repositories/alerts';
import * as monitoringRepo from '@/db/repositories/monitoring';
import * as runsRepo from '@/db/repositories/runs';

import { evaluateThresholds, figuresOf, hasThresholds, iso, resolve, type AlertingDeps, type Breach } from './alerting';
import { overdueOf } from './monitoring';
import { tablesHiddenFromRunsOf } from './runs';
import { findScheduleSummary } from './schedules';

export type HealthState = 'ok' | 'breach' | 'no_run' | 'unknown' | 'overdue';

export interface TableHealth {
  table_name: string;
  /** ok / breach; no_run: thresholds set but no run yet (503); unknown: neither (200); overdue: a scheduled run is missing (503). */
  state: HealthState;
  healthy: boolean;
  latest_run: { id: string; finished_at: string; pass_rate: number; error_rows: number; incomplete: boolean; rule_set_version: number | null } | null;
  thresholds: { min_pass_rate: number | null; fail_on_error_rows: boolean; rules: RuleThreshold[] } | null;
  breached: Breach[];
  /** A scheduled slot passed without a run (also when the state says breach). */
  overdue: boolean;
}

/** The table's health for uptime monitors; `status` is the HTTP status to answer with (200 or 503). */
export async function getTableHealth(caller: Caller, table: string, deps?: AlertingDeps): Promise<{ status: 200 | 503; health: TableHealth }> {
  const d = await resolve(deps);
  const { name } = await d.access.assertCanReadTable(caller, table);
  const settings = await alerts.findSettings(d.db, name);
  const hidden = await tablesHiddenFromRunsOf(caller, d, [name]);
  const run = await alerts.latestEvaluatedRun(d.db, name, hidden);
  const active = hasThresholds(settings);
  const thresholds = settings && active ? { min_pass_rate: settings.min_pass_rate, fail_on_error_rows: settings.fail_on_error_rows, rules: settings.rule_thresholds } : null;
  const schedule = await findScheduleSummary(name, { db: d.db, mode: d.mode });
  const created = (await monitoringRepo.latestRunCreatedAt(d.db, [name], hidden)).get(name);
  const { overdue } = overdueOf(schedule, created, new Date());
  if (!run || !run.summary || !run.finished_at) {
    const state: HealthState = overdue ? 'overdue' : active ? 'no_run' : 'unknown';
    const healthy = !active && !overdue;
    return { status: healthy ? 200 : 503, health: { table_name: name, state, healthy, latest_run: null, thresholds, breached: [], overdue } };
  }
  const figures = figuresOf(run.summary);
  const verdict = evaluateThresholds(settings, figures, await runsRepo.ruleResultsOfRun(d.db, run.id));
  const state: HealthState = verdict.state === 'breach' ? 'breach' : overdue ? 'overdue' : verdict.state;
  const healthy = state === 'ok';
  return {
    status: healthy ? 200 : 503,
    health: {
      table_name: name,
      state,
      healthy,
      latest_run: {
        id: run.id,
        finished_at: iso(run.finished_at),
        pass_rate: figures.pass_rate,
        error_rows: figures.error_rows,
        incomplete: verdict.incomplete,
        rule_set_version: run.rule_set_version,
      },
      thresholds,
      breached: verdict.breached,
      overdue,
    },
  };
}
