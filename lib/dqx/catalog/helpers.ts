/** Small builders shared by the catalog files. */
import { cleanupAlias, columnNorm } from '../naming';
import { parseAnnotation } from './py-types';
import type { ArgumentWidget, CheckParam, ColumnTypeFamily } from './types';

export const COLUMN_ANNOTATION = 'str | pyspark.sql.column.Column';
export const LIMIT_ANNOTATION =
  'int | float | decimal.Decimal | datetime.date | datetime.datetime | str | pyspark.sql.column.Column | None';

interface ParamSpec {
  default?: unknown;
  keywordOnly?: boolean;
  widget?: ArgumentWidget;
  choices?: string[];
  programmaticOnly?: boolean;
  refersToColumn?: boolean;
  columnTypes?: ColumnTypeFamily[];
}

/** A required parameter. */
export function req(name: string, annotation: string, description: string, spec: ParamSpec = {}): CheckParam {
  return {
    name,
    annotation,
    type: parseAnnotation(annotation),
    required: true,
    description,
    widget: spec.widget ?? 'text',
    ...(spec.keywordOnly ? { keywordOnly: true } : {}),
    ...(spec.choices ? { choices: spec.choices } : {}),
    ...(spec.programmaticOnly ? { programmaticOnly: true } : {}),
    ...(spec.refersToColumn ? { refersToColumn: true } : {}),
    ...(spec.columnTypes ? { columnTypes: spec.columnTypes } : {}),
  };
}

/** An optional parameter with its Python default. */
export function opt(
  name: string,
  annotation: string,
  defaultValue: unknown,
  description: string,
  spec: ParamSpec = {},
): CheckParam {
  return { ...req(name, annotation, description, spec), required: false, default: defaultValue };
}

/** The usual `column: str | Column` parameter. */
export function columnParam(
  description = 'Column to check: a column name or a Spark SQL expression.',
  columnTypes?: ColumnTypeFamily[],
): CheckParam {
  return req('column', COLUMN_ANNOTATION, description, {
    widget: 'column',
    refersToColumn: true,
    columnTypes,
  });
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `norm` of the `column` argument (empty when missing or not a string). */
export const normOf = (v: unknown): string => (typeof v === 'string' ? columnNorm(v) : '');

/** A name of the form `{norm}{suffix}` with DQX's alias cleanup. */
export const colName = (args: Record<string, unknown>, suffix: string, key = 'column'): string =>
  cleanupAlias(`${normOf(args[key])}${suffix}`);

/** Python truthiness of a metadata value. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') {
    const values = Object.values(v as object);
    if (values.length === 1 && typeof values[0] === 'string') {
      const key = Object.keys(v as object)[0];
      if (key === '__float__' || key === '__decimal__' || key === '__int__') return Number(values[0]) !== 0;
      return true;
    }
    return values.length > 0;
  }
  return true;
}

/** The effective value of an argument: the given value, else the parameter default. */
export function argOr(args: Record<string, unknown>, name: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(args, name) ? args[name] : fallback;
}

/** Python's `repr(type(x))` for DQX's "got <class '...'>" messages. */
export function pyTypeRepr(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v === 'object') {
    const key = Object.keys(v as object)[0];
    if (key === '__float__') return "<class 'float'>";
    if (key === '__int__') return "<class 'int'>";
    if (key === '__decimal__') return "<class 'decimal.Decimal'>";
    if (key === '__date__') return "<class 'datetime.date'>";
    if (key === '__datetime__') return "<class 'datetime.datetime'>";
    return "<class 'dict'>";
  }
  return "<class 'object'>";
}
