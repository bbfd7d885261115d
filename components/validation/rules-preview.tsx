import { isRecord, summarizeRule } from '@/components/rules/rule-model';
import { provenanceEvidence, readProvenance } from '@/components/rules/rule-provenance';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';

const ORIGIN_TEXT = { profile: 'profile', model: 'model', manual: 'written by hand', imported: 'imported' } as const;

/**
 * A saved rule set at a glance: each rule's name, check, columns, criticality, filter and where it
 * runs, and (when the version recorded it) where it came from and the evidence behind it.
 */
export function RulesPreview({ rules, caption, provenance }: { rules: unknown; caption: string; provenance?: unknown }) {
  if (!Array.isArray(rules)) {
    return <p className="text-muted-foreground text-sm">This version was saved in a form that is not a list of DQX checks.</p>;
  }
  if (rules.length === 0) return <p className="text-muted-foreground text-sm">This version has no rules.</p>;
  const origins = Array.isArray(provenance) && provenance.length === rules.length ? provenance.map(readProvenance) : null;
  return (
    <div className="max-h-96 overflow-auto rounded-md border">
      <Table aria-label={caption}>
        <TableHeader className="bg-background sticky top-0">
          <TableRow>
            <TableHead className="w-8 text-right">#</TableHead>
            <TableHead>Rule</TableHead>
            <TableHead>Check</TableHead>
            <TableHead>Columns</TableHead>
            <TableHead>Criticality</TableHead>
            <TableHead>Runs in</TableHead>
            {origins && <TableHead>Origin and evidence</TableHead>}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rules.map((rule, i) => {
            const s = summarizeRule(isRecord(rule) ? rule : {});
            return (
              <TableRow key={i}>
                <TableCell className="text-muted-foreground text-right tabular-nums">{i + 1}</TableCell>
                <TableCell className="font-mono text-xs">
                  {s.displayName}
                  {s.filter && <span className="text-muted-foreground block">where {s.filter}</span>}
                </TableCell>
                <TableCell className="font-mono text-xs">{s.functionName || '–'}</TableCell>
                <TableCell className="font-mono text-xs">
                  {s.forEach ? 'each of ' : ''}
                  {s.columns.join(', ') || '–'}
                </TableCell>
                <TableCell className="text-xs">{s.criticality}</TableCell>
                <TableCell>
                  {s.runsIn && <Badge variant={s.runsIn === 'sql' ? 'secondary' : 'warning'}>{s.runsIn === 'sql' ? 'SQL' : 'job only'}</Badge>}
                </TableCell>
                {origins && (
                  <TableCell className="max-w-md text-xs" data-testid="rule-origin">
                    {(() => {
                      const p = origins[i];
                      if (!p) return <span className="text-muted-foreground">not recorded</span>;
                      const evidence = provenanceEvidence(p);
                      return (
                        <>
                          <Badge variant="outline">
                            {ORIGIN_TEXT[p.origin]}
                            {p.edited ? ', edited' : ''}
                          </Badge>
                          {evidence && (
                            <span className="text-muted-foreground mt-1 line-clamp-3 block whitespace-normal" title={evidence}>
                              {evidence}
                            </span>
                          )}
                        </>
                      );
                    })()}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
