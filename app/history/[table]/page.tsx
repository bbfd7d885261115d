import { redirect } from 'next/navigation';

/** `/history/<table>` is a readable alias of `/history?table=<table>`. */
export default async function TableHistoryAlias({ params }: { params: Promise<{ table: string }> }) {
  const { table } = await params;
  let name = table;
  try {
    name = decodeURIComponent(table);
  } catch {
    // not percent-encoded: use it as it is
  }
  redirect(`/history?${new URLSearchParams({ table: name }).toString()}`);
}
