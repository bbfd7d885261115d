/**
 * The stand-in's default behaviour: a small, deterministic "model" that reads the prompt the way a
 * real one would (columns, request, rules) and answers in the requested JSON form. Its first answer
 * to a generation request makes the classic mistake of older DQX examples (`col_name` instead of
 * `column` in is_not_null), which it corrects when the app sends the rule back with its errors, so
 * the repair path runs in every end-to-end generation. Asked for rules about "typical" values, it
 * first proposes an upper limit at the column's median (the profile in the prompt gives it), which
 * fails half the rows; sent back with that impact, it replaces it with a non-negativity rule, so
 * the review path runs too.
 */
import type { ChatRequest } from './server';

interface Column {
  name: string;
  type: string;
}

function section(text: string, heading: string): string | undefined {
  const start = text.indexOf(heading);
  if (start === -1) return undefined;
  const rest = text.slice(start + heading.length);
  const end = rest.search(/\n\n[A-Z][A-Za-z0-9 ]+(\(|:)/);
  return (end === -1 ? rest : rest.slice(0, end)).trim();
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const isText = (c: Column) => c.type === 'string';
const isNumeric = (c: Column) => /^(int|bigint|smallint|tinyint|double|float|decimal)/.test(c.type);
const isTemporal = (c: Column) => c.type === 'date' || c.type.startsWith('timestamp');

function generationAnswer(prompt: string): string {
  const columns = parseJson<Column[]>(section(prompt, 'Columns (JSON):'), []);
  const request = (section(prompt, 'Request (from the user, quoted):') ?? '').toLowerCase();
  const existing = parseJson<{ check?: { function?: string; arguments?: { column?: string } } }[]>(
    section(prompt, 'Rules already derived from the profile (JSON):'),
    [],
  );
  const already = new Set(existing.map((r) => `${r.check?.function}:${r.check?.arguments?.column}`));
  const rules: unknown[] = [];
  const add = (fn: string, column: string, args: Record<string, unknown> = {}, criticality = 'error') => {
    if (already.has(`${fn}:${column}`)) return;
    rules.push({ criticality, check: { function: fn, arguments: { column, ...args } } });
  };
  const wants = (...words: string[]) => words.some((w) => request.includes(w));

  if (wants('required', 'missing', 'null', 'mandatory', 'present', 'id')) {
    for (const c of columns.filter((c) => c.name === 'id' || c.name.endsWith('_id')).slice(0, 2)) {
      if (already.has(`is_not_null:${c.name}`)) continue;
      rules.push({
        criticality: 'error',
        check: { function: 'is_not_null', arguments: { col_name: c.name } },
      });
    }
  }
  if (wants('email', 'e-mail'))
    for (const c of columns.filter((c) => isText(c) && c.name.includes('email')))
      add('is_valid_email', c.name);
  if (wants('negative', 'positive', 'amount', 'price')) {
    for (const c of columns.filter((c) => isNumeric(c) && /amount|price|total|quantity/.test(c.name)))
      add('is_not_less_than', c.name, { limit: 0 });
  }
  if (wants('country'))
    for (const c of columns.filter((c) => isText(c) && c.name.includes('country')))
      add('is_valid_country_code', c.name);
  if (wants('ip address', ' ip', 'ipv4'))
    for (const c of columns.filter((c) => isText(c) && /(^|_)ip(_|$)|ip_address/.test(c.name)))
      add('is_valid_ipv4_address', c.name);
  if (wants('json', 'payload'))
    for (const c of columns.filter((c) => isText(c) && /json|payload|attributes|metadata/.test(c.name)))
      add('is_valid_json', c.name);
  if (wants('future'))
    for (const c of columns.filter(isTemporal)) add('is_not_in_future', c.name, {}, 'warn');
  if (wants('typical', 'usual')) {
    const profile = profileOf(prompt);
    const numeric = columns.find(
      (c) => isNumeric(c) && !/(^|_)id$/.test(c.name) && profile[c.name]?.median !== undefined,
    );
    if (numeric) add('is_not_greater_than', numeric.name, { limit: Number(profile[numeric.name]!.median) });
  }
  if (wants('html', 'script', 'markup')) {
    for (const c of columns.filter(
      (c) => isText(c) && /name|comment|note|text|description|review/.test(c.name),
    )) {
      add('regex_match', c.name, { regex: '<[a-zA-Z/!]', negate: true }, 'warn');
    }
  }
  return 'Here are the rules:\n```json\n' + JSON.stringify(rules, null, 2) + '\n```';
}

/** The per-column profile the prompt carries under "Profile of N rows (JSON):". */
function profileOf(prompt: string): Record<string, { median?: string | number }> {
  const m = /Profile of \d+ rows \(JSON\):\n(.*)/.exec(prompt);
  return parseJson<Record<string, { median?: string | number }>>(m?.[1], {});
}

/** Rules sent back with their impact: a too-strict upper limit becomes a lower limit of 0; others are withdrawn. */
function reviewAnswer(prompt: string): string {
  const revised: unknown[] = [];
  for (const match of prompt.matchAll(/^Rule \d+: (.*)$/gm)) {
    const rule = parseJson<{
      criticality?: string;
      check?: { function?: string; arguments?: { column?: string } };
    } | null>(match[1], null);
    const column = rule?.check?.arguments?.column;
    revised.push(
      rule?.check?.function === 'is_not_greater_than' && column
        ? {
            criticality: rule.criticality ?? 'error',
            check: { function: 'is_not_less_than', arguments: { column, limit: 0 } },
          }
        : null,
    );
  }
  return JSON.stringify(revised);
}

function repairAnswer(prompt: string): string {
  const fixed: unknown[] = [];
  for (const match of prompt.matchAll(/^Rule \d+: (.*)$/gm)) {
    const rule = parseJson<{ check?: { arguments?: Record<string, unknown> } } | null>(match[1], null);
    const args = rule?.check?.arguments;
    if (rule && args && 'col_name' in args) {
      const { col_name, ...rest } = args;
      fixed.push({ ...rule, check: { ...rule.check, arguments: { column: col_name, ...rest } } });
    } else {
      fixed.push(null);
    }
  }
  return JSON.stringify(fixed);
}

function analysisAnswer(prompt: string): string {
  const rules = parseJson<
    { name?: string; criticality?: string; check?: { function?: string; arguments?: { column?: string } } }[]
  >(section(prompt, 'Rules (JSON):'), []);
  const columns = parseJson<Column[]>(section(prompt, 'Columns (JSON):'), []);
  const covered = new Set(rules.map((r) => r.check?.arguments?.column).filter(Boolean));
  const uncovered = columns.filter((c) => !covered.has(c.name)).map((c) => c.name);
  return JSON.stringify({
    summary: `The rule set has ${rules.length} rules covering ${covered.size} of ${columns.length} columns.`,
    rule_analysis: rules.map((r) => ({
      rule: r.name ?? `${r.check?.arguments?.column ?? 'table'}_${r.check?.function ?? 'rule'}`,
      explanation: `Checks ${r.check?.function ?? 'a condition'} on ${r.check?.arguments?.column ?? 'the table'}.`,
      importance: r.criticality === 'warn' ? 'medium' : 'high',
    })),
    coverage_assessment: uncovered.length
      ? `Columns without rules: ${uncovered.join(', ')}.`
      : 'Every column has at least one rule.',
    recommendations: uncovered.slice(0, 3).map((c) => `Consider a rule for ${c}.`),
    overall_quality_score: Math.min(
      10,
      Math.max(1, Math.round((10 * covered.size) / Math.max(1, columns.length))),
    ),
  });
}

/**
 * A user request containing this phrase makes the model think for {@link SLOW_ANSWER_MS} before it
 * answers a generation request, like a real model on a busy endpoint: end-to-end tests use it to
 * watch a run's progress, reload the page during a run and cancel one.
 */
export const SLOW_PHRASE = 'take your time';
export const SLOW_ANSWER_MS = 8000;

const later = (text: string, ms: number) =>
  new Promise<string>((resolve) => setTimeout(() => resolve(text), ms));

export function scriptedModel(request: ChatRequest): string | Promise<string> {
  const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
  const last = request.messages[request.messages.length - 1]?.content ?? '';
  if (system.startsWith('You review data-quality rule sets')) return analysisAnswer(last);
  if (last.startsWith('These rules from your answer are invalid')) return repairAnswer(last);
  if (last.startsWith('These rules from your answer need another look')) return reviewAnswer(last);
  if (system.startsWith('You write data-quality rules')) {
    const answer = generationAnswer(last);
    const request = (section(last, 'Request (from the user, quoted):') ?? '').toLowerCase();
    return request.includes(SLOW_PHRASE) ? later(answer, SLOW_ANSWER_MS) : answer;
  }
  return 'I can only write and review DQX rules.';
}
