import { describe, expect, it } from 'vitest';

import { validateChecks } from '@/lib/dqx/validate';

import { columnOptions } from './column-options';
import { getCheck } from './engine';

const columns = [
  { name: 'order_id', type: 'bigint' },
  { name: 'email', type: 'string', comment: 'contact address' },
  { name: 'tags', type: 'array<string>' },
  { name: 'location', type: 'geometry(4326)' },
  { name: 'code', type: 'varchar(8)' },
];

describe('column suggestions', () => {
  it('lists the columns that fit the check first and tags the others, as validation judges them', () => {
    const param = getCheck('is_valid_email')!.params.find((p) => p.name === 'column');
    const options = columnOptions(columns, param);
    expect(options.map((o) => [o.value, o.tag ?? ''])).toEqual([
      ['email', ''],
      ['location', ''],
      ['code', ''],
      ['order_id', 'type may not fit'],
      ['tags', 'type may not fit'],
    ]);
    expect(options[0]!.detail).toBe('string · contact address');

    const result = validateChecks(
      columns.map((c) => ({ check: { function: 'is_valid_email', arguments: { column: c.name } } })),
      { table: { name: 'main.sales.orders', columns } },
    );
    const mismatched = result.errors
      .filter((e) => e.code === 'column_type_mismatch')
      .map((e) => columns[e.rule_index!]!.name);
    expect(mismatched).toEqual(['order_id', 'tags']);
  });

  it('keeps table order when the check takes any column', () => {
    const param = getCheck('is_not_null')!.params.find((p) => p.name === 'column');
    expect(columnOptions(columns, param).map((o) => o.value)).toEqual(columns.map((c) => c.name));
  });
});
