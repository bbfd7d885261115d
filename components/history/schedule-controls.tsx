'use client';

import { Loader2 } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useState } from 'react';

import { LocalTime } from '@/components/runs/local-time';
import { Button } from '@/components/ui/button';
import { deleteScheduleAction, saveScheduleAction } from '@/lib/actions/schedules';
import type { ScheduleDto } from '@/lib/services/schedules';

import { FIELD_INPUT, FieldHint, ResultMessage, type FormMessage } from './form-parts';

interface Props {
  table: string;
  state: ScheduleDto;
  /** Saved versions of the table, newest first: one can be run instead of the active one. */
  versions: number[];
  /** Link to the last scheduled run (the Validator). */
  lastRunHref: string | null;
}

const OUTPUTS = [
  { key: 'quarantine_table', label: 'Quarantine table', hint: 'rows with errors or warnings, with _errors and _warnings' },
  { key: 'metrics_table', label: 'Metrics table', hint: 'DQX summary metrics, one row per metric' },
  { key: 'valid_table', label: 'Valid rows table', hint: 'rows without errors (warnings kept)' },
] as const;

type OutputKey = (typeof OUTPUTS)[number]['key'];

/**
 * The table's schedule of checks as a small form beside the thresholds: a cron expression in a
 * time zone, the version to run, where the outputs go, paused. Shows the next run and the last
 * scheduled run. Field errors come back from the server, next to the field they name.
 */
export function ScheduleControls({ table, state, versions, lastRunHref }: Props) {
  const id = useId();
  const router = useRouter();
  const current = state.schedule;
  const [cron, setCron] = useState(current?.cron ?? '0 6 * * *');
  const [timezone, setTimezone] = useState(current?.timezone ?? 'UTC');
  const [version, setVersion] = useState(current?.version === null || current?.version === undefined ? '' : String(current.version));
  const [paused, setPaused] = useState(current?.paused ?? false);
  const [notify, setNotify] = useState((current?.notify_emails ?? []).join(', '));
  const [outputs, setOutputs] = useState<Record<OutputKey, string>>(() => {
    const o = current?.outputs ?? state.default_outputs;
    return { quarantine_table: o.quarantine_table ?? '', metrics_table: o.metrics_table ?? '', valid_table: o.valid_table ?? '' };
  });
  const [pending, setPending] = useState<'save' | 'delete' | null>(null);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone');
    } catch {
      return ['UTC'];
    }
  }, []);

  const errorsOf = (path: string) => fieldErrors[path] ?? [];
  const notifyErrors = Object.entries(fieldErrors)
    .filter(([path]) => path === 'notify_emails' || path.startsWith('notify_emails.'))
    .flatMap(([, errors]) => errors);
  const done = (result: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> }) => {
    setFieldErrors(result.ok ? {} : (result.fieldErrors ?? {}));
    setMessage({ ok: result.ok, text: result.message ?? (result.ok ? 'Saved.' : 'Not saved.') });
    if (result.ok) router.refresh();
  };
  const unreachable = () => ({ ok: false as const, message: 'The server could not be reached.', fieldErrors: undefined });

  const save = async () => {
    setPending('save');
    setMessage(null);
    const result = await saveScheduleAction({
      table,
      cron,
      timezone,
      version: version === '' ? null : Number(version),
      paused,
      outputs: {
        quarantine_table: outputs.quarantine_table.trim() || null,
        metrics_table: outputs.metrics_table.trim() || null,
        valid_table: outputs.valid_table.trim() || null,
      },
      notify_emails: notify.split(/[\s,;]+/).filter(Boolean),
    }).catch(unreachable);
    setPending(null);
    done(result);
  };
  const remove = async () => {
    setPending('delete');
    setMessage(null);
    const result = await deleteScheduleAction({ table }).catch(unreachable);
    setPending(null);
    done(result);
  };

  const hint = (key: string, errors: string[], text: string) => <FieldHint id={`${id}-${key}`} errors={errors} text={text} />;

  return (
    <form
      className="grid gap-4 rounded-lg border p-4"
      aria-label="Schedule"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="grid gap-1 text-sm" data-testid="schedule-status">
        {current ? (
          <>
            <p>
              <span className="font-medium">Next run: </span>
              {current.paused ? 'paused' : current.next_run_at ? <LocalTime iso={current.next_run_at} /> : 'none'}
              {!current.paused && current.next_run_at && <span className="text-muted-foreground"> ({current.timezone}: {current.cron})</span>}
            </p>
            <p>
              <span className="font-medium">Last scheduled run: </span>
              {current.last_run_at ? (
                <>
                  <LocalTime iso={current.last_run_at} />
                  {lastRunHref && (
                    <>
                      {' '}
                      <Link className="underline" href={lastRunHref}>
                        {current.last_run_status ?? 'run'}
                      </Link>
                    </>
                  )}
                  {current.outputs_status === 'written' && (
                    <span className="text-muted-foreground"> · outputs written{current.outputs_message ? `: ${current.outputs_message}` : ''}</span>
                  )}
                  {current.outputs_status && current.outputs_status !== 'written' && (
                    <span className="text-muted-foreground"> · {current.outputs_message ?? `outputs ${current.outputs_status}`}</span>
                  )}
                </>
              ) : (
                'none yet'
              )}
            </p>
          </>
        ) : (
          <p className="text-muted-foreground">Not scheduled: runs start only when someone starts them.</p>
        )}
        {state.runs_on === 'databricks' && (
          <p className="text-muted-foreground text-xs">In databricks mode a schedule is a Databricks job that runs DQX on the published checks.</p>
        )}
      </div>
      <div className="flex flex-wrap gap-4">
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Cron (minute hour day month weekday)</span>
          <input
            className={`${FIELD_INPUT} w-48`}
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            placeholder="0 6 * * *"
            aria-invalid={errorsOf('cron').length > 0 || undefined}
            aria-describedby={`${id}-cron`}
          />
          {hint('cron', errorsOf('cron'), '0 6 * * * is every day at 06:00; */15 * * * * every 15 minutes.')}
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Time zone</span>
          <input
            className={`${FIELD_INPUT} w-56`}
            list={`${id}-zones`}
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
            aria-invalid={errorsOf('timezone').length > 0 || undefined}
            aria-describedby={`${id}-timezone`}
          />
          <datalist id={`${id}-zones`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {hint('timezone', errorsOf('timezone'), 'An IANA time zone, e.g. Europe/Paris or UTC.')}
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Version</span>
          <select
            className={`${FIELD_INPUT} w-44`}
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            aria-invalid={errorsOf('version').length > 0 || undefined}
            aria-describedby={`${id}-version`}
          >
            <option value="">Active version</option>
            {versions.map((v) => (
              <option key={v} value={String(v)}>
                Version {v}
              </option>
            ))}
          </select>
          {hint('version', errorsOf('version'), 'The active one at each run, or a fixed version.')}
        </label>
      </div>
      <fieldset className="grid gap-2 text-sm">
        <legend className="font-medium">Outputs (empty: not written)</legend>
        {OUTPUTS.map((o) => {
          const errors = errorsOf(`outputs.${o.key}`);
          return (
            <label key={o.key} className="grid gap-1">
              <span>{o.label}</span>
              <input
                className={`${FIELD_INPUT} w-full max-w-xl`}
                value={outputs[o.key]}
                onChange={(e) => setOutputs({ ...outputs, [o.key]: e.target.value })}
                placeholder={state.default_outputs[o.key] ?? 'catalog.schema.table'}
                aria-invalid={errors.length > 0 || undefined}
                aria-describedby={`${id}-${o.key}`}
              />
              {hint(o.key, errors, o.hint)}
            </label>
          );
        })}
      </fieldset>
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Notify (e-mail addresses)</span>
        <input
          className={`${FIELD_INPUT} w-full max-w-xl`}
          value={notify}
          onChange={(e) => setNotify(e.target.value)}
          placeholder="dq-team@example.com, oncall@example.com"
          aria-invalid={notifyErrors.length > 0 || undefined}
          aria-describedby={`${id}-notify`}
        />
        {hint(
          'notify',
          notifyErrors,
          state.runs_on === 'databricks'
            ? 'Databricks e-mails them on each breach and recovery of the thresholds, and when a scheduled run fails or runs long.'
            : 'Used in databricks mode only: local mode sends no e-mail (alerts go to the webhook).',
        )}
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> Paused
      </label>
      <ResultMessage message={message} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending !== null}>
          {pending === 'save' && <Loader2 className="animate-spin" />}
          Save schedule
        </Button>
        {current && (
          <Button type="button" variant="outline" disabled={pending !== null} onClick={() => void remove()}>
            {pending === 'delete' && <Loader2 className="animate-spin" />}
            Remove schedule
          </Button>
        )}
      </div>
    </form>
  );
}
