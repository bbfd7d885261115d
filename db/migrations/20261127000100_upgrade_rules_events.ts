/**
 * The rule-set tables. Frozen: never edit after release; change the schema with a new migration.
 *
 * `dq_rules_events` is the original application's table. This migration first creates it exactly as
 * the original did (a no-op when a database of the original application is being upgraded), then
 * upgrades it in place, so a fresh store and an upgraded one take the same path:
 *
 * 1. every existing row keeps its original values in `metadata.legacy`;
 * 2. `created_at` becomes timestamptz (the original's local timestamps are read in the session's
 *    time zone, i.e. the server default the original application also wrote them in);
 * 3. table names are normalised to lower case, without back-quotes or blanks around the dots;
 * 4. versions that now collide (the same table saved under two spellings) are renumbered: the row
 *    created first keeps its number, later ones are appended after the table's highest number in
 *    order of creation (`metadata.legacy.renumbered = true`);
 * 5. exactly one version per table stays active: the most recently created of the active ones (or,
 *    if none was active, the most recently created), and the database enforces it from then on;
 * 6. `dq_rule_sets` (one row per table: the lock and version counter) and `dq_rule_activations`
 *    (who activated which version when) are created and filled from the upgraded rows.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

import { ORIGINAL_COLUMNS, ORIGINAL_INDEXES, ORIGINAL_TABLE } from '../original-schema';

const LEGACY_APP = 'dq-rule-generator-app';

/** lower(), no back-quotes, no blanks around the dots or at the ends. */
const normalisedName = (column: string) =>
  sql.raw(`lower(regexp_replace(btrim(replace(${column}, '\`', '')), '\\s*\\.\\s*', '.', 'g'))`);

export async function up(db: Kysely<any>): Promise<void> {
  // The original application's DDL, verbatim in substance.
  await sql`CREATE TABLE IF NOT EXISTS ${sql.raw(ORIGINAL_TABLE)} (${sql.raw(ORIGINAL_COLUMNS)})`.execute(db);
  for (const index of ORIGINAL_INDEXES) await sql.raw(index).execute(db);

  // 1. Keep what the original application wrote.
  await sql`
    UPDATE dq_rules_events SET metadata =
      (CASE
         WHEN metadata IS NULL THEN '{}'::jsonb
         WHEN jsonb_typeof(metadata) = 'object' THEN metadata
         ELSE jsonb_build_object('original_metadata', metadata)
       END)
      || jsonb_build_object('legacy', jsonb_build_object(
           'table_name', table_name,
           'version', version,
           'created_at', created_at::text,
           'created_by', created_by,
           'is_active', is_active))`.execute(db);

  await sql`
    ALTER TABLE dq_rules_events
      ADD COLUMN rule_set_fingerprint TEXT,
      ADD COLUMN activated_at TIMESTAMPTZ,
      ADD COLUMN activated_by VARCHAR(255)`.execute(db);

  // 2. Time zones. (Idempotent if the column already is timestamptz.)
  await sql`
    ALTER TABLE dq_rules_events
      ALTER COLUMN created_at TYPE TIMESTAMPTZ USING created_at AT TIME ZONE current_setting('TimeZone')`.execute(db);
  await sql`UPDATE dq_rules_events SET created_at = now() WHERE created_at IS NULL`.execute(db);
  await sql`UPDATE dq_rules_events SET created_by = ${LEGACY_APP} WHERE created_by IS NULL`.execute(db);
  await sql`UPDATE dq_rules_events SET is_active = FALSE WHERE is_active IS NULL`.execute(db);

  // 3 + 4. Normalise names and renumber collisions. The uniqueness constraint is dropped for the
  // duration of the rewrite (a multi-row UPDATE may pass through duplicates) and added back after.
  await sql`ALTER TABLE dq_rules_events DROP CONSTRAINT IF EXISTS dq_rules_events_table_name_version_key`.execute(db);
  await sql`
    WITH named AS (
      SELECT id, version, created_at, table_name AS original_name, ${normalisedName('table_name')} AS name
      FROM dq_rules_events
    ),
    ranked AS (
      SELECT named.*,
             row_number() OVER (
               PARTITION BY name, version
               ORDER BY created_at, (original_name = name) DESC, original_name, id
             ) AS claim
      FROM named
    ),
    kept AS (
      SELECT name, coalesce(max(version) FILTER (WHERE claim = 1 AND version > 0), 0) AS max_kept
      FROM ranked
      GROUP BY name
    ),
    moved AS (
      SELECT r.id,
             k.max_kept + row_number() OVER (
               PARTITION BY r.name ORDER BY r.created_at, r.version, r.original_name, r.id
             ) AS new_version
      FROM ranked r
      JOIN kept k ON k.name = r.name
      WHERE r.claim > 1 OR r.version <= 0
    )
    UPDATE dq_rules_events e SET
      table_name = n.name,
      version = coalesce(m.new_version, e.version),
      metadata = CASE WHEN m.id IS NULL THEN e.metadata
                      ELSE jsonb_set(e.metadata, '{legacy,renumbered}', 'true'::jsonb) END
    FROM named n
    LEFT JOIN moved m ON m.id = n.id
    WHERE e.id = n.id AND (e.table_name <> n.name OR m.id IS NOT NULL)`.execute(db);

  // 5. One active version per table.
  await sql`
    WITH chosen AS (
      SELECT DISTINCT ON (table_name) id, table_name
      FROM dq_rules_events
      ORDER BY table_name, is_active DESC, created_at DESC, version DESC, id
    )
    UPDATE dq_rules_events e SET is_active = (e.id = c.id)
    FROM chosen c
    WHERE e.table_name = c.table_name AND e.is_active IS DISTINCT FROM (e.id = c.id)`.execute(db);
  await sql`UPDATE dq_rules_events SET activated_at = created_at, activated_by = created_by WHERE is_active`.execute(db);

  await sql`
    ALTER TABLE dq_rules_events
      ALTER COLUMN id SET DEFAULT gen_random_uuid(),
      ALTER COLUMN created_at SET NOT NULL,
      ALTER COLUMN created_at SET DEFAULT now(),
      ALTER COLUMN created_by SET NOT NULL,
      ALTER COLUMN is_active SET NOT NULL,
      ALTER COLUMN is_active SET DEFAULT FALSE,
      ADD CONSTRAINT dq_rules_events_table_name_version_key UNIQUE (table_name, version),
      ADD CONSTRAINT dq_rules_events_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      ADD CONSTRAINT dq_rules_events_version_positive CHECK (version > 0),
      ADD CONSTRAINT dq_rules_events_activation_recorded
        CHECK (NOT is_active OR (activated_at IS NOT NULL AND activated_by IS NOT NULL))`.execute(db);

  // The unique (table_name, version) index serves lookups by table; the old partial index is
  // replaced by one that makes a second active version impossible.
  await sql`DROP INDEX IF EXISTS idx_dq_rules_table_name`.execute(db);
  await sql`DROP INDEX IF EXISTS idx_dq_rules_active`.execute(db);
  await sql`CREATE UNIQUE INDEX dq_rules_events_one_active_per_table ON dq_rules_events (table_name) WHERE is_active`.execute(db);

  // 6. Per-table counter/lock row and activation history.
  await sql`
    CREATE TABLE dq_rule_sets (
      table_name VARCHAR(500) PRIMARY KEY
        CONSTRAINT dq_rule_sets_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      last_version INTEGER NOT NULL DEFAULT 0 CHECK (last_version >= 0),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    INSERT INTO dq_rule_sets (table_name, last_version, created_at, updated_at)
    SELECT table_name, max(version), min(created_at), max(created_at)
    FROM dq_rules_events
    GROUP BY table_name`.execute(db);
  await sql`
    ALTER TABLE dq_rules_events
      ADD CONSTRAINT dq_rules_events_rule_set_fkey
      FOREIGN KEY (table_name) REFERENCES dq_rule_sets (table_name)`.execute(db);

  await sql`
    CREATE TABLE dq_rule_activations (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      table_name VARCHAR(500) NOT NULL,
      version INTEGER NOT NULL,
      previous_version INTEGER,
      action TEXT NOT NULL CHECK (action IN ('save', 'activate', 'upgrade')),
      activated_by VARCHAR(255) NOT NULL,
      activated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      CONSTRAINT dq_rule_activations_version_fkey
        FOREIGN KEY (table_name, version) REFERENCES dq_rules_events (table_name, version)
    )`.execute(db);
  await sql`CREATE INDEX dq_rule_activations_table_idx ON dq_rule_activations (table_name, activated_at DESC)`.execute(db);
  await sql`
    INSERT INTO dq_rule_activations (table_name, version, previous_version, action, activated_by, activated_at)
    SELECT table_name, version, NULL, 'upgrade', activated_by, activated_at
    FROM dq_rules_events
    WHERE is_active`.execute(db);
}
