/**
 * Publishing (issue 15 item 1): the active version of a table's rule set written where DQX
 * pipelines read it, in DQX's own formats, so `DQEngine.load_checks` returns that version
 * unchanged. Where is a setting per table (`dq_publish_settings`); it happens on demand and, when
 * the table's settings say so, on every activation (a save or a rollback). Every attempt, per
 * target, is recorded with who, when, the version and fingerprint written and how it went, so
 * History can say whether each published copy still matches the active version.
 *
 * Writes happen as the caller (databricks mode: their token, so Unity Catalog decides what they
 * may write); the app's service principal is never used for them. The one exception is
 * `lakebase_table`, DQX's Lakebase checks table in the rule store's own database (Postgres only):
 * that database is the app's, so it is written over the store's connection, in a schema of its own. Reading a table's publishing needs
 * read access to the table; changing its settings or publishing needs the steward right (./rights.ts).
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { getConfig, type Mode, type StoreKind } from '@/lib/config';
import type { DqxCheck } from '@/lib/dqx';
import { ChecksTableError } from '@/lib/dqx/checks-table';
import { AppError, badRequest, conflict, isAppError, notFound, type ErrorCode } from '@/lib/errors';
import { log } from '@/lib/log';
import { DatabricksPublisher } from '@/lib/publish/databricks/databricks-publisher';
import { LakebasePublisher, PGLITE_REFUSAL } from '@/lib/publish/lakebase/lakebase-publisher';
import { LocalPublisher } from '@/lib/publish/local/local-publisher';
import type { PublishTarget, Publisher } from '@/lib/publish/port';
import { getWarehouse } from '@/lib/warehouse';
import { storeKind, type NewPublication, type Publication, type PublicationTrigger } from '@/db';
import * as pubs from '@/db/repositories/publications';
import * as repo from '@/db/repositories/rule-sets';

import { recordAudit } from './audit';
import type { PublishSettingsInput } from './publishing-schemas';
import { assertRightOnReadable } from './rights';
import { resolveDeps, type StoreDeps } from './store-deps';

export type { PublishTarget } from '@/lib/publish/port';

export interface PublishDeps extends StoreDeps {
  mode?: Mode;
  /** The publisher that writes as `caller`; default: the mode's adapter. */
  publisherFor?: (caller: Caller) => Publisher;
  /** The rule store's kind (`lakebase_table` needs Postgres); default: the process's store. */
  storeKind?: StoreKind;
  /** The rule store's schema, which a `lakebase_table` may not use; default: DQX_STORE_SCHEMA. */
  storeSchema?: string;
}

export interface PublishSettingsDto {
  table_name: string;
  auto_publish: boolean;
  targets: PublishTarget[];
  /** Null until someone saved settings for the table. */
  updated_by: string | null;
  updated_at: string | null;
}

export interface PublicationDto {
  id: string;
  version: number;
  rule_set_fingerprint: string;
  target: PublishTarget;
  location: string | null;
  trigger: PublicationTrigger;
  status: 'published' | 'unchanged' | 'failed';
  error: string | null;
  published_by: string;
  published_at: string;
}

export interface PublishResult {
  table_name: string;
  version: number;
  rule_set_fingerprint: string;
  results: PublicationDto[];
}

export interface TargetState {
  target: PublishTarget;
  /** The latest publication that reached the target (published or already there); null: never. */
  last_published: PublicationDto | null;
  /** Whether that copy is the active version (fingerprints compared); null when nothing is active or published. */
  matches_active: boolean | null;
}

export interface PublicationHistory {
  table_name: string;
  active_version: number | null;
  active_fingerprint: string | null;
  auto_publish: boolean;
  /** Whether a `lakebase_table` target can be set: the rule store is Postgres (not the embedded PGlite). */
  lakebase_available: boolean;
  targets: TargetState[];
  /** Every attempt, newest first (at most 100). */
  items: PublicationDto[];
}

const LOCAL_KINDS = new Set<PublishTarget['kind']>(['local_file', 'local_table']);
/** The mode a target kind belongs to; `lakebase_table` (the store's own database) to both. */
const modeOfKind = (kind: PublishTarget['kind']): Mode | 'any' => (kind === 'lakebase_table' ? 'any' : LOCAL_KINDS.has(kind) ? 'local' : 'databricks');
const inMode = (kind: PublishTarget['kind'], mode: Mode) => modeOfKind(kind) === 'any' || modeOfKind(kind) === mode;

function defaultPublisher(caller: Caller): Publisher {
  const config = getConfig();
  if (caller.mode === 'local') return new LocalPublisher(config.local.stateDir);
  const token = caller.token;
  if (!token || !config.databricks.host) throw new AppError('unavailable', 'DATABRICKS_HOST is not set, so nothing can be published.');
  return new DatabricksPublisher({ warehouse: getWarehouse(caller), host: config.databricks.host, userToken: () => token.reveal() });
}

async function resolve(deps: PublishDeps = {}) {
  const { db, access } = await resolveDeps(deps);
  return {
    db,
    access,
    mode: deps.mode ?? getConfig().mode,
    publisherFor: deps.publisherFor ?? defaultPublisher,
    storeKind: deps.storeKind ?? storeKind(),
    storeSchema: deps.storeSchema ?? getConfig().store.schema,
  };
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function publicationDto(row: Publication): PublicationDto {
  return {
    id: row.id,
    version: row.version,
    rule_set_fingerprint: row.rule_set_fingerprint,
    target: row.target as unknown as PublishTarget,
    location: row.location,
    trigger: row.trigger,
    status: row.status,
    error: row.error,
    published_by: row.published_by,
    published_at: iso(row.published_at),
  };
}

/** A target in a few words: `uc_table main.dq.checks`, `local_file yaml`. */
function targetLabel(target: PublishTarget): string {
  switch (target.kind) {
    case 'uc_table':
    case 'local_table':
    case 'lakebase_table':
      return `${target.kind} ${target.table}`;
    case 'volume_file':
      return `${target.kind} ${target.path}`;
    case 'local_file':
      return `${target.kind} ${target.format}`;
    default:
      return (target as { kind: string }).kind;
  }
}

const sameTarget = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export async function getPublishSettings(caller: Caller, table: string, deps?: PublishDeps): Promise<PublishSettingsDto> {
  const { db, access } = await resolve(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const row = await pubs.findSettings(db, name);
  return {
    table_name: name,
    auto_publish: row?.auto_publish ?? false,
    targets: (row?.targets ?? []) as PublishTarget[],
    updated_by: row?.updated_by ?? null,
    updated_at: row ? iso(row.updated_at) : null,
  };
}

/** Replace the table's publishing settings. 400 for a target of the other mode or a duplicate. */
export async function savePublishSettings(
  caller: Caller,
  table: string,
  input: PublishSettingsInput,
  deps?: PublishDeps,
): Promise<PublishSettingsDto> {
  const { db, access, mode, storeKind: kind, storeSchema } = await resolve(deps);
  const readable = await access.assertCanReadTable(caller, table);
  const { name } = readable;
  await assertRightOnReadable(caller, readable, 'steward', 'Changing the publishing settings of', deps);
  input.targets.forEach((target, i) => {
    if (target.kind === 'lakebase_table') {
      if (kind === 'pglite') throw badRequest(`targets[${i}]: ${PGLITE_REFUSAL}`, { field: `targets.${i}.kind` });
      if (target.table.split('.')[0] === storeSchema) {
        throw badRequest(`targets[${i}].table: ${storeSchema} is the rule store's own schema; put the checks table in a schema of its own (for example dqx_checks.checks).`, {
          field: `targets.${i}.table`,
        });
      }
    } else if (!inMode(target.kind, mode)) {
      throw badRequest(`targets[${i}].kind: ${target.kind} targets are for ${modeOfKind(target.kind)} mode; the app runs in ${mode} mode.`, {
        field: `targets.${i}.kind`,
      });
    }
    if (input.targets.findIndex((t) => sameTarget(t, target)) !== i) {
      throw badRequest(`targets[${i}] is listed twice.`, { field: `targets.${i}` });
    }
  });
  const row = await db.transaction().execute(async (trx) => {
    const before = await pubs.findSettings(trx, name, { forUpdate: true });
    const row = await pubs.saveSettings(trx, { tableName: name, autoPublish: input.auto_publish, targets: input.targets, by: caller.id });
    await recordAudit(trx, {
      caller,
      action: 'publishing.settings_changed',
      table: name,
      target: 'publishing settings',
      before: before ? { auto_publish: before.auto_publish, targets: before.targets } : null,
      after: { auto_publish: row.auto_publish, targets: row.targets },
      detail: `Publishing settings: ${row.targets.length} target${row.targets.length === 1 ? '' : 's'}, ${row.auto_publish ? 'published on every activation' : 'published on demand only'}.`,
    });
    return row;
  });
  return {
    table_name: name,
    auto_publish: row.auto_publish,
    targets: row.targets as PublishTarget[],
    updated_by: row.updated_by,
    updated_at: iso(row.updated_at),
  };
}

/** A failure as the history shows it: an AppError's message, else a generic one (the cause is logged). */
function failureOf(error: unknown): { code: ErrorCode; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  if (error instanceof ChecksTableError) return { code: 'bad_request', message: error.message };
  return { code: 'unavailable', message: 'The target could not be written; the app log has the details.' };
}

async function publishVersion(
  caller: Caller,
  name: string,
  trigger: PublicationTrigger,
  resolved: Awaited<ReturnType<typeof resolve>>,
): Promise<PublishResult & { failures: { code: ErrorCode; message: string }[] }> {
  const { db, mode, publisherFor } = resolved;
  const active = await repo.findActiveVersion(db, name);
  if (!active) throw (await repo.lockRuleSet(db, name)) ? conflict(`${name} has no active version to publish.`) : notFound(`${name} has no rule set.`);
  if (!Array.isArray(active.rules) || !active.rule_set_fingerprint) {
    throw conflict(`Version ${active.version} of ${name} is not a list of DQX checks, so it cannot be published.`);
  }
  const settings = await pubs.findSettings(db, name);
  const targets = ((settings?.targets ?? []) as PublishTarget[]).filter((t) => inMode(t.kind, mode));
  if (targets.length === 0) throw conflict(`No publishing target is set for ${name}: set one in its publishing settings first.`);

  const request = { tableName: name, version: active.version, fingerprint: active.rule_set_fingerprint, checks: active.rules as DqxCheck[] };
  // The caller's publisher only when a target needs it (it needs the caller's token in databricks mode).
  let callerPublisher: Publisher | undefined;
  const publisherOf = (target: PublishTarget): Publisher =>
    target.kind === 'lakebase_table' ? new LakebasePublisher(db, resolved.storeKind) : (callerPublisher ??= publisherFor(caller));
  const outcomes: NewPublication[] = [];
  const failures: { code: ErrorCode; message: string }[] = [];
  // One target after the other: each is its own write, recorded whatever happens to the others.
  for (const target of targets) {
    let outcome: { status: 'published' | 'unchanged' | 'failed'; location: string | null; error: string | null };
    try {
      const done = await publisherOf(target).publish(target, request);
      outcome = { ...done, error: null };
    } catch (error) {
      const failure = failureOf(error);
      if (!isAppError(error) && !(error instanceof ChecksTableError)) log.error('publishing failed', { table: name, target: target.kind, error });
      failures.push(failure);
      outcome = { status: 'failed', location: null, error: failure.message };
    }
    outcomes.push({
      table_name: name,
      version: active.version,
      rule_set_fingerprint: active.rule_set_fingerprint,
      target_kind: target.kind,
      target: JSON.stringify(target),
      location: outcome.location,
      trigger,
      status: outcome.status,
      error: outcome.error,
      published_by: caller.id,
    });
  }
  // The attempts and their audit event in one transaction: recorded together or not at all.
  const version = active.version;
  const fingerprint = active.rule_set_fingerprint;
  const results = await db.transaction().execute(async (trx) => {
    const previous = await pubs.latestSuccessfulPerTarget(trx, name);
    const rows: PublicationDto[] = [];
    for (const outcome of outcomes) rows.push(publicationDto(await pubs.insertPublication(trx, outcome)));
    const failed = rows.filter((r) => r.status === 'failed').length;
    await recordAudit(trx, {
      caller,
      action: 'published',
      table: name,
      target: rows.map((r) => targetLabel(r.target)).join(', '),
      before: {
        targets: targets.map((target) => {
          const last = previous.find((p) => sameTarget(p.target, target));
          return { target, version: last?.version ?? null, rule_set_fingerprint: last?.rule_set_fingerprint ?? null };
        }),
      },
      after: {
        version,
        rule_set_fingerprint: fingerprint,
        trigger,
        results: rows.map((r) => ({ target: r.target, status: r.status, location: r.location, error: r.error })),
      },
      detail:
        `Published version ${version} ${trigger === 'activation' ? 'on activation' : 'on demand'}: ` +
        (failed === 0 ? `${rows.length} of ${rows.length} targets written.` : `${failed} of ${rows.length} targets failed.`),
    });
    return rows;
  });
  return { table_name: name, version: active.version, rule_set_fingerprint: active.rule_set_fingerprint, results, failures };
}

/**
 * Publish the active version to every target of the table now. When a target fails, the others are
 * still written and everything is recorded; the call then fails with the first failure's status,
 * the results in `details`.
 */
export async function publishActiveVersion(caller: Caller, table: string, deps?: PublishDeps): Promise<PublishResult> {
  const resolved = await resolve(deps);
  const readable = await resolved.access.assertCanReadTable(caller, table);
  const { name } = readable;
  await assertRightOnReadable(caller, readable, 'steward', 'Publishing the rules of', deps);
  const { failures, ...result } = await publishVersion(caller, name, 'manual', resolved);
  if (failures.length > 0) {
    const first = failures[0]!;
    const code: ErrorCode = first.code === 'internal' ? 'unavailable' : first.code;
    throw new AppError(code, `${failures.length} of ${result.results.length} publishing targets failed: ${first.message}`, { details: result });
  }
  return result;
}

/**
 * After a version of `tableName` became active (the caller could read it: they just changed it):
 * publish it when the table's settings say so. Never throws: the activation stands, and failures
 * are in the publication history for the user to see and retry.
 */
export async function publishAfterActivation(caller: Caller, tableName: string, deps?: PublishDeps): Promise<PublishResult | null> {
  try {
    const { db } = await resolveDeps(deps);
    const settings = await pubs.findSettings(db, tableName);
    if (!settings?.auto_publish || (settings.targets as unknown[]).length === 0) return null;
    const { failures: _failures, ...result } = await publishVersion(caller, tableName, 'activation', await resolve(deps));
    return result;
  } catch (error) {
    log.warn('publishing after an activation failed', { table: tableName, error: (error as Error)?.message });
    return null;
  }
}

/** What was published where, when and by whom, and whether each target still has the active version. */
export async function getPublicationHistory(caller: Caller, table: string, deps?: PublishDeps): Promise<PublicationHistory> {
  const { db, access, storeKind: kind } = await resolve(deps);
  const { name } = await access.assertCanReadTable(caller, table);
  const [settings, active, latest, items] = await Promise.all([
    pubs.findSettings(db, name),
    repo.findActiveVersion(db, name),
    pubs.latestSuccessfulPerTarget(db, name),
    pubs.listPublications(db, name, 100),
  ]);
  const activeFingerprint = active?.rule_set_fingerprint ?? null;
  const targets = ((settings?.targets ?? []) as PublishTarget[]).map((target): TargetState => {
    const last = latest.find((p) => sameTarget(p.target, target));
    return {
      target,
      last_published: last ? publicationDto(last) : null,
      matches_active: last && activeFingerprint ? last.rule_set_fingerprint === activeFingerprint : null,
    };
  });
  return {
    table_name: name,
    active_version: active?.version ?? null,
    active_fingerprint: activeFingerprint,
    auto_publish: settings?.auto_publish ?? false,
    lakebase_available: kind !== 'pglite',
    targets,
    items: items.map(publicationDto),
  };
}
