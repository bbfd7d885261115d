export function GeneratorRulesSkeleton() {
  return (
    <div className="grid gap-3 sm:grid-cols-2" aria-busy="true" aria-label="Loading the table's columns">
      <div className="bg-muted h-48 animate-pulse rounded-lg sm:col-span-2" />
      <div className="bg-muted h-32 animate-pulse rounded-lg" />
      <div className="bg-muted h-32 animate-pulse rounded-lg" />
    </div>
  );
}
