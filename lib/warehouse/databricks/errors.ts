/**
 * Driver and warehouse errors -> what the caller should see. Authentication problems are 401,
 * missing permissions 403, objects the caller cannot see 404, a warehouse that is stopped,
 * starting, overloaded or unreachable 503, a statement the warehouse refused 400 (422 for a data
 * error, SQLSTATE class 22) with its error class and SQLSTATE in the details. Messages never contain
 * the token (it is scrubbed from anything the driver says, though the driver does not put it there).
 */
import { AppError } from '@/lib/errors';

/** The details of a statement the warehouse refused. */
export interface WarehouseErrorDetails {
  errorClass: string | null;
  sqlState: string | null;
}

export class QueryAbortedError extends Error {
  constructor() {
    super('The query was cancelled.');
    this.name = 'AbortError';
  }
}

interface DriverLikeError {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string | number;
  errorCode?: string;
  /** node-fetch's FetchError (the driver's HTTP client): `system` for a network or TLS failure. */
  type?: string;
  response?: { errorMessage?: string; displayMessage?: string; status?: { errorMessage?: string } } & Record<string, unknown>;
}

const NOT_FOUND = /\b(TABLE_OR_VIEW_NOT_FOUND|SCHEMA_NOT_FOUND|CATALOG_NOT_FOUND|NO_SUCH_CATALOG_EXCEPTION|NO_SUCH_TABLE|DATABASE_NOT_FOUND|RESOURCE_DOES_NOT_EXIST)\b/;
const FORBIDDEN = /\b(INSUFFICIENT_PERMISSIONS|PERMISSION_DENIED|INSUFFICIENT_PRIVILEGES)\b|does not have (USE|SELECT|READ|BROWSE)/;
const TIMEOUT = /\bSTATEMENT_TIMEOUT\b|query has timed out|Query timed out/i;
const UNAVAILABLE_NETWORK =
  /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|ECONNABORTED|EHOSTUNREACH|ENETUNREACH|EPIPE|EPROTO|EAI_AGAIN|ERR_SSL|ERR_TLS|CERT_|socket hang up|socket disconnected|network timeout|TEMPORARILY_UNAVAILABLE/;

export function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

function firstLine(text: string, limit = 600): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > limit ? line.slice(0, limit - 1) + '…' : line;
}

/** Everything the driver says about an error, as one text. */
export function errorText(error: unknown): string {
  if (!error || typeof error !== 'object') return String(error);
  const e = error as DriverLikeError;
  return [e.message, e.response?.errorMessage, e.response?.displayMessage, e.response?.status?.errorMessage].filter(Boolean).join('\n');
}

export type ErrorKind = 'unauthorized' | 'forbidden' | 'not_found' | 'unavailable' | 'timeout' | 'canceled' | 'sql';

export function classify(error: unknown): ErrorKind {
  const e = (error ?? {}) as DriverLikeError;
  const text = errorText(error);
  if (e.name === 'AuthenticationError' || e.statusCode === 401) return 'unauthorized';
  if (e.statusCode === 403) return 'forbidden';
  if (e.statusCode === 404) return 'unavailable'; // the warehouse path itself does not exist
  if (e.statusCode === 429 || (typeof e.statusCode === 'number' && e.statusCode >= 500)) return 'unavailable';
  // The warehouse could not be reached or did not answer as HTTP should (connection refused or reset,
  // TLS failure, a timeout reaching it): a transport error, not a statement the warehouse refused.
  if (e.name === 'FetchError' || e.name === 'RetryError' || UNAVAILABLE_NETWORK.test(text) || UNAVAILABLE_NETWORK.test(String(e.code ?? ''))) {
    return 'unavailable';
  }
  if (e.errorCode === 'TIMEOUT' || TIMEOUT.test(text)) return 'timeout';
  if (e.errorCode === 'CANCELED') return 'canceled';
  if (NOT_FOUND.test(text)) return 'not_found';
  if (FORBIDDEN.test(text)) return 'forbidden';
  return 'sql';
}

/** What the driver said, on one line, without the token: for the operator's log. */
export function describeError(error: unknown, token: string | undefined): string {
  const name = error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : 'Error';
  return `${name}: ${scrub(firstLine(errorText(error)), token)}`;
}

/** The error to throw for a failed warehouse call. */
export function mapError(error: unknown, token: string | undefined, timeoutSeconds: number): Error {
  const kind = classify(error);
  const detail = scrub(firstLine(errorText(error)), token);
  switch (kind) {
    case 'unauthorized':
      return new AppError('unauthorized', 'Databricks did not accept your sign-in (it may have expired). Reload the page to sign in again.');
    case 'forbidden':
      return new AppError('forbidden', `You do not have permission for this in Databricks: ${detail}`);
    case 'not_found':
      return new AppError('not_found', `Not found in Databricks, or you cannot see it: ${detail}`);
    case 'unavailable':
      return new AppError('unavailable', 'The SQL warehouse is not reachable right now (it may be starting or stopped). Try again in a moment.', {
        retryAfterSeconds: 10,
      });
    case 'timeout':
      return new AppError('unavailable', `The query ran longer than ${timeoutSeconds} seconds and was stopped.`);
    case 'canceled':
      return new QueryAbortedError();
    default: {
      const errorClass = /\[([A-Z0-9_.]+)\]/.exec(detail)?.[1] ?? null;
      const sqlState = /SQLSTATE:\s*([0-9A-Z]{5})/.exec(errorText(error))?.[1] ?? null;
      // SQLSTATE class 22 is a data exception (a value that cannot be cast, a division by zero):
      // the statement is right but the data cannot be processed. Everything else is the statement.
      const details: WarehouseErrorDetails = { errorClass, sqlState };
      return new AppError(sqlState?.startsWith('22') ? 'unprocessable' : 'bad_request', `The warehouse rejected the query: ${detail}`, { details });
    }
  }
}
