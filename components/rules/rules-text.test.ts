import { describe, expect, it } from 'vitest';

import { validateChecks } from '@/lib/dqx/validate';

import { setArgument, valueFromDraft } from './argument-values';
import { indexIssues, issuesAt } from './rule-issues';
import { summarizeRule, toRuleItems, type RuleItem } from './rule-model';
import { downloadName, formatOfFile, formatRulesText, parseRulesText, reconcileItems } from './rules-text';

const yaml = `- criticality: warn
  check:
    function: is_in_list
    arguments:
      column: status
      allowed:
        - "'ACTIVE'"
        - "'INACTIVE'"
- name: email_present
  check:
    function: is_not_null
    for_each_column: [email, phone]
  filter: status = 'ACTIVE'
  user_metadata:
    owner: sales
`;

describe('reading and writing the rule set as text', () => {
  it('round-trips YAML through the form model and back', () => {
    const parsed = parseRulesText(yaml, 'yaml');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rules[1]).toEqual({
      name: 'email_present',
      check: { function: 'is_not_null', for_each_column: ['email', 'phone'] },
      filter: "status = 'ACTIVE'",
      user_metadata: { owner: 'sales' },
    });
    const again = parseRulesText(formatRulesText(parsed.rules, 'yaml'), 'yaml');
    expect(again.ok && again.rules).toEqual(
      parsed.rules.map((r, i) => (i === 0 ? r : { criticality: 'error', ...r })),
    );
    const viaJson = parseRulesText(formatRulesText(parsed.rules, 'json'), 'json');
    expect(viaJson.ok && viaJson.rules).toEqual(again.ok && again.rules);
  });

  it('writes a text value typed in the form as a quoted string in YAML, and reads it back as text', () => {
    const value = valueFromDraft({ kind: 'text', text: "it's" });
    const rule = setArgument(
      { check: { function: 'is_in_list', arguments: { column: 'status' } } },
      'allowed',
      [value.ok ? value.value : null, 7, { __float__: '2.0' }],
    );
    const text = formatRulesText([rule], 'yaml');
    expect(text).toContain(`- "'it\\\\'s'"`);
    expect(text).toContain('- 2.0');
    const back = parseRulesText(text, 'yaml');
    expect(back.ok && back.rules[0]).toEqual({ criticality: 'error', ...rule });
  });

  it('gives the line and column of a syntax error', () => {
    const parsed = parseRulesText('- check:\n    function: is_not_null\n   arguments: {column: a\n', 'yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.line).toBe(3);
    expect(parsed.problem.message).toMatch(/YAML/);
    const json = parseRulesText('[{"check": {"function": "is_not_null",}}]', 'json');
    expect(!json.ok && json.problem.line).toBe(1);
    expect(!json.ok && json.problem.column).toBeGreaterThan(1);
  });

  it('refuses what the form cannot show, naming the rule', () => {
    const noCheck = parseRulesText('- criticality: warn\n', 'yaml');
    expect(!noCheck.ok && noCheck.problem.message).toMatch(/Rule 1 has no 'check'/);
    const notMapping = parseRulesText('- is_not_null\n', 'yaml');
    expect(!notMapping.ok && notMapping.problem.message).toMatch(/Rule 1 is not a mapping/);
  });

  it('keeps rules the engine rejects, so their errors can be shown at the field', () => {
    const parsed = parseRulesText(
      '- check:\n    function: is_not_null\n    arguments:\n      column: email\n      colour: red\n',
      'yaml',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const items = toRuleItems(parsed.rules);
    const index = indexIssues(items, validateChecks(parsed.rules));
    const issues = index.byKey.get(items[0]!.key)!;
    expect(issuesAt(issues, 'check.arguments.colour').map((i) => i.code)).toEqual(['unexpected_argument']);
    expect(issuesAt(issues, 'check.arguments.colour')[0]!.message).not.toContain("{'check'");
  });

  it('drops keys DQX ignores and says which', () => {
    const parsed = parseRulesText(
      '- criticality: warn\n  check:\n    function: is_not_null\n    column: email\n  owner: me\n  filter: null\n',
      'yaml',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rules).toEqual([{ criticality: 'warn', check: { function: 'is_not_null' } }]);
    expect(parsed.ignored).toEqual([
      { ruleIndex: 0, path: 'owner' },
      { ruleIndex: 0, path: 'check.column' },
    ]);
  });

  it('reads an empty document as no rules', () => {
    expect(parseRulesText('', 'yaml')).toEqual({ ok: true, rules: [], ignored: [] });
  });
});

describe('matching re-read rules to the editor items', () => {
  const a = { check: { function: 'is_not_null', arguments: { column: 'a' } } };
  const b = { check: { function: 'is_not_null', arguments: { column: 'b' } } };
  const c = { check: { function: 'is_not_null', arguments: { column: 'c' } } };
  const items: RuleItem[] = toRuleItems(
    [a, b],
    [{ origin: 'profile', evidence: 'no nulls in 1000 rows' }, undefined],
  );

  it('does not mark hand-written rules as edited', () => {
    const manual = toRuleItems([a], [{ origin: 'manual' }]);
    expect(reconcileItems(manual, [b], 'manual')[0]!.annotation).toEqual({ origin: 'manual' });
  });

  it('keeps identity and evidence of unchanged rules, also when reordered', () => {
    const next = reconcileItems(items, [b, a], 'manual');
    expect(next.map((i) => i.key)).toEqual([items[1]!.key, items[0]!.key]);
    expect(next[1]!.annotation).toMatchObject({ origin: 'profile', evidence: 'no nulls in 1000 rows' });
    expect(next[1]!.annotation?.edited).toBeFalsy();
  });

  it('marks a rule changed in place as edited and gives new rules the origin asked for', () => {
    const changed = { check: { function: 'is_not_null', arguments: { column: 'a2' } } };
    const next = reconcileItems(items, [changed, b, c], 'imported');
    expect(next[0]!.key).toBe(items[0]!.key);
    expect(next[0]!.annotation).toMatchObject({
      origin: 'profile',
      evidence: 'no nulls in 1000 rows',
      edited: true,
    });
    // Changed back: no longer edited.
    expect(reconcileItems(next, [a, b, c], 'imported')[0]!.annotation?.edited).toBe(false);
    expect(next[1]!.key).toBe(items[1]!.key);
    expect(next[2]!.annotation).toEqual({ origin: 'imported' });
  });
});

describe('one keystroke in the text views', () => {
  // Rules as the generator makes them: `check` first, then name and criticality (the text views
  // write DQX's key order), a float limit, a user_metadata mapping.
  const generated = [
    {
      check: { function: 'is_not_null', arguments: { column: 'id' } },
      name: 'id_is_null',
      criticality: 'error',
    },
    {
      check: {
        function: 'is_in_range',
        arguments: { column: 'price', min_limit: { __float__: '0.5' }, max_limit: 100 },
      },
      name: 'price_isnt_in_range',
      criticality: 'error',
    },
    {
      check: { function: 'is_unique', arguments: { columns: ['id'], nulls_distinct: false } },
      name: 'primary_key_id_validation',
      criticality: 'warn',
      user_metadata: { pk_detection_confidence: 'high' },
    },
  ];
  const items = toRuleItems(
    generated,
    generated.map(() => ({ origin: 'profile' as const, evidence: 'from the profile' })),
  );

  for (const format of ['yaml', 'json'] as const) {
    it(`marks only the rule that changed as edited (${format})`, () => {
      const text = formatRulesText(generated, format);
      const typed = text.replace('100', '1000');
      expect(typed).not.toBe(text);
      const parsed = parseRulesText(typed, format);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const next = reconcileItems(items, parsed.rules, 'manual');
      expect(next.map((i) => i.key)).toEqual(items.map((i) => i.key));
      expect(next.map((i) => i.annotation?.edited ?? false)).toEqual([false, true, false]);
      // The untouched rules are the very same items (nothing to re-render or re-validate).
      expect(next[0]).toBe(items[0]);
      expect(next[2]).toBe(items[2]);
    });

    it(`marks nothing when the text is read back unchanged (${format})`, () => {
      const parsed = parseRulesText(formatRulesText(generated, format) + '\n', format);
      expect(parsed.ok && reconcileItems(items, parsed.rules, 'manual')).toEqual(items);
    });
  }
});

describe('rule summaries for the list', () => {
  it('shows the DQX default name, columns, criticality and where the rule runs', () => {
    const s = summarizeRule({
      criticality: 'warn',
      check: { function: 'is_not_null', for_each_column: ['a', 'b'] },
    });
    expect(s.displayName).toBe('a_is_null (+1 more)');
    expect(s.nameIsDefault).toBe(true);
    expect(s.columns).toEqual(['a', 'b']);
    expect(s.criticality).toBe('warn');
    expect(s.runsIn).toBe('sql');
    const unique = summarizeRule({
      name: 'pk',
      check: { function: 'is_unique', arguments: { columns: ['id'] } },
    });
    expect(unique).toMatchObject({ displayName: 'pk', nameIsDefault: false, runsIn: 'sql', columns: ['id'] });
    const geo = summarizeRule({ check: { function: 'is_latitude', arguments: { column: 'lat' } } });
    expect(geo.runsIn).toBe('job');
    expect(summarizeRule({ check: { function: '' } }).displayName).toBe('New rule');
  });
});

describe('files', () => {
  it('tells YAML from JSON by name, then by content', () => {
    expect(formatOfFile('rules.JSON', '- a')).toBe('json');
    expect(formatOfFile('rules.yml', '[]')).toBe('yaml');
    expect(formatOfFile('rules.txt', ' [{"check": {}}]')).toBe('json');
    expect(formatOfFile('rules.txt', '- check: {}')).toBe('yaml');
  });

  it('names downloads after the table', () => {
    expect(downloadName('samples.sales.customers', 'yaml')).toBe('samples.sales.customers.checks.yaml');
    expect(downloadName('a b/c', 'json')).toBe('a_b_c.checks.json');
    expect(downloadName(undefined, 'json')).toBe('rules.checks.json');
  });
});
