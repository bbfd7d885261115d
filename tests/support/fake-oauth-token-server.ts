/**
 * A local stand-in for a Databricks workspace's OAuth token endpoint, speaking the
 * client-credentials grant exactly as the workspace does: `POST /oidc/v1/token` with
 * `Authorization: Basic base64(client_id:client_secret)`,
 * `Content-Type: application/x-www-form-urlencoded` and `grant_type=client_credentials&scope=all-apis`,
 * answering `{access_token, token_type: "Bearer", expires_in, scope}`, or 401 `{error: "invalid_client"}`
 * for wrong credentials and 400 `{error: "invalid_request" | "unsupported_grant_type"}` for a
 * malformed request. Tests decide which token is handed out next.
 *
 * With `postgres`, it also answers Lakebase Autoscaling's database-credential endpoint as documented:
 * `POST /api/2.0/postgres/credentials` with `Authorization: Bearer <workspace token>` and a JSON body
 * `{endpoint: "projects/{p}/branches/{b}/endpoints/{e}"}` -> `{token, expire_time}` (RFC 3339);
 * 401 `{error_code: "UNAUTHENTICATED"}` for a token it did not issue, 404 `{error_code:
 * "NOT_FOUND"}` for another endpoint, 400 `{error_code: "INVALID_PARAMETER_VALUE"}` for a bad body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTokenServer {
  /** Workspace URL to use as DATABRICKS_HOST. */
  url: string;
  /** Token requests seen, in order (successful or not). */
  requests: { clientId: string | null; grantType: string | null; scope: string | null; status: number }[];
  /** Database-credential requests seen (with `postgres`), in order. */
  credentialRequests: { endpoint: string | null; status: number }[];
  /** Workspace tokens issued so far; `revoke()` makes them unknown (as after a rotation). */
  revokeWorkspaceTokens(): void;
  close(): Promise<void>;
}

export interface FakeTokenServerOptions {
  clientId: string;
  clientSecret: string;
  /** The access token to hand out for each request. */
  issue: () => string;
  expiresIn?: number;
  /** Lakebase Autoscaling credentials for this endpoint path. */
  postgres?: { endpoint: string; issue: () => string; ttlSeconds?: number };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export async function startFakeTokenServer(options: FakeTokenServerOptions): Promise<FakeTokenServer> {
  const requests: FakeTokenServer['requests'] = [];
  const credentialRequests: FakeTokenServer['credentialRequests'] = [];
  const issued = new Set<string>();
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (options.postgres && req.method === 'POST' && path === '/api/2.0/postgres/credentials') {
      const pgOptions = options.postgres;
      const raw = await readBody(req);
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      let endpoint: string | null = null;
      try {
        const parsed = JSON.parse(raw) as { endpoint?: unknown };
        endpoint = typeof parsed.endpoint === 'string' ? parsed.endpoint : null;
      } catch {
        endpoint = null;
      }
      const answer = (status: number, body: unknown) => {
        credentialRequests.push({ endpoint, status });
        send(res, status, body);
      };
      if (!bearer || !issued.has(bearer)) return answer(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });
      if (!endpoint) return answer(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'endpoint is required' });
      if (endpoint !== pgOptions.endpoint) return answer(404, { error_code: 'NOT_FOUND', message: `Endpoint ${endpoint} does not exist.` });
      const expire = new Date(Date.now() + (pgOptions.ttlSeconds ?? 3600) * 1000).toISOString();
      return answer(200, { token: pgOptions.issue(), expire_time: expire });
    }
    if (req.method !== 'POST' || path !== '/oidc/v1/token') return send(res, 404, { error: 'not_found' });
    const body = await readBody(req);
    const credentials = basicCredentials(req.headers.authorization);
    const form = new URLSearchParams(body);
    const record = (status: number) =>
      requests.push({ clientId: credentials?.id ?? null, grantType: form.get('grant_type'), scope: form.get('scope'), status });
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      record(400);
      return send(res, 400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });
    }
    if (!credentials || credentials.id !== options.clientId || credentials.secret !== options.clientSecret) {
      record(401);
      return send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    if (form.get('grant_type') !== 'client_credentials') {
      record(400);
      return send(res, 400, { error: 'unsupported_grant_type' });
    }
    const scope = form.get('scope') ?? '';
    let token: string;
    try {
      token = options.issue();
    } catch {
      record(503);
      return send(res, 503, { error: 'temporarily_unavailable' });
    }
    record(200);
    issued.add(token);
    return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600, scope });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    credentialRequests,
    revokeWorkspaceTokens: () => issued.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
