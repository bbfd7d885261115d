import Link from 'next/link';
import { Suspense } from 'react';

import { TableMessage } from '@/components/catalog/table-view';
import { DiffView } from '@/components/history/diff-view';
import { ProposalActions, ProposalCommentForm } from '@/components/history/proposal-actions';
import { ProposalStatus } from '@/components/history/proposal-status';
import { formatPercent } from '@/lib/format/percent';
import { LocalTime } from '@/components/runs/local-time';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { ProposalId } from '@/lib/services/proposal-schemas';
import { getProposal, proposalImpact } from '@/lib/services/proposals';

export const metadata = { title: 'Review a proposal' };

const historyHref = (table: string, extra: Record<string, string> = {}) =>
  `/history?${new URLSearchParams({ table, ...extra }).toString()}`;

/** The rows each added or changed rule would fail on the whole table, measured as the caller. */
async function Impact({ table, id }: { table: string; id: string }) {
  const impact = await proposalImpact(await getCaller(), table, id);
  if (impact.message) return <p className="text-muted-foreground text-sm">{impact.message}</p>;
  return (
    <div className="grid gap-2">
      <p className="text-sm">
        On the whole table ({impact.total_rows?.toLocaleString('en-US') ?? '?'} rows), as you can read it:
      </p>
      <div className="overflow-x-auto rounded-md border">
        <Table aria-label="Impact on the data">
          <TableHeader>
            <TableRow>
              <TableHead>Rule</TableHead>
              <TableHead>Change</TableHead>
              <TableHead className="text-right">Rows it would fail</TableHead>
              <TableHead className="text-right">Share</TableHead>
              <TableHead>Examples</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {impact.rules.map((r, i) => (
              <TableRow key={`${r.name}-${i}`} data-impact-rule={r.name}>
                <TableCell className="font-mono text-xs break-all">{r.name}</TableCell>
                <TableCell className="text-xs">{r.change}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {r.failing_rows === null ? '–' : r.failing_rows.toLocaleString('en-US')}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {r.failing_share === null ? '–' : formatPercent(r.failing_share)}
                </TableCell>
                <TableCell
                  className="max-w-72 truncate font-mono text-xs"
                  title={r.message ?? r.examples.join(', ')}
                >
                  {r.message ??
                    (r.examples.join(', ') || <span className="text-muted-foreground">none</span>)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}

/**
 * The review of one proposed version: what it changes against the active version (the semantic
 * diff), what that does to the data (rows each added or changed rule would fail), the discussion,
 * and approve / reject / withdraw / a fresh look for a stale one.
 */
export default async function ProposalPage({ params }: { params: Promise<{ table: string; id: string }> }) {
  const { table: rawTable, id } = await params;
  let table = rawTable;
  try {
    table = decodeURIComponent(rawTable);
  } catch {
    // not percent-encoded
  }
  const caller = await getCaller();
  const parsedId = ProposalId.safeParse(id);
  const refused = (message: string) => (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold">Review a proposal</h1>
      <TableMessage title="This proposal cannot be shown">
        <p>{message}</p>
        <p>
          <Link href="/history">All tables with rule sets</Link>
        </p>
      </TableMessage>
    </section>
  );
  if (!parsedId.success) return refused('The address does not name a proposal.');
  let detail;
  try {
    detail = await getProposal(caller, table, parsedId.data);
  } catch (error) {
    if (isAppError(error)) return refused(error.message);
    throw error;
  }
  const p = detail;
  return (
    <section className="space-y-8">
      <div className="space-y-2">
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link className="text-primary underline" href={historyHref(p.table_name)}>
            History of {p.table_name}
          </Link>
        </nav>
        <h1 className="text-2xl font-semibold">
          Proposed version {p.version} of <span className="font-mono break-all">{p.table_name}</span>
        </h1>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <ProposalStatus proposal={p} />
          <span>
            Proposed by {p.author} <LocalTime iso={p.created_at} />
          </span>
          <span className="text-muted-foreground">
            Against {p.base_version === null ? 'no active version' : `version ${p.base_version}`}; active now:{' '}
            {p.active_version === null ? 'none' : `version ${p.active_version}`}
          </span>
          {p.rights.four_eyes && (
            <span className="text-muted-foreground">Four eyes: someone other than the author approves.</span>
          )}
        </div>
        {p.user_prompt && <p className="text-sm">Request: {p.user_prompt}</p>}
        {p.status === 'rejected' && (
          <p className="text-sm" data-testid="rejection">
            Rejected by {p.reviewed_by}: {p.reason}
          </p>
        )}
        {p.status === 'approved' && (
          <p className="text-sm">
            Approved by {p.reviewed_by} {p.reviewed_at && <LocalTime iso={p.reviewed_at} />}
          </p>
        )}
        {p.stale && (
          <p role="note" className="rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
            The active version changed since this was proposed. The diff and impact below are against the
            active version now; a steward confirms a fresh look before it can be approved.
          </p>
        )}
      </div>

      <section aria-labelledby="review-actions" className="grid gap-3">
        <h2 id="review-actions" className="text-base font-medium">
          Review
        </h2>
        <p className="text-muted-foreground text-sm">
          {p.rights.steward
            ? `You are a steward of this table (${p.rights.steward_sources.join('; ') || 'steward'}).`
            : `Only stewards of this table approve or reject (${p.rights.requirement}).${p.rights.owner ? ` Its owner is ${p.rights.owner}.` : ''}`}
        </p>
        <ProposalActions table={p.table_name} id={p.id} version={p.version} permissions={p.permissions} />
      </section>

      <section aria-labelledby="changes" className="grid gap-3">
        <h2 id="changes" className="text-base font-medium">
          What it changes
        </h2>
        {p.diff ? (
          <>
            {p.diff.from.version === 0 && (
              <p className="text-muted-foreground text-sm">
                No version is active: every rule is new (version 0 stands for none).
              </p>
            )}
            <DiffView diff={p.diff} />
          </>
        ) : (
          <p className="text-muted-foreground text-sm">This version is the active version.</p>
        )}
      </section>

      <section aria-labelledby="impact" className="grid gap-3">
        <h2 id="impact" className="text-base font-medium">
          Impact on the data
        </h2>
        <Suspense
          fallback={
            <p className="text-muted-foreground text-sm">
              Counting the rows each new or changed rule would fail…
            </p>
          }
        >
          <Impact table={p.table_name} id={p.id} />
        </Suspense>
      </section>

      <section aria-labelledby="discussion" className="grid gap-3">
        <h2 id="discussion" className="text-base font-medium">
          Discussion
        </h2>
        {p.comments.length === 0 ? (
          <p className="text-muted-foreground text-sm">No comments yet.</p>
        ) : (
          <ul className="grid gap-2" aria-label="Comments">
            {p.comments.map((c) => (
              <li key={c.id} className="rounded-md border p-3 text-sm">
                <p className="text-muted-foreground text-xs">
                  {c.author} · <LocalTime iso={c.created_at} />
                </p>
                <p className="whitespace-pre-wrap">{c.body}</p>
              </li>
            ))}
          </ul>
        )}
        <ProposalCommentForm table={p.table_name} id={p.id} />
      </section>

      <p className="text-sm">
        <Link
          className="text-primary underline"
          href={historyHref(p.table_name, { version: String(p.version) }) + '#version'}
        >
          See all rules of version {p.version}
        </Link>
      </p>
    </section>
  );
}
