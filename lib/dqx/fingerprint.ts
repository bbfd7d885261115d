/**
 * for_each_column expansion and fingerprints. (Initial version: the engine issue derives default
 * names per check and matches DQX's fingerprint canonicalisation exactly.)
 */
import { createHash } from 'node:crypto';

import type { DqxCheck, ExpandedRule } from './model';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function canonical(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonical).join(', ') + ']';
  if (value && typeof value === 'object') {
    return (
      '{' +
      Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}: ${canonical((value as Record<string, unknown>)[k])}`)
        .join(', ') +
      '}'
    );
  }
  return JSON.stringify(value ?? null);
}

export function ruleFingerprint(check: DqxCheck): string {
  return sha256(
    canonical({
      name: check.name ?? '',
      criticality: check.criticality ?? 'error',
      function: check.check.function,
      arguments: check.check.arguments ?? {},
      filter: check.filter ?? null,
      for_each_column: check.check.for_each_column ? [...check.check.for_each_column].map(String).sort() : null,
    }),
  );
}

export function expandChecks(checks: DqxCheck[]): ExpandedRule[] {
  const out: ExpandedRule[] = [];
  checks.forEach((check, sourceIndex) => {
    const columns = check.check.for_each_column;
    const variants: DqxCheck[] = columns
      ? columns.map((c) => ({
          ...check,
          check: {
            function: check.check.function,
            arguments: { ...(check.check.arguments ?? {}), [Array.isArray(c) ? 'columns' : 'column']: c },
          },
        }))
      : [check];
    for (const v of variants) {
      const args = v.check.arguments ?? {};
      const column = (args.column ?? args.columns ?? '') as unknown;
      out.push({
        sourceIndex,
        name: v.name ?? `${String(column).toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${v.check.function}`,
        criticality: v.criticality ?? 'error',
        function: v.check.function,
        arguments: args,
        filter: v.filter ?? null,
        userMetadata: v.user_metadata ?? null,
        messageExpr: v.message_expr ?? null,
        fingerprint: ruleFingerprint(v),
        check: v,
      });
    }
  });
  return out;
}

export function ruleSetFingerprint(checks: DqxCheck[]): string {
  return sha256(JSON.stringify(expandChecks(checks).map((r) => r.fingerprint).sort()).replaceAll('","', '", "'));
}
