import { describe, expect, it } from 'vitest';

import { parseSchemaDdl, parseSparkType, parseSparkTypeKeepingUnknown, SparkTypeError } from './spark-types';

describe('Spark type parser', () => {
  it('turns a type with an unsupported part into one unknown type, and reads everything else', () => {
    expect(parseSparkType('struct<a:geometry(4326),b:int>')).toEqual({
      kind: 'unknown',
      text: 'struct<a:geometry(4326),b:int>',
    });
    expect(parseSparkType('struct<a:int')).toEqual({ kind: 'unknown', text: 'struct<a:int' });
    expect(parseSparkType("struct<`a b`:varchar(3) NOT NULL COMMENT 'x, y'>")).toEqual({
      kind: 'struct',
      fields: [{ name: 'a b', type: { kind: 'varchar', length: 3 }, nullable: false, comment: 'x, y' }],
    });
  });

  it('keeps unsupported parts where they stand when asked to, and still rejects malformed text', () => {
    expect(parseSparkTypeKeepingUnknown('struct<a-b:geometry(4326),c:varchar,d:int>')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'a-b', type: { kind: 'unknown', text: 'geometry(4326)' }, nullable: true },
        { name: 'c', type: { kind: 'string' }, nullable: true },
        { name: 'd', type: { kind: 'int' }, nullable: true },
      ],
    });
    expect(() => parseSparkTypeKeepingUnknown('struct<a:int')).toThrow(SparkTypeError);
    expect(() => parseSparkTypeKeepingUnknown('int int')).toThrow(SparkTypeError);
  });

  it('reads a DDL field list as a struct', () => {
    expect(parseSchemaDdl('a INT, b STRING NOT NULL')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'a', type: { kind: 'int' }, nullable: true },
        { name: 'b', type: { kind: 'string' }, nullable: false },
      ],
    });
    expect(parseSchemaDdl('  ')).toEqual({ kind: 'struct', fields: [] });
    expect(() => parseSchemaDdl('a geometry')).toThrow(SparkTypeError);
  });
});
