/**
 * The 42 row-level checks of DQX 0.17.0's `check_funcs.py` (the 40 of the reference plus
 * `has_num_decimal_places` and `is_valid_url`, new in 0.17.0): arguments exactly as the Python
 * signatures declare them, default names, message templates and DQX's build-time argument checks.
 * SQL builders live in `row-sql.ts`.
 */
import { cleanupAlias, columnNorm, normalizeColStr } from '../naming';
import { numericValue, pyIsDigit } from '../py-values';
import { fragmentProblem } from '../spark-sql';
import { resolveLimit } from '../literals';
import { parseSchemaDdl, SparkTypeError } from '../spark-types';
import {
  argOr,
  colName,
  COLUMN_ANNOTATION,
  columnParam,
  LIMIT_ANNOTATION,
  normOf,
  opt,
  pyTypeRepr,
  req,
  truthy,
} from './helpers';
import { javaRegexProblem } from '../java-regex';
import { isValidIpv6Network } from './ip';
import { ROW_SQL } from './row-sql';
import { ISO_STANDARDS, isoFormatsFor } from './iso';
import type { ArgumentProblem, CheckDefinition, NamingOptions } from './types';

type Def = Omit<CheckDefinition, 'level' | 'module' | 'runsIn'> &
  Partial<Pick<CheckDefinition, 'runsIn' | 'jobOnlyReason'>>;

const row = (def: Def): CheckDefinition => ({
  level: 'row',
  module: 'core',
  runsIn: 'sql',
  sql: ROW_SQL[def.name],
  ...def,
});

const TRIM = opt(
  'trim_strings',
  'bool | None',
  false,
  'Trim leading and trailing spaces before testing for empty strings.',
  { widget: 'boolean' },
);
const ALLOW_NULLS = opt(
  'allow_nulls',
  'bool',
  true,
  'When false, NULL values fail the check with "value is null".',
  { widget: 'boolean' },
);

const limitProblem = (args: Record<string, unknown>, ...names: string[]): ArgumentProblem[] => {
  for (const n of names) {
    const v = args[n];
    if (v === undefined || v === null) return [{ field: n, message: 'Limit is not provided.' }];
  }
  return [];
};

function expressionProblem(field: string, value: unknown): ArgumentProblem[] {
  if (typeof value !== 'string') return [];
  // digit strings and ISO dates/timestamps are literals, not expressions, for DQX
  if (pyIsDigit(value) || resolveLimit(value)?.kind !== 'expr') return [];
  const problem = fragmentProblem(value);
  return problem ? [{ field, message: `'${value}' is not a valid Spark SQL expression: ${problem}` }] : [];
}

const tolerancesProblem = (args: Record<string, unknown>): ArgumentProblem[] => {
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
};

const listProblems = (args: Record<string, unknown>, key: 'allowed' | 'forbidden'): ArgumentProblem[] => {
  const v = args[key];
  if (v === undefined || v === null) return [{ field: key, message: `${key} list is not provided.` }];
  if (!Array.isArray(v))
    return [{ field: key, message: `${key} parameter must be a list, got ${pyTypeRepr(v)} instead.` }];
  if (v.length === 0) return [{ field: key, message: `${key} list must not be empty.` }];
  const missing = v.findIndex((item) => item === null || item === undefined);
  if (missing >= 0) return [{ field: `${key}.${missing}`, message: 'Limit is not provided.' }];
  return v.flatMap((item, i) => expressionProblem(`${key}.${i}`, item));
};

const IPV4_CIDR =
  /^(25[0-5]|2[0-4]\d|1\d{2}|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d{2}|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d{2}|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d{2}|[1-9]?\d)\/(3[0-2]|[12]?\d)$/;

const cidrProblems = (args: Record<string, unknown>, version: 4 | 6): ArgumentProblem[] => {
  const v = args.cidr_block;
  if (v === undefined || v === null)
    return [{ field: 'cidr_block', message: "'cidr_block' is not provided." }];
  if (typeof v !== 'string')
    return [{ field: 'cidr_block', message: `'cidr_block' must be a string, got ${pyTypeRepr(v)} instead.` }];
  if (!v) return [{ field: 'cidr_block', message: "'cidr_block' must be a non-empty string." }];
  const ok = version === 4 ? IPV4_CIDR.test(v) && !v.endsWith('\n') : isValidIpv6Network(v);
  return ok
    ? []
    : [{ field: 'cidr_block', message: `CIDR block '${v}' is not a valid IPv${version} CIDR block.` }];
};

const patternDef = (name: string, pattern: string, description: string, example: string): CheckDefinition =>
  row({
    name,
    description,
    params: [columnParam(undefined, ['string'])],
    messageTemplate: `Value '{value}' in Column '{column}' does not match pattern '${pattern}'`,
    nameTemplate: `{column}_does_not_match_pattern_${pattern.toLowerCase()}`,
    example: { function: name, arguments: { column: example } },
    defaultName: (args) => colName(args, `_does_not_match_pattern_${pattern.toLowerCase()}`),
  });

const isoDef = (name: string, standard: keyof typeof ISO_STANDARDS, example: string): CheckDefinition => {
  const iso = ISO_STANDARDS[standard];
  return row({
    name,
    description: `Value is a valid ${iso.title} ${iso.kind} code in the chosen representation (${Object.keys(iso.formats).join(', ')}).`,
    params: [
      columnParam(undefined, ['string', 'numeric']),
      opt(
        'code_format',
        'str',
        iso.defaultFormat,
        `Code representation: ${Object.keys(iso.formats).join(', ')} (case-insensitive).`,
        {
          widget: 'choice',
          choices: Object.keys(iso.formats),
        },
      ),
      opt('case_sensitive', 'bool', true, 'Compare case-sensitively (ignored for numeric codes).', {
        widget: 'boolean',
      }),
    ],
    messageTemplate: `Value '{value}' in Column '{column}' is not a valid ${iso.title} ${iso.kind} code`,
    nameTemplate: `{column}_is_not_a_valid_${iso.kind}_code`,
    example: { function: name, arguments: { column: example } },
    defaultName: (args) => colName(args, `_is_not_a_valid_${iso.kind}_code`),
    argumentProblems: (args) => {
      const fmt = argOr(args, 'code_format', iso.defaultFormat);
      if (fmt === null || fmt === undefined)
        return [{ field: 'code_format', message: "'code_format' is not provided." }];
      if (typeof fmt !== 'string')
        return [
          {
            field: 'code_format',
            message: `'code_format' must be a string, got ${pyTypeRepr(fmt)} instead.`,
          },
        ];
      if (!isoFormatsFor(standard).includes(fmt.toLowerCase())) {
        return [
          {
            field: 'code_format',
            message: `Unsupported code_format for ${iso.kind} code validation: '${fmt}'. Supported: [${[...isoFormatsFor(standard)].sort().join(', ')}].`,
          },
        ];
      }
      return [];
    },
  });
};

/** The default name of an unnamed `sql_expression`, which depends on how Spark renders `~F.expr(e)`. */
export function sqlExpressionDefaultName(args: Record<string, unknown>, options: NamingOptions): string {
  const explicit = args.name;
  if (truthy(explicit) && typeof explicit === 'string') return cleanupAlias(explicit);
  const expression = typeof args.expression === 'string' ? args.expression : '';
  const negate = truthy(args.negate);
  const rendering = negate
    ? expression
    : options.sparkFlavor === 'connect'
      ? `not(${expression})`
      : `!(${expression})`;
  let name = normalizeColStr(rendering);
  const columns = args.columns;
  if (Array.isArray(columns) && columns.length > 0) {
    name = normalizeColStr(
      columns.map((c) => (typeof c === 'string' ? columnNorm(c) : '')).join('_') + '_' + name,
    );
  }
  return cleanupAlias(name);
}

export const ROW_CHECKS: CheckDefinition[] = [
  // ---------------------------------------------------------------- null / empty
  row({
    name: 'is_not_null',
    description: 'Value is not NULL.',
    params: [columnParam(undefined, ['any'])],
    messageTemplate: "Column '{column}' value is null",
    nameTemplate: '{column}_is_null',
    example: { function: 'is_not_null', arguments: { column: 'customer_id' } },
    defaultName: (args) => colName(args, '_is_null'),
  }),
  row({
    name: 'is_null',
    description: 'Value is NULL.',
    params: [columnParam(undefined, ['any'])],
    messageTemplate: "Column '{column}' value is not null",
    nameTemplate: '{column}_is_not_null',
    example: { function: 'is_null', arguments: { column: 'deleted_at' } },
    defaultName: (args) => colName(args, '_is_not_null'),
  }),
  row({
    name: 'is_not_empty',
    description: 'Value is not an empty string (NULL passes). The value is compared as a string.',
    params: [columnParam(undefined, ['any']), TRIM],
    messageTemplate: "Column '{column}' value is empty",
    nameTemplate: '{column}_is_empty',
    example: { function: 'is_not_empty', arguments: { column: 'email', trim_strings: true } },
    defaultName: (args) => colName(args, '_is_empty'),
  }),
  row({
    name: 'is_empty',
    description: 'Value is an empty string (NULL passes).',
    params: [columnParam(undefined, ['any']), TRIM],
    messageTemplate: "Column '{column}' value is not empty",
    nameTemplate: '{column}_is_not_empty',
    example: { function: 'is_empty', arguments: { column: 'comment' } },
    defaultName: (args) => colName(args, '_is_not_empty'),
  }),
  row({
    name: 'is_not_null_and_not_empty',
    description: 'Value is neither NULL nor an empty string.',
    params: [columnParam(undefined, ['any']), TRIM],
    messageTemplate: "Column '{column}' value is null or empty",
    nameTemplate: '{column}_is_null_or_empty',
    example: { function: 'is_not_null_and_not_empty', arguments: { column: 'name', trim_strings: true } },
    defaultName: (args) => colName(args, '_is_null_or_empty'),
  }),
  row({
    name: 'is_null_or_empty',
    description: 'Value is NULL or an empty string.',
    params: [columnParam(undefined, ['any']), TRIM],
    messageTemplate: "Column '{column}' value is not null and not empty",
    nameTemplate: '{column}_is_not_null_and_not_empty',
    example: { function: 'is_null_or_empty', arguments: { column: 'legacy_code' } },
    defaultName: (args) => colName(args, '_is_not_null_and_not_empty'),
  }),
  row({
    name: 'is_not_null_and_not_empty_array',
    description: 'Array value is neither NULL nor empty.',
    params: [columnParam(undefined, ['array'])],
    messageTemplate: "Column '{column}' is null or empty array",
    nameTemplate: '{column}_is_null_or_empty_array',
    example: { function: 'is_not_null_and_not_empty_array', arguments: { column: 'tags' } },
    defaultName: (args) => colName(args, '_is_null_or_empty_array'),
  }),
  // ---------------------------------------------------------------- string case
  row({
    name: 'has_valid_string_case',
    description:
      'String is in the given case: upper, lower, title (first character of each space-separated word upper-cased) or sentence (first non-space character of each period-separated segment upper-cased).',
    params: [
      columnParam(undefined, ['string']),
      req('case', 'str', 'upper, lower, title or sentence.', {
        widget: 'choice',
        choices: ['upper', 'lower', 'title', 'sentence'],
      }),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' does not have valid '{case}' string case",
    nameTemplate: '{column}_has_invalid_{case}_string_case',
    example: { function: 'has_valid_string_case', arguments: { column: 'country_code', case: 'upper' } },
    defaultName: (args) => colName(args, `_has_invalid_${String(args.case)}_string_case`),
    argumentProblems: (args) => {
      const c = args.case;
      if (typeof c !== 'string')
        return [{ field: 'case', message: `'case' must be a string, got ${pyTypeRepr(c)} instead.` }];
      if (!['upper', 'lower', 'title', 'sentence'].includes(c)) {
        return [
          {
            field: 'case',
            message: `'case' must be one of ['lower', 'sentence', 'title', 'upper'], got '${c}'`,
          },
        ];
      }
      return [];
    },
  }),
  // ---------------------------------------------------------------- lists
  row({
    name: 'is_in_list',
    description:
      'Value is one of the allowed values (NULL passes). Each entry is resolved like a limit: quote string literals ("\'A\'"), bare strings are columns or expressions.',
    params: [
      columnParam(undefined, ['string', 'numeric', 'boolean', 'date', 'timestamp', 'array']),
      req('allowed', 'list', 'Allowed values.', { widget: 'values' }),
      opt('case_sensitive', 'bool', true, 'Compare case-sensitively.', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is not in the allowed list: [{allowed}]",
    nameTemplate: '{column}_is_not_in_the_list',
    example: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'ACTIVE'", "'INACTIVE'"] } },
    defaultName: (args) => colName(args, '_is_not_in_the_list'),
    argumentProblems: (args) => listProblems(args, 'allowed'),
  }),
  row({
    name: 'is_not_null_and_is_in_list',
    description: 'Value is not NULL and is one of the allowed values.',
    params: [
      columnParam(undefined, ['string', 'numeric', 'boolean', 'date', 'timestamp', 'array']),
      req('allowed', 'list', 'Allowed values.', { widget: 'values' }),
      opt('case_sensitive', 'bool', true, 'Compare case-sensitively.', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is null or not in the allowed list: [{allowed}]",
    nameTemplate: '{column}_is_null_or_is_not_in_the_list',
    example: {
      function: 'is_not_null_and_is_in_list',
      arguments: { column: 'currency', allowed: ["'EUR'", "'USD'"] },
    },
    defaultName: (args) => colName(args, '_is_null_or_is_not_in_the_list'),
    argumentProblems: (args) => listProblems(args, 'allowed'),
  }),
  row({
    name: 'is_not_in_list',
    description: 'Value is none of the forbidden values (NULL passes).',
    params: [
      columnParam(undefined, ['string', 'numeric', 'boolean', 'date', 'timestamp', 'array']),
      req('forbidden', 'list', 'Forbidden values.', { widget: 'values' }),
      opt('case_sensitive', 'bool', true, 'Compare case-sensitively.', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is in the forbidden list: [{forbidden}]",
    nameTemplate: '{column}_is_in_the_forbidden_list',
    example: {
      function: 'is_not_in_list',
      arguments: { column: 'email_domain', forbidden: ["'example.com'"] },
    },
    defaultName: (args) => colName(args, '_is_in_the_forbidden_list'),
    argumentProblems: (args) => listProblems(args, 'forbidden'),
  }),
  // ---------------------------------------------------------------- SQL expression
  row({
    name: 'sql_expression',
    description:
      'A Spark SQL boolean expression that must hold for every row (a NULL result passes); with negate, must not hold.',
    params: [
      req('expression', 'str', 'Spark SQL boolean expression; the row fails when it is false.', {
        widget: 'sql',
      }),
      opt(
        'msg',
        'str | None',
        null,
        'Fixed failure message (default: "Value is not matching expression: ...").',
      ),
      opt('name', 'str | None', null, 'Name of the result (the rule name when the rule has none).'),
      opt('negate', 'bool', false, 'Fail when the expression is true instead.', { widget: 'boolean' }),
      opt(
        'columns',
        'list[str | pyspark.sql.column.Column] | None',
        null,
        'Columns to report in results and to prefix the default name with.',
        {
          widget: 'columns',
          refersToColumn: true,
        },
      ),
    ],
    messageTemplate: 'Value is not matching expression: {expression}',
    nameTemplate: 'not_{expression} (Spark Connect) / {columns}_... when columns are given',
    example: {
      function: 'sql_expression',
      arguments: { expression: 'amount >= 0', msg: 'amount is negative', name: 'amount_is_negative' },
    },
    defaultName: sqlExpressionDefaultName,
    argumentProblems: (args) => expressionProblem('expression', args.expression),
  }),
  // ---------------------------------------------------------------- dates and times
  row({
    name: 'is_older_than_col2_for_n_days',
    description:
      'The date in column1 is more than `days` days older than the date in column2 (fails otherwise).',
    params: [
      req('column1', COLUMN_ANNOTATION, 'First date/timestamp column.', {
        widget: 'column',
        refersToColumn: true,
        columnTypes: ['date', 'timestamp', 'string'],
      }),
      req('column2', COLUMN_ANNOTATION, 'Second date/timestamp column.', {
        widget: 'column',
        refersToColumn: true,
        columnTypes: ['date', 'timestamp', 'string'],
      }),
      opt('days', 'int', 0, 'Number of days.', { widget: 'integer' }),
      opt('negate', 'bool', false, 'Fail when column1 is older instead.', { widget: 'boolean' }),
    ],
    messageTemplate:
      "Value '{d1}' in Column '{column1}' is not less than Value '{d2}' in Column '{column2}' for more than {days} days",
    nameTemplate: 'is_col_{column1}_older_than_{column2}_for_n_days',
    example: {
      function: 'is_older_than_col2_for_n_days',
      arguments: { column1: 'ship_date', column2: 'order_date', days: 1 },
    },
    defaultName: (args) =>
      cleanupAlias(
        `is_col_${normOf(args.column1)}_${truthy(args.negate) ? 'not_older' : 'older'}_than_${normOf(args.column2)}_for_n_days`,
      ),
  }),
  row({
    name: 'is_older_than_n_days',
    description: 'The date is more than `days` days before the current date (fails otherwise).',
    params: [
      columnParam(undefined, ['date', 'timestamp', 'string']),
      req('days', 'int', 'Number of days.', { widget: 'integer' }),
      opt('curr_date', 'pyspark.sql.column.Column | None', null, 'Current date (programmatic use only).', {
        programmaticOnly: true,
        widget: 'none',
      }),
      opt('negate', 'bool', false, 'Fail when the date is older instead.', { widget: 'boolean' }),
    ],
    messageTemplate:
      "Value '{date}' in Column '{column}' is not less than current date '{current_date}' for more than {days} days",
    nameTemplate: 'is_col_{column}_older_than_n_days',
    example: { function: 'is_older_than_n_days', arguments: { column: 'created_date', days: 30 } },
    defaultName: (args) =>
      cleanupAlias(
        `is_col_${normOf(args.column)}_${truthy(args.negate) ? 'not_older' : 'older'}_than_n_days`,
      ),
  }),
  row({
    name: 'is_not_in_future',
    description: 'Timestamp is not after now + offset seconds (compared at second precision).',
    params: [
      columnParam(undefined, ['timestamp', 'date', 'string']),
      opt('offset', 'int', 0, 'Seconds added to the current time.', { widget: 'integer' }),
      opt(
        'curr_timestamp',
        'pyspark.sql.column.Column | None',
        null,
        'Current time (programmatic use only).',
        { programmaticOnly: true, widget: 'none' },
      ),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is greater than time '{now + offset}'",
    nameTemplate: '{column}_in_future',
    example: { function: 'is_not_in_future', arguments: { column: 'event_time', offset: 86400 } },
    defaultName: (args) => colName(args, '_in_future'),
  }),
  row({
    name: 'is_not_in_near_future',
    description: 'Timestamp is not between now and now + offset seconds.',
    params: [
      columnParam(undefined, ['timestamp', 'date', 'string']),
      opt('offset', 'int', 0, 'Seconds added to the current time.', { widget: 'integer' }),
      opt(
        'curr_timestamp',
        'pyspark.sql.column.Column | None',
        null,
        'Current time (programmatic use only).',
        { programmaticOnly: true, widget: 'none' },
      ),
    ],
    messageTemplate:
      "Value '{value}' in Column '{column}' is greater than '{now} and smaller than '{now + offset}'",
    nameTemplate: '{column}_in_near_future',
    example: { function: 'is_not_in_near_future', arguments: { column: 'event_time', offset: 3600 } },
    defaultName: (args) => colName(args, '_in_near_future'),
  }),
  row({
    name: 'is_valid_date',
    description:
      'String is a valid date (parsed with Spark try_to_timestamp, optionally with a Spark datetime pattern).',
    params: [
      columnParam(undefined, ['string', 'date', 'timestamp']),
      opt('date_format', 'str | None', null, "Spark datetime pattern, e.g. 'yyyy-MM-dd'."),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is not a valid date[ with format '{date_format}']",
    nameTemplate: '{column}_is_not_valid_date',
    example: { function: 'is_valid_date', arguments: { column: 'birth_date', date_format: 'yyyy-MM-dd' } },
    defaultName: (args) => colName(args, '_is_not_valid_date'),
  }),
  row({
    name: 'is_valid_timestamp',
    description:
      'String is a valid timestamp (Spark try_to_timestamp, optionally with a Spark datetime pattern).',
    params: [
      columnParam(undefined, ['string', 'date', 'timestamp']),
      opt('timestamp_format', 'str | None', null, "Spark datetime pattern, e.g. 'yyyy-MM-dd HH:mm:ss'."),
    ],
    messageTemplate:
      "Value '{value}' in Column '{column}' is not a valid timestamp[ with format '{timestamp_format}']",
    nameTemplate: '{column}_is_not_valid_timestamp',
    example: { function: 'is_valid_timestamp', arguments: { column: 'updated_at' } },
    defaultName: (args) => colName(args, '_is_not_valid_timestamp'),
  }),
  row({
    name: 'is_data_fresh',
    description: 'Timestamp is not older than max_age_minutes before the base timestamp (default: now).',
    params: [
      columnParam(undefined, ['timestamp', 'date', 'string']),
      req('max_age_minutes', 'int', 'Maximum age in minutes.', { widget: 'integer' }),
      opt(
        'base_timestamp',
        'str | datetime.date | datetime.datetime | pyspark.sql.column.Column | None',
        null,
        'Base timestamp (a literal or a column); default: the current time.',
        {
          widget: 'limit',
        },
      ),
    ],
    messageTemplate:
      "Value '{value}' in Column '{column}' is older than {max_age_minutes} minutes from base timestamp '{base}'",
    nameTemplate: '{column}_is_data_fresh',
    example: { function: 'is_data_fresh', arguments: { column: 'loaded_at', max_age_minutes: 1440 } },
    defaultName: (args) => colName(args, '_is_data_fresh'),
    argumentProblems: (args) => expressionProblem('base_timestamp', args.base_timestamp),
  }),
  // ---------------------------------------------------------------- comparisons
  row({
    name: 'is_equal_to',
    description:
      'Value equals the given value (a literal or a column/expression), optionally within a numeric tolerance.',
    params: [
      columnParam(undefined, ['numeric', 'string', 'date', 'timestamp', 'boolean']),
      opt(
        'value',
        'int | float | decimal.Decimal | str | datetime.date | datetime.datetime | pyspark.sql.column.Column | None',
        null,
        'Value to compare with.',
        { widget: 'limit' },
      ),
      opt('abs_tolerance', 'float | None', null, 'Absolute tolerance (numeric literal values only).', {
        widget: 'number',
      }),
      opt('rel_tolerance', 'float | None', null, 'Relative tolerance (numeric literal values only).', {
        widget: 'number',
      }),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is not equal to value: {expected}",
    nameTemplate: '{column}_not_equal_to_value',
    example: { function: 'is_equal_to', arguments: { column: 'quantity', value: 1 } },
    defaultName: (args) =>
      colName(
        args,
        truthy(argOr(args, 'allow_nulls', true)) ? '_not_equal_to_value' : '_is_null_or_not_equal_to_value',
      ),
    argumentProblems: (args) => [
      ...tolerancesProblem(args),
      ...limitProblem(args, 'value'),
      ...expressionProblem('value', args.value),
    ],
  }),
  row({
    name: 'is_not_equal_to',
    description: 'Value differs from the given value, optionally beyond a numeric tolerance.',
    params: [
      columnParam(undefined, ['numeric', 'string', 'date', 'timestamp', 'boolean']),
      opt(
        'value',
        'int | float | decimal.Decimal | str | datetime.date | datetime.datetime | pyspark.sql.column.Column | None',
        null,
        'Value to compare with.',
        { widget: 'limit' },
      ),
      opt('abs_tolerance', 'float | None', null, 'Absolute tolerance (numeric literal values only).', {
        widget: 'number',
      }),
      opt('rel_tolerance', 'float | None', null, 'Relative tolerance (numeric literal values only).', {
        widget: 'number',
      }),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is equal to value: {expected}",
    nameTemplate: '{column}_equal_to_value',
    example: { function: 'is_not_equal_to', arguments: { column: 'status_code', value: 0 } },
    defaultName: (args) =>
      colName(
        args,
        truthy(argOr(args, 'allow_nulls', true)) ? '_equal_to_value' : '_is_null_or_equal_to_value',
      ),
    argumentProblems: (args) => [
      ...tolerancesProblem(args),
      ...limitProblem(args, 'value'),
      ...expressionProblem('value', args.value),
    ],
  }),
  row({
    name: 'is_not_less_than',
    description: 'Value is not less than the limit (a literal or a column/expression).',
    params: [
      columnParam(undefined, ['numeric', 'date', 'timestamp', 'string']),
      opt('limit', LIMIT_ANNOTATION, null, 'Lower limit.', { widget: 'limit' }),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is less than limit: {limit}",
    nameTemplate: '{column}_less_than_limit',
    example: { function: 'is_not_less_than', arguments: { column: 'price', limit: 0 } },
    defaultName: (args) =>
      colName(
        args,
        truthy(argOr(args, 'allow_nulls', true)) ? '_less_than_limit' : '_is_null_or_less_than_limit',
      ),
    argumentProblems: (args) => [...limitProblem(args, 'limit'), ...expressionProblem('limit', args.limit)],
  }),
  row({
    name: 'is_not_greater_than',
    description: 'Value is not greater than the limit.',
    params: [
      columnParam(undefined, ['numeric', 'date', 'timestamp', 'string']),
      opt('limit', LIMIT_ANNOTATION, null, 'Upper limit.', { widget: 'limit' }),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is greater than limit: {limit}",
    nameTemplate: '{column}_greater_than_limit',
    example: { function: 'is_not_greater_than', arguments: { column: 'discount', limit: 100 } },
    defaultName: (args) =>
      colName(
        args,
        truthy(argOr(args, 'allow_nulls', true)) ? '_greater_than_limit' : '_is_null_or_greater_than_limit',
      ),
    argumentProblems: (args) => [...limitProblem(args, 'limit'), ...expressionProblem('limit', args.limit)],
  }),
  row({
    name: 'is_in_range',
    description: 'Value is between min_limit and max_limit, both inclusive.',
    params: [
      columnParam(undefined, ['numeric', 'date', 'timestamp', 'string']),
      opt('min_limit', LIMIT_ANNOTATION, null, 'Lower limit (inclusive).', { widget: 'limit' }),
      opt('max_limit', LIMIT_ANNOTATION, null, 'Upper limit (inclusive).', { widget: 'limit' }),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' not in range: [{min_limit}, {max_limit}]",
    nameTemplate: '{column}_not_in_range',
    example: { function: 'is_in_range', arguments: { column: 'age', min_limit: 0, max_limit: 120 } },
    defaultName: (args) =>
      colName(args, truthy(argOr(args, 'allow_nulls', true)) ? '_not_in_range' : '_is_null_or_not_in_range'),
    argumentProblems: (args) => [
      ...limitProblem(args, 'min_limit', 'max_limit'),
      ...expressionProblem('min_limit', args.min_limit),
      ...expressionProblem('max_limit', args.max_limit),
    ],
  }),
  row({
    name: 'is_not_in_range',
    description: 'Value is outside [min_limit, max_limit].',
    params: [
      columnParam(undefined, ['numeric', 'date', 'timestamp', 'string']),
      opt('min_limit', LIMIT_ANNOTATION, null, 'Lower limit of the forbidden range (inclusive).', {
        widget: 'limit',
      }),
      opt('max_limit', LIMIT_ANNOTATION, null, 'Upper limit of the forbidden range (inclusive).', {
        widget: 'limit',
      }),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' in range: [{min_limit}, {max_limit}]",
    nameTemplate: '{column}_in_range',
    example: {
      function: 'is_not_in_range',
      arguments: { column: 'temperature', min_limit: -10, max_limit: 0 },
    },
    defaultName: (args) =>
      colName(args, truthy(argOr(args, 'allow_nulls', true)) ? '_in_range' : '_is_null_or_in_range'),
    argumentProblems: (args) => [
      ...limitProblem(args, 'min_limit', 'max_limit'),
      ...expressionProblem('min_limit', args.min_limit),
      ...expressionProblem('max_limit', args.max_limit),
    ],
  }),
  row({
    name: 'has_num_decimal_places',
    description:
      'Numeric value (judged by its string form, trailing zeros ignored) has at most `limit` decimal places.',
    params: [
      columnParam(undefined, ['numeric', 'string']),
      opt(
        'limit',
        'int | str | pyspark.sql.column.Column | None',
        null,
        'Maximum number of decimal places.',
        { widget: 'limit' },
      ),
      ALLOW_NULLS,
    ],
    messageTemplate: "Value '{value}' in Column '{column}' has more than {limit} decimal places",
    nameTemplate: '{column}_num_decimal_places_greater_than_limit',
    example: { function: 'has_num_decimal_places', arguments: { column: 'amount', limit: 2 } },
    defaultName: (args) =>
      colName(
        args,
        truthy(argOr(args, 'allow_nulls', true))
          ? '_num_decimal_places_greater_than_limit'
          : '_is_null_or_num_decimal_places_greater_than_limit',
      ),
    argumentProblems: (args) => [...limitProblem(args, 'limit'), ...expressionProblem('limit', args.limit)],
  }),
  // ---------------------------------------------------------------- patterns
  row({
    name: 'regex_match',
    description: 'Value matches the Java regular expression somewhere (RLIKE); with negate, must not match.',
    params: [
      columnParam(undefined, ['string', 'numeric', 'boolean', 'date', 'timestamp']),
      req('regex', 'str', 'Java regular expression (partial match, like RLIKE).', { widget: 'regex' }),
      opt('negate', 'bool', false, 'Fail when the value matches instead.', { widget: 'boolean' }),
    ],
    messageTemplate: "Column '{column}' is not matching regex",
    nameTemplate: '{column}_not_matching_regex',
    example: { function: 'regex_match', arguments: { column: 'sku', regex: '^[A-Z]{3}-\\d{4}$' } },
    defaultName: (args) => colName(args, truthy(args.negate) ? '_matching_regex' : '_not_matching_regex'),
    argumentProblems: (args) => {
      if (typeof args.regex !== 'string') return [];
      const problem = javaRegexProblem(args.regex);
      return problem
        ? [{ field: 'regex', message: `Invalid regular expression '${args.regex}': ${problem}` }]
        : [];
    },
  }),
  patternDef(
    'is_valid_ipv4_address',
    'IPV4_ADDRESS',
    'Value is a dotted-quad IPv4 address (no leading zeros).',
    'client_ip',
  ),
  patternDef(
    'is_valid_email',
    'EMAIL_ADDRESS',
    'Value is an e-mail address (RFC 5322 pragmatic subset, local part <= 64, total <= 254 characters).',
    'email',
  ),
  patternDef(
    'is_valid_url',
    'URL',
    'Value is an absolute URI (RFC 3986: scheme ":" hier-part, optional query and fragment).',
    'homepage',
  ),
  row({
    name: 'is_valid_national_id',
    description:
      'Value is a well-formed national identification number: US SSN, GB National Insurance number or IN PAN.',
    params: [
      columnParam(undefined, ['string']),
      opt('country', 'str', 'US', 'ISO 3166 alpha-2 country code: US, GB or IN (case-insensitive).', {
        widget: 'choice',
        choices: ['US', 'GB', 'IN'],
      }),
    ],
    messageTemplate:
      "Value '{value}' in Column '{column}' does not match pattern 'SSN_US' (or 'NINO_GB', 'PAN_IN')",
    nameTemplate: '{column}_does_not_match_pattern_ssn_us',
    example: { function: 'is_valid_national_id', arguments: { column: 'ssn', country: 'US' } },
    defaultName: (args) => {
      const country = argOr(args, 'country', 'US');
      const pattern =
        { US: 'ssn_us', GB: 'nino_gb', IN: 'pan_in' }[
          typeof country === 'string' ? country.toUpperCase() : 'US'
        ] ?? 'ssn_us';
      return colName(args, `_does_not_match_pattern_${pattern}`);
    },
    argumentProblems: (args) => {
      const country = argOr(args, 'country', 'US');
      if (country === null) return [{ field: 'country', message: "'country' is not provided." }];
      if (typeof country !== 'string')
        return [
          { field: 'country', message: `'country' must be a string, got ${pyTypeRepr(country)} instead.` },
        ];
      if (!['US', 'GB', 'IN'].includes(country.toUpperCase())) {
        return [
          {
            field: 'country',
            message: `Unsupported country code for national ID validation: '${country}'. Supported: [GB, IN, US].`,
          },
        ];
      }
      return [];
    },
  }),
  row({
    name: 'is_valid_uuid',
    description:
      'Value is a canonical 8-4-4-4-12 hex UUID; strict also pins the version (1-8) and variant (8, 9, a, b).',
    params: [
      columnParam(undefined, ['string']),
      opt('strict', 'bool', false, 'Also check version and variant.', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' does not match pattern 'UUID' (or 'UUID_STRICT')",
    nameTemplate: '{column}_does_not_match_pattern_uuid',
    example: { function: 'is_valid_uuid', arguments: { column: 'id' } },
    defaultName: (args) =>
      colName(
        args,
        truthy(args.strict) ? '_does_not_match_pattern_uuid_strict' : '_does_not_match_pattern_uuid',
      ),
  }),
  // ---------------------------------------------------------------- ISO codes
  isoDef('is_valid_country_code', 'ISO 3166-1', 'country'),
  isoDef('is_valid_currency_code', 'ISO 4217', 'currency'),
  isoDef('is_valid_language_code', 'ISO 639', 'language'),
  row({
    name: 'is_valid_subdivision_code',
    description:
      'Value is an ISO 3166-2 subdivision code (e.g. US-CA); with country_column, its country prefix must match that column.',
    params: [
      columnParam(undefined, ['string']),
      opt('case_sensitive', 'bool', true, 'Compare case-sensitively.', { widget: 'boolean' }),
      opt(
        'country_column',
        'str | pyspark.sql.column.Column | None',
        null,
        'Column holding the ISO 3166-1 alpha-2 country code.',
        {
          widget: 'column',
          refersToColumn: true,
          columnTypes: ['string'],
        },
      ),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is not a valid ISO 3166-2 subdivision code",
    nameTemplate: '{column}_is_not_a_valid_subdivision_code',
    example: {
      function: 'is_valid_subdivision_code',
      arguments: { column: 'state', country_column: 'country' },
    },
    defaultName: (args) => colName(args, '_is_not_a_valid_subdivision_code'),
  }),
  // ---------------------------------------------------------------- IP addresses
  row({
    name: 'is_ipv4_address_in_cidr',
    description: 'Value is a valid IPv4 address inside the CIDR block.',
    params: [
      columnParam(undefined, ['string']),
      req('cidr_block', 'str', "IPv4 CIDR block, e.g. '192.168.1.0/24'."),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is not in the CIDR block '{cidr_block}'",
    nameTemplate: '{column}_is_not_ipv4_in_cidr',
    example: {
      function: 'is_ipv4_address_in_cidr',
      arguments: { column: 'client_ip', cidr_block: '10.0.0.0/8' },
    },
    defaultName: (args) => colName(args, '_is_not_ipv4_in_cidr'),
    argumentProblems: (args) => cidrProblems(args, 4),
  }),
  row({
    name: 'is_valid_ipv6_address',
    description:
      "Value is an IPv6 address as Python's ipaddress module accepts it (compressed forms, embedded IPv4, scope ids).",
    params: [columnParam(undefined, ['string'])],
    messageTemplate: "Value '{value}' in Column '{column}' does not match pattern 'IPV6_ADDRESS'",
    nameTemplate: '{column}_does_not_match_pattern_ipv6_address',
    example: { function: 'is_valid_ipv6_address', arguments: { column: 'client_ip6' } },
    defaultName: (args) => colName(args, '_does_not_match_pattern_ipv6_address'),
  }),
  row({
    name: 'is_ipv6_address_in_cidr',
    description: 'Value is a valid IPv6 address inside the CIDR block.',
    params: [
      columnParam(undefined, ['string']),
      req('cidr_block', 'str', "IPv6 CIDR block, e.g. '2001:db8::/32'."),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is not in the CIDR block '{cidr_block}'",
    nameTemplate: '{column}_is_not_ipv6_in_cidr',
    example: {
      function: 'is_ipv6_address_in_cidr',
      arguments: { column: 'client_ip6', cidr_block: '2001:db8::/32' },
    },
    defaultName: (args) => colName(args, '_is_not_ipv6_in_cidr'),
    argumentProblems: (args) => cidrProblems(args, 6),
  }),
  // ---------------------------------------------------------------- JSON
  row({
    name: 'is_valid_json',
    description: 'String is valid JSON (Spark try_parse_json).',
    params: [columnParam(undefined, ['string'])],
    messageTemplate: "Value '{value}' in Column '{column}' is not a valid JSON string",
    nameTemplate: '{column}_is_not_valid_json',
    example: { function: 'is_valid_json', arguments: { column: 'payload' } },
    defaultName: (args) => colName(args, '_is_not_valid_json'),
  }),
  row({
    name: 'has_json_keys',
    description: 'JSON object has all (or, with require_all false, any) of the keys at its top level.',
    params: [
      columnParam(undefined, ['string']),
      req('keys', 'list[str]', 'Keys to look for.', { widget: 'strings' }),
      opt('require_all', 'bool', true, 'Require every key (else at least one).', { widget: 'boolean' }),
    ],
    messageTemplate: "Value '{value}' in Column '{column}' is missing keys in the list: [{keys}]",
    nameTemplate: '{column}_does_not_have_json_keys',
    example: { function: 'has_json_keys', arguments: { column: 'payload', keys: ['id', 'type'] } },
    defaultName: (args) => colName(args, '_does_not_have_json_keys'),
    argumentProblems: (args) => {
      const keys = args.keys;
      if (!truthy(keys))
        return [{ field: 'keys', message: "The 'keys' parameter must be a non-empty list of strings." }];
      if (Array.isArray(keys) && keys.some((k) => typeof k !== 'string'))
        return [{ field: 'keys', message: 'All keys must be of type string.' }];
      return [];
    },
  }),
  row({
    name: 'has_valid_json_schema',
    description:
      'JSON string conforms to a schema (Spark from_json rules: extra fields ignored, NOT NULL fields required).',
    params: [
      columnParam(undefined, ['string']),
      req(
        'schema',
        'str | pyspark.sql.types.StructType',
        "Schema as DDL, e.g. 'id INT NOT NULL, name STRING' or 'struct<id:int>'.",
        { widget: 'schema' },
      ),
    ],
    messageTemplate:
      "Value '{value}' in Column '{column}' does not conform to expected JSON schema: {schema}",
    nameTemplate: '{column}_has_invalid_json_schema',
    example: {
      function: 'has_valid_json_schema',
      arguments: { column: 'payload', schema: 'id BIGINT NOT NULL, name STRING' },
    },
    defaultName: (args) => colName(args, '_has_invalid_json_schema'),
    argumentProblems: (args) => {
      const s = args.schema;
      if (typeof s !== 'string') return [];
      try {
        const t = parseSchemaDdl(s);
        if (t.kind !== 'struct')
          return [{ field: 'schema', message: `Invalid schema string '${s}' (not a StructType)` }];
      } catch (error) {
        if (error instanceof SparkTypeError)
          return [{ field: 'schema', message: `Invalid schema string '${s}'. Error: ${error.message}` }];
        throw error;
      }
      return [];
    },
  }),
];
