import { cn } from '@/lib/utils';

/**
 * A labelled form control with its hint and its errors: the control gets `aria-describedby` and
 * `aria-invalid` through the render function.
 */
export function Field({
  id,
  label,
  hint,
  errors,
  className,
  children,
}: {
  id: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  errors?: string[] | undefined;
  className?: string;
  children: (props: { id: string; 'aria-describedby': string | undefined; 'aria-invalid': boolean | undefined }) => React.ReactNode;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('grid min-w-0 content-start gap-1.5', className)}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': errors?.length ? true : undefined })}
      {hint && (
        <div id={hintId} className="text-muted-foreground text-xs leading-snug">
          {hint}
        </div>
      )}
      {errors?.length ? (
        <p id={errorId} className="text-destructive text-xs">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}
