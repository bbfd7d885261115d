/**
 * Governance settings (`dq_governance_settings`), proposals (`dq_proposals`) and their comments
 * (`dq_proposal_comments`). Plain queries: the service decides and validates.
 */
import { sql } from 'kysely';

import type { GovernanceSettings, Proposal, ProposalComment, ProposalStatus } from '../types';

import type { Db } from './rule-sets';

export async function findGovernanceSettings(db: Db, tableName: string): Promise<GovernanceSettings | undefined> {
  return db.selectFrom('dq_governance_settings').selectAll().where('table_name', '=', tableName).executeTakeFirst();
}

export async function saveGovernanceSettings(
  db: Db,
  values: { tableName: string; fourEyes: boolean; stewardGroup: string | null; by: string },
): Promise<GovernanceSettings> {
  const row = { four_eyes: values.fourEyes, steward_group: values.stewardGroup, updated_by: values.by };
  return db
    .insertInto('dq_governance_settings')
    .values({ table_name: values.tableName, ...row })
    .onConflict((oc) => oc.column('table_name').doUpdateSet({ ...row, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertProposal(
  db: Db,
  values: { tableName: string; version: number; author: string; baseVersion: number | null },
): Promise<Proposal> {
  return db
    .insertInto('dq_proposals')
    .values({ table_name: values.tableName, version: values.version, author: values.author, base_version: values.baseVersion })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findProposal(db: Db, tableName: string, id: string): Promise<Proposal | undefined> {
  return db.selectFrom('dq_proposals').selectAll().where('table_name', '=', tableName).where('id', '=', id).executeTakeFirst();
}

export async function findProposalOfVersion(db: Db, tableName: string, version: number): Promise<Proposal | undefined> {
  return db.selectFrom('dq_proposals').selectAll().where('table_name', '=', tableName).where('version', '=', version).executeTakeFirst();
}

/** The proposal, locked for the rest of the transaction (Postgres; PGlite runs one transaction at a time). */
export async function lockProposal(db: Db, tableName: string, id: string): Promise<Proposal | undefined> {
  return db
    .selectFrom('dq_proposals')
    .selectAll()
    .where('table_name', '=', tableName)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Newest first. */
export async function listProposals(
  db: Db,
  filter: { tableNames: string[]; status?: ProposalStatus; limit: number },
): Promise<Proposal[]> {
  if (filter.tableNames.length === 0) return [];
  let q = db.selectFrom('dq_proposals').selectAll().where('table_name', 'in', filter.tableNames);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.orderBy('created_at', 'desc').limit(filter.limit).execute();
}

/** Tables that have proposals in `status`. */
export async function tablesWithProposals(db: Db, status: ProposalStatus): Promise<string[]> {
  const rows = await db.selectFrom('dq_proposals').select('table_name').distinct().where('status', '=', status).execute();
  return rows.map((r) => r.table_name);
}

export async function updateProposal(
  db: Db,
  id: string,
  values: Partial<Pick<Proposal, 'status' | 'reviewed_by' | 'reviewed_at' | 'reason' | 'base_version' | 'refreshed_by' | 'refreshed_at'>>,
): Promise<Proposal> {
  return db
    .updateTable('dq_proposals')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertComment(db: Db, values: { proposalId: string; author: string; body: string }): Promise<ProposalComment> {
  return db
    .insertInto('dq_proposal_comments')
    .values({ proposal_id: values.proposalId, author: values.author, body: values.body })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Oldest first. */
export async function listComments(db: Db, proposalId: string): Promise<ProposalComment[]> {
  return db.selectFrom('dq_proposal_comments').selectAll().where('proposal_id', '=', proposalId).orderBy('created_at').orderBy('id').execute();
}
