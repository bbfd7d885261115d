/**
 * The rule sets the publishing conformance tests publish (tests/conformance/test_publish_dqx.py, via
 * scripts/emit-publish-fixtures.ts and scripts/publish-lakebase-checks.ts).
 */
import type { DqxCheck } from '../lib/dqx';

/** Rule sets that use every kind of value a checks table must carry through JSON text and bound parameters. */
export const RULE_SETS: Record<string, DqxCheck[]> = {
  orders_v1: [
    { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
    { name: 'amount_range', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: { __decimal__: '0.01' }, max_limit: { __decimal__: '99999.99' } } } },
    { criticality: 'warn', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'shipped'", "'it''s \\\\ odd'"] } }, user_metadata: { owner: 'sales', 'tier ü': 2, reviewed: true } },
    { criticality: 'error', check: { function: 'is_not_null_and_not_empty', for_each_column: ['customer', 'status'] }, filter: "status <> 'cancelled'" },
    { name: 'ordered_recently', criticality: 'warn', check: { function: 'is_not_less_than', arguments: { column: 'ordered_on', limit: { __date__: '2024-01-01' } } } },
    { name: 'ratio_small', criticality: 'warn', check: { function: 'is_not_greater_than', arguments: { column: 'ratio', limit: { __float__: '2.5' } } }, message_expr: "concat('ratio ', ratio)" },
    { criticality: 'error', check: { function: 'is_unique', arguments: { columns: ['order_id', 'customer'] } }, filter: 'quantity > 0' },
    { name: 'big orders :name ${x}', criticality: 'error', check: { function: 'sql_expression', arguments: { expression: "quantity < 1000 OR status = 'bulk'", msg: 'too big: \'quoted\' and \\ back' } } },
  ],
  orders_v2: [
    { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
    { name: 'qty', criticality: 'warn', check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 500 } } },
  ],
  orders_v3: [{ name: 'qty', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 400 } } }],
};
