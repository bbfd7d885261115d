/**
 * Starts the rehearsal of a deployment (npm run test:databricks), once for the spec:
 *
 * 1. the rule store on this machine's PostgreSQL: a fresh database owned by `postgres`, and a role
 *    named after the app's service principal that holds only what a Lakebase database resource
 *    grants (CONNECT and CREATE on the database; on PostgreSQL 15 no CREATE on schema public);
 * 2. local Spark with real DQX as the SQL warehouse and the job compute (spark_standin.py);
 * 3. the workspace stand-in (workspace.ts): OAuth, SCIM, Jobs 2.2, Files, serving, Lakebase;
 * 4. an https receiver for alert webhooks on this machine's outward address (webhook-receiver.ts);
 * 5. the production build (`.next`, made by the end-to-end tests or here when missing) through
 *    `scripts/serve.ts start` in databricks mode with every binding, as Databricks Apps starts it,
 *    and a second instance with no warehouse and no jobs bound.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import { startProcess, stopProcess, untilAnswers } from '../support/processes';

import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
import { startRehearsalWorkspace, type RehearsalWorkspace } from './workspace';
import {
  appLog,
  appPort,
  appUrl,
  dataDir,
  freshIdentities,
  GRANTS,
  ROOT,
  sparkPort,
  stateFile,
  unboundLog,
  unboundUrl,
  webhookPort,
  type RehearsalState,
} from './rehearsal-env';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'dqx_rehearsal';
const GENERATION_JOB_ID = '912345678901234';
const VALIDATION_JOB_ID = '912345678901235';
const SERVING_ENDPOINT = 'databricks-claude-sonnet-4-5';

async function prepareStore(role: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const id = (name: string) => `"${name.replaceAll('"', '""')}"`;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`); // owned by the admin, as Lakebase's databricks_postgres is
    await admin.query(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname LIKE '%-rehearsalsp') THEN
      EXECUTE (SELECT string_agg(format('DROP ROLE %I', rolname), '; ') FROM pg_roles WHERE rolname LIKE '%-rehearsalsp'); END IF; END $$`);
    await admin.query(`CREATE ROLE ${id(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    // what a Lakebase `database` resource grants the app's principal, nothing more
    await admin.query(`GRANT CONNECT, CREATE ON DATABASE ${DATABASE} TO ${id(role)}`);
  } finally {
    await admin.end();
  }
}

function python(): string {
  const result = spawnSync('bash', ['scripts/conformance-env.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the Python environment is not ready: ${result.stderr}`);
  return path.resolve(ROOT, result.stdout.trim());
}

function start(command: string, args: string[], log: string, env: NodeJS.ProcessEnv): ChildProcess {
  return startProcess(command, args, { cwd: ROOT, log, env });
}

function until(url: string, child: ChildProcess, what: string, log: string, seconds: number): Promise<void> {
  return untilAnswers(url, child, what, seconds, path.relative(ROOT, log));
}

const stop = (child: ChildProcess | undefined) => stopProcess(child, 5_000);

export default async function setup(): Promise<() => Promise<void>> {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.log('rehearsal: no production build yet: npx next build');
    const built = spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('next build failed');
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const ids = freshIdentities();
  await prepareStore(ids.clientId);

  const config = {
    users: [
      { token: ids.alice.token, email: ids.alice.email, groups: [], prefix: 'u_alice__', grants: GRANTS.alice },
      { token: ids.bob.token, email: ids.bob.email, groups: [], prefix: 'u_bob__', grants: GRANTS.bob },
    ],
  };
  const configFile = path.join(dataDir, 'spark-config.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const sparkLog = path.join(dataDir, 'spark.log');
  const spark = start(python(), ['tests/databricks/spark_standin.py', configFile, String(sparkPort), dataDir], sparkLog, {
    ...process.env,
    PYTHONUNBUFFERED: '1',
  });
  let workspace: RehearsalWorkspace | undefined;
  let app: ChildProcess | undefined;
  let unbound: ChildProcess | undefined;
  let webhook: WebhookReceiver | undefined;
  const teardown = async () => {
    await Promise.all([stop(app), stop(unbound), stop(spark)]);
    await Promise.all([workspace?.stop(), webhook?.stop()]);
  };
  try {
    webhook = await startWebhookReceiver(dataDir, webhookPort);
    workspace = await startRehearsalWorkspace({
      port: 0,
      clientId: ids.clientId,
      clientSecret: ids.clientSecret,
      generationJobId: GENERATION_JOB_ID,
      validationJobId: VALIDATION_JOB_ID,
      users: [ids.alice, ids.bob],
      sparkUrl: `http://127.0.0.1:${sparkPort}`,
      servingEndpoint: SERVING_ENDPOINT,
    });
    const common: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      // every line the app writes, debug included, is scanned for the tokens
      DQX_LOG_LEVEL: 'debug',
      DQX_MODE: 'databricks',
      DQX_BIND_HOST: '127.0.0.1',
      // what Databricks Apps injects
      DATABRICKS_HOST: workspace.url,
      DATABRICKS_APP_NAME: 'dqx-rehearsal',
      DATABRICKS_WORKSPACE_ID: '1234567890123456',
      DATABRICKS_CLIENT_ID: ids.clientId,
      DATABRICKS_CLIENT_SECRET: ids.clientSecret,
      // what the database resource injects (TLS off: the local server has none)
      DQX_STORE: 'lakebase',
      PGHOST: '127.0.0.1',
      PGPORT: '5432',
      PGDATABASE: DATABASE,
      PGUSER: ids.clientId,
      PGSSLMODE: 'disable',
      DQX_STORE_SCHEMA: 'dqx',
      DQX_STORE_MIGRATE_ON_START: 'true',
      DQX_JOB_POLL_SECONDS: '1',
    };
    const dir = (name: string) => ({ DQX_LOCAL_DATA_DIR: path.join(dataDir, name, 'data'), DQX_STATE_DIR: path.join(dataDir, name, 'state') });
    const serve = [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', 'start'];
    app = start(process.execPath, serve, appLog, {
      ...common,
      ...dir('app'),
      PORT: String(appPort),
      // what app.yaml's valueFrom bindings give
      DATABRICKS_WAREHOUSE_ID: 'rehearsal0warehouse',
      DQX_GENERATION_JOB_ID: GENERATION_JOB_ID,
      DQX_VALIDATION_JOB_ID: VALIDATION_JOB_ID,
      DQX_RESULTS_VOLUME: '/Volumes/main/dqx_app/job_results',
      DQX_SERVING_ENDPOINT: SERVING_ENDPOINT,
      DQX_REHEARSAL_WAREHOUSE_URL: `http://127.0.0.1:${sparkPort}`,
      // scheduled checks' job runs are brought into the history at the shortest interval allowed
      DQX_SCHEDULE_SYNC_SECONDS: '10',
      // the alert webhook's self-signed certificate (a deployment's webhook has a public one)
      ...(webhook ? { NODE_EXTRA_CA_CERTS: webhook.caFile } : {}),
    });
    unbound = start(process.execPath, serve, unboundLog, { ...common, ...dir('unbound'), PORT: String(appPort + 1) });
    await Promise.all([
      until(`${appUrl}/api/health`, app, 'the app', appLog, 180),
      until(`${unboundUrl}/api/health`, unbound, 'the unbound app', unboundLog, 180),
      until(`http://127.0.0.1:${sparkPort}/health`, spark, 'the Spark stand-in', sparkLog, 400),
    ]);
    const state: RehearsalState = {
      workspaceUrl: workspace.url,
      clientId: ids.clientId,
      database: DATABASE,
      users: { alice: { email: ids.alice.email, token: ids.alice.token }, bob: { email: ids.bob.email, token: ids.bob.token } },
      secrets: [],
      webhook: webhook ? { url: webhook.url, receivedFile: webhook.receivedFile } : null,
    };
    fs.writeFileSync(stateFile, JSON.stringify(state));
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
