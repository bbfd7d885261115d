export const metadata = { title: 'Generator' };

export default function GeneratorPage() {
  return (
    <section className="space-y-2">
      <h1 className="text-2xl font-semibold">Generator</h1>
      <p className="text-muted-foreground">This page is being built.</p>
    </section>
  );
}
