/**
 * What a user notices about generated rules, on the real DuckDB sample catalog (every planted
 * defect known row by row, docs/sample-data.md) and the in-process runner:
 * - generating with the defaults and validating the whole table passes every row but the planted
 *   ones, on every sample table;
 * - a user's CSV with a planted age of -5 gets a rule that catches it;
 * - DQX-defaults mode reproduces DQX (a range learned from a sliver of rows) and says it is too
 *   strict, with a correction that fixes it;
 * - a language model's rule that would fail most rows is sent back once with its impact, and what
 *   stays doubtful is kept apart, flagged.
 */
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DqxCheck } from '@/lib/dqx';
import { createChatModel } from '@/lib/llm';
import { appError } from '@/tests/support/app-error';
import { DEFECTS } from '@/lib/warehouse/sample-catalog/defects';
import { SAMPLE_TABLES } from '@/lib/warehouse/sample-catalog/tables';
import type { ChatRequest } from '@/tests/support/fake-llm/server';
import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';
import { testCaller } from '@/tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';

import { startGeneration, type GenerationOutput } from './generation';
import { startValidation, type ValidationRunSummary } from './validation';

const alice = testCaller('alice@example.com');
/** Big enough that the planted defects are rare among the orders, as in the default catalog. */
const BIG_ROWS = 100_000;

let fx: RunFixture;
beforeAll(async () => {
  fx = await openRunFixture({ bigRows: BIG_ROWS });
});
afterAll(async () => {
  await fx?.close();
});

async function generate(input: Parameters<typeof startGeneration>[1], deps = fx.deps) {
  const run = await startGeneration(alice, input, deps);
  const done = await waitForRun(alice, run.id, deps, 180_000);
  expect(done.error).toBeNull();
  expect(done.status).toBe('succeeded');
  return { run: done, out: done.output as GenerationOutput };
}

async function validateWholeTable(table: string, rules: DqxCheck[]) {
  const run = await startValidation(alice, { table, rules, sampleLimit: 0 }, fx.deps);
  const done = await waitForRun(alice, run.id, fx.deps, 180_000);
  expect(done.status).toBe('succeeded');
  return done.summary as ValidationRunSummary;
}

async function count(sql: string): Promise<number> {
  return Number((await fx.warehouse.query(sql)).rows[0]![0]);
}

describe('rules generated with the defaults', () => {
  it('pass every row of every sample table except the planted defects', { timeout: 600_000 }, async () => {
    for (const t of SAMPLE_TABLES) {
      const table = `samples.${t.schema}.${t.name}`;
      const { out } = await generate({ table });
      expect(out.mode).toBe('recommended');
      expect(out.sampling.kind).toBe('all');
      expect(out.rows_profiled).toBe(t.rows(BIG_ROWS));
      const defects = DEFECTS.filter((d) => d.table === `${t.schema}.${t.name}`);
      const planted = defects.length ? defects.map((d) => `(${d.where})`).join(' OR ') : 'FALSE';
      const plantedRows = await count(`SELECT count(*) FROM ${table} AS t WHERE ${planted}`);

      const summary = await validateWholeTable(
        table,
        out.rules.map((r) => r.check),
      );
      expect({ table, valid: summary.valid_rows }).toEqual({
        table,
        valid: summary.total_rows - plantedRows,
      });
      // the generation said so before anything was saved
      expect(out.impact).toMatchObject({
        total_rows: summary.total_rows,
        passing_rows: summary.valid_rows,
        rules_flagged: 0,
      });
      for (const rule of out.rules) {
        expect(rule.impact?.failing_rows).not.toBeNull();
        expect(rule.flag ?? null).toBeNull();
      }
    }
  });

  it('catch a planted age of -5 in a user’s CSV file', async () => {
    const lines = ['user_id,name,age,joined'];
    for (let i = 1; i <= 600; i++)
      lines.push(`${i},user ${i},${i === 137 ? -5 : 20 + ((i * 37) % 51)},2024-0${1 + (i % 9)}-1${i % 10}`);
    fs.writeFileSync(path.join(fx.dataDir, 'users.csv'), lines.join('\n') + '\n');
    const { out } = await generate({ table: 'local.default.users' });
    const ageRules = out.rules.filter((r) => JSON.stringify(r.check.check.arguments).includes('"age"'));
    expect(ageRules.some((r) => r.impact?.failing_rows === 1 && r.impact.examples.includes('-5'))).toBe(true);
    const summary = await validateWholeTable(
      'local.default.users',
      out.rules.map((r) => r.check),
    );
    expect(summary.error_rows).toBe(1);
  });
});

describe('DQX-defaults mode', () => {
  it('reproduces DQX’s range from a sample, flags it as too strict, and suggests a correction that fixes it', async () => {
    const { out, run } = await generate({ table: 'samples.sales.orders', mode: 'dqx' });
    expect(run.parameters).toMatchObject({ mode: 'dqx', sample_rows: 'dqx_default' });
    expect(out.sampling.kind).toBe('dqx');
    expect(out.rows_profiled).toBeLessThanOrEqual(1000);
    const orderId = out.rules.find(
      (r) => r.check.check.function === 'is_in_range' && r.check.check.arguments?.column === 'order_id',
    )!;
    expect(orderId.impact!.failing_share).toBeGreaterThan(0.9);
    expect(orderId.flag).toMatchObject({
      kind: 'too_strict',
      message: expect.stringMatching(/^Fails [\d,]+ of 100,000 rows/),
      correction: {
        action: 'replace',
        rule: { check: { function: 'is_unique', arguments: { columns: ['order_id'] } } },
        impact: { failing_rows: 0 },
      },
    });
    expect(out.impact!.expected_pass_rate).toBeLessThan(0.1);
    expect(out.impact!.with_corrections!.expected_pass_rate).toBeGreaterThan(0.9);
    expect(out.impact!.rules_flagged).toBe(out.rules.filter((r) => r.flag).length);
  });

  it('refuses DQX profiler options in recommended mode, saying which mode they belong to', async () => {
    const refused = await appError(
      startGeneration(
        alice,
        { table: 'samples.sales.products', profileOptions: { max_in_count: 20 } },
        fx.deps,
      ),
    );
    expect(refused.code).toBe('bad_request');
    expect(refused.message).toMatch(/mode "dqx" only: max_in_count/);
  });
});

describe('the language model sees the same evidence', () => {
  let reviewing: FakeLlm;
  let stubborn: FakeLlm;
  // prices go up to 500: a limit of 50 fails most rows (and no profile rule checks the same thing)
  const tooStrict = {
    criticality: 'error',
    check: { function: 'is_not_greater_than', arguments: { column: 'unit_price', limit: 50 } },
  };
  const better = {
    criticality: 'error',
    check: { function: 'is_not_less_than', arguments: { column: 'unit_price', limit: 0 } },
  };
  const isReview = (r: ChatRequest) =>
    r.messages.at(-1)!.content.startsWith('These rules from your answer need another look');

  beforeAll(async () => {
    reviewing = await startFakeLlm({ respond: (r) => JSON.stringify(isReview(r) ? [better] : [tooStrict]) });
    stubborn = await startFakeLlm({ respond: () => JSON.stringify([tooStrict]) });
  });
  afterAll(async () => {
    await Promise.all([reviewing?.close(), stubborn?.close()]);
  });
  const model = (server: FakeLlm) =>
    createChatModel({ baseUrl: server.url, model: 'fake-dqx-model', timeoutMs: 10_000 });

  it('gets the profile, the impact of the profile rules and sample values, and a too-strict rule back once with its impact', async () => {
    const { out } = await generate(
      { table: 'samples.sales.products', request: 'prices are never negative' },
      { ...fx.deps, chatModel: model(reviewing) },
    );
    const [ask, review] = reviewing.requests.slice(-2).map((r) => r.messages.at(-1)!.content);
    expect(ask).toContain('Profile of 400 rows (JSON)');
    expect(ask).toMatch(
      /Impact of these rules on the whole table \(JSON\):\n\[\{"rule":"[^"]+","failing_rows":\d+/,
    );
    expect(ask).toContain('Sample values (JSON)');
    expect(review).toMatch(/it fails \d{3} of 400 rows \(\d+\.\d{2}%\); failing values include/);
    expect(out.model).toMatchObject({ reviewed: 1, revised: 1 });
    const fromModel = out.rules.filter((r) => r.origin === 'model');
    expect(fromModel.map((r) => r.check)).toEqual([better]);
    expect(fromModel[0]!.impact).toMatchObject({ failing_rows: 4 });
    expect(out.doubtful_model_rules).toEqual([]);
  });

  it('keeps a rule that stays too strict apart, flagged, instead of in the rule set', async () => {
    const { out } = await generate(
      { table: 'samples.sales.products' },
      { ...fx.deps, chatModel: model(stubborn) },
    );
    expect(out.rules.some((r) => r.origin === 'model')).toBe(false);
    expect(out.doubtful_model_rules).toEqual([
      expect.objectContaining({
        rule: tooStrict,
        revised: true,
        message: expect.stringMatching(/Still likely too strict.*fails \d{3} of 400 rows/),
      }),
    ]);
    expect(out.model.reason).toMatch(/fail a large share of the rows/);
  });
});

describe('the scripted stand-in model (used by the end-to-end tests)', () => {
  let scripted: FakeLlm;
  beforeAll(async () => {
    scripted = await startFakeLlm();
  });
  afterAll(async () => {
    await scripted?.close();
  });

  it('proposes a limit at the median for "typical" values and, told it fails half the rows, replaces it', async () => {
    const { out } = await generate(
      { table: 'samples.sales.products', request: 'Values should be typical.' },
      {
        ...fx.deps,
        chatModel: createChatModel({ baseUrl: scripted.url, model: 'fake-dqx-model', timeoutMs: 10_000 }),
      },
    );
    const review = scripted.requests.at(-1)!.messages.at(-1)!.content;
    expect(review).toMatch(
      /"is_not_greater_than".*\nProblem: Measured on the whole table, it fails \d+ of 400 rows/,
    );
    expect(out.model).toMatchObject({ reviewed: 1, revised: 1 });
    expect(out.rules.filter((r) => r.origin === 'model').map((r) => r.check.check)).toContainEqual({
      function: 'is_not_less_than',
      arguments: { column: expect.any(String), limit: 0 },
    });
  });
});
