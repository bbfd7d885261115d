/**
 * Pieces the History page's small forms (thresholds, schedule, publishing, governance, proposal
 * review) share: the look of a text field, the hint under it that turns into the server's field
 * errors, and the line that says how the last action went.
 */

/** What the last action of a form said: a status when it worked, an alert when it did not. */
export interface FormMessage {
  ok: boolean;
  text: string;
}

/** The class of a text input in these forms (width added by each field). */
export const FIELD_INPUT =
  'border-input bg-background h-9 rounded-md border px-3 font-mono text-sm aria-invalid:border-red-600';

/** The hint under a field, replaced by the field's errors when there are any; `id` is what the input's aria-describedby names. */
export function FieldHint({ id, errors, text }: { id: string; errors: string[]; text: string }) {
  return (
    <span
      id={id}
      className={errors.length > 0 ? 'text-destructive text-xs' : 'text-muted-foreground text-xs'}
    >
      {errors.length > 0 ? errors.join(' ') : text}
    </span>
  );
}

/** How the last action went (nothing before the first); `inline` beside a button rather than below the form. */
export function ResultMessage({
  message,
  inline = false,
}: {
  message: FormMessage | null;
  inline?: boolean;
}) {
  if (!message) return null;
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag
      role={message.ok ? 'status' : 'alert'}
      className={message.ok ? 'text-sm' : 'text-destructive text-sm'}
    >
      {message.text}
    </Tag>
  );
}
