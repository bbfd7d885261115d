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
  conflict: 409,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}

/**
 * Marks every AppError, whichever copy of this module made it. The server bundles code more than
 * once (instrumentation.ts is an entry of its own), and objects made by one copy live on in
 * process-wide singletons such as the local warehouse, so `instanceof` alone would take their
 * refusals (a 503 "being prepared", a 409 unreadable file) for crashes.
 */
const APP_ERROR = Symbol.for('dqx.app-error');

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly [APP_ERROR] = true;

  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isAppError = (error: unknown): error is AppError =>
  error instanceof AppError ||
  (error instanceof Error && (error as unknown as Record<symbol, unknown>)[APP_ERROR] === true && (error as AppError).code in ERROR_STATUS);

export const badRequest = (message: string, details?: unknown) => new AppError('bad_request', message, { details });
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, { details });
export const forbidden = (message: string) => new AppError('forbidden', message);
export const unauthorized = (message = 'Sign-in required: the request carries no user token.') =>
  new AppError('unauthorized', message);
export const unavailable = (message: string, cause?: unknown) => new AppError('unavailable', message, { cause });

/** The body and status of an error as the caller sees it; unknown errors become a generic 500. */
export function toErrorBody(error: unknown, requestId?: string): { status: number; body: ErrorBody } {
  if (isAppError(error)) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
          ...(requestId ? { requestId } : {}),
        },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal',
        message: 'Something went wrong on the server. The error was logged; try again or report the request id.',
        ...(requestId ? { requestId } : {}),
      },
    },
  };
}
