/**
 * The recommended rules: what a careful data engineer writes after looking at the whole column,
 * as ordinary DQX checks (they run unchanged in DQX). Where DQX's generator turns min/max, the
 * distinct values and the null ratio of a sample into limits, this one:
 *
 * - bounds numbers by robust statistics: quantiles that leave out the rarest values at each end
 *   (at least 5 rows, 0.1% to 1% of them), a margin of half the distance from the median, on a
 *   log scale for right-skewed positive columns, rounded outward to a value a person would write;
 *   an edge where many rows sit on exactly the same value (1 for counts, 1 and 5 for ratings) is a
 *   hard limit; a non-negative column stays non-negative, a percentage within 0..100;
 * - proposes no range on identifiers (named like one, unique, or a dense sequence) but `is_unique`
 *   on keys;
 * - treats rare values as the defects to catch: rare NULLs and empty strings, a rare negative in a
 *   positive column, dates in the future (`is_not_in_future` instead of a learned maximum), values
 *   far beyond the bulk, rare values that miss the column's format, shape or allowed values;
 * - builds allowed-value lists only for enumerations (few distinct values, code-like, not free
 *   text) from the values that make up its bulk, leaving out case variants, padded copies and
 *   placeholders ("n/a", "unknown", ...) of them;
 * - recognises formats (e-mail, UUID, IPv4, JSON, ISO country/currency/language codes) and
 *   fixed-shape codes (`^[A-Z]{3}-[0-9]{6}$`) and checks them with DQX's own functions.
 *
 * Every rule carries its evidence (the statistics and the thresholds it was decided on), and every
 * column without a rule a note saying why.
 */
import type { Criticality, DqxCheck } from '@/lib/dqx/model';
import {
  looksLikeKeyName,
  PLACEHOLDER_VALUES,
  MARKUP_REGEX,
  shapeOf,
  TEXT_FORMATS,
  type FieldStats,
  type RobustProfile,
} from '@/lib/dqx/profiler/robust-profile';
import { QUANTILE_GRID } from '@/lib/dqx/profiler/robust-profile';
import { isIntegral } from '@/lib/dqx/profiler/spark-type';
import type { ValueCounts, ValueCountsRequest } from '@/lib/dqx/profiler/value-counts';
import type { EvidenceValue } from '@/lib/dqx/profiler/types';

import type { GeneratedRule, RuleEvidence } from './generate-rules';
import { niceCeil, niceFloor, plainNumber } from './nice-numbers';

/** Every threshold the recommended rules are decided on (documented in docs/generation-quality.md). */
export const RECOMMENDED = {
  /** Fewer non-null values than this: no statistics-based rule (too little evidence). */
  minValues: 20,
  /** NULLs are treated as defects (a not-null rule) when at most this share of rows is NULL. */
  rareNullShare: 0.01,
  /** Empty strings likewise. */
  rareEmptyShare: 0.01,
  /** A format check when at least this share of the non-empty values has the format. */
  formatShare: 0.95,
  /** A shape check (regex) when at least this share of the non-empty values has the shape. */
  shapeShare: 0.98,
  /** A no-markup check when markup is in at most this share of the values (and in some). */
  markupShare: 0.01,
  /** `is_not_in_future` when at most this share of the dates lies in the future. */
  futureShare: 0.01,
  /** A key when at least this share of the values is distinct. */
  keyDistinctShare: 0.99,
  /** Allowed-value lists: at most this many values ... */
  listMaxValues: 50,
  /** ... each seen on at least this many rows on average ... */
  listRowsPerValue: 10,
  /** ... a value is part of the list when it is on at least this share of the rows ... */
  listValueShare: 0.001,
  /** ... and the list covers at least this share of the values. */
  listCoverage: 0.98,
  /** Rows left out at each end when estimating the bulk of a numeric column (then 0.1% .. 1%). */
  tailRows: 5,
  /** The margin added beyond the bulk, as a share of the distance from the median. */
  margin: 0.5,
  /** Negative values in at most this share of a column are treated as defects of a non-negative column. */
  rareNegativeShare: 0.02,
  /** Integer columns with at most this many distinct values keep their exact limits (scales, grades). */
  smallDomain: 12,
  /** Quantile skewness above which a positive column is bounded on a log scale. */
  skew: 0.3,
} as const;

export interface RecommendOptions {
  criticality?: Criticality;
  /** The profile's filter: copied into every rule (the rules describe the filtered rows). */
  filter?: string | null;
}

export interface ColumnNote {
  column: string;
  note: string;
}

export interface Recommendation {
  rules: GeneratedRule[];
  notes: ColumnNote[];
}

const FREE_TEXT_NAME =
  /(^|_)(name|names|title|description|desc|comment|comments|note|notes|body|text|message|msg|remark|remarks|summary|address|street|city|subject|bio|content|reason|feedback|review|url|uri|link|agent|user_agent|path)$/i;
const PERCENT_NAME = /(^|_)(pct|percent|percentage)$/i;
const FUTURE_ALLOWED_NAME =
  /(^|_)(end|ends|ending|expiry|expires|expiration|expire|due|until|deadline|valid_to|scheduled|planned|next|renewal|renews|eta|target|estimated)(_|$)/i;
const NULL_ALLOWED_COMMENT =
  /\bnull\b|\bnullable\b|\boptional\b|\bif any\b|\b(may|can) be (empty|missing|absent|blank|unknown)\b/i;
const NULL_FORBIDDEN_COMMENT = /\b(never|not|no)\s+null\b|\brequired\b|\bmandatory\b/i;
const ENUM_VALUE = /^[\p{L}\p{N}_ .&'+-]{1,40}$/u;

const lastName = (field: string) => field.split('.').pop() ?? field;
const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const pctText = (x: number) => {
  const p = x * 100;
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  return `${p < 1 ? p.toFixed(2) : p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
};
const count = (n: number) => n.toLocaleString('en-US');

/** DQX `val_to_str` for a string: single-quoted, `'` and `\` escaped with a backslash. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/(['\\])/g, '\\$1')}'`;
}

export function isFreeText(s: FieldStats): boolean {
  if (FREE_TEXT_NAME.test(lastName(s.field.name))) return true;
  const nonEmpty = s.nonNull - s.empty;
  return nonEmpty > 0 && share(s.multiWord, nonEmpty) >= 0.5 && (s.meanLength ?? 0) > 20;
}

type Identity = { kind: 'key'; why: string } | { kind: 'reference'; why: string } | null;

/** Keys (unique identifiers) and references to other tables' keys, which get no ranges or lists. */
export function identityOf(s: FieldStats): Identity {
  const name = s.field.name;
  const keyName = looksLikeKeyName(name);
  const integral = isIntegral(s.field.type);
  if (!(s.family === 'text' || (s.family === 'numeric' && integral)))
    return keyName ? { kind: 'reference', why: 'its name says it identifies something' } : null;
  const distinct = s.distinct ?? 0;
  const uniqueShare = share(distinct, s.nonNull);
  const enough = s.nonNull >= RECOMMENDED.minValues;
  const sequential =
    integral &&
    s.min !== null &&
    s.max !== null &&
    distinct >= RECOMMENDED.minValues &&
    s.max - s.min + 1 <= 1.1 * distinct;
  const uuid = s.formats.uuid
    ? share(s.formats.uuid.matching, s.nonNull - s.empty) >= RECOMMENDED.formatShare
    : false;
  if (enough && s.field.topLevel && uniqueShare >= RECOMMENDED.keyDistinctShare) {
    if (keyName)
      return {
        kind: 'key',
        why: `${pctText(uniqueShare)} of its values are distinct and its name says it is a key`,
      };
    if (sequential && s.distinctExact)
      return {
        kind: 'key',
        why: `its ${count(distinct)} values are distinct and form a dense sequence (${count(s.min!)} to ${count(s.max!)})`,
      };
    if (uuid) return { kind: 'key', why: `its values are distinct UUIDs` };
  }
  if (keyName)
    return {
      kind: 'reference',
      why: 'its name says it identifies something, but its values repeat (a reference to another table)',
    };
  if (sequential && uniqueShare >= RECOMMENDED.keyDistinctShare)
    return { kind: 'reference', why: 'its values form a dense sequence of integers (an identifier)' };
  return null;
}

interface Ctx {
  criticality: Criticality;
  filter: string | null;
  rowsProfiled: number;
  rules: GeneratedRule[];
  notes: ColumnNote[];
}

function addRule(
  ctx: Ctx,
  s: FieldStats,
  kind: string,
  fn: string,
  args: Record<string, unknown>,
  evidence: {
    statistic: string;
    value: EvidenceValue;
    statistics: Record<string, EvidenceValue>;
    thresholds?: Record<string, number | boolean | string>;
    description: string;
  },
) {
  const check: DqxCheck = { criticality: ctx.criticality, check: { function: fn, arguments: args } };
  if (ctx.filter) check.filter = ctx.filter;
  const ev: RuleEvidence = {
    generator: 'recommended',
    profile: kind,
    column: s.field.name,
    statistic: evidence.statistic,
    value: evidence.value,
    statistics: evidence.statistics,
    thresholds: evidence.thresholds ?? {},
    parameters: null,
    description: evidence.description,
    rowsProfiled: ctx.rowsProfiled,
  };
  ctx.rules.push({ check, evidence: ev });
}

const note = (ctx: Ctx, s: FieldStats, text: string) => ctx.notes.push({ column: s.field.name, note: text });

/** The quantile of level p (a level of QUANTILE_GRID). */
function quantile(s: FieldStats, p: number): number | null {
  const i = QUANTILE_GRID.indexOf(p as (typeof QUANTILE_GRID)[number]);
  if (i < 0 || !s.quantiles) return null;
  return s.quantiles[i] ?? null;
}

/** The smallest grid level at or above p (below 0.5), and its mirror. */
function gridUp(p: number): number {
  return QUANTILE_GRID.find((g) => g >= p - 1e-12) ?? 0.5;
}
function gridDown(p: number): number {
  return [...QUANTILE_GRID].reverse().find((g) => g <= p + 1e-12) ?? 0.5;
}

/** How many rows at each end are left out of the bulk: 5 rows, between 0.1% and 1%. */
export function tailShare(values: number): number {
  return gridUp(Math.min(0.01, Math.max(0.001, RECOMMENDED.tailRows / Math.max(values, 1))));
}

/** Quantile skewness (Kelly): (q90 + q10 - 2 q50) / (q90 - q10). */
function kellySkew(lo: number, med: number, hi: number): number {
  return hi > lo ? (hi + lo - 2 * med) / (hi - lo) : 0;
}

export interface NumericBounds {
  min: number | null;
  max: number | null;
  statistics: Record<string, EvidenceValue>;
  how: string[];
}

/** Limits for a numeric column from its quantiles (see the module comment). */
export function numericBounds(s: FieldStats): NumericBounds | null {
  const p = tailShare(s.nonNull);
  // A rare negative in an otherwise non-negative column is a defect, not the bulk's lower end.
  const negativeShare = share(s.negatives, s.nonNull);
  const rareNegatives = negativeShare > 0 && negativeShare <= RECOMMENDED.rareNegativeShare;
  const pLo = rareNegatives ? gridUp(negativeShare + p) : p;
  const qlo = quantile(s, pLo);
  const qhi = quantile(s, gridDown(1 - p));
  const med = quantile(s, 0.5);
  const q10 = quantile(s, 0.1);
  const q90 = quantile(s, 0.9);
  if (qlo === null || qhi === null || med === null || q10 === null || q90 === null) return null;
  if (qhi <= qlo) return null;
  const integral = isIntegral(s.field.type);
  const m = RECOMMENDED.margin;
  const spread = qhi - qlo;
  const how: string[] = [];
  // A hard edge: the edge value itself holds at least half a percent (and 3) of the rows.
  const loLevel = gridUp(pLo + 0.005);
  const hiLevel = gridDown(1 - p - 0.005);
  const hardLo = quantile(s, loLevel) === qlo && (loLevel - pLo) * s.nonNull >= 3;
  const hardHi = quantile(s, hiLevel) === qhi && (1 - p - hiLevel) * s.nonNull >= 3;
  const smallDomain = integral && (s.distinct ?? Infinity) <= RECOMMENDED.smallDomain;

  let lo: number;
  if (hardLo) {
    lo = qlo;
    how.push(`the lowest value of the bulk, ${plainNumber(qlo)}, is shared by many rows: a hard lower limit`);
  } else if (qlo >= 0) {
    if (rareNegatives)
      how.push(
        `${count(s.negatives)} negative values (${pctText(negativeShare)}) in an otherwise non-negative column are treated as defects`,
      );
    const multiplicative = qlo > 0 && med > 0 ? qlo / (med / qlo) ** m : 0;
    if (qlo === 0 || s.zeros > 0 || multiplicative < 0.01 * med) {
      lo = 0;
      how.push('the column is never negative in bulk: lower limit 0');
    } else {
      lo = niceFloor(multiplicative, spread, integral);
      how.push(
        `lower limit below the bulk's lowest value ${plainNumber(qlo)} by the factor median/lowest raised to ${m}, rounded down`,
      );
    }
  } else {
    lo = niceFloor(qlo - m * (med - qlo), spread, integral);
    how.push(
      `lower limit: the bulk's lowest value ${plainNumber(qlo)} minus ${m} x (median - lowest), rounded down`,
    );
  }

  let hi: number;
  const skewLinear = kellySkew(q10, med, q90);
  const skewLog = q10 > 0 && med > 0 ? kellySkew(Math.log(q10), Math.log(med), Math.log(q90)) : Infinity;
  if (hardHi && smallDomain) {
    hi = qhi;
    how.push(
      `the highest value of the bulk, ${plainNumber(qhi)}, is shared by many rows of a small set of values: a hard upper limit`,
    );
  } else if (
    qlo > 0 &&
    med > 0 &&
    skewLinear > RECOMMENDED.skew &&
    Math.abs(skewLog) < Math.abs(skewLinear)
  ) {
    hi = niceCeil(Math.exp(Math.log(qhi) + m * (Math.log(qhi) - Math.log(med))), spread, integral);
    how.push(
      `the column is right-skewed (quantile skewness ${skewLinear.toFixed(2)}): upper limit on a log scale, ${m} x (log highest - log median) above the bulk, rounded up`,
    );
  } else {
    const room = Math.max(qhi - med, (qhi - qlo) / 2);
    hi = niceCeil(qhi + m * room, spread, integral);
    how.push(
      `upper limit: the bulk's highest value ${plainNumber(qhi)} plus ${m} x (highest - median), rounded up`,
    );
  }
  if (PERCENT_NAME.test(lastName(s.field.name)) && qlo >= 0 && qhi <= 100) {
    lo = Math.max(lo, 0);
    hi = Math.min(hi, 100);
    how.push('a percentage: within 0..100');
  }
  if (integral) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  return {
    min: plainNumber(lo),
    max: plainNumber(hi),
    statistics: {
      tail_share: p,
      negative_count: s.negatives,
      bulk_low: plainNumber(qlo),
      median: plainNumber(med),
      bulk_high: plainNumber(qhi),
      min: s.min === null ? null : plainNumber(s.min),
      max: s.max === null ? null : plainNumber(s.max),
      quantile_skewness: Number(skewLinear.toFixed(3)),
    },
    how,
  };
}

function nullability(ctx: Ctx, s: FieldStats, identity: Identity) {
  const rows = s.rows;
  const nulls = rows - s.nonNull;
  const nullShare = share(nulls, rows);
  const comment = s.comment ?? '';
  const allowedByComment = NULL_ALLOWED_COMMENT.test(comment) && !NULL_FORBIDDEN_COMMENT.test(comment);
  const notNull = nullShare <= RECOMMENDED.rareNullShare && !(allowedByComment && nulls > 0);
  const stats: Record<string, EvidenceValue> = { rows, null_count: nulls, null_share: nullShare };
  const thresholds = {
    rare_null_share: RECOMMENDED.rareNullShare,
    rare_empty_share: RECOMMENDED.rareEmptyShare,
  };
  const nullText =
    nulls === 0
      ? `No NULL in ${count(rows)} rows`
      : `${count(nulls)} NULLs in ${count(rows)} rows (${pctText(nullShare)}), rare enough to be defects`;
  if (!notNull) {
    note(
      ctx,
      s,
      allowedByComment && nullShare <= RECOMMENDED.rareNullShare
        ? `NULL is allowed (the column comment says so: "${comment}"): no not-null rule`
        : `NULL in ${pctText(nullShare)} of the rows: too common to be a defect, no not-null rule`,
    );
  }
  if (s.family === 'text' && s.nonNull > 0) {
    const emptyShare = share(s.empty, s.nonNull);
    const notEmpty = emptyShare <= RECOMMENDED.rareEmptyShare;
    stats.empty_count = s.empty;
    stats.empty_share = emptyShare;
    const emptyText =
      s.empty === 0 ? 'no empty value' : `${count(s.empty)} empty values (${pctText(emptyShare)})`;
    if (notNull && notEmpty) {
      addRule(
        ctx,
        s,
        'not_null_or_empty',
        'is_not_null_and_not_empty',
        { column: s.field.name, trim_strings: true },
        {
          statistic: 'null_share',
          value: nullShare,
          statistics: stats,
          thresholds,
          description: `${nullText}; ${emptyText}.`,
        },
      );
      return;
    }
    if (!notEmpty)
      note(
        ctx,
        s,
        `empty in ${pctText(emptyShare)} of the values: too common to be a defect, no not-empty rule`,
      );
    else {
      addRule(
        ctx,
        s,
        'not_empty',
        'is_not_empty',
        { column: s.field.name, trim_strings: true },
        {
          statistic: 'empty_share',
          value: emptyShare,
          statistics: stats,
          thresholds,
          description: `${emptyText} in ${count(s.nonNull)} values.`,
        },
      );
    }
  }
  if (notNull) {
    addRule(
      ctx,
      s,
      'not_null',
      'is_not_null',
      { column: s.field.name },
      {
        statistic: 'null_share',
        value: nullShare,
        statistics: stats,
        thresholds,
        description: `${nullText}${identity?.kind === 'key' ? ' (a key)' : ''}.`,
      },
    );
  }
}

function numericRules(ctx: Ctx, s: FieldStats, identity: Identity) {
  if (identity) {
    note(ctx, s, `an identifier (${identity.why}): no range rule`);
    return;
  }
  if (s.nonNull < RECOMMENDED.minValues) {
    note(ctx, s, `only ${s.nonNull} values: too few for a range`);
    return;
  }
  const b = numericBounds(s);
  if (!b || b.min === null || b.max === null) {
    note(ctx, s, 'almost every value is the same: no range rule');
    return;
  }
  const fn = 'is_in_range';
  addRule(
    ctx,
    s,
    'range',
    fn,
    { column: s.field.name, min_limit: b.min, max_limit: b.max },
    {
      statistic: 'range',
      value: `${b.min} .. ${b.max}`,
      statistics: b.statistics,
      thresholds: { tail_share: Number(b.statistics.tail_share), margin: RECOMMENDED.margin },
      description: `The bulk of the ${count(s.nonNull)} values lies between ${b.statistics.bulk_low} and ${b.statistics.bulk_high} (median ${b.statistics.median}; observed ${b.statistics.min} .. ${b.statistics.max}). ${b.how.join('; ')}.`,
    },
  );
}

const isoDate = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);

function temporalRules(ctx: Ctx, s: FieldStats, now: number) {
  if (s.nonNull < RECOMMENDED.minValues) {
    note(ctx, s, `only ${s.nonNull} values: too few for date rules`);
    return;
  }
  const name = s.field.name;
  const futureShare = share(s.future, s.nonNull);
  const futureAllowed = FUTURE_ALLOWED_NAME.test(lastName(name));
  if (futureAllowed)
    note(
      ctx,
      s,
      'its name says it may lie in the future (an end, due or planned date): no not-in-future rule',
    );
  else if (futureShare > RECOMMENDED.futureShare)
    note(ctx, s, `${pctText(futureShare)} of the values lie in the future: no not-in-future rule`);
  else {
    addRule(
      ctx,
      s,
      'not_in_future',
      'is_not_in_future',
      { column: name },
      {
        statistic: 'future_count',
        value: s.future,
        statistics: { future_count: s.future, future_share: futureShare, values: s.nonNull },
        thresholds: { future_share: RECOMMENDED.futureShare },
        description:
          s.future === 0
            ? `No value lies in the future: new rows of an append-only table should not either (instead of a learned maximum that tomorrow's rows break).`
            : `${count(s.future)} of ${count(s.nonNull)} values (${pctText(futureShare)}) lie in the future: rare enough to be defects.`,
      },
    );
  }
  // A lower limit catches placeholder dates (1900-01-01, 0001-01-01) and typing errors.
  const p = tailShare(s.nonNull);
  const qlo = quantile(s, p);
  const med = quantile(s, 0.5);
  if (qlo === null || med === null) return;
  const dayOf = (v: number) => (s.family === 'date' ? v : v / 86_400);
  const loDays = dayOf(qlo) - RECOMMENDED.margin * (dayOf(med) - dayOf(qlo)) - 1;
  const year = new Date(Math.floor(loDays) * 86_400_000).getUTCFullYear();
  const limit = `${String(year).padStart(4, '0')}-01-01`;
  addRule(
    ctx,
    s,
    'min_date',
    'is_not_less_than',
    { column: name, limit: s.family === 'date' ? limit : `${limit} 00:00:00` },
    {
      statistic: 'bulk_low',
      value: isoDate(Math.floor(dayOf(qlo))),
      statistics: {
        bulk_low: isoDate(Math.floor(dayOf(qlo))),
        median: isoDate(Math.floor(dayOf(med))),
        min: s.min === null ? null : isoDate(Math.floor(dayOf(s.min))),
        tail_share: p,
      },
      thresholds: { margin: RECOMMENDED.margin },
      description: `The bulk starts on ${isoDate(Math.floor(dayOf(qlo)))} (median ${isoDate(Math.floor(dayOf(med)))}); the limit is ${RECOMMENDED.margin} x (median - start) earlier, at the start of that year. It catches placeholder dates such as 1900-01-01.`,
    },
  );
  void now;
}

const FORMAT_RULES: {
  key: 'email' | 'uuid' | 'ipv4' | 'json' | 'country' | 'currency' | 'language';
  fn: string;
  what: string;
}[] = [
  { key: 'email', fn: 'is_valid_email', what: 'e-mail addresses' },
  { key: 'uuid', fn: 'is_valid_uuid', what: 'UUIDs' },
  { key: 'ipv4', fn: 'is_valid_ipv4_address', what: 'IPv4 addresses' },
  { key: 'json', fn: 'is_valid_json', what: 'JSON documents' },
  { key: 'country', fn: 'is_valid_country_code', what: 'ISO 3166-1 country codes' },
  { key: 'currency', fn: 'is_valid_currency_code', what: 'ISO 4217 currency codes' },
  { key: 'language', fn: 'is_valid_language_code', what: 'ISO 639 language codes' },
];

/** A regex for a set of value shapes with the same structure (run lengths may differ). */
export function shapeRegex(shapes: string[]): string | null {
  const runsOf = (shape: string) => {
    const runs: { cls: string; n: number }[] = [];
    for (const ch of shape) {
      const cls = ch === 'A' || ch === 'a' || ch === '9' ? ch : `=${ch}`;
      const last = runs[runs.length - 1];
      if (last && last.cls === cls && !cls.startsWith('=')) last.n++;
      else runs.push({ cls, n: 1 });
    }
    return runs;
  };
  const all = shapes.map(runsOf);
  const first = all[0];
  if (!first) return null;
  const same = all.filter((r) => r.length === first.length && r.every((x, i) => x.cls === first[i]!.cls));
  const escape = (ch: string) =>
    /[A-Za-z0-9]/.test(ch) ? ch : /[\\^$.|?*+()[\]{}/-]/.test(ch) ? `\\${ch}` : ch;
  const parts = first.map((run, i) => {
    if (run.cls.startsWith('=')) return escape(run.cls.slice(1));
    const lengths = same.map((r) => r[i]!.n);
    const lo = Math.min(...lengths);
    const hi = Math.max(...lengths);
    const cls = run.cls === 'A' ? '[A-Z]' : run.cls === 'a' ? '[a-z]' : '[0-9]';
    return lo === hi ? (lo === 1 ? cls : `${cls}{${lo}}`) : `${cls}+`;
  });
  return `^${parts.join('')}$`;
}

/** Shapes that make a code (digits in it, no spaces, short), most common first. */
export function codeShapes(s: FieldStats): string[] {
  return s.shapes.filter((sh) => sh.length <= 40 && !/\s/.test(sh) && /9/.test(sh));
}

const shapeProbeKey = (field: string, which: 'exact' | 'general') => `shape:${which}:${field}`;

/**
 * The candidate patterns of a field: the most common shape exactly, then the common shapes with the
 * same structure, run lengths generalised (`SKU-1` .. `SKU-400`); one pattern when they agree.
 */
function shapeCandidates(s: FieldStats): { which: 'exact' | 'general'; regex: string }[] {
  const shapes = codeShapes(s);
  const exact = shapes.length ? shapeRegex(shapes.slice(0, 1)) : null;
  const general = shapes.length > 1 ? shapeRegex(shapes) : null;
  const out: { which: 'exact' | 'general'; regex: string }[] = [];
  if (exact) out.push({ which: 'exact', regex: exact });
  if (general && general !== exact) out.push({ which: 'general', regex: general });
  return out;
}

/** Whether a text field's values are worth counting exactly (a candidate enumeration). */
function listCandidate(s: FieldStats, identity: Identity): boolean {
  if (s.family !== 'text' || identity || isFreeText(s)) return false;
  if (s.nonNull < RECOMMENDED.minValues) return false;
  const distinct = s.distinct ?? Infinity;
  // approximate distinct counts may be a few percent off: count a little beyond the limit
  return (
    distinct <= RECOMMENDED.listMaxValues * 1.2 &&
    distinct * RECOMMENDED.listRowsPerValue <= s.nonNull * 1.2 &&
    (s.maxLength ?? 0) <= 64
  );
}

function formatOf(s: FieldStats): (typeof FORMAT_RULES)[number] | null {
  const nonEmpty = s.nonNull - s.empty;
  if (nonEmpty < RECOMMENDED.minValues) return null;
  for (const f of FORMAT_RULES) {
    const c = s.formats[f.key];
    if (c && share(c.matching, nonEmpty) >= RECOMMENDED.formatShare) return f;
  }
  return null;
}

const formatProbeKey = (format: string, field: string) => `format:${format}:${field}`;
const placeholderProbeKey = (field: string) => `placeholder:${field}`;

/** Values that stand for "no value" ("n/a", "unknown", ...), in any case, are not in the column. */
const placeholderCheck = (column: string): DqxCheck => ({
  criticality: 'error',
  check: {
    function: 'is_not_in_list',
    arguments: { column, forbidden: PLACEHOLDER_VALUES.map(sqlStringLiteral), case_sensitive: false },
  },
});

/** The formats most non-empty values of a text field look like (by the profile's cheap tests). */
function likelyFormats(s: FieldStats): (typeof TEXT_FORMATS)[number][] {
  const nonEmpty = s.nonNull - s.empty;
  if (nonEmpty < RECOMMENDED.minValues) return [];
  return TEXT_FORMATS.filter((f) => {
    const c = s.formats[f.key];
    if (!c) return false;
    return f.key === 'markup' ? c.candidates > 0 : share(c.candidates, nonEmpty) >= RECOMMENDED.formatShare;
  });
}

/**
 * What the follow-up statement should count: the values of candidate enumerations, and the rows
 * the DQX checks fail for the formats most values look like and for candidate value shapes.
 */
export function followUpRequest(profile: RobustProfile): ValueCountsRequest {
  const fields: ValueCountsRequest['fields'] = [];
  const probes: ValueCountsRequest['probes'] = [];
  for (const s of profile.fields) {
    if (s.family !== 'text') continue;
    const identity = identityOf(s);
    const formats = likelyFormats(s);
    for (const f of formats) {
      probes.push({
        key: formatProbeKey(f.key, s.field.name),
        check: {
          criticality: 'error',
          check: { function: f.check, arguments: { column: s.field.name, ...f.args } },
        },
      });
    }
    if (listCandidate(s, identity)) {
      fields.push(s.field);
      continue;
    }
    if (s.nonNull - s.empty >= RECOMMENDED.minValues) {
      probes.push({ key: placeholderProbeKey(s.field.name), check: placeholderCheck(s.field.name) });
    }
    if (isFreeText(s) || formats.some((f) => f.key !== 'markup')) continue;
    for (const c of shapeCandidates(s)) {
      probes.push({
        key: shapeProbeKey(s.field.name, c.which),
        check: {
          criticality: 'error',
          check: { function: 'regex_match', arguments: { column: s.field.name, regex: c.regex } },
        },
      });
    }
  }
  return { fields, probes };
}

/** The profile with the follow-up's counts filled in (formats, placeholders). */
export function withFollowUpCounts(profile: RobustProfile, counts: ValueCounts | null): RobustProfile {
  if (!counts) return profile;
  return {
    ...profile,
    fields: profile.fields.map((s) => {
      if (s.family !== 'text') return s;
      const formats: FieldStats['formats'] = {};
      for (const [key, c] of Object.entries(s.formats) as [
        keyof FieldStats['formats'],
        NonNullable<FieldStats['formats'][keyof FieldStats['formats']]>,
      ][]) {
        const failing = counts.failing[formatProbeKey(key, s.field.name)];
        formats[key] = {
          candidates: c.candidates,
          matching: failing === undefined ? 0 : key === 'markup' ? failing : Math.max(0, s.nonNull - failing),
        };
      }
      const placeholders = counts.failing[placeholderProbeKey(s.field.name)];
      return { ...s, formats, placeholders: placeholders ?? s.placeholders };
    }),
  };
}

function allowedValues(s: FieldStats, values: { value: string; count: number }[]) {
  const total = values.reduce((a, v) => a + v.count, 0);
  if (total === 0) return null;
  const bulkCandidates = values.filter((v) => share(v.count, total) >= RECOMMENDED.listValueShare);
  const suspects: { value: string; count: number; why: string }[] = [];
  const bulk: { value: string; count: number }[] = [];
  const placeholder = new Set<string>(PLACEHOLDER_VALUES);
  for (const v of values) {
    const rare = share(v.count, total) < RECOMMENDED.listValueShare;
    const trimmed = v.value.trim();
    const bigger = bulkCandidates.find(
      (w) =>
        w !== v &&
        w.count > v.count * 10 &&
        (w.value.toLowerCase() === trimmed.toLowerCase() || w.value === trimmed),
    );
    let why: string | null = null;
    if (trimmed === '') why = 'empty';
    else if (placeholder.has(trimmed.toLowerCase()) && share(v.count, total) < 0.05)
      why = 'a placeholder for a missing value';
    else if (bigger && v.value !== trimmed) why = `a padded copy of '${bigger.value}'`;
    else if (bigger) why = `a case variant of '${bigger.value}'`;
    else if (rare) why = `rare (${count(v.count)} of ${count(total)} values)`;
    if (why) suspects.push({ ...v, why });
    else bulk.push(v);
  }
  if (bulk.length === 0 || bulk.length > RECOMMENDED.listMaxValues) return null;
  if (bulk.length * RECOMMENDED.listRowsPerValue > total) return null;
  if (!bulk.every((v) => ENUM_VALUE.test(v.value))) return null;
  const covered = bulk.reduce((a, v) => a + v.count, 0);
  if (share(covered, total) < RECOMMENDED.listCoverage) return null;
  return { bulk, suspects, total, covered };
}

function textRules(ctx: Ctx, s: FieldStats, identity: Identity, counts: ValueCounts | null) {
  const name = s.field.name;
  const nonEmpty = s.nonNull - s.empty;
  if (nonEmpty < RECOMMENDED.minValues) {
    note(ctx, s, `only ${nonEmpty} non-empty values: too few for format rules`);
    return;
  }
  let encodesCase = false;
  const format = formatOf(s);
  if (format) {
    const c = s.formats[format.key]!;
    const misses = nonEmpty - c.matching;
    addRule(
      ctx,
      s,
      'format',
      format.fn,
      { column: name },
      {
        statistic: 'format_share',
        value: share(c.matching, nonEmpty),
        statistics: { values: nonEmpty, matching: c.matching, not_matching: misses },
        thresholds: { format_share: RECOMMENDED.formatShare },
        description: `${count(c.matching)} of ${count(nonEmpty)} non-empty values (${pctText(share(c.matching, nonEmpty))}) are valid ${format.what}${misses ? `; the other ${count(misses)} are treated as defects` : ''}.`,
      },
    );
    encodesCase = ['country', 'currency', 'language', 'uuid'].includes(format.key);
  }
  const free = isFreeText(s);
  let listed = false;
  let shaped = false;
  if (!format && !identity && !free) {
    const values = counts?.values[name];
    const list = values ? allowedValues(s, values) : null;
    if (list) {
      listed = true;
      encodesCase = true;
      const allowed = list.bulk.map((v) => sqlStringLiteral(v.value));
      addRule(
        ctx,
        s,
        'allowed_values',
        'is_in_list',
        { column: name, allowed },
        {
          statistic: 'coverage',
          value: share(list.covered, list.total),
          statistics: {
            values: list.total,
            allowed: list.bulk.map((v) => `${v.value} (${count(v.count)})`).join(', '),
            suspects: list.suspects.length
              ? list.suspects
                  .map((v) => `${v.value === '' ? "''" : v.value} (${count(v.count)}: ${v.why})`)
                  .join(', ')
              : 'none',
          },
          thresholds: {
            value_share: RECOMMENDED.listValueShare,
            coverage: RECOMMENDED.listCoverage,
            max_values: RECOMMENDED.listMaxValues,
          },
          description: `${list.bulk.length} values make up ${pctText(share(list.covered, list.total))} of the column${list.suspects.length ? `; ${list.suspects.length} rare look-alike or stray value(s) are treated as defects, not members` : ''}.`,
        },
      );
    } else if (values) {
      note(
        ctx,
        s,
        `${values.length} distinct values, but no small set of code-like values covers ${pctText(RECOMMENDED.listCoverage)} of them: no allowed-values list`,
      );
    }
  }
  if (free && !format) note(ctx, s, 'free text: no allowed-values list or shape rule');
  if (!format && !listed && !free) {
    const shapes = codeShapes(s);
    // the exact shape when it covers the bulk, else the generalised one
    const chosen = shapeCandidates(s)
      .map((c) => ({ ...c, failing: counts?.failing[shapeProbeKey(name, c.which)] }))
      .find(
        (c) => c.failing !== undefined && share(s.nonNull - c.failing, nonEmpty) >= RECOMMENDED.shapeShare,
      );
    if (chosen && chosen.failing !== undefined) {
      const { regex, failing } = chosen;
      const matching = s.nonNull - failing;
      {
        shaped = true;
        encodesCase = true;
        addRule(
          ctx,
          s,
          'shape',
          'regex_match',
          { column: name, regex },
          {
            statistic: 'shape_share',
            value: share(matching, nonEmpty),
            statistics: {
              values: nonEmpty,
              matching,
              not_matching: failing,
              shapes: shapes.slice(0, 3).join(', '),
            },
            thresholds: { shape_share: RECOMMENDED.shapeShare },
            description: `${count(matching)} of ${count(nonEmpty)} values (${pctText(share(matching, nonEmpty))}) have the shape ${shapes[0]} (${regex})${failing ? `; the other ${count(failing)} are treated as defects` : ''}.`,
          },
        );
      }
    }
  }
  // Case of short codes that no other rule pins down.
  if (!encodesCase && !free && !shaped && (s.maxLength ?? Infinity) <= 12 && s.multiWord === 0) {
    for (const [which, n] of [
      ['upper', s.upper],
      ['lower', s.lower],
    ] as const) {
      if (n > 0 && share(n, nonEmpty) >= RECOMMENDED.formatShare) {
        addRule(
          ctx,
          s,
          'case',
          'has_valid_string_case',
          { column: name, case: which },
          {
            statistic: `${which}_share`,
            value: share(n, nonEmpty),
            statistics: { values: nonEmpty, [which]: n },
            thresholds: { case_share: RECOMMENDED.formatShare },
            description: `${count(n)} of ${count(nonEmpty)} values (${pctText(share(n, nonEmpty))}) are ${which} case codes.`,
          },
        );
        break;
      }
    }
  }
  const markup = s.formats.markup;
  if (
    markup &&
    markup.matching > 0 &&
    share(markup.matching, nonEmpty) <= RECOMMENDED.markupShare &&
    format?.key !== 'json'
  ) {
    addRule(
      ctx,
      s,
      'no_markup',
      'regex_match',
      { column: name, regex: MARKUP_REGEX, negate: true },
      {
        statistic: 'markup_count',
        value: markup.matching,
        statistics: { values: nonEmpty, with_markup: markup.matching },
        thresholds: { markup_share: RECOMMENDED.markupShare },
        description: `${count(markup.matching)} of ${count(nonEmpty)} values (${pctText(share(markup.matching, nonEmpty))}) contain HTML-like markup or script: rare enough to be defects (and a risk where the text is shown).`,
      },
    );
  }
  if (
    !listed &&
    !format &&
    !shaped &&
    s.placeholders > 0 &&
    share(s.placeholders, nonEmpty) <= RECOMMENDED.rareNullShare
  ) {
    addRule(
      ctx,
      s,
      'no_placeholder',
      'is_not_in_list',
      { column: name, forbidden: PLACEHOLDER_VALUES.map(sqlStringLiteral), case_sensitive: false },
      {
        statistic: 'placeholder_count',
        value: s.placeholders,
        statistics: { values: nonEmpty, placeholders: s.placeholders },
        thresholds: { placeholder_share: RECOMMENDED.rareNullShare },
        description: `${count(s.placeholders)} values are placeholders for a missing value ("n/a", "unknown", ...): rare enough to be defects.`,
      },
    );
  }
}

/** The recommended rules for a profile and (optionally) its follow-up counts. */
export function recommendRules(
  measured: RobustProfile,
  counts: ValueCounts | null,
  options: RecommendOptions = {},
): Recommendation {
  const profile = withFollowUpCounts(measured, counts);
  const ctx: Ctx = {
    criticality: options.criticality ?? 'error',
    filter: options.filter ?? null,
    rowsProfiled: profile.rowsProfiled,
    rules: [],
    notes: [],
  };
  if (profile.rowsProfiled === 0) return { rules: [], notes: [] };
  for (const s of profile.fields) {
    const identity = identityOf(s);
    if (identity?.kind === 'key' && s.field.topLevel) {
      addRule(
        ctx,
        s,
        'unique',
        'is_unique',
        { columns: [s.field.name] },
        {
          statistic: 'distinct_share',
          value: share(s.distinct ?? 0, s.nonNull),
          statistics: {
            values: s.nonNull,
            distinct: s.distinct ?? null,
            duplicates: s.nonNull - (s.distinct ?? 0),
          },
          thresholds: { key_distinct_share: RECOMMENDED.keyDistinctShare },
          description: `A key: ${identity.why}.${(s.distinct ?? 0) < s.nonNull ? ` ${count(s.nonNull - (s.distinct ?? 0))} repeated values are treated as defects.` : ''}`,
        },
      );
    }
    if (s.rows > 0) nullability(ctx, s, identity);
    if (s.family === 'numeric') numericRules(ctx, s, identity);
    else if (s.family === 'date' || s.family === 'timestamp') temporalRules(ctx, s, profile.now);
    else if (s.family === 'text') textRules(ctx, s, identity, counts);
  }
  return { rules: ctx.rules, notes: ctx.notes };
}

/** Exported for tests: the shape of a value as the profile computes it. */
export { shapeOf };
