import { describe, expect, it } from 'vitest';

import {
  formatPyDatetime,
  javaDoubleToString,
  javaFloatToString,
  pyFloatRepr,
  pyFromIsoformat,
  pyIsDigit,
  pyJsonDumps,
  pyRepr,
  pyStrRepr,
} from './py-values';

describe('Python renderings', () => {
  it('repr(float) like CPython', () => {
    expect(pyFloatRepr(2)).toBe('2.0');
    expect(pyFloatRepr(0.1)).toBe('0.1');
    expect(pyFloatRepr(1e16)).toBe('1e+16');
    expect(pyFloatRepr(1.5e16)).toBe('1.5e+16');
    expect(pyFloatRepr(1e15)).toBe('1000000000000000.0');
    expect(pyFloatRepr(0.0001)).toBe('0.0001');
    expect(pyFloatRepr(0.00001)).toBe('1e-05');
    expect(pyFloatRepr(-0)).toBe('-0.0');
    expect(pyFloatRepr(123456789.123)).toBe('123456789.123');
    expect(pyFloatRepr(Infinity)).toBe('inf');
    expect(pyFloatRepr(NaN)).toBe('nan');
  });

  it("Java's Double.toString as Spark casts doubles to strings", () => {
    expect(javaDoubleToString(1e10)).toBe('1.0E10');
    expect(javaDoubleToString(0.0001)).toBe('1.0E-4');
    expect(javaDoubleToString(123456789)).toBe('1.23456789E8');
    expect(javaDoubleToString(9999999)).toBe('9999999.0');
    expect(javaDoubleToString(1e7)).toBe('1.0E7');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(1.5)).toBe('1.5');
    expect(javaDoubleToString(-0)).toBe('-0.0');
    expect(javaDoubleToString(NaN)).toBe('NaN');
    expect(javaDoubleToString(-Infinity)).toBe('-Infinity');
    expect(javaFloatToString(0.1)).toBe('0.1');
    expect(javaFloatToString(3.4e38)).toBe('3.4E38');
  });

  it('repr(str) quotes and escapes like Python', () => {
    expect(pyStrRepr('abc')).toBe("'abc'");
    expect(pyStrRepr("it's")).toBe('"it\'s"');
    expect(pyStrRepr('a\'b"c')).toBe("'a\\'b\"c'");
    expect(pyStrRepr('tab\tnew\nline\\')).toBe("'tab\\tnew\\nline\\\\'");
    expect(pyStrRepr('naïve 東京 😀')).toBe("'naïve 東京 😀'");
    expect(pyStrRepr('\u2028\x7f\u00a0')).toBe("'\\u2028\\x7f\\xa0'");
  });

  it('repr of check dicts with DQX markers', () => {
    expect(
      pyRepr({
        a: [1, 2.5, true, null, { __decimal__: '1.50' }, { __date__: '2024-01-05' }, { __float__: '2.0' }],
      }),
    ).toBe("{'a': [1, 2.5, True, None, Decimal('1.50'), datetime.date(2024, 1, 5), 2.0]}");
    expect(pyRepr({ __datetime__: '2024-01-01 10:00:00' })).toBe('datetime.datetime(2024, 1, 1, 10, 0)');
    expect(pyRepr({ __datetime__: '2024-01-01 10:00:05.250000+00:00' })).toBe(
      'datetime.datetime(2024, 1, 1, 10, 0, 5, 250000, tzinfo=datetime.timezone.utc)',
    );
  });

  it('json.dumps(sort_keys=True, default=str) with ensure_ascii', () => {
    expect(pyJsonDumps({ b: 1, a: [2.0, 'é', null], c: { __float__: '1e+16' } })).toBe(
      '{"a": [2, "\\u00e9", null], "b": 1, "c": 1e+16}',
    );
    expect(pyJsonDumps({ d: { __date__: '2024-01-01' }, x: { __decimal__: '1.5' } })).toBe(
      '{"d": "2024-01-01", "x": {"__decimal__": "1.5"}}',
    );
    expect(pyJsonDumps('😀')).toBe('"\\ud83d\\ude00"');
    expect(pyJsonDumps({ '\u{10000}': 1, '\uffff': 2 })).toBe('{"\\uffff": 2, "\\ud800\\udc00": 1}');
    // Python escapes everything outside space..tilde, DEL (0x7f) included: json.dumps('~\x7f') is "~\u007f"
    expect(pyJsonDumps('~\x7f')).toBe('"~\\u007f"');
  });
});

describe('datetime.fromisoformat (Python 3.11)', () => {
  it('accepts the ISO forms DQX turns into date and timestamp literals', () => {
    expect(pyFromIsoformat('2024-01-05')).toMatchObject({ year: 2024, month: 1, day: 5, hour: 0 });
    expect(pyFromIsoformat('20240105')).toMatchObject({ year: 2024, month: 1, day: 5 });
    expect(pyFromIsoformat('2024-01-05T10:20:30.5+02:00')).toMatchObject({
      hour: 10,
      minute: 20,
      second: 30,
      microsecond: 500000,
      offsetSeconds: 7200,
    });
    expect(pyFromIsoformat('2024-01-05 10:20')).toMatchObject({ hour: 10, minute: 20 });
    expect(pyFromIsoformat('2024-01-05T10')).toMatchObject({ hour: 10 });
    expect(pyFromIsoformat('2024-W01-2')).toMatchObject({ year: 2024, month: 1, day: 2 });
    expect(pyFromIsoformat('2024-01-05Z10:00')).toMatchObject({ hour: 10 });
  });

  it('rejects what Python rejects', () => {
    for (const s of [
      '2024-1-5',
      '2024-13-01',
      '2024-02-30',
      'col_b',
      '2024',
      '2024-01',
      "'2024-01-01'",
      '2024-01-05 25:00',
      '2024-01-05T10:00:00+',
    ]) {
      expect(pyFromIsoformat(s), s).toBeNull();
    }
  });

  it('renders datetimes like str(datetime)', () => {
    expect(formatPyDatetime(pyFromIsoformat('2024-01-05T10:20:30.5+02:00')!)).toBe(
      '2024-01-05 10:20:30.500000+02:00',
    );
  });

  it('str.isdigit', () => {
    expect(pyIsDigit('01234')).toBe(true);
    expect(pyIsDigit('-1')).toBe(false);
    expect(pyIsDigit('3.5')).toBe(false);
    expect(pyIsDigit('')).toBe(false);
    expect(pyIsDigit('²')).toBe(true);
  });
});
