import { defineConfig, devices } from '@playwright/test';

import {
  databricksPort,
  e2eBigRows,
  e2eDataDir as e2eData,
  fakeLlmModel,
  fakeLlmPort,
  localPort,
} from './tests/e2e/support/servers';

/**
 * End-to-end tests drive the real app in the system Chromium (browsers cannot be downloaded here).
 * The app under test runs in local mode on a throw-away data folder; a second server runs in
 * databricks mode to prove that requests without a user token are refused. The local app talks to a
 * language-model stand-in (an OpenAI-compatible server with a scripted model) for generation and
 * AI analysis.
 */
const chromiumPath = process.env.DQX_CHROMIUM_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${localPort}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    {
      command: `npx tsx tests/support/fake-llm/cli.ts --port ${fakeLlmPort}`,
      url: `http://127.0.0.1:${fakeLlmPort}/health`,
      timeout: 60_000,
      reuseExistingServer: false,
    },
    {
      // Each run starts from an empty state folder, so the sample catalog is built afresh.
      command: `node scripts/reset-dir.mjs ${e2eData}/local && npx tsx scripts/serve.ts start`,
      url: `http://127.0.0.1:${localPort}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      env: {
        DQX_MODE: 'local',
        DQX_BIND_HOST: '127.0.0.1',
        PORT: String(localPort),
        DQX_LOCAL_DATA_DIR: `${e2eData}/local/data`,
        DQX_STATE_DIR: `${e2eData}/local/state`,
        DQX_LOCAL_USER: 'e2e-user',
        // e2e-user is an admin (every right); governance.spec.ts acts as other users of this file
        DQX_ROLES_FILE: 'tests/e2e/support/roles.yaml',
        // A smaller big table keeps the first start quick; every planted defect is still there.
        DQX_SAMPLE_BIG_ROWS: String(e2eBigRows),
        DQX_LLM_BASE_URL: `http://127.0.0.1:${fakeLlmPort}/v1`,
        DQX_LLM_MODEL: fakeLlmModel,
        // the local scheduler looks for due slots every 2 s (tests/e2e/schedules.spec.ts)
        DQX_SCHEDULER_TICK_MS: '2000',
      },
    },
    {
      command: `node scripts/reset-dir.mjs ${e2eData}/databricks && npx tsx scripts/serve.ts start`,
      url: `http://127.0.0.1:${databricksPort}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      env: {
        DQX_MODE: 'databricks',
        DQX_BIND_HOST: '127.0.0.1',
        PORT: String(databricksPort),
        DATABRICKS_HOST: 'https://example.cloud.databricks.com',
        DQX_LOCAL_DATA_DIR: `${e2eData}/databricks/data`,
        DQX_STATE_DIR: `${e2eData}/databricks/state`,
      },
    },
  ],
});
