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
