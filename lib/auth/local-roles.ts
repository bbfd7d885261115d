/**
 * Local mode's roles file (DQX_ROLES_FILE, docs/governance.md): who holds which right when there is
 * no Unity Catalog to ask. Without a file the local user holds every right. With one, the file says
 * everything, the local user included:
 *
 * ```yaml
 * users:
 *   alice: { admin: true }       # admin: steward of every table, and the app's settings
 * tables:
 *   "main.sales.*":              # a table's full name; `*` stands for any part of one name
 *     stewards: [sam]            # read and steward
 *     readers: [rita]            # read only
 * ```
 *
 * A user who is neither an admin nor listed for a table cannot read it (404, as in Unity Catalog).
 * The file is read with the project's YAML limits and re-read when it changes; a file that cannot be
 * read or does not have this shape stops every request with a 503 naming the problem (never a silent
 * fallback to "everyone may do everything").
 *
 * Local mode can also act as another user of the file, for trying the feature and for tests: the
 * `x-dqx-local-user` request header names them. It is honoured only in local mode (bound to loopback,
 * Host checked), only with a roles file, and only for a user the file names; databricks mode never
 * reads it (its caller is whoever the forwarded token belongs to).
 */
import { readFileSync, statSync } from 'node:fs';

import { z } from 'zod';

import type { AppConfig } from '@/lib/config';
import { parsePyYaml, YamlTextError } from '@/lib/dqx/checks-yaml';
import { AppError } from '@/lib/errors';

export const LOCAL_USER_HEADER = 'x-dqx-local-user';

const ROLES_YAML_LIMITS = { maxChars: 200_000, maxDepth: 16, maxAliases: 100, maxNodes: 20_000 };

const Name = z.string().trim().min(1).max(255).regex(/^[^\s,]+(?: [^\s,]+)*$/, { error: 'expected a user name' });
const RolesSchema = z.strictObject({
  users: z.record(Name, z.strictObject({ admin: z.boolean().default(false) }).nullable().default(null)).default({}),
  tables: z
    .record(
      z.string().trim().min(1).max(500),
      z.strictObject({ stewards: z.array(Name).max(1000).default([]), readers: z.array(Name).max(1000).default([]) }),
    )
    .default({}),
});

export interface LocalRoles {
  users: Map<string, { admin: boolean }>;
  tables: { pattern: string; match: RegExp; stewards: string[]; readers: string[] }[];
}

/** A table pattern as a regular expression: `*` is any run of characters within one part of the name. */
export function tablePattern(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^.]*');
  return new RegExp(`^${body}$`);
}

export function parseLocalRoles(text: string): LocalRoles {
  let raw: unknown;
  try {
    raw = parsePyYaml(text, ROLES_YAML_LIMITS);
  } catch (error) {
    throw new Error(error instanceof YamlTextError ? error.message : 'it is not YAML');
  }
  const parsed = RolesSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || '(document)'}: ${issue.message}`);
  }
  return {
    users: new Map(Object.entries(parsed.data.users).map(([name, v]) => [name, { admin: v?.admin ?? false }])),
    tables: Object.entries(parsed.data.tables).map(([pattern, v]) => ({ pattern, match: tablePattern(pattern), ...v })),
  };
}

let cached: { path: string; mtimeMs: number; size: number; roles: LocalRoles } | undefined;

/** The roles file of this process, re-read when it changes; undefined without one. 503 when it is unusable. */
export function loadLocalRoles(config: AppConfig): LocalRoles | undefined {
  const file = config.local.rolesFile;
  if (config.mode !== 'local' || !file) return undefined;
  try {
    const stat = statSync(file);
    if (cached && cached.path === file && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.roles;
    const roles = parseLocalRoles(readFileSync(file, 'utf8'));
    cached = { path: file, mtimeMs: stat.mtimeMs, size: stat.size, roles };
    return roles;
  } catch (error) {
    throw new AppError('unavailable', `The roles file (DQX_ROLES_FILE) cannot be used: ${(error as Error).message}`);
  }
}

/** Every user the file names. */
export function namedUsers(roles: LocalRoles): Set<string> {
  const names = new Set(roles.users.keys());
  for (const t of roles.tables) for (const n of [...t.stewards, ...t.readers]) names.add(n);
  return names;
}

export interface LocalRightsOfTable {
  read: boolean;
  steward: boolean;
  admin: boolean;
  /** The first steward the file names for the table (shown as who holds the right). */
  owner: string | null;
  steward_sources: string[];
}

/** What `user` may do with `table` (a normalised full name) according to the file. */
export function localRightsOf(roles: LocalRoles, user: string, table: string): LocalRightsOfTable {
  const admin = roles.users.get(user)?.admin ?? false;
  const matching = roles.tables.filter((t) => t.match.test(table.toLowerCase()));
  const stewardOf = matching.filter((t) => t.stewards.includes(user));
  const readerOf = matching.filter((t) => t.readers.includes(user));
  const sources = [...(admin ? ['admin in the roles file'] : []), ...stewardOf.map((t) => `steward of ${t.pattern} in the roles file`)];
  return {
    read: admin || stewardOf.length > 0 || readerOf.length > 0,
    steward: sources.length > 0,
    admin,
    owner: matching.flatMap((t) => t.stewards)[0] ?? null,
    steward_sources: sources,
  };
}
