'use client';

import { Check, Loader2, RefreshCw, Undo2, X } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import {
  approveProposalAction,
  commentOnProposalAction,
  refreshProposalAction,
  rejectProposalAction,
  withdrawProposalAction,
} from '@/lib/actions/proposals';
import type { ProposalPermissions } from '@/lib/services/proposals';

import { ResultMessage, type FormMessage } from './form-parts';

type Result =
  { ok: true; message?: string } | { ok: false; message: string; fieldErrors?: Record<string, string[]> };
const unreachable: Result = { ok: false, message: 'The server could not be reached.' };

/**
 * What a reviewer (or the author) can do with a proposal: approve with an optional comment, reject
 * with a reason (required), take a fresh look at a stale one, withdraw their own. Buttons the caller
 * may not use are not shown; when approving is blocked, the reason is.
 */
export function ProposalActions({
  table,
  id,
  version,
  permissions,
}: {
  table: string;
  id: string;
  version: number;
  permissions: ProposalPermissions;
}) {
  const uid = useId();
  const router = useRouter();
  const approveDialog = useRef<HTMLDialogElement>(null);
  const rejectDialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);

  const run = async (key: string, work: () => Promise<Result>, after?: () => void) => {
    setPending(key);
    setMessage(null);
    const result: Result = await work().catch(() => unreachable);
    setPending(null);
    if (!result.ok) {
      if (key === 'reject' && result.fieldErrors?.reason) {
        setReasonError(result.fieldErrors.reason.join(' '));
        return;
      }
      setMessage({ ok: false, text: result.message });
      approveDialog.current?.close();
      rejectDialog.current?.close();
      return;
    }
    after?.();
    setMessage({ ok: true, text: result.message ?? 'Done.' });
    router.refresh();
  };

  const dialogClass =
    'bg-background text-foreground m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border p-5 text-left whitespace-normal shadow-lg backdrop:bg-black/50';

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-2">
        {permissions.can_approve && (
          <Button
            type="button"
            onClick={() => approveDialog.current?.showModal()}
            disabled={pending !== null}
          >
            <Check /> Approve version {version}
          </Button>
        )}
        {permissions.can_refresh && (
          <Button
            type="button"
            variant="outline"
            onClick={() => void run('refresh', () => refreshProposalAction({ table, id }))}
            disabled={pending !== null}
          >
            {pending === 'refresh' ? <Loader2 className="animate-spin" /> : <RefreshCw />} I looked again:
            review against the active version
          </Button>
        )}
        {permissions.can_reject && (
          <Button
            type="button"
            variant="outline"
            onClick={() => rejectDialog.current?.showModal()}
            disabled={pending !== null}
          >
            <X /> Reject
          </Button>
        )}
        {permissions.can_withdraw && (
          <Button
            type="button"
            variant="outline"
            onClick={() => void run('withdraw', () => withdrawProposalAction({ table, id }))}
            disabled={pending !== null}
          >
            {pending === 'withdraw' ? <Loader2 className="animate-spin" /> : <Undo2 />} Withdraw
          </Button>
        )}
      </div>
      {!permissions.can_approve && permissions.approve_blocked_by && (
        <p className="text-muted-foreground text-sm" data-testid="approve-blocked">
          Cannot be approved now: {permissions.approve_blocked_by}
        </p>
      )}
      <ResultMessage message={message} />

      <dialog ref={approveDialog} aria-labelledby={`${uid}-approve`} className={dialogClass}>
        <h2 id={`${uid}-approve`} className="text-lg font-semibold">
          Approve version {version}?
        </h2>
        <p className="text-muted-foreground mt-2 text-sm">
          It becomes the active version of <span className="font-mono">{table}</span> at once, and is
          published where the table’s settings say.
        </p>
        <div className="mt-3 grid gap-1">
          <Label htmlFor={`${uid}-comment`}>Comment (optional)</Label>
          <Textarea
            id={`${uid}-comment`}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={4000}
          />
        </div>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <Button
            type="button"
            variant="outline"
            onClick={() => approveDialog.current?.close()}
            disabled={pending !== null}
          >
            Cancel
          </Button>
          <Button
            type="button"
            onClick={() =>
              void run(
                'approve',
                () => approveProposalAction({ table, id, comment: comment.trim() || null }),
                () => approveDialog.current?.close(),
              )
            }
            disabled={pending !== null}
          >
            {pending === 'approve' && <Loader2 className="animate-spin" />}
            Approve and make active
          </Button>
        </div>
      </dialog>

      <dialog
        ref={rejectDialog}
        aria-labelledby={`${uid}-reject`}
        className={dialogClass}
        onClose={() => setReasonError(null)}
      >
        <h2 id={`${uid}-reject`} className="text-lg font-semibold">
          Reject version {version}?
        </h2>
        <div className="mt-3 grid gap-1">
          <Label htmlFor={`${uid}-reason`}>Reason (required; its author sees it)</Label>
          <Textarea
            id={`${uid}-reason`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={2000}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={`${uid}-reason-hint`}
          />
          <span
            id={`${uid}-reason-hint`}
            className={reasonError ? 'text-destructive text-xs' : 'text-muted-foreground text-xs'}
          >
            {reasonError ?? 'Say what would make it acceptable.'}
          </span>
        </div>
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <Button
            type="button"
            variant="outline"
            onClick={() => rejectDialog.current?.close()}
            disabled={pending !== null}
          >
            Cancel
          </Button>
          <Button
            type="button"
            variant="destructive"
            onClick={() =>
              void run(
                'reject',
                () => rejectProposalAction({ table, id, reason }),
                () => rejectDialog.current?.close(),
              )
            }
            disabled={pending !== null}
          >
            {pending === 'reject' && <Loader2 className="animate-spin" />}
            Reject
          </Button>
        </div>
      </dialog>
    </div>
  );
}

/** A comment box under the discussion. */
export function ProposalCommentForm({ table, id }: { table: string; id: string }) {
  const uid = useId();
  const router = useRouter();
  const [body, setBody] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    setPending(true);
    setError(null);
    const result: Result = await commentOnProposalAction({ table, id, body }).catch(() => unreachable);
    setPending(false);
    if (!result.ok) {
      setError(result.fieldErrors?.body?.join(' ') || result.message);
      return;
    }
    setBody('');
    router.refresh();
  };
  return (
    <div className="grid gap-2">
      <Label htmlFor={`${uid}-body`}>Add a comment</Label>
      <Textarea id={`${uid}-body`} value={body} onChange={(e) => setBody(e.target.value)} maxLength={4000} />
      {error && (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      )}
      <div>
        <Button
          type="button"
          size="sm"
          variant="outline"
          onClick={() => void send()}
          disabled={pending || body.trim() === ''}
        >
          {pending && <Loader2 className="animate-spin" />} Comment
        </Button>
      </div>
    </div>
  );
}
