import { CircleCheck } from 'lucide-react';
import Link from 'next/link';

import { auditHref } from '@/components/catalog/links';
import { TableMessage } from '@/components/catalog/table-view';
import { ActivateVersion } from '@/components/history/activate-version';
import { AlertList } from '@/components/history/alert-list';
import { DiffPicker } from '@/components/history/diff-picker';
import { DiffView } from '@/components/history/diff-view';
import { GovernanceControls } from '@/components/history/governance-controls';
import { ProposalList } from '@/components/history/proposal-list';
import { ProposalStatus } from '@/components/history/proposal-status';
import { PassRateChart, type PassRatePoint } from '@/components/history/pass-rate-chart';
import { PublicationList } from '@/components/history/publication-list';
import { PublishControls } from '@/components/history/publish-controls';
import { ScheduleControls } from '@/components/history/schedule-controls';
import { ThresholdControls } from '@/components/history/threshold-controls';
import { UrlSelect } from '@/components/history/url-select';
import { VersionView } from '@/components/history/version-view';
import { plural } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { RunList } from '@/components/runs/run-list';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { getCaller, type Caller } from '@/lib/auth';
import { expandChecks, serializeChecks, type DqxCheck } from '@/lib/dqx';
import { isAppError } from '@/lib/errors';
import { getThresholds, listAlerts } from '@/lib/services/alerting';
import { listTableProposals } from '@/lib/services/proposals';
import { getPublicationHistory } from '@/lib/services/publishing';
import { rightsOf } from '@/lib/services/rights';
import { diffRuleSetVersions, getRuleSetVersion, type RuleSetDiff, type RuleSetVersion } from '@/lib/services/rule-sets';
import { listRuns, rulePassRateHistory, tablePassRateHistory } from '@/lib/services/runs';
import { getSchedule } from '@/lib/services/schedules';

import { allVersions } from './history-data';

const VERSIONS_PAGE = 20;
const CHART_RUNS = 100;

export interface HistoryQuery {
  version: number | null;
  from: number | null;
  to: number | null;
  page: number;
  rule: string | null;
}

function hrefWith(table: string, params: Record<string, string | number | null | undefined>, hash = ''): string {
  const q = new URLSearchParams({ table });
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  return `/history?${q.toString()}${hash}`;
}

const validatorRun = (table: string, runId: string) => `/validator?${new URLSearchParams({ table, run: runId }).toString()}`;

/** An action that may be refused: the refusal's message, or the result. */
async function attempt<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ok: false, message: error.message };
  }
}

function ruleNames(rules: unknown): string[] {
  if (!Array.isArray(rules)) return [];
  try {
    return [...new Set(expandChecks(rules as DqxCheck[]).map((r) => r.name))];
  } catch {
    return [];
  }
}

async function passRatePoints(caller: Caller, table: string, rule: string | null): Promise<PassRatePoint[]> {
  // Dry runs validate a sample, not the table: they are left out of the table's history.
  const runs = await listRuns(caller, table, { kind: 'validation', page: 1, page_size: CHART_RUNS });
  const dry = new Set(runs.items.filter((r) => r.parameters.dry_run === true).map((r) => r.id));
  if (rule === null) {
    const history = await tablePassRateHistory(caller, table, CHART_RUNS);
    return history.points.filter((p) => !dry.has(p.run_id));
  }
  const history = await rulePassRateHistory(caller, table, { name: rule }, CHART_RUNS);
  return history.points
    .filter((p) => !dry.has(p.run_id))
    .map((p) => ({
      run_id: p.run_id,
      finished_at: p.finished_at,
      rule_set_version: p.rule_set_version,
      pass_rate: p.pass_rate,
      rows_evaluated: p.rows_evaluated,
      failing_rows: p.failing_rows,
    }));
}

/**
 * The history of one table's rule set: pass rate over time (overall or per rule), every version
 * (who, when, request, rules, active), one version in full, two versions compared, rollback, and
 * the latest validation runs.
 */
export async function TableHistory({ table, query }: { table: string; query: HistoryQuery }) {
  const caller = await getCaller();
  const loaded = await attempt(() => allVersions(caller, table));
  if (!loaded.ok) {
    return (
      <TableMessage title="This table's history cannot be shown">
        <p>{loaded.message}</p>
        <p>
          Choose a table from the <Link href="/history">list of tables with rule sets</Link>.
        </p>
      </TableMessage>
    );
  }
  const history = loaded.value;
  const name = history.table_name;
  const versions = history.items;
  if (versions.length === 0) {
    return (
      <div className="grid justify-items-start gap-3 rounded-lg border border-dashed p-6">
        <p>
          <span className="font-mono">{name}</span> has no saved rule set yet.
        </p>
        <Button asChild>
          <Link href={`/generator?${new URLSearchParams({ table: name }).toString()}`}>Generate rules for it</Link>
        </Button>
      </div>
    );
  }

  const active = versions.find((v) => v.is_active) ?? null;
  const pages = Math.max(1, Math.ceil(versions.length / VERSIONS_PAGE));
  const page = Math.min(query.page, pages);
  const shown = versions.slice((page - 1) * VERSIONS_PAGE, page * VERSIONS_PAGE);

  let selected: { version: RuleSetVersion; yaml: string | null } | { error: string } | null = null;
  if (query.version !== null) {
    const v = await attempt(() => getRuleSetVersion(caller, name, query.version!));
    if (v.ok) {
      let yaml: string | null = null;
      try {
        yaml = Array.isArray(v.value.rules) ? serializeChecks(v.value.rules as DqxCheck[], 'yaml') : null;
      } catch {
        yaml = null;
      }
      selected = { version: v.value, yaml };
    } else {
      selected = { error: v.message };
    }
  }

  const newest = versions[0]!.version;
  const previous = versions[1]?.version ?? newest;
  const diffFrom = query.from ?? previous;
  const diffTo = query.to ?? newest;
  let diff: { ok: true; value: RuleSetDiff } | { ok: false; message: string } | null = null;
  if (query.from !== null && query.to !== null) diff = await attempt(() => diffRuleSetVersions(caller, name, query.from!, query.to!));

  const activeRules = active ? await attempt(() => getRuleSetVersion(caller, name, active.version)) : null;
  const names = activeRules?.ok ? ruleNames(activeRules.value.rules) : [];
  if (query.rule && !names.includes(query.rule)) names.unshift(query.rule);
  const points = await passRatePoints(caller, name, query.rule);
  const runs = await listRuns(caller, name, { kind: 'validation', page: 1, page_size: 10 });
  const publishing = await attempt(() => getPublicationHistory(caller, name));
  const [thresholds, alerts, schedule] = await Promise.all([
    attempt(() => getThresholds(caller, name)),
    attempt(() => listAlerts(caller, name)),
    attempt(() => getSchedule(caller, name)),
  ]);
  const [rightsResult, proposalsResult] = await Promise.all([attempt(() => rightsOf(caller, name)), attempt(() => listTableProposals(caller, name, {}))]);
  const rights = rightsResult.ok ? rightsResult.value : null;
  const steward = rights?.steward ?? false;
  const proposals = proposalsResult.ok ? proposalsResult.value.items : [];
  const proposalOf = new Map(proposals.map((p) => [p.version, p]));
  const waiting = proposals.filter((p) => p.status === 'proposed');
  // a version that is an open, rejected or withdrawn proposal becomes active only through its review
  const activatable = (version: number) => steward && (proposalOf.get(version)?.status ?? 'approved') === 'approved';
  const versionOptions = versions.map((v) => ({
    version: v.version,
    label: `Version ${v.version}${v.is_active ? ' (active)' : ''} · ${v.rule_count ?? '?'} rules`,
  }));

  return (
    <div className="grid gap-10">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="font-mono text-lg font-semibold break-all">{name}</h2>
        <span className="text-muted-foreground text-sm">
          {plural(versions.length, 'version')}; {active ? `version ${active.version} is active` : 'no version is active'}
        </span>
        <span className="flex flex-wrap gap-2">
          <Button asChild size="sm">
            <Link href={`/validator?${new URLSearchParams({ table: name }).toString()}`}>Validate</Link>
          </Button>
          <Button asChild size="sm" variant="outline">
            <Link href={`/generator?${new URLSearchParams({ table: name }).toString()}`}>Generate new rules</Link>
          </Button>
          <Button asChild size="sm" variant="outline">
            <Link href={auditHref(name)}>
              Audit<span className="sr-only"> trail of {name}</span>
            </Link>
          </Button>
        </span>
      </div>

      <section id="proposals" aria-labelledby="proposals-heading" className="grid gap-3 scroll-mt-16">
        <h3 id="proposals-heading" className="text-base font-medium">
          Proposals and rights
        </h3>
        {rights && (
          <p className="text-sm" data-testid="your-rights">
            {rights.steward
              ? `You are a steward of this table (${rights.steward_sources.join('; ') || 'steward'}): your saves become active${rights.four_eyes ? ' only after someone else approves them (four eyes is on)' : ''}, and you review proposals.`
              : `You can read this table: your saves are proposals that a steward reviews (${rights.requirement}).${rights.owner ? ` Its owner is ${rights.owner}.` : ''}`}
          </p>
        )}
        {proposals.length === 0 ? (
          <p className="text-muted-foreground text-sm">No proposals.</p>
        ) : (
          <>
            <p className="text-sm">{waiting.length === 0 ? 'None is waiting for review.' : `${plural(waiting.length, 'proposal')} waiting for review.`}</p>
            <ProposalList proposals={proposals.slice(0, 20)} caption={`Proposals for ${name}`} />
          </>
        )}
        {rights?.admin && <GovernanceControls table={name} fourEyes={rights.four_eyes} stewardGroup={rights.steward_group} />}
      </section>

      <section aria-labelledby="pass-rate" className="grid gap-3">
        <h3 id="pass-rate" className="text-base font-medium">
          Pass rate over time
        </h3>
        <UrlSelect
          label="Show the pass rate of"
          value={query.rule ?? ''}
          options={[{ value: '', label: 'The whole table (valid rows / all rows)' }, ...names.map((n) => ({ value: n, label: `Rule ${n}` }))].map(
            (o) => ({
              ...o,
              href: hrefWith(name, { rule: o.value, version: query.version, from: query.from, to: query.to, page: page > 1 ? page : null }, '#pass-rate'),
            }),
          )}
        />
        <PassRateChart
          points={points}
          title={query.rule ? `Rule ${query.rule}` : 'Whole table'}
          runHref={(runId) => validatorRun(name, runId)}
        />
      </section>

      <section aria-labelledby="versions" className="grid gap-3">
        <h3 id="versions" className="text-base font-medium">
          Versions
        </h3>
        <div className="overflow-x-auto rounded-md border">
          <Table aria-label={`Versions of ${name}`}>
            <TableHeader>
              <TableRow>
                <TableHead className="text-right">Version</TableHead>
                <TableHead>Saved</TableHead>
                <TableHead>By</TableHead>
                <TableHead>Request</TableHead>
                <TableHead className="text-right">Rules</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((v) => (
                <TableRow key={v.version} data-version={v.version} aria-current={query.version === v.version ? 'true' : undefined}>
                  <TableCell className="text-right font-medium tabular-nums">{v.version}</TableCell>
                  <TableCell className="text-xs whitespace-nowrap">
                    <LocalTime iso={v.created_at} />
                  </TableCell>
                  <TableCell className="text-xs">{v.created_by}</TableCell>
                  <TableCell className="max-w-72 truncate text-xs" title={v.user_prompt ?? undefined}>
                    {v.user_prompt || <span className="text-muted-foreground">none</span>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{v.rule_count ?? '–'}</TableCell>
                  <TableCell>
                    {v.is_active ? (
                      <Badge variant="success">
                        <CircleCheck aria-hidden /> Active
                      </Badge>
                    ) : proposalOf.has(v.version) && proposalOf.get(v.version)!.status !== 'approved' ? (
                      <ProposalStatus proposal={proposalOf.get(v.version)!} />
                    ) : (
                      <span className="text-muted-foreground text-xs">Not active</span>
                    )}
                  </TableCell>
                  <TableCell>
                    <span className="flex flex-wrap items-center gap-2">
                      <Link className="text-primary text-xs underline" href={hrefWith(name, { version: v.version }, '#version')}>
                        View<span className="sr-only"> version {v.version}</span>
                      </Link>
                      {!v.is_active && activatable(v.version) && <ActivateVersion table={name} version={v.version} activeVersion={active?.version ?? null} />}
                    </span>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        {pages > 1 && (
          <nav aria-label="Pages of versions" className="flex items-center gap-2 text-sm">
            {page > 1 ? (
              <Button asChild size="sm" variant="outline">
                <Link href={hrefWith(name, { page: page - 1 }, '#versions')}>Newer versions</Link>
              </Button>
            ) : null}
            <span>
              Page {page} of {pages}
            </span>
            {page < pages ? (
              <Button asChild size="sm" variant="outline">
                <Link href={hrefWith(name, { page: page + 1 }, '#versions')}>Older versions</Link>
              </Button>
            ) : null}
          </nav>
        )}
        {history.activations.length > 0 && (
          <details className="text-sm">
            <summary className="cursor-pointer">Changes of the active version ({history.activations.length})</summary>
            <ul className="mt-2 grid gap-1">
              {history.activations.map((a, i) => (
                <li key={i}>
                  <LocalTime iso={a.activated_at} />: version {a.version} made active by {a.activated_by}
                  {a.previous_version !== null ? ` (was version ${a.previous_version})` : ''}
                  {a.action ? ` · ${a.action}` : ''}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>

      <section id="publishing" aria-labelledby="publishing-heading" className="grid gap-3 scroll-mt-16">
        <h3 id="publishing-heading" className="text-base font-medium">
          Publishing
        </h3>
        <p className="text-muted-foreground text-sm">
          Where DQX pipelines load the active version from, in DQX’s own storage formats (<span className="font-mono">DQEngine.load_checks</span>).
        </p>
        {publishing.ok ? (
          <>
            <PublicationList history={publishing.value} />
            {!steward && <p className="text-muted-foreground text-sm">Only stewards of the table change where it is published, or publish.</p>}
            {steward && (
              <PublishControls
              table={name}
              mode={caller.mode}
              autoPublish={publishing.value.auto_publish}
              lakebaseAvailable={publishing.value.lakebase_available}
              targets={publishing.value.targets.map((t) => t.target)}
                hasActive={active !== null}
              />
            )}
          </>
        ) : (
          <p role="alert" className="text-destructive text-sm">
            The publishing history cannot be shown: {publishing.message}
          </p>
        )}
      </section>

      <section id="alerts" aria-labelledby="alerts-heading" className="grid gap-3 scroll-mt-16">
        <h3 id="alerts-heading" className="text-base font-medium">
          Thresholds and alerts
        </h3>
        <p className="text-muted-foreground text-sm">
          Every validation run is held to these thresholds; monitors can read the result at{' '}
          <span className="font-mono break-all">/api/v1/tables/{name}/health</span> (200 or 503).
        </p>
        {alerts.ok ? (
          <AlertList history={alerts.value} runHref={(runId) => validatorRun(name, runId)} />
        ) : (
          <p role="alert" className="text-destructive text-sm">
            The alerts cannot be shown: {alerts.message}
          </p>
        )}
        {thresholds.ok && !steward ? (
          <p className="text-muted-foreground text-sm">Only stewards of the table change its thresholds.</p>
        ) : thresholds.ok ? (
          <ThresholdControls table={name} thresholds={thresholds.value} ruleNames={activeRules?.ok ? ruleNames(activeRules.value.rules) : []} />
        ) : (
          <p role="alert" className="text-destructive text-sm">
            The thresholds cannot be shown: {thresholds.message}
          </p>
        )}
      </section>

      <section id="schedule" aria-labelledby="schedule-heading" className="grid gap-3 scroll-mt-16">
        <h3 id="schedule-heading" className="text-base font-medium">
          Scheduled checks
        </h3>
        <p className="text-muted-foreground text-sm">
          The rule set runs by itself on a schedule, as an ordinary validation run held to the thresholds above, and keeps its
          quarantine rows and DQX metrics in the outputs below.
        </p>
        {schedule.ok ? (
          <ScheduleControls
            table={name}
            state={schedule.value}
            versions={versions.map((v) => v.version)}
            lastRunHref={schedule.value.schedule?.last_run_id ? validatorRun(name, schedule.value.schedule.last_run_id) : null}
          />
        ) : (
          <p role="alert" className="text-destructive text-sm">
            The schedule cannot be shown: {schedule.message}
          </p>
        )}
      </section>

      {selected && (
        <section id="version" aria-label="Selected version" className="grid gap-3 scroll-mt-16">
          {'error' in selected ? (
            <TableMessage title={`Version ${query.version} cannot be shown`}>
              <p>{selected.error}</p>
            </TableMessage>
          ) : (
            <>
              <VersionView version={selected.version} yaml={selected.yaml} />
              {!selected.version.is_active && activatable(selected.version.version) && (
                <div>
                  <ActivateVersion table={name} version={selected.version.version} activeVersion={active?.version ?? null} />
                </div>
              )}
            </>
          )}
        </section>
      )}

      <section id="compare" aria-labelledby="compare-heading" className="grid gap-3 scroll-mt-16">
        <h3 id="compare-heading" className="text-base font-medium">
          Compare two versions
        </h3>
        {versions.length < 2 ? (
          <p className="text-muted-foreground text-sm">There is only one version; save another to compare them.</p>
        ) : (
          <>
            <DiffPicker table={name} versions={versionOptions} from={diffFrom} to={diffTo} />
            {diff && !diff.ok && (
              <p role="alert" className="text-destructive text-sm">
                The versions cannot be compared: {diff.message}
              </p>
            )}
            {diff?.ok && <DiffView diff={diff.value} />}
          </>
        )}
      </section>

      <section aria-labelledby="runs-heading" className="grid gap-3">
        <h3 id="runs-heading" className="text-base font-medium">
          Latest validation runs
        </h3>
        {runs.total === 0 ? (
          <p className="text-muted-foreground text-sm">
            No validation has run yet.{' '}
            <Link className="text-primary underline" href={`/validator?${new URLSearchParams({ table: name }).toString()}`}>
              Validate the active version
            </Link>
            .
          </p>
        ) : (
          <>
            <RunList runs={runs.items} href={(r) => validatorRun(name, r.id)} caption={`Latest validation runs of ${name}`} />
            {runs.total > runs.items.length && (
              <p className="text-sm">
                <Link className="text-primary underline" href={`/validator?${new URLSearchParams({ table: name, runs_page: '2' }).toString()}`}>
                  Older runs ({runs.total - runs.items.length} more) in the Validator
                </Link>
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
