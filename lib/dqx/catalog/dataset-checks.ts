/**
 * DQX 0.17.0's dataset-level checks (`check_funcs.py`): the 14 of the reference plus
 * `is_in_distribution`. They are recognised, validated and named here; their SQL (grouped
 * subqueries or window expressions joined to the single scan) lives in `dataset-sql/`. A check
 * without SQL there (`is_in_distribution`) runs in a DQX job.
 */
import { cleanupAlias, columnDisplay, columnNorm, normalizeColStr } from '../naming';
import { numericValue } from '../py-values';
import { isSqlQuerySafe } from '../spark-sql';
import { argOr, colName, COLUMN_ANNOTATION, columnParam, opt, req, truthy } from './helpers';
import { DATASET_SQL } from './dataset-sql';
import { keyRendering } from './dataset-checks-keys';
import type { CheckDefinition } from './types';

const PENDING = 'This dataset-level check is evaluated by DQX in a job.';
const ROW_FILTER = opt(
  'row_filter',
  'str | None',
  null,
  'Rows taking part in the check; filled from the rule filter.',
  { widget: 'sql' },
);
const COLUMNS_ANNOTATION = 'list[str | pyspark.sql.column.Column]';
const AGGR_LIMIT = 'int | float | decimal.Decimal | str | pyspark.sql.column.Column';

const dataset = (def: Omit<CheckDefinition, 'level' | 'module' | 'runsIn'>): CheckDefinition => {
  const builder = DATASET_SQL[def.name];
  return builder
    ? { level: 'dataset', module: 'core', runsIn: 'sql', datasetSql: builder, ...def }
    : { level: 'dataset', module: 'core', runsIn: 'job', jobOnlyReason: PENDING, ...def };
};


function toleranceProblems(args: Record<string, unknown>) {
  const a = numericValue(args.abs_tolerance ?? 0) ?? 0;
  const r = numericValue(args.rel_tolerance ?? 0) ?? 0;
  return a < 0 || r < 0
    ? [
        {
          field: a < 0 ? 'abs_tolerance' : 'rel_tolerance',
          message: 'Absolute and/or relative tolerances if provided must be non-negative',
        },
      ]
    : [];
}

const aggrNorm = (column: unknown): string => {
  if (typeof column !== 'string') return '';
  return columnDisplay(column) === '*' ? '' : columnNorm(column);
};

function aggrName(args: Record<string, unknown>, op: string): string {
  const aggrType = String(argOr(args, 'aggr_type', 'count')).toLowerCase();
  const groupBy =
    Array.isArray(args.group_by) && args.group_by.length ? args.group_by.map(String).join('_') : null;
  const base = groupBy
    ? `${aggrNorm(args.column)}_${aggrType}_group_by_${groupBy}_${op}_limit`
    : `${aggrNorm(args.column)}_${aggrType}_${op}_limit`;
  return cleanupAlias(base.replace(/^_+/, ''));
}

const aggrParams = (withTolerance: boolean): CheckDefinition['params'] => [
  req('column', COLUMN_ANNOTATION, "Column to aggregate ('*' for count(*)).", {
    widget: 'column',
    refersToColumn: true,
  }),
  req('limit', AGGR_LIMIT, 'Limit to compare the aggregate with.', { widget: 'limit' }),
  opt(
    'aggr_type',
    'str',
    'count',
    'Aggregate: count, sum, avg, min, max, count_distinct, stddev, percentile, ...',
    { widget: 'choice' },
  ),
  opt(
    'group_by',
    'list[str | pyspark.sql.column.Column] | None',
    null,
    'Group columns (the aggregate is computed per group).',
    { widget: 'columns', refersToColumn: true },
  ),
  ROW_FILTER,
  opt(
    'aggr_params',
    'dict[str, typing.Any] | None',
    null,
    'Aggregate parameters, e.g. {"percentile": 0.95}.',
    { widget: 'json' },
  ),
  ...(withTolerance
    ? [
        opt('abs_tolerance', 'float | None', null, 'Absolute tolerance.', { widget: 'number' }),
        opt('rel_tolerance', 'float | None', null, 'Relative tolerance.', { widget: 'number' }),
      ]
    : []),
];

const aggr = (name: string, op: string, label: string, withTolerance: boolean): CheckDefinition =>
  dataset({
    name,
    description: `The aggregate of the column (per group) is not ${label} the limit.`,
    params: aggrParams(withTolerance),
    messageTemplate: `{Aggregate} value {metric} in column '{column}'[ per group of columns '{group_by}'] is ${label.replace('not ', '')} limit: {limit}`,
    nameTemplate: `{column}_{aggr_type}[_group_by_{group_by}]_${op}_limit`,
    example: { function: name, arguments: { column: '*', aggr_type: 'count', limit: 1000 } },
    defaultName: (args) => aggrName(args, op),
    ...(withTolerance ? { argumentProblems: toleranceProblems } : {}),
  });

export const DATASET_CHECKS: CheckDefinition[] = [
  dataset({
    name: 'is_unique',
    description: 'The key (one column or several) is unique; every duplicate row fails.',
    params: [
      req('columns', COLUMNS_ANNOTATION, 'Key columns.', { widget: 'columns', refersToColumn: true }),
      opt('nulls_distinct', 'bool', true, 'NULL keys are distinct from each other (ANSI).', {
        widget: 'boolean',
      }),
      ROW_FILTER,
      opt('trim_strings', 'bool', false, 'Trim string key columns before comparing.', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{key}' in column '{columns}' is not unique, found {count} duplicates",
    nameTemplate: '{columns}_is_not_unique',
    example: { function: 'is_unique', arguments: { columns: ['order_id'] } },
    defaultName: (args) => cleanupAlias(`${normalizeColStr(keyRendering(args.columns))}_is_not_unique`),
  }),
  dataset({
    name: 'is_in_distribution',
    description: 'The distribution of values is within `distance` of the expected distribution.',
    params: [
      columnParam(),
      req(
        'distribution',
        'dict[bool, float] | dict[str, float] | dict[int, float] | dict[datetime.date, float]',
        'Expected share of each value.',
        { widget: 'json' },
      ),
      req('distance', 'float', 'Maximum distance from the expected distribution.', { widget: 'number' }),
      opt('case_sensitive', 'bool', true, 'Compare case-sensitively.', { widget: 'boolean' }),
      ROW_FILTER,
    ],
    messageTemplate: 'The distribution of values in column {column} deviates from the expected distribution',
    nameTemplate: '{column}_is_not_in_distribution',
    example: {
      function: 'is_in_distribution',
      arguments: { column: 'status', distribution: { A: 0.5, B: 0.5 }, distance: 0.1 },
    },
    defaultName: (args) => colName(args, '_is_not_in_distribution'),
  }),
  dataset({
    name: 'has_no_outliers',
    description: 'Numeric value is within median +/- 3.5 MAD of the column.',
    params: [columnParam(undefined, ['numeric']), ROW_FILTER],
    messageTemplate: "Value '{value}' in Column '{column}' is an outlier as per MAD.",
    nameTemplate: '{column}_has_outliers',
    example: { function: 'has_no_outliers', arguments: { column: 'amount' } },
    defaultName: (args) => colName(args, '_has_outliers'),
  }),
  dataset({
    name: 'foreign_key',
    description: 'Key values exist in a reference table (or DataFrame); with negate, must not exist.',
    params: [
      req('columns', COLUMNS_ANNOTATION, 'Key columns.', { widget: 'columns', refersToColumn: true }),
      req('ref_columns', COLUMNS_ANNOTATION, 'Reference key columns.', { widget: 'strings' }),
      opt('ref_df_name', 'str | None', null, 'Name of a reference DataFrame (programmatic use).'),
      opt('ref_table', 'str | None', null, 'Reference table (catalog.schema.table).', { widget: 'table' }),
      opt('negate', 'bool', false, 'Fail when the key is found instead.', { widget: 'boolean' }),
      ROW_FILTER,
      opt('null_safe', 'bool', false, 'Compare NULL key parts as equal.', { widget: 'boolean' }),
      opt('broadcast_ref', 'bool', false, 'Broadcast the reference keys.', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{value}' in column '{column}' not found in reference column '{ref_column}'",
    nameTemplate: '{column}_not_exists_in_ref_{ref_column}',
    example: {
      function: 'foreign_key',
      arguments: { columns: ['customer_id'], ref_columns: ['id'], ref_table: 'main.sales.customers' },
    },
    defaultName: (args) => {
      const cols = Array.isArray(args.columns) ? args.columns.map(String) : [];
      const refs = Array.isArray(args.ref_columns) ? args.ref_columns.map(String) : [];
      // DQX names (and displays) a single key by its column even when null_safe builds a struct
      const composite = cols.length !== 1;
      const src = composite ? `struct(${cols.map((c) => `${c} AS ${c}`).join(', ')})` : (cols[0] ?? '');
      const ref = composite
        ? `struct(${refs.map((c, i) => `${c} AS ${cols[i] ?? c}`).join(', ')})`
        : (refs[0] ?? '');
      return cleanupAlias(
        `${columnNorm(src)}_${truthy(args.negate) ? 'exists_in' : 'not_exists_in'}_ref_${columnNorm(ref)}`,
      );
    },
    argumentProblems: (args) => {
      const hasDf = truthy(args.ref_df_name);
      const hasTable = truthy(args.ref_table);
      if (hasDf === hasTable)
        return [
          {
            field: 'ref_table',
            message: "Either 'ref_df_name' or 'ref_table' must be provided, but not both.",
          },
        ];
      return [];
    },
  }),
  dataset({
    name: 'sql_query',
    description:
      'A SQL query over the input (and reference tables) returning a boolean condition column; TRUE fails.',
    params: [
      req('query', 'str', 'Query using {{ input_view }}.', { widget: 'sql' }),
      opt('merge_columns', 'list[str] | None', null, 'Columns joining the query result back to rows.', {
        widget: 'columns',
        refersToColumn: true,
      }),
      opt('msg', 'str | None', null, 'Failure message.'),
      opt('name', 'str | None', null, 'Name of the result.'),
      opt('negate', 'bool', false, 'Fail when the condition is false instead.', { widget: 'boolean' }),
      opt('condition_column', 'str', 'condition', 'Name of the boolean column returned by the query.'),
      opt('input_placeholder', 'str', 'input_view', 'Placeholder name of the input in the query.'),
      ROW_FILTER,
    ],
    messageTemplate: "Value is not matching query: '{query}'",
    nameTemplate: '{merge_columns}_query_{condition_column}_violation',
    example: {
      function: 'sql_query',
      arguments: { query: 'SELECT count(*) = 0 AS condition FROM {{ input_view }}', name: 'table_not_empty' },
    },
    defaultName: (args) => {
      if (truthy(args.name) && typeof args.name === 'string') return cleanupAlias(args.name);
      const cond = String(argOr(args, 'condition_column', 'condition'));
      const merge =
        Array.isArray(args.merge_columns) && args.merge_columns.length
          ? args.merge_columns.map(String)
          : null;
      return cleanupAlias(merge ? `${merge.join('_')}_query_${cond}_violation` : `query_${cond}_violation`);
    },
    // DQX refuses these when it builds the rule (UnsafeSqlQueryError, InvalidParameterError)
    argumentProblems: (args) => {
      if (typeof args.query === 'string' && !isSqlQuerySafe(args.query))
        return [
          {
            field: 'query',
            message:
              'Provided SQL query is not safe for execution. Please ensure it does not contain any unsafe operations.',
          },
        ];
      const merge = args.merge_columns;
      if (merge === undefined || merge === null) return [];
      if (!Array.isArray(merge))
        return [
          {
            field: 'merge_columns',
            message:
              "'merge_columns' must be a sequence of column names (e.g., list or tuple) when provided.",
          },
        ];
      if (merge.some((m) => typeof m !== 'string' || m === ''))
        return [{ field: 'merge_columns', message: "'merge_columns' entries must be non-empty strings." }];
      return [];
    },
  }),
  aggr('is_aggr_not_greater_than', 'greater_than', 'greater than', false),
  aggr('is_aggr_not_less_than', 'less_than', 'less than', false),
  aggr('is_aggr_equal', 'not_equal_to', 'not equal to', true),
  aggr('is_aggr_not_equal', 'equal_to', 'equal to', true),
  dataset({
    name: 'has_no_aggr_outliers',
    description:
      'The aggregate of the latest time interval is within sigma standard deviations of the previous intervals.',
    params: [
      req('column', COLUMN_ANNOTATION, 'Column to aggregate.', { widget: 'column', refersToColumn: true }),
      req('time_column', 'str', 'Timestamp column defining the intervals.', {
        widget: 'column',
        refersToColumn: true,
        columnTypes: ['timestamp', 'date'],
      }),
      opt('aggr_type', 'str', 'avg', 'Aggregate.', { keywordOnly: true }),
      opt('sigma', 'float', 3.0, 'Allowed standard deviations.', { keywordOnly: true, widget: 'number' }),
      opt('lookback_num_intervals', 'int', 14, 'History length.', { keywordOnly: true, widget: 'integer' }),
      opt('warmup_num_intervals', 'int', 7, 'Minimum history before the check applies.', {
        keywordOnly: true,
        widget: 'integer',
      }),
      opt('time_interval', 'str', 'day', 'Interval unit for date_trunc.', { keywordOnly: true }),
      opt('group_by', 'list[str | pyspark.sql.column.Column] | None', null, 'Group columns.', {
        keywordOnly: true,
        widget: 'columns',
        refersToColumn: true,
      }),
      opt('row_filter', 'str | None', null, 'Filled from the rule filter.', {
        keywordOnly: true,
        widget: 'sql',
      }),
      opt('aggr_params', 'dict[str, typing.Any] | None', null, 'Aggregate parameters.', {
        keywordOnly: true,
        widget: 'json',
      }),
    ],
    messageTemplate:
      '{aggr}({column}): current={c}, baseline={mu}, stddev={s}, delta={d} exceeds {sigma} x stddev (lookback={n} intervals)',
    nameTemplate: '{column}_{aggr_type}_outlier[_group_by_{group_by}]',
    example: { function: 'has_no_aggr_outliers', arguments: { column: 'amount', time_column: 'order_date' } },
    defaultName: (args) => {
      const aggrType = String(argOr(args, 'aggr_type', 'avg'));
      const groupBy =
        Array.isArray(args.group_by) && args.group_by.length ? args.group_by.map(String).join('_') : null;
      const base = groupBy
        ? `${aggrNorm(args.column)}_${aggrType}_outlier_group_by_${groupBy}`
        : `${aggrNorm(args.column)}_${aggrType}_outlier`;
      return cleanupAlias(base.replace(/^_+/, ''));
    },
  }),
  dataset({
    name: 'aggr_matches_dataset',
    description: 'The aggregate equals the same aggregate over a reference table (per group).',
    params: [
      req('column', COLUMN_ANNOTATION, 'Column to aggregate.', { widget: 'column', refersToColumn: true }),
      opt('ref_table', 'str | None', null, 'Reference table.', { widget: 'table' }),
      opt('ref_df_name', 'str | None', null, 'Reference DataFrame name (programmatic use).'),
      opt(
        'ref_column',
        'str | pyspark.sql.column.Column | None',
        null,
        'Reference column (default: same as column).',
      ),
      opt('aggr_type', 'str', 'count', 'Aggregate.'),
      opt('aggr_params', 'dict[str, typing.Any] | None', null, 'Aggregate parameters.', { widget: 'json' }),
      opt('group_by', 'list[str | pyspark.sql.column.Column] | None', null, 'Group columns.', {
        widget: 'columns',
        refersToColumn: true,
      }),
      opt('ref_group_by', 'list[str | pyspark.sql.column.Column] | None', null, 'Reference group columns.', {
        widget: 'strings',
      }),
      ROW_FILTER,
      opt('ref_row_filter', 'str | None', null, 'Filter on the reference.', { widget: 'sql' }),
      opt('abs_tolerance', 'float | None', null, 'Absolute tolerance.', { widget: 'number' }),
      opt('rel_tolerance', 'float | None', null, 'Relative tolerance.', { widget: 'number' }),
    ],
    messageTemplate:
      "{Aggregate} value {metric} in column '{column}' is not equal to table '{ref_table}' column '{ref_column}' limit: {ref_metric}",
    nameTemplate: '{column}_{aggr_type}[_group_by_{group_by}]_not_equal_to_upstream_limit',
    example: { function: 'aggr_matches_dataset', arguments: { column: '*', ref_table: 'main.raw.orders' } },
    defaultName: (args) => aggrName(args, 'not_equal_to_upstream'),
    argumentProblems: toleranceProblems,
  }),
  dataset({
    name: 'compare_datasets',
    description: 'Rows match a reference dataset by key: no missing, extra or changed rows.',
    params: [
      req('columns', COLUMNS_ANNOTATION, 'Key columns.', { widget: 'columns', refersToColumn: true }),
      req('ref_columns', COLUMNS_ANNOTATION, 'Reference key columns.', { widget: 'strings' }),
      opt('ref_df_name', 'str | None', null, 'Reference DataFrame name (programmatic use).'),
      opt('ref_table', 'str | None', null, 'Reference table.', { widget: 'table' }),
      opt(
        'check_missing_records',
        'bool | None',
        false,
        'Also report reference rows missing from the input.',
        { widget: 'boolean' },
      ),
      opt('exclude_columns', 'list[str | pyspark.sql.column.Column] | None', null, 'Columns not compared.', {
        widget: 'columns',
      }),
      opt('null_safe_row_matching', 'bool | None', true, 'NULL keys match each other.', {
        widget: 'boolean',
      }),
      opt('null_safe_column_value_matching', 'bool | None', true, 'NULL values compare equal.', {
        widget: 'boolean',
      }),
      ROW_FILTER,
      opt('abs_tolerance', 'float | None', null, 'Absolute tolerance for numbers.', { widget: 'number' }),
      opt('rel_tolerance', 'float | None', null, 'Relative tolerance for numbers.', { widget: 'number' }),
      opt('raise_on_duplicate_keys', 'bool', false, 'Raise when keys are not unique.', { widget: 'boolean' }),
    ],
    messageTemplate: '{"row_missing":...,"row_extra":...,"changed":{...}}',
    nameTemplate: 'datasets_diff_pk_{columns}_ref_{ref_columns}',
    example: {
      function: 'compare_datasets',
      arguments: { columns: ['id'], ref_columns: ['id'], ref_table: 'main.prod.orders' },
    },
    defaultName: (args) => {
      const cols = Array.isArray(args.columns) ? args.columns.map(String) : [];
      const refs = Array.isArray(args.ref_columns) ? args.ref_columns.map(String) : [];
      return normalizeColStr(`datasets_diff_pk_${cols.join('_')}_ref_${refs.join('_')}`);
    },
    argumentProblems: toleranceProblems,
  }),
  dataset({
    name: 'is_data_fresh_per_time_window',
    description: 'Each time window of the lookback has at least min_records_per_window rows.',
    params: [
      req('column', COLUMN_ANNOTATION, 'Timestamp column.', {
        widget: 'column',
        refersToColumn: true,
        columnTypes: ['timestamp', 'date'],
      }),
      req('window_minutes', 'int', 'Window length in minutes.', { widget: 'integer' }),
      req('min_records_per_window', 'int', 'Minimum rows per window.', { widget: 'integer' }),
      opt('lookback_windows', 'int | None', null, 'Number of windows to look back.', { widget: 'integer' }),
      ROW_FILTER,
      opt(
        'curr_timestamp',
        'pyspark.sql.column.Column | None',
        null,
        'Current time (programmatic use only).',
        { programmaticOnly: true, widget: 'none' },
      ),
    ],
    messageTemplate:
      'Data arrival completeness check failed: only {cnt} records found in {m}-minute interval starting at {start} and ending at {end}, expected at least {min} records',
    nameTemplate: '{column}_is_data_fresh_per_time_window',
    example: {
      function: 'is_data_fresh_per_time_window',
      arguments: { column: 'event_time', window_minutes: 60, min_records_per_window: 1 },
    },
    defaultName: (args) => colName(args, '_is_data_fresh_per_time_window'),
  }),
  dataset({
    name: 'has_no_gaps_per_time_window',
    description:
      'No time window without rows between the first and the last (optionally the current) window.',
    params: [
      req('column', COLUMN_ANNOTATION, 'Timestamp column.', {
        widget: 'column',
        refersToColumn: true,
        columnTypes: ['timestamp', 'date'],
      }),
      req('window_minutes', 'int', 'Window length in minutes.', { widget: 'integer' }),
      opt('group_by', 'list[str | pyspark.sql.column.Column] | None', null, 'Group columns.', {
        widget: 'columns',
        refersToColumn: true,
      }),
      opt('trailing_gap', 'bool', false, 'Also compare the last window with the current window.', {
        widget: 'boolean',
      }),
      opt(
        'curr_timestamp',
        'pyspark.sql.column.Column | None',
        null,
        'Current time (programmatic use only).',
        { programmaticOnly: true, widget: 'none' },
      ),
    ],
    messageTemplate:
      'Gap in time series: no data between the window starting at {start} and the next present window starting at {next}',
    nameTemplate: '{column}_has_no_gaps_per_time_window',
    example: {
      function: 'has_no_gaps_per_time_window',
      arguments: { column: 'event_time', window_minutes: 60 },
    },
    defaultName: (args) => colName(args, '_has_no_gaps_per_time_window'),
  }),
  dataset({
    name: 'has_valid_schema',
    description:
      'The table schema matches an expected schema (DDL, or a reference table); strict compares order, types and nullability.',
    params: [
      opt('expected_schema', 'str | pyspark.sql.types.StructType | None', null, 'Expected schema as DDL.', {
        widget: 'schema',
      }),
      opt('ref_df_name', 'str | None', null, 'Reference DataFrame name (programmatic use).'),
      opt('ref_table', 'str | None', null, 'Reference table.', { widget: 'table' }),
      opt(
        'columns',
        'list[str | pyspark.sql.column.Column] | None',
        null,
        'Columns to compare (default: all).',
        { widget: 'columns', refersToColumn: true },
      ),
      opt('strict', 'bool', false, 'Exact order, names, types and nullability.', { widget: 'boolean' }),
      opt('exclude_columns', 'list[str | pyspark.sql.column.Column] | None', null, 'Columns not compared.', {
        widget: 'columns',
      }),
    ],
    messageTemplate: 'Schema validation failed: {errors}',
    nameTemplate: 'has_invalid_schema',
    example: { function: 'has_valid_schema', arguments: { expected_schema: 'id INT, name STRING' } },
    defaultName: () => 'has_invalid_schema',
    argumentProblems: (args) => {
      const given = ['expected_schema', 'ref_df_name', 'ref_table'].filter((k) => truthy(args[k]));
      if (given.length !== 1) {
        return [
          {
            field: 'expected_schema',
            message:
              "Must specify one of 'expected_schema', 'ref_df_name' or 'ref_table' when using 'has_valid_schema'",
          },
        ];
      }
      return [];
    },
  }),
];

