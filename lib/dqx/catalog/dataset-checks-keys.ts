/** How DQX renders a list of key columns as one Column: `F.col(c)`, or `F.struct(F.col(c)...)`. */
export function keyRendering(columns: unknown): string {
  if (!Array.isArray(columns) || columns.length === 0) return '';
  const names = columns.map((c) => (typeof c === 'string' ? c : ''));
  return names.length === 1 ? names[0]! : `struct(${names.join(', ')})`;
}
