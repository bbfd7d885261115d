/**
 * The SQL sandbox as data for the job notebooks (notebooks/contract/sql-guard.json, written by
 * `npm run jobs:contract`): the allow-list itself (allow-list.json, unchanged) and, per check
 * function, which arguments DQX reads as SQL, so the notebooks check the same fragments as the app
 * (see fragments.ts) without a second hand-kept list.
 */
import { CHECKS } from '../catalog';
import allowList from './allow-list.json';

export interface SqlGuardContract {
  description: string;
  version: number;
  scalar_functions: string[];
  higher_order_functions: string[];
  aggregate_functions: string[];
  window_functions: string[];
  /** Per check function: arguments read as SQL expressions, as column names or expressions, as limits or values. */
  check_arguments: Record<string, { sql: string[]; columns: string[]; limits: string[] }>;
  /** Identifier the input placeholder of a sql_query query is replaced with before it is parsed. */
  input_sentinel: string;
}

export function sqlGuardContract(): SqlGuardContract {
  const checkArguments: SqlGuardContract['check_arguments'] = {};
  for (const c of [...CHECKS].sort((a, b) => a.name.localeCompare(b.name))) {
    const sql: string[] = [];
    const columns: string[] = [];
    const limits: string[] = [];
    for (const p of c.params) {
      if (p.widget === 'sql' || p.name === 'expression') sql.push(p.name);
      else if (p.widget === 'column' || p.widget === 'columns' || p.refersToColumn) columns.push(p.name);
      else if (p.widget === 'limit' || p.widget === 'values') limits.push(p.name);
    }
    if (sql.length || columns.length || limits.length) checkArguments[c.name] = { sql, columns, limits };
  }
  return { ...allowList, check_arguments: checkArguments, input_sentinel: '__dqx_q_input' };
}
