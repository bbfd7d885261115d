/** The shape of a check-catalog entry. */
import type { Dialect } from '@/lib/sql/quote';

import type { DatasetSqlContext } from '../compile/dataset-context';
import type { RowSqlContext } from '../compile/row-context';
import type { PyTypeNode } from './py-types';

/** How a form should edit an argument. */
export type ArgumentWidget =
  | 'column'
  | 'columns'
  | 'text'
  | 'sql'
  | 'regex'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'limit'
  | 'values'
  | 'strings'
  | 'choice'
  | 'json'
  | 'schema'
  | 'table'
  | 'none';

export interface CheckParam {
  name: string;
  /** The Python annotation exactly as DQX's signature declares it (DQX prints it in type errors). */
  annotation: string;
  /** Parsed annotation. */
  type: PyTypeNode;
  /** Required when the parameter has no default (DQX: "Missing required argument"). */
  required: boolean;
  /** Python default value (model form), when not required. */
  default?: unknown;
  keywordOnly?: boolean;
  description: string;
  widget: ArgumentWidget;
  /** Allowed values for `choice` widgets (DQX checks them when building the rule). */
  choices?: string[];
  /** The parameter only accepts a Spark Column object: it cannot be set from YAML/JSON. */
  programmaticOnly?: boolean;
  /** The value names a column of the checked table (a string, or each element of a list). */
  refersToColumn?: boolean;
  /** Column types the check can work on, for table-aware validation (Spark type families). */
  columnTypes?: ColumnTypeFamily[];
}

export type ColumnTypeFamily =
  | 'string'
  | 'numeric'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'binary'
  | 'array'
  | 'map'
  | 'struct'
  | 'variant'
  | 'any';

export type CheckLevel = 'row' | 'dataset';
export type CheckModule = 'core' | 'geo' | 'pii' | 'anomaly';

/** A problem DQX reports while building the rule (InvalidParameterError, MissingParameterError). */
export interface ArgumentProblem {
  field: string;
  message: string;
}

/** SQL for one row-level check: TRUE when the row fails (NULL and FALSE pass), and its message. */
export interface RowCheckSql {
  condition: string;
  message: string;
}

/**
 * SQL for one dataset-level check. What it adds to the scan (window expressions over the source
 * rows, or LEFT JOINs to grouped subqueries) becomes visible to its condition and message like input
 * columns, so failures are attributed to rows as DQX attributes them.
 */
export interface DatasetColumn {
  /** Quoted internal name, from `ctx.id(suffix)`. */
  name: string;
  sql: string;
  /** Spark type of the value, e.g. `bigint`, `string`, `double`. */
  type: string;
}

export interface DatasetCheckSql {
  /**
   * Internal columns computed with each source row (window functions, or values of the joined
   * relations): `name` from `ctx.id(...)`, the expression, and its Spark type (samples carry them).
   */
  columns?: DatasetColumn[];
  /** `LEFT JOIN (<subquery>) AS <alias> ON ...` clauses after the source (internal names only). */
  joins?: string[];
  /** TRUE when the row fails (NULL and FALSE pass); the rule filter is applied by the planner. */
  condition: string;
  message: string;
  /** The result entry's `columns` when DQX reports other columns than the rule's (has_valid_schema). */
  columnsOverride?: string[] | null;
  /**
   * Rows the check adds to the output, as DQX's `compare_datasets` with `check_missing_records`
   * does (a FULL OUTER join): `sql` is a SELECT over which `keys` give the input columns that are
   * not NULL on those rows (by input column name) and `columns` the rule's own internal columns
   * (by the quoted name of `columns`); every other column is NULL. The condition and message must
   * read `ctx.addedRow` to tell those rows apart.
   */
  addsRows?: AddedRows;
}

export interface AddedRows {
  sql: string;
  keys: { column: string; sql: string }[];
  columns: { name: string; sql: string }[];
}

export interface CheckDefinition {
  name: string;
  level: CheckLevel;
  module: CheckModule;
  /** `sql`: compiled to the SQL fast path. `job`: accepted and validated, evaluated by DQX in a job. */
  runsIn: 'sql' | 'job';
  /** Why a check runs in a job only. */
  jobOnlyReason?: string;
  description: string;
  params: CheckParam[];
  /** Message template as DQX writes it (for documentation and forms). */
  messageTemplate: string;
  /** Default-name template as DQX derives it (for documentation). */
  nameTemplate: string;
  /** An example check (metadata form) for docs and forms. */
  example: Record<string, unknown>;
  /** The rule name DQX derives from the arguments when `name` is not given. */
  defaultName(args: Record<string, unknown>, options: NamingOptions): string;
  /** DQX's own argument checks made when the rule is built (after the type checks). */
  argumentProblems?(args: Record<string, unknown>): ArgumentProblem[];
  /** Row-level SQL builder (row checks that run on the fast path). */
  sql?(ctx: RowSqlContext, args: Record<string, unknown>): RowCheckSql;
  /** Dataset-level SQL builder (dataset checks that run on the fast path). */
  datasetSql?(ctx: DatasetSqlContext, args: Record<string, unknown>): DatasetCheckSql;
  /** Minimum Databricks Runtime DQX requires for the check, if any. */
  requiresDbr?: string;
}

/**
 * Spark renders `~F.expr(e)` differently by client: Spark Connect (Databricks serverless, shared
 * clusters, databricks-connect) as `(NOT e)`... DQX turns that rendering into the default name of an
 * unnamed `sql_expression` check, so the name depends on where DQX runs.
 */
export type SparkFlavor = 'connect' | 'classic';

export interface NamingOptions {
  sparkFlavor: SparkFlavor;
}

export type { Dialect };
