import { isRecord } from '@/components/rules/rule-model';

interface RuleNote {
  rule: string;
  explanation: string;
  importance: string | null;
}

export interface AnalysisShape {
  summary: string | null;
  score: number | null;
  rules: RuleNote[];
  coverage: string | null;
  recommendations: string[];
  model: string | null;
  generatedAt: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/**
 * An AI analysis as saved with a version (`ai_summary`), read defensively: this app's shape, the
 * original application's (`rule_function` + `column`), or a raw reply kept as the summary.
 */
export function readAnalysis(value: unknown): AnalysisShape | null {
  if (!isRecord(value)) return null;
  const rules: RuleNote[] = Array.isArray(value.rule_analysis)
    ? value.rule_analysis.filter(isRecord).map((r) => ({
        rule: str(r.rule) ?? ([str(r.rule_function), str(r.column)].filter(Boolean).join(' on ') || 'rule'),
        explanation: str(r.explanation) ?? '',
        importance: str(r.importance),
      }))
    : [];
  const score = typeof value.overall_quality_score === 'number' ? value.overall_quality_score : Number(value.overall_quality_score);
  const shape: AnalysisShape = {
    summary: str(value.summary),
    score: Number.isFinite(score) ? score : null,
    rules,
    coverage: str(value.coverage_assessment),
    recommendations: Array.isArray(value.recommendations) ? value.recommendations.filter((r): r is string => typeof r === 'string') : [],
    model: str(value.model),
    generatedAt: str(value.generated_at),
  };
  return shape.summary || shape.rules.length || shape.coverage ? shape : null;
}

/** The analysis: summary and score, an explanation per rule, coverage and recommendations (all text). */
export function AnalysisView({ analysis, headingLevel = 3 }: { analysis: AnalysisShape; headingLevel?: 3 | 4 }) {
  const H = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div className="grid gap-3 text-sm" data-testid="ai-analysis">
      <div className="flex flex-wrap items-baseline gap-3">
        <H className="font-medium">Summary</H>
        {analysis.score !== null && (
          <span className="rounded-md border px-2 py-0.5 font-medium tabular-nums" aria-label={`Quality score ${analysis.score} out of 10`}>
            Score {analysis.score}/10
          </span>
        )}
        {analysis.model && <span className="text-muted-foreground text-xs">by {analysis.model}</span>}
      </div>
      {analysis.summary && <p className="whitespace-pre-wrap">{analysis.summary}</p>}
      {analysis.rules.length > 0 && (
        <details open={analysis.rules.length <= 8}>
          <summary className="cursor-pointer font-medium">Rule by rule ({analysis.rules.length})</summary>
          <ul className="mt-2 grid gap-1.5">
            {analysis.rules.map((r, i) => (
              <li key={i} className="grid gap-0.5">
                <span>
                  <span className="font-mono text-xs font-medium break-all">{r.rule}</span>
                  {r.importance && <span className="text-muted-foreground text-xs"> · importance {r.importance}</span>}
                </span>
                {r.explanation && <span className="text-muted-foreground">{r.explanation}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {analysis.coverage && (
        <>
          <H className="font-medium">Coverage</H>
          <p className="whitespace-pre-wrap">{analysis.coverage}</p>
        </>
      )}
      {analysis.recommendations.length > 0 && (
        <>
          <H className="font-medium">Recommendations</H>
          <ul className="list-disc pl-5">
            {analysis.recommendations.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
