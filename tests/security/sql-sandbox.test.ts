/**
 * The SQL sandbox of rules (docs/security.md, "What rule SQL may contain") as an attacker meets it,
 * on the production build, through the HTTP API and through server actions: in local mode, where
 * rules run on the embedded DuckDB (the DuckDB dialect), and in databricks mode, where they would run
 * on a SQL warehouse in Spark SQL (refused before any warehouse is asked). Each payload is one of the
 * ways the token lists were bypassed; each refusal is a 400 naming the rule, the field and the
 * offending construct, and no file content comes back.
 */
import { describe, expect, it } from 'vitest';

import { callAction, json, request } from './support/client';
import { databricksUrl, localUrl } from './support/servers';

const TABLE = 'samples.sales.orders';
const alice = { 'x-forwarded-access-token': 'token-of-alice@example.com' };
const MODES = [
  { mode: 'local', base: localUrl, auth: {} as Record<string, string> },
  { mode: 'databricks', base: databricksUrl, auth: alice },
] as const;

type Rule = Record<string, unknown>;
const notNull = (extra: Rule = {}, column = 'order_id'): Rule => ({
  name: 'hostile',
  criticality: 'error',
  check: { function: 'is_not_null', arguments: { column } },
  ...extra,
});
const sqlExpression = (expression: string): Rule => ({
  name: 'hostile',
  criticality: 'error',
  check: { function: 'sql_expression', arguments: { expression } },
});
const sqlQuery = (query: string): Rule => ({
  name: 'hostile',
  criticality: 'error',
  check: { function: 'sql_query', arguments: { query, merge_columns: ['order_id'] } },
});

/** [what, rule, field, construct the message must quote] */
const PAYLOADS: [string, Rule, string, string][] = [
  [
    'a FROM-first read_csv in a filter',
    notNull({ filter: "FROM read_csv('/etc/passwd')" }),
    'filter',
    'FROM',
  ],
  [
    'read_csv behind a schema prefix',
    notNull({ filter: "main.read_csv('/etc/passwd') IS NOT NULL" }),
    'filter',
    "main.read_csv('/etc/passwd')",
  ],
  [
    'main.query(...)',
    sqlExpression("main.query('SELECT 1') IS NULL"),
    'check.arguments.expression',
    'main.query',
  ],
  [
    'a lambda hiding a file read',
    sqlExpression("exists(array(1), read_csv -> read_text('/etc/passwd') IS NULL)"),
    'check.arguments.expression',
    "read_text('/etc/passwd')",
  ],
  [
    'a subquery in a column argument',
    notNull({}, '(SELECT max(customer_id) FROM samples.sales.customers)'),
    'check.arguments.column',
    'SELECT max(customer_id)',
  ],
  ['secret()', notNull({ message_expr: "secret('scope', 'key')" }), 'message_expr', "secret('scope', 'key')"],
  [
    'http_request()',
    sqlExpression("http_request(conn => 'c', method => 'GET', path => '/') IS NULL"),
    'check.arguments.expression',
    'http_request',
  ],
  ['ai_query()', notNull({ filter: "ai_query('endpoint', 'leak') = 'x'" }), 'filter', 'ai_query'],
  [
    'read_files()',
    sqlExpression("read_files('/Volumes/x') IS NULL"),
    'check.arguments.expression',
    'read_files',
  ],
  [
    'PIVOT in sql_query',
    sqlQuery('SELECT * FROM {{ input_view }} PIVOT (count(*) FOR status IN (1, 2))'),
    'check.arguments.query',
    'PIVOT',
  ],
  [
    'FROM-first sql_query',
    sqlQuery('FROM {{ input_view }} SELECT order_id, TRUE AS condition'),
    'check.arguments.query',
    'FROM',
  ],
  [
    'a table function in sql_query',
    sqlQuery("SELECT order_id, TRUE AS condition FROM read_csv('/etc/passwd')"),
    'check.arguments.query',
    "read_csv('/etc/passwd')",
  ],
];

function expectRefusal(message: string | undefined, field: string, construct: string) {
  // refused by the allow-list, or not Spark SQL at all (the FROM-first form is not an expression)
  expect(message).toMatch(/refused|not a valid Spark SQL expression/);
  expect(message).toContain(`${field} of rule 'hostile'`);
  expect(message).toContain(construct);
  expect(message).not.toMatch(/root:x:0:0/);
}

describe.each(MODES)('$mode mode', ({ base, auth }) => {
  describe('a draft validation through the HTTP API: 400 naming rule, field and construct', () => {
    it.each(PAYLOADS)('%s', async (_what, rule, field, construct) => {
      const res = await request(base, '/api/v1/validations', {
        method: 'POST',
        ...json({ table: TABLE, rules: [rule] }),
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('bad_request');
      expectRefusal(res.body.error?.message, field, construct);
    });
  });

  describe('saving a rule set through the HTTP API: 400, nothing saved', () => {
    it.each(PAYLOADS)('%s', async (_what, rule, field, construct) => {
      const res = await request(base, `/api/v1/rule-sets/${TABLE}/versions`, {
        method: 'POST',
        ...json({ rules: [rule] }),
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expectRefusal(res.body.error?.message, field, construct);
    });

    it('a YAML rules file carrying the same SQL', async () => {
      const res = await request(base, `/api/v1/rule-sets/${TABLE}/versions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/yaml' },
        body: [
          '- name: hostile',
          '  criticality: error',
          '  filter: "main.read_csv(\'/etc/passwd\') IS NOT NULL"',
          '  check: {function: is_not_null, arguments: {column: order_id}}',
        ].join('\n'),
      });
      expect(res.status).toBe(400);
      expectRefusal(res.body.error?.message, 'filter', 'main.read_csv');
    });
  });

  describe('server actions: the same refusal', () => {
    it.each(PAYLOADS)('startDryRunAction with %s', async (_what, rule, field, construct) => {
      const res = await callAction(base, 'startDryRunAction', [{ table: TABLE, rules: [rule] }], auth);
      expect(res.status).toBe(200);
      expect(res.result).toMatchObject({ ok: false, code: 'bad_request' });
      expectRefusal(res.result!.message, field, construct);
    });

    it.each(PAYLOADS.slice(0, 4))('saveRuleSetAction with %s', async (_what, rule, field, construct) => {
      const res = await callAction(base, 'saveRuleSetAction', [{ table: TABLE, rules: [rule] }], auth);
      expect(res.result).toMatchObject({ ok: false, code: 'bad_request' });
      expectRefusal(res.result!.message, field, construct);
    });
  });
});

describe('local mode: rules the sandbox accepts still run on DuckDB', () => {
  it('a validation of legitimate SQL of every kind starts (202)', async () => {
    const rules: Rule[] = [
      notNull({ filter: "status <> 'cancelled' AND order_ts >= date_add(current_date(), -3650)" }),
      sqlExpression("amount >= 0 OR CASE WHEN status = 'returned' THEN TRUE ELSE FALSE END"),
      notNull({ message_expr: "concat('order ', cast(order_id AS STRING), ' has no id')" }),
      {
        name: 'no_duplicate_ids',
        criticality: 'warn',
        check: {
          function: 'sql_query',
          arguments: {
            query: 'SELECT order_id, count(*) > 1 AS condition FROM {{ input_view }} GROUP BY order_id',
            merge_columns: ['order_id'],
          },
        },
      },
    ].map((r, i) => ({ ...r, name: `legit_${i}` }));
    const res = await request(localUrl, '/api/v1/validations', {
      method: 'POST',
      ...json({ table: TABLE, rules }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.body.error?.message).toBeUndefined();
    expect(res.status).toBe(202);
  });
});
