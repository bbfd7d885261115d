export const metadata = { title: 'Validator' };

export default function ValidatorPage() {
  return (
    <section className="space-y-2">
      <h1 className="text-2xl font-semibold">Validator</h1>
      <p className="text-muted-foreground">This page is being built.</p>
    </section>
  );
}
