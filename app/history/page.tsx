export const metadata = { title: 'History' };

export default function HistoryPage() {
  return (
    <section className="space-y-2">
      <h1 className="text-2xl font-semibold">History</h1>
      <p className="text-muted-foreground">This page is being built.</p>
    </section>
  );
}
