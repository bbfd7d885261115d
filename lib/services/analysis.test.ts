import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pgliteTestStore, type TestStore } from '@/db/testing/test-stores';
import { createChatModel } from '@/lib/llm';
import { appError } from '@/tests/support/app-error';
import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { analyzeRules } from './analysis';
import type { RunDeps } from './run-deps';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const TABLE = 'main.sales.orders';
const rules = [
  { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } },
  { criticality: 'warn', name: 'status_known', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'"] } } },
];

let store: TestStore;
let llm: FakeLlm;
let deps: RunDeps;

beforeAll(async () => {
  store = await pgliteTestStore();
  llm = await startFakeLlm();
  const catalog = new InMemoryCatalog(
    [{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }, { name: 'status', type: 'string' }, { name: 'amount', type: 'double' }] }],
    (caller) => caller === alice.id,
  );
  deps = { db: store.db, access: tableAccessVia((c) => catalog.warehouseFor(c)), warehouseOf: (c) => catalog.warehouseFor(c), mode: 'local', jobPollMs: 10 };
});
afterAll(async () => {
  await llm?.close();
  await store?.close();
});

describe('analyzeRules', () => {
  it('returns the model’s summary, per-rule explanations, coverage, recommendations and score', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'fake-dqx-model', timeoutMs: 10_000 });
    const analysis = await analyzeRules(alice, { table: TABLE, request: 'ids and statuses', rules }, { ...deps, chatModel: model, runner: undefined });
    expect(analysis).toMatchObject({
      summary: 'The rule set has 2 rules covering 2 of 3 columns.',
      rule_analysis: [
        { rule: 'id_is_not_null', importance: 'high' },
        { rule: 'status_known', importance: 'medium' },
      ],
      coverage_assessment: 'Columns without rules: amount.',
      recommendations: ['Consider a rule for amount.'],
      overall_quality_score: 7,
      model: 'fake-dqx-model',
    });
    const prompt = llm.requests.at(-1)!.messages.at(-1)!.content;
    expect(prompt).toContain('Table: main.sales.orders');
    expect(prompt).toContain('ids and statuses');
  });

  it('says plainly that no model is configured (503)', async () => {
    const error = await appError(analyzeRules(alice, { table: TABLE, request: '', rules }, { ...deps, chatModel: null }));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/needs a language model, and none is configured/);
  });

  it('answers 404 to a caller who cannot read the table', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'fake-dqx-model', timeoutMs: 10_000 });
    const before = llm.requests.length;
    expect((await appError(analyzeRules(bob, { table: TABLE, request: '', rules }, { ...deps, chatModel: model }))).code).toBe('not_found');
    expect(llm.requests.length).toBe(before);
  });
});
