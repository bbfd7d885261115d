'use client';

import { Loader2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { saveGovernanceSettingsAction } from '@/lib/actions/proposals';

import { ResultMessage, type FormMessage } from './form-parts';

/** An admin's switch of the table's "four eyes" setting. */
export function GovernanceControls({
  table,
  fourEyes,
  stewardGroup,
}: {
  table: string;
  fourEyes: boolean;
  stewardGroup: string | null;
}) {
  const id = useId();
  const router = useRouter();
  const [on, setOn] = useState(fourEyes);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const save = async () => {
    setPending(true);
    setMessage(null);
    const result = await saveGovernanceSettingsAction({
      table,
      four_eyes: on,
      steward_group: stewardGroup,
    }).catch(() => ({
      ok: false as const,
      message: 'The server could not be reached.',
    }));
    setPending(false);
    setMessage({ ok: result.ok, text: result.message ?? (result.ok ? 'Saved.' : 'Not saved.') });
    if (result.ok) router.refresh();
  };
  return (
    <div className="grid gap-2">
      <div className="flex items-start gap-2">
        <Checkbox
          id={`${id}-four-eyes`}
          checked={on}
          onCheckedChange={(v) => setOn(v === true)}
          aria-describedby={`${id}-hint`}
        />
        <div className="grid gap-1">
          <label htmlFor={`${id}-four-eyes`} className="text-sm font-medium">
            Four eyes
          </label>
          <span id={`${id}-hint`} className="text-muted-foreground text-xs">
            Every save is a proposal, and someone other than its author approves it (stewards included).
          </span>
        </div>
      </div>
      <div className="flex items-center gap-3">
        <Button
          type="button"
          size="sm"
          variant="outline"
          onClick={() => void save()}
          disabled={pending || on === fourEyes}
        >
          {pending && <Loader2 className="animate-spin" />} Save governance settings
        </Button>
        <ResultMessage message={message} inline />
      </div>
    </div>
  );
}
