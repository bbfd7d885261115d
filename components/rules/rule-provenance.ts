/**
 * A rule's origin and evidence between the editor and a saved version: what the editor sends with
 * a save (`rule_provenance`, one entry per rule), and the annotations a saved version's rules get
 * back when they are opened again (Validator draft) or shown (History).
 */
import { evidenceText } from '@/components/generation/evidence';
import type { GeneratedRuleOut } from '@/lib/services/generation';
import type { RuleProvenance } from '@/lib/services/rule-sets';

import { isRecord, type RuleAnnotation, type RuleItem, type RuleOrigin } from './rule-model';

const ORIGINS: readonly RuleOrigin[] = ['profile', 'model', 'manual', 'imported'];

/** What a save records of a rule's origin (the server checks it against the generation run). */
export function provenanceOf(item: RuleItem): {
  origin: RuleOrigin;
  edited: boolean;
  evidence: string | null;
  detail?: unknown;
} {
  const a = item.annotation;
  if (!a) return { origin: 'manual', edited: false, evidence: null };
  return {
    origin: a.origin,
    edited: Boolean(a.edited),
    evidence: a.evidence ? a.evidence.slice(0, 4000) : null,
    ...(a.detail !== undefined && a.detail !== null ? { detail: a.detail } : {}),
  };
}

const isGenerationEvidence = (v: unknown): v is GeneratedRuleOut['evidence'] =>
  isRecord(v) &&
  (typeof v.model === 'string' ||
    v.source === 'dqx_job' ||
    (typeof v.profile === 'string' && typeof v.column === 'string'));

/** The evidence of a saved rule as a sentence: from what the generation recorded, else as it was saved. */
export function provenanceEvidence(p: Pick<RuleProvenance, 'evidence' | 'detail'>): string | null {
  if (isGenerationEvidence(p.detail)) {
    try {
      return evidenceText(p.detail);
    } catch {
      // fall back to the saved text
    }
  }
  return p.evidence ?? null;
}

/** A saved entry read defensively (versions may come from elsewhere). */
export function readProvenance(value: unknown): RuleProvenance | null {
  if (!isRecord(value) || !ORIGINS.includes(value.origin as RuleOrigin)) return null;
  return {
    origin: value.origin as RuleOrigin,
    edited: value.edited === true,
    evidence: typeof value.evidence === 'string' ? value.evidence : null,
    detail: value.detail ?? null,
  };
}

/** Annotations for a saved version's rules (undefined where nothing was recorded). */
export function annotationsFromProvenance(
  list: unknown,
  count: number,
): (RuleAnnotation | undefined)[] | undefined {
  if (!Array.isArray(list) || list.length !== count) return undefined;
  return list.map((entry) => {
    const p = readProvenance(entry);
    if (!p) return undefined;
    const evidence = provenanceEvidence(p);
    return {
      origin: p.origin,
      ...(evidence ? { evidence } : {}),
      ...(p.detail !== null ? { detail: p.detail } : {}),
      ...(p.edited ? { edited: true } : {}),
    };
  });
}
