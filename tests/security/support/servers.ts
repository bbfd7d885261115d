/** Where the hostile-input suite's servers listen (shared by the global setup and the tests). */
export const securityPort = Number(process.env.SECURITY_PORT ?? 3200);
export const localUrl = `http://127.0.0.1:${securityPort}`;
export const databricksUrl = `http://127.0.0.1:${securityPort + 1}`;
export const securityDataDir = process.env.SECURITY_DATA_DIR ?? '.data/security';

/** Settings of the local-mode server that the limit tests count on. */
export const LOCAL_LIMITS = { runsPerUser: 2, llmCallsPerMinute: 4, maxRules: 1000 } as const;

/** The databricks-mode server's app name and workspace id (its own Databricks Apps host names). */
export const APP_NAME = 'dqx-security';
export const WORKSPACE_ID = '1234567890123456';
export const APP_HOST = `${APP_NAME}-${WORKSPACE_ID}.aws.databricksapps.com`;

/** Prompts containing this are held by the model stand-in until the test releases them. */
export const HOLD = 'PLEASE HOLD';
