'use client';

import { Loader2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { Button } from '@/components/ui/button';
import { saveThresholdsAction } from '@/lib/actions/alerting';
import type { ThresholdsDto } from '@/lib/services/alerting';

import { FIELD_INPUT, FieldHint, ResultMessage, type FormMessage } from './form-parts';

interface Props {
  table: string;
  thresholds: ThresholdsDto;
  /** Names of the active version's rules: each can have a threshold of its own. */
  ruleNames: string[];
}

/** A pass rate (0..1) as the percent text of an input; '' for none. */
const asPercent = (rate: number | null) => (rate === null ? '' : String(Math.round(rate * 10_000) / 100));
/** Percent text to a rate; null for empty, NaN for text that is not a number (the server names the field). */
const asRate = (text: string) => (text.trim() === '' ? null : Number(text.trim()) / 100);

/**
 * The table's thresholds as a small form: a minimum pass rate and "any error row" for the table,
 * the same per rule of the active version, and the table's webhook. Field errors come back from
 * the server's schema, next to the field they name.
 */
export function ThresholdControls({ table, thresholds, ruleNames }: Props) {
  const id = useId();
  const router = useRouter();
  const names = [...new Set([...ruleNames, ...thresholds.rules.map((r) => r.rule)])];
  const [minRate, setMinRate] = useState(asPercent(thresholds.min_pass_rate));
  const [anyError, setAnyError] = useState(thresholds.fail_on_error_rows);
  const [rules, setRules] = useState(() =>
    Object.fromEntries(
      names.map((n) => {
        const t = thresholds.rules.find((r) => r.rule === n);
        return [n, { min: asPercent(t?.min_pass_rate ?? null), anyFailing: t?.fail_on_failing_rows ?? false }];
      }),
    ),
  );
  // A rule that appeared after the form was first drawn (a rollback or a save refreshed the page
  // with another active version) starts from its stored threshold, or none.
  const ruleState = (rule: string) => {
    const stored = rules[rule];
    if (stored) return stored;
    const t = thresholds.rules.find((r) => r.rule === rule);
    return { min: asPercent(t?.min_pass_rate ?? null), anyFailing: t?.fail_on_failing_rows ?? false };
  };
  const [webhook, setWebhook] = useState('');
  const [removeWebhook, setRemoveWebhook] = useState(false);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  const chosenRules = names
    .map((rule) => ({ rule, min_pass_rate: asRate(ruleState(rule).min), fail_on_failing_rows: ruleState(rule).anyFailing }))
    .filter((r) => r.min_pass_rate !== null || r.fail_on_failing_rows);
  const errorsOf = (path: string) => fieldErrors[path] ?? [];
  const ruleErrors = (rule: string) => {
    const i = chosenRules.findIndex((r) => r.rule === rule);
    return i < 0 ? [] : Object.entries(fieldErrors).filter(([p]) => p.startsWith(`rules.${i}.`)).flatMap(([, m]) => m);
  };

  const save = async () => {
    setPending(true);
    setMessage(null);
    const result = await saveThresholdsAction({
      table,
      min_pass_rate: asRate(minRate),
      fail_on_error_rows: anyError,
      rules: chosenRules,
      ...(removeWebhook ? { webhook_url: null } : webhook.trim() ? { webhook_url: webhook.trim() } : {}),
    }).catch(() => ({ ok: false as const, message: 'The server could not be reached.', fieldErrors: undefined }));
    setPending(false);
    setFieldErrors(result.ok ? {} : (result.fieldErrors ?? {}));
    setMessage({ ok: result.ok, text: result.message ?? (result.ok ? 'Saved.' : 'Not saved.') });
    if (result.ok) {
      setWebhook('');
      setRemoveWebhook(false);
      router.refresh();
    }
  };

  const hint = (key: string, errors: string[], text: string) => <FieldHint id={`${id}-${key}`} errors={errors} text={text} />;
  const where =
    thresholds.webhook.source === 'table'
      ? `this table’s webhook at ${thresholds.webhook.origin}`
      : thresholds.webhook.source === 'global'
        ? `the app’s webhook (DQX_ALERT_WEBHOOK_URL) at ${thresholds.webhook.origin}`
        : 'no webhook: alerts are only listed here';

  return (
    <form
      className="grid gap-4 rounded-lg border p-4"
      aria-label="Thresholds"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Minimum pass rate of the table (%)</span>
        <input
          className={`${FIELD_INPUT} w-32`}
          inputMode="decimal"
          value={minRate}
          onChange={(e) => setMinRate(e.target.value)}
          placeholder="95"
          aria-invalid={errorsOf('min_pass_rate').length > 0 || undefined}
          aria-describedby={`${id}-min`}
        />
        {hint('min', errorsOf('min_pass_rate'), 'A run whose pass rate is below this is a breach. Leave empty for none.')}
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={anyError} onChange={(e) => setAnyError(e.target.checked)} /> Breach on any error row
      </label>
      {names.length > 0 && (
        <fieldset className="grid gap-2 text-sm">
          <legend className="font-medium">Per rule</legend>
          {names.map((rule) => {
            const errors = ruleErrors(rule);
            return (
              <div key={rule} className="flex flex-wrap items-center gap-3">
                <span className="min-w-48 font-mono break-all">{rule}</span>
                <label className="flex items-center gap-2">
                  min %
                  <input
                    className={`${FIELD_INPUT} w-24`}
                    inputMode="decimal"
                    aria-label={`Minimum pass rate of ${rule} (%)`}
                    value={ruleState(rule).min}
                    onChange={(e) => setRules({ ...rules, [rule]: { ...ruleState(rule), min: e.target.value } })}
                    aria-invalid={errors.length > 0 || undefined}
                  />
                </label>
                <label className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={ruleState(rule).anyFailing}
                    onChange={(e) => setRules({ ...rules, [rule]: { ...ruleState(rule), anyFailing: e.target.checked } })}
                  />
                  any failing row
                </label>
                {errors.length > 0 && <span className="text-destructive text-xs">{errors.join(' ')}</span>}
              </div>
            );
          })}
        </fieldset>
      )}
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Webhook of this table</span>
        <input
          className={`${FIELD_INPUT} w-full max-w-xl`}
          value={webhook}
          onChange={(e) => setWebhook(e.target.value)}
          placeholder="https://hooks.slack.com/services/…"
          aria-invalid={errorsOf('webhook_url').length > 0 || undefined}
          aria-describedby={`${id}-webhook`}
        />
        {hint('webhook', errorsOf('webhook_url'), `Alerts go to ${where}. Leave empty to keep it.`)}
      </label>
      {thresholds.webhook.source === 'table' && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={removeWebhook} onChange={(e) => setRemoveWebhook(e.target.checked)} /> Remove this table’s webhook
        </label>
      )}
      <ResultMessage message={message} />
      <div>
        <Button type="submit" disabled={pending}>
          {pending && <Loader2 className="animate-spin" />}
          Save thresholds
        </Button>
      </div>
    </form>
  );
}
