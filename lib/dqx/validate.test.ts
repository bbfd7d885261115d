import { describe, expect, it } from 'vitest';

import type { TableSchema } from './model';
import { validateChecks } from './validate';

const table: TableSchema = {
  name: 'main.sales.orders',
  columns: [
    { name: 'order_id', type: 'bigint' },
    { name: 'email', type: 'string' },
    { name: 'amount', type: 'decimal(10,2)' },
    { name: 'status', type: 'string' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'tags', type: 'array<string>' },
    { name: 'address', type: 'struct<city:string,zip:int>' },
    { name: 'Customer Name', type: 'string' },
  ],
};

const rule = (fn: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  check: { function: fn, arguments: args },
  ...extra,
});

function issue(result: ReturnType<typeof validateChecks>, code: string) {
  return [...result.errors, ...result.warnings].find((i) => i.code === code);
}

describe('table-aware validation', () => {
  it('accepts a good rule set on the table', () => {
    const result = validateChecks(
      [
        rule('is_not_null', { column: 'order_id' }),
        rule('is_valid_email', { column: 'email' }),
        rule('is_in_range', { column: 'amount', min_limit: 0, max_limit: 1000 }),
        rule('is_in_list', { column: 'status', allowed: ["'NEW'", "'PAID'"] }),
        rule('is_not_null', { column: 'address.city' }),
        rule('is_not_null', { column: 'Customer Name' }),
        rule('is_not_null_and_not_empty_array', { column: 'tags' }),
        rule(
          'sql_expression',
          { expression: 'amount >= 0 AND size(tags) < 10' },
          { filter: "status <> 'VOID'" },
        ),
      ],
      { table },
    );
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('reports a column the table does not have, at the argument', () => {
    const result = validateChecks([rule('is_not_null', { column: 'customer_id' }, { name: 'cust' })], {
      table,
    });
    expect(result.ok).toBe(false);
    expect(issue(result, 'unknown_column')).toMatchObject({
      rule_index: 0,
      rule_name: 'cust',
      field: 'check.arguments.column',
    });
    expect(issue(result, 'unknown_column')!.message).toContain(
      "Column 'customer_id' does not exist in main.sales.orders",
    );
  });

  it('reports unknown struct fields and for_each_column entries by position', () => {
    const result = validateChecks(
      [{ check: { function: 'is_not_null', for_each_column: ['order_id', 'address.country', 'nope'] } }],
      { table },
    );
    const fields = result.errors.filter((e) => e.code === 'unknown_column').map((e) => e.field);
    expect(fields).toEqual(['check.for_each_column.1', 'check.for_each_column.2']);
    expect(result.errors[0]!.rule_name).toBe('address_country_is_null');
  });

  it('reports unknown columns in filters, message expressions, SQL expressions and limit expressions', () => {
    const result = validateChecks(
      [
        rule('is_not_null', { column: 'email' }, { filter: 'region = 1' }),
        rule('is_not_null', { column: 'email' }, { message_expr: "concat('bad ', nope)" }),
        rule('sql_expression', { expression: 'total > 0' }),
        rule('is_not_less_than', { column: 'amount', limit: 'min_amount' }),
      ],
      { table },
    );
    const unknown = result.errors.filter((e) => e.code === 'unknown_column');
    expect(unknown.map((e) => [e.rule_index, e.field])).toEqual([
      [0, 'filter'],
      [1, 'message_expr'],
      [2, 'check.arguments.expression'],
      [3, 'check.arguments.limit'],
    ]);
    expect(unknown[3]!.message).toContain('a string literal needs quotes');
  });

  it('reports arguments that do not fit the column type', () => {
    const result = validateChecks(
      [
        rule('is_in_range', { column: 'status', min_limit: 1, max_limit: 5 }),
        rule('is_valid_email', { column: 'order_id' }),
        rule('is_in_list', { column: 'amount', allowed: ["'x'", 1] }),
        rule('is_not_null_and_not_empty_array', { column: 'email' }),
        rule('is_not_greater_than', { column: 'created_at', limit: '2024-01-01' }),
      ],
      { table },
    );
    const codes = result.errors.map((e) => [e.rule_index, e.code, e.field]);
    expect(codes).toContainEqual([0, 'argument_type_mismatch', 'check.arguments.min_limit']);
    expect(codes).toContainEqual([0, 'argument_type_mismatch', 'check.arguments.max_limit']);
    expect(codes).toContainEqual([1, 'column_type_mismatch', 'check.arguments.column']);
    expect(codes).toContainEqual([2, 'argument_type_mismatch', 'check.arguments.allowed.0']);
    expect(codes).not.toContainEqual([2, 'argument_type_mismatch', 'check.arguments.allowed.1']);
    expect(codes).toContainEqual([3, 'column_type_mismatch', 'check.arguments.column']);
    expect(codes.filter(([i]) => i === 4)).toEqual([]);
  });

  it('reports regexes that do not compile in Java, and those DuckDB cannot run', () => {
    const bad = validateChecks([
      rule('regex_match', { column: 'email', regex: '([a-z]+' }),
      rule('regex_match', { column: 'email', regex: 'a{2' }),
    ]);
    expect(bad.errors.map((e) => [e.code, e.field])).toEqual([
      ['invalid_regex', 'check.arguments.regex'],
      ['invalid_regex', 'check.arguments.regex'],
    ]);
    expect(bad.errors[0]!.message).toContain('Unclosed group');
    const lookahead = validateChecks([rule('regex_match', { column: 'email', regex: '^(?=.*@).+$' })], {
      table,
      dialect: 'duckdb',
    });
    expect(lookahead.ok).toBe(true);
    expect(issue(lookahead, 'regex_not_portable')).toMatchObject({
      severity: 'warning',
      field: 'check.arguments.regex',
    });
    expect(
      validateChecks([rule('regex_match', { column: 'email', regex: '^(?=.*@).+$' })], {
        table,
        dialect: 'databricks',
      }).warnings,
    ).toEqual([]);
  });

  it('reports unsafe filters and broken expressions', () => {
    const result = validateChecks(
      [
        rule('is_not_null', { column: 'email' }, { filter: 'status = 1; DROP TABLE x' }),
        rule('is_not_null', { column: 'email' }, { filter: "status = 'unclosed" }),
      ],
      { table },
    );
    expect(result.errors.map((e) => [e.rule_index, e.code])).toEqual([
      [0, 'unsafe_filter'],
      [1, 'invalid_expression'],
    ]);
  });

  it('warns that job-only checks do not run on the fast path', () => {
    const result = validateChecks(
      [
        rule('is_latitude', { column: 'amount' }),
        rule('is_in_distribution', { column: 'status', distribution: { A: 0.5, B: 0.5 }, distance: 0.1 }),
        rule('is_unique', { columns: ['order_id'] }),
      ],
      { table },
    );
    expect(result.ok).toBe(true);
    expect(result.warnings.filter((w) => w.code === 'job_only').map((w) => w.rule_index)).toEqual([0, 1]);
  });

  it('names issues after the derived rule name when the rule has none', () => {
    const result = validateChecks([rule('has_valid_string_case', { column: 'status', case: 'camel' })]);
    expect(result.errors[0]).toMatchObject({
      rule_name: 'status_has_invalid_camel_string_case',
      field: 'check.arguments.case',
      code: 'invalid_argument',
    });
  });
});
