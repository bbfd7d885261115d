import { describe, expect, it } from 'vitest';

import { dqxValueText, evidenceText, parametersText } from './evidence';

describe('generation evidence as text', () => {
  it('renders DQX typed values', () => {
    expect(dqxValueText({ type: 'int', value: '12345678901234567890' })).toBe('12345678901234567890');
    expect(dqxValueText({ type: 'decimal', value: '10.50' })).toBe('10.50');
    expect(dqxValueText({ type: 'float', value: 0.25 })).toBe('0.25');
    expect(dqxValueText({ type: 'date', value: '2025-06-30' })).toBe('2025-06-30');
    expect(dqxValueText(['a', { type: 'int', value: '2' }])).toBe('[a, 2]');
    expect(dqxValueText(null)).toBe('null');
    expect(parametersText({ min: { type: 'int', value: '1' }, max: { type: 'int', value: '100' } })).toBe('min 1, max 100');
  });

  it('says where a profile rule comes from and over how many rows', () => {
    const text = evidenceText({
      profile: 'min_max',
      column: 'quantity',
      statistic: 'max',
      value: { type: 'int', value: '100' },
      statistics: {},
      thresholds: { remove_outliers: true },
      parameters: { min: { type: 'int', value: '1' }, max: { type: 'int', value: '100' } },
      description: null,
      rowsProfiled: 1000,
    });
    expect(text).toContain('DQX profile “min_max” of column quantity');
    expect(text).toContain('min 1, max 100');
    expect(text).toContain('Computed over 1,000 profiled rows');
  });

  it('names the model for model rules', () => {
    expect(evidenceText({ model: 'fake-dqx-model' })).toContain('fake-dqx-model');
  });
});
