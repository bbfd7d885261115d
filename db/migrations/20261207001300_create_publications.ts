/**
 * Publishing of rule sets to DQX's own storage (issue 15). Frozen: never edit after release.
 *
 * - `dq_publish_settings`: per table, where its active version is published (`targets`, a JSON
 *   array of target objects validated by the service) and whether that happens on every
 *   activation (`auto_publish`);
 * - `dq_publications`: every publish of a version to one target, who asked, when, how it went,
 *   and the fingerprint written, which History compares with the active version.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_publish_settings (
      table_name VARCHAR(500) PRIMARY KEY
        CONSTRAINT dq_publish_settings_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      auto_publish BOOLEAN NOT NULL DEFAULT FALSE,
      targets JSONB NOT NULL DEFAULT '[]'::jsonb
        CONSTRAINT dq_publish_settings_targets_array CHECK (jsonb_typeof(targets) = 'array'),
      updated_by VARCHAR(255) NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dq_publications (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      table_name VARCHAR(500) NOT NULL,
      version INTEGER NOT NULL,
      rule_set_fingerprint TEXT NOT NULL,
      target_kind TEXT NOT NULL CHECK (target_kind IN ('uc_table', 'volume_file', 'local_file', 'local_table')),
      target JSONB NOT NULL,
      location TEXT,
      trigger TEXT NOT NULL CHECK (trigger IN ('activation', 'manual')),
      status TEXT NOT NULL CHECK (status IN ('published', 'unchanged', 'failed')),
      error TEXT,
      published_by VARCHAR(255) NOT NULL,
      published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      CONSTRAINT dq_publications_version_fkey
        FOREIGN KEY (table_name, version) REFERENCES dq_rules_events (table_name, version),
      CONSTRAINT dq_publications_error_when_failed CHECK ((status = 'failed') = (error IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX dq_publications_table_idx ON dq_publications (table_name, published_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS dq_publications`.execute(db);
  await sql`DROP TABLE IF EXISTS dq_publish_settings`.execute(db);
}
