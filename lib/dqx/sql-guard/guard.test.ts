import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadVectors } from '@/tests/conformance/vectors';

import { CHECKS } from '../catalog';
import { expandChecks } from '../fingerprint';
import type { DqxCheck } from '../model';
import { validateChecks } from '../validate';
import { guardFragment, ruleFragments } from './fragments';
import { guardExpression, guardQuery, shadowedColumn } from './guard';
import allowList from './allow-list.json';

const INPUT = '__dqx_q_input';

function refusedRule(text: string): string | null {
  const r = guardExpression(text);
  return r.ok ? null : r.refusal.rule;
}

describe('the SQL sandbox accepts what DQX rules need', () => {
  it.each([
    "status <> 'VOID'",
    "concat('amount ', cast(amount as string), ' out of range')",
    'amount-discount > 0',
    'a <=> b AND NOT (c == 1 || d != 2)',
    "CASE WHEN a IS NULL THEN 'none' WHEN a > 1 THEN 'big' ELSE 'small' END",
    "regexp_like(email, '^[a-z]+@') AND email RLIKE '^x' AND name LIKE 'a%' ESCAPE '!'",
    'try_cast(code AS INT) BETWEEN 1 AND 10',
    'cast(amount AS decimal(10,2)) > 1.5BD AND qty > 1L',
    "date_add(order_date, 1) < current_date() AND order_ts > timestamp '2020-01-01 00:00:00'",
    "extract(YEAR FROM d) > 2000 AND trim(BOTH 'x' FROM s) <> '' AND substring(s, 1, 2) = 'ab'",
    'interval 1 day + d < current_timestamp()',
    'exists(items, x -> x.qty > 0) AND size(filter(tags, t -> t IS NULL)) = 0',
    "transform(arr, (x, i) -> x + i)[0] > 1 AND map_keys(m)[0] = 'k' AND s.inner.field = 1",
    "x'0A' = payload",
    '`odd name`.`field` > 1',
    "named_struct('a', 1).a = 1 AND struct(a AS x).x = 1 AND array(1, 2)[0] = 1",
  ])('%s', (text) => {
    const r = guardExpression(text);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('names the columns a fragment reads, lambda parameters excluded, a-b read as subtraction', () => {
    const r = guardExpression('exists(items, x -> x.qty > limit_col) AND amount-discount > s.f');
    expect(r.ok && r.columns).toEqual([['items'], ['limit_col'], ['amount'], ['discount'], ['s', 'f']]);
    expect(r.ok && r.lambdaParameters).toEqual(['x']);
  });

  it('embeds the tokens as written, comments dropped', () => {
    const r = guardExpression("a /* c */ > 1 -- rest\n AND b = 'x -- not a comment'");
    expect(r.ok && r.canonical).toBe("a > 1 AND b = 'x -- not a comment'");
  });

  it('reads the exact tables of a sql_query query from its parse tree', () => {
    const r = guardQuery(
      `WITH recent AS (SELECT * FROM main.sales.orders WHERE d > current_date() - 7)
       SELECT i.id, count(r.id) = 0 AS condition
       FROM ${INPUT} i LEFT JOIN recent r ON i.id = r.id, \`c\`.\`s\`.\`t\` x
       WHERE i.id IN (SELECT id FROM other.t2) GROUP BY i.id`,
      INPUT,
    );
    expect(r.ok && r.tables).toEqual(['main.sales.orders', 'c.s.t', 'other.t2']);
    expect(r.ok && r.template).toContain('FROM __dqx_q_t0 WHERE');
  });

  it('accepts every example of the check catalogue', () => {
    const refused: string[] = [];
    for (const c of CHECKS) {
      for (const rule of expandChecks([{ check: c.example as DqxCheck['check'] }])) {
        for (const f of ruleFragments(rule)) {
          const r = guardFragment(f);
          if (!r.ok) refused.push(`${c.name} ${f.field}: ${r.refusal.message}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  it('accepts every SQL fragment of the conformance vectors (a few are invalid on purpose, as syntax)', () => {
    const refused: string[] = [];
    let fragments = 0;
    for (const v of loadVectors()) {
      let rules;
      try {
        rules = expandChecks(v.checks as DqxCheck[]);
      } catch {
        continue; // vectors of checks DQX refuses
      }
      for (const rule of rules) {
        for (const f of ruleFragments(rule)) {
          fragments++;
          const r = guardFragment(f);
          if (!r.ok && r.refusal.rule !== 'syntax')
            refused.push(`${v.name} ${f.field} ${f.text}: ${r.refusal.message}`);
        }
      }
    }
    expect(fragments).toBeGreaterThan(100);
    expect(refused).toEqual([]);
  });

  it('accepts every rule example of docs/dqx-checks.md', () => {
    const docs = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'dqx-checks.md'), 'utf8');
    const texts = [...docs.matchAll(/^\s*(?:filter|message_expr|expression|query): (.+)$/gm)].map((m) =>
      m[1]!.replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2'),
    );
    expect(texts.length).toBeGreaterThan(3);
    for (const t of texts) {
      const r = /\bselect\b/i.test(t)
        ? guardQuery(t.replace(/\{\{\s*input_view\s*\}\}/g, INPUT), INPUT)
        : guardExpression(t);
      expect(r.ok, `${t}: ${JSON.stringify(r)}`).toBe(true);
    }
  });
});

describe('the SQL sandbox refuses what could read files, tables, secrets or the network', () => {
  it.each([
    ["FROM read_csv('/etc/passwd')", 'syntax'],
    ["1 FROM read_csv('/etc/passwd')", 'syntax'],
    ["main.read_csv('/etc/passwd') IS NULL", 'qualified_function'],
    ["main.query('SELECT 1') IS NULL", 'qualified_function'],
    ["`main`.read_text('/etc/passwd') IS NULL", 'qualified_function'],
    ["read_text('/etc/passwd') IS NULL", 'function_not_allowed'],
    ["length(getenv('HOME')) > 0", 'function_not_allowed'],
    ["secret('scope', 'key') = 'x'", 'function_not_allowed'],
    ["http_request(conn => 'c', method => 'GET', path => '/') IS NULL", 'function_not_allowed'],
    ["ai_query('endpoint', 'prompt') = 'x'", 'function_not_allowed'],
    ["read_files('/Volumes/x') IS NULL", 'function_not_allowed'],
    ["reflect('java.lang.Runtime', 'getRuntime') IS NULL", 'function_not_allowed'],
    ["`read_csv`('/etc/passwd') IS NULL", 'function_not_allowed'],
    ['a IN (SELECT id FROM main.other.t)', 'subquery'],
    ['EXISTS (SELECT 1 FROM main.other.t)', 'subquery'],
    ['(SELECT max(x) FROM t) > 1', 'subquery'],
    ['count(*) > 1', 'aggregate_not_allowed'],
    ['exists(arr, x -> x IN (SELECT id FROM t))', 'subquery'],
    ["exists(arr, read_csv -> read_csv('/etc/passwd') IS NULL)", 'function_not_allowed'],
    ['upper(x -> x) = 1', 'lambda'],
    ['x -> x', 'lambda'],
    ['a = ?', 'parameter'],
    ['a = :p', 'parameter'],
    ["IDENTIFIER('a') = 1", 'construct'],
    ['a = 1; DROP TABLE t', 'syntax'],
  ])('%s', (text, rule) => {
    expect(refusedRule(text)).toBe(rule);
  });

  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')", 'table_function'],
    ["SELECT * FROM main.read_csv('/etc/passwd')", 'table_function'],
    ["SELECT * FROM read_files('/Volumes/x')", 'table_function'],
    [`SELECT main.query('SELECT 1') AS condition FROM ${INPUT}`, 'qualified_function'],
    [`FROM ${INPUT} SELECT TRUE AS condition`, 'from_first_query'],
    [`SELECT * FROM ${INPUT} PIVOT (count(*) FOR id IN (1, 2))`, 'pivot'],
    [`SELECT * FROM ${INPUT} UNPIVOT (v FOR k IN (a, b))`, 'pivot'],
    [`SELECT secret('s', 'k') AS condition FROM ${INPUT}`, 'function_not_allowed'],
    [`SELECT * FROM ${INPUT}; DROP TABLE t`, 'statement'],
    ['DELETE FROM t', 'statement'],
    ['SHOW TABLES', 'statement'],
    [`SELECT * FROM ${INPUT} LATERAL VIEW explode(a) e AS x`, 'construct'],
    ["SELECT TRANSFORM(a) USING 'cat' FROM t", 'construct'],
    ['SELECT * FROM t TABLESAMPLE (10 PERCENT)', 'construct'],
    ['SELECT * FROM t VERSION AS OF 1', 'construct'],
  ])('query: %s', (text, rule) => {
    const r = guardQuery(text, INPUT);
    expect(r.ok ? null : r.refusal.rule, JSON.stringify(r)).toBe(rule);
  });

  it('drops hints with the comments they are written as', () => {
    const r = guardQuery(`SELECT /*+ BROADCAST(t) */ * FROM ${INPUT}`, INPUT);
    expect(r.ok && r.canonical).toBe(`SELECT * FROM ${INPUT}`);
  });

  it('refuses a lambda parameter that hides a column of the table', () => {
    const r = guardExpression('exists(items, amount -> amount > 0)');
    expect(r.ok).toBe(true);
    expect(r.ok && shadowedColumn(r, (n) => n === 'amount')?.rule).toBe('lambda_shadows_column');
    expect(r.ok && shadowedColumn(r, () => false)).toBeNull();
  });

  it('refuses oversized and deeply nested fragments quickly', () => {
    expect(refusedRule('a = 1 OR '.repeat(3000) + 'TRUE')).toBe('too_long');
    expect(refusedRule('('.repeat(200) + '1' + ')'.repeat(200))).toBe('too_deep');
  });

  it('names the rule, the field and the construct in the validator', () => {
    const v = validateChecks([
      {
        name: 'r1',
        check: { function: 'is_not_null', arguments: { column: 'id' } },
        filter: "main.read_csv('/etc/passwd') IS NULL",
      },
      {
        name: 'r2',
        check: { function: 'sql_expression', arguments: { expression: "secret('s', 'k') = 'x'" } },
      },
      { name: 'r3', check: { function: 'is_not_null', arguments: { column: "upper(http_request('x'))" } } },
    ]);
    expect(v.errors.map((e) => [e.rule_name, e.field, e.code])).toEqual([
      ['r1', 'filter', 'sql_not_allowed'],
      ['r2', 'check.arguments.expression', 'sql_not_allowed'],
      ['r3', 'check.arguments.column', 'sql_not_allowed'],
    ]);
    expect(v.errors[0]!.message).toContain(`rule 'r1'`);
    expect(v.errors[0]!.message).toContain(`"main.read_csv('/etc/passwd')"`);
  });

  it('keeps the allow-list sorted and free of file, table, secret and network functions', () => {
    const all = [
      ...allowList.scalar_functions,
      ...allowList.higher_order_functions,
      ...allowList.aggregate_functions,
      ...allowList.window_functions,
    ];
    for (const bad of [
      'read_files',
      'read_csv',
      'read_text',
      'secret',
      'http_request',
      'ai_query',
      'reflect',
      'java_method',
      'query',
      'getenv',
      'current_user',
      'session_user',
    ])
      expect(all).not.toContain(bad);
    for (const list of [allowList.scalar_functions, allowList.aggregate_functions])
      expect(list).toEqual([...list].sort());
  });
});
