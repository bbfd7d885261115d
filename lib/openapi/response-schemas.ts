/**
 * What every /api/v1 route answers, as zod schemas: the source of the OpenAPI document's response
 * schemas. They mirror the services' DTOs; the API tests validate real responses against the
 * document, so a DTO that drifts from its schema fails a test.
 */
import { z } from 'zod';

import { ERROR_STATUS, type ErrorCode } from '@/lib/errors';

const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp');
const nullableString = z.string().nullable();

// ---- Errors ----

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string().describe('What went wrong, safe to show.'),
      details: z
        .unknown()
        .optional()
        .describe(
          '400: `issues` [{path, message}] for bad input, `errors`/`warnings` (rule issues) for rules that do not validate.',
        ),
      request_id: z.string().optional().describe('The request id (also in the x-request-id header), to quote when reporting a problem.'),
    }),
  })
  .describe('Every error: a status code and this body, never a 200 that carries an error.');

// ---- Catalog ----

const CatalogInfo = z.object({ name: z.string(), comment: nullableString });
const SchemaInfo = z.object({ catalog: z.string(), name: z.string(), comment: nullableString });
const TableInfo = z.object({
  catalog: z.string(),
  schema: z.string(),
  table: z.string(),
  full_name: z.string(),
  kind: z.enum(['table', 'view', 'file']),
  comment: nullableString,
  availability: z
    .object({
      state: z.enum(['preparing', 'failed']),
      progress: z.number().min(0).max(1).nullable().describe('Share done while preparing, 0 to 1.'),
      message: z.string(),
    })
    .optional()
    .describe(
      'Only while the table is listed but cannot be read yet (local mode: the big sample table while it is built in the background). Reading it meanwhile answers 503 with the same object in `error.details.availability`.',
    ),
});
const ColumnInfo = z.object({
  name: z.string(),
  type: z.string().describe('Spark SQL type, lower case.'),
  native_type: z.string(),
  nullable: z.boolean(),
  comment: nullableString,
  position: z.int(),
});

export const CatalogList = z.object({ catalogs: z.array(CatalogInfo) });
export const SchemaList = z.object({ schemas: z.array(SchemaInfo) });
export const TableList = z.object({ tables: z.array(TableInfo) });
export const TableSearch = z.object({ query: z.string(), tables: z.array(TableInfo) });
export const TableDescription = TableInfo.extend({
  columns: z.array(ColumnInfo),
  row_count: z.int().nullable(),
});
export const TableSample = z.object({
  table: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(nullableString)).describe('Every value as display text; SQL NULL as null.'),
  limit: z.int(),
  truncated: z.boolean(),
});

// ---- Rules ----

const DqxCheck = z
  .object({
    criticality: z.enum(['error', 'warn']).optional(),
    check: z.looseObject({
      function: z.string(),
      arguments: z.record(z.string(), z.unknown()).optional(),
      for_each_column: z.array(z.union([z.string(), z.array(z.string())])).optional(),
    }),
    name: z.string().optional(),
    filter: z.string().optional(),
    user_metadata: z.record(z.string(), z.unknown()).optional(),
    message_expr: z.string().optional(),
  })
  .loose()
  .describe('A DQX check in metadata form.');

const RuleIssue = z.looseObject({
  severity: z.enum(['error', 'warning']),
  rule_index: z.int().nullable(),
  rule_name: nullableString,
  field: nullableString,
  code: z.string(),
  message: z.string(),
});

// ---- Rule sets ----

const VersionSummaryShape = {
  id: z.string(),
  table_name: z.string(),
  version: z.int(),
  created_at: timestamp,
  created_by: z.string(),
  is_active: z.boolean(),
  activated_at: timestamp.nullable(),
  activated_by: nullableString,
  user_prompt: nullableString,
  rule_set_fingerprint: nullableString,
  rule_count: z.int().nullable(),
};
const VersionSummary = z.object(VersionSummaryShape);

export const RuleSetVersion = z.object({
  ...VersionSummaryShape,
  rules: z
    .unknown()
    .describe(
      'The DQX checks as saved (a list; versions from the original application may hold other JSON).',
    ),
  ai_summary: z.unknown().describe('The AI analysis saved with the version, or null.'),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  rule_provenance: z
    .array(
      z.object({
        origin: z.enum(['profile', 'model', 'manual', 'imported']),
        edited: z.boolean(),
        evidence: nullableString,
        detail: z.unknown().describe('The evidence as the generation recorded it (profile statistics, or the model), or null.'),
      }),
    )
    .nullable()
    .describe('Where each rule came from, one entry per rule in the same order; null for versions saved without it.'),
});

export const SavedRuleSetVersion = RuleSetVersion.extend({
  previous_active_version: z.int().nullable(),
  warnings: z.array(RuleIssue),
  proposal: z
    .object({ id: z.uuid(), status: z.literal('proposed'), base_version: z.int().nullable() })
    .nullable()
    .describe('Set when the version was saved as a proposal (not active) for a steward to review; null when it became the active version.'),
});

export const RuleSetHistory = z.object({
  table_name: z.string(),
  active_version: z.int().nullable(),
  items: z.array(VersionSummary),
  page: z.int(),
  page_size: z.int(),
  total: z.int(),
  activations: z.array(
    z.object({
      version: z.int(),
      previous_version: z.int().nullable(),
      action: z.enum(['save', 'activate', 'upgrade']),
      activated_by: z.string(),
      activated_at: timestamp,
    }),
  ),
});

export const RuleSetList = z.object({
  items: z.array(
    z.object({
      table_name: z.string(),
      active_version: z.int().nullable(),
      latest_version: z.int(),
      rule_count: z.int().nullable(),
      rule_set_fingerprint: nullableString,
      activated_at: timestamp.nullable(),
      activated_by: nullableString,
      updated_at: timestamp,
      last_run: z
        .object({
          id: z.string(),
          status: z.string(),
          created_at: timestamp,
          finished_at: timestamp.nullable(),
          pass_rate: z.number().nullable(),
          incomplete: z.boolean().describe('The run left rules not evaluated: its pass rate covers the others only.'),
        })
        .nullable(),
    }),
  ),
});

const DiffRule = z.object({
  name: z.string(),
  fingerprint: z.string(),
  criticality: z.string(),
  function: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  filter: nullableString,
  check: DqxCheck,
});

export const RuleSetDiff = z.object({
  table_name: z.string(),
  from: z.object({ version: z.int(), rule_set_fingerprint: nullableString }),
  to: z.object({ version: z.int(), rule_set_fingerprint: nullableString }),
  added: z.array(DiffRule),
  removed: z.array(DiffRule),
  changed: z.array(
    z.object({ name: z.string(), from: DiffRule, to: DiffRule, changed_fields: z.array(z.string()) }),
  ),
  unchanged: z.int(),
});

export const Activated = z.object({
  table_name: z.string(),
  version: z.int(),
  previous_version: z.int().nullable(),
  activated_by: z.string(),
  activated_at: timestamp,
});

// ---- Governance: rights, proposals ----

export const TableRights = z.object({
  table_name: z.string(),
  read: z.boolean(),
  steward: z.boolean().describe('May approve, reject, activate, roll back, publish and change publishing and thresholds.'),
  admin: z.boolean().describe('Steward of every table the caller can read, and may change governance settings.'),
  owner: nullableString.describe('Who holds the table: its owner in Unity Catalog (local mode: the first steward of the roles file).'),
  steward_sources: z.array(z.string()).describe('Why the caller is a steward (ownership, a grant, a group); empty when not.'),
  requirement: z.string().describe('How one becomes a steward of the table.'),
  four_eyes: z.boolean(),
  steward_group: nullableString,
});

export const GovernanceSettings = z.object({
  table_name: z.string(),
  four_eyes: z.boolean().describe('A proposal must be approved by someone other than its author, stewards included; every save is then a proposal.'),
  steward_group: nullableString.describe('Members of this group are stewards of the table (databricks mode), besides DQX_STEWARD_GROUP.'),
  updated_by: nullableString,
  updated_at: timestamp.nullable(),
});

const ProposalShape = {
  id: z.uuid(),
  table_name: z.string(),
  version: z.int(),
  status: z.enum(['proposed', 'approved', 'rejected', 'withdrawn']),
  stale: z.boolean().describe('Proposed, and the active version is no longer the one it was written or last reviewed against: not approvable until a steward takes a fresh look.'),
  author: z.string(),
  base_version: z.int().nullable(),
  active_version: z.int().nullable(),
  reviewed_by: nullableString,
  reviewed_at: timestamp.nullable(),
  reason: nullableString.describe('Why it was rejected.'),
  refreshed_by: nullableString,
  refreshed_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  rule_count: z.int().nullable(),
  user_prompt: nullableString,
};
export const Proposal = z.object(ProposalShape);
export const ProposalComment = z.object({ id: z.uuid(), author: z.string(), body: z.string(), created_at: timestamp });
export const ProposalList = z.object({ table_name: nullableString, items: z.array(Proposal) });
export const PendingProposals = z.object({ items: z.array(Proposal.extend({ can_review: z.boolean() })) });
export const ProposalDetail = Proposal.extend({
  comments: z.array(ProposalComment),
  diff: RuleSetDiff.nullable().describe('Against the active version (`from.version` 0 when none is active); null when the proposal is the active version.'),
  rights: TableRights,
  permissions: z.object({
    can_approve: z.boolean(),
    can_reject: z.boolean(),
    can_withdraw: z.boolean(),
    can_refresh: z.boolean(),
    approve_blocked_by: nullableString,
  }),
});
export const ProposalImpact = z.object({
  table_name: z.string(),
  proposal_id: z.uuid(),
  total_rows: z.int().nullable(),
  rules: z.array(
    z.object({
      name: z.string(),
      change: z.enum(['added', 'changed']),
      rows_evaluated: z.int().nullable(),
      failing_rows: z.int().nullable(),
      failing_share: z.number().nullable(),
      examples: z.array(z.string()),
      message: nullableString,
    }),
  ),
  message: nullableString,
});
export const ApprovedProposal = z.object({ proposal: Proposal, activated: Activated });

export const ChecksFile = z.array(DqxCheck).describe('The version as a DQX checks file (JSON).');

// ---- Publishing ----

const PublishTarget = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('uc_table'), table: z.string().describe('Unity Catalog table `catalog.schema.table` (databricks mode).') }),
    z.object({ kind: z.literal('volume_file'), path: z.string().describe('`/Volumes/<catalog>/<schema>/<volume>/…/<name>.yml|.yaml|.json` (databricks mode).') }),
    z.object({ kind: z.literal('local_file'), format: z.enum(['yaml', 'json']).describe('Local mode: a checks file in `<state folder>/published/files/`.') }),
    z.object({ kind: z.literal('local_table'), table: z.string().describe('Local mode: `schema.table` in `<state folder>/published/checks.duckdb`.') }),
    z.object({
      kind: z.literal('lakebase_table'),
      table: z
        .string()
        .describe(
          'Either mode, when the rule store is Postgres (Lakebase in databricks mode): DQX’s Lakebase checks table `schema.table` in the store’s own database, in a schema of its own, written by the app. DQX reads it with `LakebaseChecksStorageConfig(location="<database>.<schema>.<table>", instance_name=..., run_config_name="<the rule set’s table>")`.',
        ),
    }),
  ])
  .describe('Where the active version is published, in DQX storage format.');

export const PublishSettings = z.object({
  table_name: z.string(),
  auto_publish: z.boolean().describe('Publish on every activation (a save or a rollback).'),
  targets: z.array(PublishTarget),
  updated_by: nullableString,
  updated_at: timestamp.nullable(),
});

const Publication = z.object({
  id: z.string(),
  version: z.int(),
  rule_set_fingerprint: z.string(),
  target: PublishTarget,
  location: nullableString.describe('Where it was written (table name, `database.schema.table` for `lakebase_table`, or file path); null when it failed.'),
  trigger: z.enum(['activation', 'manual']),
  status: z.enum(['published', 'unchanged', 'failed']).describe('`unchanged`: the target already held this rule set as its latest batch.'),
  error: nullableString,
  published_by: z.string(),
  published_at: timestamp,
});

export const PublishResult = z.object({
  table_name: z.string(),
  version: z.int(),
  rule_set_fingerprint: z.string(),
  results: z.array(Publication),
});

export const PublicationHistory = z.object({
  table_name: z.string(),
  active_version: z.int().nullable(),
  active_fingerprint: nullableString,
  auto_publish: z.boolean(),
  lakebase_available: z.boolean().describe('Whether a `lakebase_table` target can be set: the rule store is Postgres, not the embedded PGlite.'),
  targets: z.array(
    z.object({
      target: PublishTarget,
      last_published: Publication.nullable(),
      matches_active: z.boolean().nullable().describe('Whether the last copy written is the active version (fingerprints compared).'),
    }),
  ),
  items: z.array(Publication).describe('Every attempt, newest first (at most 100).'),
});

// ---- Schedules ----

const ScheduleOutputs = z.object({
  valid_table: nullableString.describe('Valid rows (no errors; warnings kept), appended; null: not written.'),
  quarantine_table: nullableString.describe('Rows with errors or warnings, with `_errors` and `_warnings`, appended; null: not written.'),
  metrics_table: nullableString.describe('DQX’s summary metrics in its long format, appended; null: not written.'),
});

export const ScheduleState = z.object({
  table_name: z.string(),
  schedule: z
    .object({
      table_name: z.string(),
      cron: z.string().describe('5-field unix cron, read in `timezone`.'),
      timezone: z.string().describe('IANA time zone.'),
      version: z.number().int().nullable().describe('The version run; null: the active one at each run.'),
      paused: z.boolean(),
      outputs: ScheduleOutputs,
      notify_emails: z.array(z.string()).describe('Who the Databricks job notifies (databricks mode).'),
      next_run_at: timestamp.nullable().describe('The next slot; null when paused.'),
      last_run_at: timestamp.nullable(),
      last_run_id: nullableString.describe('The last scheduled run (a validation run).'),
      last_run_status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).nullable(),
      outputs_status: z.enum(['written', 'failed', 'skipped']).nullable().describe('Whether the last run’s outputs were written; null while the run is unfinished or when there are none.'),
      outputs_message: nullableString,
      external_job_id: nullableString.describe('The schedule’s Databricks job (databricks mode).'),
      created_by: z.string(),
      updated_by: z.string(),
      updated_at: timestamp,
    })
    .nullable()
    .describe('Null: the table has no schedule.'),
  default_outputs: ScheduleOutputs.describe('The outputs a schedule gets when they are omitted.'),
  runs_on: z.enum(['local', 'databricks']).describe('local: the app’s own scheduler; databricks: a Databricks job per schedule.'),
});

// ---- Thresholds, alerts, health ----

const RuleThreshold = z.object({
  rule: z.string().describe('The rule’s name or fingerprint.'),
  min_pass_rate: z.number().min(0).max(1).nullable().describe('The rule’s pass rate must be at least this; null: no minimum.'),
  fail_on_failing_rows: z.boolean().describe('Breach when the rule has any failing row.'),
});

const ThresholdValues = z.object({
  min_pass_rate: z.number().min(0).max(1).nullable().describe('The table’s pass rate must be at least this (0..1); null: no minimum.'),
  fail_on_error_rows: z.boolean().describe('Breach when a run has any error row.'),
  rules: z.array(RuleThreshold),
});

export const Thresholds = ThresholdValues.extend({
  table_name: z.string(),
  webhook: z
    .object({ source: z.enum(['table', 'global', 'none']), origin: nullableString })
    .describe('Where alerts go: the table’s own webhook, DQX_ALERT_WEBHOOK_URL, or nowhere. Only the origin is shown: a webhook’s path often holds its secret.'),
  active: z.boolean().describe('Whether any threshold is set; without one, no run is a breach.'),
  updated_by: nullableString,
  updated_at: timestamp.nullable(),
});

const Breach = z.object({
  scope: z.enum(['table', 'rule']),
  rule: nullableString,
  threshold: z.enum(['min_pass_rate', 'fail_on_error_rows', 'fail_on_failing_rows']),
  limit: z.number().describe('The minimum pass rate, or 0 rows.'),
  actual: z.number().describe('The pass rate, or the error (failing) rows of the run.'),
});

const alertState = z.enum(['ok', 'breach']);

const AlertPayload = z
  .object({
    table: z.string(),
    state: alertState,
    event: z.enum(['breach', 'recovery']),
    run_id: z.string(),
    finished_at: timestamp,
    rule_set_version: z.int().nullable(),
    incomplete: z.boolean().describe('Some rules were not evaluated: the run was judged by the rules it evaluated.'),
    figures: z.object({
      total_rows: z.number(),
      valid_rows: z.number(),
      error_rows: z.number(),
      warning_rows: z.number(),
      pass_rate: z.number(),
      rules_not_evaluated: z.number(),
    }),
    thresholds: ThresholdValues,
    breached: z.array(Breach),
    text: z.string().describe('One line for chat tools (Slack-compatible).'),
  })
  .describe('The JSON body POSTed to the webhook.');

export const AlertHistory = z.object({
  table_name: z.string(),
  state: alertState.describe('After the latest evaluated run; `ok` before any.'),
  items: z
    .array(
      z.object({
        id: z.string(),
        run_id: z.string(),
        state: alertState,
        event: z.enum(['breach', 'recovery']),
        created_at: timestamp,
        delivery: z.enum(['pending', 'sent', 'failed', 'no_webhook']),
        attempts: z.int(),
        delivery_error: nullableString,
        delivered_at: timestamp.nullable(),
        email: z
          .object({
            delivery: z
              .enum(['pending', 'sent', 'failed', 'no_recipients'])
              .describe('`sent`: Databricks accepted the one-time run whose e-mail notification carries the alert; `no_recipients`: the table’s schedule has no `notify_emails`.'),
            recipients: z.array(z.string()).describe('The schedule’s `notify_emails` when the state moved.'),
            attempts: z.int(),
            error: nullableString.describe('Why the e-mail could not be requested (after one retry).'),
            job_run_id: nullableString.describe('The Databricks run that sends the e-mail.'),
            sent_at: timestamp.nullable(),
          })
          .nullable()
          .describe('The e-mail of the alert (databricks mode, through Databricks’ job e-mail notifications); null in local mode.'),
        payload: AlertPayload,
      }),
    )
    .describe('Breaches and recoveries, newest first (at most 100).'),
});

export const AuditEvent = z.object({
  id: z.string().describe('The event’s number (a bigint as text), increasing in the order events were recorded.'),
  occurred_at: timestamp,
  actor: z.string().describe('Who made the change: their user name (e-mail) in databricks mode, the local user in local mode.'),
  action: z
    .string()
    .describe('What happened: version.saved, version.imported, version.activated, version.rolled_back, publishing.settings_changed, published, thresholds.changed (later also proposal.*, schedule.changed, settings.changed).'),
  table_name: nullableString.describe('The table changed; null for app-level events (settings).'),
  target: nullableString.describe('What in the table: `version 3`, the publishing targets, `thresholds`.'),
  before: z.unknown().describe('The state before the change (JSON; null when there was none). URLs show their origin only.'),
  after: z.unknown().describe('The state after the change (JSON). For a publish, the result per target.'),
  request_id: nullableString.describe('The x-request-id of the request that made the change.'),
  detail: nullableString.describe('The change in words.'),
});

export const AuditPage = z.object({
  items: z.array(AuditEvent).describe('Events the caller may see, newest first.'),
  page_size: z.int(),
  next_cursor: nullableString.describe('Pass as `cursor` (with the same filters) for older events; null on the last page.'),
  prev_cursor: nullableString.describe('Pass as `cursor` (with the same filters) for newer events; null on the first page.'),
});

export const TableHealth = z.object({
  table_name: z.string(),
  state: z
    .enum(['ok', 'breach', 'no_run', 'unknown', 'overdue'])
    .describe('no_run: thresholds are set but the table has no run yet (503); unknown: neither thresholds nor a run (200); overdue: the table\u2019s schedule had a slot more than 15 minutes ago and nothing started since (503); a table that breaches stays breach, with `overdue: true`.'),
  healthy: z.boolean(),
  latest_run: z
    .object({
      id: z.string(),
      finished_at: timestamp,
      pass_rate: z.number(),
      error_rows: z.number(),
      incomplete: z.boolean(),
      rule_set_version: z.int().nullable(),
    })
    .nullable(),
  thresholds: ThresholdValues.nullable().describe('Null when no threshold is set.'),
  breached: z.array(Breach),
  overdue: z.boolean().describe('A scheduled run is more than 15 minutes late (also when the state is breach). Local mode only: in databricks mode Databricks runs the schedule and a missed or failed slot shows as a failed or missing job run.'),
});

const monitorStatus = z
  .enum(['breach', 'overdue', 'failed', 'no_run', 'ok'])
  .describe(
    'breach: the latest run breaches the thresholds; overdue: a scheduled run is more than 15 minutes late; failed: the newest run failed or was cancelled; no_run: monitored, never validated; ok.',
  );

export const MonitoringOverview = z.object({
  generated_at: timestamp,
  summary: z
    .object({ breach: z.int(), overdue: z.int(), failed: z.int(), no_run: z.int(), ok: z.int(), total: z.int() })
    .describe('How many tables are in each status.'),
  items: z
    .array(
      z.object({
        table_name: z.string(),
        status: monitorStatus,
        reasons: z.array(z.string()).describe('Why, in words: the thresholds breached, the late slot, the failed run.'),
        thresholds: ThresholdValues.nullable().describe('Null when the table is monitored by its schedule only.'),
        breached: z.array(Breach),
        last_run: z
          .object({
            id: z.string(),
            status: z.enum(['succeeded', 'failed', 'cancelled', 'queued', 'running']),
            trigger: z.enum(['schedule', 'manual']),
            created_at: timestamp,
            finished_at: timestamp.nullable(),
            pass_rate: z.number().nullable(),
            incomplete: z.boolean(),
            rule_set_version: z.int().nullable(),
            error: nullableString,
          })
          .nullable()
          .describe('The newest finished validation run (dry runs aside).'),
        judged_run_id: nullableString.describe('The latest succeeded run: the status, pass rate and failing rules are of this run.'),
        pass_rate: z.number().nullable(),
        schedule: z
          .object({ cron: z.string(), timezone: z.string(), paused: z.boolean(), next_run_at: timestamp.nullable(), last_run_at: timestamp.nullable() })
          .nullable(),
        next_run_at: timestamp.nullable().describe('When the schedule runs next; null without a schedule, or when it is paused.'),
        overdue: z.boolean(),
        pass_rates: z
          .array(z.object({ run_id: z.string(), finished_at: timestamp, pass_rate: z.number(), incomplete: z.boolean() }))
          .describe('The last 20 succeeded runs, oldest first.'),
        failing_rules: z
          .array(
            z.object({
              rule_index: z.int(),
              name: z.string(),
              criticality: z.string(),
              failing_rows: z.int(),
              rows_evaluated: z.int(),
              pass_rate: z.number(),
              threshold_breached: z.boolean(),
            }),
          )
          .describe('Rules with failing rows in the judged run, breached thresholds first (at most 5).'),
        failing_rules_total: z.int(),
        open_alert: z
          .object({ id: z.string(), run_id: z.string(), created_at: timestamp, delivery: z.enum(['pending', 'sent', 'failed', 'no_webhook']) })
          .nullable()
          .describe('The breach alert the table is in, if any.'),
      }),
    )
    .describe('Worst first: breach, overdue, failed, no_run, ok; then the lowest pass rate.'),
});

// ---- Runs ----

const RunSummary = z
  .looseObject({
    total_rows: z.int(),
    valid_rows: z.int(),
    error_rows: z.int(),
    warning_rows: z.int(),
    pass_rate: z.number().min(0).max(1),
    evaluation: z
      .enum(['complete', 'incomplete'])
      .optional()
      .describe('incomplete: some rules were not evaluated, and the counts and pass_rate cover the others only.'),
    not_evaluated: z
      .array(z.object({ index: z.int(), name: z.string(), function: z.string(), reason: z.string() }))
      .optional()
      .describe('Each rule that was not evaluated, with the reason.'),
  })
  .describe(
    'Validation runs: row counts; pass_rate = valid_rows / total_rows (1 for an empty table) over the rules evaluated. Extra keys: rules_total, rules_failed, rules_warning, rules_skipped, rules_not_evaluated, dry_run.',
  );

const RunShape = {
  id: z.uuid(),
  kind: z.enum(['generation', 'validation']),
  table_name: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  evaluation: z
    .enum(['complete', 'incomplete'])
    .nullable()
    .describe(
      'A succeeded validation run: incomplete when some rules were not evaluated (listed in summary.not_evaluated with the reason; pass_rate covers the other rules only). Null for other runs.',
    ),
  progress: z.object({
    percent: z.int().min(0).max(100),
    message: nullableString,
    steps: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
      }),
    ),
  }),
  started_by: z.string(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  updated_at: timestamp,
  engine: z.enum(['local', 'warehouse', 'job']),
  rule_set_version: z.int().nullable(),
  rule_set_fingerprint: nullableString,
  parameters: z.record(z.string(), z.unknown()).describe('What the run was asked to do.'),
  summary: RunSummary.nullable(),
  error: z
    .object({
      code: z.string(),
      message: z.string().describe('What went wrong.'),
      action: z.string().optional().describe('What to do about it.'),
    })
    .nullable(),
  external_id: nullableString.describe('The Databricks job run id of a job run.'),
  cancel_requested: z.boolean(),
  cancel_requested_by: nullableString,
  read_tables: z
    .array(z.string())
    .describe(
      'Every table the run reads: its own first, then those its rules read (reference tables, subqueries). Only callers who can read all of them see the run.',
    ),
};

export const Run = z.object(RunShape);

const Evidence = z.record(z.string(), z.unknown());

const RuleImpact = z
  .object({
    rows_evaluated: z
      .int()
      .nullable()
      .describe('Rows the rule looks at (after its filter); null when it is not counted here.'),
    failing_rows: z.int().nullable().describe('Rows of the whole table the rule would fail.'),
    failing_share: z.number().min(0).max(1).nullable(),
    examples: z.array(z.string()).describe('A few failing values of the rule’s columns, as text.'),
    message: nullableString.describe(
      'Why the rule is not counted here (a check that runs only in a DQX job).',
    ),
  })
  .describe('What the rule would do to the whole table, measured before anything is saved.');

const RuleFlag = z
  .object({
    kind: z.literal('too_strict'),
    message: z.string().describe('How many rows the rule fails.'),
    evidence: z.string().describe('What the whole column looks like, and failing values.'),
    correction: z.object({
      action: z.enum(['replace', 'remove']),
      rule: DqxCheck.nullable().describe('The rule to use instead (replace).'),
      reason: z.string(),
      impact: RuleImpact.nullable().describe('The corrected rule’s own impact.'),
    }),
  })
  .describe(
    'Set when the rule fails more than too_strict_share of the rows: likely too strict, with a suggested correction.',
  );

export const GenerationOutput = z
  .object({
    table_name: z.string(),
    request: z.string(),
    mode: z
      .enum(['recommended', 'dqx'])
      .optional()
      .describe(
        "The generator of the profile rules: 'recommended' (whole table, robust statistics) or 'dqx' (DQX's own profiler and generator).",
      ),
    rules: z.array(
      z.object({
        check: DqxCheck,
        origin: z.enum(['profile', 'model']),
        evidence: Evidence.describe('Profile rules: the statistics behind the rule; model rules: {model}.'),
        impact: RuleImpact.nullable().optional(),
        flag: RuleFlag.nullable().optional(),
      }),
    ),
    dropped_model_rules: z.array(
      z.object({ rule: z.unknown(), reason: z.enum(['invalid', 'duplicate']), errors: z.array(z.string()) }),
    ),
    doubtful_model_rules: z
      .array(
        z.object({
          rule: DqxCheck,
          message: z.string(),
          impact: RuleImpact.nullable(),
          revised: z.boolean(),
        }),
      )
      .optional()
      .describe(
        'Model rules that still fail a large share of the rows after one revision: not in `rules`, shown flagged.',
      ),
    model: z.object({
      configured: z.boolean(),
      name: nullableString,
      reason: nullableString,
      repaired: z.int(),
      reviewed: z
        .int()
        .optional()
        .describe('Model rules sent back once with their impact (too strict, or repeating a profile rule).'),
      revised: z.int().optional().describe('Of those, how many came back acceptable.'),
    }),
    rows_profiled: z.int().min(0).describe('Rows the profile was computed over.'),
    sampling: z.object({
      kind: z.enum(['dqx', 'rows', 'fraction', 'all']),
      filter: nullableString,
      fraction: z.number().nullable(),
      seed: z.int().nullable(),
      limit: z.int().nullable(),
      description: z.string(),
    }),
    profiles: z.array(
      z.object({
        name: z.string(),
        column: z.string(),
        description: nullableString,
        parameters: z.record(z.string(), z.unknown()).nullable(),
        filter: nullableString,
        evidence: Evidence.optional(),
      }),
    ),
    summary_stats: z.record(z.string(), z.record(z.string(), z.unknown())),
    column_stats: z
      .array(
        z.object({
          column: z.string(),
          type: z.string(),
          rows: z.int(),
          nulls: z.int(),
          distinct: z.int().nullable(),
          min: nullableString,
          max: nullableString,
          p01: nullableString,
          median: nullableString,
          p99: nullableString,
          formats: z.record(z.string(), z.number()),
          examples: z.array(z.string()),
        }),
      )
      .optional()
      .describe('The whole-table profile, per column.'),
    column_notes: z
      .array(z.object({ column: z.string(), note: z.string() }))
      .optional()
      .describe('Why a column got no rule of some kind (recommended mode).'),
    impact: z
      .object({
        total_rows: z.int(),
        passing_rows: z.int().describe('Rows no proposed rule fails.'),
        expected_pass_rate: z.number().min(0).max(1),
        rules_flagged: z.int(),
        too_strict_share: z.number(),
        with_corrections: z
          .object({ passing_rows: z.int(), expected_pass_rate: z.number().min(0).max(1) })
          .nullable()
          .describe('The same with every suggested correction accepted (null when no rule is flagged).'),
      })
      .nullable()
      .optional()
      .describe('The proposed rules on the whole table, before anything is saved (null on the job path).'),
    columns: z.array(z.object({ name: z.string(), type: z.string(), comment: nullableString })),
    validation: z.object({ errors: z.array(RuleIssue), warnings: z.array(RuleIssue) }),
    criticality: z.enum(['error', 'warn']),
    engine: z.enum(['local', 'warehouse', 'job']),
    generated_at: timestamp,
  })
  .describe('The output of a succeeded generation run.');

export const ValidationOutput = z
  .object({
    table_name: z.string(),
    rule_set_version: z.int().nullable(),
    rule_set_fingerprint: z.string(),
    dry_run: z.boolean(),
    sample_rows: z.int().nullable(),
    sample_limit: z.int(),
    columns: z
      .array(z.object({ name: z.string(), type: z.string() }))
      .describe('Columns of the sample rows, key columns first.'),
    key_columns: z.array(z.string()),
    rules: z.array(
      z.object({
        index: z.int(),
        name: z.string(),
        function: z.string(),
        criticality: z.enum(['error', 'warn']),
        columns: z.array(z.string()).nullable(),
        filter: nullableString,
        fingerprint: z.string(),
        status: z.enum(['passed', 'failed', 'warning', 'skipped', 'not_evaluated']),
        rows_evaluated: z.int().nullable(),
        failing_rows: z.int().nullable(),
        pass_rate: z.number().nullable(),
        message: nullableString,
        samples: z.array(
          z.object({
            values: z.array(z.unknown()),
            message: nullableString,
            failed_rules: z.array(z.string()),
          }),
        ),
      }),
    ),
    engine: z.enum(['local', 'warehouse', 'job']),
    validated_at: timestamp,
    missing_columns: z
      .enum(['refuse', 'skip'])
      .describe(
        'What applied to rules on missing columns: skip (as DQX: each such rule is skipped and reported on every row with its message) or refuse (draft rules naming a missing column were refused with 400). Absent on runs recorded before it existed.',
      )
      .optional(),
  })
  .describe('The output of a succeeded validation run.');

/** One rule's result in a validation run, as stored with the run. */
const RuleResultShape = {
  rule_name: z.string(),
  rule_fingerprint: z.string(),
  function: z.string(),
  criticality: z.enum(['error', 'warn']),
  rows_evaluated: z.int(),
  failing_rows: z.int(),
};

export const RunDetail = z.object({
  ...RunShape,
  output: z
    .union([GenerationOutput, ValidationOutput, z.null()])
    .describe('What the run produced (null until it succeeds).'),
  rule_results: z.array(z.object({ rule_index: z.int(), ...RuleResultShape, pass_rate: z.number() })),
});

export const RunPage = z.object({
  table_name: z.string(),
  items: z.array(Run),
  page: z.int(),
  page_size: z.int(),
  total: z.int(),
});

export const RulePassRateHistory = z.object({
  table_name: z.string(),
  rule: z.object({ name: z.string().optional(), fingerprint: z.string().optional() }),
  points: z.array(
    z.object({
      run_id: z.string(),
      finished_at: timestamp,
      rule_set_version: z.int().nullable(),
      pass_rate: z.number(),
      incomplete: z.boolean().describe('That run left other rules not evaluated.'),
      ...RuleResultShape,
    }),
  ),
});

const FailingRowsRule = z.object({
  index: z.int().describe('The rule’s position in the run’s per-rule results.'),
  name: z.string(),
  function: z.string(),
  criticality: z.enum(['error', 'warn']),
  columns: z.array(z.string()).nullable(),
  filter: nullableString,
  fingerprint: z.string().describe('DQX `rule_fingerprint`.'),
});

const DqxResultEntry = z
  .object({
    name: z.string(),
    message: nullableString,
    columns: z.array(z.string()).nullable(),
    filter: nullableString,
    function: z.string(),
    run_time: nullableString,
    run_id: nullableString.describe('The run’s id.'),
    user_metadata: z.record(z.string(), z.string().nullable()),
    rule_fingerprint: nullableString,
    rule_set_fingerprint: nullableString,
    skipped: z.boolean().nullable().describe('true when DQX skipped the check (it then fails every row).'),
  })
  .describe('One DQX result entry, every field DQX 0.17 writes, in its order.');

export const FailingRowsPage = z.object({
  run_id: z.string(),
  table_name: z.string(),
  rule: FailingRowsRule.nullable().describe('The rule asked for; null when every rule of the run is read.'),
  rules: z.array(FailingRowsRule).describe('Every rule read (several when rules share the name asked for).'),
  key_columns: z.array(z.string()).describe('The order of the rows; first in `columns`.'),
  failing_columns: z.array(z.string()).describe('Table columns the rules check; right after the key columns in `columns`.'),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(
    z.object({
      values: z.array(z.unknown()).describe('Aligned with columns.'),
      messages: z.array(z.string()),
      errors: z.array(DqxResultEntry).nullable().describe('The row’s `_errors` entries of the rules read.'),
      warnings: z.array(DqxResultEntry).nullable().describe('The row’s `_warnings` entries of the rules read.'),
    }),
  ),
  page: z.int(),
  page_size: z.int(),
  first_row: z.int().describe('1-based position of the page’s first row.'),
  total: z.int().describe('Every failing row (matching `value`), counted on the first page.'),
  pages: z.int(),
  next_cursor: nullableString.describe('Pass as `cursor` for the next page; null on the last page.'),
  value_filter: z.object({ value: z.string(), match: z.enum(['contains', 'equals']) }).nullable(),
  dry_run: z.boolean(),
});

export const ValidationReport = z.object({
  report: z.literal('dqx-validation'),
  run_id: z.string(),
  table_name: z.string(),
  rule_set_version: z.int().nullable(),
  rule_set_fingerprint: nullableString,
  dry_run: z.boolean(),
  sample_rows: z.int().nullable(),
  engine: z.enum(['local', 'warehouse', 'job']),
  started_by: z.string(),
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  evaluation: z.enum(['complete', 'incomplete']).nullable(),
  summary: RunSummary.nullable(),
  rules: z.array(
    z.object({
      name: z.string(),
      function: z.string(),
      criticality: z.enum(['error', 'warn']),
      columns: z.array(z.string()).nullable(),
      filter: nullableString,
      status: z.enum(['passed', 'failed', 'warning', 'skipped', 'not_evaluated']),
      rows_evaluated: z.int().nullable(),
      failing_rows: z.int().nullable(),
      pass_rate: z.number().nullable(),
      message: nullableString,
    }),
  ),
});

export const RuleAnalysis = z.object({
  summary: z.string(),
  rule_analysis: z.array(
    z.object({ rule: z.string(), explanation: z.string(), importance: z.enum(['high', 'medium', 'low']) }),
  ),
  coverage_assessment: z.string(),
  recommendations: z.array(z.string()),
  overall_quality_score: z.int().min(0).max(10),
  model: z.string(),
  generated_at: timestamp,
});

export const OpenApiDocumentBody = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({}),
  paths: z.looseObject({}),
});
