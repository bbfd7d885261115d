/**
 * Where each rule of a saved version came from: its origin (the data profile, the language model,
 * written by hand, imported from a file), whether it was edited by hand after it was generated or
 * imported, and the evidence behind it (the profile statistics, or the model that proposed it).
 *
 * Kept with the version in a column of its own (`rule_provenance`, aligned with `rules`), never
 * inside the rules: the rules stay exactly the DQX checks a pipeline loads, and DQX would copy a
 * rule's `user_metadata` into every result row of that rule.
 *
 * What the browser says is taken as a claim: when the save names the generation run the rules came
 * from, each rule is matched against the run's rules by fingerprint, so "profile" or "model" with
 * its statistics is recorded only for a rule that is exactly as generated, and a rule that claims
 * such an origin without matching is recorded as edited.
 */
import 'server-only';

import { ruleFingerprint, type DqxCheck } from '@/lib/dqx';
import { badRequest } from '@/lib/errors';

import type { RuleProvenanceInput } from './rule-set-schemas';

export type ProvenanceOrigin = RuleProvenanceInput['origin'];

export interface RuleProvenance {
  origin: ProvenanceOrigin;
  /** Changed by hand after it was generated or imported. */
  edited: boolean;
  /** Why the rule is there, as the editor showed it (text). */
  evidence: string | null;
  /**
   * The evidence as the generation recorded it: for a profile rule the DQX profile, the statistic
   * and its value, the rows profiled; for a model rule the model. Null when not known.
   */
  detail: unknown;
}

/** The stored provenance of `rules`, or null when none was given; 400 when it does not match the rules. */
export function normaliseProvenance(
  entries: readonly RuleProvenanceInput[] | undefined,
  rules: readonly unknown[],
): RuleProvenance[] | null {
  if (entries === undefined) return null;
  if (entries.length !== rules.length) {
    const message = `rule_provenance must have one entry per rule: ${rules.length} rules, ${entries.length} entries.`;
    throw badRequest(message, { issues: [{ path: 'rule_provenance', message }] });
  }
  return entries.map((e) => ({
    origin: e.origin,
    edited: e.edited ?? false,
    evidence: e.evidence ?? null,
    detail: e.detail ?? null,
  }));
}

function fingerprintOf(rule: unknown): string | null {
  try {
    return ruleFingerprint(rule as DqxCheck);
  } catch {
    return null;
  }
}

/**
 * Provenance checked against the rules a generation run produced: a saved rule identical to a
 * generated one (same fingerprint) takes the run's origin and evidence; any other rule keeps what
 * the browser said, marked edited if it claims to come from the profile or the model.
 */
export function provenanceFromRun(
  rules: readonly unknown[],
  claimed: readonly RuleProvenance[] | null,
  generated: readonly { check: unknown; origin: 'profile' | 'model'; evidence: unknown }[],
): RuleProvenance[] {
  const byFingerprint = new Map<string, (typeof generated)[number]>();
  for (const rule of generated) {
    const fp = fingerprintOf(rule.check);
    if (fp && !byFingerprint.has(fp)) byFingerprint.set(fp, rule);
  }
  return rules.map((rule, i) => {
    const claim = claimed?.[i] ?? null;
    const fp = fingerprintOf(rule);
    const match = fp ? byFingerprint.get(fp) : undefined;
    if (match)
      return {
        origin: match.origin,
        edited: false,
        evidence: claim?.evidence ?? null,
        detail: match.evidence ?? null,
      };
    if (!claim) return { origin: 'manual', edited: false, evidence: null, detail: null };
    const generatedOrigin = claim.origin === 'profile' || claim.origin === 'model';
    return { ...claim, edited: claim.edited || generatedOrigin };
  });
}

/** Every rule of a file import: imported, as it is in the file. */
export function importedProvenance(rules: readonly unknown[]): RuleProvenance[] {
  return rules.map(() => ({ origin: 'imported', edited: false, evidence: null, detail: null }));
}
