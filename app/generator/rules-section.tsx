import { GeneratorWorkspace } from '@/components/generation/generator-workspace';
import { storeHealth } from '@/db';
import { getCaller } from '@/lib/auth';
import { getConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';
import { modelStatus } from '@/lib/llm';
import { RunId } from '@/lib/services/rule-set-schemas';
import { getRun, type RunDetail } from '@/lib/services/runs';

import { describeTableColumns } from './table-columns';

/**
 * Step "Rules" of the Generator: generate rules for the chosen table (a run named in the URL with
 * `?run=`, loaded here so a reload shows it at once), review and edit them, dry run, AI analysis and
 * save, in the generator workspace.
 */
export async function GeneratorRulesSection({ table, runId }: { table: string; runId: string | null }) {
  const caller = await getCaller();
  const config = getConfig();
  const described = await describeTableColumns(caller, table);
  const ok = described.status === 'ok';
  const status = modelStatus(config);
  const store = await storeHealth(3_000);

  let initialRun: RunDetail | null = null;
  if (runId && RunId.safeParse(runId).success) {
    try {
      initialRun = await getRun(caller, runId);
    } catch (error) {
      // The page says why when it polls (not found, no access); anything else is a real failure.
      if (!isAppError(error)) throw error;
    }
  }

  return (
    <GeneratorWorkspace
      table={ok ? described.name : table}
      columns={ok ? described.columns : []}
      dialect={ok ? described.dialect : undefined}
      columnsNotice={ok ? null : described.message}
      rowCount={ok ? described.rowCount : null}
      model={{ configured: status.configured, name: status.model, reason: status.reason }}
      mode={config.mode}
      initialRun={initialRun}
      store={{ ok: store.ok, kind: store.store, message: store.message ?? null }}
      tableState={
        described.status === 'ok'
          ? { status: 'ok' }
          : described.status === 'preparing'
            ? { status: 'preparing', message: described.message, availability: described.availability }
            : { status: described.status, message: described.message }
      }
    />
  );
}
