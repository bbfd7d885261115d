import { redirect } from 'next/navigation';

/** `/history/<table>` is a readable alias of `/history?table=<table>`. */
export default async function TableHistoryAlias({ params }: { params: Promise<{ table: string }> }) {
  const { table } = await params;
  redirect(`/history?${new URLSearchParams({ table: decodeURIComponent(table) }).toString()}`);
}
