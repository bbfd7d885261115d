/**
 * Draft rules sent to a request that takes rules (validation, analysis): either `rules`, a list of
 * DQX checks as JSON, or `rules_yaml`, a DQX checks file as YAML text, read by the same reader and
 * under the same limits (size, nesting, aliases, time, memory) as a YAML file saved as a version.
 */
import 'server-only';

import { badRequest } from '@/lib/errors';

import { readChecksOr400 } from './checks-file/reader';
import { assertPlainRules } from './limits';

/** The checks of `rules_yaml`; 400 naming the field when it cannot be read or holds no check. */
export async function draftRulesFromYaml(text: string): Promise<unknown[]> {
  const checks = await readChecksOr400(text, 'yaml', 'rules_yaml', 'rules_yaml');
  if (checks.length === 0) {
    const message = 'rules_yaml holds no checks: send a YAML list of DQX checks (or a mapping with `checks:`).';
    throw badRequest(message, { issues: [{ path: 'rules_yaml', message }] });
  }
  assertPlainRules(checks);
  return checks;
}

/** `rules` as given, or the checks of `rulesYaml`. */
export async function draftRules(input: { rules?: unknown[]; rulesYaml?: string }): Promise<unknown[] | undefined> {
  return input.rulesYaml === undefined ? input.rules : draftRulesFromYaml(input.rulesYaml);
}
