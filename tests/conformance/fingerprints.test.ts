/**
 * Rule names and fingerprints against DQX 0.17.0: the name DQX derives, `rule_fingerprint` of every
 * rule it builds (for_each_column expanded), `rule_set_fingerprint`, and the fingerprint DQX stores
 * next to a check in its checks table. Recorded from the real library on classic local Spark
 * (record.py), hence `sparkFlavor: 'classic'` for the default names of unnamed sql_expression checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parsePythonJson } from '@/lib/dqx/checks-json';
import { expandChecks, ruleSetFingerprint, storedRuleFingerprint } from '@/lib/dqx/fingerprint';
import type { DqxCheck } from '@/lib/dqx/model';

interface Case {
  id: string;
  checks: DqxCheck[];
  expected: {
    checks: { rules: { name: string; fingerprint: string }[]; stored: string }[];
    rule_set: string;
  };
}

const { cases } = parsePythonJson(
  readFileSync(path.join(__dirname, 'fingerprints', 'cases.json'), 'utf8'),
) as { cases: Case[] };

describe('fingerprints match DQX', () => {
  for (const c of cases) {
    it(c.id, () => {
      c.checks.forEach((check, i) => {
        const rules = expandChecks([check], { sparkFlavor: 'classic' }).map((r) => ({
          name: r.name,
          fingerprint: r.fingerprint,
        }));
        expect(rules).toEqual(c.expected.checks[i]!.rules);
        expect(storedRuleFingerprint(check, { sparkFlavor: 'classic' })).toBe(c.expected.checks[i]!.stored);
      });
      expect(ruleSetFingerprint(c.checks, { sparkFlavor: 'classic' })).toBe(c.expected.rule_set);
    });
  }
});
