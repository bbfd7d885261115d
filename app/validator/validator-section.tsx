import { TablePreparing } from '@/components/catalog/table-availability';
import { TableMessage } from '@/components/catalog/table-view';
import { RUNS_PAGE_SIZE } from '@/components/runs/format';
import { ValidatorWorkspace, type SelectedVersion } from '@/components/validation/validator-workspace';
import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { RunId } from '@/lib/services/rule-set-schemas';
import { getRuleSetVersion } from '@/lib/services/rule-sets';
import { getRun, listRuns, type RunDetail } from '@/lib/services/runs';

import { describeTableColumns } from '../generator/table-columns';
import { allVersions } from '../history/history-data';


/**
 * The Validator for one table: its saved versions (every one), the chosen version's rules, the run
 * named in the URL and the table's previous validation runs, all read as the caller.
 */
export async function ValidatorSection({
  table,
  version,
  runId,
  runsPage,
}: {
  table: string;
  version: number | null;
  runId: string | null;
  runsPage: number;
}) {
  const caller = await getCaller();
  const described = await describeTableColumns(caller, table);
  if (described.status === 'preparing') {
    return (
      <TablePreparing
        table={table}
        availability={described.availability}
        what="Its rule sets can be validated as soon as it is ready; this page updates by itself."
      />
    );
  }
  if (described.status !== 'ok') {
    return (
      <TableMessage title={described.status === 'not_found' ? 'Table not found' : 'The table cannot be validated'}>
        <p>{described.message}</p>
        <p>Pick another table with the search box above.</p>
      </TableMessage>
    );
  }
  const name = described.name;
  const history = await allVersions(caller, name);
  const chosen = version ?? history.active_version ?? history.items[0]?.version ?? null;
  let selected: SelectedVersion | null = null;
  let versionMissing = false;
  if (chosen !== null) {
    try {
      const v = await getRuleSetVersion(caller, name, chosen);
      selected = {
        version: v.version,
        rules: v.rules,
        created_at: v.created_at,
        created_by: v.created_by,
        is_active: v.is_active,
        user_prompt: v.user_prompt,
        rule_provenance: v.rule_provenance,
      };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'not_found') throw error;
      versionMissing = true;
    }
  }

  let initialRun: RunDetail | null = null;
  if (runId && RunId.safeParse(runId).success) {
    try {
      initialRun = await getRun(caller, runId);
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
  }
  const runs = await listRuns(caller, name, { kind: 'validation', page: runsPage, page_size: RUNS_PAGE_SIZE });

  return (
    <div className="grid gap-8">
      {versionMissing && (
        <TableMessage title={`Version ${version} does not exist`}>
          <p>{name} has no version {version}. Choose one of its saved versions below.</p>
        </TableMessage>
      )}
      <ValidatorWorkspace
        table={name}
        columns={described.columns}
        dialect={described.dialect}
        columnsNotice={null}
        versions={history.items}
        activeVersion={history.active_version}
        selected={selected}
        initialRun={initialRun}
        initialRuns={runs}
      />
    </div>
  );
}

export function ValidatorSkeleton() {
  return (
    <div className="grid gap-3" aria-busy="true" aria-label="Loading the rule sets">
      <div className="bg-muted h-9 max-w-2xl animate-pulse rounded-md" />
      <div className="bg-muted h-48 animate-pulse rounded-lg" />
    </div>
  );
}
