/**
 * The publishing port: where the active version of a table's rule set is written so DQX pipelines
 * load it with `DQEngine.load_checks`, in DQX's own storage formats. One adapter per mode:
 * `local/` (a folder of checks files and a checks table in a local DuckDB file) and `databricks/`
 * (a Unity Catalog checks table through the SQL warehouse and a checks file in a volume through the
 * Files API, both AS THE CALLER, so Unity Catalog decides what they may write); and, in either
 * mode when the rule store is Postgres, `lakebase/` (DQX's Lakebase checks table in the store's own
 * database, written by the app).
 *
 * Targets are plain data, validated by the service's zod schemas before they reach an adapter.
 */
import type { DqxCheck } from '@/lib/dqx';

export type PublishTarget =
  /** Databricks: a Delta table in DQX's checks-table format (`TableChecksStorageConfig`). */
  | { kind: 'uc_table'; table: string }
  /** Databricks: a YAML or JSON checks file in a Unity Catalog volume (`VolumeFileChecksStorageConfig`). */
  | { kind: 'volume_file'; path: string }
  /** Local: a checks file in the state folder's `published/` folder (`FileChecksStorageConfig`). */
  | { kind: 'local_file'; format: 'yaml' | 'json' }
  /** Local: DQX's checks table `schema.table` in the DuckDB file `published/checks.duckdb`. */
  | { kind: 'local_table'; table: string }
  /**
   * Either mode, when the rule store is Postgres: DQX's Lakebase checks table `schema.table`
   * (`LakebaseChecksStorageConfig`) in the store's own database, written by the app (lakebase/).
   */
  | { kind: 'lakebase_table'; table: string };

export type PublishTargetKind = PublishTarget['kind'];

export interface PublishRequest {
  /** The rule set's table (catalog.schema.table), which is also the DQX `run_config_name`. */
  tableName: string;
  version: number;
  fingerprint: string;
  checks: DqxCheck[];
}

export interface PublishOutcome {
  /** `unchanged`: the target already held this rule set as its latest batch; nothing was written. */
  status: 'published' | 'unchanged';
  /** Where it is, as a DQX storage config names it (table name or file path). */
  location: string;
}

export interface Publisher {
  publish(target: PublishTarget, request: PublishRequest): Promise<PublishOutcome>;
}
