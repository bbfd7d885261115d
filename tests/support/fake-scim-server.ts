/**
 * A local stand-in for the workspace's SCIM current-user endpoint,
 * `GET /api/2.0/preview/scim/v2/Me` with `Authorization: Bearer <token>`, answering the documented
 * SCIM User object (`schemas`, `id`, `userName`, `displayName`, `name`, `emails`, `active`,
 * `groups`, `entitlements`) for the token's owner, and `401 {error_code, message}` for a token it
 * does not know, as the workspace does.
 *
 * Tokens: those registered with `addUser`, and, for convenience, any token of the form
 * `token-of-<userName>` (so tests can say which user a request is); a token starting with
 * `token-unavailable` is answered 503, as a workspace that is down. `GET /_test/lookups?token=…`
 * (not a Databricks API) tells a test in another process how often a token was asked about.
 * Test support only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SCIM_ME = '/api/2.0/preview/scim/v2/Me';

export interface FakeUser {
  userName: string;
  displayName?: string;
  id?: string;
  active?: boolean;
}

export class FakeScimServer {
  private server: Server | undefined;
  private readonly tokens = new Map<string, FakeUser>();
  /** Every request seen: the Authorization header is kept so tests can check what was sent. */
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  /** Answer the next N requests with this HTTP status (e.g. 503) instead of the user. */
  failNext: { count: number; status: number } = { count: 0, status: 503 };
  /** Delay every answer by this long (ms). */
  delayMs = 0;

  addUser(token: string, user: FakeUser): void {
    this.tokens.set(token, user);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the fake SCIM server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** How many times the endpoint was asked about `token`. */
  lookupsOf(token: string): number {
    return this.requests.filter((r) => r.authorization === `Bearer ${token}`).length;
  }

  userOf(token: string): FakeUser | undefined {
    const known = this.tokens.get(token);
    if (known) return known;
    const m = /^token-of-(.+)$/.exec(token);
    return m ? { userName: m[1]! } : undefined;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push({ path, authorization: req.headers.authorization });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (req.method === 'GET' && path === '/_test/lookups') {
      const token = new URL(req.url ?? '', 'http://x').searchParams.get('token') ?? '';
      return this.send(res, 200, { count: this.lookupsOf(token) });
    }
    if (req.method !== 'GET' || path !== SCIM_ME)
      return this.send(res, 404, {
        error_code: 'ENDPOINT_NOT_FOUND',
        message: `No API found for '${req.method} ${path}'`,
      });
    if (this.failNext.count > 0) {
      this.failNext.count--;
      return this.send(res, this.failNext.status, {
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The service is temporarily unavailable.',
      });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token?.startsWith('token-unavailable')) {
      return this.send(res, 503, {
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The service is temporarily unavailable.',
      });
    }
    const user = token ? this.userOf(token) : undefined;
    if (!user)
      return this.send(res, 401, {
        error_code: '401',
        message: 'Credential was not sent or was of an unsupported type for this API.',
      });
    const id =
      user.id ??
      String(1000 + [...user.userName].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7));
    const [given, ...family] = (user.displayName ?? user.userName.split('@')[0]!).split(' ');
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.end(
      JSON.stringify({
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:workspace:2.0:User',
        ],
        id,
        userName: user.userName,
        displayName: user.displayName ?? user.userName.split('@')[0],
        name: { givenName: given, familyName: family.join(' ') },
        emails: user.userName.includes('@') ? [{ type: 'work', value: user.userName, primary: true }] : [],
        active: user.active ?? true,
        groups: [{ display: 'users', type: 'direct', value: '1', $ref: 'Groups/1' }],
        entitlements: [{ value: 'workspace-access' }],
      }),
    );
  }
}
