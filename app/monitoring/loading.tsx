export default function MonitoringLoading() {
  return (
    <div className="grid gap-3" aria-busy="true" aria-label="Loading the monitored tables">
      <div className="bg-muted h-5 w-80 max-w-full animate-pulse rounded-md" />
      <div className="bg-muted h-64 animate-pulse rounded-lg" />
    </div>
  );
}
