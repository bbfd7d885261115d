/**
 * The one wrapper every `/api/v1` route handler goes through: identify the caller (401 without a
 * token in databricks mode), run the handler, and map any error to a status and a JSON body
 * `{ error: { code, message, details? } }`. Never a 200 that carries an error.
 */
import 'server-only';

import { NextResponse, type NextRequest } from 'next/server';
import type { z } from 'zod';

import { callerFromHeaders, type Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { badRequest, toErrorBody, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';

export interface RouteContext<P> {
  req: NextRequest;
  params: P;
  caller: Caller;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | unknown>;

export function json(data: unknown, init?: number | ResponseInit): NextResponse {
  const options = typeof init === 'number' ? { status: init } : init;
  return NextResponse.json(data, {
    ...options,
    headers: { 'Cache-Control': 'no-store', ...(options?.headers ?? {}) },
  });
}

export function errorResponse(error: unknown, requestId?: string): NextResponse {
  const { status, body } = toErrorBody(error, requestId);
  if (!isAppError(error)) {
    log.error('request failed', { requestId, error });
  } else if (error.status >= 500) {
    log.warn('request refused', { requestId, code: error.code, message: error.message, cause: error.cause });
  }
  return json(body, status);
}

/** Wrap a route handler. `P` is the shape of the route's dynamic segments. */
export function route<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = req.headers.get('x-request-id') ?? undefined;
    try {
      const caller = callerFromHeaders(req.headers, getConfig());
      const params = (await context.params) ?? ({} as P);
      const result = await handler({ req, params, caller });
      return result instanceof Response ? result : json(result);
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}

/** Parse with a zod schema or throw 400 with the issues, each naming its field. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw badRequest(`Invalid ${what}.`, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

/** The request body as JSON, or 400 when it is missing or malformed. */
export async function readJson(req: NextRequest, maxBytes = 5_000_000): Promise<unknown> {
  const text = await req.text();
  if (text.length > maxBytes) throw badRequest(`Request body is larger than ${maxBytes} bytes.`);
  if (!text.trim()) throw badRequest('Request body is empty; expected JSON.');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Request body is not valid JSON.');
  }
}

/** Query-string parameters as a plain object (last value wins). */
export function searchParamsObject(req: NextRequest): Record<string, string> {
  return Object.fromEntries(req.nextUrl.searchParams.entries());
}
