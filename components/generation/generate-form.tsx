'use client';

import { Info, Loader2, Sparkles } from 'lucide-react';
import { useActionState, useId, useState } from 'react';

import { formatCount } from '@/components/runs/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { startGenerationAction } from '@/lib/actions/generation';

import { Field } from './field';

export interface ModelInfo {
  configured: boolean;
  name: string | null;
  /** Why no model is used (shown when none is configured). */
  reason: string | null;
}

export const EXAMPLE_PROMPTS = [
  'Ids are required; amounts and prices must never be negative.',
  'E-mail addresses must be valid and country codes upper case.',
  'Flag dates in the future and JSON payloads that do not parse.',
  'Free text must not contain HTML or script.',
];

type SampleChoice = 'auto' | 'dqx' | '10000' | '100000' | 'all' | 'custom';
export type GeneratorChoice = 'recommended' | 'dqx';

interface FormState {
  message: string | null;
  fieldErrors: Record<string, string[]>;
}

const INITIAL: FormState = { message: null, fieldErrors: {} };

/** What "rows to profile" means for the request: omitted (the generator's default), a number, or 'all'. */
export function sampleRowsOf(choice: SampleChoice, custom: string): number | 'all' | undefined | { error: string } {
  if (choice === 'dqx' || choice === 'auto') return undefined;
  if (choice === 'all') return 'all';
  if (choice === 'custom') {
    const n = Number(custom.replaceAll(',', '').replaceAll('_', '').trim());
    if (!custom.trim() || !Number.isInteger(n) || n < 1) return { error: 'Enter a whole number of rows, 1 or more.' };
    return n;
  }
  return Number(choice);
}

/**
 * The generation form: what the rules should ensure (sent to the language model when one is
 * configured, and saved with the version), how many rows to profile, the criticality of the
 * profile's rules, and in databricks mode whether to run DQX itself in a job. Starting it creates a
 * run; `onStarted` gets its id.
 */
export function GenerateForm({
  table,
  rowCount,
  model,
  mode,
  initialRequest = '',
  disabledReason,
  onStarted,
  onRequestChange,
}: {
  table: string;
  rowCount: number | null;
  model: ModelInfo;
  mode: 'local' | 'databricks';
  initialRequest?: string;
  /** Set while a generation is running: the form cannot start another. */
  disabledReason?: string | null;
  onStarted: (runId: string) => void;
  onRequestChange?: (text: string) => void;
}) {
  const id = useId();
  const [request, setRequest] = useState(initialRequest);
  const [generator, setGenerator] = useState<GeneratorChoice>('recommended');
  const [sample, setSample] = useState<SampleChoice>('auto');
  const [custom, setCustom] = useState('');

  const [state, formAction, pending] = useActionState<FormState, FormData>(async (_prev, data) => {
    const rows = sampleRowsOf(sample, custom);
    if (rows && typeof rows === 'object') return { message: 'Some fields need attention.', fieldErrors: { sample_rows: [rows.error] } };
    const result = await startGenerationAction({
      table,
      request: String(data.get('request') ?? ''),
      mode: generator,
      ...(rows === undefined ? {} : { sample_rows: rows }),
      criticality: data.get('criticality') === 'warn' ? 'warn' : 'error',
      ...(mode === 'databricks' && generator === 'dqx' ? { run_as_job: data.get('run_as_job') === 'on' } : {}),
    }).catch(() => ({ ok: false as const, message: 'The server could not be reached. Try again.', fieldErrors: undefined }));
    if (!result.ok) return { message: result.message, fieldErrors: result.fieldErrors ?? {} };
    onStarted(result.data.run.id);
    return INITIAL;
  }, INITIAL);

  const presets = ([10_000, 100_000] as const).filter((n) => rowCount === null || n < rowCount);
  const disabled = pending || Boolean(disabledReason);
  const errors = state.fieldErrors;

  return (
    <form action={formAction} aria-label="Generate rules" className="grid gap-4" noValidate>
      {!model.configured && (
        <Alert role="note">
          <Info aria-hidden />
          <AlertTitle>Rules will come from the data profile only</AlertTitle>
          <AlertDescription>
            <p>{model.reason ?? 'No language model is configured.'}</p>
            <p>
              To add rules written for your request, configure an OpenAI-compatible model: set <code>DQX_LLM_BASE_URL</code> and{' '}
              <code>DQX_LLM_MODEL</code> (or <code>DQX_SERVING_ENDPOINT</code> in a Databricks workspace) and restart the app. See the
              configuration guide.
            </p>
          </AlertDescription>
        </Alert>
      )}

      <Field
        id={`${id}-request`}
        label="What should the rules ensure?"
        errors={errors.request}
        hint={
          model.configured
            ? `In plain language. It goes to the language model (${model.name ?? 'configured'}) with the table's columns and profile, and is saved with the version.`
            : 'In plain language. It is saved with the version (no language model reads it until one is configured).'
        }
      >
        {(props) => (
          <Textarea
            {...props}
            name="request"
            rows={3}
            maxLength={8000}
            value={request}
            onChange={(e) => {
              setRequest(e.target.value);
              onRequestChange?.(e.target.value);
            }}
            placeholder={`e.g. ${EXAMPLE_PROMPTS[0]}`}
          />
        )}
      </Field>
      <div className="-mt-2 flex flex-wrap items-center gap-1.5 text-xs">
        <span className="text-muted-foreground">Examples:</span>
        {EXAMPLE_PROMPTS.map((example) => (
          <button
            key={example}
            type="button"
            className="hover:bg-accent focus-visible:ring-ring/50 rounded-md border px-2 py-0.5 text-left outline-none focus-visible:ring-[3px]"
            onClick={() => {
              setRequest(example);
              onRequestChange?.(example);
            }}
          >
            {example}
          </button>
        ))}
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id={`${id}-generator`}
          label="Generator"
          errors={errors.mode}
          hint={
            generator === 'recommended'
              ? 'Reads the whole table and writes the rules a careful data engineer would: robust ranges, keys, formats, allowed values from the bulk of each column, rare values treated as defects. Every rule is measured on the whole table before you save.'
              : 'Reproduces DQX’s own profiler and generator exactly (a 30% sample cut to 1,000 rows, min/max ranges, value lists), to compare with DQX. Rules that fail many rows are flagged, with a correction.'
          }
        >
          {(props) => (
            <NativeSelect
              {...props}
              value={generator}
              onChange={(e) => {
                const next = e.target.value as GeneratorChoice;
                setGenerator(next);
                setSample(next === 'dqx' ? 'dqx' : 'auto');
              }}
            >
              <option value="recommended">Recommended (whole table)</option>
              <option value="dqx">DQX defaults (as DQX generates them)</option>
            </NativeSelect>
          )}
        </Field>
        <Field
          id={`${id}-sample`}
          label="Rows to profile"
          errors={errors.sample_rows}
          hint={
            sample === 'dqx'
              ? 'DQX’s profiler by default reads a random 30% sample of the table and keeps at most 1,000 rows. More rows give rules that fit the data better, and take longer.'
              : sample === 'auto'
                ? `Every row${rowCount !== null ? ` (${formatCount(rowCount)})` : ''}; a uniform random sample of 1,000,000 rows for tables of more than 10 million.`
                : sample === 'all'
                  ? `Every row of the table${rowCount !== null ? ` (${formatCount(rowCount)})` : ''} is profiled.`
                  : 'A uniform random sample of this many rows (the whole table if it has fewer).'
          }
        >
          {(props) => (
            <NativeSelect {...props} value={sample} onChange={(e) => setSample(e.target.value as SampleChoice)}>
              {generator === 'recommended' ? (
                <option value="auto">Whole table{rowCount !== null ? ` (${formatCount(rowCount)} rows)` : ''}</option>
              ) : (
                <option value="dqx">DQX default (30% sample, at most 1,000 rows)</option>
              )}
              {presets.map((n) => (
                <option key={n} value={String(n)}>
                  {formatCount(n)} rows
                </option>
              ))}
              {generator === 'dqx' && <option value="all">Whole table{rowCount !== null ? ` (${formatCount(rowCount)} rows)` : ''}</option>}
              <option value="custom">Another number of rows…</option>
            </NativeSelect>
          )}
        </Field>
        {sample === 'custom' && (
          <Field id={`${id}-custom`} label="Number of rows" errors={undefined}>
            {(props) => (
              <Input {...props} inputMode="numeric" value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="e.g. 50000" />
            )}
          </Field>
        )}
        <Field
          id={`${id}-criticality`}
          label="Criticality of profile rules"
          errors={errors.criticality}
          hint="error: failing rows are invalid (DQX’s default). warn: failing rows are flagged but stay valid."
        >
          {(props) => (
            <NativeSelect {...props} name="criticality" defaultValue="error">
              <option value="error">error</option>
              <option value="warn">warn</option>
            </NativeSelect>
          )}
        </Field>
      </div>

      {mode === 'databricks' && generator === 'dqx' && (
        <div className="flex items-start gap-2">
          <Checkbox id={`${id}-job`} name="run_as_job" aria-describedby={`${id}-job-hint`} />
          <div className="grid gap-1">
            <label htmlFor={`${id}-job`} className="text-sm font-medium">
              Run as a Databricks job
            </label>
            <p id={`${id}-job-hint`} className="text-muted-foreground text-xs">
              Profile and generate with DQX itself on serverless compute instead of SQL on the warehouse. Slower to start (minutes).
            </p>
          </div>
        </div>
      )}

      {state.message && (
        <p role="alert" className="text-destructive text-sm">
          {[state.message, ...(errors.table ?? []), ...(errors._form ?? [])].join(' ')}
        </p>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={disabled}>
          {pending ? <Loader2 className="animate-spin" /> : <Sparkles />}
          {pending ? 'Starting…' : 'Generate rules'}
        </Button>
        {disabledReason && <p className="text-muted-foreground text-sm">{disabledReason}</p>}
      </div>
    </form>
  );
}
