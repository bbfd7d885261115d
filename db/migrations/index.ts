/**
 * Every migration, in order. Listed statically (not read from the folder at run time) so the
 * migrations are bundled with the Next.js server and run the same from tsx and vitest.
 * A new migration is a new file here, named `<timestamp>_<verb_noun>.ts`, and one line below.
 */
import type { Migration } from 'kysely';

import * as upgradeRulesEvents from './20261127000100_upgrade_rules_events';
import * as createRuns from './20261127000200_create_runs';
import * as recordRunOwners from './20261207000200_record_run_owners';
import * as addRuleProvenance from './20261207000400_add_rule_provenance';
import * as recordRunReadTables from './20261207000700_record_run_read_tables';
import * as createPublications from './20261207001300_create_publications';
import * as createAlerting from './20261207001400_create_alerting';
import * as createSchedules from './20261207001500_create_schedules';
import * as createProposals from './20261207001800_create_proposals';
import * as createAuditEvents from './20261207001900_create_audit_events';
import * as allowLakebasePublishTarget from './20261207002100_allow_lakebase_publish_target';
import * as recordAlertEmails from './20261207002200_record_alert_emails';

export const migrations: Record<string, Migration> = {
  '20261127000100_upgrade_rules_events': upgradeRulesEvents,
  '20261127000200_create_runs': createRuns,
  '20261207000200_record_run_owners': recordRunOwners,
  '20261207000400_add_rule_provenance': addRuleProvenance,
  '20261207000700_record_run_read_tables': recordRunReadTables,
  '20261207001300_create_publications': createPublications,
  '20261207001400_create_alerting': createAlerting,
  '20261207001500_create_schedules': createSchedules,
  '20261207001800_create_proposals': createProposals,
  '20261207001900_create_audit_events': createAuditEvents,
  '20261207002100_allow_lakebase_publish_target': allowLakebasePublishTarget,
  '20261207002200_record_alert_emails': recordAlertEmails,
};
