/**
 * References to other tables, found as a data engineer finds them: a column named after another
 * table's key (`customer_id` -> a table `customers` with a column `customer_id` or `id`) in the same
 * catalog, the same schema first. Each becomes a DQX `foreign_key` check; its impact, measured with
 * the other rules, shows whether the guess holds (a wrong guess fails many rows and is flagged).
 * Only tables the caller can read are considered, through the caller's own warehouse.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { identityOf, type FieldStats, type GeneratedRule, type TableSchema } from '@/lib/dqx';
import { isAppError } from '@/lib/errors';
import type { Criticality } from '@/lib/dqx';
import type { TableInfo, TableRef, Warehouse } from '@/lib/warehouse/port';

import type { TableAccess } from './access';
import { schemaOf } from './table-schema';

/** At most this many reference checks per table, and schemas searched besides the table's own. */
const MAX_REFERENCES = 10;
const MAX_OTHER_SCHEMAS = 20;

const STEM = /^(.+?)_?(id|key)$/i;

/** The table names a column name points to: customer_id -> customers, customer, ... */
export function referencedTableNames(column: string): string[] {
  const m = STEM.exec(column);
  if (!m || !m[1]) return [];
  const stem = m[1].replace(/_$/, '').toLowerCase();
  if (!stem) return [];
  const names = [`${stem}s`, `${stem}es`, stem];
  if (stem.endsWith('y')) names.unshift(`${stem.slice(0, -1)}ies`);
  return [...new Set(names)];
}

const family = (type: string) => {
  const t = type.toLowerCase();
  if (/^(tinyint|smallint|int|integer|bigint|long|short|byte)$/.test(t)) return 'integer';
  if (/^(string|varchar|char)/.test(t)) return 'text';
  return t;
};

const fieldFamily = (kind: string) =>
  ['byte', 'short', 'int', 'long'].includes(kind) ? 'integer' : kind === 'string' ? 'text' : kind;

export interface References {
  rules: GeneratedRule[];
  /** Schemas of the referenced tables, by the name the rules write (for the compiler). */
  referenceTables: Record<string, TableSchema>;
}

export async function inferReferences(
  caller: Caller | null,
  env: { warehouse: Warehouse; access: TableAccess | null },
  table: { name: string; ref: TableRef },
  fields: FieldStats[],
  options: { criticality: Criticality; filter: string | null; signal?: AbortSignal },
): Promise<References> {
  const out: References = { rules: [], referenceTables: {} };
  const candidates = fields.filter(
    (s) =>
      s.field.topLevel &&
      identityOf(s)?.kind === 'reference' &&
      referencedTableNames(s.field.name).length > 0,
  );
  if (candidates.length === 0) return out;

  const wh = env.warehouse;
  const tablesBySchema = new Map<string, TableInfo[]>();
  const tablesOf = async (schema: string) => {
    if (!tablesBySchema.has(schema)) {
      try {
        tablesBySchema.set(schema, await wh.listTables(table.ref.catalog, schema));
      } catch {
        tablesBySchema.set(schema, []);
      }
    }
    return tablesBySchema.get(schema)!;
  };
  let otherSchemas: string[] | null = null;
  const schemasToSearch = async () => {
    if (otherSchemas === null) {
      try {
        otherSchemas = (await wh.listSchemas(table.ref.catalog))
          .map((s) => s.name)
          .filter((s) => s.toLowerCase() !== table.ref.schema.toLowerCase())
          .slice(0, MAX_OTHER_SCHEMAS);
      } catch {
        otherSchemas = [];
      }
    }
    return [table.ref.schema, ...otherSchemas];
  };

  for (const s of candidates) {
    if (out.rules.length >= MAX_REFERENCES) break;
    options.signal?.throwIfAborted();
    const wanted = referencedTableNames(s.field.name);
    let found: { info: TableInfo; refColumn: string; schema: TableSchema } | null = null;
    for (const schema of await schemasToSearch()) {
      const tables = await tablesOf(schema);
      for (const name of wanted) {
        const info = tables.find((t) => t.table.toLowerCase() === name);
        if (!info) continue;
        const fullName = `${info.catalog}.${info.schema}.${info.table}`.toLowerCase();
        if (fullName === table.name.toLowerCase()) continue;
        let description;
        try {
          description = env.access
            ? (await env.access.assertCanReadTable(caller!, fullName)).description
            : await wh.describeTable(info);
        } catch (error) {
          if (isAppError(error)) continue;
          throw error;
        }
        if (!description) continue;
        const refColumn =
          description.columns.find((c) => c.name.toLowerCase() === s.field.name.toLowerCase()) ??
          description.columns.find((c) => c.name.toLowerCase() === 'id');
        if (!refColumn || family(refColumn.type) !== fieldFamily(s.field.type.kind)) continue;
        found = { info, refColumn: refColumn.name, schema: schemaOf(fullName, description.columns) };
        break;
      }
      if (found) break;
    }
    if (!found) continue;
    const refTable = `${found.info.catalog}.${found.info.schema}.${found.info.table}`.toLowerCase();
    out.referenceTables[refTable] = found.schema;
    const check = {
      criticality: options.criticality,
      check: {
        function: 'foreign_key',
        arguments: { columns: [s.field.name], ref_columns: [found.refColumn], ref_table: refTable },
      },
      ...(options.filter ? { filter: options.filter } : {}),
    };
    out.rules.push({
      check,
      evidence: {
        generator: 'recommended',
        profile: 'reference',
        column: s.field.name,
        statistic: 'ref_table',
        value: refTable,
        statistics: {
          values: s.nonNull,
          distinct: s.distinct,
          ref_table: refTable,
          ref_column: found.refColumn,
        },
        thresholds: {},
        parameters: null,
        description: `The column's name points to table ${refTable} (column ${found.refColumn}): every value should exist there. Its ${s.distinct ?? 'many'} distinct values repeat, so it is a reference, not a key.`,
        rowsProfiled: s.rows,
      },
    });
  }
  return out;
}
