import { LocalTime } from '@/components/runs/local-time';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { PublicationHistory, PublishTarget } from '@/lib/services/publishing';

/** A target in words: what DQX storage config reads it, and where. */
export function targetLabel(target: PublishTarget): string {
  switch (target.kind) {
    case 'uc_table':
      return `Unity Catalog table ${target.table}`;
    case 'volume_file':
      return `Volume file ${target.path}`;
    case 'local_file':
      return `Local ${target.format === 'yaml' ? 'YAML' : 'JSON'} checks file`;
    case 'local_table':
      return `Local checks table ${target.table}`;
    case 'lakebase_table':
      return `Lakebase checks table ${target.table}`;
  }
}

/**
 * The DQX storage config a pipeline reads a Lakebase checks table with: location
 * `<database>.<schema>.<table>` (the database known once published), the instance, and the rule
 * set's table as the run config.
 */
export function lakebaseReadConfig(table: string, runConfigName: string, location: string | null): string {
  return (
    `LakebaseChecksStorageConfig(location="${location ?? `<database>.${table}`}", instance_name="<Lakebase instance>", ` +
    `run_config_name="${runConfigName}")`
  );
}

/**
 * Each publishing target of a table with the copy it holds (version, when, by whom) and whether
 * that copy is still the active version; then every attempt, newest first.
 */
export function PublicationList({ history }: { history: PublicationHistory }) {
  return (
    <div className="grid gap-3">
      {history.targets.length === 0 ? (
        <p className="text-muted-foreground text-sm">No publishing target is set: the active version is only in the app.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <Table aria-label="Publishing targets">
            <TableHeader>
              <TableRow>
                <TableHead>Target</TableHead>
                <TableHead>Holds</TableHead>
                <TableHead>Published</TableHead>
                <TableHead>By</TableHead>
                <TableHead>Matches the active version</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {history.targets.map((t, i) => (
                <TableRow key={i}>
                  <TableCell className="text-xs break-all">
                    {targetLabel(t.target)}
                    {t.last_published?.location && <div className="text-muted-foreground font-mono">{t.last_published.location}</div>}
                    {t.target.kind === 'lakebase_table' && (
                      <div className="text-muted-foreground mt-1" data-testid="lakebase-read-config">
                        DQX reads it with <span className="font-mono">{lakebaseReadConfig(t.target.table, history.table_name, t.last_published?.location ?? null)}</span>
                      </div>
                    )}
                  </TableCell>
                  <TableCell className="text-xs">{t.last_published ? `version ${t.last_published.version}` : 'nothing yet'}</TableCell>
                  <TableCell className="text-xs whitespace-nowrap">{t.last_published ? <LocalTime iso={t.last_published.published_at} /> : '–'}</TableCell>
                  <TableCell className="text-xs">{t.last_published?.published_by ?? '–'}</TableCell>
                  <TableCell>
                    {t.matches_active === true ? (
                      <Badge variant="success">Yes</Badge>
                    ) : t.matches_active === false ? (
                      <Badge variant="warning">No: version {history.active_version} is active</Badge>
                    ) : (
                      <span className="text-muted-foreground text-xs">not published</span>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {history.items.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer">Publication history ({history.items.length})</summary>
          <ul className="mt-2 grid gap-1">
            {history.items.map((p) => (
              <li key={p.id}>
                <LocalTime iso={p.published_at} />: version {p.version} to {targetLabel(p.target)} by {p.published_by} ({p.trigger === 'activation' ? 'on activation' : 'on demand'}):{' '}
                {p.status === 'failed' ? <span className="text-destructive">failed: {p.error}</span> : p.status === 'unchanged' ? 'already there' : 'written'}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
