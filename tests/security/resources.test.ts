/**
 * Resource limits (docs/security.md) on the production build in local mode: the alias bomb and its
 * cousins get a 4xx while the server keeps answering others and its memory stays put; rules per rule
 * set, runs per user and language-model calls per minute are refused with clear messages (429 with
 * Retry-After where waiting helps), through the API and through server actions.
 */
import { describe, expect, inject, it } from 'vitest';

import {
  billionLaughsChecks,
  deepBlockYaml,
  deepFlowYaml,
  deepJsonArray,
  hugeAnchor,
  longKeyYaml,
  manyAliasesYaml,
  mergeKeyBomb,
} from '@/tests/support/hostile-payloads';

import { callAction, groupRss, request } from './support/client';
import { HOLD, LOCAL_LIMITS, localUrl } from './support/servers';

const TABLE = 'samples.sales.orders';
const versions = `/api/v1/rule-sets/${TABLE}/versions`;
const MB = 1024 * 1024;

/** Send `body` and, while it is being handled, ask for /api/health: both must be answered. */
async function whileServing(send: () => ReturnType<typeof request>) {
  const pending = send();
  const health = await request(localUrl, '/api/health');
  return { answer: await pending, health };
}

describe('the alias bomb and its cousins: a 4xx, the server still serving, its memory bounded', () => {
  const payloads: [string, string, string][] = [
    ['the billion laughs (a list of checks)', billionLaughsChecks(), 'application/yaml'],
    ['a merge-key bomb', `- ${mergeKeyBomb().split('\n').join('\n  ')}`, 'application/yaml'],
    ['a large anchor used 100 times', hugeAnchor(), 'text/yaml'],
    ['100,000 levels of flow nesting', deepFlowYaml(), 'application/yaml'],
    ['10,000 levels of block nesting', deepBlockYaml(), 'application/x-yaml'],
    ['20,000 aliases', manyAliasesYaml(), 'application/yaml'],
    ['a 1 MB key', longKeyYaml(), 'application/yaml'],
    [
      'slow for the YAML parser: 150,000 tagged items',
      Array.from({ length: 150_000 }, (_, i) => `- !t${i} x`).join('\n'),
      'application/yaml',
    ],
    ['JSON nested 100,000 deep (a checks file)', deepJsonArray(), 'application/json'],
  ];

  it.each(payloads)('%s', async (_what, body, type) => {
    const before = groupRss(inject('localPid'));
    const { answer, health } = await whileServing(() =>
      request(localUrl, versions, { method: 'POST', headers: { 'content-type': type }, body }),
    );
    expect(health.status).toBe(200);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.error?.message).toMatch(
      /too large|more than|nested|took longer|cannot be read|not valid|larger than|validate/i,
    );
    // bounded: the reader's worker has a 256 MB heap, and garbage of earlier requests may not be
    // collected yet; the alias bomb used to grow the server to 14.5 GB
    expect(groupRss(inject('localPid')) - before).toBeLessThan(1024 * MB);
  });

  it('the same document made valid is still read (the limits do not refuse real files)', async () => {
    const body = [
      'defaults: &defaults',
      '  criticality: warn',
      'checks:',
      ...Array.from(
        { length: 50 },
        (_, i) =>
          `  - <<: *defaults\n    name: id_present_${i}\n    check: {function: is_not_null, arguments: {column: order_id}}`,
      ),
    ].join('\n');
    const res = await request(localUrl, versions, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body,
    });
    expect(res.status).toBe(201);
    expect(res.body.rule_count).toBe(50);
  });
});

describe('rules per rule set', () => {
  const rules = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `r${i}`,
      criticality: 'error',
      check: { function: 'is_not_null', arguments: { column: 'order_id' } },
    }));

  it('refuses a set larger than DQX_MAX_RULES, counting for_each_column, by every way in', async () => {
    const tooMany = rules(LOCAL_LIMITS.maxRules + 1);
    const expanded = [
      {
        criticality: 'error',
        check: {
          function: 'is_not_null',
          for_each_column: Array.from({ length: LOCAL_LIMITS.maxRules + 1 }, () => 'order_id'),
        },
      },
    ];
    for (const body of [{ rules: tooMany }, { rules: expanded }]) {
      const res = await request(localUrl, versions, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toMatch(`at most ${LOCAL_LIMITS.maxRules}`);
    }
    const yaml = rules(LOCAL_LIMITS.maxRules + 1)
      .map(
        (r) =>
          `- name: ${r.name}\n  criticality: error\n  check: {function: is_not_null, arguments: {column: order_id}}`,
      )
      .join('\n');
    expect(
      (
        await request(localUrl, versions, {
          method: 'POST',
          headers: { 'content-type': 'application/yaml' },
          body: yaml,
        })
      ).status,
    ).toBe(400);
    const validation = await request(localUrl, '/api/v1/validations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ table: TABLE, rules: tooMany }),
    });
    expect(validation.status).toBe(400);
    const action = await callAction(localUrl, 'saveRuleSetAction', [{ table: TABLE, rules: tooMany }]);
    expect(action.result).toMatchObject({
      ok: false,
      code: 'bad_request',
      message: expect.stringMatching(/DQX_MAX_RULES/),
    });
  });
});

describe('runs per user and language-model calls per minute', () => {
  const release = () => fetch(`${inject('controlUrl')}/release`, { method: 'POST' });
  const post = (target: string, body: unknown) =>
    request(localUrl, target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const rule = {
    criticality: 'error',
    check: { function: 'is_not_null', arguments: { column: 'order_id' } },
  };

  it('refuses a run past DQX_RUNS_PER_USER, and a model call past DQX_LLM_CALLS_PER_MINUTE, with 429 and Retry-After', async () => {
    // two generations whose model answer is held: two runs running, two model calls
    const held = [
      await post('/api/v1/generations', { table: TABLE, request: HOLD }),
      await post('/api/v1/generations', { table: TABLE, request: HOLD }),
    ];
    expect(held.map((r) => r.status)).toEqual([202, 202]);

    try {
      for (const refused of [
        await post('/api/v1/validations', { table: TABLE, rules: [rule] }),
        await post('/api/v1/generations', { table: TABLE, request: 'more' }),
      ]) {
        expect(refused.status).toBe(429);
        expect(refused.body.error).toMatchObject({
          code: 'too_many_requests',
          message: expect.stringMatching(`${LOCAL_LIMITS.runsPerUser} runs queued or running`),
        });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
      const action = await callAction(localUrl, 'startDryRunAction', [{ table: TABLE, rules: [rule] }]);
      expect(action.result).toMatchObject({ ok: false, code: 'too_many_requests' });
    } finally {
      await release();
    }
    for (const run of held) {
      for (let i = 0; i < 600; i++) {
        const status = (await request(localUrl, `/api/v1/runs/${run.body.id as string}`)).body.status;
        if (status === 'succeeded' || status === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    // the model: asked until it is refused (some calls were spent above, and a minute's window may
    // turn meanwhile), never more than the limit in a row
    const answers: Awaited<ReturnType<typeof post>>[] = [];
    for (let i = 0; i <= 2 * LOCAL_LIMITS.llmCallsPerMinute && !answers.some((a) => a.status === 429); i++) {
      answers.push(await post('/api/v1/analyses', { table: TABLE, rules: [rule] }));
    }
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    expect(answers.slice(0, -1).every((a) => a.status === 200)).toBe(true);
    expect(answers.length - 1).toBeLessThanOrEqual(LOCAL_LIMITS.llmCallsPerMinute);
    expect(refused.body.error?.message).toMatch(/DQX_LLM_CALLS_PER_MINUTE/);
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    const action = await callAction(localUrl, 'analyzeRulesAction', [{ table: TABLE, rules: [rule] }]);
    expect(action.result).toMatchObject({ ok: false, code: 'too_many_requests' });
  });
});
