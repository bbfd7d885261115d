/**
 * The checks every request passes before anything else runs (ARCHITECTURE section 6, rule 10),
 * shared by proxy.ts (every page, server action and route) and `route()` (every /api/v1 handler):
 *
 * - **Host** (local mode): the `Host` header must name this machine (localhost, 127.0.0.1, [::1]),
 *   the address the server was told to listen on, or a name in DQX_ALLOWED_HOSTS. A web page whose
 *   DNS name was re-pointed at 127.0.0.1 (DNS rebinding) therefore gets 403, not the API.
 * - **Same origin**: a request a browser sends on behalf of another site is refused. For every method
 *   but GET/HEAD (state changes, server actions) and for every /api/v1 request: an `Origin` that is
 *   not this app (`null` included), or `Sec-Fetch-Site: cross-site` / `same-site`, is 403. A top-level
 *   navigation (a link to a report, say) is let through for GET and HEAD. Requests without these
 *   headers (curl, scripts) are not browsers acting for another site and pass.
 *
 * "This app" is the host the request was addressed to (`X-Forwarded-Host` in databricks mode, where
 * the Databricks Apps proxy sets it; `Host` in local mode), the app's own Databricks Apps host names
 * (lib/config/app-hosts.ts) and DQX_ALLOWED_HOSTS. Pure: no I/O, no server-only imports.
 */
import type { AppConfig } from '@/lib/config';
import { isAppHostName } from '@/lib/config/app-hosts';
import { AppError } from '@/lib/errors';

type HeaderSource = { get(name: string): string | null };

export interface GuardSettings {
  mode: 'local' | 'databricks';
  /** The address the server listens on (accepted as a Host in local mode unless it is a wildcard). */
  bindHost: string;
  allowedHosts: readonly string[];
  appName?: string;
  workspaceId?: string;
}

/** The guard's settings from the configuration. */
export function guardSettings(config: AppConfig): GuardSettings {
  return {
    mode: config.mode,
    bindHost: config.http.bindHost,
    allowedHosts: config.http.allowedHosts,
    appName: config.databricks.appName,
    workspaceId: config.databricks.workspaceId,
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** `host:port` -> `host` (IPv6 in brackets kept), lower case. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function acceptedLocalName(name: string, settings: GuardSettings): boolean {
  if (LOOPBACK.has(name) || settings.allowedHosts.includes(name)) return true;
  const bind = settings.bindHost.toLowerCase();
  if (bind === '0.0.0.0' || bind === '::') return false;
  return name === bind || name === `[${bind}]`;
}

/** Local mode: 403 unless the Host header names this machine or a configured name. */
export function checkHost(
  headers: HeaderSource,
  settings: GuardSettings,
  fallbackHost?: string,
): AppError | null {
  if (settings.mode !== 'local') return null;
  // Browsers always send Host; without one (HTTP/1.0, a handler called directly) the URL's host is
  // the server's own name.
  const host = headers.get('host') ?? fallbackHost;
  if (!host) return new AppError('forbidden', 'The request has no Host header.');
  const name = hostnameOf(host);
  if (acceptedLocalName(name, settings)) return null;
  return new AppError(
    'forbidden',
    `This app answers as localhost only; "${name.slice(0, 100)}" is not one of its names. To reach it under another name, add the name to DQX_ALLOWED_HOSTS.`,
  );
}

/** The host (with port) the client addressed: X-Forwarded-Host behind the Databricks Apps proxy, else Host. */
export function requestHost(
  headers: HeaderSource,
  settings: GuardSettings,
  fallback?: string,
): string | undefined {
  const forwarded =
    settings.mode === 'databricks' ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return (forwarded || headers.get('host') || fallback)?.toLowerCase();
}

function isOwnOrigin(
  origin: string,
  headers: HeaderSource,
  settings: GuardSettings,
  fallbackHost?: string,
): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const originHost = url.host.toLowerCase();
  const own = requestHost(headers, settings, fallbackHost);
  if (own && originHost === own) return true;
  const name = hostnameOf(originHost);
  if (settings.allowedHosts.includes(name)) return true;
  return settings.mode === 'databricks' && isAppHostName(name, settings.appName, settings.workspaceId);
}

/**
 * 403 for a request sent by a browser on behalf of another site (see the module comment).
 * `api`: the path is under /api/v1, where even reads are refused to other sites.
 */
export function checkSameOrigin(
  method: string,
  headers: HeaderSource,
  settings: GuardSettings,
  options: { api: boolean; fallbackHost?: string },
): AppError | null {
  const upper = method.toUpperCase();
  const safe = SAFE_METHODS.has(upper);
  if (safe && !options.api) return null;
  // A top-level navigation (following a link to a report, say) reads; a page cannot script it.
  if (safe && headers.get('sec-fetch-mode')?.trim().toLowerCase() === 'navigate') return null;
  const site = headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    return new AppError(
      'forbidden',
      'Requests from other sites are refused: this app only accepts requests from its own pages.',
    );
  }
  const origin = headers.get('origin');
  if (origin !== null && !isOwnOrigin(origin.trim(), headers, settings, options.fallbackHost)) {
    return new AppError(
      'forbidden',
      `Requests from other origins are refused: ${origin.slice(0, 100)} is not this app.`,
    );
  }
  return null;
}
