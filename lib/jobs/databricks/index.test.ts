import { describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';

import { createDatabricksJobRunner } from './index';

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
