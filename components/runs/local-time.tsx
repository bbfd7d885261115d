'use client';

const FORMAT: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};

/**
 * A point in time in the reader's own time zone. The server renders it in its zone and the
 * browser re-renders it in the reader's, so the text may change once after loading.
 */
export function LocalTime({ iso, className, withSeconds }: { iso: string | null | undefined; className?: string; withSeconds?: boolean }) {
  if (!iso) return <span className={className}>–</span>;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span className={className}>{iso}</span>;
  return (
    <time dateTime={date.toISOString()} className={className} title={date.toISOString()} suppressHydrationWarning>
      {date.toLocaleString('en-GB', withSeconds ? { ...FORMAT, second: '2-digit' } : FORMAT)}
    </time>
  );
}
