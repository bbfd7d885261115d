/**
 * Every /api/v1 operation as implemented: path, method, parameters, body and each status it can
 * answer, with the zod schemas the route handlers parse with and the DTO schemas they answer with.
 * `document.ts` turns this list into the OpenAPI document; a test checks the list against the route
 * files and validates real responses against it.
 */
import { z } from 'zod';

import { API_ROUTES, type OperationId } from '@/lib/http/api-surface';
import { sampleTableInput, searchTablesInput } from '@/lib/services/catalog-schemas';
import { AnalyzeRulesBody } from '@/lib/services/analysis-schemas';
import { StartGenerationBody } from '@/lib/services/generation-schemas';
import {
  DiffQuery,
  PageQuery,
  RunsQuery,
  SaveRuleSetBody,
  VERSION_NUMBER_MAX,
  VersionQuery,
} from '@/lib/services/rule-set-schemas';
import { PublishSettingsBody } from '@/lib/services/publishing-schemas';
import { ThresholdsBody } from '@/lib/services/alerting-schemas';
import { AuditExportQuery, AuditQuery } from '@/lib/services/audit-schemas';
import { ScheduleBody } from '@/lib/services/schedule-schemas';
import { ApproveBody, CommentBody, GovernanceSettingsBody, ProposalListQuery, RejectBody } from '@/lib/services/proposal-schemas';
import { FailingRowsExportQuery, FailingRowsQuery, ReportQuery, StartValidationBody } from '@/lib/services/validation-schemas';

import * as R from './response-schemas';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503 | 500;

export interface NamedSchema {
  /** Name in `components.schemas`. */
  name: string;
  schema: z.ZodType;
}

export interface ResponseSpec {
  /** 503 only where a 503 is an answer with a body of its own (a health check), besides the error body. */
  status: 200 | 201 | 202 | 503;
  description: string;
  /** JSON bodies (application/json), by name. */
  json?: NamedSchema | NamedSchema[];
  /** Other content types of the same response (downloads), with a JSON Schema of their own. */
  other?: Record<string, { description: string; schema: Record<string, unknown> }>;
  headers?: Record<string, string>;
}

export interface Operation {
  method: 'get' | 'post';
  /** OpenAPI path, e.g. `/api/v1/runs/{id}`. */
  path: string;
  operationId: OperationId;
  tag: string;
  summary: string;
  description?: string;
  /** Path segments; `schema` says what the route accepts (default: any string), `example` a value that exists in local mode. */
  pathParams?: { name: string; description: string; schema?: Record<string, unknown>; example?: string | number }[];
  /** The zod schema of the query string (its input side is documented). */
  query?: z.ZodType;
  body?: {
    description: string;
    json?: NamedSchema | NamedSchema[];
    other?: Record<string, { description: string; schema: Record<string, unknown> }>;
  };
  responses: ResponseSpec[];
  /** Error statuses the route can answer, each with the error body. */
  errors: Partial<Record<ErrorStatus, string>>;
}

/** Method and path of an operation, from the API surface that `route()` enforces. */
const operation = (operationId: OperationId) => ({
  method: API_ROUTES[operationId].method,
  path: API_ROUTES[operationId].path,
  operationId,
});

const TABLE_PARAM = {
  name: 'table',
  description: 'The table, `catalog.schema.table` (percent-encoded).',
  schema: { type: 'string', minLength: 1, maxLength: 800 },
  example: 'samples.sales.orders',
};
const RUN_PARAM = { name: 'id', description: 'The run id (a UUID).', schema: { type: 'string', format: 'uuid' } };
const VERSION_PARAM = {
  name: 'version',
  description: 'A version number (1, 2, 3, …).',
  schema: { type: 'integer', minimum: 1, maximum: VERSION_NUMBER_MAX },
  example: 1,
};
const PROPOSAL_PARAM = { name: 'id', description: 'The proposal id (a UUID).', schema: { type: 'string', format: 'uuid' } };
const TABLE_NAME_PARAM = { name: 'name', description: 'The table, `catalog.schema.table`.', example: 'samples.sales.orders' };

const E = {
  bad: 'The input is not valid: `details.issues` names each field.',
  auth: 'Databricks mode: the request carries no user token, or Databricks does not accept it.',
  forbidden:
    'A request another site sent through the browser (Origin, Sec-Fetch-Site), or in local mode a Host that is not this machine.',
  unavailable:
    'A dependency (warehouse, rule store, jobs, language model, or Databricks confirming who the caller is) is not available; the message says which. `Retry-After` when trying again soon makes sense.',
  internal: 'An unexpected error; it was logged with the request id.',
  tableNotFound: 'The table does not exist, or the caller cannot read it (both answered alike).',
  steward:
    'The caller can read the table but does not hold the steward right: the message names the action, the right and the table’s owner. Also a request another site sent through the browser, or in local mode a Host that is not this machine.',
  proposalNotFound: 'The table or the proposal does not exist, or the caller cannot read the table.',
  runNotFound: 'The run does not exist, or the caller cannot read its table.',
};

const base = { 401: E.auth, 403: E.forbidden, 500: E.internal, 503: E.unavailable } as const;
const runLimit =
  'The caller already has as many runs queued or running as allowed (DQX_RUNS_PER_USER); `Retry-After` says when to try again.';
const llmLimit =
  'The caller used the language model as often as allowed this minute (DQX_LLM_CALLS_PER_MINUTE); `Retry-After` says when to try again.';

/**
 * A DQX checks file in YAML, as the document it holds: a list of checks, or `{checks: [...]}`; an
 * empty document (or `null`, `false`, `0`, `''`) is no checks, as DQX reads it (`safe_load(f) or []`).
 */
const yamlChecksFile = {
  description: 'A DQX checks file in YAML.',
  anyOf: [
    { type: 'array' },
    { type: 'object', required: ['checks'], properties: { checks: { type: 'array' } } },
    { enum: [null, false, 0, ''] },
  ],
};
/** A checks file the app wrote: YAML of a list of checks (any YAML value, as far as a schema can say). */
const yamlDownload = { description: 'A DQX checks file in YAML.' };
const csvText = { type: 'string', description: 'CSV, one row per rule: rule_name, function, criticality, columns, filter, status, rows_evaluated, failing_rows, pass_rate, message.' };

const LOCATION = 'Where the created resource (or the run to poll) is.';
const DISPOSITION = 'attachment; filename="…"';

const ChecksFileBody = z.array(z.unknown()).describe('A DQX checks file in JSON: a list of checks.');
const ChecksObjectBody = z.object({ checks: z.array(z.unknown()) }).describe('A DQX checks file in JSON: {checks: [...]}.');

export const OPERATIONS: Operation[] = [
  // ---- Catalog ----
  {
    ...operation('listCatalogs'),
    tag: 'Catalog',
    summary: 'The catalogs the caller can see.',
    responses: [{ status: 200, description: 'Catalogs.', json: { name: 'CatalogList', schema: R.CatalogList } }],
    errors: { ...base, 503: E.unavailable },
  },
  {
    ...operation('listSchemas'),
    tag: 'Catalog',
    summary: 'The schemas of a catalog.',
    pathParams: [{ name: 'catalog', description: 'Catalog name.', example: 'samples' }],
    responses: [{ status: 200, description: 'Schemas.', json: { name: 'SchemaList', schema: R.SchemaList } }],
    errors: { ...base, 400: 'Not a valid catalog name.', 404: 'No such catalog (or not visible to the caller).', 503: E.unavailable },
  },
  {
    ...operation('listTables'),
    tag: 'Catalog',
    summary: 'The tables and views of a schema.',
    pathParams: [
      { name: 'catalog', description: 'Catalog name.', example: 'samples' },
      { name: 'schema', description: 'Schema name.', example: 'sales' },
    ],
    responses: [{ status: 200, description: 'Tables.', json: { name: 'TableList', schema: R.TableList } }],
    errors: { ...base, 400: 'Not a valid name.', 404: 'No such catalog or schema.', 503: E.unavailable },
  },
  {
    ...operation('searchTables'),
    tag: 'Catalog',
    summary: 'Tables whose `catalog.schema.table` contains every word of `q`, best matches first.',
    query: searchTablesInput,
    responses: [{ status: 200, description: 'Matching tables.', json: { name: 'TableSearch', schema: R.TableSearch } }],
    errors: { ...base, 400: E.bad, 503: E.unavailable },
  },
  {
    ...operation('describeTable'),
    tag: 'Catalog',
    summary: 'A table’s columns (Spark types, comments) and row count.',
    pathParams: [TABLE_NAME_PARAM],
    responses: [{ status: 200, description: 'The table.', json: { name: 'TableDescription', schema: R.TableDescription } }],
    errors: { ...base, 400: 'Not a three-part table name.', 404: E.tableNotFound, 409: 'A local file that cannot be read (the message names it).', 503: E.unavailable },
  },
  {
    ...operation('getTableHealth'),
    tag: 'Alerts',
    summary: 'Whether the table’s latest validation run meets its thresholds: 200 when it does, 503 when not, for uptime monitors.',
    description:
      'The thresholds as they are now, applied to the latest succeeded validation run the caller may see (dry runs aside). 503 with `state: breach` when it breaches them, and with `state: no_run` when thresholds are set but no run exists yet; without thresholds and without a run, 200 with `state: unknown`.',
    pathParams: [TABLE_NAME_PARAM],
    responses: [
      { status: 200, description: 'The table meets its thresholds (or has none).', json: { name: 'TableHealth', schema: R.TableHealth } },
      { status: 503, description: 'The table breaches its thresholds, or has thresholds and no run yet.', json: { name: 'TableHealth', schema: R.TableHealth } },
    ],
    errors: { ...base, 400: 'Not a three-part table name.', 404: E.tableNotFound, 503: E.unavailable },
  },
  {
    ...operation('getMonitoringOverview'),
    tag: 'Alerts',
    summary: 'Every monitored table the caller can read, worst first, with its status, last and next run, pass-rate series and failing rules.',
    description:
      'A table is monitored when it has thresholds set or a schedule. The status is judged like the health endpoint (the thresholds as they are now, on the latest succeeded validation run the caller may see), plus `overdue` (a scheduled run more than 15 minutes late) and `failed` (the newest run failed). Tables the caller cannot read are left out.',
    responses: [{ status: 200, description: 'The monitored tables and a count per status.', json: { name: 'MonitoringOverview', schema: R.MonitoringOverview } }],
    errors: { ...base, 503: E.unavailable },
  },
  {
    ...operation('sampleTable'),
    tag: 'Catalog',
    summary: 'The first rows of a table, every value as display text.',
    pathParams: [TABLE_NAME_PARAM],
    query: sampleTableInput,
    responses: [{ status: 200, description: 'Sample rows.', json: { name: 'TableSample', schema: R.TableSample } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound, 409: 'A local file that cannot be read.', 503: E.unavailable },
  },

  // ---- Rule sets ----
  {
    ...operation('listRuleSets'),
    tag: 'Rule sets',
    summary: 'The tables with rule sets that the caller can read, with the active version and the last validation run.',
    responses: [{ status: 200, description: 'Rule sets.', json: { name: 'RuleSetList', schema: R.RuleSetList } }],
    errors: { ...base, 503: E.unavailable },
  },
  {
    ...operation('listRuleSetVersions'),
    tag: 'Rule sets',
    summary: 'A table’s versions, newest first, with the latest changes of the active version.',
    pathParams: [TABLE_PARAM],
    query: PageQuery,
    responses: [{ status: 200, description: 'One page of versions.', json: { name: 'RuleSetHistory', schema: R.RuleSetHistory } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound, 503: E.unavailable },
  },
  {
    ...operation('saveRuleSetVersion'),
    tag: 'Rule sets',
    summary: 'Save rules as the next version: the active version when a steward saves it, else a proposal for review.',
    description:
      'Send `application/json` with `{rules, user_prompt?, ai_summary?, metadata?, propose?}`, or a DQX checks file as the body (YAML, or JSON holding a list or `{checks: [...]}`). The rules are validated against the table first. A caller without the steward right, any caller when the table has four eyes on, or one sending `propose: true`, creates a proposal (`proposal` set, `is_active` false) that a steward approves or rejects (docs/governance.md).',
    pathParams: [TABLE_PARAM],
    body: {
      description: 'The rules.',
      json: [
        { name: 'SaveRuleSetBody', schema: SaveRuleSetBody },
        { name: 'ChecksFileBody', schema: ChecksFileBody },
        { name: 'ChecksObjectBody', schema: ChecksObjectBody },
      ],
      other: {
        'application/yaml': { description: 'A DQX checks file (also `application/x-yaml`, `text/yaml`, `text/x-yaml`).', schema: yamlChecksFile },
        'application/x-yaml': { description: 'A DQX checks file.', schema: yamlChecksFile },
        'text/yaml': { description: 'A DQX checks file.', schema: yamlChecksFile },
        'text/x-yaml': { description: 'A DQX checks file.', schema: yamlChecksFile },
      },
    },
    responses: [
      {
        status: 201,
        description: 'The new version (active, or a proposal: see `proposal`), with the previous active version and non-blocking warnings.',
        json: { name: 'SavedRuleSetVersion', schema: R.SavedRuleSetVersion },
        headers: { Location: LOCATION },
      },
    ],
    errors: {
      ...base,
      400: 'Bad body, unsupported content type, unreadable checks file (with its line), or rules that do not validate (`details.errors`, `details.warnings`).',
      404: E.tableNotFound,
      409: 'Another change of the table’s versions happened at the same time.',
      503: E.unavailable,
    },
  },
  {
    ...operation('getRuleSetVersion'),
    tag: 'Rule sets',
    summary: 'One version with its rules, or (with `format`) the version as a DQX checks file download.',
    pathParams: [TABLE_PARAM, VERSION_PARAM],
    query: VersionQuery,
    responses: [
      {
        status: 200,
        description: 'Without `format`: the version (JSON). With `format=json|yaml`: the checks file, `Content-Disposition: attachment`.',
        json: [
          { name: 'RuleSetVersion', schema: R.RuleSetVersion },
          { name: 'ChecksFile', schema: R.ChecksFile },
        ],
        other: { 'application/yaml': { description: 'The checks file in YAML (`format=yaml`).', schema: yamlDownload } },
        headers: { 'Content-Disposition': `With format: ${DISPOSITION}` },
      },
    ],
    errors: {
      ...base,
      400: E.bad,
      404: 'The table or the version does not exist, or the caller cannot read the table.',
      409: 'An upgraded version whose rules are not a list of checks cannot be exported.',
      503: E.unavailable,
    },
  },
  {
    ...operation('activateRuleSetVersion'),
    tag: 'Rule sets',
    summary: 'Make a version the active one (rollback), recorded with the caller and the time.',
    pathParams: [TABLE_PARAM, VERSION_PARAM],
    responses: [{ status: 200, description: 'The activation.', json: { name: 'Activated', schema: R.Activated } }],
    errors: {
      ...base,
      400: E.bad,
      403: E.steward,
      404: 'The table, its rule set or the version does not exist.',
      409: 'The version is already active, it is a proposal that was not approved, or another change happened at the same time.',
      503: E.unavailable,
    },
  },
  {
    ...operation('getPublishSettings'),
    tag: 'Publishing',
    summary: 'Where the table’s active version is published (DQX checks table, checks file), and whether on every activation.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The settings (no targets and `auto_publish` false until saved).', json: { name: 'PublishSettings', schema: R.PublishSettings } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('savePublishSettings'),
    tag: 'Publishing',
    summary: 'Replace the table’s publishing settings: the targets and whether to publish on every activation.',
    description:
      'Targets of the other mode are refused (400): `uc_table` and `volume_file` in databricks mode, `local_file` and `local_table` in local mode. `lakebase_table` is for either mode, but only when the rule store is Postgres (refused on the embedded PGlite store), and not in the store’s own schema.',
    pathParams: [TABLE_PARAM],
    body: { description: 'The settings.', json: { name: 'PublishSettingsBody', schema: PublishSettingsBody } },
    responses: [{ status: 200, description: 'The settings as saved.', json: { name: 'PublishSettings', schema: R.PublishSettings } }],
    errors: { ...base, 400: E.bad, 403: E.steward, 404: E.tableNotFound },
  },
  {
    ...operation('publishRuleSet'),
    tag: 'Publishing',
    summary: 'Publish the active version to every target of the settings now, as the caller.',
    description:
      'Each target is written in DQX’s own format so `DQEngine.load_checks` reads the active version unchanged. When a target fails the others are still written and every attempt is recorded; the answer is then the failure’s status with the results in `error.details`.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'One result per target.', json: { name: 'PublishResult', schema: R.PublishResult } }],
    errors: {
      ...base,
      400: 'The input is not valid, or a target cannot hold the rule set (the message says why).',
      403: `${E.steward} Databricks mode: Unity Catalog refused the caller a write to a target.`,
      404: 'The table or its rule set does not exist, or the caller cannot read the table.',
      409: 'The table has no active version, or no publishing target is set.',
    },
  },
  {
    ...operation('listPublications'),
    tag: 'Publishing',
    summary: 'What was published where, when and by whom, and whether each target still holds the active version.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The publication history.', json: { name: 'PublicationHistory', schema: R.PublicationHistory } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('getThresholds'),
    tag: 'Alerts',
    summary: 'What the table’s finished validation runs are held to, and where its alerts go.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The thresholds (none set until saved).', json: { name: 'Thresholds', schema: R.Thresholds } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('saveThresholds'),
    tag: 'Alerts',
    summary: 'Replace the table’s thresholds, and set or remove its webhook.',
    description:
      '`webhook_url`: a URL sets the table’s webhook, null removes it (alerts then go to DQX_ALERT_WEBHOOK_URL), omitted keeps it. Only http and https (https only in databricks mode), no user name or password, never a link-local address (169.254.0.0/16), and in databricks mode no loopback address: refused with 400 naming `webhook_url`.',
    pathParams: [TABLE_PARAM],
    body: { description: 'The thresholds.', json: { name: 'ThresholdsBody', schema: ThresholdsBody } },
    responses: [{ status: 200, description: 'The thresholds as saved.', json: { name: 'Thresholds', schema: R.Thresholds } }],
    errors: { ...base, 400: E.bad, 403: E.steward, 404: E.tableNotFound },
  },
  {
    ...operation('getSchedule'),
    tag: 'Alerts',
    summary: 'The table’s schedule of checks (null until set), its next and last scheduled run, and the outputs it writes.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The schedule, or `schedule: null`, with the default outputs.', json: { name: 'ScheduleState', schema: R.ScheduleState } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('saveSchedule'),
    tag: 'Alerts',
    summary: 'Create or replace the table’s schedule: a 5-field cron in an IANA time zone, the version to run (null: the active one), paused, and outputs.',
    description:
      'Each slot runs the rule set as an ordinary validation run (recorded with `parameters.trigger: schedule`) and appends DQX’s quarantine (rows with `_errors`/`_warnings`), the valid rows when set, and DQX’s summary metrics in its long format (docs/monitoring.md). A slot missed while the app was down runs once when it is back; a slot never runs twice. Outputs omitted take the defaults (`<table>_dq_quarantine`, `<table>_dq_metrics`, no valid rows); null turns one off. A bad `cron`, `timezone`, `version` or output is refused with 400 naming it. Databricks mode: the schedule is a Databricks job that runs DQX on the table’s published checks (its publishing target: a checks table, or a volume file, which cannot pin a version); a rule set never published, a pinned version with a file target and a table with row filters, column masks or ABAC policies are refused with 400; its finished runs are recorded in the table’s run history every `DQX_SCHEDULE_SYNC_SECONDS`.',
    pathParams: [TABLE_PARAM],
    body: { description: 'The schedule.', json: { name: 'ScheduleBody', schema: ScheduleBody } },
    responses: [{ status: 200, description: 'The schedule as saved, with its next run.', json: { name: 'ScheduleState', schema: R.ScheduleState } }],
    errors: {
      ...base,
      400: 'Bad `cron`, `timezone`, `version` or output; databricks mode: the rule set is not published, a pinned version with a checks file, a governed table, or Databricks refused the job settings.',
      403: E.steward,
      404: E.tableNotFound,
      503: 'Databricks mode: the app’s Databricks bindings are missing, or Databricks is unreachable.',
    },
  },
  {
    ...operation('deleteSchedule'),
    tag: 'Alerts',
    summary: 'Remove the table’s schedule (databricks mode: its job too). Outputs already written stay.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The table without a schedule (`schedule: null`).', json: { name: 'ScheduleState', schema: R.ScheduleState } }],
    errors: { ...base, 400: E.bad, 403: E.steward, 404: 'The table has no schedule, does not exist, or the caller cannot read it.', 503: 'Databricks mode: the app’s Databricks bindings are missing, or Databricks is unreachable.' },
  },
  {
    ...operation('listAlerts'),
    tag: 'Alerts',
    summary: 'The table’s alert state and its breaches and recoveries, newest first, with what was sent and how the delivery went.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The alert history.', json: { name: 'AlertHistory', schema: R.AlertHistory } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('diffRuleSetVersions'),
    tag: 'Rule sets',
    summary: 'Rules added, removed and changed (with the fields that changed) between two versions.',
    pathParams: [TABLE_PARAM],
    query: DiffQuery,
    responses: [{ status: 200, description: 'The difference.', json: { name: 'RuleSetDiff', schema: R.RuleSetDiff } }],
    errors: { ...base, 400: E.bad, 404: 'The table or a version does not exist.', 409: 'A version holds rules that are not valid DQX checks.', 503: E.unavailable },
  },
  {
    ...operation('listTableRuns'),
    tag: 'Runs',
    summary: 'A table’s runs, newest first; with `rule`, that rule’s pass rate over the last `page_size` succeeded validation runs, oldest first.',
    pathParams: [TABLE_PARAM],
    query: RunsQuery,
    responses: [
      {
        status: 200,
        description: 'A page of runs, or a rule’s pass-rate history.',
        json: [
          { name: 'RunPage', schema: R.RunPage },
          { name: 'RulePassRateHistory', schema: R.RulePassRateHistory },
        ],
      },
    ],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound, 503: E.unavailable },
  },

  // ---- Runs ----
  {
    ...operation('startGeneration'),
    tag: 'Runs',
    summary: 'Start generating rules for a table: profile, derive DQX rules, and ask the language model when one is configured.',
    description: 'The run executes in the background; poll `GET /api/v1/runs/{id}` (the `Location` header). Its output lists the rules with their origin and evidence, the rows profiled and the column profiles.',
    body: { description: 'What to generate.', json: { name: 'StartGenerationBody', schema: StartGenerationBody } },
    responses: [{ status: 202, description: 'The queued run.', json: { name: 'Run', schema: R.Run }, headers: { Location: LOCATION } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound, 429: `${runLimit} Or, when the language model would be asked: ${llmLimit}`, 503: E.unavailable },
  },
  {
    ...operation('startValidation'),
    tag: 'Runs',
    summary: 'Start validating a saved version (default: the active one) or draft rules, on the whole table or on its first rows (a dry run).',
    description:
      'The caller must be able to read the table and every table the rules refer to. The run executes in the background; poll `GET /api/v1/runs/{id}` (the `Location` header).',
    body: { description: 'What to validate.', json: { name: 'StartValidationBody', schema: StartValidationBody } },
    responses: [{ status: 202, description: 'The queued run.', json: { name: 'Run', schema: R.Run }, headers: { Location: LOCATION } }],
    errors: {
      ...base,
      400: 'Bad input, or draft rules that do not validate (`details.errors`).',
      404: 'The table, a table a rule refers to, the version or any saved rule set does not exist (or the caller cannot read it).',
      409: 'A version saved by the original application whose rules are not a list of checks.',
      429: runLimit,
      503: E.unavailable,
    },
  },
  {
    ...operation('getRun'),
    tag: 'Runs',
    summary: 'A run: status, progress (steps, percentage, message), times, error (cause and what to do), summary, per-rule results and output.',
    pathParams: [RUN_PARAM],
    responses: [{ status: 200, description: 'The run.', json: { name: 'RunDetail', schema: R.RunDetail } }],
    errors: { ...base, 400: 'Not a run id.', 404: E.runNotFound, 503: E.unavailable },
  },
  {
    ...operation('cancelRun'),
    tag: 'Runs',
    summary: 'Ask a queued or running run to stop; it ends as `cancelled` shortly.',
    pathParams: [RUN_PARAM],
    responses: [{ status: 202, description: 'The run, with `cancel_requested: true`.', json: { name: 'Run', schema: R.Run } }],
    errors: { ...base, 400: 'Not a run id.', 404: E.runNotFound, 409: 'The run has already finished.', 503: E.unavailable },
  },
  {
    ...operation('getFailingRows'),
    tag: 'Runs',
    summary: 'The failing rows of one rule (by name, index or fingerprint) or of every rule of a validation run, a page at a time, read from the table now: key columns first, then the failing column(s), with every DQX result field of each row’s `_errors`/`_warnings`.',
    description:
      'Pages are keyset pages: pass `next_cursor` as `cursor` for the next page, which costs what the first page costs at any depth. ' +
      '`page` jumps to a page number and `key` to the first row at or after a key; `value` keeps only rows whose failing column holds a value. ' +
      'A cursor is opaque and bound to its run, rule, filter and page size: an edited one, or one made for another request, is refused with 400.',
    pathParams: [RUN_PARAM],
    query: FailingRowsQuery,
    responses: [{ status: 200, description: 'One page of failing rows, the total and the cursor of the next page.', json: { name: 'FailingRowsPage', schema: R.FailingRowsPage } }],
    errors: {
      ...base,
      400: 'Bad query (the field is named), a cursor that is not valid for this request, or not a validation run.',
      404: 'The run or the rule does not exist, or the caller cannot read the table.',
      409: 'The rule runs only in a DQX job, or the run’s rules are no longer available.',
      503: E.unavailable,
    },
  },
  {
    ...operation('exportFailingRows'),
    tag: 'Runs',
    summary: 'Every failing row of one rule or of the whole validation run as a CSV or Parquet download, streamed from the warehouse (never held in memory): the columns in the page’s order, then `_errors` and `_warnings` (the DQX entries as JSON text), in table order.',
    pathParams: [RUN_PARAM],
    query: FailingRowsExportQuery,
    responses: [
      {
        status: 200,
        description: 'The rows, `Content-Disposition: attachment`, in table order (not sorted, so no warehouse holds them all).',
        other: {
          'text/csv': { description: 'CSV with a header row; cells quoted, text a spreadsheet would run as a formula starts with a quote mark (`format=csv`).', schema: { type: 'string' } },
          'application/vnd.apache.parquet': { description: 'Parquet (`format=parquet`): booleans, integers and doubles typed, every other value as text.', schema: { type: 'string', format: 'binary' } },
        },
        headers: { 'Content-Disposition': DISPOSITION },
      },
    ],
    errors: {
      ...base,
      400: 'Bad query (the field is named), or not a validation run.',
      404: 'The run or the rule does not exist, or the caller cannot read the table.',
      409: 'The rule runs only in a DQX job, or the run’s rules are no longer available.',
      503: E.unavailable,
    },
  },
  {
    ...operation('getValidationReport'),
    tag: 'Runs',
    summary: 'The report of a succeeded validation run as a download: JSON (summary and per-rule results) or CSV (one row per rule).',
    pathParams: [RUN_PARAM],
    query: ReportQuery,
    responses: [
      {
        status: 200,
        description: 'The report, `Content-Disposition: attachment`. CSV cells are quoted and text that a spreadsheet would run as a formula starts with a quote mark.',
        json: { name: 'ValidationReport', schema: R.ValidationReport },
        other: { 'text/csv': { description: 'One row per rule.', schema: csvText } },
        headers: { 'Content-Disposition': DISPOSITION },
      },
    ],
    errors: { ...base, 400: 'Bad query, or not a validation run.', 404: E.runNotFound, 409: 'The run has not succeeded (no results yet).', 503: E.unavailable },
  },
  {
    ...operation('analyzeRules'),
    tag: 'Runs',
    summary: 'The language model’s analysis of a rule set: summary, an explanation per rule, coverage, recommendations and a score (save it as `ai_summary`).',
    body: { description: 'The rules to analyse.', json: { name: 'AnalyzeRulesBody', schema: AnalyzeRulesBody } },
    responses: [{ status: 200, description: 'The analysis.', json: { name: 'RuleAnalysis', schema: R.RuleAnalysis } }],
    errors: {
      ...base,
      400: E.bad,
      404: E.tableNotFound,
      429: llmLimit,
      503: 'No language model is configured, or it failed or answered in the wrong form, or Databricks cannot confirm who the caller is.',
    },
  },
  // ---- Audit ----
  {
    ...operation('listAuditEvents'),
    tag: 'Audit',
    summary: 'The audit trail, newest first: who changed what and when (versions saved, imported, activated and rolled back, publishing settings, publishes, thresholds), with the state before and after.',
    description:
      'The caller sees the events of the tables they can read (checked as the caller, once per table per request) and app-level events only as an admin (local mode: the local user). ' +
      'Pages are keyset pages: pass `next_cursor` (older) or `prev_cursor` (newer) as `cursor` with the same filters and page size; events recorded meanwhile never shift or repeat the events of other pages. ' +
      'A cursor made for other filters, or edited, is refused with 400.',
    query: AuditQuery,
    responses: [{ status: 200, description: 'One page of events and the cursors of the pages around it.', json: { name: 'AuditPage', schema: R.AuditPage } }],
    errors: { ...base, 400: 'Bad query (the field is named), a malformed table name, or a cursor that is not valid for this request.' },
  },
  {
    ...operation('exportAuditEvents'),
    tag: 'Audit',
    summary: 'Every event of the audit trail the caller may see under the filters, newest first, as a CSV or JSON download streamed from the store.',
    query: AuditExportQuery,
    responses: [
      {
        status: 200,
        description: 'The events, `Content-Disposition: attachment`.',
        other: {
          'text/csv': {
            description: 'CSV with a header row (id, occurred_at, actor, action, table_name, target, detail, request_id, before, after; before and after as JSON text); cells quoted, text a spreadsheet would run as a formula starts with a quote mark (`format=csv`).',
            schema: { type: 'string' },
          },
          'application/json': { description: 'A JSON list of events as `GET /api/v1/audit` returns them (`format=json`).', schema: { type: 'array', items: { type: 'object' } } },
        },
        headers: { 'Content-Disposition': DISPOSITION },
      },
    ],
    errors: { ...base, 400: 'Bad query (the field is named), or a malformed table name.' },
  },
  // ---- Governance ----
  {
    ...operation('getTableRights'),
    tag: 'Governance',
    summary: 'What the caller may do with the table (read, steward, admin), why, and who holds it.',
    description: 'Databricks mode: decided in Unity Catalog as the caller (ownership, MODIFY/MANAGE grants, steward and admin groups), remembered for DQX_RIGHTS_CACHE_SECONDS. Local mode: the local user holds every right unless a roles file (DQX_ROLES_FILE) says otherwise.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The rights.', json: { name: 'TableRights', schema: R.TableRights } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('getGovernanceSettings'),
    tag: 'Governance',
    summary: 'The table’s four-eyes setting and steward group.',
    pathParams: [TABLE_PARAM],
    responses: [{ status: 200, description: 'The settings (four eyes off, no group, until saved).', json: { name: 'GovernanceSettings', schema: R.GovernanceSettings } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('saveGovernanceSettings'),
    tag: 'Governance',
    summary: 'Replace the table’s four-eyes setting and steward group (admin right).',
    pathParams: [TABLE_PARAM],
    body: { description: 'The settings.', json: { name: 'GovernanceSettingsBody', schema: GovernanceSettingsBody } },
    responses: [{ status: 200, description: 'The settings as saved.', json: { name: 'GovernanceSettings', schema: R.GovernanceSettings } }],
    errors: { ...base, 400: E.bad, 403: 'The caller is not an admin (the message says so), or a cross-site request.', 404: E.tableNotFound },
  },
  {
    ...operation('listPendingProposals'),
    tag: 'Governance',
    summary: 'Proposals waiting for review on the tables the caller can read, newest first, with whether the caller may review each.',
    responses: [{ status: 200, description: 'Pending proposals.', json: { name: 'PendingProposals', schema: R.PendingProposals } }],
    errors: { ...base },
  },
  {
    ...operation('listProposals'),
    tag: 'Governance',
    summary: 'The table’s proposals, newest first (all, or those with `status`).',
    pathParams: [TABLE_PARAM],
    query: ProposalListQuery,
    responses: [{ status: 200, description: 'Proposals.', json: { name: 'ProposalList', schema: R.ProposalList } }],
    errors: { ...base, 400: E.bad, 404: E.tableNotFound },
  },
  {
    ...operation('getProposal'),
    tag: 'Governance',
    summary: 'One proposal: its semantic diff against the active version, its comments, and what the caller may do with it.',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    responses: [{ status: 200, description: 'The proposal.', json: { name: 'ProposalDetail', schema: R.ProposalDetail } }],
    errors: { ...base, 400: E.bad, 404: E.proposalNotFound },
  },
  {
    ...operation('getProposalImpact'),
    tag: 'Governance',
    summary: 'The impact on the data: the rows of the whole table each added or changed rule would fail, as the caller.',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    responses: [{ status: 200, description: 'Per rule counts, or `message` saying why there are none.', json: { name: 'ProposalImpact', schema: R.ProposalImpact } }],
    errors: { ...base, 400: E.bad, 404: E.proposalNotFound },
  },
  {
    ...operation('approveProposal'),
    tag: 'Governance',
    summary: 'Approve: the proposed version becomes the active version (published where the table says), with an optional comment. Send `{}` for none.',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    body: { description: 'An optional comment.', json: { name: 'ApproveBody', schema: ApproveBody } },
    responses: [{ status: 200, description: 'The approved proposal and the activation.', json: { name: 'ApprovedProposal', schema: R.ApprovedProposal } }],
    errors: {
      ...base,
      400: E.bad,
      403: `${E.steward} With four eyes on: the caller is the proposal’s author.`,
      404: E.proposalNotFound,
      409: 'The proposal is not open (approved, rejected, withdrawn), or it is stale (the active version changed: take a fresh look first), or another change happened at the same time.',
    },
  },
  {
    ...operation('rejectProposal'),
    tag: 'Governance',
    summary: 'Reject with a reason (required).',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    body: { description: 'The reason.', json: { name: 'RejectBody', schema: RejectBody } },
    responses: [{ status: 200, description: 'The rejected proposal.', json: { name: 'Proposal', schema: R.Proposal } }],
    errors: { ...base, 400: 'No reason, or bad input.', 403: E.steward, 404: E.proposalNotFound, 409: 'The proposal is not open.' },
  },
  {
    ...operation('withdrawProposal'),
    tag: 'Governance',
    summary: 'Withdraw a proposal (its author only).',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    responses: [{ status: 200, description: 'The withdrawn proposal.', json: { name: 'Proposal', schema: R.Proposal } }],
    errors: { ...base, 400: E.bad, 403: 'The caller is not its author, or a cross-site request.', 404: E.proposalNotFound, 409: 'The proposal is not open.' },
  },
  {
    ...operation('refreshProposal'),
    tag: 'Governance',
    summary: 'A steward’s fresh look at a stale proposal: the active version becomes its base, so it can be approved.',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    responses: [{ status: 200, description: 'The proposal, no longer stale.', json: { name: 'Proposal', schema: R.Proposal } }],
    errors: { ...base, 400: E.bad, 403: E.steward, 404: E.proposalNotFound, 409: 'The proposal is not open, or not stale.' },
  },
  {
    ...operation('commentOnProposal'),
    tag: 'Governance',
    summary: 'Comment on a proposal (anyone who can read the table).',
    pathParams: [TABLE_PARAM, PROPOSAL_PARAM],
    body: { description: 'The comment.', json: { name: 'CommentBody', schema: CommentBody } },
    responses: [{ status: 201, description: 'The comment.', json: { name: 'ProposalComment', schema: R.ProposalComment } }],
    errors: { ...base, 400: E.bad, 404: E.proposalNotFound },
  },
  {
    ...operation('getOpenApiDocument'),
    tag: 'Meta',
    summary: 'This document.',
    responses: [{ status: 200, description: 'The OpenAPI 3.1 document.', json: { name: 'OpenApiDocument', schema: R.OpenApiDocumentBody } }],
    errors: { ...base },
  },
];
