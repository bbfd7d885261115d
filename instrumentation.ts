/**
 * Runs once when the server starts. In local mode it opens the embedded warehouse in the
 * background (the small sample tables in a second or two; the big one is then built while the app
 * answers, see lib/warehouse/duckdb/engine.ts), and in every mode it fails the runs a previous
 * process left unfinished ("interrupted by a restart"), and in local mode it starts the scheduler
 * of scheduled checks (in databricks mode: the ingest of the scheduled jobs' runs). Deployed, it also checks and logs the
 * app's bindings and migrates the rule store.
 *
 * Nothing here is awaited: the server answers requests as soon as it is up, and both jobs load
 * their modules and do their work beside it. (Awaiting their imports made every first request of a
 * fresh `npm run dev` wait until they were compiled.) A request that needs the warehouse before the
 * warm-up got to it simply starts it; runs are only listed after recovery has had its moment, which
 * on a fresh store is no run at all.
 */
export function register() {
  // NEXT_RUNTIME is set by Next.js itself; the literal check lets the edge bundle drop the import.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  setTimeout(() => {
    void import('@/lib/warehouse/duckdb/warm-up').then(
      (m) => m.warmUpLocalWarehouse(),
      () => undefined,
    );
    void import('@/lib/jobs/local/recovery').then(
      (m) => m.recoverAtStartup(),
      () => undefined,
    );
    // Local mode: the scheduler of scheduled checks (lib/jobs/local/scheduler.ts).
    void import('@/lib/services/scheduled-runs').then(
      (m) => m.startLocalScheduler(),
      () => undefined,
    );
    // Databricks mode: the finished runs of the schedules' jobs into the run history
    // (lib/services/scheduled-job-ingest.ts).
    void import('@/lib/services/scheduled-job-ingest').then(
      (m) => m.startScheduledJobIngest(),
      () => undefined,
    );
    // Deployed: validate and log the bindings, and migrate the rule store now rather than on the
    // first request.
    void import('@/lib/services/startup').then(
      (m) => m.checkAtStartup(),
      () => undefined,
    );
  }, 0);
}
