/**
 * /api/ready as deployed: bindings that are present but broken (a job the app's service principal
 * cannot read, a model endpoint that does not exist) make it answer 503 with one reason each, and
 * it answers 200 once they answer. The workspace is a local stand-in for the OAuth token endpoint,
 * `GET /api/2.2/jobs/get` and `GET /api/2.0/serving-endpoints/{name}`; the store is this machine's
 * PostgreSQL under the deployed role model. The start-up log of the bindings carries no secret.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { GET as ready } from '@/app/api/ready/route';
import { closeStore } from '@/db';
import { createDeployedDatabase, type DeployedDatabase } from '@/db/testing/test-stores';
import { getConfig, resetConfigForTests } from '@/lib/config';

import { configuredBindings, logBindings } from './bindings';

const serverUrl = process.env.TEST_DATABASE_URL;
const SECRET = 'sp-secret-never-logged';

describe.skipIf(!serverUrl)('readiness of a deployed app (PostgreSQL server)', () => {
  let workspace: Server;
  let host: string;
  let deployed: DeployedDatabase;
  const readableJobs = new Set(['111']);
  let endpointExists = false;
  const saved = { ...process.env };

  beforeAll(async () => {
    workspace = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/oidc/v1/token') return send(200, { access_token: 'sp-token', token_type: 'Bearer', expires_in: 3600 });
      if (req.headers.authorization !== 'Bearer sp-token') return send(401, { error_code: 'UNAUTHENTICATED', message: 'bad token' });
      if (url.pathname === '/api/2.2/jobs/get') {
        const id = url.searchParams.get('job_id') ?? '';
        return readableJobs.has(id) ? send(200, { job_id: Number(id) }) : send(403, { error_code: 'PERMISSION_DENIED', message: 'no' });
      }
      if (url.pathname === '/api/2.0/serving-endpoints/dqx-model') {
        return endpointExists ? send(200, { name: 'dqx-model' }) : send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' });
      }
      return send(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no' });
    });
    await new Promise<void>((resolve) => workspace.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(workspace.address() as AddressInfo).port}`;
    deployed = await createDeployedDatabase(serverUrl!);
    process.env = {
      ...saved,
      DQX_LOG_LEVEL: 'info',
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: host,
      DATABRICKS_CLIENT_ID: 'app-sp',
      DATABRICKS_CLIENT_SECRET: SECRET,
      DATABRICKS_WAREHOUSE_ID: 'wh1',
      DQX_GENERATION_JOB_ID: '111',
      DQX_VALIDATION_JOB_ID: '222',
      DQX_SERVING_ENDPOINT: 'dqx-model',
      DATABASE_URL: deployed.url,
    };
    resetConfigForTests();
    (globalThis as Record<symbol, unknown>)[Symbol.for('dqx.servicePrincipalTokenProvider')] = undefined;
  });

  afterAll(async () => {
    await closeStore();
    await deployed?.drop();
    await new Promise((resolve) => workspace?.close(resolve));
    process.env = saved;
    resetConfigForTests();
    (globalThis as Record<symbol, unknown>)[Symbol.for('dqx.servicePrincipalTokenProvider')] = undefined;
  });

  const readiness = async () => {
    const res = await ready(new NextRequest(new URL('/api/ready', 'http://localhost')));
    return { status: res.status, json: (await res.json()) as { ready: boolean; dependencies: { name: string; status: string; message?: string }[] } };
  };
  const dependency = (json: { dependencies: { name: string; status: string; message?: string }[] }, name: string) =>
    json.dependencies.find((d) => d.name === name);

  it('logs the bindings at start without a secret', () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const bindings = logBindings(getConfig());
      expect(bindings.filter((b) => b.state === 'missing')).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    const line = lines.find((l) => l.includes('bindings checked'));
    expect(line).toBeDefined();
    expect(line).toContain('generation job 111');
    expect(line).toContain('Postgres, schema dqx');
    expect(line).not.toContain(SECRET);
  });

  it('answers 503 naming the job the service principal cannot read and the model that does not exist', async () => {
    const { status, json } = await readiness();
    expect(status).toBe(503);
    expect(json.ready).toBe(false);
    expect(dependency(json, 'store')).toMatchObject({ status: 'ok' });
    expect(dependency(json, 'warehouse')).toMatchObject({ status: 'skipped' });
    expect(dependency(json, 'jobs')).toMatchObject({ status: 'failing', message: expect.stringContaining('The validation job') });
    expect(dependency(json, 'model')).toMatchObject({ status: 'failing', message: expect.stringContaining('does not exist') });
    expect(JSON.stringify(json)).not.toContain(SECRET);
  });

  it('answers 200 once every binding answers', async () => {
    readableJobs.add('222');
    endpointExists = true;
    const { status, json } = await readiness();
    expect(json.dependencies.filter((d) => d.status === 'failing')).toEqual([]);
    expect(status).toBe(200);
  });

  it('lists a missing binding as missing', () => {
    const config = { ...getConfig(), databricks: { ...getConfig().databricks, warehouseId: undefined, validationJobId: undefined } };
    const missing = configuredBindings(config).filter((b) => b.state === 'missing');
    expect(missing.map((b) => [b.name, b.detail])).toEqual([
      ['warehouse', 'not set: DATABRICKS_WAREHOUSE_ID (resource sql-warehouse)'],
      ['jobs', 'not set: DQX_VALIDATION_JOB_ID (resource validation-job)'],
    ]);
  });
});
