/**
 * The MonitoringJobs port: in databricks mode a table's schedule is a Databricks job that runs real
 * DQX on the published checks (issue 15 item 2). The schedules service calls `sync` when a schedule
 * is saved (create the job, or update the one it has) and `remove` when it is deleted. The adapter
 * runs with the app's service principal and checks nothing: the service has checked the caller.
 *
 * Local mode does not use it: the in-process scheduler (lib/jobs/local/scheduler.ts) runs the
 * schedules there.
 */
import type { MonitoringSchedule } from '@/lib/services/schedules';

export type { MonitoringSchedule } from '@/lib/services/schedules';

export interface MonitoringJobs {
  /** Create or update the schedule's job; returns its id (a decimal string). */
  sync(schedule: MonitoringSchedule, existingJobId: string | null): Promise<{ job_id: string }>;
  /** Delete the job (a job already gone is not an error). */
  remove(jobId: string): Promise<void>;
}

/** One alert to e-mail (databricks mode): a breach or a recovery of a table's thresholds. */
export interface AlertEmail {
  /** The alert's id: the request's idempotency token is made from it, so a retry never sends two. */
  alert_id: string;
  table: string;
  event: 'breach' | 'recovery';
  /** One line stating the alert (table, breach or recovery, the figures): the run's name, which Databricks' e-mail shows. */
  subject: string;
  /** The alert in full, plain text. */
  text: string;
  /** The app's run that moved the table's state. */
  run_id: string;
  finished_at: string;
  /** Who Databricks e-mails (the table's schedule's `notify_emails`); never empty. */
  recipients: string[];
}

/**
 * E-mails of alerts through Databricks' own job e-mail notifications (databricks mode): the app's
 * service principal submits a one-time run whose `email_notifications.on_success` are the
 * recipients. The alerting service calls it in the background after the alert is recorded.
 */
export interface AlertEmails {
  /** One attempt (the caller retries); resolves with the Databricks run that sends the e-mail. */
  sendAlertEmail(email: AlertEmail): Promise<{ job_run_id: string }>;
}
