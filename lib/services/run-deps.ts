/**
 * What the generation, validation and analysis services need from outside, all injectable for
 * tests: the store and the access check (as for rule sets), each caller's warehouse, the in-process
 * runner, the Databricks job runner (databricks mode), and the language model.
 */
import 'server-only';

import type { Kysely } from 'kysely';

import type { Database } from '@/db';
import type { Caller } from '@/lib/auth/caller';
import { getConfig, type AppConfig, type Mode } from '@/lib/config';
import { getServicePrincipalTokenProvider } from '@/lib/databricks/oauth';
import { createDatabricksJobRunner } from '@/lib/jobs/databricks';
import type { LocalRunner } from '@/lib/jobs/local/local-runner';
import type { JobRunner } from '@/lib/jobs/port';
import { getChatModel, modelStatus, type ChatModel, type ModelStatus } from '@/lib/llm';
import { getWarehouse } from '@/lib/warehouse';
import type { Warehouse } from '@/lib/warehouse/port';

import type { TableAccess } from './access';
import { getRunRunner } from './run-runner';
import { resolveDeps, type StoreDeps } from './store-deps';

export interface RunDeps extends StoreDeps {
  warehouseOf?: (caller: Caller) => Warehouse;
  runner?: LocalRunner;
  /** The Databricks job runner (databricks mode); built from the configuration on first use. */
  jobRunner?: () => JobRunner;
  /** The language model; null for none. Default: the configured one. */
  chatModel?: ChatModel | null;
  modelStatus?: ModelStatus;
  mode?: Mode;
  /** How often a job run is polled (ms). */
  jobPollMs?: number;
  /** How long an unreachable Jobs API is tolerated while following a job run (ms). */
  jobOutageMs?: number;
}

export interface ResolvedRunDeps {
  db: Kysely<Database>;
  access: TableAccess;
  warehouseOf: (caller: Caller) => Warehouse;
  /** The in-process runner (the process's one unless injected), started on first use. */
  runner: () => Promise<LocalRunner>;
  jobRunner: () => JobRunner;
  chatModel: ChatModel | null;
  modelStatus: ModelStatus;
  mode: Mode;
  jobPollMs: number;
  jobOutageMs: number;
}

let jobRunnerInstance: JobRunner | undefined;

function defaultJobRunner(): JobRunner {
  if (!jobRunnerInstance) {
    const provider = getServicePrincipalTokenProvider();
    jobRunnerInstance = createDatabricksJobRunner(getConfig(), { tokenProvider: () => provider.getToken(), invalidateToken: () => provider.invalidate() });
  }
  return jobRunnerInstance;
}

function noModel(config: AppConfig): ModelStatus {
  const status = modelStatus(config);
  return status.configured
    ? { configured: false, model: null, reason: 'No language model is available, so rules come from the profile only.' }
    : status;
}

export async function resolveRunDeps(deps: RunDeps = {}): Promise<ResolvedRunDeps> {
  const { db, access } = await resolveDeps(deps);
  const config = deps.mode === undefined || deps.jobPollMs === undefined || deps.modelStatus === undefined ? getConfig() : null;
  const chatModel = deps.chatModel === undefined ? getChatModel() : deps.chatModel;
  const status = deps.modelStatus ?? (chatModel ? { configured: true, model: chatModel.model, reason: null } : noModel(config!));
  return {
    db,
    access,
    warehouseOf: deps.warehouseOf ?? getWarehouse,
    runner: deps.runner ? async () => deps.runner! : getRunRunner,
    jobRunner: deps.jobRunner ?? defaultJobRunner,
    chatModel,
    modelStatus: status,
    mode: deps.mode ?? config!.mode,
    jobPollMs: deps.jobPollMs ?? config!.jobs.pollSeconds * 1000,
    jobOutageMs: deps.jobOutageMs ?? (config ?? getConfig()).jobs.outageSeconds * 1000,
  };
}
