/**
 * Table types of the rule store, written once to match `db/migrations` (the migrations are the
 * source of truth; a change there needs the same change here).
 *
 * JSONB columns are read as parsed values and written as JSON text (`JSON.stringify`), because the
 * `pg` driver would otherwise send a JavaScript array as a Postgres array.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamptz: read as a Date, written as a Date or ISO text, defaulted by the database. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** One version of a table's rule set (the original application's table, upgraded). */
export interface RulesEventTable {
  id: Generated<string>;
  /** Normalised lower-case three-part name `catalog.schema.table`. */
  table_name: string;
  version: number;
  /** DQX checks in the metadata form, as saved. */
  rules: Json<unknown>;
  user_prompt: string | null;
  ai_summary: NullableJson<unknown>;
  created_at: Timestamp;
  created_by: string;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  metadata: NullableJson<Record<string, unknown>>;
  /** Null only for upgraded rows whose rules are not valid DQX checks. */
  rule_set_fingerprint: string | null;
  activated_at: NullableTimestamp;
  activated_by: string | null;
  /** Where each rule came from, aligned with `rules`; null for versions saved without it. */
  rule_provenance: NullableJson<unknown[]>;
}

/** One row per table that has rule sets: the lock and version counter of that table. */
export interface RuleSetTable {
  table_name: string;
  last_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ActivationAction = 'save' | 'activate' | 'upgrade';

/** Every change of a table's active version: who, when, from which version to which. */
export interface RuleActivationTable {
  id: Generated<string>;
  table_name: string;
  version: number;
  previous_version: number | null;
  action: ActivationAction;
  activated_by: string;
  activated_at: Timestamp;
}

export type RunKind = 'generation' | 'validation';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type RunEngine = 'local' | 'warehouse' | 'job';

export interface RunProgressStep {
  key: string;
  label: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
}

export interface RunSummary {
  total_rows: number;
  valid_rows: number;
  /** Rows with at least one error-level failure. */
  error_rows: number;
  /** Rows with warnings but no error. */
  warning_rows: number;
  /** valid_rows / total_rows, between 0 and 1 (1 for an empty table). */
  pass_rate: number;
  [extra: string]: unknown;
}

export interface RunError {
  code: string;
  /** What went wrong, safe to show. */
  message: string;
  /** What the user can do about it. */
  action?: string;
}

export interface RunTable {
  id: Generated<string>;
  kind: RunKind;
  table_name: string;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  progress_percent: ColumnType<number, number | undefined, number>;
  progress_message: string | null;
  progress_steps: ColumnType<RunProgressStep[], string | undefined, string>;
  started_by: string;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
  engine: RunEngine;
  rule_set_version: number | null;
  rule_set_fingerprint: string | null;
  parameters: ColumnType<Record<string, unknown>, string | undefined, string>;
  summary: NullableJson<RunSummary>;
  error: NullableJson<RunError>;
  /** What the run produced for the UI (generated rules, failing-row samples); bounded by the service. */
  output: NullableJson<unknown>;
  /** The Jobs API run id of a job run. */
  external_id: string | null;
  cancel_requested: ColumnType<boolean, boolean | undefined, boolean>;
  cancel_requested_at: NullableTimestamp;
  cancel_requested_by: string | null;
  /** The runner instance (app process) executing the run; null until one takes it. */
  owner_id: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * Every table the run reads (its own and those its rules read), as full names; shown only to
   * callers who can read all of them. Null for runs recorded before the app kept this.
   */
  read_tables: ColumnType<string[] | null, string | null | undefined, string | null>;
}

/** A runner instance: one app process that executes runs, with the heartbeat it refreshes while it lives. */
export interface RunOwnerTable {
  id: string;
  host: string;
  pid: number;
  process_started_at: Timestamp;
  started_at: ColumnType<Date, Date | string | undefined, never>;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RunRuleResultTable {
  run_id: string;
  /** Position of the rule after for_each_column expansion. */
  rule_index: number;
  rule_name: string;
  rule_fingerprint: string;
  function: string;
  criticality: 'error' | 'warn';
  rows_evaluated: number;
  failing_rows: number;
  /** 1 - failing_rows / rows_evaluated (1 when nothing was evaluated). */
  pass_rate: number;
}

export type PublicationStatus = 'published' | 'unchanged' | 'failed';
export type PublicationTrigger = 'activation' | 'manual';

/** Where a table's active version is published, and whether on every activation. */
export interface PublishSettingsTable {
  table_name: string;
  auto_publish: ColumnType<boolean, boolean | undefined, boolean>;
  /** Publishing targets (lib/publish/port.ts `PublishTarget`), validated by the service. */
  targets: Json<unknown[]>;
  updated_by: string;
  updated_at: Timestamp;
}

/** One publish of one version to one target. */
export interface PublicationTable {
  id: Generated<string>;
  table_name: string;
  version: number;
  rule_set_fingerprint: string;
  target_kind: string;
  target: Json<Record<string, unknown>>;
  location: string | null;
  trigger: PublicationTrigger;
  status: PublicationStatus;
  /** Why it failed, safe to show; null unless failed. */
  error: string | null;
  published_by: string;
  published_at: Timestamp;
}

/** A threshold on one rule of a table, by the rule's name or fingerprint (lib/services/alerting-schemas.ts). */
export interface RuleThreshold {
  rule: string;
  min_pass_rate: number | null;
  fail_on_failing_rows: boolean;
}

/** What a table's finished validation runs are held to, and where its alerts go. */
export interface AlertSettingsTable {
  table_name: string;
  /** The table's pass rate must be at least this (0..1); null: no minimum. */
  min_pass_rate: number | null;
  /** Breach when a run has any error row. */
  fail_on_error_rows: ColumnType<boolean, boolean | undefined, boolean>;
  rule_thresholds: Json<RuleThreshold[]>;
  /** The table's webhook; null: DQX_ALERT_WEBHOOK_URL. Never returned whole (it can hold a secret). */
  webhook_url: string | null;
  updated_by: string;
  updated_at: Timestamp;
}

export type AlertStateValue = 'ok' | 'breach';

export interface AlertStateTable {
  table_name: string;
  state: AlertStateValue;
  run_id: string | null;
  run_finished_at: NullableTimestamp;
  changed_at: Timestamp;
}

export type AlertDelivery = 'pending' | 'sent' | 'failed' | 'no_webhook';

/** `sent`: Databricks accepted the one-time run that e-mails the recipients; `no_recipients`: the table's schedule has none. */
export type AlertEmailDelivery = 'pending' | 'sent' | 'failed' | 'no_recipients';

/** One breach or recovery of a table, with what was sent. */
export interface AlertTable {
  id: Generated<string>;
  table_name: string;
  run_id: string;
  state: AlertStateValue;
  payload: Json<Record<string, unknown>>;
  delivery: ColumnType<AlertDelivery, AlertDelivery | undefined, AlertDelivery>;
  attempts: ColumnType<number, number | undefined, number>;
  /** Why the delivery failed, safe to show (never the URL). */
  delivery_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
  /** The e-mail to the schedule's recipients (databricks mode); null: no e-mail in this mode. */
  email_delivery: ColumnType<AlertEmailDelivery | null, AlertEmailDelivery | null | undefined, AlertEmailDelivery | null>;
  email_recipients: ColumnType<string[], string | undefined, string>;
  email_attempts: ColumnType<number, number | undefined, number>;
  /** Why the e-mail could not be requested, safe to show. */
  email_error: string | null;
  /** The Databricks one-time run whose e-mail notification carries the alert. */
  email_job_run_id: string | null;
  emailed_at: NullableTimestamp;
}

/**
 * One change in the audit trail (issue 16). Append-only: the database refuses UPDATE, DELETE and
 * TRUNCATE. `id` is a bigint (read as text).
 */
export interface AuditEventTable {
  id: ColumnType<string, never, never>;
  occurred_at: ColumnType<Date, never, never>;
  actor: string;
  /** `version.saved`, `published`, `thresholds.changed`, ... (lib/services/audit.ts AUDIT_ACTIONS). */
  action: string;
  /** Null for app-level events (settings). */
  table_name: ColumnType<string | null, string | null | undefined, never>;
  target: ColumnType<string | null, string | null | undefined, never>;
  before: NullableJson<unknown>;
  after: NullableJson<unknown>;
  request_id: ColumnType<string | null, string | null | undefined, never>;
  detail: ColumnType<string | null, string | null | undefined, never>;
}

export type ScheduleOutputsStatus = 'written' | 'failed' | 'skipped';

/** When a table's rule set runs by itself, and where its outputs go (lib/services/schedules.ts). */
export interface ScheduleTable {
  table_name: string;
  /** 5-field unix cron, read in `timezone`. */
  cron: string;
  /** IANA time zone. */
  timezone: string;
  /** The version to run; null: the active one at each run. */
  version: number | null;
  paused: ColumnType<boolean, boolean | undefined, boolean>;
  valid_table: string | null;
  quarantine_table: string | null;
  metrics_table: string | null;
  /** Who the Databricks job notifies (databricks mode only). */
  notify_emails: ColumnType<string[], string | undefined, string>;
  /** The schedule's Databricks job (databricks mode). */
  external_job_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The latest slot claimed (a run started for it); a slot is claimed only when later than this. */
  last_slot: NullableTimestamp;
  next_run_at: NullableTimestamp;
  last_run_id: ColumnType<string | null, string | null | undefined, string | null>;
  last_run_at: NullableTimestamp;
  /** A scheduled run whose outputs are still to be written (once it has finished). */
  outputs_run_id: ColumnType<string | null, string | null | undefined, string | null>;
  outputs_status: ColumnType<ScheduleOutputsStatus | null, ScheduleOutputsStatus | null | undefined, ScheduleOutputsStatus | null>;
  outputs_message: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
}

/** Per table: "four eyes" and the table's own steward group (lib/services/rights.ts). */
export interface GovernanceSettingsTable {
  table_name: string;
  four_eyes: ColumnType<boolean, boolean | undefined, boolean>;
  steward_group: string | null;
  updated_by: string;
  updated_at: Timestamp;
}

export type ProposalStatus = 'proposed' | 'approved' | 'rejected' | 'withdrawn';

/** A proposed version of a table's rule set and its review (lib/services/proposals.ts). */
export interface ProposalTable {
  id: Generated<string>;
  table_name: string;
  version: number;
  status: ColumnType<ProposalStatus, ProposalStatus | undefined, ProposalStatus>;
  author: string;
  /** The active version when it was proposed, or when a steward last took a fresh look; null: none was active. */
  base_version: number | null;
  reviewed_by: string | null;
  reviewed_at: NullableTimestamp;
  reason: string | null;
  refreshed_by: string | null;
  refreshed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProposalCommentTable {
  id: Generated<string>;
  proposal_id: string;
  author: string;
  body: string;
  created_at: Timestamp;
}

export interface Database {
  dq_rules_events: RulesEventTable;
  dq_rule_sets: RuleSetTable;
  dq_rule_activations: RuleActivationTable;
  dq_runs: RunTable;
  dq_run_rule_results: RunRuleResultTable;
  dq_run_owners: RunOwnerTable;
  dq_publish_settings: PublishSettingsTable;
  dq_publications: PublicationTable;
  dq_alert_settings: AlertSettingsTable;
  dq_alert_state: AlertStateTable;
  dq_alerts: AlertTable;
  dq_audit_events: AuditEventTable;
  dq_schedules: ScheduleTable;
  dq_governance_settings: GovernanceSettingsTable;
  dq_proposals: ProposalTable;
  dq_proposal_comments: ProposalCommentTable;
}

export type RulesEvent = Selectable<RulesEventTable>;
export type NewRulesEvent = Insertable<RulesEventTable>;
export type RuleActivation = Selectable<RuleActivationTable>;
export type Run = Selectable<RunTable>;
export type NewRun = Insertable<RunTable>;
export type RunUpdate = Updateable<RunTable>;
export type RunRuleResult = Selectable<RunRuleResultTable>;
export type RunOwner = Selectable<RunOwnerTable>;
export type PublishSettings = Selectable<PublishSettingsTable>;
export type Publication = Selectable<PublicationTable>;
export type NewPublication = Insertable<PublicationTable>;
export type AlertSettings = Selectable<AlertSettingsTable>;
export type AlertState = Selectable<AlertStateTable>;
export type Alert = Selectable<AlertTable>;
export type AuditEvent = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
export type Schedule = Selectable<ScheduleTable>;
export type GovernanceSettings = Selectable<GovernanceSettingsTable>;
export type Proposal = Selectable<ProposalTable>;
export type ProposalComment = Selectable<ProposalCommentTable>;
