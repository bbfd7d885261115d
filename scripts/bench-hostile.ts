/**
 * `npm run bench:hostile`: what the worst requests we could construct cost the server (the figures
 * in docs/security.md). Starts the production build in local mode (as `npm start` does, on a fresh
 * data folder, port BENCH_PORT, default 3210), then sends each request three times, while another
 * client asks for /api/health every 20 ms, and prints JSON with the median of the three: the status
 * and time of the answer, the slowest /api/health answer meanwhile (how long the event loop was held
 * at most, garbage collection included), and the peak growth of the server's memory. BENCH_ONLY=<text>
 * runs the cases whose name contains it. Needs a build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  billionLaughsChecks,
  deepBlockYaml,
  deepFlowYaml,
  deepJsonArray,
  hugeAnchor,
  longKeyYaml,
  manyAliasesYaml,
  mergeKeyBomb,
  nestedJson,
} from '@/tests/support/hostile-payloads';
import { groupRss, request, type RequestInit } from '@/tests/security/support/client';

const root = path.resolve(__dirname, '..');
const port = Number(process.env.BENCH_PORT ?? 3210);
const base = `http://127.0.0.1:${port}`;
const TABLE = 'samples.sales.orders';
const versions = `/api/v1/rule-sets/${TABLE}/versions`;

const realRules = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `- name: rule_${i}\n  criticality: error\n  filter: order_id > ${i}\n  check:\n    function: is_in_range\n    arguments:\n      column: quantity\n      min_limit: 1\n      max_limit: ${100 + i}\n  user_metadata: {owner: team_${i % 7}}\n`,
  ).join('');

const CASES: { name: string; target: string; init: RequestInit }[] = [
  {
    name: 'a real file: 1,000 rules in YAML (218 KB)',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: realRules(1000) },
  },
  {
    name: 'billion laughs (450 bytes)',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: billionLaughsChecks() },
  },
  {
    name: 'merge-key bomb',
    target: versions,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: `- ${mergeKeyBomb().split('\n').join('\n  ')}`,
    },
  },
  {
    name: 'large anchor used 100 times',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: hugeAnchor() },
  },
  {
    name: 'flow nesting 100,000 deep',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: deepFlowYaml() },
  },
  {
    name: 'block nesting 10,000 deep',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: deepBlockYaml() },
  },
  {
    name: '20,000 aliases',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: manyAliasesYaml() },
  },
  {
    name: 'a 1 MB key',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: longKeyYaml() },
  },
  {
    name: 'slowest YAML we found: 150,000 tagged items (1.8 MB)',
    target: versions,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: Array.from({ length: 150_000 }, (_, i) => `- !t${i} x`).join('\n'),
    },
  },
  {
    name: 'JSON checks file nested 100,000 deep',
    target: versions,
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepJsonArray() },
  },
  {
    name: 'JSON body: user_metadata 100,000 deep (2 MB)',
    target: '/api/v1/validations',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"table":"${TABLE}","rules":[{"check":{"function":"is_not_null","arguments":{"column":"id"}},"user_metadata":${nestedJson(100_000)}}]}`,
    },
  },
  {
    name: 'JSON body: 10,000 rules (the most a request may carry, past DQX_MAX_RULES)',
    target: '/api/v1/validations',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        table: TABLE,
        rules: Array.from({ length: 10_000 }, () => ({
          criticality: 'error',
          check: { function: 'is_not_null', arguments: { column: 'order_id' } },
        })),
      }),
    },
  },
  {
    name: 'JSON body: 1,000 rules with 100 columns each in for_each_column',
    target: '/api/v1/validations',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        table: TABLE,
        rules: Array.from({ length: 1000 }, () => ({
          criticality: 'error',
          check: { function: 'is_not_null', for_each_column: Array.from({ length: 100 }, () => 'order_id') },
        })),
      }),
    },
  },
  {
    name: 'server action: arguments nested 100,000 deep',
    target: '/validator',
    init: {
      method: 'POST',
      headers: { 'next-action': '0'.repeat(42), 'content-type': 'text/plain;charset=UTF-8' },
      body: '['.repeat(100_000) + ']'.repeat(100_000),
    },
  },
  {
    name: 'a declared 1 GB body',
    target: '/api/v1/validations',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000000000' },
      body: '{',
    },
  },
];

async function measureOnce(c: (typeof CASES)[number], pgid: number) {
  let slowestHealth = 0;
  let peak = groupRss(pgid);
  const before = peak;
  let done = false;
  const prober = (async () => {
    while (!done) {
      const started = performance.now();
      await request(base, '/api/health').catch(() => undefined);
      slowestHealth = Math.max(slowestHealth, performance.now() - started);
      peak = Math.max(peak, groupRss(pgid));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const answer = await request(base, c.target, c.init);
  done = true;
  await prober;
  return {
    status: answer.status,
    ms: answer.ms,
    slowestHealth,
    growth: peak - before,
    message: answer.body.error?.message,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(c: (typeof CASES)[number], pgid: number) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await measureOnce(c, pgid));
  return {
    request: c.name,
    bytes: typeof c.init.body === 'string' ? Buffer.byteLength(c.init.body) : undefined,
    status: runs[0]!.status,
    ms: Math.round(median(runs.map((r) => r.ms))),
    slowestHealthMs: Math.round(median(runs.map((r) => r.slowestHealth))),
    peakRssGrowthMb: Math.round(median(runs.map((r) => r.growth)) / 1e6),
    message: runs[0]!.message?.slice(0, 140),
  };
}

async function main() {
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID')))
    throw new Error('No production build: run `npm run build` first.');
  const dir = path.join(root, '.data', 'bench-hostile');
  fs.rmSync(dir, { recursive: true, force: true });
  const server = spawn(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/serve.ts', 'start'],
    {
      cwd: root,
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        DQX_MODE: 'local',
        PORT: String(port),
        DQX_LOCAL_DATA_DIR: path.join(dir, 'data'),
        DQX_STATE_DIR: path.join(dir, 'state'),
        DQX_SAMPLE_BIG_ROWS: '1000',
        DQX_LOG_LEVEL: 'error',
        NEXT_TELEMETRY_DISABLED: '1',
      },
    },
  );
  try {
    for (let i = 0; i < 300; i++) {
      if ((await request(base, '/api/health').catch(() => ({ status: 0 }))).status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // warm up: the first request of each route compiles nothing in production, but loads modules
    await request(base, versions, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: realRules(1),
    });
    await request(base, '/api/v1/validations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const results = [];
    for (const c of CASES.filter((x) => !process.env.BENCH_ONLY || x.name.includes(process.env.BENCH_ONLY)))
      results.push(await measure(c, server.pid!));
    console.log(JSON.stringify({ node: process.version, results }, null, 2));
  } finally {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
