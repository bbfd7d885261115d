/**
 * The versioned contract between the app and the Databricks notebooks in `notebooks/`:
 * the job parameters the app sends (`POST /api/2.2/jobs/run-now` `job_parameters`, all strings)
 * and the output the notebooks return (through `dbutils.notebook.exit`, or a pointer to a file in a
 * Unity Catalog volume when the output is large, or a structured error when the run fails).
 *
 * This file is the single source of truth. `npm run jobs:contract` exports it as JSON Schema into
 * `notebooks/contract/*.schema.json`; the notebooks validate their parameters against those files
 * and the Python tests validate every output against them. A vitest fails when the committed
 * files are stale, and the bundle test checks that the jobs declare exactly these parameters.
 *
 * Changing a field's meaning means bumping JOB_CONTRACT_VERSION; the notebooks refuse any other
 * version, so an app and notebooks from different releases fail loudly instead of misreading.
 */
import { z } from 'zod';
import { sqlGuardContract } from '@/lib/dqx/sql-guard/contract';

export const JOB_CONTRACT_VERSION = 1;

/**
 * Notebook output above this many bytes is written to the results volume and returned as a
 * pointer. The Jobs API returns only the first 5 MB of `notebook_output.result`; 1 MB keeps a
 * wide margin (the value is JSON inside JSON, so escaping can grow it).
 */
export const INLINE_OUTPUT_LIMIT_BYTES = 1_000_000;

/**
 * A rule set whose JSON exceeds this many bytes travels as a file in the results volume
 * (`rules_path`) instead of inline in a job parameter. The only documented size limit for run
 * parameters is 10,000 bytes (for the legacy `*_params`); staying below it is safe for
 * `job_parameters` too.
 */
export const INLINE_RULES_LIMIT_BYTES = 8_000;

/** The notebook task of each job; `runs/get-output` is asked for this task's run. */
export const JOB_TASK_KEYS = { generation: 'generate_rules', validation: 'validate_rules' } as const;

export type JobKind = keyof typeof JOB_TASK_KEYS;

/**
 * The notebook task of a scheduled-checks job (one job per monitored table, created by the app:
 * lib/jobs/databricks/monitoring-job.ts). Not a bundle job, so not in JOB_TASK_KEYS.
 */
export const MONITORING_TASK_KEY = 'monitor_table';

/**
 * The one-time run that e-mails an alert (lib/jobs/databricks/alert-notice.ts): its notebook task
 * (`notebooks/alert_notice.py`, next to `validate_rules`) and the notebook parameters it is given.
 * Not a bundle job, and its output is not read by the app.
 */
export const ALERT_NOTICE_TASK_KEY = 'alert_notice';
export const ALERT_NOTICE_PARAMETER_NAMES = ['alert_id', 'table', 'event', 'text', 'run_id', 'finished_at'] as const;

/** Where a scheduled-checks job reads the published checks from (DQX's checks storage configs). */
export const MONITORING_CHECKS_SOURCES = ['table', 'volume_file', 'workspace_file'] as const;

/** Prefix of the exception message a notebook raises after a handled failure (see `JobError`). */
export const JOB_ERROR_MARKER = 'DQX_JOB_ERROR:';

// ---------------------------------------------------------------------------------------------
// Job parameters (the wire form: every value a string)
// ---------------------------------------------------------------------------------------------

const NAME_PART = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\u0000]+$/, { error: 'must not contain NUL characters' });

const RUN_ID = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected 1-64 letters, digits, - or _' });

const EMPTY_OR_POSITIVE_INT = z
  .string()
  .regex(/^(|[1-9][0-9]{0,9})$/, { error: 'expected a positive whole number, or empty for no limit' });

const EMPTY_OR_INT = z.string().regex(/^(|-?[0-9]{1,18})$/, { error: 'expected a whole number, or empty' });

/** A path inside a Unity Catalog volume: /Volumes/<catalog>/<schema>/<volume>[/...], no `..`. */
const VOLUME_PATH = z
  .string()
  .regex(/^\/Volumes\/[^/\u0000]+\/[^/\u0000]+\/[^/\u0000]+(\/[^/\u0000]+)*$/, {
    error: 'expected /Volumes/<catalog>/<schema>/<volume>[/<path>]',
  })
  .refine((p) => !p.split('/').some((seg) => seg === '..' || seg === '.'), { error: 'must not contain . or .. segments' });

const EMPTY_OR_VOLUME_PATH = z.union([z.literal(''), VOLUME_PATH]);

const BOOL_STRING = z.enum(['true', 'false']);

const FRACTION_STRING = z
  .string()
  .regex(/^(1(\.0+)?|0?\.[0-9]*[1-9][0-9]*)$/, { error: 'expected a fraction greater than 0 and at most 1' });

/** A serving endpoint name (no URL: the notebooks never call a host chosen by a parameter). */
const ENDPOINT_NAME = z.string().regex(/^(|[A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/, { error: 'expected a serving endpoint name' });

/** DQX profiler options a caller may set. `filter` is deliberately absent: it is SQL text. */
export const ProfileOptionsSchema = z
  .object({
    round: z.boolean(),
    max_in_count: z.int().min(1).max(1000),
    distinct_ratio: z.number().min(0).max(1),
    max_null_ratio: z.number().min(0).max(1),
    max_empty_ratio: z.number().min(0).max(1),
    remove_outliers: z.boolean(),
    num_sigmas: z.number().min(0).max(100),
    trim_strings: z.boolean(),
  })
  .partial()
  .strict();

export type ProfileOptions = z.infer<typeof ProfileOptionsSchema>;

const JSON_OBJECT_STRING = z.string().refine(
  (text) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  },
  { error: 'expected a JSON object' },
);

const common = {
  contract_version: z.literal(String(JOB_CONTRACT_VERSION)),
  run_id: RUN_ID,
  catalog: NAME_PART,
  schema: NAME_PART,
  table: NAME_PART,
  results_volume: EMPTY_OR_VOLUME_PATH,
};

export const GenerationJobParametersSchema = z
  .object({
    ...common,
    user_prompt: z.string().max(8000),
    sample_limit: EMPTY_OR_POSITIVE_INT,
    sample_fraction: FRACTION_STRING,
    sample_seed: EMPTY_OR_INT,
    criticality: z.enum(['error', 'warn']),
    profile_options: JSON_OBJECT_STRING,
    ai_assisted: BOOL_STRING,
    llm_endpoint: ENDPOINT_NAME,
  })
  .strict()
  .meta({
    title: 'Generation job parameters',
    description: 'job_parameters of the DQX rule generation job (every value a string).',
  });

export const ValidationJobParametersSchema = z
  .object({
    ...common,
    rules: z.string(),
    rules_path: EMPTY_OR_VOLUME_PATH,
    row_limit: EMPTY_OR_POSITIVE_INT,
    failing_rows_sample: z.string().regex(/^([0-9]|[1-9][0-9]{1,2}|1000)$/, { error: 'expected 0 to 1000' }),
  })
  .strict()
  .meta({
    title: 'Validation job parameters',
    description: 'job_parameters of the DQX rule validation job (every value a string).',
  });

/**
 * A Unity Catalog table written as `catalog.schema.table`: three parts, each 1-255 characters
 * without a period, slash, back-quote, white space or control character (Unity Catalog's rules, as
 * lib/warehouse/names.ts). The notebook back-quotes every part before DQX sees it.
 */
const TABLE_NAME_3 = z
  .string()
  .max(800)
  .regex(/^[^./`\s\u0000-\u001f\u007f]{1,255}\.[^./`\s\u0000-\u001f\u007f]{1,255}\.[^./`\s\u0000-\u001f\u007f]{1,255}$/u, {
    error: 'expected catalog.schema.table (no periods, slashes, back-quotes or spaces inside a part)',
  });

const EMPTY_OR_TABLE_NAME_3 = z.union([z.literal(''), TABLE_NAME_3]);

/** `/Workspace/...` file, no `.` or `..` segments. */
const WORKSPACE_FILE_PATH = z
  .string()
  .regex(/^\/Workspace\/[^\u0000]+$/, { error: 'expected /Workspace/<path>' })
  .refine((p) => !p.split('/').some((seg) => seg === '..' || seg === '.'), { error: 'must not contain . or .. segments' });

/**
 * `job_parameters` of a scheduled-checks job (`notebooks/monitor_table.py`). The job is created by
 * the app with these as job-level parameter defaults; `run_id` is `{{job.run_id}}`, which Databricks
 * resolves to the run's id, so every run has its own id in DQX's result entries and metrics rows.
 */
export const MonitoringJobParametersSchema = z
  .object({
    ...common,
    /** DQX checks storage the published checks are loaded from. */
    checks_source: z.enum(MONITORING_CHECKS_SOURCES),
    /** The checks table (`table`), or the checks file (`/Volumes/...` or `/Workspace/...`). */
    checks_location: z.union([TABLE_NAME_3, VOLUME_PATH, WORKSPACE_FILE_PATH]),
    /** DQX `run_config_name` of the checks table: the monitored table's name (publishing writes it so). */
    run_config_name: z.string().max(800),
    /** Load this batch of the checks table (a pinned version); empty: the latest batch. */
    rule_set_fingerprint: z.string().regex(/^(|[0-9a-f]{64})$/, { error: 'expected a SHA-256 fingerprint or empty' }),
    /** DQX output (valid rows); empty: not written. */
    valid_table: EMPTY_OR_TABLE_NAME_3,
    /** DQX quarantine (invalid rows with _errors/_warnings); empty: not written. */
    quarantine_table: EMPTY_OR_TABLE_NAME_3,
    /** DQX summary metrics (long format); required: the run's figures are read from it. */
    metrics_table: TABLE_NAME_3,
    failing_rows_sample: z.string().regex(/^([0-9]|[1-9][0-9]{1,2}|1000)$/, { error: 'expected 0 to 1000' }),
  })
  .strict()
  .meta({
    title: 'Monitoring job parameters',
    description: 'job_parameters of a DQX scheduled-checks job (every value a string).',
  });

export type MonitoringJobParameters = z.infer<typeof MonitoringJobParametersSchema>;

export type GenerationJobParameters = z.infer<typeof GenerationJobParametersSchema>;
export type ValidationJobParameters = z.infer<typeof ValidationJobParametersSchema>;

/**
 * Job-level parameters declared by each job in `resources/jobs.yml`, with the default the job
 * declares. The bundle test compares these names to the jobs; a run started by hand from the Jobs
 * UI with the defaults fails with a clear message (empty table name) instead of profiling a
 * placeholder.
 */
export const JOB_PARAMETER_NAMES = {
  generation: Object.keys(GenerationJobParametersSchema.shape) as (keyof GenerationJobParameters)[],
  validation: Object.keys(ValidationJobParametersSchema.shape) as (keyof ValidationJobParameters)[],
  monitoring: Object.keys(MonitoringJobParametersSchema.shape) as (keyof MonitoringJobParameters)[],
} as const;

// ---------------------------------------------------------------------------------------------
// Typed requests (what services hand to JobRunner.start)
// ---------------------------------------------------------------------------------------------

export const TableRefSchema = z.object({ catalog: NAME_PART, schema: NAME_PART, table: NAME_PART }).strict();

/** A DQX check in metadata form; the engine validates its content, the contract only its shape. */
const DqxCheckSchema = z
  .object({
    criticality: z.enum(['error', 'warn']).optional(),
    check: z
      .object({
        function: z.string().min(1),
        arguments: z.record(z.string(), z.unknown()).optional(),
        for_each_column: z.array(z.union([z.string(), z.array(z.string())])).optional(),
      })
      .loose(),
    name: z.string().optional(),
    filter: z.string().optional(),
    user_metadata: z.record(z.string(), z.unknown()).optional(),
    message_expr: z.string().optional(),
  })
  .loose();

export const GenerationJobRequestSchema = z
  .object({
    kind: z.literal('generation'),
    runId: RUN_ID,
    table: TableRefSchema,
    userPrompt: z.string().max(8000).default(''),
    /** Rows to profile after sampling; null profiles every sampled row (no hidden 1000-row cap). */
    sampleLimit: z.int().min(1).max(2_000_000_000).nullable(),
    sampleFraction: z.number().gt(0).max(1).default(1),
    sampleSeed: z.int().nullable().default(null),
    criticality: z.enum(['error', 'warn']).default('error'),
    profileOptions: ProfileOptionsSchema.default({}),
    /** Ask DQX's AI-assisted generator too (needs a serving endpoint). */
    aiAssisted: z.boolean().default(false),
  })
  .strict();

export const ValidationJobRequestSchema = z
  .object({
    kind: z.literal('validation'),
    runId: RUN_ID,
    table: TableRefSchema,
    rules: z.array(DqxCheckSchema).min(1).max(5000),
    /** Validate only the first N rows; null validates the whole table. */
    rowLimit: z.int().min(1).max(2_000_000_000).nullable().default(null),
    failingRowsSample: z.int().min(0).max(1000).default(20),
  })
  .strict();

export const JobRequestSchema = z.discriminatedUnion('kind', [GenerationJobRequestSchema, ValidationJobRequestSchema]);

export type GenerationJobRequest = z.input<typeof GenerationJobRequestSchema>;
export type ValidationJobRequest = z.input<typeof ValidationJobRequestSchema>;
export type JobRequest = z.input<typeof JobRequestSchema>;

export interface EncodeOptions {
  /** `/Volumes/<catalog>/<schema>/<volume>`, where large outputs (and large rule sets) go. */
  resultsVolume?: string | undefined;
  /** Serving endpoint for AI-assisted generation. */
  llmEndpoint?: string | undefined;
  /** Set when the rule set was uploaded to the volume because it is too large to send inline. */
  rulesPath?: string | undefined;
}

/** The JSON of a rule set as the validation job receives it. */
export function rulesJson(rules: unknown[]): string {
  return JSON.stringify(rules);
}

/** Where a large rule set is uploaded for a run. */
export function rulesFilePath(resultsVolume: string, runId: string): string {
  return `${resultsVolume}/runs/${runId}/rules.json`;
}

/** Where a notebook writes a large output for a run (the adapter accepts no other location). */
export function outputFilePath(resultsVolume: string, kind: JobKind, runId: string): string {
  return `${resultsVolume}/runs/${runId}/${kind}-output.json`;
}

/** A typed request -> the `job_parameters` map, validated against the wire schema. */
export function encodeJobParameters(
  request: JobRequest,
  options: EncodeOptions = {},
): GenerationJobParameters | ValidationJobParameters {
  const parsed = JobRequestSchema.parse(request);
  const base = {
    contract_version: String(JOB_CONTRACT_VERSION) as '1',
    run_id: parsed.runId,
    catalog: parsed.table.catalog,
    schema: parsed.table.schema,
    table: parsed.table.table,
    results_volume: options.resultsVolume ?? '',
  };
  if (parsed.kind === 'generation') {
    return GenerationJobParametersSchema.parse({
      ...base,
      user_prompt: parsed.userPrompt,
      sample_limit: parsed.sampleLimit === null ? '' : String(parsed.sampleLimit),
      sample_fraction: String(parsed.sampleFraction),
      sample_seed: parsed.sampleSeed === null ? '' : String(parsed.sampleSeed),
      criticality: parsed.criticality,
      profile_options: JSON.stringify(parsed.profileOptions),
      ai_assisted: parsed.aiAssisted ? 'true' : 'false',
      llm_endpoint: options.llmEndpoint ?? '',
    });
  }
  return ValidationJobParametersSchema.parse({
    ...base,
    // the rules as the caller gave them (validation must not reorder or drop their keys)
    rules: options.rulesPath ? '' : rulesJson((request as ValidationJobRequest).rules),
    rules_path: options.rulesPath ?? '',
    row_limit: parsed.rowLimit === null ? '' : String(parsed.rowLimit),
    failing_rows_sample: String(parsed.failingRowsSample),
  });
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** A JSON value as the notebooks emit it (numbers are finite; dates and decimals are strings). */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

const TableOut = z.object({ catalog: z.string(), schema: z.string(), table: z.string() }).strict();
const ColumnOut = z.object({ name: z.string(), type: z.string() }).strict();
const Timestamp = z.iso.datetime({ offset: true });
const Count = z.int().min(0);

/** One entry of DQX's `_errors` / `_warnings` arrays, as the notebooks return it. */
export const ResultEntrySchema = z
  .object({
    name: z.string(),
    message: z.string().nullable(),
    columns: z.array(z.string()).nullable(),
    filter: z.string().nullable(),
    function: z.string(),
    skipped: z.boolean().nullable(),
    user_metadata: z.record(z.string(), z.string().nullable()).nullable(),
    rule_fingerprint: z.string().nullable(),
  })
  .strict();

export const GenerationResultSchema = z
  .object({
    table: TableOut,
    generated_at: Timestamp,
    dqx_version: z.string(),
    sample: z
      .object({
        limit: z.int().min(1).nullable(),
        fraction: z.number().gt(0).max(1),
        seed: z.int().nullable(),
        /** Rows the profiler actually looked at (after sampling and limit). */
        profiled_rows: Count,
      })
      .strict(),
    columns: z.array(ColumnOut),
    summary_stats: z.record(z.string(), z.record(z.string(), JsonValue)),
    profiles: z.array(
      z
        .object({
          name: z.string(),
          column: z.string(),
          description: z.string().nullable(),
          parameters: z.record(z.string(), JsonValue),
          filter: z.string().nullable(),
        })
        .strict(),
    ),
    /** DQX's profile-based generator output (DQX metadata form). */
    profile_rules: z.array(z.record(z.string(), JsonValue)),
    ai: z
      .object({
        requested: z.boolean(),
        used: z.boolean(),
        endpoint: z.string().nullable(),
        rules: z.array(z.record(z.string(), JsonValue)),
        /** Why AI-assisted generation was not used or what went wrong; null when it ran. */
        message: z.string().nullable(),
      })
      .strict(),
    warnings: z.array(z.string()),
  })
  .strict();

export const RuleResultSchema = z
  .object({
    name: z.string(),
    function: z.string(),
    criticality: z.enum(['error', 'warn']),
    columns: z.array(z.string()).nullable(),
    filter: z.string().nullable(),
    /** Rows the rule applied to (its filter held); null when it could not be evaluated. */
    rows_evaluated: Count.nullable(),
    /** Rows with an entry of this rule (in `_errors` for error rules, `_warnings` for warn rules). */
    failed_rows: Count,
    skipped: z.boolean(),
    status: z.enum(['pass', 'fail', 'warn', 'skipped']),
  })
  .strict();

export const ValidationResultSchema = z
  .object({
    table: TableOut,
    validated_at: Timestamp,
    dqx_version: z.string(),
    row_limit: z.int().min(1).nullable(),
    total_rows: Count,
    /** DQX's valid split: rows without errors (warning-only rows count as valid). */
    valid_rows: Count,
    /** DQX's invalid split: rows with errors or warnings. */
    invalid_rows: Count,
    error_rows: Count,
    warning_rows: Count,
    /** valid_rows / total_rows x 100, two decimals; 100 for an empty table. */
    pass_rate: z.number().min(0).max(100),
    rules: z.array(RuleResultSchema),
    failing_rows: z
      .object({
        limit: Count,
        columns: z.array(ColumnOut),
        rows: z.array(
          z
            .object({
              values: z.record(z.string(), JsonValue),
              errors: z.array(ResultEntrySchema),
              warnings: z.array(ResultEntrySchema),
            })
            .strict(),
        ),
      })
      .strict(),
    warnings: z.array(z.string()),
  })
  .strict();

/**
 * A scheduled-checks run: the validation result (so the app ingests it like a validation run),
 * computed from DQX's own summary metrics of the run, plus where DQX read and wrote.
 */
export const MonitoringResultSchema = z
  .object({
    ...ValidationResultSchema.shape,
    monitoring: z
      .object({
        /** DQX's run id: in every `_errors`/`_warnings` entry and every metrics row of this run. */
        dqx_run_id: z.string().min(1),
        checks: z
          .object({
            source: z.enum(MONITORING_CHECKS_SOURCES),
            location: z.string(),
            run_config_name: z.string().nullable(),
            /** DQX's fingerprint of the rule set it loaded and applied. */
            rule_set_fingerprint: z.string(),
          })
          .strict(),
        outputs: z
          .object({ valid_table: z.string().nullable(), quarantine_table: z.string().nullable(), metrics_table: z.string() })
          .strict(),
        /** The metrics rows DQX wrote for this run: metric_name -> metric_value. */
        metrics: z.record(z.string(), z.string().nullable()),
      })
      .strict(),
  })
  .strict();

export const JobErrorSchema = z
  .object({
    /** What went wrong, in words a user understands. */
    cause: z.string().min(1),
    /** What to do about it. */
    hint: z.string(),
    /** A stable classification: bad_parameters, table_not_found, permission_denied, invalid_rules, ... */
    type: z.string().min(1),
  })
  .strict();

const envelope = {
  contract_version: z.literal(JOB_CONTRACT_VERSION),
  run_id: RUN_ID,
};

export const GenerationOutputSchema = z.object({ ...envelope, kind: z.literal('generation'), ok: z.literal(true), result: GenerationResultSchema }).strict();
export const ValidationOutputSchema = z.object({ ...envelope, kind: z.literal('validation'), ok: z.literal(true), result: ValidationResultSchema }).strict();
export const MonitoringOutputSchema = z.object({ ...envelope, kind: z.literal('monitoring'), ok: z.literal(true), result: MonitoringResultSchema }).strict();
export const FailureOutputSchema = z.object({ ...envelope, kind: z.enum(['generation', 'validation', 'monitoring']), ok: z.literal(false), error: JobErrorSchema }).strict();
/** The output was too large to return inline: the full output (one of the above) is in this file. */
export const PointerOutputSchema = z
  .object({
    ...envelope,
    kind: z.enum(['generation', 'validation', 'monitoring']),
    ok: z.literal(true),
    output_path: VOLUME_PATH,
    output_bytes: z.int().min(1),
    output_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export const JobOutputSchema = z
  .union([GenerationOutputSchema, ValidationOutputSchema, MonitoringOutputSchema, FailureOutputSchema, PointerOutputSchema])
  .meta({ title: 'DQX job output', description: 'What a DQX notebook returns through dbutils.notebook.exit, or raises as a JSON error after a marker.' });

export type GenerationResult = z.infer<typeof GenerationResultSchema>;
export type ValidationResult = z.infer<typeof ValidationResultSchema>;
export type RuleResult = z.infer<typeof RuleResultSchema>;
export type JobError = z.infer<typeof JobErrorSchema>;
export type GenerationOutput = z.infer<typeof GenerationOutputSchema>;
export type ValidationOutput = z.infer<typeof ValidationOutputSchema>;
export type MonitoringResult = z.infer<typeof MonitoringResultSchema>;
export type MonitoringOutput = z.infer<typeof MonitoringOutputSchema>;
export type FailureOutput = z.infer<typeof FailureOutputSchema>;
export type PointerOutput = z.infer<typeof PointerOutputSchema>;
export type JobOutput = z.infer<typeof JobOutputSchema>;

// ---------------------------------------------------------------------------------------------
// JSON Schema export
// ---------------------------------------------------------------------------------------------

/** The files committed under notebooks/contract (JSON Schemas and the constants), by file name. */
export function contractJsonSchemas(): Record<string, unknown> {
  const convert = (schema: z.ZodType, id: string) => ({
    $id: `https://dqx-data-quality-manager.local/contract/v${JOB_CONTRACT_VERSION}/${id}`,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }),
  });
  return {
    'generation-parameters.schema.json': convert(GenerationJobParametersSchema, 'generation-parameters.schema.json'),
    'validation-parameters.schema.json': convert(ValidationJobParametersSchema, 'validation-parameters.schema.json'),
    'monitoring-parameters.schema.json': convert(MonitoringJobParametersSchema, 'monitoring-parameters.schema.json'),
    'profile-options.schema.json': convert(ProfileOptionsSchema, 'profile-options.schema.json'),
    'job-output.schema.json': convert(JobOutputSchema, 'job-output.schema.json'),
    'constants.json': {
      contract_version: JOB_CONTRACT_VERSION,
      inline_output_limit_bytes: INLINE_OUTPUT_LIMIT_BYTES,
      inline_rules_limit_bytes: INLINE_RULES_LIMIT_BYTES,
      task_keys: JOB_TASK_KEYS,
      monitoring_task_key: MONITORING_TASK_KEY,
      alert_notice_task_key: ALERT_NOTICE_TASK_KEY,
      alert_notice_parameter_names: ALERT_NOTICE_PARAMETER_NAMES,
      error_marker: JOB_ERROR_MARKER,
      parameter_names: JOB_PARAMETER_NAMES,
    },
    // the rules' SQL sandbox: the same allow-list the app applies (lib/dqx/sql-guard)
    'sql-guard.json': sqlGuardContract(),
  };
}

/** The text of one schema file exactly as committed (stable key order, two-space indent, newline). */
export function contractSchemaFileText(schema: unknown): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
