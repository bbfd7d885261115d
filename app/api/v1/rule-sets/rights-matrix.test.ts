/**
 * The rights matrix (issue 16): for each role (reader, steward, admin, none) and each action, the
 * status the API answers and, for a refusal, what its message says, through the route handlers as
 * Next.js calls them. Twice: in local mode with a roles file (users chosen with the
 * `x-dqx-local-user` header), and in databricks mode with Unity Catalog's owners, grants and groups
 * as the caller's warehouse answers them (users chosen by their token). The warehouse is an
 * in-memory stand-in where everyone can read the table but the one without any right.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { closeStore } from '@/db';
import { resetConfigForTests } from '@/lib/config';
import { forgetRights } from '@/lib/services/rights';
import { FakeScimServer } from '@/tests/support/fake-scim-server';
import { InMemoryCatalog } from '@/tests/support/in-memory-warehouse';

import { GET as governanceGET, POST as governancePOST } from './[table]/governance/route';
import { POST as approvePOST } from './[table]/proposals/[id]/approve/route';
import { POST as commentPOST } from './[table]/proposals/[id]/comments/route';
import { POST as rejectPOST } from './[table]/proposals/[id]/reject/route';
import { GET as proposalGET } from './[table]/proposals/[id]/route';
import { POST as publishPOST } from './[table]/publish/route';
import { POST as publishingPOST } from './[table]/publishing/route';
import { GET as rightsGET } from './[table]/rights/route';
import { POST as thresholdsPOST } from './[table]/thresholds/route';
import { POST as activatePOST } from './[table]/versions/[version]/activate/route';
import { GET as versionGET } from './[table]/versions/[version]/route';
import { POST as versionsPOST } from './[table]/versions/route';

const TABLE = 'main.sales.orders';
const catalog = vi.hoisted(() => ({ current: undefined as InMemoryCatalog | undefined }));
vi.mock('@/lib/warehouse', () => ({
  getWarehouse: (caller: import('@/lib/auth/caller').Caller) => {
    if (!catalog.current) throw new Error('catalog not set up');
    return catalog.current.warehouseFor(caller);
  },
}));

type Role = 'reader' | 'steward' | 'admin' | 'none';
type Handler = (req: NextRequest, ctx: { params: Promise<never> }) => Promise<Response>;

interface Mode {
  name: string;
  users: Record<Role, string>;
  headersOf: (user: string) => Record<string, string>;
  /** Who holds the table, as the refusal names them. */
  owner: string;
  /** How to become a steward, as the refusal says. */
  requirement: string;
}

const rule = (column: string, name?: string) => ({ ...(name ? { name } : {}), criticality: 'error', check: { function: 'is_not_null', arguments: { column } } });
let counter = 0;

function request(mode: Mode, user: string, url: string, method = 'GET', body?: unknown): NextRequest {
  const headers = new Headers(mode.headersOf(user));
  if (body !== undefined) headers.set('content-type', 'application/json');
  return new NextRequest(new URL(url, 'http://localhost'), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function send(mode: Mode, user: string, handler: unknown, params: Record<string, string>, method = 'GET', body?: unknown) {
  const res = await (handler as Handler)(request(mode, user, `/api/v1/rule-sets/${TABLE}`, method, body), { params: Promise.resolve(params as never) });
  const json = (await res.json()) as Record<string, unknown> & { error?: { message: string } };
  return { status: res.status, body: json };
}

/** The matrix itself: each action with what it needs done first (as the steward), and the expected status per role. */
function matrix(mode: Mode) {
  const steward = mode.users.steward;
  const reader = mode.users.reader;
  const save = async (user: string, rules: unknown[], extra: Record<string, unknown> = {}) =>
    (await send(mode, user, versionsPOST, { table: TABLE }, 'POST', { rules, ...extra })).body as { version: number; proposal: { id: string } | null };
  const freshProposal = async () => (await save(reader, [rule('id'), rule('status', `s${++counter}`)])).proposal!.id;
  const freshActive = async () => (await save(steward, [rule('id', `id${++counter}`)])).version;

  type Action = { name: string; right: 'read' | 'steward' | 'admin'; refusal?: string; ok: number; run: (user: string) => Promise<{ status: number; body: Record<string, unknown> & { error?: { message: string } } }> };
  const actions: Action[] = [
    { name: 'get a version', right: 'read', ok: 200, run: async (u) => send(mode, u, versionGET, { table: TABLE, version: String(await freshActive()) }) },
    { name: 'see their rights', right: 'read', ok: 200, run: (u) => send(mode, u, rightsGET, { table: TABLE }) },
    { name: 'save (propose)', right: 'read', ok: 201, run: (u) => send(mode, u, versionsPOST, { table: TABLE }, 'POST', { rules: [rule('id', `p${++counter}`)] }) },
    { name: 'comment', right: 'read', ok: 201, run: async (u) => send(mode, u, commentPOST, { table: TABLE, id: await freshProposal() }, 'POST', { body: 'why?' }) },
    { name: 'see a proposal', right: 'read', ok: 200, run: async (u) => send(mode, u, proposalGET, { table: TABLE, id: await freshProposal() }) },
    { name: 'approve', right: 'steward', refusal: 'Approving a proposal for', ok: 200, run: async (u) => send(mode, u, approvePOST, { table: TABLE, id: await freshProposal() }, 'POST', {}) },
    { name: 'reject', right: 'steward', refusal: 'Rejecting a proposal for', ok: 200, run: async (u) => send(mode, u, rejectPOST, { table: TABLE, id: await freshProposal() }, 'POST', { reason: 'not now' }) },
    {
      name: 'roll back',
      right: 'steward',
      refusal: 'Activating a version of',
      ok: 200,
      run: async (u) => {
        const older = await freshActive();
        await freshActive();
        return send(mode, u, activatePOST, { table: TABLE, version: String(older) }, 'POST');
      },
    },
    {
      name: 'activate a newer version',
      right: 'steward',
      refusal: 'Activating a version of',
      ok: 200,
      run: async (u) => {
        const older = await freshActive();
        const newer = await freshActive();
        await send(mode, steward, activatePOST, { table: TABLE, version: String(older) }, 'POST');
        return send(mode, u, activatePOST, { table: TABLE, version: String(newer) }, 'POST');
      },
    },
    { name: 'publish now', right: 'steward', refusal: 'Publishing the rules of', ok: 200, run: (u) => send(mode, u, publishPOST, { table: TABLE }, 'POST') },
    {
      name: 'change publishing settings',
      right: 'steward',
      refusal: 'Changing the publishing settings of',
      ok: 200,
      run: (u) => send(mode, u, publishingPOST, { table: TABLE }, 'POST', { auto_publish: false, targets: mode.name === 'local' ? [{ kind: 'local_file', format: 'yaml' }] : [] }),
    },
    { name: 'change thresholds', right: 'steward', refusal: 'Changing the thresholds of', ok: 200, run: (u) => send(mode, u, thresholdsPOST, { table: TABLE }, 'POST', { min_pass_rate: 0.9, fail_on_error_rows: false }) },
    { name: 'read governance settings', right: 'read', ok: 200, run: (u) => send(mode, u, governanceGET, { table: TABLE }) },
    {
      name: 'change governance settings',
      right: 'admin',
      refusal: 'Changing the governance settings (four eyes, steward group) of',
      ok: 200,
      run: (u) => send(mode, u, governancePOST, { table: TABLE }, 'POST', { four_eyes: false }),
    },
  ];
  const holds: Record<Role, ('read' | 'steward' | 'admin')[]> = { reader: ['read'], steward: ['read', 'steward'], admin: ['read', 'steward', 'admin'], none: [] };
  return (['reader', 'steward', 'admin', 'none'] as Role[]).flatMap((role) =>
    actions.map((a) => ({
      role,
      action: a.name,
      expected: !holds[role].includes('read') ? 404 : holds[role].includes(a.right) ? a.ok : 403,
      refusal: a.refusal,
      right: a.right,
      run: () => a.run(mode.users[role]),
    })),
  );
}

async function prepare(mode: Mode) {
  // a first active version and a publishing target, so every action has something to act on
  await send(mode, mode.users.steward, versionsPOST, { table: TABLE }, 'POST', { rules: [rule('id')] });
  if (mode.name === 'local') {
    await send(mode, mode.users.steward, publishingPOST, { table: TABLE }, 'POST', { auto_publish: false, targets: [{ kind: 'local_file', format: 'yaml' }] });
  }
}

function runMatrix(mode: () => Mode) {
  it('answers each role and action with the expected status, and each refusal says what is missing and who holds it', async () => {
    const m = mode();
    await prepare(m);
    const results: string[] = [];
    const expected: string[] = [];
    for (const cell of matrix(m)) {
      if (m.name === 'databricks' && cell.action === 'publish now') continue; // no databricks publisher here (tests of it: lib/publish)
      const { status, body } = await cell.run();
      results.push(`${cell.role} ${cell.action}: ${status}`);
      expected.push(`${cell.role} ${cell.action}: ${cell.expected}`);
      if (cell.expected === 403 && status === 403) {
        const word = cell.right === 'admin' ? 'the admin right' : 'the steward right';
        expect(body.error?.message).toContain(`${cell.refusal} ${TABLE} needs ${word}`);
        expect(body.error?.message).toContain(`Its owner is ${m.owner}.`);
        if (cell.right === 'steward') expect(body.error?.message).toContain(m.requirement);
      }
      if (cell.expected === 404 && status === 404) expect(body.error?.message).not.toContain('right');
    }
    expect(results).toEqual(expected);
  });

  it("saves a reader's rules as a proposal and a steward's as the active version", async () => {
    const m = mode();
    const byReader = await send(m, m.users.reader, versionsPOST, { table: TABLE }, 'POST', { rules: [rule('status', 'reader_rule')] });
    expect(byReader.body).toMatchObject({ is_active: false, proposal: { status: 'proposed' } });
    const bySteward = await send(m, m.users.steward, versionsPOST, { table: TABLE }, 'POST', { rules: [rule('status', 'steward_rule')] });
    expect(bySteward.body).toMatchObject({ is_active: true, proposal: null });
  });
}

describe('rights matrix, local mode with a roles file', () => {
  let dir: string;
  const saved = { ...process.env };
  const mode: Mode = {
    name: 'local',
    users: { reader: 'rita', steward: 'sam', admin: 'ada', none: 'nora' },
    headersOf: (user) => ({ 'x-dqx-local-user': user }),
    owner: 'sam',
    requirement: 'being a steward of the table or an admin in the roles file',
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dqx-rights-'));
    const roles = path.join(dir, 'roles.yaml');
    writeFileSync(roles, 'users:\n  ada: { admin: true }\n  nora: { admin: false }\ntables:\n  "main.sales.*":\n    stewards: [sam]\n    readers: [rita]\n');
    Object.assign(process.env, { DQX_MODE: 'local', DQX_STORE: 'pglite', DQX_STATE_DIR: dir, DQX_LOG_LEVEL: 'error', DQX_ROLES_FILE: roles, DQX_LOCAL_USER: 'ada' });
    resetConfigForTests();
    catalog.current = new InMemoryCatalog([{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }, { name: 'status', type: 'string' }] }]);
  });
  afterAll(async () => {
    await closeStore();
    process.env = saved;
    resetConfigForTests();
    rmSync(dir, { recursive: true, force: true });
  });

  runMatrix(() => mode);

  it('honours the user header only for a user the roles file names', async () => {
    const stranger = await send(mode, 'mallory', rightsGET, { table: TABLE });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error?.message).toContain('x-dqx-local-user header is honoured only in local mode with a roles file');
    // without the header: the local user (DQX_LOCAL_USER), here an admin
    const res = await rightsGET(new NextRequest(new URL(`/api/v1/rule-sets/${TABLE}/rights`, 'http://localhost')), { params: Promise.resolve({ table: TABLE } as never) });
    expect(await res.json()).toMatchObject({ read: true, steward: true, admin: true, steward_sources: ['admin in the roles file'] });
  });
});

describe('rights matrix, databricks mode with Unity Catalog grants', () => {
  let dir: string;
  const saved = { ...process.env };
  const scim = new FakeScimServer();
  const mode: Mode = {
    name: 'databricks',
    // sue is a steward through a MODIFY grant to her group; ada through the admin group
    users: { reader: 'rita@example.com', steward: 'sue@example.com', admin: 'ada@example.com', none: 'nora@example.com' },
    headersOf: (user) => ({ 'x-forwarded-access-token': `token-of-${user}`, 'x-dqx-local-user': 'ada@example.com' }),
    owner: 'sam@example.com',
    requirement: 'MODIFY or MANAGE on the table, its ownership, or membership in group dq-stewards',
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dqx-rights-db-'));
    await scim.start();
    for (const key of ['DQX_ROLES_FILE', 'DQX_LOCAL_USER']) delete process.env[key];
    Object.assign(process.env, {
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: scim.url,
      DQX_STORE: 'pglite',
      DQX_STATE_DIR: dir,
      DQX_LOG_LEVEL: 'error',
      DQX_STEWARD_GROUP: 'dq-stewards',
      DQX_ADMIN_GROUP: 'dq-admins',
    });
    resetConfigForTests();
    forgetRights();
    catalog.current = new InMemoryCatalog(
      [{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }, { name: 'status', type: 'string' }] }],
      (caller) => caller !== mode.users.none,
    );
    catalog.current.setUnityCatalog({
      owners: { [TABLE]: 'sam@example.com' },
      privileges: [
        { table: TABLE, grantee: 'table-editors', privilege: 'MODIFY' },
        { table: TABLE, grantee: 'rita@example.com', privilege: 'SELECT' },
      ],
      groups: { 'table-editors': ['sue@example.com'], 'dq-admins': ['ada@example.com'] },
    });
  });
  afterAll(async () => {
    await scim.stop();
    await closeStore();
    process.env = saved;
    resetConfigForTests();
    rmSync(dir, { recursive: true, force: true });
  });

  runMatrix(() => mode);

  it('says why the caller is a steward, and never honours the local user header', async () => {
    const sue = await send(mode, mode.users.steward, rightsGET, { table: TABLE });
    expect(sue.body).toMatchObject({ steward: true, admin: false, owner: 'sam@example.com', steward_sources: [`MODIFY on ${TABLE} (granted to table-editors)`] });
    // the header names the admin, the token is rita's: rita it is
    const rita = await send(mode, mode.users.reader, rightsGET, { table: TABLE });
    expect(rita.body).toMatchObject({ steward: false, admin: false });
  });
});
