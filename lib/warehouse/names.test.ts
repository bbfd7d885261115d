import { describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';

import { formatTableName, parseCatalogName, parseSchemaName, parseTableName, tableNameSchema } from './names';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('parseTableName', () => {
  it('splits a three-part name', () => {
    expect(parseTableName('samples.sales.orders')).toEqual({
      catalog: 'samples',
      schema: 'sales',
      table: 'orders',
    });
  });

  it('accepts names Unity Catalog accepts, and back-quoted parts', () => {
    expect(parseTableName('my-catalog.Sales_2024.ordres_été')).toEqual({
      catalog: 'my-catalog',
      schema: 'Sales_2024',
      table: 'ordres_été',
    });
    expect(parseTableName('`my-catalog`.sales.`orders`')).toEqual({
      catalog: 'my-catalog',
      schema: 'sales',
      table: 'orders',
    });
    expect(formatTableName(parseTableName('a.b.c'))).toBe('a.b.c');
  });

  it('says how many parts it expected', () => {
    expect(refusal(() => parseTableName('sales.orders')).message).toMatch(
      /expected catalog\.schema\.table .* got 2/,
    );
    expect(refusal(() => parseTableName('a.b.c.d')).message).toMatch(/got 4/);
  });

  it('names the empty part', () => {
    expect(refusal(() => parseTableName('samples..orders')).message).toMatch(/the schema name is empty/);
    expect(refusal(() => parseTableName('')).message).toMatch(/name is required/);
  });

  it('refuses illegal characters', () => {
    expect(refusal(() => parseTableName('samples.sales.or ders')).message).toMatch(
      /table name contains white space/,
    );
    expect(refusal(() => parseTableName('samples.sa/les.orders')).message).toMatch(
      /schema name contains a slash/,
    );
    expect(refusal(() => parseTableName('samples.sales.x`; DROP TABLE y')).message).toMatch(
      /back-quote|white space/,
    );
    expect(refusal(() => parseTableName('samples.sales.a\u0000b')).message).toMatch(/control character/);
  });

  it('refuses parts longer than 255 characters', () => {
    expect(refusal(() => parseTableName(`a.b.${'x'.repeat(256)}`)).message).toMatch(/longer than 255/);
    expect(parseTableName(`a.b.${'x'.repeat(255)}`).table).toHaveLength(255);
    expect(refusal(() => parseTableName('x'.repeat(5000))).message).toMatch(/too long/);
  });
});

describe('catalog and schema names', () => {
  it('accepts one part and refuses a dotted one', () => {
    expect(parseCatalogName('samples')).toBe('samples');
    expect(parseSchemaName('`default`')).toBe('default');
    expect(refusal(() => parseCatalogName('samples.sales')).message).toMatch(/expected catalog \(1 part/);
  });
});

describe('tableNameSchema', () => {
  it('turns a bad name into a zod issue with the same message', () => {
    const result = tableNameSchema.safeParse('only.two');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/expected catalog\.schema\.table/);
  });
});
