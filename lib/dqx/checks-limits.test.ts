/**
 * Hostile checks files are refused quickly, naming the limit, without expanding anything: alias
 * bombs and their cousins (merge-key bombs, a big anchor used many times, deep nesting in flow and
 * block style, recursive aliases) in YAML, deep nesting in JSON. Legitimate anchors and merge keys
 * still read as PyYAML reads them.
 */
import { describe, expect, it } from 'vitest';

import {
  billionLaughs,
  billionLaughsChecks,
  deepBlockYaml,
  deepFlowYaml,
  hugeAnchor,
  mergeKeyBomb,
} from '@/tests/support/hostile-payloads';

import { ChecksFormatError, parseChecksText } from './checks-file';
import { YAML_LIMITS } from './checks-yaml';

function refused(text: string, format?: 'yaml' | 'json'): string {
  try {
    parseChecksText(text, format);
  } catch (error) {
    expect(error).toBeInstanceOf(ChecksFormatError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
}

describe('limits of YAML checks files', () => {
  it('refuses the billion laughs (350 bytes) by counting, not expanding', () => {
    expect(billionLaughs().length).toBeLessThan(500);
    expect(refused(billionLaughs())).toMatch(`more than ${YAML_LIMITS.maxNodes} nodes`);
    expect(refused(billionLaughsChecks())).toMatch(`more than ${YAML_LIMITS.maxNodes} nodes`);
  });

  it('refuses a merge-key bomb', () => {
    expect(refused(mergeKeyBomb())).toMatch(/more than \d+ nodes/);
  });

  it('refuses a large anchor used many times', () => {
    expect(refused(hugeAnchor())).toMatch(/more than \d+ nodes/);
  });

  it('refuses deep nesting: flow brackets before parsing, block nesting and nesting through aliases after', () => {
    expect(refused(deepFlowYaml())).toMatch(`more than ${YAML_LIMITS.maxDepth} levels`);
    expect(refused(deepBlockYaml(1000))).toMatch(`more than ${YAML_LIMITS.maxDepth} levels`);
    expect(refused(deepBlockYaml(10_000))).toMatch(`more than ${YAML_LIMITS.maxDepth} levels`);
    let chain = 'l0: &l0 [x]\n';
    for (let i = 1; i < 80; i++) chain += `l${i}: &l${i} [*l${i - 1}]\n`;
    expect(refused(chain)).toMatch(`more than ${YAML_LIMITS.maxDepth} levels`);
  });

  it('refuses too many aliases, recursive aliases and documents past the size limit', () => {
    expect(refused('- &a x\n' + '- *a\n'.repeat(YAML_LIMITS.maxAliases + 1))).toMatch(
      `more than ${YAML_LIMITS.maxAliases} aliases`,
    );
    expect(refused('a: &a [1, *a]\n')).toMatch(/recursive alias/);
    expect(refused('# ' + 'x'.repeat(YAML_LIMITS.maxChars))).toMatch(
      `more than ${YAML_LIMITS.maxChars} characters`,
    );
  });

  it('reads what real files do with anchors, merge keys and long text', () => {
    const { checks } = parseChecksText(
      [
        'defaults: &defaults',
        '  criticality: warn',
        'checks:',
        '  - <<: *defaults',
        '    check: {function: is_not_null, arguments: {column: a}}',
        '  - <<: *defaults',
        '    criticality: error',
        `    name: ${'n'.repeat(10_000)}`,
        '    check: {function: is_not_null, arguments: {column: b}}',
      ].join('\n'),
    );
    expect(checks).toEqual([
      { criticality: 'warn', check: { function: 'is_not_null', arguments: { column: 'a' } } },
      {
        criticality: 'error',
        name: 'n'.repeat(10_000),
        check: { function: 'is_not_null', arguments: { column: 'b' } },
      },
    ]);
  });
});

describe('limits of JSON checks files', () => {
  it('refuses deep nesting instead of overflowing the stack', () => {
    expect(refused('['.repeat(100_000) + ']'.repeat(100_000), 'json')).toMatch(/more than 64 levels/);
    expect(refused('[{"check": ' + '{"a":'.repeat(70) + '1' + '}'.repeat(70) + '}]', 'json')).toMatch(
      /more than 64 levels/,
    );
  });

  it('reads nesting within the limit', () => {
    expect(parseChecksText('[' + '['.repeat(40) + ']'.repeat(40) + ']', 'json').checks).toHaveLength(1);
  });
});
