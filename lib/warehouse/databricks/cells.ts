/**
 * Values from the driver -> the port's JSON-safe Cells. With `preserveBigNumericPrecision` the
 * driver returns BIGINT as bigint and DECIMAL as exact strings; both stay exact here (bigint ->
 * decimal string). Dates become `YYYY-MM-DD`, timestamps ISO text, binary base64, non-finite
 * floats the strings 'NaN' / 'Infinity' / '-Infinity'; arrays, maps and structs recursively.
 */
import type { Cell } from '../port';

export function toCell(value: unknown, sparkType?: string, depth = 0): Cell {
  if (value === null || value === undefined) return null;
  if (depth > 32) return String(value);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'number':
      if (Number.isFinite(value)) return value;
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return sparkType === 'date' ? iso.slice(0, 10) : iso;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => toCell(v, undefined, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, Cell> = {};
    for (const [k, v] of value) out[String(k)] = toCell(v, undefined, depth + 1);
    return out;
  }
  // node-int64 and similar wrappers
  const maybe = value as { toOctetString?: () => string; toNumber?: (allowImprecise?: boolean) => number };
  if (typeof maybe.toNumber === 'function' && typeof maybe.toOctetString === 'function') {
    const n = maybe.toNumber(true);
    return Number.isSafeInteger(n) ? String(n) : BigInt('0x' + maybe.toOctetString()).toString();
  }
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toCell(v, undefined, depth + 1);
  return out;
}
