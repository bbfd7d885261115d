/**
 * Alert webhooks: which URLs may receive alerts, and the POST that delivers one.
 *
 * A webhook URL is set by a user, so the app's own network position must not become theirs
 * (ARCHITECTURE section 6, server-side request forgery): only http and https (https only in
 * databricks mode), no credentials in the URL, never a link-local address (169.254.0.0/16, fe80::/10:
 * cloud metadata services live there), and in databricks mode never loopback or an unspecified
 * address either. Host names are checked again on every delivery at the address the connection
 * really uses (a `lookup` hook of the socket), so a name that resolves to a forbidden address later
 * is refused too. Redirects are not followed.
 */
import 'server-only';

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

import type { Mode } from '@/lib/config';

export class WebhookUrlError extends Error {}

const LINK_LOCAL_V4 = (a: number[]) => a[0] === 169 && a[1] === 254;
const LOOPBACK_V4 = (a: number[]) => a[0] === 127;
const UNSPECIFIED_V4 = (a: number[]) => a[0] === 0;

/** What kind of forbidden address this is in `mode` (a phrase), or null when it may receive alerts. */
export function forbiddenAddress(address: string, mode: Mode): string | null {
  let ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  // IPv4-mapped IPv6 (::ffff:a.b.c.d, which URL parsing writes as ::ffff:xxxx:xxxx) is its IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (mapped) ip = mapped[1]!;
  else if (mappedHex) {
    const [hi, lo] = [parseInt(mappedHex[1]!, 16), parseInt(mappedHex[2]!, 16)];
    ip = [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  const family = net.isIP(ip);
  if (family === 4) {
    const parts = ip.split('.').map(Number);
    if (LINK_LOCAL_V4(parts)) return 'a link-local address (169.254.0.0/16)';
    if (mode === 'databricks' && LOOPBACK_V4(parts)) return 'a loopback address (refused in databricks mode)';
    if (mode === 'databricks' && UNSPECIFIED_V4(parts)) return 'an unspecified address (refused in databricks mode)';
    return null;
  }
  if (family === 6) {
    if (/^fe[89ab][0-9a-f]:/.test(ip)) return 'a link-local address (fe80::/10)';
    if (mode === 'databricks' && (ip === '::1' || ip === '::')) return 'a loopback address (refused in databricks mode)';
    return null;
  }
  return null;
}

/**
 * The URL, parsed, when it may receive alerts in `mode`; else a WebhookUrlError saying why. Host
 * names are not resolved here (see `postJson`), except `localhost`, which is loopback by definition.
 */
export function checkWebhookUrl(raw: string, mode: Mode): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookUrlError('must be an http or https URL');
  if (mode === 'databricks' && url.protocol !== 'https:') throw new WebhookUrlError('must be an https URL in databricks mode');
  if (url.username || url.password) throw new WebhookUrlError('must not carry a user name or password');
  const host = url.hostname.toLowerCase();
  if (mode === 'databricks' && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new WebhookUrlError('must not be a loopback host in databricks mode');
  }
  const why = forbiddenAddress(host, mode);
  if (why) throw new WebhookUrlError(`must not point at ${why}`);
  return url;
}

/** The origin of a webhook URL, safe to show (paths of webhooks often hold their secret). */
export function webhookOrigin(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return '(invalid URL)';
  }
}

export interface PostOutcome {
  ok: boolean;
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  /** Why it failed, safe to show (never the URL's path or query). */
  error: string | null;
}

/** POST `body` as JSON to a checked URL, with a timeout; resolves, never rejects. */
export function postJson(url: URL, body: unknown, options: { mode: Mode; timeoutMs: number }): Promise<PostOutcome> {
  const payload = Buffer.from(JSON.stringify(body));
  const lookup: net.LookupFunction = (hostname, opts, callback) => {
    dns.lookup(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as dns.LookupAddress[];
      const bad = list.map((a) => forbiddenAddress(a.address, options.mode)).find(Boolean);
      if (bad) return callback(Object.assign(new Error(`the webhook host resolves to ${bad}, which is refused`), { code: 'EFORBIDDEN' }), '', 4);
      if (opts.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    // The whole exchange, not only an idle socket, has `timeoutMs` (a receiver that answers byte by byte too).
    const deadline = setTimeout(() => {
      req.destroy();
      done({ ok: false, status: null, error: `the webhook did not answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    const done = (outcome: PostOutcome) => {
      clearTimeout(deadline);
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'dqx-data-quality-manager' },
        lookup,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          done(status >= 200 && status < 300 ? { ok: true, status, error: null } : { ok: false, status, error: `the webhook answered HTTP ${status}` });
        });
        res.on('error', () => done({ ok: false, status: res.statusCode ?? null, error: 'the webhook answer broke off' }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EFORBIDDEN' ? error.message : `the webhook could not be reached (${error.code ?? 'network error'})`;
      done({ ok: false, status: null, error: why });
    });
    req.end(payload);
  });
}
