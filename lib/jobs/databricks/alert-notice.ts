/**
 * E-mails of alerts in databricks mode, sent by Databricks itself (issue 15 item 3): for each breach
 * and recovery the app's service principal submits ONE one-time run (Jobs API 2.2
 * `POST /api/2.2/jobs/runs/submit`) of the tiny notebook `notebooks/alert_notice.py`, deployed by
 * the bundle next to `validate_rules`. The run's name states the alert and its
 * `email_notifications.on_success` are the recipients, so Databricks' own job e-mail carries it.
 *
 * - `idempotency_token` is made from the alert's id: a retry (a lost answer, a timeout) returns the
 *   run already submitted, never a second run, so never a second e-mail;
 * - the notebook folder comes from the deployed validation job (`DeploymentTemplate`, as for the
 *   monitoring jobs); the run gets a serverless environment of the same `environment_version` with
 *   no dependencies (the notebook uses the standard library only), so it starts quickly;
 * - it runs as its submitter, the app's service principal: it reads no data.
 */
import { ALERT_NOTICE_PARAMETER_NAMES, ALERT_NOTICE_TASK_KEY } from '../contract';
import type { AlertEmail } from '../monitoring-port';
import type { DeploymentTemplate } from './monitoring-job';

/** Longest run name the app sends (the e-mail's subject line; the full text is in the run's parameters). */
export const ALERT_RUN_NAME_MAX = 250;
/** The notice run is a few seconds of work; a queue or a cold start must still not keep it forever. */
export const ALERT_NOTICE_TIMEOUT_SECONDS = 1800;
const ENVIRONMENT_KEY = 'dqx_alert_notice';

/** `dqx-alert-<uuid>`: at most 64 characters, as the Jobs API requires. */
export function alertIdempotencyToken(alertId: string): string {
  return `dqx-alert-${alertId}`.slice(0, 64);
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
};

/** The `runs/submit` body of an alert's e-mail. */
export function alertNoticeRunBody(email: AlertEmail, template: DeploymentTemplate): Record<string, unknown> {
  const recipients = [...new Set(email.recipients.map((r) => r.trim()).filter(Boolean))];
  if (recipients.length === 0) throw new Error('an alert e-mail needs at least one recipient');
  const version = template.environments.find((e) => e.environment_key === template.environmentKey)?.spec
    .environment_version;
  const parameters: Record<(typeof ALERT_NOTICE_PARAMETER_NAMES)[number], string> = {
    alert_id: email.alert_id,
    table: email.table,
    event: email.event,
    text: email.text.slice(0, 4000),
    run_id: email.run_id,
    finished_at: email.finished_at,
  };
  return {
    run_name: oneLine(email.subject, ALERT_RUN_NAME_MAX),
    idempotency_token: alertIdempotencyToken(email.alert_id),
    timeout_seconds: ALERT_NOTICE_TIMEOUT_SECONDS,
    queue: { enabled: true },
    email_notifications: { on_success: recipients },
    environments: [
      {
        environment_key: ENVIRONMENT_KEY,
        spec: { environment_version: typeof version === 'string' ? version : '4' },
      },
    ],
    tasks: [
      {
        task_key: ALERT_NOTICE_TASK_KEY,
        environment_key: ENVIRONMENT_KEY,
        timeout_seconds: ALERT_NOTICE_TIMEOUT_SECONDS,
        notebook_task: {
          notebook_path: `${template.notebookFolder}/alert_notice`,
          source: 'WORKSPACE',
          base_parameters: Object.fromEntries(
            ALERT_NOTICE_PARAMETER_NAMES.map((name) => [name, parameters[name]]),
          ),
        },
      },
    ],
  };
}
