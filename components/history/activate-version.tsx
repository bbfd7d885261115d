'use client';

import { History, Loader2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { activateVersionAction } from '@/lib/actions/rule-sets';

/**
 * "Make active" for an older version (a rollback), behind a confirmation dialog that says what
 * changes: the Validator and pipelines reading the active version use this one from now on.
 */
export function ActivateVersion({ table, version, activeVersion }: { table: string; version: number; activeVersion: number | null }) {
  const id = useId();
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rollback = activeVersion !== null && version < activeVersion;

  const confirm = async () => {
    setPending(true);
    setError(null);
    const result = await activateVersionAction({ table, version }).catch(() => ({ ok: false as const, message: 'The server could not be reached.' }));
    setPending(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    dialog.current?.close();
    router.refresh();
  };

  return (
    <>
      <Button type="button" size="sm" variant="outline" onClick={() => dialog.current?.showModal()}>
        <History /> {rollback ? 'Roll back to' : 'Activate'} version {version}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        className="bg-background text-foreground m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border p-5 text-left whitespace-normal shadow-lg backdrop:bg-black/50"
        onClose={() => setError(null)}
      >
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          Make version {version} the active version?
        </h2>
        <div id={`${id}-desc`} className="text-muted-foreground mt-2 grid gap-2 text-sm">
          <p>
            {activeVersion !== null ? `Version ${activeVersion} is active now. ` : ''}From now on the Validator preselects version {version}, and
            pipelines that read the active rules of <span className="font-mono">{table}</span> use it.
          </p>
          <p>No version is deleted: you can activate another one at any time. The change is recorded with your name.</p>
        </div>
        {error && (
          <p role="alert" className="text-destructive mt-3 text-sm">
            {error}
          </p>
        )}
        <div className="mt-5 flex flex-wrap justify-end gap-2">
          <Button type="button" variant="outline" onClick={() => dialog.current?.close()} disabled={pending}>
            Cancel
          </Button>
          <Button type="button" onClick={() => void confirm()} disabled={pending}>
            {pending && <Loader2 className="animate-spin" />}
            {rollback ? `Roll back to version ${version}` : `Activate version ${version}`}
          </Button>
        </div>
      </dialog>
    </>
  );
}
