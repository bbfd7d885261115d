/**
 * Runs before every request (pages, server actions, route handlers; not static assets). In order:
 *
 * 1. every request gets a request id;
 * 2. local mode: a Host that does not name this machine (DNS rebinding) is refused with 403;
 * 3. a method a route does not declare is 405 with `Allow` (the framework would answer OPTIONS
 *    with 204, others without `Allow`, and render pages for any method); pages take GET, HEAD and
 *    POST (server actions, forms);
 * 4. a request a browser sends for another site is refused with 403: any /api/v1 request, and
 *    every POST to a page (server actions, forms) (lib/http/request-guard.ts);
 *    a POST to a page larger than a server action may be is 413, and a server action whose
 *    arguments nest deeper than ACTION_MAX_NESTING is 400 (the framework's decoder would overflow
 *    its stack on them: a 500);
 * 5. databricks mode: a request without the user's token (set by the Databricks Apps proxy) is
 *    refused with 401 before any page, action or route runs; only the health endpoints are open.
 *    Whom the token belongs to is asked here too (lib/auth, cached per token), so a token Databricks
 *    refuses is a 401 and a workspace that cannot say is a 503 for pages as well, instead of an
 *    error page; pages, actions and routes then find the answer in the cache.
 */
import { NextResponse, type NextRequest } from 'next/server';

import { HEADER, resolveCaller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import {
  badRequest,
  isAppError,
  methodNotAllowed,
  payloadTooLarge,
  toErrorBody,
  type AppError,
} from '@/lib/errors';
import {
  ACTION_BODY_MAX_BYTES,
  ACTION_MAX_NESTING,
  allowedMethods,
  jsonNestsDeeperThan,
  mediaTypeOf,
} from '@/lib/http/api-surface';
import { checkHost, checkSameOrigin, guardSettings } from '@/lib/http/request-guard';

const OPEN_PATHS = ['/api/health', '/api/ready'];
const PAGE_METHODS = ['GET', 'HEAD', 'POST'];

function refuse(error: AppError, req: NextRequest, requestId: string, asJson: boolean): NextResponse {
  const { status, body, headers } = toErrorBody(error, requestId);
  const common = { ...headers, 'x-request-id': requestId, 'Cache-Control': 'no-store' };
  if (asJson) return NextResponse.json(body, { status, headers: common });
  return new NextResponse(error.message, {
    status,
    headers: { ...common, 'content-type': 'text/plain; charset=utf-8' },
  });
}

/** A POST to a page (a server action or a form): its size, and the nesting of an action's JSON arguments. */
async function checkPageBody(req: NextRequest): Promise<AppError | null> {
  const declared = req.headers.get('content-length');
  if (declared && /^\d+$/.test(declared) && Number(declared) > ACTION_BODY_MAX_BYTES) {
    return payloadTooLarge(
      `The request body is larger than ${ACTION_BODY_MAX_BYTES} bytes, the most a page accepts.`,
    );
  }
  const body = await req.arrayBuffer();
  if (body.byteLength > ACTION_BODY_MAX_BYTES) {
    return payloadTooLarge(
      `The request body is larger than ${ACTION_BODY_MAX_BYTES} bytes, the most a page accepts.`,
    );
  }
  const type = mediaTypeOf(req.headers.get('content-type'));
  if (req.headers.get('next-action') && (type === 'text/plain' || type === 'application/json')) {
    if (jsonNestsDeeperThan(new TextDecoder().decode(body), ACTION_MAX_NESTING)) {
      return badRequest(`The arguments nest more than ${ACTION_MAX_NESTING} levels deep.`);
    }
  }
  return null;
}

export async function proxy(req: NextRequest) {
  const requestHeaders = new Headers(req.headers);
  const requestId = requestHeaders.get(HEADER.requestId) || crypto.randomUUID();
  requestHeaders.set(HEADER.requestId, requestId);

  const config = getConfig();
  const { pathname } = req.nextUrl;
  const api = pathname.startsWith('/api/');
  const asJson = api || req.method !== 'GET';
  const settings = guardSettings(config);

  const badHost = checkHost(req.headers, settings, req.nextUrl.host);
  if (badHost) return refuse(badHost, req, requestId, asJson);

  // pages: GET and HEAD, and POST for server actions and forms
  const allow = api ? allowedMethods(pathname) : PAGE_METHODS;
  if (allow && !allow.includes(req.method))
    return refuse(methodNotAllowed(req.method, allow), req, requestId, true);

  const crossSite = checkSameOrigin(req.method, req.headers, settings, {
    api: pathname.startsWith('/api/v1/'),
    fallbackHost: req.nextUrl.host,
  });
  if (crossSite) return refuse(crossSite, req, requestId, asJson);

  if (!api && req.method === 'POST') {
    const refused = await checkPageBody(req);
    if (refused) return refuse(refused, req, requestId, true);
  }

  const open = OPEN_PATHS.includes(pathname);
  if (!open && config.mode === 'databricks' && !requestHeaders.get(HEADER.token)?.trim()) {
    const body = {
      error: {
        code: 'unauthorized',
        message: 'Sign-in required: the request carries no user token.',
        requestId,
      },
    };
    if (asJson) {
      return NextResponse.json(body, { status: 401, headers: { 'x-request-id': requestId } });
    }
    return new NextResponse(
      'Sign-in required. Open this app through its Databricks Apps URL so that the platform signs you in.',
      { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': requestId } },
    );
  }

  if (!open && config.mode === 'databricks') {
    try {
      await resolveCaller(requestHeaders, config);
    } catch (error) {
      if (!isAppError(error)) throw error;
      return refuse(error, req, requestId, asJson);
    }
  }

  // The home page is the Generator. Redirected here rather than by a page, so that the first
  // request of a fresh `npm run dev` does not compile a page only to redirect from it.
  if (pathname === '/' && req.method === 'GET') {
    const target = req.nextUrl.clone();
    target.pathname = '/generator';
    const redirect = NextResponse.redirect(target, 307);
    redirect.headers.set('x-request-id', requestId);
    return redirect;
  }

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('x-request-id', requestId);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
