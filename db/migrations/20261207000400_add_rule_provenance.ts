/**
 * Where each rule of a version came from, kept beside the rules. Frozen: never edit after release.
 *
 * `rule_provenance` is a JSON array aligned with `rules` (entry i describes rule i): the rule's
 * origin (profile, model, manual, imported, dqx_job), whether it was edited by hand after it was
 * generated or imported, and the evidence behind it (the profile statistics, or the model that
 * proposed it). It is a column of its own, not part of the rules, so `rules` stays exactly the DQX
 * checks a pipeline loads, and nothing is added to a rule's `user_metadata` (which DQX copies into
 * every result row of that rule). Versions saved before this migration have none (NULL).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dq_rules_events
      ADD COLUMN rule_provenance JSONB,
      ADD CONSTRAINT dq_rules_events_rule_provenance_aligned CHECK (
        rule_provenance IS NULL
        OR (jsonb_typeof(rule_provenance) = 'array'
            AND jsonb_typeof(rules) = 'array'
            AND jsonb_array_length(rule_provenance) = jsonb_array_length(rules)))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE dq_rules_events DROP CONSTRAINT IF EXISTS dq_rules_events_rule_provenance_aligned`.execute(
    db,
  );
  await sql`ALTER TABLE dq_rules_events DROP COLUMN IF EXISTS rule_provenance`.execute(db);
}
