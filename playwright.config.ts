import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests drive the real app in the system Chromium (browsers cannot be downloaded here).
 * The app under test runs in local mode on a throw-away data folder; a second server runs in
 * databricks mode to prove that requests without a user token are refused.
 */
const chromiumPath = process.env.DQX_CHROMIUM_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const localPort = Number(process.env.E2E_PORT ?? 3100);
const databricksPort = localPort + 1;
const e2eData = process.env.E2E_DATA_DIR ?? '.data/e2e';

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
      command: `npx next start -H 127.0.0.1 -p ${localPort}`,
      url: `http://127.0.0.1:${localPort}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      env: {
        DQX_MODE: 'local',
        DQX_LOCAL_DATA_DIR: `${e2eData}/local/data`,
        DQX_STATE_DIR: `${e2eData}/local/state`,
        DQX_LOCAL_USER: 'e2e-user',
      },
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${databricksPort}`,
      url: `http://127.0.0.1:${databricksPort}/api/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      env: {
        DQX_MODE: 'databricks',
        DATABRICKS_HOST: 'https://example.cloud.databricks.com',
        DQX_LOCAL_DATA_DIR: `${e2eData}/databricks/data`,
        DQX_STATE_DIR: `${e2eData}/databricks/state`,
      },
    },
  ],
});
