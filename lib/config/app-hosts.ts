/**
 * The host names under which this app is served, for the same-origin checks (lib/http/request-guard.ts,
 * proxy.ts) and for Next.js's own check of server actions (`serverActions.allowedOrigins` in
 * next.config.ts). Pure functions of the configuration; no I/O.
 *
 * Databricks Apps serves an app at `https://<app-name>-<workspace-id>.<suffix>`, where the suffix is
 * `aws.databricksapps.com`, `gcp.databricksapps.com` or `<n>.azure.databricksapps.com` (Azure adds a
 * numeric shard label). The platform tells the app its name and workspace id
 * (`DATABRICKS_APP_NAME`, `DATABRICKS_WORKSPACE_ID`), and its proxy forwards the host the browser
 * asked for in `X-Forwarded-Host`; it does not tell the app its URL in any variable. So the app's
 * own hosts are exactly the names built from its name and workspace id, on the three suffixes, plus
 * what `DQX_ALLOWED_HOSTS` adds (a custom domain in front of the app). Any other
 * `*.databricksapps.com` host is another app, possibly another customer's.
 */

/** Databricks app names: lower-case letters, digits and hyphens. */
const APP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const WORKSPACE_ID = /^[0-9]{1,20}$/;

/** `<app-name>-<workspace-id>`, or undefined when either is missing or malformed. */
export function appHostPrefix(
  appName: string | undefined,
  workspaceId: string | undefined,
): string | undefined {
  if (!appName || !workspaceId) return undefined;
  const name = appName.toLowerCase();
  if (!APP_NAME.test(name) || !WORKSPACE_ID.test(workspaceId)) return undefined;
  return `${name}-${workspaceId}`;
}

/** The app's own host names as Next.js `allowedOrigins` patterns (`*` stands for one label). */
export function appHostPatterns(appName: string | undefined, workspaceId: string | undefined): string[] {
  const prefix = appHostPrefix(appName, workspaceId);
  if (!prefix) return [];
  return [
    `${prefix}.aws.databricksapps.com`,
    `${prefix}.gcp.databricksapps.com`,
    `${prefix}.*.azure.databricksapps.com`,
  ];
}

/** Whether `hostname` (no port) is one of the app's own Databricks Apps host names. */
export function isAppHostName(
  hostname: string,
  appName: string | undefined,
  workspaceId: string | undefined,
): boolean {
  const prefix = appHostPrefix(appName, workspaceId);
  if (!prefix) return false;
  const host = hostname.toLowerCase();
  if (host === `${prefix}.aws.databricksapps.com` || host === `${prefix}.gcp.databricksapps.com`) return true;
  const azure = `${prefix}.`;
  if (!host.startsWith(azure) || !host.endsWith('.azure.databricksapps.com')) return false;
  return /^[0-9]{1,4}$/.test(host.slice(azure.length, -'.azure.databricksapps.com'.length));
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** Whether `name` is a host name or IP address (IPv6 in brackets) as a Host header carries it, without port. */
export function isHostName(name: string): boolean {
  return name.length <= 253 && (HOST_NAME.test(name) || IPV6.test(name));
}

/** `DQX_ALLOWED_HOSTS` parsed: comma- or blank-separated host names, lower case. */
export function parseHostList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Next.js `serverActions.allowedOrigins` for an environment: the app's own Databricks Apps hosts and
 * the extra hosts of `DQX_ALLOWED_HOSTS`. Next.js already accepts a server action whose `Origin` is the
 * host of the request (`X-Forwarded-Host`, else `Host`); this list only adds the app's own names, never
 * a wildcard over other apps.
 */
export function serverActionOrigins(env: Record<string, string | undefined>): string[] {
  const extra = parseHostList(env.DQX_ALLOWED_HOSTS).filter(isHostName);
  return [...appHostPatterns(env.DATABRICKS_APP_NAME?.trim(), env.DATABRICKS_WORKSPACE_ID?.trim()), ...extra];
}
