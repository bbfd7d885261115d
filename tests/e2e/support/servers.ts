/** Where the end-to-end servers listen and keep their state (shared by playwright.config.ts and the specs). */
export const localPort = Number(process.env.E2E_PORT ?? 3100);
export const databricksPort = localPort + 1;
export const e2eDataDir = process.env.E2E_DATA_DIR ?? '.data/e2e';
export const localBaseUrl = `http://127.0.0.1:${localPort}`;
export const databricksBaseUrl = `http://127.0.0.1:${databricksPort}`;
