/**
 * The one wrapper every `/api/v1` route handler goes through. `route(operationId, handler)` looks
 * the operation up in the API surface (./api-surface.ts, which the OpenAPI document shares) and, in
 * this order:
 *
 * 1. refuses what the request guard refuses (./request-guard.ts): a Host that is not this machine
 *    in local mode, a request sent by a browser for another site (403);
 * 2. refuses a body of a media type the operation does not declare (415), or larger than it
 *    declares (413: from Content-Length at once, else while reading; scripts/serve.ts has already
 *    refused a Content-Length beyond the limit, and Next.js holds at most 10 MB of a body sent
 *    without one before the handler sees it);
 * 3. identifies the caller (401 without a valid token in databricks mode, 503 when Databricks
 *    cannot say who it is);
 * 4. reads the body as UTF-8 text (400 if it is not) and runs the handler;
 *
 * and maps any error to a status, its headers (`Retry-After`, `Allow`) and the JSON body
 * `{ error: { code, message, details? } }`. Never a 200 that carries an error.
 */
import 'server-only';

import { NextResponse, type NextRequest } from 'next/server';
import type { z } from 'zod';

import { resolveCaller, type Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { badRequest, isAppError, payloadTooLarge, toErrorBody, unsupportedMediaType } from '@/lib/errors';
import { log } from '@/lib/log';

import {
  API_ROUTES,
  EMPTY_BODY_MAX_BYTES,
  JSON_TYPE,
  mediaTypeOf,
  type ApiRoute,
  type OperationId,
} from './api-surface';
import { checkHost, checkSameOrigin, guardSettings } from './request-guard';

/** A request body as read by `route()`: its media type and its text. */
export interface RequestBody {
  mediaType: string;
  text: string;
}

export interface RouteContext<P> {
  req: NextRequest;
  params: P;
  caller: Caller;
  /** The body, for operations that declare one. */
  body: RequestBody | undefined;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | unknown>;

export function json(data: unknown, init?: number | ResponseInit): NextResponse {
  const options = typeof init === 'number' ? { status: init } : init;
  return NextResponse.json(data, {
    ...options,
    headers: { 'Cache-Control': 'no-store', ...(options?.headers ?? {}) },
  });
}

/** A download: `body` as an attachment named `filename` (made by the server, never by a caller), not cached. */
export function attachment(body: BodyInit, filename: string, contentType: string): NextResponse {
  return new NextResponse(body, {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
    },
  });
}

export function errorResponse(error: unknown, requestId?: string): NextResponse {
  const { status, body, headers } = toErrorBody(error, requestId);
  if (!isAppError(error)) {
    log.error('request failed', { requestId, error });
  } else if (error.status >= 500) {
    log.warn('request refused', { requestId, code: error.code, message: error.message, cause: error.cause });
  }
  return json(body, { status, headers });
}

const bytes = (n: number) =>
  n >= 1_000_000 ? `${n / 1_000_000} MB` : n >= 1000 ? `${n / 1000} KB` : `${n} bytes`;

/** The media type the body is sent as, if the operation accepts it (415 otherwise). */
function acceptedMediaType(req: NextRequest, spec: ApiRoute): string | undefined {
  const header = req.headers.get('content-type');
  const mediaType = mediaTypeOf(header);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(header ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw unsupportedMediaType(`Charset ${charset.slice(0, 40)} is not accepted: send the body as UTF-8.`);
  }
  if (!spec.body) {
    if (mediaType !== undefined && mediaType !== JSON_TYPE) {
      throw unsupportedMediaType(
        `This request takes no body; send none (or ${JSON_TYPE}), not ${mediaType.slice(0, 80)}.`,
      );
    }
    return undefined;
  }
  if (mediaType === undefined) {
    throw unsupportedMediaType(`Content-Type is missing: send ${spec.body.mediaTypes.join(' or ')}.`);
  }
  if (!spec.body.mediaTypes.includes(mediaType)) {
    throw unsupportedMediaType(
      `Content-Type ${mediaType.slice(0, 80)} is not accepted here: send ${spec.body.mediaTypes.join(' or ')}.`,
    );
  }
  return mediaType;
}

/** The body as UTF-8 text, read chunk by chunk and refused with 413 as soon as it exceeds `maxBytes`. */
async function readBodyText(req: NextRequest, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    payloadTooLarge(`The request body is larger than ${bytes(maxBytes)}, the most this request accepts.`);
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw badRequest('The request body is not valid UTF-8 text.');
  }
}

/** A route handler with the operation it implements (the OpenAPI test checks it against the file's path). */
export type RouteHandler<P> = ((req: NextRequest, context: { params: Promise<P> }) => Promise<Response>) & {
  operationId: OperationId;
};

/** Wrap the handler of operation `operationId`. `P` is the shape of the route's dynamic segments. */
export function route<P = Record<string, never>>(
  operationId: OperationId,
  handler: Handler<P>,
): RouteHandler<P> {
  const spec: ApiRoute = API_ROUTES[operationId];
  const wrapped = async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = req.headers.get('x-request-id') ?? undefined;
    try {
      const config = getConfig();
      const settings = guardSettings(config);
      const refused =
        checkHost(req.headers, settings, req.nextUrl.host) ??
        checkSameOrigin(req.method, req.headers, settings, { api: true, fallbackHost: req.nextUrl.host });
      if (refused) throw refused;
      const mediaType = req.method === 'POST' ? acceptedMediaType(req, spec) : undefined;
      const caller = await resolveCaller(req.headers, config);
      let body: RequestBody | undefined;
      if (req.method === 'POST') {
        const text = await readBodyText(req, spec.body?.maxBytes ?? EMPTY_BODY_MAX_BYTES);
        if (spec.body && mediaType) body = { mediaType, text };
      }
      const params = (await context.params) ?? ({} as P);
      const result = await handler({ req, params, caller, body });
      return result instanceof Response ? result : json(result);
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
  return Object.assign(wrapped, { operationId });
}

/** Parse with a zod schema or throw 400 with the issues, each naming its field. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw badRequest(`Invalid ${what}.`, {
      issues: parsed.error.issues
        .slice(0, 50)
        .map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

/** The body as JSON, or 400 when it is missing or malformed. */
export function jsonBody(body: RequestBody | undefined): unknown {
  if (!body || !body.text.trim()) throw badRequest('Request body is empty; expected JSON.');
  try {
    return JSON.parse(body.text);
  } catch {
    throw badRequest('Request body is not valid JSON.');
  }
}

/** Query-string parameters as a plain object (last value wins). */
export function searchParamsObject(req: NextRequest): Record<string, string> {
  return Object.fromEntries(req.nextUrl.searchParams.entries());
}
