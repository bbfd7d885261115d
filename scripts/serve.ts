/**
 * Starts the app: `tsx scripts/serve.ts start` (the production build; `npm start`) or
 * `tsx scripts/serve.ts dev` (`npm run dev`). It is Next.js's own server (the same request handlers
 * `next start` and `next dev` use), started here so that:
 *
 * - it listens where the configuration says (lib/config): DQX_BIND_HOST, by default 127.0.0.1 in
 *   local mode (nobody else on the network can reach the app) and 0.0.0.0 in databricks mode (the
 *   Databricks Apps proxy must reach it), on DATABRICKS_APP_PORT, else PORT, else 3000;
 * - a TRACE request is answered with 405 and `Allow` before it reaches Next.js, whose request
 *   adapter fails on that method with a 500 (the method is forbidden in the Fetch API);
 * - a request whose Content-Length is larger than its route takes (lib/http/api-surface.ts) is
 *   answered with 413 at once: Next.js reads the whole body before proxy.ts runs, so the check must
 *   come before it; the body that still arrives is read and dropped for a moment, so that the client
 *   receives the 413 rather than a reset connection (lingeringClose). (A body sent without a length
 *   is counted by route() and proxy.ts as it is read.)
 * - the embedded rule store (PGlite) is opened and migrated before the server listens, and handed
 *   to the app (db/launch.ts): its WebAssembly Postgres blocks the process while it starts (seconds;
 *   initialising a fresh data folder, tens of seconds on a loaded machine), which a running server
 *   would spend answering nothing at all.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';

import { loadEnvConfig } from '@next/env';

import { loadConfig } from '@/lib/config';
import { allowedMethods, bodyLimit } from '@/lib/http/api-surface';

const command = process.argv[2];
if (command !== 'dev' && command !== 'start') {
  console.error('usage: tsx scripts/serve.ts dev|start');
  process.exit(2);
}
const dev = command === 'dev';
(process.env as Record<string, string | undefined>).NODE_ENV ??= dev ? 'development' : 'production';
const dir = path.resolve(__dirname, '..');
// .env and .env.local, as Next.js reads them, before the settings are read here.
loadEnvConfig(dir, dev, { info: () => undefined, error: console.error });

const config = loadConfig(process.env);
const { bindHost } = config.http;
const { port } = config;

/** The most bytes of request line and headers a request may have (see the server below). */
const MAX_HEADER_BYTES = 96 * 1024;

/** How long an idle keep-alive connection stays open (see the server below). */
const KEEP_ALIVE_MS = 65_000;

/** Methods the Fetch API forbids: Next.js cannot build a request from them. */
const UNSERVABLE = new Set(['TRACE', 'TRACK', 'CONNECT']);

function methodNotAllowed(req: http.IncomingMessage, res: http.ServerResponse): void {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  const allow = (allowedMethods(pathname) ?? ['GET', 'HEAD', 'POST']).join(', ');
  const body = JSON.stringify({
    error: {
      code: 'method_not_allowed',
      message: `Method ${req.method} is not allowed here; this resource accepts ${allow}.`,
    },
  });
  res.writeHead(405, {
    Allow: allow,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** How long a refused request's remaining body is still read (and discarded) after the answer. */
const LINGER_MS = 3_000;

/**
 * Close the connection of a request answered before its body was read, so that the client still
 * receives the answer: a socket closed with unread data in its receive buffer sends a reset (RST)
 * instead of an orderly end, and a client still sending its body may then lose the answer already
 * on its way (it sees ECONNRESET or EPIPE instead of the 413; seen on a loaded machine, a few
 * percent of the time). Node's server closes with `destroySoon` once the answer is written; for
 * this one socket it ends its own side instead (the answer, then FIN), reads and discards what
 * the client still sends, and destroys the socket when the client has finished or after LINGER_MS
 * (the "lingering close" of HTTP servers such as nginx).
 */
function lingeringClose(req: http.IncomingMessage): void {
  const socket: Socket & { destroySoon?: () => void } = req.socket;
  socket.destroySoon = () => {
    socket.end();
    req.resume();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
  };
}

function payloadTooLarge(req: http.IncomingMessage, res: http.ServerResponse, limit: number): void {
  lingeringClose(req);
  const body = JSON.stringify({
    error: {
      code: 'payload_too_large',
      message: `The request body is larger than ${limit} bytes, the most this request accepts.`,
    },
  });
  res.writeHead(413, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    Connection: 'close',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Opens and migrates the embedded store before Next.js is loaded (see db/launch.ts). A failure is
 * printed and the server starts all the same: the app then opens the store on first use and shows
 * why it cannot (503, /api/ready), as it does for any store.
 */
async function prepareStore(): Promise<void> {
  if (config.store.kind !== 'pglite') return;
  const fresh = !fs.existsSync(path.join(config.store.pgliteDir, 'PG_VERSION'));
  console.log(
    fresh
      ? `Preparing the rule store: creating the embedded database in ${config.store.pgliteDir} (the first start takes a little while)…`
      : `Preparing the rule store (${config.store.pgliteDir})…`,
  );
  const started = Date.now();
  try {
    const { prepareEmbeddedStore } = await import('@/db/launch');
    const { log } = await import('@/lib/log');
    const { applied, fingerprinted, copiedFromOriginal, pending } = await prepareEmbeddedStore(config);
    if (applied.length > 0 || fingerprinted > 0 || copiedFromOriginal > 0) {
      log.info('rule store migrated', { store: 'pglite', schema: config.store.schema, applied, fingerprinted, copiedFromOriginal });
    }
    if (pending > 0) console.log(`The rule store has ${pending} pending migration(s): run \`npm run db:migrate\`.`);
    console.log(`Rule store ready (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  } catch (error) {
    console.error(`Preparing the rule store failed; the app will try again on first use: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main(): Promise<void> {
  await prepareStore();
  const { default: next } = await import('next');
  const app = next({ dev, dir, hostname: bindHost, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // Node's default 16 KB for the request line and headers is less than the longest URL the API
  // documents (the failing-rows query: a 4,000-character cursor, a 2,000-character key and more,
  // percent-encoded): such a request would be cut off with 431 before the app could answer 400.
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    if (UNSERVABLE.has((req.method ?? '').toUpperCase())) return methodNotAllowed(req, res);
    const length = req.headers['content-length'];
    if (length && /^\d+$/.test(length)) {
      const limit = bodyLimit((req.url ?? '/').split('?')[0] ?? '/');
      if (Number(length) > limit) return payloadTooLarge(req, res, limit);
    }
    void handle(req, res);
  });
  // Longer than the idle timeout of the proxies in front of the app (the Databricks Apps proxy, load
  // balancers: commonly 60 s), so that the proxy, not the app, closes an idle connection. With
  // Node's default of 5 s a request sent on a connection the app is closing at that instant fails
  // (a 502 behind a proxy, ECONNRESET for a direct client), and whenever the event loop was busy
  // for longer than 5 s (a loaded machine) every idle connection is dropped at once.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  server.on('error', (error) => {
    console.error(`Cannot listen on ${bindHost}:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, bindHost, () => {
    const shown = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
    console.log(
      `DQX Data Quality Manager (${config.mode} mode, ${dev ? 'development' : 'production'}) on http://${shown}:${port}`,
    );
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    server.close();
    server.closeIdleConnections?.();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 8_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
