/**
 * A small in-memory implementation of the Warehouse port for tests of code that only needs to
 * browse and describe tables (access checks, rule validation against columns). Each caller sees the
 * tables a grant function allows, as a real warehouse applies the caller's own permissions: a table
 * the caller cannot read does not exist for them. Query methods refuse, because nothing here runs SQL.
 */
import type { Caller } from '@/lib/auth/caller';
import type {
  BoundStatement,
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

/**
 * Unity Catalog's answer to the rights statements (lib/warehouse/databricks/rights-statements.ts),
 * for tests of rights in databricks mode: owners and grants per table, and who is in which group.
 */
export interface UnityCatalogModel {
  owners?: Record<string, string>;
  /** Privileges on a table (SELECT, MODIFY, MANAGE, ALL PRIVILEGES, …), to a user or a group. */
  privileges?: { table: string; grantee: string; privilege: string }[];
  /** Group -> members. */
  groups?: Record<string, string[]>;
}

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

  #uc: UnityCatalogModel | undefined;

  /** Answer the rights statements as Unity Catalog would (databricks mode); without it `execute` is absent. */
  setUnityCatalog(model: UnityCatalogModel | undefined): void {
    this.#uc = model;
  }

  #rightsAnswer(callerId: string, statement: BoundStatement): QueryResult {
    const uc = this.#uc ?? {};
    const groupsOf = (user: string) => Object.entries(uc.groups ?? {}).filter(([, members]) => members.includes(user)).map(([g]) => g);
    const mine = (name: string) => name === callerId || groupsOf(callerId).includes(name);
    const columns = ['kind', 'name', 'privilege', 'mine'].map((name) => ({ name, type: 'string' }));
    if (statement.id === 'caller-groups') {
      const rows: QueryResult['rows'] = [['me', callerId, null, true]];
      for (const [key, group] of Object.entries(statement.params)) if (/^g\d+$/.test(key)) rows.push(['group', group, null, groupsOf(callerId).includes(group)]);
      return { columns, rows };
    }
    if (statement.id === 'table-stewardship') {
      const table = `${statement.params.catalog}.${statement.params.schema}.${statement.params.table}`.toLowerCase();
      const rows: QueryResult['rows'] = [];
      const owner = uc.owners?.[table];
      if (owner) rows.push(['table_owner', owner, null, mine(owner)]);
      // as the statement's WHERE: only privileges that make a steward
      for (const p of uc.privileges ?? []) if (p.table === table && ['MODIFY', 'MANAGE', 'ALL PRIVILEGES'].includes(p.privilege.toUpperCase())) rows.push(['table_privilege', p.grantee, p.privilege, mine(p.grantee)]);
      return { columns, rows };
    }
    throw new Error(`InMemoryCatalog does not run ${statement.id}`);
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
      ...(this.#uc ? { execute: async (statement: BoundStatement) => this.#rightsAnswer(caller.id, statement) } : {}),
    };
  }
}

/** A caller as lib/auth would build it in local mode. */
export function testCaller(id: string): Caller {
  return { id, displayName: id, email: undefined, mode: 'local', requestId: undefined, token: undefined };
}
