/**
 * One error type for everything the application refuses on purpose. Its code decides the HTTP
 * status and its message is safe to show to the caller. Anything else that is thrown is a bug or an
 * outage: it is logged with its cause and reported as a generic message.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** Well-formed, but the data cannot be processed (a warehouse data error such as a failed cast). */
  unprocessable: 422,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; request_id?: string };
}

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** Seconds after which trying again makes sense (429, 503): sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** 405: the methods the resource accepts, sent as `Allow`. */
  allow?: readonly string[];
}

/**
 * Marks every AppError, so one is recognised whichever copy of this module made it: Next.js bundles a
 * module once per route and page, and a process-wide cache made by one bundle (the identity cache,
 * say) can throw another bundle's AppError.
 */
const APP_ERROR = Symbol.for('dqx.AppError');

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;
  readonly allow?: readonly string[];

  constructor(code: ErrorCode, message: string, options?: AppErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    Object.defineProperty(this, APP_ERROR, { value: true });
    this.code = code;
    this.details = options?.details;
    if (options?.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
    if (options?.allow !== undefined) this.allow = options.allow;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isAppError = (error: unknown): error is AppError =>
  error instanceof AppError ||
  (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[APP_ERROR] === true && (error as AppError).code in ERROR_STATUS);

export const badRequest = (message: string, details?: unknown) =>
  new AppError('bad_request', message, { details });
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string, details?: unknown) =>
  new AppError('conflict', message, { details });
export const forbidden = (message: string) => new AppError('forbidden', message);
export const unauthorized = (message = 'Sign-in required: the request carries no user token.') =>
  new AppError('unauthorized', message);
export const unavailable = (message: string, cause?: unknown, retryAfterSeconds?: number) =>
  new AppError('unavailable', message, { cause, retryAfterSeconds });
export const payloadTooLarge = (message: string) => new AppError('payload_too_large', message);
export const unsupportedMediaType = (message: string) => new AppError('unsupported_media_type', message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError('too_many_requests', message, { retryAfterSeconds });
export const methodNotAllowed = (method: string, allow: readonly string[]) =>
  new AppError(
    'method_not_allowed',
    `Method ${method} is not allowed here; this resource accepts ${allow.join(', ')}.`,
    { allow },
  );

/** Response headers an error carries (`Retry-After`, `Allow`). */
export function errorHeaders(error: unknown): Record<string, string> {
  if (!isAppError(error)) return {};
  return {
    ...(error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) }),
    ...(error.allow === undefined ? {} : { Allow: error.allow.join(', ') }),
  };
}

/** The body and status of an error as the caller sees it; unknown errors become a generic 500. */
export function toErrorBody(
  error: unknown,
  requestId?: string,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (isAppError(error)) {
    return {
      status: error.status,
      headers: errorHeaders(error),
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
          ...(requestId ? { request_id: requestId } : {}),
        },
      },
    };
  }
  return {
    status: 500,
    headers: {},
    body: {
      error: {
        code: 'internal',
        message:
          'Something went wrong on the server. The error was logged; try again or report the request id.',
        ...(requestId ? { request_id: requestId } : {}),
      },
    },
  };
}
