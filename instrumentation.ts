/**
 * Runs once when the server starts. In local mode it opens the embedded warehouse straight away,
 * so the sample catalog is built (a few seconds, first start only) before anyone opens a page. In
 * every mode it fails the runs a previous process left unfinished ("interrupted by a restart").
 */
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself; the literal check lets the edge bundle drop the import.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { warmUpLocalWarehouse } = await import('@/lib/warehouse/duckdb/warm-up');
  warmUpLocalWarehouse();
  const { recoverAtStartup } = await import('@/lib/jobs/local/recovery');
  void recoverAtStartup();
}
