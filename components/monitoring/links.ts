/** Where the Monitoring page sends a user: a run, a rule's failing rows, the table's History. */
const withQuery = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query).toString()}`;

/** A validation run, opened in the Validator. */
export const runHref = (table: string, runId: string) => withQuery('/validator', { table, run: runId });
/** Every failing row of one rule of a run (the Validator's paged browser of the run's failing rows). */
export const failingRowsHref = (table: string, runId: string, rule: string) => withQuery('/validator', { table, run: runId, rule, rows: '1' });
/** The table's History; `section` jumps to a part of it (`alerts`: thresholds and alerts, `pass-rate`: the chart). */
export const tableHistoryHref = (table: string, section?: 'alerts' | 'pass-rate') => `${withQuery('/history', { table })}${section ? `#${section}` : ''}`;
