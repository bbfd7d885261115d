/**
 * Thresholds, alerts and health of tables (issue 15 items 3 and 4).
 *
 * A table's thresholds (`dq_alert_settings`): a minimum pass rate and "any error row" for the
 * table, and the same per rule (by name or fingerprint). When a validation run of the table
 * succeeds (dry runs aside), `runFinished` evaluates them on its summary and per-rule results and
 * moves the table's alert state (`ok`/`breach`) with one conditional UPDATE: a breach and a
 * recovery each record one alert and send one webhook POST, and a run that leaves the state as it
 * was sends nothing. The POST happens after the run is recorded, in the background, with a timeout
 * and one retry; it never fails or delays the run. Failed and cancelled runs have no figures and
 * change nothing.
 *
 * In databricks mode the same alert is also e-mailed, through Databricks' own job e-mail
 * notifications, to the recipients of the table's schedule (`notify_emails`, the one list of
 * addresses a user keeps per table): the app submits one one-time run whose e-mail notification
 * carries the alert (lib/jobs/databricks/alert-notice.ts), in the background like the webhook,
 * with a timeout and one retry, idempotent per alert. Local mode sends no e-mail.
 *
 * An incomplete run (rules not evaluated) is judged by the rules it evaluated: thresholds of rules
 * it has no result for cannot breach, and the alert says the run was incomplete.
 *
 * Health for machines is in ./table-health.ts.
 */
import 'server-only';

import { checkWebhookUrl, postJson, webhookOrigin, WebhookUrlError } from '@/lib/alerts/webhook';
import type { Caller } from '@/lib/auth/caller';
import { getConfig, type Mode } from '@/lib/config';
import { badRequest } from '@/lib/errors';
import { formatPercent } from '@/lib/format/percent';
import { log } from '@/lib/log';
import type { AlertEmail, AlertEmails } from '@/lib/jobs/monitoring-port';
import type { Alert, AlertEmailDelivery, AlertSettings, AlertStateValue, Run, RuleThreshold, RunRuleResult, RunSummary } from '@/db';
import * as alerts from '@/db/repositories/alerts';
import * as schedulesRepo from '@/db/repositories/schedules';
import type { Db } from '@/db/repositories/rule-sets';

import type { ThresholdsInput } from './alerting-schemas';
import { recordAudit } from './audit';
import { assertRightOnReadable } from './rights';
import { resolveDeps, type StoreDeps } from './store-deps';

/** How alerts leave the app: the mode, and (databricks mode) who e-mails them. */
export interface AlertDeliveryDeps {
  mode?: Mode;
  /** E-mails of alerts (databricks mode); default: the deployment's jobs, as the app's service principal. */
  alertEmails?: AlertEmails;
}

export interface AlertingDeps extends StoreDeps, AlertDeliveryDeps {}

export interface ThresholdsDto {
  table_name: string;
  min_pass_rate: number | null;
  fail_on_error_rows: boolean;
  rules: RuleThreshold[];
  /** Where alerts go: the table's own webhook, the global one (DQX_ALERT_WEBHOOK_URL) or none; only the origin is shown. */
  webhook: { source: 'table' | 'global' | 'none'; origin: string | null };
  /** Whether any threshold is set (else runs are never a breach). */
  active: boolean;
  updated_by: string | null;
  updated_at: string | null;
}

export interface Breach {
  scope: 'table' | 'rule';
  /** The rule's name (or fingerprint) for a rule threshold. */
  rule: string | null;
  threshold: 'min_pass_rate' | 'fail_on_error_rows' | 'fail_on_failing_rows';
  /** What was required: the minimum pass rate, or 0 rows. */
  limit: number;
  /** What the run had: its pass rate, or its error (failing) rows. */
  actual: number;
}

export interface Verdict {
  state: AlertStateValue;
  breached: Breach[];
  incomplete: boolean;
  /** Rule thresholds the run has no result for (not evaluated, or no such rule): they cannot breach. */
  rules_without_result: string[];
}

export interface RunFigures {
  total_rows: number;
  valid_rows: number;
  error_rows: number;
  warning_rows: number;
  pass_rate: number;
  rules_not_evaluated: number;
}

export interface AlertPayload {
  table: string;
  /** `breach`: the run does not meet the thresholds; `ok`: a recovery. */
  state: AlertStateValue;
  event: 'breach' | 'recovery';
  run_id: string;
  finished_at: string;
  rule_set_version: number | null;
  incomplete: boolean;
  figures: RunFigures;
  thresholds: { min_pass_rate: number | null; fail_on_error_rows: boolean; rules: RuleThreshold[] };
  breached: Breach[];
  /** A one-line summary for chat tools (Slack's incoming webhooks show `text`). */
  text: string;
}

export interface AlertDto {
  id: string;
  run_id: string;
  state: AlertStateValue;
  event: 'breach' | 'recovery';
  created_at: string;
  delivery: Alert['delivery'];
  attempts: number;
  delivery_error: string | null;
  delivered_at: string | null;
  /** The e-mail to the schedule's recipients (databricks mode); null: no e-mail in this mode. */
  email: AlertEmailDto | null;
  payload: AlertPayload;
}

export interface AlertEmailDto {
  /** `sent`: Databricks accepted the run whose e-mail notification carries the alert. */
  delivery: AlertEmailDelivery;
  recipients: string[];
  attempts: number;
  error: string | null;
  /** The Databricks one-time run that sends the e-mail. */
  job_run_id: string | null;
  sent_at: string | null;
}

export interface AlertHistory {
  table_name: string;
  /** The state after the latest evaluated run; `ok` before any. */
  state: AlertStateValue;
  /** Newest first, at most 100. */
  items: AlertDto[];
}

export const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
const ALERT_TIMEOUT_MS = 5_000;
/** One attempt to have Databricks e-mail an alert (reading the deployment, then `runs/submit`). */
const EMAIL_TIMEOUT_MS = 30_000;
const RETRY_DELAY_MS = 1_000;

export async function resolve(deps: AlertingDeps = {}) {
  const { db, access } = await resolveDeps(deps);
  return { db, access, mode: deps.mode ?? getConfig().mode };
}

export const hasThresholds = (s: Pick<AlertSettings, 'min_pass_rate' | 'fail_on_error_rows' | 'rule_thresholds'> | undefined) =>
  !!s && (s.min_pass_rate !== null || s.fail_on_error_rows || s.rule_thresholds.some((r) => r.min_pass_rate !== null || r.fail_on_failing_rows));

function thresholdsDto(name: string, row: AlertSettings | undefined): ThresholdsDto {
  const global = getConfig().alerts.webhookUrl;
  const webhook = row?.webhook_url
    ? { source: 'table' as const, origin: webhookOrigin(row.webhook_url) }
    : global
      ? { source: 'global' as const, origin: webhookOrigin(global) }
      : { source: 'none' as const, origin: null };
  return {
    table_name: name,
    min_pass_rate: row?.min_pass_rate ?? null,
    fail_on_error_rows: row?.fail_on_error_rows ?? false,
    rules: row?.rule_thresholds ?? [],
    webhook,
    active: hasThresholds(row),
    updated_by: row?.updated_by ?? null,
    updated_at: row ? iso(row.updated_at) : null,
  };
}

export async function getThresholds(caller: Caller, table: string, deps?: AlertingDeps): Promise<ThresholdsDto> {
  const { db, access } = await resolve(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  return thresholdsDto(name, await alerts.findSettings(db, name));
}

/** Replace the table's thresholds (and its webhook, when `webhook_url` is given). 400 names a refused URL. */
export async function saveThresholds(caller: Caller, table: string, input: ThresholdsInput, deps?: AlertingDeps): Promise<ThresholdsDto> {
  const { db, access, mode } = await resolve(deps);
  const readable = await access.assertCanReadTable(caller, table);
  const { name } = readable;
  await assertRightOnReadable(caller, readable, 'steward', 'Changing the thresholds of', deps);
  input.rules.forEach((r, i) => {
    if (input.rules.findIndex((o) => o.rule === r.rule) !== i) {
      throw badRequest(`rules[${i}].rule: ${r.rule} is listed twice.`, { issues: [{ path: `rules.${i}.rule`, message: `${r.rule} is listed twice.` }] });
    }
  });
  let webhookUrl = input.webhook_url;
  if (webhookUrl === '') webhookUrl = null;
  if (webhookUrl) {
    try {
      webhookUrl = checkWebhookUrl(webhookUrl, mode).toString();
    } catch (error) {
      if (error instanceof WebhookUrlError) {
        throw badRequest(`webhook_url ${error.message}.`, { issues: [{ path: 'webhook_url', message: `The webhook URL ${error.message}.` }] });
      }
      throw error;
    }
  }
  const row = await db.transaction().execute(async (trx) => {
    const before = await alerts.findSettings(trx, name, { forUpdate: true });
    const row = await alerts.saveSettings(trx, {
      tableName: name,
      minPassRate: input.min_pass_rate,
      failOnErrorRows: input.fail_on_error_rows,
      rules: input.rules,
      webhookUrl,
      by: caller.id,
    });
    // The webhook is recorded as its origin only (recordAudit redacts URLs): it can hold a secret.
    const audited = (s: AlertSettings) => ({
      min_pass_rate: s.min_pass_rate,
      fail_on_error_rows: s.fail_on_error_rows,
      rules: s.rule_thresholds,
      webhook_url: s.webhook_url,
    });
    await recordAudit(trx, {
      caller,
      action: 'thresholds.changed',
      table: name,
      target: 'thresholds',
      before: before ? audited(before) : null,
      after: audited(row),
      detail: hasThresholds(row) ? 'Thresholds changed.' : 'Thresholds cleared: runs of the table are no longer held to any.',
    });
    return row;
  });
  return thresholdsDto(name, row);
}

export function figuresOf(summary: RunSummary): RunFigures {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    total_rows: n(summary.total_rows),
    valid_rows: n(summary.valid_rows),
    error_rows: n(summary.error_rows),
    warning_rows: n(summary.warning_rows),
    pass_rate: n(summary.pass_rate),
    rules_not_evaluated: n(summary.rules_not_evaluated),
  };
}

/** The thresholds applied to a run's figures and per-rule results. Pure. */
export function evaluateThresholds(
  settings: Pick<AlertSettings, 'min_pass_rate' | 'fail_on_error_rows' | 'rule_thresholds'> | undefined,
  figures: RunFigures,
  results: Pick<RunRuleResult, 'rule_name' | 'rule_fingerprint' | 'failing_rows' | 'pass_rate'>[],
): Verdict {
  const breached: Breach[] = [];
  const withoutResult: string[] = [];
  if (settings) {
    if (settings.min_pass_rate !== null && figures.pass_rate < settings.min_pass_rate) {
      breached.push({ scope: 'table', rule: null, threshold: 'min_pass_rate', limit: settings.min_pass_rate, actual: figures.pass_rate });
    }
    if (settings.fail_on_error_rows && figures.error_rows > 0) {
      breached.push({ scope: 'table', rule: null, threshold: 'fail_on_error_rows', limit: 0, actual: figures.error_rows });
    }
    for (const t of settings.rule_thresholds) {
      if (t.min_pass_rate === null && !t.fail_on_failing_rows) continue;
      const result = results.find((r) => r.rule_name === t.rule || r.rule_fingerprint === t.rule);
      if (!result) {
        withoutResult.push(t.rule);
        continue;
      }
      if (t.min_pass_rate !== null && result.pass_rate < t.min_pass_rate) {
        breached.push({ scope: 'rule', rule: t.rule, threshold: 'min_pass_rate', limit: t.min_pass_rate, actual: result.pass_rate });
      }
      if (t.fail_on_failing_rows && result.failing_rows > 0) {
        breached.push({ scope: 'rule', rule: t.rule, threshold: 'fail_on_failing_rows', limit: 0, actual: result.failing_rows });
      }
    }
  }
  return { state: breached.length > 0 ? 'breach' : 'ok', breached, incomplete: figures.rules_not_evaluated > 0, rules_without_result: withoutResult };
}

/** A breached threshold in words (alert text, History). */
export function describeBreach(b: Breach): string {
  const what = b.scope === 'table' ? 'table' : `rule ${b.rule}`;
  if (b.threshold === 'min_pass_rate') return `${what} pass rate ${formatPercent(b.actual)} < ${formatPercent(b.limit)}`;
  return `${what} has ${b.actual} ${b.threshold === 'fail_on_error_rows' ? 'error' : 'failing'} row${b.actual === 1 ? '' : 's'}`;
}

function alertText(table: string, verdict: Verdict, figures: RunFigures): string {
  const head =
    verdict.state === 'breach'
      ? `:red_circle: Data quality breach on ${table}: ${verdict.breached.map(describeBreach).join('; ')}.`
      : `:large_green_circle: ${table} meets its data quality thresholds again (pass rate ${formatPercent(figures.pass_rate)}).`;
  const incomplete = verdict.incomplete ? ` The run was incomplete: ${figures.rules_not_evaluated} rule(s) not evaluated; judged by the rules evaluated.` : '';
  return head + incomplete;
}

/** `DQX breach: main.sales.orders: table pass rate 95.10% < 99.00%`: the e-mail's one line (the run's name). */
export function alertSubject(payload: Pick<AlertPayload, 'table' | 'event' | 'breached' | 'figures' | 'incomplete'>): string {
  const line =
    payload.event === 'breach'
      ? `DQX breach: ${payload.table}: ${payload.breached.map(describeBreach).join('; ')}`
      : `DQX recovery: ${payload.table} meets its thresholds again (pass rate ${formatPercent(payload.figures.pass_rate)})`;
  return payload.incomplete ? `${line} (incomplete run)` : line;
}

function alertEmailOf(alert: Alert, recipients: string[]): AlertEmail {
  const payload = alert.payload as unknown as AlertPayload;
  return {
    alert_id: alert.id,
    table: payload.table,
    event: payload.event,
    subject: alertSubject(payload),
    // the webhook's text without the chat emoji
    text: payload.text.replace(/^:[a-z_]+:\s*/, ''),
    run_id: payload.run_id,
    finished_at: payload.finished_at,
    recipients,
  };
}

/** Background deliveries, so tests (and a shutdown) can wait for them. */
const pending = new Set<Promise<void>>();

/** Resolves when every alert delivery started so far has ended. */
export async function alertDeliveriesSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deliver(db: Db, alert: Alert, rawUrl: string, mode: Mode): Promise<void> {
  let url: URL;
  try {
    url = checkWebhookUrl(rawUrl, mode);
  } catch (error) {
    await alerts.recordDelivery(db, alert.id, { delivery: 'failed', attempts: 0, error: `The webhook URL was refused: it ${(error as Error).message}.` });
    return;
  }
  let outcome = await postJson(url, alert.payload, { mode, timeoutMs: ALERT_TIMEOUT_MS });
  let attempts = 1;
  if (!outcome.ok) {
    await sleep(RETRY_DELAY_MS);
    outcome = await postJson(url, alert.payload, { mode, timeoutMs: ALERT_TIMEOUT_MS });
    attempts = 2;
  }
  if (!outcome.ok) log.warn('alert not delivered', { table: alert.table_name, alertId: alert.id, error: outcome.error });
  await alerts.recordDelivery(db, alert.id, { delivery: outcome.ok ? 'sent' : 'failed', attempts, error: outcome.error });
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Databricks within ${ms / 1000} s`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/** Why an e-mail could not be requested, safe to show (AppError and Databricks API messages carry no secret). */
const emailError = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

async function defaultAlertEmails(): Promise<AlertEmails> {
  const { defaultMonitoringJobs } = await import('./schedules');
  return defaultMonitoringJobs();
}

/**
 * Have Databricks e-mail the alert: one attempt, and one retry a second later. Both carry the same
 * idempotency token (the alert's id), so a first attempt whose answer was lost and a retry still
 * make one run, one e-mail.
 */
async function deliverEmail(db: Db, alert: Alert, sender: AlertEmails | undefined): Promise<void> {
  const email = alertEmailOf(alert, alert.email_recipients);
  let error = '';
  for (let attempts = 1; attempts <= 2; attempts++) {
    if (attempts > 1) await sleep(RETRY_DELAY_MS);
    try {
      const emails = sender ?? (await defaultAlertEmails());
      const { job_run_id } = await withTimeout(emails.sendAlertEmail(email), EMAIL_TIMEOUT_MS);
      await alerts.recordEmailDelivery(db, alert.id, { delivery: 'sent', attempts, error: null, jobRunId: job_run_id });
      return;
    } catch (e) {
      error = emailError(e);
    }
  }
  log.warn('alert e-mail not requested', { table: alert.table_name, alertId: alert.id, error });
  await alerts.recordEmailDelivery(db, alert.id, { delivery: 'failed', attempts: 2, error, jobRunId: null });
}

const track = (alert: Alert, work: Promise<void>) => {
  const p = work.catch((error: unknown) => log.error('alert delivery could not be recorded', { alertId: alert.id, error })).finally(() => pending.delete(p));
  pending.add(p);
};

/**
 * Evaluate the thresholds on a run that just finished and, when the table's state changes, record
 * one alert and send it in the background. Never throws: a failure here is logged, the run stays
 * as recorded. Returns the alert recorded, if any.
 */
export async function runFinished(
  run: Run,
  results: Pick<RunRuleResult, 'rule_name' | 'rule_fingerprint' | 'failing_rows' | 'pass_rate'>[],
  deps: { db: Db } & AlertDeliveryDeps,
): Promise<Alert | null> {
  try {
    if (run.kind !== 'validation' || run.status !== 'succeeded' || !run.summary || run.parameters?.dry_run === true || !run.finished_at) return null;
    const { db } = deps;
    const settings = await alerts.findSettings(db, run.table_name);
    // A table whose thresholds were never saved can only be `ok`: nothing to record.
    if (!settings) return null;
    const figures = figuresOf(run.summary);
    const verdict = evaluateThresholds(settings, figures, results);
    const webhook = settings.webhook_url ?? getConfig().alerts.webhookUrl ?? null;
    const mode = deps.mode ?? getConfig().mode;
    const finishedAt = run.finished_at instanceof Date ? run.finished_at : new Date(run.finished_at);
    const alert = await db.transaction().execute(async (trx) => {
      const changed = await alerts.transitionState(trx, { tableName: run.table_name, state: verdict.state, runId: run.id, finishedAt });
      if (!changed) return null;
      const payload: AlertPayload = {
        table: run.table_name,
        state: verdict.state,
        event: verdict.state === 'breach' ? 'breach' : 'recovery',
        run_id: run.id,
        finished_at: finishedAt.toISOString(),
        rule_set_version: run.rule_set_version,
        incomplete: verdict.incomplete,
        figures,
        thresholds: { min_pass_rate: settings.min_pass_rate, fail_on_error_rows: settings.fail_on_error_rows, rules: settings.rule_thresholds },
        breached: verdict.breached,
        text: alertText(run.table_name, verdict, figures),
      };
      // databricks mode: e-mailed to the schedule's recipients, as they are when the state moves
      let email: { delivery: AlertEmailDelivery; recipients: string[] } | undefined;
      if (mode === 'databricks') {
        const schedule = await schedulesRepo.findSchedule(trx, run.table_name);
        const recipients = [...new Set((schedule?.notify_emails ?? []).map((e) => e.trim()).filter(Boolean))];
        email = { delivery: recipients.length > 0 ? 'pending' : 'no_recipients', recipients };
      }
      return alerts.insertAlert(trx, {
        tableName: run.table_name,
        runId: run.id,
        state: verdict.state,
        payload: payload as unknown as Record<string, unknown>,
        delivery: webhook ? 'pending' : 'no_webhook',
        email,
      });
    });
    if (alert && webhook) track(alert, deliver(db, alert, webhook, mode));
    if (alert && alert.email_delivery === 'pending') track(alert, deliverEmail(db, alert, deps.alertEmails));
    return alert;
  } catch (error) {
    log.error('thresholds could not be evaluated for a finished run', { runId: run.id, error });
    return null;
  }
}

function alertDto(row: Alert): AlertDto {
  return {
    id: row.id,
    run_id: row.run_id,
    state: row.state,
    event: row.state === 'breach' ? 'breach' : 'recovery',
    created_at: iso(row.created_at),
    delivery: row.delivery,
    attempts: row.attempts,
    delivery_error: row.delivery_error,
    delivered_at: row.delivered_at ? iso(row.delivered_at) : null,
    email: row.email_delivery
      ? {
          delivery: row.email_delivery,
          recipients: row.email_recipients,
          attempts: row.email_attempts,
          error: row.email_error,
          job_run_id: row.email_job_run_id,
          sent_at: row.emailed_at ? iso(row.emailed_at) : null,
        }
      : null,
    payload: row.payload as unknown as AlertPayload,
  };
}

export async function listAlerts(caller: Caller, table: string, deps?: AlertingDeps): Promise<AlertHistory> {
  const { db, access } = await resolve(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const [state, rows] = await Promise.all([alerts.findState(db, name), alerts.listAlerts(db, name, 100)]);
  return { table_name: name, state: state?.state ?? 'ok', items: rows.map(alertDto) };
}
