import { describe, expect, it } from 'vitest';

import { validateChecks } from '@/lib/dqx';

import { DEFECT } from './defects';
import { SAMPLE_TABLES } from './tables';

describe('the DQX check named for each planted defect', () => {
  it.each(Object.entries(DEFECT))('%s: is a valid rule for its table', (_id, defect) => {
    const table = SAMPLE_TABLES.find((t) => `${t.schema}.${t.name}` === defect.table);
    expect(table, `table ${defect.table}`).toBeDefined();
    const result = validateChecks([{ criticality: 'error', check: defect.check }], {
      table: { name: `samples.${defect.table}`, columns: table!.columns.map((c) => ({ name: c.name, type: c.type })) },
    });
    expect(result.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([]);
  });
});
