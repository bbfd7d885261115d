export interface MonitoringSchedule {
  table_name: string; cron: string; timezone: string; version: number | null; paused: boolean;
  outputs: { valid_table: string | null; quarantine_table: string | null; metrics_table: string | null };
  notify_emails: string[];
}
export interface MonitoringJobs { sync(schedule: MonitoringSchedule, existingJobId: string | null): Promise<{ job_id: string }>; remove(jobId: string): Promise<void>; }
