/**
 * Rule sets: every saved version of a table's DQX rules, the active one, history, import/export,
 * diff and rollback. Every function takes the caller and first checks that the caller can read the
 * table (404 otherwise); changing the active version needs the steward right (./rights.ts), and a
 * save without it is a proposal (./proposals.ts); writes happen in one transaction each.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import {
  expandChecks,
  ruleSetFingerprint,
  serializeChecks,
  validateChecks,
  type ChecksFormat,
  type DqxCheck,
  type ExpandedRule,
  type RuleIssue,
} from '@/lib/dqx';
import { AppError, conflict, notFound } from '@/lib/errors';
import {
  isUniqueViolation,
  type NewRulesEvent,
  type Proposal,
  type RuleActivation,
  type RulesEvent,
} from '@/db';
import type { Db } from '@/db/repositories/rule-sets';
import * as proposals from '@/db/repositories/proposals';
import * as repo from '@/db/repositories/rule-sets';

import { recordAudit } from './audit';
import { readChecksOr400 } from './checks-file/reader';
import { publishAfterActivation, type PublishDeps } from './publishing';
import { refuseInvalid, refuseUnsafeSql } from './invalid-rules';
import { assertPlainRules, assertRuleCount } from './limits';
import { importedProvenance, normaliseProvenance, type RuleProvenance } from './rule-provenance';
import type { PageInput, SaveRuleSetInput } from './rule-set-schemas';
import { notifyProposal } from './proposal-notifications';
import { assertRightOnReadable, rightsOfReadable } from './rights';
import { tablesHiddenFromRunsOf } from './runs';
import { mapLimited, resolveDeps, type StoreDeps } from './store-deps';

export type { RuleProvenance } from './rule-provenance';

export interface RuleSetVersionSummary {
  id: string;
  table_name: string;
  version: number;
  created_at: string;
  created_by: string;
  is_active: boolean;
  activated_at: string | null;
  activated_by: string | null;
  user_prompt: string | null;
  rule_set_fingerprint: string | null;
  /** Number of checks as saved (before for_each_column expansion); null if not a list. */
  rule_count: number | null;
}

export interface RuleSetVersion extends RuleSetVersionSummary {
  rules: unknown;
  ai_summary: unknown;
  metadata: Record<string, unknown> | null;
  /** Where each rule came from, aligned with `rules`; null for versions saved without it. */
  rule_provenance: RuleProvenance[] | null;
}

export interface SavedRuleSetVersion extends RuleSetVersion {
  previous_active_version: number | null;
  /** Non-blocking findings of the rule validation. */
  warnings: RuleIssue[];
  /**
   * Set when the version was saved as a proposal (not active): the caller is not a steward of the
   * table, the table has four eyes on, or they asked for a review. A steward approves it on its
   * review page (lib/services/proposals.ts).
   */
  proposal: { id: string; status: 'proposed'; base_version: number | null } | null;
}

export interface ActivationRecord {
  version: number;
  previous_version: number | null;
  action: RuleActivation['action'];
  activated_by: string;
  activated_at: string;
}

export interface RuleSetHistory {
  table_name: string;
  active_version: number | null;
  items: RuleSetVersionSummary[];
  page: number;
  page_size: number;
  total: number;
  /** The latest changes of the active version, newest first. */
  activations: ActivationRecord[];
}

export interface RuleSetListItem {
  table_name: string;
  active_version: number | null;
  latest_version: number;
  rule_count: number | null;
  rule_set_fingerprint: string | null;
  activated_at: string | null;
  activated_by: string | null;
  updated_at: string;
  /** The latest validation run of the table, whatever its status. */
  /** incomplete: the run left rules not evaluated, so its pass rate covers the others only. */
  last_run: {
    id: string;
    status: string;
    created_at: string;
    finished_at: string | null;
    pass_rate: number | null;
    incomplete: boolean;
  } | null;
}

export interface ExportedRuleSet {
  filename: string;
  content_type: string;
  body: string;
}

export interface DiffRule {
  name: string;
  fingerprint: string;
  criticality: string;
  function: string;
  arguments: Record<string, unknown>;
  filter: string | null;
  check: DqxCheck;
}

export interface RuleSetDiff {
  table_name: string;
  from: { version: number; rule_set_fingerprint: string | null };
  to: { version: number; rule_set_fingerprint: string | null };
  added: DiffRule[];
  removed: DiffRule[];
  changed: { name: string; from: DiffRule; to: DiffRule; changed_fields: string[] }[];
  unchanged: number;
}

export interface Activated {
  table_name: string;
  version: number;
  previous_version: number | null;
  activated_by: string;
  activated_at: string;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));
const countRules = (rules: unknown) => (Array.isArray(rules) ? rules.length : null);

function summaryDto(row: repo.VersionListItem & { table_name: string }): RuleSetVersionSummary {
  return {
    id: row.id,
    table_name: row.table_name,
    version: row.version,
    created_at: iso(row.created_at),
    created_by: row.created_by,
    is_active: row.is_active,
    activated_at: isoOrNull(row.activated_at),
    activated_by: row.activated_by,
    user_prompt: row.user_prompt,
    rule_set_fingerprint: row.rule_set_fingerprint,
    rule_count: row.rule_count,
  };
}

function versionDto(row: RulesEvent): RuleSetVersion {
  return {
    ...summaryDto({ ...row, rule_count: countRules(row.rules) }),
    rules: row.rules,
    ai_summary: row.ai_summary,
    metadata: row.metadata,
    rule_provenance: Array.isArray(row.rule_provenance) ? (row.rule_provenance as RuleProvenance[]) : null,
  };
}

/**
 * Save `input.rules` as the next version of the table's rule set. A steward's save makes it the
 * active version (published where the table says); a reader's save, any save on a table with four
 * eyes on, or one with `propose: true`, makes it a proposal for a steward to review.
 * Refused (400) when the rules do not validate against the table.
 */
export async function saveRuleSet(
  caller: Caller,
  table: string,
  input: SaveRuleSetInput,
  deps?: PublishDeps,
): Promise<SavedRuleSetVersion> {
  return saveVersion(caller, table, input, deps, null);
}

/** What a version's audit event shows of it. */
const auditedVersion = (row: Pick<RulesEvent, 'version' | 'rule_set_fingerprint' | 'rules'>) => ({
  version: row.version,
  rule_set_fingerprint: row.rule_set_fingerprint,
  rule_count: countRules(row.rules),
});

async function saveVersion(
  caller: Caller,
  table: string,
  input: SaveRuleSetInput,
  deps: PublishDeps | undefined,
  imported: { format: ChecksFormat } | null,
): Promise<SavedRuleSetVersion> {
  assertRuleCount(input.rules);
  assertPlainRules(input.rules);
  refuseUnsafeSql(input.rules);
  const { db, access } = await resolveDeps(deps);
  const readable = await access.assertCanReadTable(caller, table);
  const validation = validateChecks(input.rules, {
    table: {
      name: readable.name,
      columns: readable.description.columns.map((c) => ({ name: c.name, type: c.type })),
    },
  });
  refuseInvalid(validation.errors, validation.warnings);
  const checks = input.rules as DqxCheck[];
  const fingerprint = ruleSetFingerprint(checks);
  const provenance = normaliseProvenance(input.rule_provenance, checks);
  const rights = await rightsOfReadable(caller, readable, deps);
  const asProposal = input.propose === true || !rights.steward || rights.four_eyes;
  const values = {
    table_name: readable.name,
    rules: JSON.stringify(checks),
    user_prompt: input.user_prompt ?? null,
    ai_summary: input.ai_summary === undefined ? null : JSON.stringify(input.ai_summary),
    created_by: caller.id,
    metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
    rule_set_fingerprint: fingerprint,
    rule_provenance: provenance === null ? null : JSON.stringify(provenance),
  };

  if (asProposal) {
    const { row, base, proposal } = await proposeVersion(db, caller, readable.name, values);
    notifyProposal(db, {
      event: 'proposal_created',
      table: readable.name,
      proposal_id: proposal.id,
      version: row.version,
      author: caller.id,
      by: caller.id,
      reason: null,
    });
    return {
      ...versionDto(row),
      previous_active_version: base,
      warnings: validation.warnings,
      proposal: { id: proposal.id, status: 'proposed', base_version: base },
    };
  }

  const { row, previous } = await db.transaction().execute(async (trx) => {
    const version = await repo.takeNextVersion(trx, readable.name);
    const previousRow = await repo.findActiveVersion(trx, readable.name);
    const previous = await repo.deactivateActiveVersion(trx, readable.name);
    const row = await repo.insertVersion(trx, {
      ...values,
      version,
      is_active: true,
      activated_at: new Date(),
      activated_by: caller.id,
    });
    await repo.recordActivation(trx, {
      tableName: readable.name,
      version,
      previousVersion: previous,
      action: 'save',
      by: caller.id,
    });
    await recordAudit(trx, {
      caller,
      action: imported ? 'version.imported' : 'version.saved',
      table: readable.name,
      target: `version ${version}`,
      before: previousRow ? { active_version: auditedVersion(previousRow) } : { active_version: null },
      after: { active_version: { ...auditedVersion(row), rules: checks } },
      detail: imported
        ? `Imported a ${imported.format.toUpperCase()} checks file as version ${version} and made it active.`
        : `Saved version ${version} and made it active${previous === null ? '' : ` (was version ${previous})`}.`,
    });
    return { row, previous };
  });
  await publishAfterActivation(caller, readable.name, deps);
  return {
    ...versionDto(row),
    previous_active_version: previous,
    warnings: validation.warnings,
    proposal: null,
  };
}

/**
 * A proposal: the next version, not active, and its review record against the active version of
 * now, in one transaction (the one place a proposal is created).
 */
async function proposeVersion(
  db: Db,
  caller: Caller,
  tableName: string,
  values: Omit<NewRulesEvent, 'version'>,
): Promise<{ row: RulesEvent; base: number | null; proposal: Proposal }> {
  return db.transaction().execute(async (trx) => {
    const version = await repo.takeNextVersion(trx, tableName);
    const base = (await repo.findActiveVersion(trx, tableName))?.version ?? null;
    const row = await repo.insertVersion(trx, {
      ...values,
      version,
      is_active: false,
      activated_at: null,
      activated_by: null,
    });
    const proposal = await proposals.insertProposal(trx, {
      tableName,
      version,
      author: caller.id,
      baseVersion: base,
    });
    await recordAudit(trx, {
      caller,
      action: 'proposal.created',
      table: tableName,
      target: `proposal ${proposal.id}`,
      before: { active_version: base },
      after: {
        proposed_version: { ...auditedVersion(row), rules: JSON.parse(values.rules as string) as unknown },
      },
      detail: `Proposed version ${version}${base === null ? '' : ` to replace version ${base}`}.`,
    });
    return { row, base, proposal };
  });
}

/** Import a DQX checks file (YAML or JSON) as the next version. */
export async function importRuleSet(
  caller: Caller,
  table: string,
  file: { text: string; format?: ChecksFormat; user_prompt?: string | null },
  deps?: PublishDeps,
): Promise<SavedRuleSetVersion> {
  const checks = await readChecksOr400(file.text, file.format, 'The checks file');
  const format = file.format ?? (/^\s*[[{]/.test(file.text) ? 'json' : 'yaml');
  const rule_provenance = importedProvenance(checks);
  return saveVersion(
    caller,
    table,
    {
      rules: checks,
      user_prompt: file.user_prompt ?? null,
      metadata: { source: 'import', format },
      rule_provenance,
    },
    deps,
    { format },
  );
}

async function loadVersion(
  db: Parameters<typeof repo.findVersion>[0],
  tableName: string,
  version: number,
): Promise<RulesEvent> {
  const row = await repo.findVersion(db, tableName, version);
  if (!row) throw notFound(`Version ${version} of the rule set of ${tableName} does not exist.`);
  return row;
}

export async function getRuleSetVersion(
  caller: Caller,
  table: string,
  version: number,
  deps?: StoreDeps,
): Promise<RuleSetVersion> {
  const { db, access } = await resolveDeps(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  return versionDto(await loadVersion(db, name, version));
}

/** The active version, or null when the table has no rule set. */
export async function getActiveRuleSet(
  caller: Caller,
  table: string,
  deps?: StoreDeps,
): Promise<RuleSetVersion | null> {
  const { db, access } = await resolveDeps(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const row = await repo.findActiveVersion(db, name);
  return row ? versionDto(row) : null;
}

/** Versions newest first, one page at a time, with the total and the latest activations. */
export async function getRuleSetHistory(
  caller: Caller,
  table: string,
  page: PageInput,
  deps?: StoreDeps,
): Promise<RuleSetHistory> {
  const { db, access } = await resolveDeps(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const [{ items, total }, active, activations] = await Promise.all([
    repo.listVersions(db, name, { limit: page.page_size, offset: (page.page - 1) * page.page_size }),
    repo.findActiveVersion(db, name),
    repo.listActivations(db, name, 50),
  ]);
  return {
    table_name: name,
    active_version: active?.version ?? null,
    items: items.map((row) => summaryDto({ ...row, table_name: name })),
    page: page.page,
    page_size: page.page_size,
    total,
    activations: activations.map((a) => ({
      version: a.version,
      previous_version: a.previous_version,
      action: a.action,
      activated_by: a.activated_by,
      activated_at: iso(a.activated_at),
    })),
  };
}

/** Tables that have rule sets and that the caller can read. */
export async function listRuleSets(caller: Caller, deps?: StoreDeps): Promise<RuleSetListItem[]> {
  const { db, access } = await resolveDeps(deps);
  const names = await repo.listRuleSetTableNames(db);
  const readable = await mapLimited(names, 8, (name) => access.canReadTable(caller, name));
  const visible = names.filter((_, i) => readable[i]);
  // The latest run shown is the latest one the caller may see (it reads no table hidden from them).
  const rows = await repo.listRuleSetTables(
    db,
    visible,
    await tablesHiddenFromRunsOf(caller, { db, access }, visible),
  );
  return rows.map((r) => ({
    table_name: r.table_name,
    active_version: r.active_version,
    latest_version: r.last_version,
    rule_count: r.active_rule_count,
    rule_set_fingerprint: r.active_fingerprint,
    activated_at: isoOrNull(r.activated_at),
    activated_by: r.activated_by,
    updated_at: iso(r.updated_at),
    last_run: r.last_run_id
      ? {
          id: r.last_run_id,
          status: r.last_run_status ?? 'queued',
          created_at: iso(r.last_run_created_at ?? r.updated_at),
          finished_at: isoOrNull(r.last_run_finished_at),
          pass_rate: r.last_run_pass_rate,
          incomplete: r.last_run_incomplete ?? false,
        }
      : null,
  }));
}

function checksOf(row: RulesEvent): DqxCheck[] {
  if (!Array.isArray(row.rules)) {
    throw conflict(
      `Version ${row.version} of ${row.table_name} was saved by the original application in a form that is not a list of DQX checks.`,
    );
  }
  return row.rules as DqxCheck[];
}

const safeFileName = (name: string) => name.replace(/[^a-z0-9._-]+/g, '_');

/** A version as a DQX checks file, ready to download. */
export async function exportRuleSetVersion(
  caller: Caller,
  table: string,
  version: number,
  format: ChecksFormat,
  deps?: StoreDeps,
): Promise<ExportedRuleSet> {
  const { db, access } = await resolveDeps(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const row = await loadVersion(db, name, version);
  return {
    filename: `${safeFileName(name)}.v${version}.${format}`,
    content_type: format === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8',
    body: serializeChecks(checksOf(row), format),
  };
}

function expand(row: RulesEvent): ExpandedRule[] {
  const checks = checksOf(row);
  try {
    return expandChecks(checks);
  } catch {
    throw conflict(
      `Version ${row.version} of ${row.table_name} holds rules that are not valid DQX checks, so it cannot be compared.`,
    );
  }
}

function diffRule(rule: ExpandedRule): DiffRule {
  return {
    name: rule.name,
    fingerprint: rule.fingerprint,
    criticality: rule.criticality,
    function: rule.function,
    arguments: rule.arguments,
    filter: rule.filter,
    check: rule.check,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value ?? null;
}

/** The fields in which two rules of the same name differ, e.g. `criticality`, `arguments.max_limit`. */
function changedFields(a: ExpandedRule, b: ExpandedRule): string[] {
  const fields: string[] = [];
  if (a.criticality !== b.criticality) fields.push('criticality');
  if (a.function !== b.function) fields.push('function');
  const keys = [...new Set([...Object.keys(a.arguments), ...Object.keys(b.arguments)])].sort();
  for (const key of keys) if (!same(a.arguments[key], b.arguments[key])) fields.push(`arguments.${key}`);
  if (a.filter !== b.filter) fields.push('filter');
  if (!same(a.userMetadata, b.userMetadata)) fields.push('user_metadata');
  if (a.messageExpr !== b.messageExpr) fields.push('message_expr');
  if (fields.length === 0 && a.fingerprint !== b.fingerprint) fields.push('check');
  return fields;
}

/**
 * Compare two versions rule by rule (after for_each_column expansion). Rules with the same
 * fingerprint are unchanged; the rest are paired by name (changed, with the fields that differ);
 * what remains was added or removed.
 */
export async function diffRuleSetVersions(
  caller: Caller,
  table: string,
  fromVersion: number,
  toVersion: number,
  deps?: StoreDeps,
): Promise<RuleSetDiff> {
  const { db, access } = await resolveDeps(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const [fromRow, toRow] = await Promise.all([
    loadVersion(db, name, fromVersion),
    loadVersion(db, name, toVersion),
  ]);
  const before = expand(fromRow);
  const after = expand(toRow);

  // 1. Same fingerprint: unchanged (as a multiset, so duplicates pair one to one).
  const unmatchedAfter = new Map<string, ExpandedRule[]>();
  for (const rule of after)
    unmatchedAfter.set(rule.fingerprint, [...(unmatchedAfter.get(rule.fingerprint) ?? []), rule]);
  let unchanged = 0;
  const restBefore: ExpandedRule[] = [];
  for (const rule of before) {
    const twins = unmatchedAfter.get(rule.fingerprint);
    if (twins && twins.length > 0) {
      twins.shift();
      unchanged += 1;
    } else {
      restBefore.push(rule);
    }
  }
  const restAfter = after.filter((rule) => {
    const twins = unmatchedAfter.get(rule.fingerprint);
    if (twins && twins.includes(rule)) return true;
    return false;
  });

  // 2. Same name: changed.
  const byName = new Map<string, ExpandedRule[]>();
  for (const rule of restAfter) byName.set(rule.name, [...(byName.get(rule.name) ?? []), rule]);
  const changed: RuleSetDiff['changed'] = [];
  const removed: DiffRule[] = [];
  for (const rule of restBefore) {
    const candidates = byName.get(rule.name);
    const match = candidates?.shift();
    if (match)
      changed.push({
        name: rule.name,
        from: diffRule(rule),
        to: diffRule(match),
        changed_fields: changedFields(rule, match),
      });
    else removed.push(diffRule(rule));
  }
  const added = [...byName.values()].flat().map(diffRule);

  return {
    table_name: name,
    from: { version: fromRow.version, rule_set_fingerprint: fromRow.rule_set_fingerprint },
    to: { version: toRow.version, rule_set_fingerprint: toRow.rule_set_fingerprint },
    added,
    removed,
    changed,
    unchanged,
  };
}

/**
 * Make `version` the active version (a rollback when it is older), in one transaction that also
 * records who did it and when. Needs the steward right. 409 when it is already the active version,
 * or when it is a proposal that was not approved (a proposal becomes active by its approval).
 */
export async function activateRuleSetVersion(
  caller: Caller,
  table: string,
  version: number,
  deps?: PublishDeps,
): Promise<Activated> {
  const { db, access } = await resolveDeps(deps);
  const readable = await access.assertCanReadTable(caller, table);
  const { name } = readable;
  await assertRightOnReadable(caller, readable, 'steward', 'Activating a version of', deps);
  const activated = await inActivationTransaction(db, name, async (trx) => {
    const proposal = await proposals.findProposalOfVersion(trx, name, version);
    if (proposal && proposal.status !== 'approved') {
      throw conflict(
        proposal.status === 'proposed'
          ? `Version ${version} of ${name} is a proposal under review: approve it on its review page to make it active.`
          : `Version ${version} of ${name} is a ${proposal.status} proposal, so it cannot be made active.`,
        { proposal_id: proposal.id, status: proposal.status },
      );
    }
    return activateInTransaction(trx, caller, name, version);
  });
  await publishAfterActivation(caller, name, deps);
  return activated;
}

/** Run `work` in a transaction; a concurrent change of the active version becomes a 409. */
export async function inActivationTransaction<T>(
  db: Db,
  name: string,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    if (!(error instanceof AppError) && isUniqueViolation(error)) {
      throw conflict(
        `Another change of the active version of ${name} happened at the same time; reload and try again.`,
      );
    }
    throw error;
  }
}

/**
 * Within a transaction: make `version` the active version of `name` and record it. The caller's
 * rights were checked by the caller of this function. Exported for the approval of proposals.
 */
export async function activateInTransaction(
  trx: Db,
  caller: Caller,
  name: string,
  version: number,
): Promise<Activated> {
  // Serialise with saves and other activations of this table.
  const locked = await repo.lockRuleSet(trx, name);
  if (!locked) throw notFound(`${name} has no rule set.`);
  const target = await loadVersion(trx, name, version);
  if (target.is_active) {
    throw conflict(`Version ${version} is already the active version of ${name}.`, {
      active_version: version,
    });
  }
  const previousRow = await repo.findActiveVersion(trx, name);
  const previous = await repo.deactivateActiveVersion(trx, name);
  const activated = await repo.markVersionActive(trx, name, version, caller.id);
  if (!activated) throw notFound(`Version ${version} of the rule set of ${name} does not exist.`);
  await repo.recordActivation(trx, {
    tableName: name,
    version,
    previousVersion: previous,
    action: 'activate',
    by: caller.id,
  });
  await repo.touchRuleSet(trx, name);
  const rollback = previous !== null && version < previous;
  await recordAudit(trx, {
    caller,
    action: rollback ? 'version.rolled_back' : 'version.activated',
    table: name,
    target: `version ${version}`,
    before: { active_version: previousRow ? auditedVersion(previousRow) : null },
    after: { active_version: auditedVersion(target) },
    detail: rollback
      ? `Rolled back from version ${previous} to version ${version}.`
      : `Made version ${version} active${previous === null ? '' : ` (was version ${previous})`}.`,
  });
  return {
    table_name: name,
    version,
    previous_version: previous,
    activated_by: caller.id,
    activated_at: iso(activated.activated_at ?? new Date()),
  };
}
