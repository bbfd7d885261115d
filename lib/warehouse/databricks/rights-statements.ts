/**
 * The statements that decide a caller's rights on a table in Unity Catalog (lib/services/rights.ts),
 * sent AS THE CALLER (their token), so information_schema shows what they may see and
 * `current_user()` / `is_account_group_member()` answer for them. Built like ./statements.ts:
 * identifiers through `quoteIdent`, every value (schema, table, group names) a bound named parameter.
 *
 * Not in statements.json: local Spark has neither Unity Catalog's privilege views nor
 * `is_account_group_member`, so the notebook suite cannot run them; rights-statements.test.ts checks
 * how they are built (quoting, binding).
 */
import { quoteIdent } from '@/lib/sql/quote';

import type { TableRef } from '../port';

import type { Statement } from './statements';

/** Privileges that make their holder a steward of a table (on it, or inherited from its schema or catalog). */
export const STEWARD_PRIVILEGES = ['MODIFY', 'MANAGE', 'ALL PRIVILEGES'] as const;

const PRIVS = STEWARD_PRIVILEGES.map((p) => `'${p}'`).join(', ');
const MINE = (column: string) => `(${column} = current_user() OR is_account_group_member(${column}))`;

export const rightsStatements = {
  /**
   * Who the caller is, and for each group named (`:g0`, `:g1`, …) whether they are a member of it
   * (direct or indirect, at the account level). At most 8 groups.
   */
  callerGroups(groups: readonly string[]): Statement {
    if (groups.length > 8) throw new RangeError('at most 8 groups');
    const params: Record<string, string> = {};
    const parts = ["SELECT 'me' AS kind, current_user() AS name, CAST(NULL AS STRING) AS privilege, true AS mine"];
    groups.forEach((group, i) => {
      params[`g${i}`] = group;
      parts.push(`SELECT 'group' AS kind, :g${i} AS name, CAST(NULL AS STRING) AS privilege, is_account_group_member(:g${i}) AS mine`);
    });
    return { id: 'caller-groups', sql: parts.join(' UNION ALL '), params };
  },

  /**
   * The owners of the table, its schema and its catalog, and the grants of MODIFY, MANAGE or ALL
   * PRIVILEGES on each of them, with whether each concerns the caller (the caller, or a group of
   * theirs). information_schema shows only what the caller may see, which always includes their
   * own grants.
   */
  tableStewardship(ref: TableRef): Statement {
    const is = `${quoteIdent('databricks', ref.catalog)}.information_schema`;
    const inTable = 'lower(table_schema) = lower(:schema) AND lower(table_name) = lower(:table)';
    const parts = [
      `SELECT 'table_owner' AS kind, table_owner AS name, CAST(NULL AS STRING) AS privilege, ${MINE('table_owner')} AS mine FROM ${is}.tables WHERE ${inTable}`,
      `SELECT 'schema_owner' AS kind, schema_owner AS name, CAST(NULL AS STRING) AS privilege, ${MINE('schema_owner')} AS mine FROM ${is}.schemata WHERE lower(schema_name) = lower(:schema)`,
      `SELECT 'catalog_owner' AS kind, catalog_owner AS name, CAST(NULL AS STRING) AS privilege, ${MINE('catalog_owner')} AS mine FROM ${is}.catalogs WHERE lower(catalog_name) = lower(:catalog)`,
      `SELECT 'table_privilege' AS kind, grantee AS name, upper(privilege_type) AS privilege, ${MINE('grantee')} AS mine FROM ${is}.table_privileges WHERE ${inTable} AND upper(privilege_type) IN (${PRIVS})`,
      `SELECT 'schema_privilege' AS kind, grantee AS name, upper(privilege_type) AS privilege, ${MINE('grantee')} AS mine FROM ${is}.schema_privileges WHERE lower(schema_name) = lower(:schema) AND upper(privilege_type) IN (${PRIVS})`,
      `SELECT 'catalog_privilege' AS kind, grantee AS name, upper(privilege_type) AS privilege, ${MINE('grantee')} AS mine FROM ${is}.catalog_privileges WHERE lower(catalog_name) = lower(:catalog) AND upper(privilege_type) IN (${PRIVS})`,
    ];
    return { id: 'table-stewardship', sql: parts.join(' UNION ALL '), params: { catalog: ref.catalog, schema: ref.schema, table: ref.table } };
  },
};
