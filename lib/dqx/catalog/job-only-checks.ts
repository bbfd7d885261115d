/**
 * Checks that need the Spark runtime: DQX's geospatial checks (Databricks Runtime 17.1+ spatial
 * functions), PII detection (Presidio in a pandas UDF) and row anomaly detection (a trained MLflow
 * model). They are recognised and validated like any other check, and run in a DQX job.
 */
import { cleanupAlias } from '../naming';
import { numericValue, pyRepr } from '../py-values';
import { colName, COLUMN_ANNOTATION, columnParam, opt, req, truthy } from './helpers';
import type { CheckDefinition } from './types';

const GEO_REASON = 'Spatial checks need Databricks Runtime 17.1+ spatial SQL functions and run in a DQX job.';
const CONVERT = opt('convert_column', 'bool', true, 'Convert WKT/WKB/GeoJSON text to a geometry first.', {
  widget: 'boolean',
});

const geo = (
  name: string,
  suffix: string,
  description: string,
  extra: CheckDefinition['params'] = [],
  requiresDbr: string | undefined = '17.1',
  more: Partial<CheckDefinition> = {},
): CheckDefinition => ({
  name,
  level: 'row',
  module: 'geo',
  runsIn: 'job',
  jobOnlyReason: GEO_REASON,
  description,
  params: [columnParam(), ...extra],
  messageTemplate: `value \`{value}\` in column \`{column}\` ${description.toLowerCase()}`,
  nameTemplate: `{column}_${suffix}`,
  example: { function: name, arguments: { column: 'geom' } },
  defaultName: (args) => colName(args, `_${suffix}`),
  ...(requiresDbr ? { requiresDbr } : {}),
  ...more,
});

const REF = req(
  'reference_geometry',
  'str | bytes | pyspark.sql.column.Column',
  'Reference geometry (WKT/GeoJSON text; a plain string is a literal, never a column).',
);
const CONVERT_F = opt('convert_column', 'bool', false, 'Convert the column from WKT/WKB/GeoJSON first.', {
  widget: 'boolean',
});
const CONVERT_REF = opt(
  'convert_reference_geometry',
  'bool',
  false,
  'Convert the reference geometry first.',
  { widget: 'boolean' },
);
const PRECISE = opt(
  'precise',
  'bool',
  false,
  'Exact spatial predicate (else an H3 approximation at `resolution`).',
  { widget: 'boolean' },
);
const RESOLUTION = opt(
  'resolution',
  'int | pyspark.sql.column.Column | None',
  null,
  'H3 resolution 0-15 (required when precise is false).',
  { widget: 'integer' },
);

const resolutionProblems = (args: Record<string, unknown>) => {
  if (truthy(args.precise)) return [];
  const r = args.resolution;
  if (r === undefined || r === null)
    return [{ field: 'resolution', message: "'resolution' is required when 'precise' is False." }];
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 15)
    return [{ field: 'resolution', message: "'resolution' must be between 0 and 15." }];
  return [];
};

const topo = (name: string, relationship: string, precise: string, approximate?: string): CheckDefinition =>
  geo(
    name,
    precise,
    `Geometry ${relationship} the reference geometry.`,
    approximate ? [REF, PRECISE, RESOLUTION, CONVERT_F, CONVERT_REF] : [REF, CONVERT_F, CONVERT_REF],
    '17.1',
    {
      defaultName: (args) =>
        colName(args, `_${approximate && !truthy(args.precise) ? approximate : precise}`),
      example: {
        function: name,
        arguments: {
          column: 'geom',
          reference_geometry: 'POLYGON((0 0, 0 10, 10 10, 10 0, 0 0))',
          ...(approximate ? { precise: true } : {}),
        },
      },
      ...(approximate ? { argumentProblems: resolutionProblems } : {}),
    },
  );

const compare = (name: string, quantity: 'area' | 'num_points', op: string): CheckDefinition =>
  geo(
    name,
    `${quantity}_${op}_limit`,
    `${quantity === 'area' ? 'Area' : 'Number of coordinates'} check (${op.replaceAll('_', ' ')} the limit fails).`,
    quantity === 'area'
      ? [
          req('value', 'int | float | str | pyspark.sql.column.Column', 'Limit.', { widget: 'limit' }),
          opt('srid', 'int | None', 3857, 'SRID to transform to before measuring.', { widget: 'integer' }),
          opt('geodesic', 'bool', false, 'Measure on the sphere (geography).', { widget: 'boolean' }),
          CONVERT,
        ]
      : [
          req('value', 'int | float | str | pyspark.sql.column.Column', 'Limit.', { widget: 'limit' }),
          CONVERT,
        ],
    '17.1',
    { example: { function: name, arguments: { column: 'geom', value: 100 } } },
  );

export const JOB_ONLY_CHECKS: CheckDefinition[] = [
  geo(
    'is_latitude',
    'is_not_valid_latitude',
    'Is not a valid latitude (must be between -90 and 90).',
    [],
    undefined,
    {
      jobOnlyReason: 'Geospatial checks run in a DQX job.',
    },
  ),
  geo(
    'is_longitude',
    'is_not_valid_longitude',
    'Is not a valid longitude (must be between -180 and 180).',
    [],
    undefined,
    {
      jobOnlyReason: 'Geospatial checks run in a DQX job.',
    },
  ),
  geo('is_geometry', 'is_not_geometry', 'Is not a geometry.'),
  geo('is_geography', 'is_not_geography', 'Is not a geography.'),
  geo('is_point', 'is_not_point', 'Is not a point geometry.', [CONVERT]),
  geo('is_linestring', 'is_not_linestring', 'Is not a linestring geometry.', [CONVERT]),
  geo('is_polygon', 'is_not_polygon', 'Is not a polygon geometry.', [CONVERT]),
  geo('is_multipoint', 'is_not_multipoint', 'Is not a multipoint geometry.', [CONVERT]),
  geo('is_multilinestring', 'is_not_multilinestring', 'Is not a multilinestring geometry.', [CONVERT]),
  geo('is_multipolygon', 'is_not_multipolygon', 'Is not a multipolygon geometry.', [CONVERT]),
  geo('is_geometrycollection', 'is_not_geometrycollection', 'Is not a geometry collection.', [CONVERT]),
  geo('is_ogc_valid', 'is_not_valid_geometry', 'Is not a valid geometry (OGC).', [CONVERT]),
  geo('is_non_empty_geometry', 'is_empty_geometry', 'Is an empty geometry.', [CONVERT]),
  geo('is_not_null_island', 'contains_null_island', 'Contains a null island (POINT(0 0)).', [CONVERT]),
  geo(
    'has_dimension',
    'does_not_have_required_geo_dimension',
    'Does not have the required dimension.',
    [req('dimension', 'int', 'Required geometry dimension.', { widget: 'integer' }), CONVERT],
    '17.1',
    { example: { function: 'has_dimension', arguments: { column: 'geom', dimension: 2 } } },
  ),
  geo(
    'has_x_coordinate_between',
    'has_x_coordinates_outside_range',
    'Has x coordinates outside the range.',
    [
      req('min_value', 'float', 'Minimum x.', { widget: 'number' }),
      req('max_value', 'float', 'Maximum x.', { widget: 'number' }),
      CONVERT,
    ],
    '17.1',
    {
      example: {
        function: 'has_x_coordinate_between',
        arguments: { column: 'geom', min_value: -90, max_value: 90 },
      },
    },
  ),
  geo(
    'has_y_coordinate_between',
    'has_y_coordinates_outside_range',
    'Has y coordinates outside the range.',
    [
      req('min_value', 'float', 'Minimum y.', { widget: 'number' }),
      req('max_value', 'float', 'Maximum y.', { widget: 'number' }),
      CONVERT,
    ],
    '17.1',
    {
      example: {
        function: 'has_y_coordinate_between',
        arguments: { column: 'geom', min_value: -90, max_value: 90 },
      },
    },
  ),
  compare('is_area_equal_to', 'area', 'not_equal_to'),
  compare('is_area_not_equal_to', 'area', 'equal_to'),
  compare('is_area_not_greater_than', 'area', 'greater_than'),
  compare('is_area_not_less_than', 'area', 'less_than'),
  compare('is_num_points_equal_to', 'num_points', 'not_equal_to'),
  compare('is_num_points_not_equal_to', 'num_points', 'equal_to'),
  compare('is_num_points_not_greater_than', 'num_points', 'greater_than'),
  compare('is_num_points_not_less_than', 'num_points', 'less_than'),
  topo('is_geo_contains', 'is within', 'is_not_in_reference_geometry'),
  topo(
    'is_geo_covers',
    'is covered by',
    'is_not_covered_by_reference_geometry_precisely',
    'is_not_covered_by_reference_geometry_approximately',
  ),
  topo(
    'is_geo_intersects',
    'intersects',
    'does_not_intersect_reference_geometry_precisely',
    'does_not_intersect_reference_geometry_approximately',
  ),
  topo('is_geo_touches', 'touches', 'does_not_touch_reference_geometry'),
  topo('is_geo_within', 'contains', 'does_not_contain_reference_geometry'),
  geo(
    'is_geo_within_distance',
    'is_not_within_distance_from_reference_geometry',
    'Is not within the distance (meters) of the reference geometry.',
    [
      REF,
      req('distance', 'int | float | str | pyspark.sql.column.Column', 'Distance in meters.', {
        widget: 'limit',
      }),
      CONVERT_F,
      CONVERT_REF,
    ],
    '17.1',
    {
      example: {
        function: 'is_geo_within_distance',
        arguments: { column: 'geom', reference_geometry: 'POINT(0 0)', distance: 1000 },
      },
      argumentProblems: (args) => {
        const d = args.distance;
        const bad = () => [
          {
            field: 'distance',
            message: `'distance' must be a finite, non-negative number of meters, got ${pyRepr(d)}.`,
          },
        ];
        if (typeof d === 'boolean') return bad();
        if (typeof d === 'string') {
          const trimmed = d.trim();
          if (!/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?(?:inf|infinity|nan)$/i.test(trimmed))
            return [];
          const v = Number(trimmed.replace(/^([-+]?)inf(inity)?$/i, '$1Infinity'));
          return Number.isFinite(v) && v >= 0 ? [] : bad();
        }
        const v = numericValue(d);
        if (v === null) return [];
        return Number.isFinite(v) && v >= 0 ? [] : bad();
      },
    },
  ),
  {
    name: 'are_polygons_mutually_disjoint',
    level: 'dataset',
    module: 'geo',
    runsIn: 'job',
    jobOnlyReason: GEO_REASON,
    description: 'No polygon intersects another polygon of the dataset (self-join).',
    params: [
      columnParam(),
      opt('row_filter', 'str | None', null, 'Filled from the rule filter.', { widget: 'sql' }),
    ],
    messageTemplate: 'value `{value}` in column `{column}` intersects with at least one other polygon',
    nameTemplate: '{column}_not_mutually_disjoint',
    example: { function: 'are_polygons_mutually_disjoint', arguments: { column: 'parcel' } },
    defaultName: (args) => colName(args, '_not_mutually_disjoint'),
    requiresDbr: '17.1',
  },
  {
    name: 'does_not_contain_pii',
    level: 'row',
    module: 'pii',
    runsIn: 'job',
    jobOnlyReason: 'PII detection runs Presidio and spaCy in a pandas UDF (the [pii] extra).',
    description: 'Text contains no personally identifying information above the confidence threshold.',
    params: [
      req('column', COLUMN_ANNOTATION, 'Text column to scan.', {
        widget: 'column',
        refersToColumn: true,
        columnTypes: ['string'],
      }),
      opt('language', 'str', 'en', 'Language of the text.'),
      opt('threshold', 'float', 0.7, 'Confidence threshold 0..1.', { widget: 'number' }),
      opt('entities', 'list[str] | None', null, 'Entity types to detect (default: all).', {
        widget: 'strings',
      }),
      opt('nlp_engine_config', 'NLPEngineConfig | dict | None', null, 'NLP engine configuration.', {
        widget: 'json',
      }),
    ],
    messageTemplate: "Column '{column_norm}' contains PII: {entities}",
    nameTemplate: '{column}_contains_pii',
    example: { function: 'does_not_contain_pii', arguments: { column: 'notes' } },
    defaultName: (args) => colName(args, '_contains_pii'),
  },
  {
    name: 'has_no_row_anomalies',
    level: 'dataset',
    module: 'anomaly',
    runsIn: 'job',
    jobOnlyReason: 'Anomaly detection scores rows with a model trained by DQX (the [anomaly] extra).',
    description: 'Rows are not anomalous according to a trained DQX anomaly model.',
    params: [
      req('model_name', 'str', 'Registered model name.'),
      req('registry_table', 'str', 'Model registry table.', { widget: 'table' }),
      opt('threshold', 'float', 95.0, 'Severity percentile threshold.', { widget: 'number' }),
      opt('row_filter', 'str | None', null, 'Filled from the rule filter.', { widget: 'sql' }),
      opt('drift_threshold', 'float | None', null, 'Drift threshold.', { widget: 'number' }),
      opt('enable_contributions', 'bool', true, 'Compute SHAP contributions.', { widget: 'boolean' }),
      opt('enable_confidence_std', 'bool', false, 'Compute confidence standard deviation.', {
        widget: 'boolean',
      }),
      opt('enable_ai_explanation', 'bool', true, 'Explain anomalies with ai_query.', { widget: 'boolean' }),
      opt(
        'ai_explanation_llm_model_config',
        'LLMModelConfig | dict | None',
        null,
        'Model configuration for explanations.',
        { widget: 'json' },
      ),
      opt('redact_columns', 'list[str] | None', null, 'Columns to redact from explanations.', {
        widget: 'columns',
      }),
      opt('max_groups', 'int', 500, 'Maximum segments.', { widget: 'integer' }),
      opt('driver_only', 'bool', false, 'Score on the driver only.', {
        widget: 'boolean',
        keywordOnly: true,
      }),
    ],
    messageTemplate: 'Row is anomalous (score above threshold)',
    nameTemplate: 'has_row_anomalies',
    example: {
      function: 'has_no_row_anomalies',
      arguments: { model_name: 'main.dq.orders_model', registry_table: 'main.dq.anomaly_models' },
    },
    defaultName: () => cleanupAlias('has_row_anomalies'),
  },
];
