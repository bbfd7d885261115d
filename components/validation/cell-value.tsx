import { NullMarker } from '@/components/catalog/table-details';
import type { Cell } from '@/lib/warehouse/port';

/** The field names of a Spark `struct<a:int,b:struct<c:string>>` type, in declared order (null if not a struct). */
function structFields(type: string | undefined): { name: string; type: string }[] | null {
  const m = /^struct<(.*)>$/is.exec(type?.trim() ?? '');
  if (!m) return null;
  const fields: { name: string; type: string }[] = [];
  let depth = 0;
  let start = 0;
  const body = m[1]!;
  for (let i = 0; i <= body.length; i++) {
    const ch = body[i];
    if (ch === '<' || ch === '(') depth++;
    else if (ch === '>' || ch === ')') depth--;
    else if ((ch === ',' && depth === 0) || i === body.length) {
      const part = body.slice(start, i);
      const colon = part.indexOf(':');
      if (colon > 0) fields.push({ name: part.slice(0, colon).trim().replace(/^`|`$/g, ''), type: part.slice(colon + 1).trim() });
      start = i + 1;
    }
  }
  return fields;
}

/** A struct value with its fields in the type's declared order (whatever order the driver gave), nested structs too. */
function inTypeOrder(value: Cell, type: string | undefined): Cell {
  const fields = structFields(type);
  if (!fields || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: { [key: string]: Cell } = {};
  for (const f of fields) if (f.name in value) out[f.name] = inTypeOrder(value[f.name] ?? null, f.type);
  for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * A table value as plain text: structs, maps and arrays as JSON (a struct's fields in the order its
 * type declares them, when the type is known), NULL as its own marker.
 */
export function cellText(value: Cell, type?: string): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(inTypeOrder(value, type));
}

/**
 * One value of a row, rendered by React as text (never as HTML): a value such as
 * `<script>alert(1)</script>` appears literally.
 */
export function CellValue({ value, type }: { value: Cell; type?: string }) {
  if (value === null) return <NullMarker />;
  return <>{cellText(value, type)}</>;
}
