import Link from 'next/link';

import { LocalTime } from '@/components/runs/local-time';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatPercent } from '@/lib/format/percent';
import { describeBreach, type AlertHistory } from '@/lib/services/alerting';

const DELIVERY: Record<AlertHistory['items'][number]['delivery'], string> = {
  pending: 'sending',
  sent: 'sent',
  failed: 'not delivered',
  no_webhook: 'no webhook set',
};

type Email = NonNullable<AlertHistory['items'][number]['email']>;

/** How an alert's e-mail went (databricks mode): to whom, or why not. */
function EmailOutcome({ email }: { email: Email | null }) {
  if (!email) return <>–</>;
  const to = email.recipients.join(', ');
  if (email.delivery === 'no_recipients') return <span className="text-muted-foreground">no recipients (the schedule has none)</span>;
  if (email.delivery === 'pending') return <>sending to {to}</>;
  if (email.delivery === 'sent') {
    return (
      <>
        e-mailed to {to}
        {email.attempts > 1 && ` (${email.attempts} attempts)`}
        {email.job_run_id && <div className="text-muted-foreground">Databricks run {email.job_run_id}</div>}
      </>
    );
  }
  return (
    <>
      not e-mailed to {to}
      {email.error && <div className="text-destructive">{email.error}</div>}
    </>
  );
}

/** The table's alert state and each breach and recovery, newest first, with how its webhook (and e-mail) delivery went. */
export function AlertList({ history, runHref }: { history: AlertHistory; runHref: (runId: string) => string }) {
  // e-mails exist in databricks mode only; local mode has no such column
  const emails = history.items.some((a) => a.email !== null);
  return (
    <div className="grid gap-3">
      <p className="text-sm">
        State:{' '}
        {history.state === 'breach' ? <Badge variant="destructive">Breach</Badge> : <Badge variant="success">OK</Badge>}{' '}
        <span className="text-muted-foreground">(after the latest validation run; a breach and a recovery each send one alert)</span>
      </p>
      {history.items.length === 0 ? (
        <p className="text-muted-foreground text-sm">No alert yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <Table aria-label="Alerts">
            <TableHeader>
              <TableRow>
                <TableHead>When</TableHead>
                <TableHead>Alert</TableHead>
                <TableHead>Run</TableHead>
                <TableHead>Pass rate</TableHead>
                <TableHead>Breached</TableHead>
                <TableHead>Webhook</TableHead>
                {emails && <TableHead>E-mail</TableHead>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {history.items.map((a) => (
                <TableRow key={a.id}>
                  <TableCell className="text-xs whitespace-nowrap">
                    <LocalTime iso={a.created_at} />
                  </TableCell>
                  <TableCell>
                    {a.event === 'breach' ? <Badge variant="destructive">Breach</Badge> : <Badge variant="success">Recovery</Badge>}
                    {a.payload.incomplete && <div className="text-muted-foreground text-xs">incomplete run</div>}
                  </TableCell>
                  <TableCell className="text-xs">
                    <Link className="text-primary underline" href={runHref(a.run_id)}>
                      {a.run_id.slice(0, 8)}
                    </Link>
                  </TableCell>
                  <TableCell className="text-xs">{formatPercent(a.payload.figures.pass_rate)}</TableCell>
                  <TableCell className="text-xs">{a.payload.breached.length === 0 ? '–' : a.payload.breached.map(describeBreach).join('; ')}</TableCell>
                  <TableCell className="text-xs">
                    {DELIVERY[a.delivery]}
                    {a.attempts > 1 && ` (${a.attempts} attempts)`}
                    {a.delivery_error && <div className="text-destructive">{a.delivery_error}</div>}
                  </TableCell>
                  {emails && (
                    <TableCell className="text-xs">
                      <EmailOutcome email={a.email} />
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
