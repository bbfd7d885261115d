import { describe, expect, it } from 'vitest';

import {
  compareNumbers,
  decimalToIntegral,
  javaDoubleToString,
  pyDecimal,
  pyDecimalStr,
  pyFloat,
  pyFloatRepr,
  pyFormatFixed,
  pyInt,
  sparkDecimalAverage,
} from './values';

describe('Python and Java number text', () => {
  it('renders floats like Python repr()', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1e16, '1e+16'],
      [1e-5, '1e-05'],
      [123456789012345680, '1.2345678901234568e+17'],
      [0.0001, '0.0001'],
      [1, '1.0'],
      [-0, '-0.0'],
      [1e22, '1e+22'],
      [5e-324, '5e-324'],
      [1.5e300, '1.5e+300'],
      [NaN, 'nan'],
    ];
    for (const [x, text] of cases) expect(pyFloatRepr(x), String(x)).toBe(text);
  });

  it("formats '.1f' on the exact binary value, ties to even like Python", () => {
    expect([0.25, 0.35, 0.05, 99.95, 1, 12.5].map((x) => pyFormatFixed(x, 1))).toEqual(['0.2', '0.3', '0.1', '100.0', '1.0', '12.5']);
    expect(pyFormatFixed(2.675, 2)).toBe('2.67');
  });

  it("renders doubles like Java's Double.toString (Spark's cast to string)", () => {
    expect([1e7, 1e-4, 0.001, 12, 1234567, -2.5e-7, 1.23456785e7].map(javaDoubleToString)).toEqual([
      '1.0E7',
      '1.0E-4',
      '0.001',
      '12.0',
      '1234567.0',
      '-2.5E-7',
      '1.23456785E7',
    ]);
  });

  it('renders decimals like Python str(Decimal) / Java BigDecimal.toString', () => {
    expect(pyDecimalStr('1.0E7')).toBe('1.0E+7');
    expect(pyDecimalStr('0.00010')).toBe('0.00010');
    expect(pyDecimalStr('0.0000000001')).toBe('1E-10');
    expect(pyDecimalStr('-12.50')).toBe('-12.50');
  });
});

describe('decimal arithmetic as DQX and Spark do it', () => {
  it('rounds to integral values keeping the sign of zero', () => {
    expect(decimalToIntegral('-0.25', 'up')).toBe('-0');
    expect(decimalToIntegral('24.75', 'up')).toBe('25');
    expect(decimalToIntegral('-5.2500', 'down')).toBe('-6');
    expect(decimalToIntegral('0.00', 'down')).toBe('0');
  });

  it("averages decimals at Spark's result scale, rounding half up", () => {
    // 3 values summing to 1.00 at scale 2 -> avg scale 6
    expect(sparkDecimalAverage('1.00', 3n, 10, 2)).toBe('0.333333');
    expect(sparkDecimalAverage('2.00', 3n, 10, 2)).toBe('0.666667');
    expect(sparkDecimalAverage('-2.00', 3n, 10, 2)).toBe('-0.666667');
  });

  it('compares mixed Python numbers exactly', () => {
    expect(compareNumbers(pyFloat(0.1), pyDecimal('0.1'))).toBe(1);
    expect(compareNumbers(pyFloat(0.5), pyDecimal('0.50'))).toBe(0);
    expect(compareNumbers(pyInt(2n ** 53n + 1n), pyFloat(2 ** 53))).toBe(1);
    expect(compareNumbers(pyFloat(-Infinity), pyInt(-5))).toBe(-1);
    expect(Number.isNaN(compareNumbers(pyFloat(NaN), pyInt(1)))).toBe(true);
  });
});
