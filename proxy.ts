/**
 * Runs before every request. In databricks mode a request that does not carry the user's token
 * (set by the Databricks Apps proxy) is refused with 401 before any page, action or route runs;
 * only the health endpoints and static assets are open. Every request gets a request id.
 */
import { NextResponse, type NextRequest } from 'next/server';

import { HEADER } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';

const OPEN_PATHS = ['/api/health', '/api/ready'];

export function proxy(req: NextRequest) {
  const requestHeaders = new Headers(req.headers);
  const requestId = requestHeaders.get(HEADER.requestId) || crypto.randomUUID();
  requestHeaders.set(HEADER.requestId, requestId);

  const { pathname } = req.nextUrl;
  const open = OPEN_PATHS.includes(pathname);
  if (!open && getConfig().mode === 'databricks' && !requestHeaders.get(HEADER.token)?.trim()) {
    const body = {
      error: {
        code: 'unauthorized',
        message: 'Sign-in required: the request carries no user token.',
        requestId,
      },
    };
    if (pathname.startsWith('/api/') || req.method !== 'GET') {
      return NextResponse.json(body, { status: 401, headers: { 'x-request-id': requestId } });
    }
    return new NextResponse(
      'Sign-in required. Open this app through its Databricks Apps URL so that the platform signs you in.',
      { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': requestId } },
    );
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
