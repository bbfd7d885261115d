import { TablePicker } from '@/components/catalog/table-picker';

export const metadata = { title: 'Validator' };

export default async function ValidatorPage({
  searchParams,
}: {
  searchParams: Promise<{ table?: string | string[] }>;
}) {
  const { table } = await searchParams;
  const name = typeof table === 'string' && table.trim() ? table.trim() : null;
  return (
    <section className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Validator</h1>
        <p className="text-muted-foreground">Run a saved rule set against a table and see what fails.</p>
      </div>
      <section aria-labelledby="step-table" className="space-y-4">
        <h2 id="step-table" className="text-lg font-medium">
          1. Choose a table
        </h2>
        <TablePicker selected={name} autoFocus={!name} />
      </section>
      <section aria-labelledby="step-rules" className="space-y-2">
        <h2 id="step-rules" className="text-lg font-medium">
          2. Choose a rule set and validate
        </h2>
        <p className="text-muted-foreground">This step is being built.</p>
      </section>
    </section>
  );
}
