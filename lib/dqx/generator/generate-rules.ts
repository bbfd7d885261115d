/**
 * generateRules: the rules DQX's `DQGenerator.generate_dq_rules(profiles, criticality)` produces
 * (databricks-labs-dqx 0.17.0 `profiler/generator.py`): same functions, arguments, names (raw column
 * names) and order, each with the evidence of the profile it came from, kept apart from the rule so
 * the rule saved is pure DQX.
 */
import type { Criticality, DqxCheck } from '@/lib/dqx/model';
import type { DqProfile, EvidenceValue, ProfileEvidence } from '@/lib/dqx/profiler/types';
import { type DqxValue, isTagged, parseDecimal } from '@/lib/dqx/profiler/values';

/** What a generated rule was derived from, for the UI. */
export interface RuleEvidence {
  /** Absent: DQX's generator; `recommended`: the recommended rules (recommend-rules.ts). */
  generator?: 'recommended';
  /** DQX profile name (`is_not_null`, `is_in`, `min_max`, ...), or the recommended rule's kind. */
  profile: string;
  column: string;
  /** The deciding statistic and its value (absent for profiles that carry no evidence). */
  statistic: string | null;
  value: EvidenceValue;
  statistics: Record<string, EvidenceValue>;
  thresholds: ProfileEvidence['thresholds'];
  /** The profile's parameters (typed, as DQX holds them). */
  parameters: DqProfile['parameters'];
  description: string | null;
  rowsProfiled: number | null;
}

export interface GeneratedRule {
  /** The DQX rule, exactly as DQX generates it (JSON-safe: see `toDqxJson`). */
  check: DqxCheck;
  evidence: RuleEvidence;
}

export interface GenerateRulesOptions {
  criticality?: Criticality;
}

/**
 * A typed Python value as it goes into a DQX checks file (JSON/YAML), keeping DQX's meaning:
 * safe ints and floats as numbers, ints beyond 2^53 as digit strings and Decimals as plain decimal
 * strings (both read back by DQX as numeric SQL literals), non-finite floats as SQL expressions.
 */
export function toDqxJson(v: DqxValue): string | number | boolean | null {
  if (!isTagged(v)) return v;
  switch (v.type) {
    case 'int': {
      const n = Number(v.value);
      return Number.isSafeInteger(n) ? n : v.value;
    }
    case 'float':
      if (typeof v.value === 'number') return v.value;
      return v.value === 'nan' ? "double('NaN')" : v.value === 'inf' ? "double('Infinity')" : "double('-Infinity')";
    case 'decimal':
      return plainDecimal(v.value);
    case 'date':
      return v.value;
    case 'datetime':
      return pyStrftimeIso(v.value);
  }
}

function plainDecimal(text: string): string {
  const d = parseDecimal(text);
  const digits = d.coefficient.toString();
  const sign = d.negative ? '-' : '';
  if (d.exponent >= 0) return sign + digits + '0'.repeat(d.exponent);
  const point = digits.length + d.exponent;
  if (point > 0) return sign + digits.slice(0, point) + '.' + digits.slice(point);
  return sign + '0.' + '0'.repeat(-point) + digits;
}

/** `strftime('%Y-%m-%dT%H:%M:%S.%f%z')` of a UTC-aware datetime given in isoformat. */
function pyStrftimeIso(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?([+-]\d{2}):?(\d{2})$/.exec(iso);
  if (!m) return iso;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}${m[4]}${m[5]}`;
}

/** DQX `val_to_str` for a string: single-quoted, with `'` and `\` escaped by a backslash. */
function sqlQuoted(value: string): string {
  return `'${value.replace(/(['\\])/g, '\\$1')}'`;
}

const isNum = (v: unknown): boolean => isTagged(v as DqxValue) && ['int', 'float', 'decimal'].includes((v as { type: string }).type);
const isTemporal = (v: unknown): boolean => isTagged(v as DqxValue) && ['date', 'datetime'].includes((v as { type: string }).type);

type Builder = (column: string, criticality: Criticality, params: Record<string, unknown>) => DqxCheck | null;

const geoNoArg =
  (fn: string): Builder =>
  (column, criticality) => ({
    check: { function: fn, arguments: { column, convert_column: false } },
    name: `${column}_${fn}`,
    criticality,
  });

const GEOMETRY_TYPE_CHECKS: Record<string, string> = {
  ST_Point: 'is_point',
  ST_LineString: 'is_linestring',
  ST_Polygon: 'is_polygon',
  ST_MultiPoint: 'is_multipoint',
  ST_MultiLineString: 'is_multilinestring',
  ST_MultiPolygon: 'is_multipolygon',
  ST_GeometryCollection: 'is_geometrycollection',
};

const plain = (v: unknown) => toDqxJson(v as DqxValue);

function geoArea(column: string, params: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = { column, value: plain(params.value), convert_column: false };
  if (params.srid !== undefined && params.srid !== null) args.srid = plain(params.srid);
  if (params.geodesic !== undefined && params.geodesic !== null) args.geodesic = params.geodesic;
  return args;
}

const BUILDERS: Record<string, Builder> = {
  is_not_null: (column, criticality) => ({
    check: { function: 'is_not_null', arguments: { column } },
    name: `${column}_is_null`,
    criticality,
  }),
  is_in: (column, criticality, params) => {
    const values = (params.in ?? []) as DqxValue[];
    const allowed = values.map((v) => (typeof v === 'string' ? sqlQuoted(v) : toDqxJson(v)));
    return { check: { function: 'is_in_list', arguments: { column, allowed } }, name: `${column}_other_value`, criticality };
  },
  min_max: (column, criticality, params) => {
    const min = (params.min ?? null) as DqxValue;
    const max = (params.max ?? null) as DqxValue;
    if (min === null && max === null) return null;
    const sameFamily = (isNum(min) && isNum(max)) || (isTemporal(min) && isTemporal(max));
    if (min !== null && max !== null && sameFamily) {
      return {
        check: { function: 'is_in_range', arguments: { column, min_limit: toDqxJson(min), max_limit: toDqxJson(max) } },
        name: `${column}_isnt_in_range`,
        criticality,
      };
    }
    if (max !== null && (isNum(max) || isTemporal(max))) {
      return {
        check: { function: 'is_not_greater_than', arguments: { column, limit: toDqxJson(max) } },
        name: `${column}_not_greater_than`,
        criticality,
      };
    }
    if (min !== null && (isNum(min) || isTemporal(min))) {
      return {
        check: { function: 'is_not_less_than', arguments: { column, limit: toDqxJson(min) } },
        name: `${column}_not_less_than`,
        criticality,
      };
    }
    return null;
  },
  is_not_null_or_empty: (column, criticality, params) => ({
    check: { function: 'is_not_null_and_not_empty', arguments: { column, trim_strings: params.trim_strings ?? true } },
    name: `${column}_is_null_or_empty`,
    criticality,
  }),
  is_not_empty: (column, criticality, params) => ({
    check: { function: 'is_not_empty', arguments: { column, trim_strings: params.trim_strings ?? true } },
    name: `${column}_is_not_empty`,
    criticality,
  }),
  is_unique: (column, criticality, params) => {
    const columns = ((params.columns as string[] | undefined) ?? column.split(',')).map((c) => c.trim());
    return {
      check: { function: 'is_unique', arguments: { columns, nulls_distinct: params.nulls_distinct ?? false } },
      name: `primary_key_${columns.join('_')}_validation`,
      criticality,
      user_metadata: { pk_detection_confidence: params.confidence ?? 'unknown' },
    };
  },
  has_no_outliers: (column, criticality) => ({
    check: { function: 'has_no_outliers', arguments: { column } },
    name: `${column}_has_no_outliers`,
    criticality,
  }),
  geometry_type: (column, criticality, params) => {
    const fn = GEOMETRY_TYPE_CHECKS[String(params.type)];
    return fn ? geoNoArg(fn)(column, criticality, params) : null;
  },
  has_x_coordinate_between: (column, criticality, params) => ({
    check: {
      function: 'has_x_coordinate_between',
      arguments: { column, min_value: plain(params.min_value), max_value: plain(params.max_value), convert_column: false },
    },
    name: `${column}_x_coordinate_not_in_range`,
    criticality,
  }),
  has_y_coordinate_between: (column, criticality, params) => ({
    check: {
      function: 'has_y_coordinate_between',
      arguments: { column, min_value: plain(params.min_value), max_value: plain(params.max_value), convert_column: false },
    },
    name: `${column}_y_coordinate_not_in_range`,
    criticality,
  }),
  is_area_not_less_than: (column, criticality, params) => ({
    check: { function: 'is_area_not_less_than', arguments: geoArea(column, params) },
    name: `${column}_area_less_than_limit`,
    criticality,
  }),
  is_area_not_greater_than: (column, criticality, params) => ({
    check: { function: 'is_area_not_greater_than', arguments: geoArea(column, params) },
    name: `${column}_area_greater_than_limit`,
    criticality,
  }),
  is_num_points_not_less_than: (column, criticality, params) => ({
    check: { function: 'is_num_points_not_less_than', arguments: { column, value: plain(params.value), convert_column: false } },
    name: `${column}_num_points_less_than_limit`,
    criticality,
  }),
  is_num_points_not_greater_than: (column, criticality, params) => ({
    check: { function: 'is_num_points_not_greater_than', arguments: { column, value: plain(params.value), convert_column: false } },
    name: `${column}_num_points_greater_than_limit`,
    criticality,
  }),
  is_non_empty_geometry: geoNoArg('is_non_empty_geometry'),
  is_ogc_valid: geoNoArg('is_ogc_valid'),
  is_not_null_island: geoNoArg('is_not_null_island'),
};

/** The profile names DQX's generator turns into rules (others are skipped, as DQX skips them). */
export const GENERATED_PROFILE_NAMES: readonly string[] = Object.keys(BUILDERS);

export function generateRules(profiles: DqProfile[], options: GenerateRulesOptions = {}): GeneratedRule[] {
  const criticality = options.criticality ?? 'error';
  if (criticality !== 'error' && criticality !== 'warn') throw new Error(`Invalid criticality '${String(criticality)}'`);
  const out: GeneratedRule[] = [];
  for (const profile of profiles) {
    const build = BUILDERS[profile.name];
    if (!build) continue;
    const check = build(profile.column, criticality, (profile.parameters ?? {}) as Record<string, unknown>);
    if (!check) continue;
    if (profile.filter !== null && profile.filter !== undefined) check.filter = profile.filter;
    const ev = profile.evidence;
    out.push({
      check,
      evidence: {
        profile: profile.name,
        column: profile.column,
        statistic: ev?.statistic ?? null,
        value: ev?.value ?? null,
        statistics: ev?.statistics ?? {},
        thresholds: ev?.thresholds ?? {},
        parameters: profile.parameters,
        description: profile.description,
        rowsProfiled: ev?.rowsProfiled ?? null,
      },
    });
  }
  return out;
}
