import type { Cell } from './port';

/**
 * The display text of a cell, as a preview shows it: null stays null, strings as they are, numbers
 * and booleans as written, nested values (arrays, structs, maps) as JSON.
 */
export function cellToText(cell: Cell): string | null {
  if (cell === null) return null;
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}
