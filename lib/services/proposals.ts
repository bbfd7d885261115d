/**
 * Proposals and their review (issue 16 item 2, docs/governance.md). A save by a caller who is not a
 * steward of the table (or any save when the table has "four eyes" on, or one asking for it) is a
 * proposed version (./rule-sets.ts `saveRuleSet`). A steward reviews it against the active version:
 * the semantic diff, the rows each added or changed rule would fail, and the comments; then
 * approves it (it becomes the active version, published where the table says) or rejects it with a
 * reason. Its author can withdraw it. With four eyes on, its author cannot approve it, stewards
 * included.
 *
 * A proposal is stale when the active version is no longer the one it was written (or last looked
 * at) against; a stale proposal cannot be approved until a steward takes a fresh look
 * (`refreshProposal`), which makes the active version its new base.
 *
 * Every change of state is one function here, in one transaction: `approveProposal`,
 * `rejectProposal`, `withdrawProposal`, `refreshProposal`, `commentOnProposal` (and
 * `saveGovernanceSettings` for a table's settings).
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { expandChecks, type DqxCheck } from '@/lib/dqx';
import { conflict, forbidden, notFound } from '@/lib/errors';
import { getWarehouse } from '@/lib/warehouse';
import { quoteQualified } from '@/lib/sql/quote';
import type { Proposal, ProposalComment, ProposalStatus } from '@/db';
import * as proposals from '@/db/repositories/proposals';
import * as repo from '@/db/repositories/rule-sets';

import { recordAudit } from './audit';
import { measureImpact, type RuleImpact } from './generation-impact';
import type { ApproveInput, CommentInput, GovernanceSettingsInput, RejectInput } from './proposal-schemas';
import { notifyProposal, type ProposalEvent } from './proposal-notifications';
import { publishAfterActivation, type PublishDeps } from './publishing';
import { assertRightOnReadable, forgetRights, refusal, rightsOfReadable, type TableRights } from './rights';
import {
  activateInTransaction,
  diffRuleSetVersions,
  inActivationTransaction,
  type Activated,
  type DiffRule,
  type RuleSetDiff,
} from './rule-sets';
import { mapLimited, resolveDeps, type StoreDeps } from './store-deps';
import { schemaOf } from './table-schema';
import { referenceSchemas } from './validation';

export interface ProposalDto {
  id: string;
  table_name: string;
  version: number;
  status: ProposalStatus;
  /** Proposed, and the active version is no longer the one it was written or last reviewed against. */
  stale: boolean;
  author: string;
  /** The active version it was written (or last looked at) against; null: none was active. */
  base_version: number | null;
  /** The table's active version now. */
  active_version: number | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  /** Why it was rejected. */
  reason: string | null;
  refreshed_by: string | null;
  refreshed_at: string | null;
  created_at: string;
  updated_at: string;
  rule_count: number | null;
  user_prompt: string | null;
}

export interface ProposalCommentDto {
  id: string;
  author: string;
  body: string;
  created_at: string;
}

/** What the caller may do with a proposal now, and why not. */
export interface ProposalPermissions {
  can_approve: boolean;
  can_reject: boolean;
  can_withdraw: boolean;
  can_refresh: boolean;
  /** Why approving is not possible now (null when it is). */
  approve_blocked_by: string | null;
}

export interface ProposalDetail extends ProposalDto {
  comments: ProposalCommentDto[];
  /** The rules against the active version (the empty set when none is active). */
  diff: RuleSetDiff | null;
  rights: TableRights;
  permissions: ProposalPermissions;
}

export interface RuleImpactDto extends RuleImpact {
  name: string;
  change: 'added' | 'changed';
}

export interface ProposalImpact {
  table_name: string;
  proposal_id: string;
  total_rows: number | null;
  /** One entry per added or changed rule: the rows it would fail on the whole table. */
  rules: RuleImpactDto[];
  /** Why there are no counts (null when there are). */
  message: string | null;
}

export interface ProposalList {
  table_name: string | null;
  items: ProposalDto[];
}

export interface GovernanceSettingsDto {
  table_name: string;
  four_eyes: boolean;
  steward_group: string | null;
  updated_by: string | null;
  updated_at: string | null;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

function proposalDto(
  row: Proposal,
  activeVersion: number | null,
  version?: { rules: unknown; user_prompt: string | null },
): ProposalDto {
  return {
    id: row.id,
    table_name: row.table_name,
    version: row.version,
    status: row.status,
    stale: row.status === 'proposed' && row.base_version !== activeVersion,
    author: row.author,
    base_version: row.base_version,
    active_version: activeVersion,
    reviewed_by: row.reviewed_by,
    reviewed_at: isoOrNull(row.reviewed_at),
    reason: row.reason,
    refreshed_by: row.refreshed_by,
    refreshed_at: isoOrNull(row.refreshed_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    rule_count: version && Array.isArray(version.rules) ? version.rules.length : null,
    user_prompt: version?.user_prompt ?? null,
  };
}

const commentDto = (c: ProposalComment): ProposalCommentDto => ({
  id: c.id,
  author: c.author,
  body: c.body,
  created_at: iso(c.created_at),
});

async function readable(caller: Caller, table: string, deps?: StoreDeps) {
  const { db, access } = await resolveDeps(deps);
  return { db, table: await access.assertCanReadTable(caller, table) };
}

async function loadProposal(db: repo.Db, tableName: string, id: string): Promise<Proposal> {
  const row = await proposals.findProposal(db, tableName, id);
  if (!row) throw notFound(`Proposal ${id} of ${tableName} does not exist.`);
  return row;
}

function permissionsOf(caller: Caller, p: ProposalDto, rights: TableRights): ProposalPermissions {
  const open = p.status === 'proposed';
  let blocked: string | null = null;
  if (!open) blocked = `It is ${p.status}.`;
  else if (!rights.steward) blocked = `Approving needs the steward right (${rights.requirement}).`;
  else if (rights.four_eyes && p.author === caller.id)
    blocked = 'Four eyes is on for this table: someone other than its author must approve it.';
  else if (p.stale)
    blocked = `The active version changed (now ${p.active_version === null ? 'none' : `version ${p.active_version}`}) since it was written against ${p.base_version === null ? 'no active version' : `version ${p.base_version}`}: take a fresh look first.`;
  return {
    can_approve: blocked === null,
    can_reject: open && rights.steward,
    can_withdraw: open && p.author === caller.id,
    can_refresh: open && rights.steward && p.stale,
    approve_blocked_by: blocked,
  };
}

/** A table's proposals, newest first (all, or those in `status`). */
export async function listTableProposals(
  caller: Caller,
  table: string,
  filter: { status?: ProposalStatus },
  deps?: StoreDeps,
): Promise<ProposalList> {
  const { db, table: t } = await readable(caller, table, deps);
  const [rows, active] = await Promise.all([
    proposals.listProposals(db, { tableNames: [t.name], status: filter.status, limit: 200 }),
    repo.findActiveVersion(db, t.name),
  ]);
  const versions = await Promise.all(rows.map((r) => repo.findVersion(db, r.table_name, r.version)));
  return {
    table_name: t.name,
    items: rows.map((r, i) => proposalDto(r, active?.version ?? null, versions[i])),
  };
}

/** Proposals waiting for review on tables the caller can read, newest first, with whether they may review each. */
export async function listPendingProposals(
  caller: Caller,
  deps?: StoreDeps,
): Promise<(ProposalDto & { can_review: boolean })[]> {
  const { db, access } = await resolveDeps(deps);
  const names = await proposals.tablesWithProposals(db, 'proposed');
  const readableNames = (
    await mapLimited(names, 8, async (n) => ((await access.canReadTable(caller, n)) ? n : null))
  ).filter((n): n is string => n !== null);
  if (readableNames.length === 0) return [];
  const rows = await proposals.listProposals(db, {
    tableNames: readableNames,
    status: 'proposed',
    limit: 100,
  });
  const stewardOf = new Map<string, boolean>();
  for (const name of readableNames) {
    const t = await access.assertCanReadTable(caller, name);
    stewardOf.set(name, (await rightsOfReadable(caller, t, deps)).steward);
  }
  const out: (ProposalDto & { can_review: boolean })[] = [];
  for (const r of rows) {
    const [active, version] = await Promise.all([
      repo.findActiveVersion(db, r.table_name),
      repo.findVersion(db, r.table_name, r.version),
    ]);
    out.push({
      ...proposalDto(r, active?.version ?? null, version),
      can_review: stewardOf.get(r.table_name) ?? false,
    });
  }
  return out;
}

/** One proposal with its comments, its diff against the active version and what the caller may do. */
export async function getProposal(
  caller: Caller,
  table: string,
  id: string,
  deps?: StoreDeps,
): Promise<ProposalDetail> {
  const { db, table: t } = await readable(caller, table, deps);
  const row = await loadProposal(db, t.name, id);
  const [active, version, comments, rights] = await Promise.all([
    repo.findActiveVersion(db, t.name),
    repo.findVersion(db, t.name, row.version),
    proposals.listComments(db, row.id),
    rightsOfReadable(caller, t, deps),
  ]);
  const dto = proposalDto(row, active?.version ?? null, version);
  let diff: RuleSetDiff | null = null;
  if (active && active.version !== row.version) {
    diff = await diffRuleSetVersions(caller, t.name, active.version, row.version, deps);
  } else if (!active) {
    // Nothing is active: every rule of the proposal is new (`from.version` 0: no version).
    diff = {
      table_name: t.name,
      from: { version: 0, rule_set_fingerprint: null },
      to: { version: row.version, rule_set_fingerprint: version?.rule_set_fingerprint ?? null },
      added: expandedRulesOf(version?.rules),
      removed: [],
      changed: [],
      unchanged: 0,
    };
  }
  return {
    ...dto,
    comments: comments.map(commentDto),
    diff,
    rights,
    permissions: permissionsOf(caller, dto, rights),
  };
}

/** The rules of a version after for_each_column expansion, as a diff lists them. */
function expandedRulesOf(rules: unknown): DiffRule[] {
  if (!Array.isArray(rules)) return [];
  try {
    return expandChecks(rules as DqxCheck[]).map((r) => ({
      name: r.name,
      fingerprint: r.fingerprint,
      criticality: r.criticality,
      function: r.function,
      arguments: r.arguments,
      filter: r.filter,
      check: r.check,
    }));
  } catch {
    return [];
  }
}

/**
 * The impact on the data: the rows of the whole table each added or changed rule would fail,
 * measured in one scan on the caller's own warehouse (./generation-impact.ts).
 */
export async function proposalImpact(
  caller: Caller,
  table: string,
  id: string,
  deps?: StoreDeps,
): Promise<ProposalImpact> {
  const detail = await getProposal(caller, table, id, deps);
  const { table: t } = await readable(caller, table, deps);
  const rules = [
    ...(detail.diff?.added ?? []).map((r) => ({ rule: r, change: 'added' as const })),
    ...(detail.diff?.changed ?? []).map((c) => ({ rule: c.to, change: 'changed' as const })),
  ];
  const base = { table_name: t.name, proposal_id: id };
  if (rules.length === 0)
    return { ...base, total_rows: null, rules: [], message: 'No rule was added or changed.' };
  const wh = getWarehouse(caller);
  const checks = rules.map((r) => r.rule.check);
  try {
    const measured = await measureImpact(
      wh,
      quoteQualified(wh.dialect, [t.ref.catalog, t.ref.schema, t.ref.table]),
      schemaOf(t.name, t.description.columns),
      checks,
      { referenceTables: await referenceSchemas(wh, checks) },
    );
    if (!measured)
      return {
        ...base,
        total_rows: null,
        rules: [],
        message: 'The rules could not be compiled for this table; the review shows the diff only.',
      };
    return {
      ...base,
      total_rows: measured.total_rows,
      rules: rules.map((r, i) => ({ name: r.rule.name, change: r.change, ...measured.rules[i]! })),
      message: null,
    };
  } catch {
    return {
      ...base,
      total_rows: null,
      rules: [],
      message: 'The impact could not be measured on the table just now; try again.',
    };
  }
}

function assertOpen(p: Proposal, verb: string): void {
  if (p.status !== 'proposed') {
    throw conflict(
      `Proposal ${p.id} (version ${p.version} of ${p.table_name}) is ${p.status}, so it cannot be ${verb}.`,
      { status: p.status },
    );
  }
}

/**
 * Approve: the proposed version becomes the active version (the existing activation, recorded as
 * the approver's), the proposal is approved, in one transaction; then it is published where the
 * table says. Needs the steward right; four eyes refuses its author; a stale proposal is refused
 * until a steward takes a fresh look.
 */
export async function approveProposal(
  caller: Caller,
  table: string,
  id: string,
  input: ApproveInput,
  deps?: PublishDeps,
): Promise<{ proposal: ProposalDto; activated: Activated }> {
  const { db, table: t } = await readable(caller, table, deps);
  const rights = await assertRightOnReadable(caller, t, 'steward', 'Approving a proposal for', deps);
  const result = await inActivationTransaction(db, t.name, async (trx) => {
    const p = await lockProposalOr404(trx, t.name, id);
    assertOpen(p, 'approved');
    if (rights.four_eyes && p.author === caller.id) {
      throw forbidden(
        `Approving a proposal for ${t.name} needs someone other than its author (${p.author}): four eyes is on for this table.`,
      );
    }
    const active = (await repo.findActiveVersion(trx, t.name))?.version ?? null;
    if (p.base_version !== active) {
      throw conflict(
        `The active version of ${t.name} changed (now ${active === null ? 'none' : `version ${active}`}) since this proposal was written against ${p.base_version === null ? 'no active version' : `version ${p.base_version}`}: take a fresh look at it first.`,
        { stale: true, base_version: p.base_version, active_version: active },
      );
    }
    const activated = await activateInTransaction(trx, caller, t.name, p.version);
    const updated = await proposals.updateProposal(trx, p.id, {
      status: 'approved',
      reviewed_by: caller.id,
      reviewed_at: new Date(),
    });
    await recordAudit(trx, {
      caller,
      action: 'proposal.approved',
      table: t.name,
      target: `proposal ${p.id}`,
      before: { status: p.status, active_version: activated.previous_version },
      after: { status: 'approved', active_version: p.version },
      detail: `Approved proposal ${p.id} by ${p.author}: version ${p.version} is active.`,
    });
    if (input.comment)
      await proposals.insertComment(trx, { proposalId: p.id, author: caller.id, body: input.comment });
    return { updated, activated };
  });
  await publishAfterActivation(caller, t.name, deps);
  notifyProposal(db, eventOf('proposal_approved', result.updated, caller));
  const version = await repo.findVersion(db, t.name, result.updated.version);
  return {
    proposal: proposalDto(result.updated, result.activated.version, version),
    activated: result.activated,
  };
}

/** Lock a proposal for a change of its state; 404 when the table has no such proposal. */
async function lockProposalOr404(trx: repo.Db, tableName: string, id: string): Promise<Proposal> {
  const p = await proposals.lockProposal(trx, tableName, id);
  if (!p) throw notFound(`Proposal ${id} of ${tableName} does not exist.`);
  return p;
}

/** Reject with a reason (required). Needs the steward right. */
export async function rejectProposal(
  caller: Caller,
  table: string,
  id: string,
  input: RejectInput,
  deps?: StoreDeps,
): Promise<ProposalDto> {
  const { db, table: t } = await readable(caller, table, deps);
  await assertRightOnReadable(caller, t, 'steward', 'Rejecting a proposal for', deps);
  const updated = await db.transaction().execute(async (trx) => {
    const p = await lockProposalOr404(trx, t.name, id);
    assertOpen(p, 'rejected');
    const rejected = await proposals.updateProposal(trx, p.id, {
      status: 'rejected',
      reviewed_by: caller.id,
      reviewed_at: new Date(),
      reason: input.reason,
    });
    await recordAudit(trx, {
      caller,
      action: 'proposal.rejected',
      table: t.name,
      target: `proposal ${p.id}`,
      before: { status: p.status },
      after: { status: 'rejected', reason: input.reason },
      detail: `Rejected proposal ${p.id} (version ${p.version} by ${p.author}).`,
    });
    return rejected;
  });
  notifyProposal(db, eventOf('proposal_rejected', updated, caller));
  return withActive(db, updated);
}

/** Withdraw: only its author, while it is proposed. */
export async function withdrawProposal(
  caller: Caller,
  table: string,
  id: string,
  deps?: StoreDeps,
): Promise<ProposalDto> {
  const { db, table: t } = await readable(caller, table, deps);
  const updated = await db.transaction().execute(async (trx) => {
    const p = await lockProposalOr404(trx, t.name, id);
    if (p.author !== caller.id)
      throw forbidden(`Only its author (${p.author}) can withdraw a proposal for ${t.name}.`);
    assertOpen(p, 'withdrawn');
    const withdrawn = await proposals.updateProposal(trx, p.id, { status: 'withdrawn' });
    await recordAudit(trx, {
      caller,
      action: 'proposal.withdrawn',
      table: t.name,
      target: `proposal ${p.id}`,
      before: { status: p.status },
      after: { status: 'withdrawn' },
      detail: `Withdrew proposal ${p.id} (version ${p.version}).`,
    });
    return withdrawn;
  });
  notifyProposal(db, eventOf('proposal_withdrawn', updated, caller));
  return withActive(db, updated);
}

/** A steward's fresh look at a stale proposal: the active version becomes its base, so it can be approved. */
export async function refreshProposal(
  caller: Caller,
  table: string,
  id: string,
  deps?: StoreDeps,
): Promise<ProposalDto> {
  const { db, table: t } = await readable(caller, table, deps);
  await assertRightOnReadable(caller, t, 'steward', 'Re-reviewing a proposal for', deps);
  const updated = await db.transaction().execute(async (trx) => {
    const p = await lockProposalOr404(trx, t.name, id);
    assertOpen(p, 're-reviewed');
    const active = (await repo.findActiveVersion(trx, t.name))?.version ?? null;
    if (p.base_version === active)
      throw conflict(`Proposal ${id} is not stale: it is already against the active version.`);
    const refreshed = await proposals.updateProposal(trx, p.id, {
      base_version: active,
      refreshed_by: caller.id,
      refreshed_at: new Date(),
    });
    await recordAudit(trx, {
      caller,
      action: 'proposal.refreshed',
      table: t.name,
      target: `proposal ${p.id}`,
      before: { base_version: p.base_version },
      after: { base_version: active },
      detail: `Took a fresh look at stale proposal ${p.id}: it is now against ${active === null ? 'no active version' : `version ${active}`}.`,
    });
    return refreshed;
  });
  return withActive(db, updated);
}

/** A comment: anyone who can read the table, on a proposal in any state. */
export async function commentOnProposal(
  caller: Caller,
  table: string,
  id: string,
  input: CommentInput,
  deps?: StoreDeps,
): Promise<ProposalCommentDto> {
  const { db, table: t } = await readable(caller, table, deps);
  const p = await loadProposal(db, t.name, id);
  return commentDto(
    await proposals.insertComment(db, { proposalId: p.id, author: caller.id, body: input.body }),
  );
}

const eventOf = (event: ProposalEvent['event'], p: Proposal, by: Caller) => ({
  event,
  table: p.table_name,
  proposal_id: p.id,
  version: p.version,
  author: p.author,
  by: by.id,
  reason: p.reason,
});

async function withActive(db: repo.Db, row: Proposal): Promise<ProposalDto> {
  const [active, version] = await Promise.all([
    repo.findActiveVersion(db, row.table_name),
    repo.findVersion(db, row.table_name, row.version),
  ]);
  return proposalDto(row, active?.version ?? null, version);
}

// ---------------------------------------------------------------------------------------------
// Governance settings of a table

export async function getGovernanceSettings(
  caller: Caller,
  table: string,
  deps?: StoreDeps,
): Promise<GovernanceSettingsDto> {
  const { db, table: t } = await readable(caller, table, deps);
  const row = await proposals.findGovernanceSettings(db, t.name);
  return {
    table_name: t.name,
    four_eyes: row?.four_eyes ?? false,
    steward_group: row?.steward_group ?? null,
    updated_by: row?.updated_by ?? null,
    updated_at: row ? iso(row.updated_at) : null,
  };
}

/** Four eyes and the table's steward group: the admin right (a steward could otherwise turn four eyes off for themselves). */
export async function saveGovernanceSettings(
  caller: Caller,
  table: string,
  input: GovernanceSettingsInput,
  deps?: StoreDeps,
): Promise<GovernanceSettingsDto> {
  const { db, table: t } = await readable(caller, table, deps);
  const rights = await rightsOfReadable(caller, t, deps);
  if (!rights.admin)
    throw refusal(rights, 'admin', 'Changing the governance settings (four eyes, steward group) of');
  const row = await db.transaction().execute(async (trx) => {
    const before = await proposals.findGovernanceSettings(trx, t.name);
    const saved = await proposals.saveGovernanceSettings(trx, {
      tableName: t.name,
      fourEyes: input.four_eyes,
      stewardGroup: input.steward_group ?? null,
      by: caller.id,
    });
    await recordAudit(trx, {
      caller,
      action: 'settings.changed',
      table: t.name,
      target: 'governance',
      before: before ? { four_eyes: before.four_eyes, steward_group: before.steward_group } : null,
      after: { four_eyes: saved.four_eyes, steward_group: saved.steward_group },
      detail: `Four eyes ${saved.four_eyes ? 'on' : 'off'}${saved.steward_group ? `, steward group ${saved.steward_group}` : ''}.`,
    });
    return saved;
  });
  forgetRights();
  return {
    table_name: t.name,
    four_eyes: row.four_eyes,
    steward_group: row.steward_group,
    updated_by: row.updated_by,
    updated_at: iso(row.updated_at),
  };
}
