import { describe, expect, it } from 'vitest';

import { FLOOR_PREDICATES } from './floors';
import { sodaChecks, translateDatasetRule, translateRowRule } from './peers';
import { DATASET_RULES, ROW_RULES } from './rules';

const row = (name: string) => {
  const i = FLOOR_PREDICATES.findIndex(([n]) => n === name);
  if (i < 0) throw new Error(`no bench rule ${name}`);
  return translateRowRule(ROW_RULES[i]!, name, FLOOR_PREDICATES[i]![1]);
};

describe('bench rules translated for Soda Core and Great Expectations', () => {
  it('uses each peer’s own null check, with the rule filter carried to Soda and SQL for GX', () => {
    const plain = row('customer_id_is_null');
    expect(plain.soda).toEqual({
      form: 'native',
      check: { 'missing_count(customer_id) = 0': { name: 'customer_id_is_null' } },
    });
    expect(plain.gx.expectation).toEqual({
      type: 'ExpectColumnValuesToNotBeNull',
      kwargs: { column: 'customer_id' },
    });

    const filtered = row('shipped_without_date');
    expect(filtered.soda.check).toEqual({
      'missing_count(shipped_date) = 0': {
        name: 'shipped_without_date',
        filter: "status IN ('shipped', 'delivered')",
      },
    });
    expect(filtered.gx.form).toBe('custom_sql');
    expect(filtered.gx.expectation?.kwargs.unexpected_rows_query).toMatch(
      /^SELECT \* FROM \{batch\} WHERE \(status IN \('shipped', 'delivered'\)\) AND /,
    );
  });

  it('turns ranges and lists into valid min/max and valid values, quotes of DQX literals removed', () => {
    expect(row('quantity_not_in_range').soda.check).toEqual({
      'invalid_count(quantity) = 0': { name: 'quantity_not_in_range', 'valid min': 1, 'valid max': 1000 },
    });
    expect(row('amount_less_than_limit').gx.expectation).toEqual({
      type: 'ExpectColumnValuesToBeBetween',
      kwargs: { column: 'amount', min_value: 0 },
    });
    const status = row('status_is_not_in_the_list');
    expect(status.soda.check?.['invalid_count(status) = 0']?.['valid values']).toEqual([
      'pending',
      'shipped',
      'delivered',
      'cancelled',
      'returned',
    ]);
    expect(status.gx.expectation?.kwargs.value_set).toContain('shipped');
  });

  it('expresses null-or-empty as Soda missing values and the rest as SQL where neither peer has a check', () => {
    expect(row('email_is_null_or_empty').soda.check).toEqual({
      'missing_count(email) = 0': { name: 'email_is_null_or_empty', 'missing values': [''] },
    });
    const future = row('order_date_in_future');
    expect(future.soda).toMatchObject({
      form: 'custom_sql',
      check: {
        'failed rows': {
          name: 'order_date_in_future',
          'fail condition': expect.stringContaining('order_date >'),
        },
      },
    });
    expect(
      row('product_sku_not_matching_regex').soda.check?.['invalid_count(product_sku) = 0'],
    ).toMatchObject({
      'valid regex': expect.stringMatching(/^\^\[A-Z\]\{3\}-/),
    });
    expect(row('product_sku_not_matching_regex').gx.form).toBe('custom_sql');
  });

  it('translates the dataset rules, NULL keys kept as one group for the aggregate', () => {
    const [unique, aggr, fk] = DATASET_RULES.map((r, i) =>
      translateDatasetRule(r, `d${i}`, '"orders"', '"country_ref"'),
    );
    expect(unique!.gx.expectation).toEqual({
      type: 'ExpectColumnValuesToBeUnique',
      kwargs: { column: 'order_id' },
    });
    expect(unique!.soda.check?.['failed rows']?.['fail query']).toContain('HAVING count(*) > 1');
    expect(aggr!.soda.check?.['failed rows']?.['fail query']).toContain('IS NOT DISTINCT FROM');
    expect(aggr!.gx.expectation?.kwargs.unexpected_rows_query).toContain('FROM {batch} AS t');
    expect(fk!.soda.check).toEqual({
      'values in (country_code) must exist in "country_ref" (code)': { name: 'd2' },
    });
  });

  it('lists a rule it has no translation for as unsupported instead of dropping it', () => {
    const odd = translateRowRule(
      {
        criticality: 'error',
        check: { function: 'is_older_than_n_days', arguments: { column: 'd', days: 1 } },
      },
      'odd',
      'FALSE',
    );
    expect(odd.soda.form).toBe('unsupported');
    expect(odd.gx.form).toBe('unsupported');
    const doc = sodaChecks([row('order_id_is_null'), odd], 'orders');
    expect(doc['checks for orders']).toEqual([
      { 'missing_count(order_id) = 0': { name: 'order_id_is_null' } },
    ]);
  });
});
