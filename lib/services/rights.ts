/**
 * Rights (issue 16 item 1, ARCHITECTURE §6b, docs/governance.md): the one place that says what a
 * caller may do with a table.
 *
 * - read: the caller can read the table (./access.ts; a table they cannot read is a 404, never a
 *   403): browse, generate, dry-run, validate, propose a version, comment;
 * - steward: approve, reject, activate, roll back, publish, change publishing and thresholds;
 * - admin: steward of every table the caller can read, and the governance settings of tables.
 *
 * Databricks mode asks Unity Catalog AS THE CALLER, on their own warehouse (their token): a steward
 * owns the table (or its schema or catalog), holds MODIFY, MANAGE or ALL PRIVILEGES on it (or
 * inherited from its schema or catalog), directly or through a group, or is a member of the table's
 * steward group (its governance settings) or of DQX_STEWARD_GROUP; an admin is a member of
 * DQX_ADMIN_GROUP. Decisions are remembered for DQX_RIGHTS_CACHE_SECONDS per caller and table (a
 * bounded LRU); a check that fails is a refusal (fail closed), not remembered.
 *
 * Local mode: the local user holds every right, unless a roles file says otherwise
 * (lib/auth/local-roles.ts).
 *
 * Every refusal is a 403 that names the missing right, the action and who holds it.
 *
 * Where the steward right is asserted: rule-sets.ts (activate/roll back; a save without it is a
 * proposal), proposals.ts (approve, reject, fresh look; admin for governance settings),
 * publishing.ts (publish now, publishing settings), alerting.ts (thresholds). Schedules (another
 * branch) should call `assertRight(caller, table, 'steward', 'Changing the schedule of', deps)` in
 * their save and delete.
 */
import 'server-only';

import { LRUCache } from 'lru-cache';

import type { Caller } from '@/lib/auth/caller';
import { loadLocalRoles, localRightsOf } from '@/lib/auth/local-roles';
import { getConfig } from '@/lib/config';
import { forbidden } from '@/lib/errors';
import { log } from '@/lib/log';
import { getWarehouse } from '@/lib/warehouse';
import { isHiveCatalog } from '@/lib/warehouse/databricks/statements';
import { rightsStatements } from '@/lib/warehouse/databricks/rights-statements';
import type { Cell } from '@/lib/warehouse/port';
import * as governance from '@/db/repositories/proposals';

import { resolveDeps, type StoreDeps } from './store-deps';
import type { TableName } from './table-name';

export type Right = 'read' | 'steward' | 'admin';

/** What decides steward and admin (read is ./access.ts's). Injectable for tests. */
export interface StewardFacts {
  steward: boolean;
  admin: boolean;
  /** Who holds the table: its owner in Unity Catalog, the first steward of the roles file; null: unknown. */
  owner: string | null;
  /** Why the caller is a steward (empty when not). */
  steward_sources: string[];
  /** How one becomes a steward of the table, for refusals. */
  requirement: string;
}

export type RightsDecider = (
  caller: Caller,
  table: TableName,
  settings: { stewardGroup: string | null },
) => Promise<StewardFacts>;

export type RightsDeps = StoreDeps;

export interface TableRights {
  table_name: string;
  read: boolean;
  steward: boolean;
  admin: boolean;
  owner: string | null;
  steward_sources: string[];
  /** How one becomes a steward of this table. */
  requirement: string;
  /** The table's four-eyes setting: a proposal must be approved by someone other than its author. */
  four_eyes: boolean;
  /** The table's own steward group (its governance settings), besides DQX_STEWARD_GROUP. */
  steward_group: string | null;
}

const RIGHT_WORDS: Record<Right, string> = {
  read: 'the read right',
  steward: 'the steward right',
  admin: 'the admin right',
};

// ---------------------------------------------------------------------------------------------
// Local mode

const localDecider: RightsDecider = async (caller, table) => {
  const config = getConfig();
  const roles = loadLocalRoles(config);
  if (!roles) {
    return {
      steward: true,
      admin: true,
      owner: caller.id,
      steward_sources: ['the local user (no roles file)'],
      requirement: 'being the local user',
    };
  }
  const r = localRightsOf(roles, caller.id, table.name);
  return {
    steward: r.steward,
    admin: r.admin,
    owner: r.owner,
    steward_sources: r.steward_sources,
    requirement: 'being a steward of the table or an admin in the roles file (DQX_ROLES_FILE)',
  };
};

// ---------------------------------------------------------------------------------------------
// Databricks mode: Unity Catalog, as the caller

const str = (c: Cell | undefined): string | null => (c === null || c === undefined ? null : String(c));
const yes = (c: Cell | undefined): boolean => c === true || c === 'true' || c === 1;

function describeSource(kind: string, name: string, privilege: string | null, table: TableName): string {
  switch (kind) {
    case 'table_owner':
      return `owner of ${table.name}`;
    case 'schema_owner':
      return `owner of the schema ${table.ref.catalog}.${table.ref.schema}`;
    case 'catalog_owner':
      return `owner of the catalog ${table.ref.catalog}`;
    case 'table_privilege':
      return `${privilege} on ${table.name} (granted to ${name})`;
    case 'schema_privilege':
      return `${privilege} on the schema ${table.ref.catalog}.${table.ref.schema} (granted to ${name})`;
    case 'catalog_privilege':
      return `${privilege} on the catalog ${table.ref.catalog} (granted to ${name})`;
    default:
      return kind;
  }
}

function requirementText(groups: string[]): string {
  const base = 'MODIFY or MANAGE on the table, its ownership';
  return groups.length > 0 ? `${base}, or membership in group ${groups.join(' or ')}` : `${base}`;
}

/** Asked on the caller's own warehouse. Exported for tests over a fake warehouse. */
export const unityCatalogDecider: RightsDecider = async (caller, table, settings) => {
  const config = getConfig();
  const stewardGroups = [
    ...new Set([settings.stewardGroup, config.rights.stewardGroup].filter((g): g is string => Boolean(g))),
  ];
  const adminGroup = config.rights.adminGroup;
  const requirement = requirementText(stewardGroups);
  const warehouse = getWarehouse(caller);
  const none: StewardFacts = { steward: false, admin: false, owner: null, steward_sources: [], requirement };
  if (!warehouse.execute) return none;

  const groups = [...stewardGroups, ...(adminGroup ? [adminGroup] : [])];
  const memberOf = new Set<string>();
  try {
    const result = await warehouse.execute(rightsStatements.callerGroups(groups));
    for (const row of result.rows)
      if (str(row[0]) === 'group' && yes(row[3])) memberOf.add(str(row[1]) ?? '');
  } catch (error) {
    log.warn('group membership could not be checked', {
      table: table.name,
      error: (error as Error)?.message,
    });
    throw new RightsUnknown();
  }

  let owner: string | null = null;
  const sources: string[] = [];
  if (!isHiveCatalog(table.ref.catalog)) {
    try {
      const result = await warehouse.execute(rightsStatements.tableStewardship(table.ref));
      for (const row of result.rows) {
        const kind = str(row[0]) ?? '';
        const name = str(row[1]) ?? '';
        if (kind === 'table_owner') owner = name || null;
        if (yes(row[3])) sources.push(describeSource(kind, name, str(row[2]), table));
      }
    } catch (error) {
      log.warn('the owner and grants of a table could not be read', {
        table: table.name,
        error: (error as Error)?.message,
      });
      throw new RightsUnknown();
    }
  }
  for (const group of stewardGroups)
    if (memberOf.has(group)) sources.push(`member of the steward group ${group}`);
  const admin = Boolean(adminGroup && memberOf.has(adminGroup));
  if (admin) sources.push(`member of the admin group ${adminGroup}`);
  return { steward: sources.length > 0, admin, owner, steward_sources: sources, requirement };
};

/** A rights check that could not be made: refused (fail closed), never remembered. */
class RightsUnknown extends Error {}

// ---------------------------------------------------------------------------------------------
// Cache

const CACHE_KEY = Symbol.for('dqx.rightsCache');
type Holder = { [CACHE_KEY]?: { ttlMs: number; cache: LRUCache<string, StewardFacts> } };

function cacheOf(ttlMs: number): LRUCache<string, StewardFacts> | undefined {
  if (ttlMs <= 0) return undefined;
  const holder = globalThis as Holder;
  const current = holder[CACHE_KEY];
  if (current && current.ttlMs === ttlMs) return current.cache;
  const cache = new LRUCache<string, StewardFacts>({ max: 10_000, ttl: ttlMs });
  holder[CACHE_KEY] = { ttlMs, cache };
  return cache;
}

/** Forget every remembered decision (after a table's steward group changed). */
export function forgetRights(): void {
  (globalThis as Holder)[CACHE_KEY]?.cache.clear();
}

const defaultDecider: RightsDecider = async (caller, table, settings) => {
  if (caller.mode === 'local') return localDecider(caller, table, settings);
  const cache = cacheOf(getConfig().rights.cacheSeconds * 1000);
  const key = JSON.stringify([caller.id, table.name, settings.stewardGroup]);
  const hit = cache?.get(key);
  if (hit) return hit;
  const facts = await unityCatalogDecider(caller, table, settings);
  cache?.set(key, facts);
  return facts;
};

// ---------------------------------------------------------------------------------------------
// The API of this module

/** The caller's rights on `table`: 404 when they cannot read it (or it does not exist). */
export async function rightsOf(caller: Caller, table: string, deps?: RightsDeps): Promise<TableRights> {
  const { access } = await resolveDeps(deps);
  return rightsOfReadable(caller, await access.assertCanReadTable(caller, table), deps);
}

/** The caller's rights on a table whose read access was just checked. */
export async function rightsOfReadable(
  caller: Caller,
  readable: TableName,
  deps?: RightsDeps,
): Promise<TableRights> {
  const { db } = await resolveDeps(deps);
  const settings = await governance.findGovernanceSettings(db, readable.name);
  const decide = deps?.rights ?? defaultDecider;
  let facts: StewardFacts;
  try {
    facts = await decide(caller, readable, { stewardGroup: settings?.steward_group ?? null });
  } catch (error) {
    if (!(error instanceof RightsUnknown)) throw error;
    facts = {
      steward: false,
      admin: false,
      owner: null,
      steward_sources: [],
      requirement: requirementText([]) + ' (they could not be checked just now; try again)',
    };
  }
  const steward = facts.steward || facts.admin;
  return {
    table_name: readable.name,
    read: true,
    steward,
    admin: facts.admin,
    owner: facts.owner,
    steward_sources: facts.steward_sources,
    requirement: facts.requirement,
    four_eyes: settings?.four_eyes ?? false,
    steward_group: settings?.steward_group ?? null,
  };
}

/** The 403 of a missing right: the action, the right, how it is held, and who holds it. */
export function refusal(rights: TableRights, right: Right, action: string): Error {
  const how = right === 'admin' ? 'an admin of the app' : rights.requirement;
  const holder = rights.owner ? ` Its owner is ${rights.owner}.` : '';
  return forbidden(`${action} ${rights.table_name} needs ${RIGHT_WORDS[right]} (${how}).${holder}`);
}

/**
 * The caller's rights on `table` when they hold `right`; otherwise 404 (cannot read) or 403 saying
 * what is missing. `action` is the phrase that goes before the table's name, e.g. "Activating a
 * version of".
 */
export async function assertRight(
  caller: Caller,
  table: string,
  right: Right,
  action: string,
  deps?: RightsDeps,
): Promise<TableRights> {
  const rights = await rightsOf(caller, table, deps);
  if (!rights[right]) throw refusal(rights, right, action);
  return rights;
}

/** assertRight for a table whose read access was just checked. */
export async function assertRightOnReadable(
  caller: Caller,
  readable: TableName,
  right: Right,
  action: string,
  deps?: RightsDeps,
): Promise<TableRights> {
  const rights = await rightsOfReadable(caller, readable, deps);
  if (!rights[right]) throw refusal(rights, right, action);
  return rights;
}
