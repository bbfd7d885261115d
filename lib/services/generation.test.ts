/**
 * Rule generation end to end on the sample catalog (real DuckDB, real PGlite, the in-process
 * runner), with and without a language model (the OpenAI-compatible stand-in).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expandChecks, ruleFingerprint, type DqxCheck } from '@/lib/dqx';
import { createChatModel } from '@/lib/llm';
import { appError } from '@/tests/support/app-error';
import type { ChatRequest } from '@/tests/support/fake-llm/server';
import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';
import { testCaller } from '@/tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';

import { getRuleSetVersion } from './rule-sets';
import { getRun } from './runs';
import { saveGeneratedRuleSet, startGeneration, type GenerationOutput } from './generation';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const PRODUCTS = 'samples.sales.products'; // 400 rows
const CUSTOMERS = 'samples.sales.customers'; // 5012 rows

let fx: RunFixture;
beforeAll(async () => {
  fx = await openRunFixture();
});
afterAll(async () => {
  await fx?.close();
});

async function generate(input: Parameters<typeof startGeneration>[1], deps = fx.deps) {
  const run = await startGeneration(alice, input, deps);
  expect(run).toMatchObject({ status: 'queued', kind: 'generation', started_by: alice.id, engine: 'local' });
  const done = await waitForRun(alice, run.id, deps);
  expect(done.error).toBeNull();
  expect(done.status).toBe('succeeded');
  return { run: done, out: done.output as GenerationOutput };
}

describe('generation from the profile (no language model)', () => {
  it('profiles exactly the chosen sample and gives each rule its evidence', async () => {
    const { run, out } = await generate({
      table: PRODUCTS,
      request: 'prices must never be negative',
      sampleRows: 250,
      mode: 'dqx',
    });
    expect(out.rows_profiled).toBe(250);
    expect(out.sampling).toMatchObject({
      kind: 'rows',
      limit: 250,
      description: 'a uniform random sample of 250 rows',
    });
    expect(out.rules.length).toBeGreaterThan(3);
    for (const rule of out.rules) {
      expect(rule.origin).toBe('profile');
      expect(rule.evidence).toMatchObject({
        rowsProfiled: 250,
        column: expect.any(String),
        profile: expect.any(String),
      });
    }
    // The rules are DQX rules for this table: no errors when validated against it.
    expect(out.validation.errors).toEqual([]);
    expect(out.columns.map((c) => c.name)).toContain('unit_price');
    expect(out.profiles.length).toBeGreaterThan(0);
    expect(Object.keys(out.summary_stats)).toContain('unit_price');
    // Said plainly: no model, profile-based only; the model step is skipped, not silently missing.
    expect(out.model).toEqual({
      configured: false,
      name: null,
      reason: expect.stringMatching(/no language model is configured.*profile only/i),
      repaired: 0,
    });
    expect(run.progress.steps.find((s) => s.key === 'model_rules')?.status).toBe('skipped');
    expect(run.progress.steps.filter((s) => s.key !== 'model_rules').every((s) => s.status === 'done')).toBe(
      true,
    );
    expect(run.progress.message).toMatch(/from the profile of 250 rows, 0 from the model/);
    expect(run.parameters).toMatchObject({
      request: 'prices must never be negative',
      sample_rows: 250,
      criticality: 'error',
    });
  });

  it("profiles the whole table with 'all' (no hidden 1000-row cap)", async () => {
    const { out } = await generate({ table: CUSTOMERS, sampleRows: 'all' });
    expect(out.rows_profiled).toBe(5012);
    expect(out.sampling.kind).toBe('all');
  });

  it("uses DQX's default sampling in mode dqx when no sample size is given, and says how many rows it read", async () => {
    const { out } = await generate({ table: CUSTOMERS, criticality: 'warn', mode: 'dqx' });
    expect(out.sampling.kind).toBe('dqx');
    expect(out.sampling.limit).toBe(1000);
    expect(out.rows_profiled).toBeGreaterThan(0);
    expect(out.rows_profiled).toBeLessThanOrEqual(1000);
    expect(out.sampling.description).toMatch(/\S/);
    expect(out.rules.every((r) => r.check.criticality === 'warn')).toBe(true);
  });

  it('refuses bad profile options before starting anything', async () => {
    const unsafe = await appError(
      startGeneration(alice, { table: PRODUCTS, profileOptions: { filter: '1=1; DROP TABLE x' } }, fx.deps),
    );
    expect(unsafe.code).toBe('bad_request');
    const wrong = await appError(
      startGeneration(alice, { table: PRODUCTS, profileOptions: { max_in_count: -1 } as never }, fx.deps),
    );
    expect(wrong.code).toBe('bad_request');
    expect(JSON.stringify(wrong.details)).toContain('profile_options.max_in_count');
    const asJob = await appError(startGeneration(alice, { table: PRODUCTS, runAsJob: true }, fx.deps));
    expect(asJob.message).toMatch(/databricks mode/);
  });

  it('answers 404 to a caller who cannot read the table, when starting and when reading a run', async () => {
    fx.hide((caller, table) => caller === bob.id && table === PRODUCTS);
    try {
      const refused = await appError(startGeneration(bob, { table: PRODUCTS }, fx.deps));
      expect(refused.code).toBe('not_found');
      expect(refused.message).toMatch(/not found, or you do not have permission/);
      const { run } = await generate({ table: PRODUCTS, sampleRows: 50 });
      const reading = await appError(getRun(bob, run.id, fx.deps));
      expect(reading.code).toBe('not_found');
    } finally {
      fx.hide(() => false);
    }
  });
});

describe('generation with a language model', () => {
  let llm: FakeLlm;
  let scripted: FakeLlm;
  let broken: FakeLlm;
  /** What the stand-in model answered to the first generation request (the profile rules it saw). */
  let seenProfileRules: DqxCheck[] = [];

  const section = (text: string, heading: string) => {
    const start = text.indexOf(heading);
    const rest = text.slice(start + heading.length);
    return rest.slice(0, rest.search(/\n\n[A-Z]/)).trim();
  };

  /** A model that repeats a profile rule, re-checks a profiled column, writes one fixable and one hopeless rule, and one new one. */
  function respond(request: ChatRequest): string {
    const last = request.messages[request.messages.length - 1]!.content;
    if (last.startsWith('These rules from your answer need another look')) {
      // withdraws every rule sent back (here: the two that repeat profile rules)
      return JSON.stringify([...last.matchAll(/^Rule \d+: /gm)].map(() => null));
    }
    if (last.startsWith('These rules from your answer are invalid')) {
      // fixes the col_name rule, gives up on the unknown function
      return JSON.stringify([
        { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'sku' } } },
        null,
      ]);
    }
    seenProfileRules = JSON.parse(
      section(last, 'Rules already derived from the profile (JSON):'),
    ) as DqxCheck[];
    const inRange = seenProfileRules.find((r) => r.check.function === 'is_in_range')!;
    return JSON.stringify([
      seenProfileRules[0], // the very same rule
      {
        ...inRange,
        check: { ...inRange.check, arguments: { ...inRange.check.arguments, max_limit: 123456 } },
      }, // same check, same column
      { criticality: 'error', check: { function: 'is_not_null', arguments: { col_name: 'sku' } } }, // fixable
      { criticality: 'warn', check: { function: 'is_made_of_unicorns', arguments: { column: 'name' } } }, // hopeless
      {
        criticality: 'warn',
        name: 'attributes_is_json',
        check: { function: 'is_valid_json', arguments: { column: 'attributes' } },
      }, // new
    ]);
  }

  beforeAll(async () => {
    llm = await startFakeLlm({ respond });
    scripted = await startFakeLlm();
    broken = await startFakeLlm({
      respond: () => ({ status: 500, body: { error: { message: 'overloaded', type: 'server_error' } } }),
    });
  });
  afterAll(async () => {
    await Promise.all([llm?.close(), scripted?.close(), broken?.close()]);
  });

  const model = (server: FakeLlm) =>
    createChatModel({ baseUrl: server.url, model: 'fake-dqx-model', timeoutMs: 10_000 });

  it('merges the model’s rules with the profile’s without duplicates, repairing or dropping invalid ones and saying so', async () => {
    const { out } = await generate(
      { table: PRODUCTS, request: 'SKUs are required; attributes are JSON', sampleRows: 'all', mode: 'dqx' },
      { ...fx.deps, chatModel: model(llm) },
    );
    expect(seenProfileRules.length).toBeGreaterThan(0);
    const fromProfile = out.rules.filter((r) => r.origin === 'profile');
    const fromModel = out.rules.filter((r) => r.origin === 'model');
    expect(fromProfile.map((r) => r.check)).toEqual(seenProfileRules);
    expect(fromModel.map((r) => r.check)).toEqual([
      {
        criticality: 'warn',
        name: 'attributes_is_json',
        check: { function: 'is_valid_json', arguments: { column: 'attributes' } },
      },
      { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'sku' } } },
    ]);
    for (const rule of fromModel) expect(rule.evidence).toEqual({ model: 'fake-dqx-model' });

    // no two rules are the same rule
    const fingerprints = out.rules.map((r) => ruleFingerprint(r.check));
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    // no model rule checks a column with the same function as a profile rule
    const target = (c: DqxCheck) => `${c.check.function}:${JSON.stringify(expandChecks([c])[0]!.columns)}`;
    const profileTargets = new Set(fromProfile.map((r) => target(r.check)));
    expect(fromModel.filter((r) => profileTargets.has(target(r.check)))).toEqual([]);

    expect(out.model).toMatchObject({
      configured: true,
      name: 'fake-dqx-model',
      reason: null,
      repaired: 1,
      reviewed: 2,
      revised: 0,
    });
    expect(out.dropped_model_rules).toHaveLength(3);
    const invalid = out.dropped_model_rules.filter((d) => d.reason === 'invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.rule).toMatchObject({ check: { function: 'is_made_of_unicorns' } });
    expect(invalid[0]!.errors.join(' ')).toMatch(/is_made_of_unicorns/);
    const duplicates = out.dropped_model_rules.filter((d) => d.reason === 'duplicate');
    expect(duplicates.map((d) => d.errors[0])).toEqual([
      expect.stringMatching(/same rule/),
      expect.stringMatching(/repeats the profile rule .*same check on the same column/),
    ]);
    expect(out.validation.errors).toEqual([]);
  });

  it('sends the model the columns, a profile summary, the profile rules, the check catalog and the request', async () => {
    const before = scripted.requests.length;
    const { out } = await generate(
      {
        table: CUSTOMERS,
        request: 'every customer needs an id and a valid email; no html in notes',
        sampleRows: 500,
        mode: 'dqx',
      },
      { ...fx.deps, chatModel: model(scripted) },
    );
    const prompt = scripted.requests[before]!.messages.at(-1)!.content;
    expect(prompt).toContain('Table: samples.sales.customers');
    expect(prompt).toContain('"name":"email","type":"string"');
    // The model sees the whole table's profile (DQX's own sample statistics are added per column)
    expect(prompt).toContain('Profile of 5012 rows (JSON)');
    expect(prompt).toContain('"dqx_sample"');
    expect(prompt).toMatch(/"function":"is_valid_email","level":"row"/);
    expect(prompt).toContain('every customer needs an id and a valid email; no html in notes');
    // It was told which rules the profile already gave, and does not repeat them.
    expect(out.dropped_model_rules).toEqual([]);
    expect(out.rules.some((r) => r.origin === 'model' && r.check.check.function === 'is_valid_email')).toBe(
      true,
    );
    expect(out.dropped_model_rules.filter((d) => d.reason === 'invalid')).toEqual([]);
  });

  it('keeps the profile rules and says why when the model fails', async () => {
    const { out, run } = await generate(
      { table: PRODUCTS, sampleRows: 100 },
      { ...fx.deps, chatModel: model(broken) },
    );
    expect(out.rules.length).toBeGreaterThan(0);
    expect(out.rules.every((r) => r.origin === 'profile')).toBe(true);
    expect(out.model.configured).toBe(true);
    expect(out.model.reason).toMatch(/could not be used.*profile only.*HTTP 500/);
    expect(run.status).toBe('succeeded');
  });

  it('saves the generated rules with the prompt and the profile metadata, and each rule’s origin', async () => {
    const { run, out } = await generate(
      { table: PRODUCTS, request: 'SKUs are required; attributes are JSON', sampleRows: 'all', mode: 'dqx' },
      { ...fx.deps, chatModel: model(llm) },
    );
    const edited = {
      ...out.rules[0]!.check,
      criticality: out.rules[0]!.check.criticality === 'warn' ? 'error' : 'warn',
    } as DqxCheck;
    const rules = [edited, ...out.rules.slice(1).map((r) => r.check)];
    const saved = await saveGeneratedRuleSet(
      alice,
      {
        table: PRODUCTS,
        rules,
        user_prompt: out.request,
        ai_summary: { summary: 'fine', overall_quality_score: 8 },
        generation_run_id: run.id,
      },
      fx.deps,
    );
    const version = await getRuleSetVersion(alice, PRODUCTS, saved.version, fx.deps);
    expect(version.user_prompt).toBe('SKUs are required; attributes are JSON');
    expect(version.ai_summary).toEqual({ summary: 'fine', overall_quality_score: 8 });
    expect(version.metadata).toMatchObject({
      source: 'generator',
      generation_run_id: run.id,
      rows_profiled: 400,
      sampling: { kind: 'all' },
      model: 'fake-dqx-model',
      origins: ['edited', ...out.rules.slice(1).map((r) => r.origin)],
      origin_counts: { edited: 1, model: 2 },
    });
    // Another table's run cannot lend its metadata.
    const wrong = await appError(
      saveGeneratedRuleSet(alice, { table: CUSTOMERS, rules: [], generation_run_id: run.id }, fx.deps),
    );
    expect(wrong.code).toBe('bad_request');
  });

  it('keeps each rule’s origin and evidence beside the rules, checked against the run, the rules exactly as DQX reads them', async () => {
    const { run, out } = await generate({ table: PRODUCTS, sampleRows: 'all' });
    const first = out.rules[0]!;
    const edited = {
      ...first.check,
      criticality: first.check.criticality === 'warn' ? 'error' : 'warn',
    } as DqxCheck;
    const manual = {
      criticality: 'warn',
      check: { function: 'is_not_null', arguments: { column: 'sku' } },
    } as DqxCheck;
    const second = out.rules[1]!;
    const rules = [edited, second.check, manual];
    const saved = await saveGeneratedRuleSet(
      alice,
      {
        table: PRODUCTS,
        rules,
        generation_run_id: run.id,
        rule_provenance: [
          // What the browser says: the first rule was generated (and it was changed since, so the
          // server marks it edited); the second claims to be a model rule (the run says profile);
          // the third was written by hand.
          {
            origin: 'profile',
            edited: false,
            evidence: 'from the profile, then edited',
            detail: first.evidence,
          },
          { origin: 'model', edited: false, evidence: 'claimed' },
          { origin: 'manual', edited: false },
        ],
      },
      fx.deps,
    );
    const version = await getRuleSetVersion(alice, PRODUCTS, saved.version, fx.deps);
    expect(version.rules).toEqual(rules);
    expect(JSON.stringify(version.rules)).not.toContain('provenance');
    expect(version.rule_provenance).toEqual([
      { origin: 'profile', edited: true, evidence: 'from the profile, then edited', detail: first.evidence },
      { origin: 'profile', edited: false, evidence: 'claimed', detail: second.evidence },
      { origin: 'manual', edited: false, evidence: null, detail: null },
    ]);
    expect(version.rule_provenance?.[1]?.detail).toMatchObject({
      rowsProfiled: 400,
      profile: expect.any(String),
    });

    // One entry per rule, or the save is refused and nothing is written.
    const mismatch = await appError(
      saveGeneratedRuleSet(
        alice,
        { table: PRODUCTS, rules, rule_provenance: [{ origin: 'manual', edited: false }] },
        fx.deps,
      ),
    );
    expect(mismatch.code).toBe('bad_request');
    expect(mismatch.message).toMatch(/one entry per rule: 3 rules, 1 entries/);
    expect((await getRuleSetVersion(alice, PRODUCTS, saved.version, fx.deps)).is_active).toBe(true);
  });
});
