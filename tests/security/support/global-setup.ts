/**
 * Starts what the hostile-input suite talks to, once for all its files: the production build
 * (`.next`, built by `npm run build` or the end-to-end tests, never here) through the real launcher
 * (`scripts/serve.ts start`, as `npm start` runs it), once in local mode and once in databricks mode;
 * a SCIM current-user stand-in for databricks mode, a language-model stand-in for local mode that
 * holds prompts containing HOLD until the test releases them (POST <control>/release).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { TestProject } from 'vitest/node';

import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';
import { scriptedModel } from '@/tests/support/fake-llm/scripted-model';
import { FakeScimServer } from '@/tests/support/fake-scim-server';
import { stopProcess, untilAnswers } from '@/tests/support/processes';

import { root, startApp } from './launch';
import {
  APP_NAME,
  databricksUrl,
  HOLD,
  LOCAL_LIMITS,
  localUrl,
  securityDataDir,
  securityPort,
  WORKSPACE_ID,
} from './servers';

declare module 'vitest' {
  export interface ProvidedContext {
    scimUrl: string;
    controlUrl: string;
    localPid: number;
    databricksPid: number;
  }
}

function untilUp(url: string, child: ChildProcess, name: string): Promise<void> {
  return untilAnswers(`${url}/api/health`, child, `the ${name} server`, 180, `${securityDataDir}/${name}.log`);
}

const stop = (child: ChildProcess | undefined) => stopProcess(child);

export default async function setup(project: TestProject) {
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    throw new Error(
      'No production build: run `npm run build` (or `npm run test:e2e`, which builds) before `npm run test:security`.',
    );
  }
  for (const url of [localUrl, databricksUrl]) {
    const taken = await fetch(`${url}/api/health`).then(
      () => true,
      () => false,
    );
    if (taken)
      throw new Error(`Something already listens at ${url}: stop it, or set SECURITY_PORT to free ports.`);
  }
  const scim = await new FakeScimServer().start();
  const held: (() => void)[] = [];
  let holding = true;
  const llm: FakeLlm = await startFakeLlm({
    respond: async (request) => {
      if (holding && request.messages.at(-1)!.content.includes(HOLD))
        await new Promise<void>((resolve) => held.push(resolve));
      return scriptedModel(request);
    },
  });
  // POST /release answers what is held and holds nothing from then on (a generation may ask again)
  const control: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/release') {
      holding = false;
      for (const release of held.splice(0)) release();
    }
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

  const local = startApp('local', {
    DQX_MODE: 'local',
    PORT: String(securityPort),
    DQX_LOCAL_USER: 'security-user',
    DQX_SAMPLE_BIG_ROWS: '1000',
    DQX_LLM_BASE_URL: llm.url,
    DQX_LLM_MODEL: 'fake-dqx-model',
    DQX_RUNS_PER_USER: String(LOCAL_LIMITS.runsPerUser),
    DQX_LLM_CALLS_PER_MINUTE: String(LOCAL_LIMITS.llmCallsPerMinute),
    DQX_MAX_RULES: String(LOCAL_LIMITS.maxRules),
  });
  const databricks = startApp('databricks', {
    DQX_MODE: 'databricks',
    PORT: String(securityPort + 1),
    // the Apps runtime's variables; the server listens on loopback here all the same
    DQX_BIND_HOST: '127.0.0.1',
    DATABRICKS_HOST: scim.url,
    DATABRICKS_APP_NAME: APP_NAME,
    DATABRICKS_WORKSPACE_ID: WORKSPACE_ID,
    DQX_STORE: 'pglite',
    DQX_STORE_MIGRATE_ON_START: 'true',
  });
  try {
    await Promise.all([untilUp(localUrl, local, 'local'), untilUp(databricksUrl, databricks, 'databricks')]);
  } catch (error) {
    await Promise.all([stop(local), stop(databricks)]);
    throw error;
  }

  project.provide('scimUrl', scim.url);
  project.provide('controlUrl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  project.provide('localPid', local.pid!);
  project.provide('databricksPid', databricks.pid!);

  return async () => {
    for (const release of held.splice(0)) release();
    await Promise.all([stop(local), stop(databricks)]);
    await Promise.all([
      scim.stop(),
      llm.close(),
      new Promise<void>((resolve) => control.close(() => resolve())),
    ]);
  };
}
