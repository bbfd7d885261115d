'use client';

import { Loader2, Upload } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';

import { Button } from '@/components/ui/button';
import { publishNowAction, savePublishSettingsAction } from '@/lib/actions/publishing';
import type { PublishTarget } from '@/lib/services/publishing';

import { FIELD_INPUT, FieldHint, ResultMessage, type FormMessage } from './form-parts';

type Mode = 'local' | 'databricks';

interface Props {
  table: string;
  mode: Mode;
  autoPublish: boolean;
  targets: PublishTarget[];
  /** Whether the table has an active version (publishing needs one). */
  hasActive: boolean;
  /** Whether the rule store is Postgres, where a Lakebase checks table can be kept. */
  lakebaseAvailable: boolean;
}

const valueOf = (targets: PublishTarget[], kind: PublishTarget['kind']) => targets.find((t) => t.kind === kind);

/**
 * The table's publishing settings as a small form (where to, and whether on every activation) and
 * "Publish now". Field errors come back from the server's schema, next to the field they name.
 */
export function PublishControls({ table, mode, autoPublish, targets, hasActive, lakebaseAvailable }: Props) {
  const id = useId();
  const router = useRouter();
  const [auto, setAuto] = useState(autoPublish);
  const [ucTable, setUcTable] = useState((valueOf(targets, 'uc_table') as { table?: string } | undefined)?.table ?? '');
  const [volume, setVolume] = useState((valueOf(targets, 'volume_file') as { path?: string } | undefined)?.path ?? '');
  const [yamlFile, setYamlFile] = useState(targets.some((t) => t.kind === 'local_file' && t.format === 'yaml'));
  const [jsonFile, setJsonFile] = useState(targets.some((t) => t.kind === 'local_file' && t.format === 'json'));
  const [localTable, setLocalTable] = useState((valueOf(targets, 'local_table') as { table?: string } | undefined)?.table ?? '');
  const [lakebaseTable, setLakebaseTable] = useState((valueOf(targets, 'lakebase_table') as { table?: string } | undefined)?.table ?? '');
  const [pending, setPending] = useState<'save' | 'publish' | null>(null);
  const [message, setMessage] = useState<FormMessage | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  const chosen = (): PublishTarget[] => [
    ...(mode === 'databricks'
      ? [
          ...(ucTable.trim() ? [{ kind: 'uc_table' as const, table: ucTable.trim() }] : []),
          ...(volume.trim() ? [{ kind: 'volume_file' as const, path: volume.trim() }] : []),
        ]
      : [
          ...(yamlFile ? [{ kind: 'local_file' as const, format: 'yaml' as const }] : []),
          ...(jsonFile ? [{ kind: 'local_file' as const, format: 'json' as const }] : []),
          ...(localTable.trim() ? [{ kind: 'local_table' as const, table: localTable.trim() }] : []),
        ]),
    // kept when set, even where the store is no longer Postgres, so the server says why it cannot be
    ...(lakebaseTable.trim() ? [{ kind: 'lakebase_table' as const, table: lakebaseTable.trim() }] : []),
  ];
  // the field of each chosen target, for errors named `targets.<i>.<field>`
  const fieldOf = (i: number) => {
    const t = chosen()[i];
    if (!t) return null;
    return t.kind === 'uc_table'
      ? 'uc'
      : t.kind === 'volume_file'
        ? 'volume'
        : t.kind === 'local_table'
          ? 'local-table'
          : t.kind === 'lakebase_table'
            ? 'lakebase'
            : 'files';
  };
  const errorsFor = (field: string) =>
    Object.entries(fieldErrors)
      .filter(([path]) => {
        const m = /^targets\.(\d+)/.exec(path);
        return m ? fieldOf(Number(m[1])) === field : false;
      })
      .flatMap(([, messages]) => messages);

  const save = async () => {
    setPending('save');
    setMessage(null);
    const result = await savePublishSettingsAction({ table, auto_publish: auto, targets: chosen() }).catch(() => ({
      ok: false as const,
      message: 'The server could not be reached.',
      fieldErrors: undefined,
    }));
    setPending(null);
    setFieldErrors(result.ok ? {} : (result.fieldErrors ?? {}));
    setMessage({ ok: result.ok, text: result.message ?? (result.ok ? 'Saved.' : 'Not saved.') });
    if (result.ok) router.refresh();
  };

  const publish = async () => {
    setPending('publish');
    setMessage(null);
    const result = await publishNowAction({ table }).catch(() => ({ ok: false as const, message: 'The server could not be reached.' }));
    setPending(null);
    setMessage({ ok: result.ok, text: result.message ?? (result.ok ? 'Published.' : 'Not published.') });
    router.refresh();
  };

  const field = (key: string, label: string, value: string, set: (v: string) => void, placeholder: string, hint: string) => {
    const errors = errorsFor(key);
    return (
      <label className="grid gap-1 text-sm">
        <span className="font-medium">{label}</span>
        <input
          className={`${FIELD_INPUT} w-full max-w-xl`}
          value={value}
          onChange={(e) => set(e.target.value)}
          placeholder={placeholder}
          aria-invalid={errors.length > 0 || undefined}
          aria-describedby={`${id}-${key}-hint`}
        />
        <FieldHint id={`${id}-${key}-hint`} errors={errors} text={hint} />
      </label>
    );
  };

  return (
    <form
      className="grid gap-4 rounded-lg border p-4"
      aria-label="Publishing settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {mode === 'databricks' ? (
        <>
          {field('uc', 'Unity Catalog checks table', ucTable, setUcTable, 'main.dqx.checks', 'DQX’s checks-table format, written as you through the SQL warehouse. Leave empty for none.')}
          {field('volume', 'Checks file in a volume', volume, setVolume, '/Volumes/main/dqx/rules/orders.yml', 'A YAML (.yml, .yaml) or JSON (.json) file, written as you. Leave empty for none.')}
        </>
      ) : (
        <>
          <fieldset className="grid gap-1 text-sm">
            <legend className="font-medium">Checks files in the state folder</legend>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={yamlFile} onChange={(e) => setYamlFile(e.target.checked)} /> YAML
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={jsonFile} onChange={(e) => setJsonFile(e.target.checked)} /> JSON
            </label>
          </fieldset>
          {field('local-table', 'Local checks table', localTable, setLocalTable, 'dqx.checks', 'schema.table in published/checks.duckdb, DQX’s checks-table format. Leave empty for none.')}
        </>
      )}
      {!lakebaseAvailable && !lakebaseTable && (
        <p className="text-muted-foreground text-xs">
          A Lakebase checks table is available when the rule store is Postgres (Lakebase in databricks mode, or DATABASE_URL locally); this app keeps its rules in the embedded PGlite store.
        </p>
      )}
      {(lakebaseAvailable || lakebaseTable) &&
        field(
          'lakebase',
          'Lakebase checks table',
          lakebaseTable,
          setLakebaseTable,
          'dqx_checks.checks',
          `schema.table in the app’s own Postgres database (a schema of its own, not the store’s), DQX’s Lakebase checks-table format, written by the app. Pipelines read it with LakebaseChecksStorageConfig(location="<database>.<schema>.<table>", instance_name=<the instance>, run_config_name="${table}"). Leave empty for none.`,
        )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Publish on every activation (a save or a rollback)
      </label>
      <ResultMessage message={message} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending !== null}>
          {pending === 'save' && <Loader2 className="animate-spin" />}
          Save publishing settings
        </Button>
        <Button type="button" variant="outline" disabled={pending !== null || !hasActive || targets.length === 0} onClick={() => void publish()}>
          {pending === 'publish' ? <Loader2 className="animate-spin" /> : <Upload />}
          Publish the active version now
        </Button>
      </div>
    </form>
  );
}
