/**
 * What each /api/v1 operation accepts at the HTTP level: its method and path, and for a request
 * body the media types and the largest size. `route()` enforces it (415, 413), `proxy.ts` answers
 * every other method with 405 and `Allow`, and the OpenAPI document (lib/openapi) takes methods,
 * paths and body media types from here (a test checks they agree). Plain data with no imports, so
 * the proxy and the server launcher can load it.
 */

export interface ApiBody {
  /** Accepted `Content-Type` media types (parameters such as `charset=utf-8` are allowed). */
  mediaTypes: readonly string[];
  /** Largest body in bytes; a larger one is refused with 413 before it is read further. */
  maxBytes: number;
}

export interface ApiRoute {
  method: 'get' | 'post';
  /** OpenAPI path template, e.g. `/api/v1/runs/{id}`. */
  path: string;
  /** Absent: the operation takes no body (a POST may still send an empty one, or JSON up to 1 KB that is ignored). */
  body?: ApiBody;
}

export const JSON_TYPE = 'application/json';
/** YAML media types accepted for a DQX checks file. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'] as const;

/** Largest body of a POST that takes none (clients that send `{}` are not refused). */
export const EMPTY_BODY_MAX_BYTES = 1024;

/** Largest server-action (page POST) body: next.config.ts `serverActions.bodySizeLimit` is the same. */
export const ACTION_BODY_MAX_BYTES = 2 * 1024 * 1024;
/** Deepest nesting of arrays and objects in a server action's arguments (the framework's decoder recurses). */
export const ACTION_MAX_NESTING = 64;

const MB = 1_000_000;

export const API_ROUTES = {
  listCatalogs: { method: 'get', path: '/api/v1/catalogs' },
  listSchemas: { method: 'get', path: '/api/v1/catalogs/{catalog}/schemas' },
  listTables: { method: 'get', path: '/api/v1/catalogs/{catalog}/schemas/{schema}/tables' },
  searchTables: { method: 'get', path: '/api/v1/tables' },
  describeTable: { method: 'get', path: '/api/v1/tables/{name}' },
  sampleTable: { method: 'get', path: '/api/v1/tables/{name}/sample' },
  getTableHealth: { method: 'get', path: '/api/v1/tables/{name}/health' },
  getMonitoringOverview: { method: 'get', path: '/api/v1/monitoring' },
  listRuleSets: { method: 'get', path: '/api/v1/rule-sets' },
  listRuleSetVersions: { method: 'get', path: '/api/v1/rule-sets/{table}/versions' },
  saveRuleSetVersion: {
    method: 'post',
    path: '/api/v1/rule-sets/{table}/versions',
    body: { mediaTypes: [JSON_TYPE, ...YAML_TYPES], maxBytes: 2 * MB },
  },
  getRuleSetVersion: { method: 'get', path: '/api/v1/rule-sets/{table}/versions/{version}' },
  activateRuleSetVersion: { method: 'post', path: '/api/v1/rule-sets/{table}/versions/{version}/activate' },
  diffRuleSetVersions: { method: 'get', path: '/api/v1/rule-sets/{table}/diff' },
  listTableRuns: { method: 'get', path: '/api/v1/rule-sets/{table}/runs' },
  getPublishSettings: { method: 'get', path: '/api/v1/rule-sets/{table}/publishing' },
  savePublishSettings: {
    method: 'post',
    path: '/api/v1/rule-sets/{table}/publishing',
    body: { mediaTypes: [JSON_TYPE], maxBytes: 64_000 },
  },
  publishRuleSet: { method: 'post', path: '/api/v1/rule-sets/{table}/publish' },
  listPublications: { method: 'get', path: '/api/v1/rule-sets/{table}/publications' },
  getThresholds: { method: 'get', path: '/api/v1/rule-sets/{table}/thresholds' },
  saveThresholds: {
    method: 'post',
    path: '/api/v1/rule-sets/{table}/thresholds',
    body: { mediaTypes: [JSON_TYPE], maxBytes: 64_000 },
  },
  listAlerts: { method: 'get', path: '/api/v1/rule-sets/{table}/alerts' },
  startGeneration: {
    method: 'post',
    path: '/api/v1/generations',
    body: { mediaTypes: [JSON_TYPE], maxBytes: 64_000 },
  },
  startValidation: {
    method: 'post',
    path: '/api/v1/validations',
    body: { mediaTypes: [JSON_TYPE], maxBytes: 2 * MB },
  },
  getRun: { method: 'get', path: '/api/v1/runs/{id}' },
  cancelRun: { method: 'post', path: '/api/v1/runs/{id}/cancel' },
  getFailingRows: { method: 'get', path: '/api/v1/runs/{id}/failing-rows' },
  exportFailingRows: { method: 'get', path: '/api/v1/runs/{id}/failing-rows/export' },
  getValidationReport: { method: 'get', path: '/api/v1/runs/{id}/report' },
  analyzeRules: {
    method: 'post',
    path: '/api/v1/analyses',
    body: { mediaTypes: [JSON_TYPE], maxBytes: 2 * MB },
  },
  getOpenApiDocument: { method: 'get', path: '/api/v1/openapi.json' },
} as const satisfies Record<string, ApiRoute>;

export type OperationId = keyof typeof API_ROUTES;

/** Routes outside /api/v1 (health checks), by path: the methods they declare. */
const OTHER_ROUTES: Record<string, readonly ('get' | 'post')[]> = {
  '/api/health': ['get'],
  '/api/ready': ['get'],
};

const templates = Object.values(API_ROUTES as Record<string, ApiRoute>).map((r) => ({
  route: r,
  regex: new RegExp('^' + r.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '/?$'),
}));

/**
 * The methods a path accepts (upper case, with HEAD wherever GET is), or null when the path is not
 * an API route (pages, unknown paths: left to the framework).
 */
export function allowedMethods(pathname: string): string[] | null {
  let declared: readonly string[] | undefined = OTHER_ROUTES[pathname.replace(/\/$/, '')];
  if (!declared) {
    const matching = templates.filter((t) => t.regex.test(pathname)).map((t) => t.route.method);
    if (matching.length === 0) return null;
    declared = matching;
  }
  const methods = new Set(declared.map((m) => m.toUpperCase()));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

const ORDER = ['GET', 'HEAD', 'POST'];

/**
 * The largest body a request to `pathname` may carry: what its API operation declares (1 KB for a
 * POST without body), else (pages: server actions and forms) ACTION_BODY_MAX_BYTES.
 */
export function bodyLimit(pathname: string): number {
  const route = templates.find((t) => t.regex.test(pathname) && t.route.method === 'post')?.route;
  if (route) return route.body?.maxBytes ?? EMPTY_BODY_MAX_BYTES;
  if (pathname.startsWith('/api/')) return EMPTY_BODY_MAX_BYTES;
  return ACTION_BODY_MAX_BYTES;
}

/**
 * Whether JSON text nests arrays and objects deeper than `max` (strings and their escapes are
 * skipped). A linear scan, to refuse what a recursive decoder would overflow on.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaTypeOf(contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}
