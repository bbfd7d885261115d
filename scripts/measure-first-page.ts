/**
 * The first minute, measured: starts `next dev` on a fresh state folder (and, with --cold, without
 * the dev build cache), then asks for `/` as a browser would until the first page has arrived with
 * its scripts and styles, and reports when each thing happened. A measurement, not a test:
 *
 *   npx tsx scripts/measure-first-page.ts [--cold] [--port 3600] [--big-rows 1000000]
 *
 * Prints JSON: milliseconds from the start of `next dev` to "Ready", to the first page's HTML (asked
 * for as soon as the server takes connections), to all of its scripts and styles, to the warehouse
 * being up (the small sample tables), and to the big sample table being ready (unless --no-wait).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};

const port = Number(option('--port', '3600'));
const bigRows = option('--big-rows', '1000000');
const base = `http://127.0.0.1:${port}`;
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-first-minute-'));
if (flag('--cold')) fs.rmSync(path.join(process.cwd(), '.next', 'dev'), { recursive: true, force: true });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const marks: Record<string, number> = {};
const mark = (name: string) => {
  marks[name] ??= Date.now() - t0;
};

const child = spawn('npx', ['next', 'dev', '-H', '127.0.0.1', '-p', String(port)], {
  cwd: process.cwd(),
  env: {
    ...process.env,
    DQX_MODE: 'local',
    DQX_STATE_DIR: path.join(state, 'state'),
    DQX_LOCAL_DATA_DIR: path.join(state, 'data'),
    DQX_SAMPLE_BIG_ROWS: bigRows,
    NEXT_TELEMETRY_DISABLED: '1',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let output = '';
const onData = (chunk: Buffer) => {
  const text = chunk.toString();
  output += text;
  if (/Ready in/.test(text)) mark('next_ready');
  if (/local warehouse ready/.test(text)) mark('warehouse_ready');
  if (/sample catalog: big table ready|sample catalog built/.test(text)) mark('big_table_ready');
};
child.stdout.on('data', onData);
child.stderr.on('data', onData);

function stop() {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // gone already
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }, 5000).unref();
}

async function get(url: string, timeoutMs = 300_000): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

async function main() {
  // Ask for the first page as a browser would, as soon as the server takes connections.
  let page: { status: number; text: string } | null = null;
  while (!page) {
    if (Date.now() - t0 > 600_000) throw new Error(`no first page after 10 minutes:\n${output}`);
    try {
      page = await get(`${base}/`);
    } catch (error) {
      const refused =
        error instanceof Error && /ECONNREFUSED|fetch failed/.test(`${error.message} ${String(error.cause)}`);
      if (!refused) throw error;
      await sleep(100);
    }
  }
  mark('first_page_html');
  if (page.status !== 200) throw new Error(`first page answered ${page.status}`);
  const assets = [...page.text.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]!);
  await Promise.all([...new Set(assets)].map((a) => get(`${base}${a.replaceAll('&amp;', '&')}`)));
  mark('first_page_complete');
  const heading = /<h1[^>]*>Generator<\/h1>/.test(page.text);

  // The big table: wait (bounded) until the picker no longer reports it as being prepared.
  const deadline = Date.now() + (flag('--no-wait') ? 0 : 300_000);
  let progressSeen = false;
  while (Date.now() < deadline && marks.big_table_ready === undefined) {
    const res = await get(`${base}/api/v1/tables?q=orders&limit=5`, 30_000).catch(() => null);
    if (res?.status === 200) {
      const body = JSON.parse(res.text) as { tables?: { full_name: string; availability?: unknown }[] };
      const orders = body.tables?.find((t) => t.full_name === 'samples.sales.orders');
      if (orders?.availability) progressSeen = true;
      else if (orders) mark('big_table_ready');
    }
    await sleep(500);
  }
  if (flag('--verbose')) console.error(output);
  console.log(
    JSON.stringify(
      {
        cold: flag('--cold'),
        big_rows: Number(bigRows),
        millis: marks,
        first_page_shows_generator: heading,
        big_table_progress_seen: progressSeen,
      },
      null,
      2,
    ),
  );
}

main()
  .catch((error: unknown) => {
    if (flag('--verbose')) console.error(output);
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => {
    stop();
    fs.rmSync(state, { recursive: true, force: true });
  });
