/**
 * The rows DQX's Lakebase save (`LakebaseChecksStorageHandler.save`, DQX 0.17) writes for a rule set,
 * all but `created_at` (the writer's): the same names and rule / rule-set fingerprints as the other
 * checks tables (lib/dqx/checks-table.ts: DQX's derived name for an unnamed check, the given name or
 * none for a compact `for_each_column` check), and each check's JSON as the checks file writes it
 * (values normalised as DQX normalises them), from which the writer takes `check` and
 * `user_metadata` as JSONB. Pure, so the conformance suite runs it too.
 */
import type { LakebaseChecksRow } from '@/db/repositories/lakebase-checks';
import { serializeChecks, type DqxCheck } from '@/lib/dqx';
import { expandChecks, ruleSetFingerprint, storedRuleFingerprint } from '@/lib/dqx/fingerprint';

export function lakebaseChecksRows(checks: DqxCheck[], runConfigName: string): LakebaseChecksRow[] {
  const setFingerprint = ruleSetFingerprint(checks);
  return checks.map((check) => {
    const compact = (check.check.for_each_column ?? []).length > 0;
    const text = serializeChecks([check], 'json');
    // the one object of the one-element array
    const checkJson = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
    return {
      name: compact ? (check.name ?? null) : expandChecks([check])[0]!.name,
      criticality: check.criticality ?? 'error',
      checkJson,
      filter: check.filter ?? null,
      run_config_name: runConfigName,
      message_expr: check.message_expr ?? null,
      rule_fingerprint: storedRuleFingerprint(check),
      rule_set_fingerprint: setFingerprint,
    };
  });
}
