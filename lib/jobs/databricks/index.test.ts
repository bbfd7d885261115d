import { describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';

import { createDatabricksJobRunner, createDatabricksMonitoringJobs, DatabricksMonitoringJobs } from './index';

const tokenProvider = async () => 'unused';

describe('createDatabricksJobRunner', () => {
  it('builds a runner from the job ids the bundle binds to the app', () => {
    const config = loadConfig({
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: 'adb-1.2.azuredatabricks.net',
      DQX_GENERATION_JOB_ID: '11',
      DQX_VALIDATION_JOB_ID: '12',
      DQX_RESULTS_VOLUME: 'main.dqx_app_dev.dqx_job_results',
    });
    expect(createDatabricksJobRunner(config, { tokenProvider }).kind).toBe('databricks');
  });

  it('says plainly when the jobs are not bound (503, not a crash later)', () => {
    const config = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://x.cloud.databricks.com' });
    const error = (() => {
      try {
        createDatabricksJobRunner(config, { tokenProvider });
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(error) && error.status).toBe(503);
    expect((error as Error).message).toContain('DQX_GENERATION_JOB_ID');
  });
});

describe('createDatabricksMonitoringJobs', () => {
  const checksSource = async () => ({ kind: 'table' as const, table: 'main.dq.checks', runConfigName: 'main.sales.orders' });

  it('builds the scheduled-checks jobs from the validation job the bundle binds', () => {
    const config = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'adb-1.2.azuredatabricks.net', DQX_VALIDATION_JOB_ID: '12' });
    expect(createDatabricksMonitoringJobs(config, { tokenProvider, checksSource })).toBeInstanceOf(DatabricksMonitoringJobs);
  });

  it('without the validation job it refuses with 503 naming the setting', () => {
    const config = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://x.cloud.databricks.com' });
    let error: unknown;
    try {
      createDatabricksMonitoringJobs(config, { tokenProvider, checksSource });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.status).toBe(503);
    expect((error as Error).message).toContain('DQX_VALIDATION_JOB_ID');
  });
});
