/**
 * The Databricks JobRunner for this process's configuration. The lead wires the app service
 * principal's token provider (OAuth M2M, shared with the Lakebase store) into it.
 */
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';

import type { JobRunner } from '../port';
import { DatabricksJobRunner } from './databricks-job-runner';
import { DatabricksMonitoringJobs, type DatabricksMonitoringJobsOptions } from './monitoring-job';
import type { FetchLike, TokenProvider } from './rest-client';

export { DatabricksJobRunner, filesApiPath, normaliseVolume, parseRaisedFailure } from './databricks-job-runner';
export type { TokenProvider } from './rest-client';
export { collectScheduledRuns, DatabricksMonitoringJobs, type MonitoringChecksSource, type ScheduledRun } from './monitoring-job';
export { unixCronToQuartz, CronConversionError } from './quartz-cron';

export function createDatabricksJobRunner(
  config: AppConfig,
  deps: { tokenProvider: TokenProvider; invalidateToken?: () => void; fetch?: FetchLike },
): JobRunner {
  const { host, generationJobId, validationJobId, resultsVolume, servingEndpoint } = config.databricks;
  if (!host) throw new AppError('unavailable', 'DATABRICKS_HOST is not set, so jobs cannot be started.');
  if (!generationJobId || !validationJobId) {
    throw new AppError(
      'unavailable',
      'The generation and validation jobs are not bound to the app (DQX_GENERATION_JOB_ID / DQX_VALIDATION_JOB_ID). Deploy the bundle, which binds them.',
    );
  }
  return new DatabricksJobRunner({
    host,
    generationJobId,
    validationJobId,
    resultsVolume,
    llmEndpoint: servingEndpoint,
    tokenProvider: deps.tokenProvider,
    invalidateToken: deps.invalidateToken,
    fetch: deps.fetch,
    timeoutMs: config.jobs.requestTimeoutSeconds * 1000,
  });
}

/**
 * The scheduled-checks jobs of this deployment (databricks mode): one Databricks job per monitored
 * table, copying the bound validation job's deployment. `checksSource` says where a schedule's rule
 * set is published (the rule set's publishing settings); the lead wires it with the token provider.
 */
export function createDatabricksMonitoringJobs(
  config: AppConfig,
  deps: {
    tokenProvider: TokenProvider;
    invalidateToken?: () => void;
    fetch?: FetchLike;
    checksSource: DatabricksMonitoringJobsOptions['checksSource'];
  },
): DatabricksMonitoringJobs {
  const { host, validationJobId, resultsVolume } = config.databricks;
  if (!host) throw new AppError('unavailable', 'DATABRICKS_HOST is not set, so scheduled checks cannot be set up.');
  if (!validationJobId) {
    throw new AppError(
      'unavailable',
      'Scheduled checks copy the validation job of the deployment, which is not bound to the app (DQX_VALIDATION_JOB_ID). Deploy the bundle, which binds it.',
    );
  }
  return new DatabricksMonitoringJobs({
    host,
    validationJobId,
    resultsVolume,
    checksSource: deps.checksSource,
    tokenProvider: deps.tokenProvider,
    invalidateToken: deps.invalidateToken,
    fetch: deps.fetch,
    timeoutMs: config.jobs.requestTimeoutSeconds * 1000,
  });
}
