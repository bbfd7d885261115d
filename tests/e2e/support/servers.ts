/** Where the end-to-end servers listen and keep their state (shared by playwright.config.ts and the specs). */
export const localPort = Number(process.env.E2E_PORT ?? 3100);
export const databricksPort = localPort + 1;
export const e2eDataDir = process.env.E2E_DATA_DIR ?? '.data/e2e';
export const localBaseUrl = `http://127.0.0.1:${localPort}`;
export const databricksBaseUrl = `http://127.0.0.1:${databricksPort}`;
export const fakeLlmPort = localPort + 2;
/** The language-model stand-in the local e2e server talks to (tests/support/fake-llm). */
export const fakeLlmModel = 'fake-dqx-model';
/** Rows of the sample catalog's big table (samples.sales.orders) on the local e2e server. */
export const e2eBigRows = 50_000;
