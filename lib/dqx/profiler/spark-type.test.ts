import { describe, expect, it } from 'vitest';

import { flattenFields, parseSparkType, SparkTypeError, supportsDistinctValues, supportsMinMax } from './spark-type';

describe('Spark type strings', () => {
  it('parses simple, parameterised and nested types', () => {
    expect(parseSparkType('decimal(10,2)')).toEqual({ kind: 'decimal', precision: 10, scale: 2 });
    expect(parseSparkType('varchar(20)')).toEqual({ kind: 'string' });
    expect(parseSparkType('BIGINT')).toEqual({ kind: 'long' });
    expect(parseSparkType('array<map<string,int>>')).toEqual({
      kind: 'array',
      element: { kind: 'map', key: { kind: 'string' }, value: { kind: 'int' } },
    });
    expect(parseSparkType("struct<`a b`:int NOT NULL COMMENT 'x, y',c:struct<d:date>>")).toEqual({
      kind: 'struct',
      fields: [
        { name: 'a b', type: { kind: 'int' } },
        { name: 'c', type: { kind: 'struct', fields: [{ name: 'd', type: { kind: 'date' } }] } },
      ],
    });
    expect(parseSparkType('interval day to second')).toEqual({ kind: 'other', name: 'interval day to second' });
  });

  it('names integral types after their pyspark classes and keeps types the parser does not know in place', () => {
    expect(['tinyint', 'smallint', 'bigint', 'varchar'].map((t) => parseSparkType(t).kind)).toEqual([
      'byte',
      'short',
      'long',
      'string',
    ]);
    expect(parseSparkType('struct<loc:geometry(4326),tag:foo,n:int>')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'loc', type: { kind: 'geometry' } },
        { name: 'tag', type: { kind: 'other', name: 'foo' } },
        { name: 'n', type: { kind: 'int' } },
      ],
    });
  });

  it('rejects malformed type strings', () => {
    expect(() => parseSparkType('struct<a:int')).toThrow(SparkTypeError);
    expect(() => parseSparkType('int int')).toThrow(SparkTypeError);
  });

  it('flattens struct columns into parent.child fields in order, as DQX does', () => {
    const fields = flattenFields([
      { name: 'id', type: 'int' },
      { name: 'info', type: 'struct<x:double,inner:struct<code:string>>' },
      { name: 'empty', type: 'struct<>' },
    ]);
    expect(fields.map((f) => [f.name, f.topLevel])).toEqual([
      ['id', true],
      ['info.x', false],
      ['info.inner.code', false],
    ]);
  });

  it('knows which types get is_in and min_max profiles', () => {
    expect(['int', 'bigint', 'smallint', 'string', 'tinyint', 'double'].map((t) => supportsDistinctValues(parseSparkType(t)))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(['tinyint', 'int', 'float', 'decimal(5,1)', 'date', 'timestamp_ntz', 'string', 'boolean'].map((t) => supportsMinMax(parseSparkType(t)))).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
