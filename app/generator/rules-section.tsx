import { RuleSetWorkspace } from '@/components/rules/rule-set-workspace';
import { getCaller } from '@/lib/auth';

import { describeTableColumns } from './table-columns';

/**
 * Step "Rules" of the Generator: the rule set for the chosen table, started empty or from a DQX
 * file, edited with the rule editor. Generation, dry run, AI analysis and save plug into the
 * workspace's `startOptions`, `seed` and `actions`.
 */
export async function GeneratorRulesSection({ table }: { table: string }) {
  const caller = await getCaller();
  const described = await describeTableColumns(caller, table);
  const ok = described.status === 'ok';
  return (
    <RuleSetWorkspace
      tableName={ok ? described.name : table}
      columns={ok ? described.columns : []}
      dialect={ok ? described.dialect : undefined}
      columnsNotice={ok ? null : described.message}
    />
  );
}

export function GeneratorRulesSkeleton() {
  return (
    <div className="grid gap-3 sm:grid-cols-2" aria-busy="true" aria-label="Loading the table's columns">
      <div className="bg-muted h-32 animate-pulse rounded-lg" />
      <div className="bg-muted h-32 animate-pulse rounded-lg" />
    </div>
  );
}
