/**
 * A small in-memory implementation of the Warehouse port for tests of code that only needs to
 * browse and describe tables (access checks, rule validation against columns). Each caller sees the
 * tables a grant function allows, as a real warehouse applies the caller's own permissions: a table
 * the caller cannot read does not exist for them. Query methods refuse, because nothing here runs SQL.
 */
import type { Caller } from '@/lib/auth/caller';
import type {
  CatalogInfo,
  ColumnInfo,
  QueryResult,
  SchemaInfo,
  TableDescription,
  TableInfo,
  TableRef,
  Warehouse,
} from '@/lib/warehouse/port';

export interface TableSpec {
  /** catalog.schema.table, lower case. */
  name: string;
  columns: { name: string; type: string }[];
  rows?: number;
}

export type Grant = (callerId: string, tableName: string) => boolean;

export class InMemoryCatalog {
  readonly #tables = new Map<string, TableDescription>();
  /** Calls of describeTable, by caller id; lets tests see that access was checked. */
  readonly describeCalls: { caller: string; table: string }[] = [];

  constructor(
    tables: TableSpec[],
    private grant: Grant = () => true,
  ) {
    for (const t of tables) this.add(t);
  }

  add(spec: TableSpec): void {
    const [catalog, schema, table] = spec.name.split('.') as [string, string, string];
    const columns: ColumnInfo[] = spec.columns.map((c, position) => ({
      name: c.name,
      type: c.type,
      native_type: c.type.toUpperCase(),
      nullable: true,
      comment: null,
      position,
    }));
    this.#tables.set(spec.name, {
      catalog,
      schema,
      table,
      full_name: spec.name,
      kind: 'table',
      comment: null,
      columns,
      row_count: spec.rows ?? null,
    });
  }

  setGrant(grant: Grant): void {
    this.grant = grant;
  }

  warehouseFor(caller: Caller): Warehouse {
    const visible = () => [...this.#tables.values()].filter((t) => this.grant(caller.id, t.full_name));
    const info = (t: TableDescription): TableInfo => ({
      catalog: t.catalog,
      schema: t.schema,
      table: t.table,
      full_name: t.full_name,
      kind: t.kind,
      comment: t.comment,
    });
    return {
      dialect: 'duckdb',
      listCatalogs: async (): Promise<CatalogInfo[]> =>
        [...new Set(visible().map((t) => t.catalog))].map((name) => ({ name, comment: null })),
      listSchemas: async (catalog: string): Promise<SchemaInfo[]> =>
        [...new Set(visible().filter((t) => t.catalog === catalog).map((t) => t.schema))].map((name) => ({
          catalog,
          name,
          comment: null,
        })),
      listTables: async (catalog: string, schema: string) =>
        visible()
          .filter((t) => t.catalog === catalog && t.schema === schema)
          .map(info),
      searchTables: async (query: string, limit: number) => {
        const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
        return visible()
          .filter((t) => terms.every((term) => t.full_name.includes(term)))
          .slice(0, limit)
          .map(info);
      },
      describeTable: async (ref: TableRef) => {
        const name = `${ref.catalog}.${ref.schema}.${ref.table}`.toLowerCase();
        this.describeCalls.push({ caller: caller.id, table: name });
        const table = this.#tables.get(name);
        return table && this.grant(caller.id, name) ? structuredClone(table) : null;
      },
      sampleRows: async (): Promise<QueryResult> => {
        throw new Error('InMemoryCatalog does not hold rows');
      },
      query: async (): Promise<QueryResult> => {
        throw new Error('InMemoryCatalog does not run SQL');
      },
      stream: (): AsyncIterable<QueryResult> => {
        throw new Error('InMemoryCatalog does not run SQL');
      },
      ping: async () => undefined,
    };
  }
}

/** A caller as lib/auth would build it in local mode. */
export function testCaller(id: string): Caller {
  return { id, displayName: id, email: undefined, mode: 'local', requestId: undefined, token: undefined };
}
