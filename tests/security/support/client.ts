/**
 * Requests as an attacker sends them: raw HTTP (any method, any Host, any header, any body, streamed
 * or not), server actions through the Next.js protocol (`Next-Action` with the action's id from the
 * build's manifest), and the memory of the server's processes.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The JSON body, when it is JSON. */
  body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
  ms: number;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** A body sent at once (with Content-Length), or chunk by chunk (chunked, no length). */
  body?: string | Buffer | { chunks: Iterable<Buffer | string> | AsyncIterable<Buffer | string> };
}

/** One HTTP request with full control over method, headers (Host included) and body. */
export function request(base: string, target: string, init: RequestInit = {}): Promise<Answer> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: target,
        method: init.method ?? 'GET',
        headers: { connection: 'close', ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Answer['body'] = {};
          try {
            body = JSON.parse(text) as Answer['body'];
          } catch {
            // not JSON
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body,
            ms: performance.now() - started,
          });
        });
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before a large body is sent: the answer still arrives,
    // and the write error that follows is not a failure. A connection that closes without any
    // answer is one, said at once (not a test that waits for its timeout).
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    req.on('close', () => {
      if (!answered) reject(new Error(`${init.method ?? 'GET'} ${target}: the connection closed without an answer`));
    });
    const body = init.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      void (async () => {
        for await (const chunk of body.chunks) {
          if (req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })().catch(() => undefined);
    }
  });
}

export const json = (value: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** Headers a browser sends for a same-origin fetch from the app's own page. */
export const sameOrigin = (base: string) => ({
  origin: base,
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
});

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

let manifest: Record<string, ManifestEntry> | undefined;

/** The id of a server action and a page that serves it, from the production build. */
export function actionRef(exportedName: string): { id: string; page: string } {
  manifest ??= (
    JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, '..', '..', '..', '.next/server/server-reference-manifest.json'),
        'utf8',
      ),
    ) as {
      node: Record<string, ManifestEntry>;
    }
  ).node;
  const found = Object.entries(manifest).find(([, entry]) => entry.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in the build`);
  const worker = Object.keys(found[1].workers)[0]!; // e.g. app/generator/page
  return {
    id: found[0],
    page:
      '/' +
      worker
        .replace(/^app\//, '')
        .replace(/\/page$/, '')
        .replace(/^page$/, ''),
  };
}

export interface ActionAnswer extends Answer {
  /** The action's return value (an ActionResult), when the action ran. */
  result:
    | { ok: boolean; code?: string; message?: string; data?: unknown; fieldErrors?: Record<string, string[]> }
    | undefined;
}

/**
 * Call a server action as the browser does: POST to a page that uses it, `Next-Action: <id>`, the
 * arguments as the body (`raw` as given: a hostile encoding, say).
 */
export async function callAction(
  base: string,
  exportedName: string,
  args: unknown[] | { raw: string },
  headers: Record<string, string> = {},
): Promise<ActionAnswer> {
  const { id, page } = actionRef(exportedName);
  const answer = await request(base, page, {
    method: 'POST',
    headers: {
      'next-action': id,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      origin: base,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'cors',
      ...headers,
    },
    body: 'raw' in args ? args.raw : JSON.stringify(args),
  });
  const line = answer.text.split('\n').find((l) => l.startsWith('1:'));
  let result: ActionAnswer['result'];
  try {
    result = line ? (JSON.parse(line.slice(2)) as ActionAnswer['result']) : undefined;
  } catch {
    result = undefined;
  }
  return { ...answer, result };
}

/** Resident memory (bytes) of every process in the process group `pgid` (the server and its children). */
export function groupRss(pgid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue; // field 5 of stat: the process group
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'));
      total += rss ? Number(rss[1]) * 1024 : 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
