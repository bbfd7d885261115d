/**
 * Governed collaboration (issue 16 items 1 and 2). Frozen: never edit after release.
 *
 * - `dq_governance_settings`: per table, whether "four eyes" is on (a proposal must be approved by
 *   someone other than its author, stewards included) and the table's own steward group;
 * - `dq_proposals`: one proposed version of a table's rule set (a row of `dq_rules_events` that is
 *   not active) and where it is in its review: proposed, approved, rejected or withdrawn, who wrote
 *   and who reviewed it, the reason of a rejection, and the active version it was written (or last
 *   looked at) against (`base_version`): when the active version is another one, the proposal is
 *   stale and cannot be approved until a steward takes a fresh look;
 * - `dq_proposal_comments`: the discussion of a proposal, oldest first.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_governance_settings (
      table_name VARCHAR(500) PRIMARY KEY
        CONSTRAINT dq_governance_settings_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      four_eyes BOOLEAN NOT NULL DEFAULT FALSE,
      steward_group VARCHAR(255),
      updated_by VARCHAR(255) NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dq_proposals (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      table_name VARCHAR(500) NOT NULL,
      version INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
      author VARCHAR(255) NOT NULL,
      base_version INTEGER,
      reviewed_by VARCHAR(255),
      reviewed_at TIMESTAMPTZ,
      reason TEXT CHECK (reason IS NULL OR char_length(reason) <= 2000),
      refreshed_by VARCHAR(255),
      refreshed_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      CONSTRAINT dq_proposals_version_unique UNIQUE (table_name, version),
      CONSTRAINT dq_proposals_version_fkey
        FOREIGN KEY (table_name, version) REFERENCES dq_rules_events (table_name, version),
      CONSTRAINT dq_proposals_rejection_reason CHECK (status <> 'rejected' OR (reason IS NOT NULL AND btrim(reason) <> ''))
    )`.execute(db);
  await sql`CREATE INDEX dq_proposals_status_idx ON dq_proposals (status, created_at DESC)`.execute(db);
  await sql`CREATE INDEX dq_proposals_table_idx ON dq_proposals (table_name, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE dq_proposal_comments (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      proposal_id UUID NOT NULL REFERENCES dq_proposals (id),
      author VARCHAR(255) NOT NULL,
      body TEXT NOT NULL CHECK (btrim(body) <> '' AND char_length(body) <= 4000),
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX dq_proposal_comments_proposal_idx ON dq_proposal_comments (proposal_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS dq_proposal_comments`.execute(db);
  await sql`DROP TABLE IF EXISTS dq_proposals`.execute(db);
  await sql`DROP TABLE IF EXISTS dq_governance_settings`.execute(db);
}
