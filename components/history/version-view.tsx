import Link from 'next/link';

import { AnalysisView, readAnalysis } from '@/components/generation/analysis-view';
import { isRecord } from '@/components/rules/rule-model';
import { formatCount, formatRunRate } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { Badge } from '@/components/ui/badge';
import { RulesPreview } from '@/components/validation/rules-preview';
import type { RuleSetVersion } from '@/lib/services/rule-sets';

function facts(table: string, metadata: Record<string, unknown> | null): { label: string; value: React.ReactNode }[] {
  if (!metadata) return [];
  const out: { label: string; value: React.ReactNode }[] = [];
  if (typeof metadata.source === 'string') out.push({ label: 'Saved from', value: metadata.source });
  if (typeof metadata.rows_profiled === 'number') {
    const sampling = isRecord(metadata.sampling) && typeof metadata.sampling.description === 'string' ? ` (${metadata.sampling.description})` : '';
    out.push({ label: 'Rows profiled', value: `${formatCount(metadata.rows_profiled)}${sampling}` });
  }
  if (typeof metadata.model === 'string') out.push({ label: 'Language model', value: metadata.model });
  if (isRecord(metadata.origin_counts)) {
    const c = metadata.origin_counts as Record<string, unknown>;
    out.push({ label: 'Rules by origin', value: `${String(c.profile ?? 0)} from the profile, ${String(c.model ?? 0)} from the model, ${String(c.edited ?? 0)} written or edited by hand` });
  }
  if (typeof metadata.generation_run_id === 'string') {
    out.push({
      label: 'Generation run',
      value: (
        <Link className="text-primary underline" href={`/generator?${new URLSearchParams({ table, run: metadata.generation_run_id }).toString()}`}>
          Open the generation
        </Link>
      ),
    });
  }
  if (isRecord(metadata.dry_run) && typeof metadata.dry_run.pass_rate === 'number') {
    const scope = typeof metadata.dry_run.scope === 'string' ? metadata.dry_run.scope : `${formatCount(Number(metadata.dry_run.sample_rows ?? 0))} rows`;
    out.push({ label: 'Dry run before saving', value: `${formatRunRate(metadata.dry_run.pass_rate, metadata.dry_run.incomplete === true)} on ${scope}` });
  }
  if (typeof metadata.based_on_version === 'number') out.push({ label: 'Based on', value: `version ${metadata.based_on_version}` });
  return out;
}

/** One saved version: who and when, the prompt, its rules as a list and as DQX YAML, the AI summary and metadata. */
export function VersionView({ version, yaml }: { version: RuleSetVersion; yaml: string | null }) {
  const analysis = readAnalysis(version.ai_summary);
  const meta = facts(version.table_name, version.metadata);
  return (
    <article className="grid gap-4" aria-labelledby="version-heading" data-testid="version-view">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id="version-heading" className="text-base font-semibold">
          Version {version.version}
        </h3>
        {version.is_active ? <Badge variant="success">active</Badge> : <Badge variant="outline">not active</Badge>}
      </div>
      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-muted-foreground">Saved</dt>
        <dd>
          <LocalTime iso={version.created_at} /> by {version.created_by}
        </dd>
        {version.activated_at && (
          <>
            <dt className="text-muted-foreground">Made active</dt>
            <dd>
              <LocalTime iso={version.activated_at} /> by {version.activated_by}
            </dd>
          </>
        )}
        <dt className="text-muted-foreground">Request</dt>
        <dd className="whitespace-pre-wrap">{version.user_prompt || <span className="text-muted-foreground">none</span>}</dd>
        {meta.map((f) => (
          <div key={f.label} className="contents">
            <dt className="text-muted-foreground">{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>

      <section aria-label="Rules of this version" className="grid gap-2">
        <h4 className="font-medium">Rules ({version.rule_count ?? '?'})</h4>
        <RulesPreview rules={version.rules} provenance={version.rule_provenance} caption={`Rules of version ${version.version}`} />
        {yaml !== null && (
          <details className="text-sm">
            <summary className="cursor-pointer">Rules as DQX YAML</summary>
            <pre className="bg-muted mt-2 max-h-96 overflow-auto rounded-md p-3 font-mono text-xs" aria-label={`Version ${version.version} as DQX YAML`}>
              {yaml}
            </pre>
          </details>
        )}
      </section>

      <section aria-label="AI summary" className="grid gap-2">
        <h4 className="font-medium">AI summary</h4>
        {analysis ? (
          <div className="bg-card rounded-lg border p-3">
            <AnalysisView analysis={analysis} headingLevel={4} />
          </div>
        ) : (
          <p className="text-muted-foreground text-sm">No AI analysis was saved with this version.</p>
        )}
      </section>

      {version.metadata && (
        <details className="text-sm">
          <summary className="cursor-pointer">All metadata (JSON)</summary>
          <pre className="bg-muted mt-2 max-h-80 overflow-auto rounded-md p-3 font-mono text-xs">{JSON.stringify(version.metadata, null, 2)}</pre>
        </details>
      )}
    </article>
  );
}
