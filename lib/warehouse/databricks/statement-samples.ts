/**
 * Samples of every statement in statements.ts, executed on local Spark by the notebook test suite
 * (see scripts/export-warehouse-statements.ts). `runnable` samples must succeed against the
 * suite's stand-in tables; the others use hostile names that do not exist and must fail only
 * because the object is not found: never with a parse error, which would mean the quoting broke.
 *
 * Local Spark has no Unity Catalog: the suite creates `spark_catalog.information_schema.tables`
 * with the documented columns, and runs `system.information_schema` statements against it
 * (`system.` -> `spark_catalog.`). Everything else runs as sent.
 */
import { searchTerms, statements, type Statement } from './statements';

export interface StatementSample extends Statement {
  runnable: boolean;
  /** For runnable samples: values the first column must include. */
  expectFirstColumn?: (string | number)[];
  /** For runnable samples: the exact number of rows. */
  expectRowCount?: number;
  /** For hostile samples: the quoted identifier the error must name intact. */
  hostileName?: string;
}

const HOSTILE_TABLE = 'or`ders; DROP TABLE x; --';
const HOSTILE_SCHEMA = "x' OR '1'='1";

export function statementSamples(): StatementSample[] {
  const ws = { catalog: 'spark_catalog', schema: 'dqx_ws', table: 'orders' };
  return [
    { ...statements.ping(), runnable: true, expectFirstColumn: [1] },
    { ...statements.listCatalogs(), runnable: true, expectFirstColumn: ['spark_catalog'] },
    { ...statements.listSchemas('spark_catalog'), runnable: true, expectFirstColumn: ['dqx_ws'] },
    { ...statements.listSchemas('no`such catalog'), runnable: false, hostileName: 'no`such catalog' },
    { ...statements.listTables('spark_catalog', 'dqx_ws'), runnable: true, expectFirstColumn: ['orders', 'v_orders'], expectRowCount: 2 },
    // a value that would widen the filter if it were formatted into the SQL: bound, it matches nothing
    { ...statements.listTables('spark_catalog', HOSTILE_SCHEMA), id: 'list-tables-hostile-value', runnable: true, expectRowCount: 0 },
    { ...statements.showTables('spark_catalog', 'dqx_ws'), runnable: true, expectFirstColumn: ['dqx_ws'] },
    { ...statements.showTables('spark_catalog', 'no`such; schema'), id: 'show-tables-hostile', runnable: false, hostileName: 'no`such; schema' },
    { ...statements.searchTables(searchTerms('DQX_ws ord'), 10), runnable: true, expectFirstColumn: ['spark_catalog'], expectRowCount: 2 },
    { ...statements.searchTables(searchTerms(`ord ${HOSTILE_SCHEMA}`), 10), id: 'search-tables-hostile-value', runnable: true, expectRowCount: 0 },
    { ...statements.describeTable(ws), runnable: true },
    { ...statements.describeTable({ ...ws, table: HOSTILE_TABLE }), id: 'describe-table-hostile', runnable: false, hostileName: HOSTILE_TABLE },
    { ...statements.sampleRows(ws, 3), runnable: true, expectRowCount: 3 },
    { ...statements.sampleRows({ ...ws, table: HOSTILE_TABLE }, 3), id: 'sample-rows-hostile', runnable: false, hostileName: HOSTILE_TABLE },
    // the suite's information_schema lists a row filter and a mask on dqx_ws.orders
    { ...statements.tableGovernance(ws), runnable: true, expectFirstColumn: ['row_filter', 'column_mask'], expectRowCount: 2 },
    { ...statements.tableGovernance({ ...ws, table: HOSTILE_TABLE }), id: 'table-governance-hostile-value', runnable: true, expectRowCount: 0 },
    { ...statements.tableGovernance({ ...ws, catalog: 'no`such catalog' }), id: 'table-governance-hostile', runnable: false, hostileName: 'no`such catalog' },
    { ...statements.abacPolicies(ws), runnable: true, expectFirstColumn: ['orders_region'], expectRowCount: 1 },
  ];
}
