import { NullMarker } from '@/components/catalog/table-details';
import type { Cell } from '@/lib/warehouse/port';

/** A table value as plain text: structs, maps and arrays as JSON, NULL as its own marker. */
export function cellText(value: Cell): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * One value of a row, rendered by React as text (never as HTML): a value such as
 * `<script>alert(1)</script>` appears literally.
 */
export function CellValue({ value }: { value: Cell }) {
  if (value === null) return <NullMarker />;
  return <>{cellText(value)}</>;
}
