import { Ban, CircleCheck, CircleX, MinusCircle, TriangleAlert } from 'lucide-react';

import { Badge } from '@/components/ui/badge';
import type { ValidationRuleStatus } from '@/lib/services/validation';

const STATUS: Record<
  ValidationRuleStatus,
  { label: string; variant: 'success' | 'destructive' | 'warning' | 'outline' | 'secondary'; Icon: typeof Ban; hint: string }
> = {
  passed: { label: 'Passed', variant: 'success', Icon: CircleCheck, hint: 'No row fails this rule.' },
  failed: { label: 'Failed', variant: 'destructive', Icon: CircleX, hint: 'Rows fail this error-level rule.' },
  warning: { label: 'Warning', variant: 'warning', Icon: TriangleAlert, hint: 'Rows fail this warn-level rule.' },
  skipped: { label: 'Skipped', variant: 'outline', Icon: MinusCircle, hint: 'DQX could not evaluate this rule.' },
  not_evaluated: {
    label: 'Job only',
    variant: 'secondary',
    Icon: Ban,
    hint: 'This check runs only in a DQX job (Spark); it was not evaluated here.',
  },
};

/** A rule's validation status as an icon and a word (never colour alone). */
export function RuleStatusBadge({ status }: { status: ValidationRuleStatus }) {
  const s = STATUS[status] ?? STATUS.skipped;
  return (
    <Badge variant={s.variant} title={s.hint} data-status={status}>
      <s.Icon aria-hidden />
      {s.label}
    </Badge>
  );
}

export const ruleStatusLabel = (status: ValidationRuleStatus) => (STATUS[status] ?? STATUS.skipped).label;
