/**
 * The rehearsal's Databricks workspace: one local HTTP server (DATABRICKS_HOST of the app under
 * test) answering every workspace API the app calls, as documented:
 *
 * - OAuth M2M token endpoint `POST /oidc/v1/token` (the app's service principal),
 * - Jobs API 2.2 run lifecycle (`run-now`, `runs/get`, `runs/get-output`, `runs/cancel`), the
 *   scheduled-checks jobs the app creates (`jobs/create`, `reset`, `delete`, `get`, `list`,
 *   `runs/list`; `POST /_rehearsal/scheduled-run {job_id}` plays a slot of such a job: its notebook
 *   monitor_table runs on local Spark with the job's parameters, and the run is listed as PERIODIC),
 *   the one-time runs that e-mail alerts (`runs/submit`; `GET /_rehearsal/submitted-runs` lists them) and the
 *   Files API for volumes: lib/jobs/databricks/testing/fake-workspace.ts, whose runs are computed
 *   by the real notebooks on local Spark (tests/databricks/spark_standin.py `/notebook`), reading
 *   the physical tables as the job's principal would,
 * - SCIM current user `GET /api/2.0/preview/scim/v2/Me` (tests/support/fake-scim-server.ts),
 * - serving endpoint chat completions `POST /serving-endpoints/chat/completions` with the service
 *   principal's token (tests/support/fake-llm, its scripted model),
 * - Lakebase credentials (`POST /api/2.0/database/credentials`, Provisioned, and
 *   `POST /api/2.0/postgres/credentials`, Autoscaling).
 *
 * Every token it issues or knows is listed by `secrets()`, for the log scan.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { JOB_PARAMETER_NAMES, JOB_TASK_KEYS } from '@/lib/jobs/contract';
import { FakeWorkspace } from '@/lib/jobs/databricks/testing/fake-workspace';
import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';
import { FakeScimServer, SCIM_ME } from '@/tests/support/fake-scim-server';

export interface RehearsalUser {
  name: string;
  email: string;
  token: string;
}

export interface RehearsalWorkspaceOptions {
  port: number;
  clientId: string;
  clientSecret: string;
  generationJobId: string;
  validationJobId: string;
  users: RehearsalUser[];
  sparkUrl: string;
  /** The model serving endpoint the app is bound to (GET /api/2.0/serving-endpoints/{name} knows it). */
  servingEndpoint: string;
}

export interface RehearsalWorkspace {
  url: string;
  workspace: FakeWorkspace;
  /** Job runs started, with their parameters (which tables went to a job). */
  jobRuns(): { kind: 'generation' | 'validation'; parameters: Record<string, string> }[];
  /** Every secret the stand-ins know: user tokens, the client secret, tokens they issued. */
  secrets(): string[];
  stop(): Promise<void>;
}

async function forward(url: string, req: IncomingMessage, raw: Buffer, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  const answer = await fetch(url, { method: req.method, headers, body: req.method === 'GET' ? undefined : new Uint8Array(raw) });
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await answer.arrayBuffer()));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startRehearsalWorkspace(o: RehearsalWorkspaceOptions): Promise<RehearsalWorkspace> {
  const scim = await new FakeScimServer().start();
  for (const user of o.users) scim.addUser(user.token, { userName: user.email, displayName: user.name });
  const llm: FakeLlm = await startFakeLlm();
  const lakebaseTokens: string[] = [];
  const runs: { kind: 'generation' | 'validation'; parameters: Record<string, string> }[] = [];

  const secrets = () => [...o.users.map((u) => u.token), o.clientSecret, ...workspace.issuedTokens, ...lakebaseTokens];
  const spToken = (req: IncomingMessage) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return bearer && workspace.issuedTokens.includes(bearer) ? bearer : null;
  };

  const workspace: FakeWorkspace = new FakeWorkspace({
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    jobs: [
      { jobId: o.generationJobId, taskKey: JOB_TASK_KEYS.generation, parameters: [...JOB_PARAMETER_NAMES.generation] },
      { jobId: o.validationJobId, taskKey: JOB_TASK_KEYS.validation, parameters: [...JOB_PARAMETER_NAMES.validation] },
    ],
    recordings: [],
    async compute(job, parameters) {
      const kind = job.jobId === o.generationJobId ? 'generation' : 'validation';
      runs.push({ kind, parameters });
      const answer = await fetch(`${o.sparkUrl}/notebook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: kind === 'generation' ? 'generate_rules' : 'validate_rules', widgets: parameters }),
      });
      return (await answer.json()) as { exit: string } | { raised: { class: string; message: string } };
    },
    async extra(req, url, raw, res) {
      // for the spec (it runs in another process): what the stand-ins know
      if (url.pathname === '/_rehearsal/secrets') {
        send(res, 200, secrets());
        return true;
      }
      if (url.pathname === '/_rehearsal/job-runs') {
        send(res, 200, runs);
        return true;
      }
      if (url.pathname === '/_rehearsal/created-jobs') {
        send(res, 200, [...workspace.createdJobs.values()]);
        return true;
      }
      if (url.pathname === '/_rehearsal/submitted-runs') {
        send(res, 200, workspace.submittedRuns);
        return true;
      }
      if (req.method === 'POST' && url.pathname === '/_rehearsal/scheduled-run') {
        send(res, 200, await playSlot(String((JSON.parse(raw.toString('utf8')) as { job_id: unknown }).job_id)));
        return true;
      }
      // what readiness reads as the service principal: the bound jobs and the model endpoint
      if (req.method === 'GET' && (url.pathname === '/api/2.2/jobs/get' || url.pathname.startsWith('/api/2.0/serving-endpoints/'))) {
        if (!spToken(req)) {
          send(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });
          return true;
        }
        if (url.pathname === '/api/2.2/jobs/get') {
          const jobId = url.searchParams.get('job_id');
          const kind = jobId === o.generationJobId ? 'generation' : jobId === o.validationJobId ? 'validation' : null;
          // jobs the app created (scheduled checks: jobs/create) are answered by the FakeWorkspace
          if (!kind) return false;
          // as deployed by the bundle (target "rehearsal"): the monitoring jobs copy the validation job's
          // notebook folder, environment and run_as (lib/jobs/databricks/monitoring-job.ts)
          const environmentKey = kind === 'generation' ? 'dqx_llm' : 'dqx';
          send(res, 200, {
            job_id: Number(jobId),
            creator_user_name: 'deployer@example.com',
            run_as_user_name: 'deployer@example.com',
            settings: {
              name: kind === 'generation' ? 'DQX rule generation (rehearsal)' : 'DQX rule validation (rehearsal)',
              environments: [{ environment_key: environmentKey, spec: { environment_version: '4', dependencies: ['databricks-labs-dqx==0.17.0', 'jsonschema==4.26.0', 'sqlglot==30.31.0'] } }],
              tasks: [
                {
                  task_key: JOB_TASK_KEYS[kind],
                  environment_key: environmentKey,
                  notebook_task: { notebook_path: `/Workspace/Users/deployer@example.com/.bundle/dqx-data-quality-manager/rehearsal/files/notebooks/${JOB_TASK_KEYS[kind]}`, source: 'WORKSPACE' },
                },
              ],
            },
          });
          return true;
        }
        const endpoint = decodeURIComponent(url.pathname.slice('/api/2.0/serving-endpoints/'.length));
        if (endpoint !== o.servingEndpoint) send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Endpoint ${endpoint} does not exist.` });
        else send(res, 200, { name: endpoint, state: { ready: 'READY', config_update: 'NOT_UPDATING' } });
        return true;
      }
      if (url.pathname === SCIM_ME) {
        await forward(`${scim.url}${SCIM_ME}`, req, raw, res, req.headers.authorization ? { authorization: req.headers.authorization } : {});
        return true;
      }
      if (url.pathname.startsWith('/serving-endpoints/') || url.pathname === '/api/2.0/database/credentials' || url.pathname === '/api/2.0/postgres/credentials') {
        if (!spToken(req)) {
          send(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });
          return true;
        }
        if (req.method === 'POST' && url.pathname === '/serving-endpoints/chat/completions') {
          await forward(`${llm.url}/chat/completions`, req, raw, res, { 'content-type': 'application/json' });
          return true;
        }
        if (req.method === 'POST' && url.pathname.endsWith('/credentials')) {
          const token = `rehearsal-lakebase-${randomBytes(12).toString('hex')}`;
          lakebaseTokens.push(token);
          const expires = new Date(Date.now() + 3600_000).toISOString();
          send(res, 200, url.pathname.includes('/database/') ? { token, expiration_time: expires } : { token, expire_time: expires });
          return true;
        }
      }
      return false;
    },
  });
  /**
   * One slot of a scheduled-checks job, as Databricks plays it: the job's declared parameters with
   * `{{job.run_id}}` resolved, its notebook run on local Spark as the job's principal, the run then
   * listed (trigger PERIODIC) with that notebook's result for the app's ingest to find.
   */
  let nextSlotRunId = 800_000_000_000_001n;
  const playSlot = async (jobId: string) => {
    const job = workspace.createdJobs.get(jobId);
    if (!job) return { error: `job ${jobId} was not created` };
    const runId = nextSlotRunId++;
    const declared = (job.settings.parameters as { name: string; default: string }[] | undefined) ?? [];
    const parameters = Object.fromEntries(declared.map((p) => [p.name, p.default.replace('{{job.run_id}}', String(runId))]));
    const notebookPath = (job.settings.tasks as { notebook_task: { notebook_path: string } }[])[0]!.notebook_task.notebook_path;
    const answer = await fetch(`${o.sparkUrl}/notebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: notebookPath.slice(notebookPath.lastIndexOf('/') + 1), widgets: parameters }),
    });
    const notebook = (await answer.json()) as { exit: string } | { raised: { class: string; message: string } };
    workspace.scheduledRun(jobId, notebook, { runId });
    return { run_id: String(runId), parameters, notebook };
  };

  // FakeWorkspace listens on a random port; the app must be told one fixed URL before it starts
  await workspace.start();
  const url = workspace.url;

  return {
    url,
    workspace,
    jobRuns: () => runs,
    secrets,
    async stop() {
      await Promise.all([workspace.stop(), scim.stop(), llm.close()]);
    },
  };
}
