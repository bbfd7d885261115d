import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TableSchema } from '@/lib/dqx';
import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';

import { analyzeRulesWithModel } from './analyze-rules';
import { createChatModel } from './client';
import { generateRulesWithModel } from './generate-rules';

const table: TableSchema = {
  name: 'samples.sales.customers',
  columns: [
    { name: 'customer_id', type: 'bigint' },
    { name: 'email', type: 'string' },
    { name: 'country_code', type: 'string' },
    { name: 'lifetime_value', type: 'decimal(12,2)' },
  ],
};
const input = {
  table,
  tableName: table.name!,
  columns: table.columns,
  checks: [],
  request: 'Every customer needs an id and a valid email address; the country must be a real ISO country.',
};

let scripted: FakeLlm;
let stubborn: FakeLlm;
let hostile: FakeLlm;

beforeAll(async () => {
  scripted = await startFakeLlm();
  // A model that never fixes anything: proposes a rule on a column the table does not have.
  stubborn = await startFakeLlm({
    respond: () =>
      JSON.stringify([
        { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'email' } } },
        { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'phone_number' } } },
      ]),
  });
  // A model (or a prompt injection through the table's data) proposing SQL the sandbox refuses.
  hostile = await startFakeLlm({
    respond: () =>
      JSON.stringify([
        { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'email' } } },
        {
          criticality: 'error',
          filter: "main.read_csv('/etc/passwd') IS NOT NULL",
          check: { function: 'is_not_null', arguments: { column: 'customer_id' } },
        },
        {
          criticality: 'error',
          check: { function: 'sql_expression', arguments: { expression: "secret('scope', 'key') = email" } },
        },
      ]),
  });
});

afterAll(async () => {
  await scripted.close();
  await stubborn.close();
  await hostile.close();
});

describe('generateRulesWithModel', () => {
  it('keeps valid rules and gets invalid ones repaired in one more round', async () => {
    const model = createChatModel({ baseUrl: scripted.url, model: 'fake', timeoutMs: 5000 });
    const result = await generateRulesWithModel(model, input);
    const functions = result.rules.map((r) => `${r.check.function}:${String(r.check.arguments?.column)}`);
    expect(functions).toEqual(
      expect.arrayContaining(['is_valid_email:email', 'is_valid_country_code:country_code', 'is_not_null:customer_id']),
    );
    // The stand-in's first answer used the old `col_name` argument; the engine rejected it and the repair fixed it.
    expect(result.repaired).toBe(1);
    expect(result.dropped).toEqual([]);
    const repairTurn = scripted.requests[scripted.requests.length - 1]!.messages.at(-1)!.content;
    expect(repairTurn).toMatch(/Unexpected argument 'col_name'/);
  });

  it('drops what is still invalid after the repair and says why', async () => {
    const model = createChatModel({ baseUrl: stubborn.url, model: 'fake', timeoutMs: 5000 });
    const result = await generateRulesWithModel(model, input);
    expect(result.rules.map((r) => r.check.arguments?.column)).toEqual(['email']);
    expect(result.dropped).toHaveLength(1);
    expect(result.dropped[0]!.errors.join(' ')).toMatch(/phone_number/);
    expect(stubborn.requests).toHaveLength(2);
  });

  it('checks the model\'s SQL with the same sandbox: refused rules are sent back, then dropped', async () => {
    const model = createChatModel({ baseUrl: hostile.url, model: 'fake', timeoutMs: 5000 });
    const result = await generateRulesWithModel(model, input);
    expect(result.rules.map((r) => r.check.arguments?.column)).toEqual(['email']);
    expect(result.dropped.map((d) => d.errors.join(' '))).toEqual([
      expect.stringMatching(/filter: .*refused \(qualified_function\)/),
      expect.stringMatching(/check\.arguments\.expression: .*secret\(\) is not on the SQL allow-list/),
    ]);
    const repairTurn = hostile.requests[1]!.messages.at(-1)!.content;
    expect(repairTurn).toMatch(/main\.read_csv/);
  });

  it('puts the columns, the request and the available checks in the prompt', async () => {
    const model = createChatModel({ baseUrl: scripted.url, model: 'fake', timeoutMs: 5000 });
    await generateRulesWithModel(model, {
      ...input,
      checks: [{ function: 'is_valid_email', level: 'row', description: 'valid e-mail', arguments: [{ name: 'column', type: 'str', required: true }] }],
    });
    const prompt = scripted.requests[scripted.requests.length - 1]!.messages.find((m) => m.role === 'user')!.content;
    expect(prompt).toContain('"country_code"');
    expect(prompt).toContain('a real ISO country');
    expect(prompt).toContain('"is_valid_email"');
  });
});

describe('analyzeRulesWithModel', () => {
  it('returns a structured analysis with a score out of 10', async () => {
    const model = createChatModel({ baseUrl: scripted.url, model: 'fake', timeoutMs: 5000 });
    const analysis = await analyzeRulesWithModel(model, {
      tableName: table.name!,
      columns: table.columns,
      request: 'valid emails',
      rules: [{ name: 'email_valid', criticality: 'error', check: { function: 'is_valid_email', arguments: { column: 'email' } } }],
    });
    expect(analysis.summary).toMatch(/1 rules covering 1 of 4 columns/);
    expect(analysis.rule_analysis[0]).toMatchObject({ rule: 'email_valid', importance: 'high' });
    expect(analysis.overall_quality_score).toBeGreaterThanOrEqual(0);
    expect(analysis.overall_quality_score).toBeLessThanOrEqual(10);
    expect(analysis.recommendations.length).toBeGreaterThan(0);
  });
});
