/**
 * The Databricks JobRunner for this process's configuration. The lead wires the app service
 * principal's token provider (OAuth M2M, shared with the Lakebase store) into it.
 */
import type { AppConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';

import type { JobRunner } from '../port';
import { DatabricksJobRunner } from './databricks-job-runner';
import type { FetchLike, TokenProvider } from './rest-client';

export { DatabricksJobRunner, filesApiPath, normaliseVolume, parseRaisedFailure } from './databricks-job-runner';
export type { TokenProvider } from './rest-client';

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
