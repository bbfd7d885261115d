/**
 * How a run that went wrong is reported: a `RunError` with a stable code, what happened in words a
 * user understands, and what to do next. Never a stack trace; the full error goes to the log with
 * the run id.
 */
import type { RunError } from '@/db';
import { isAppError } from '@/lib/errors';

/** A failure the code recognised, with the words to show the user. Throw it from a run's work. */
export class RunFailure extends Error {
  readonly runError: RunError;

  constructor(runError: RunError, options?: { cause?: unknown }) {
    super(runError.message, options);
    this.name = 'RunFailure';
    this.runError = runError;
  }
}

/** Thrown inside a run's work when the run was cancelled; the runner records `cancelled`. */
export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'RunCancelled';
  }
}

const MAX_DETAIL = 500;

/** The first line of an engine's message, bounded (DuckDB: "Binder Error: ...", Databricks: "[CLASS] ..."). */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

/** Messages of SQL engines: DuckDB's "<Kind> Error: ...", Databricks' "[ERROR_CLASS] ..." or SQLSTATE. */
const ENGINE_MESSAGE = /^([A-Z][A-Za-z ]* Error: |\[[A-Z0-9_.]+\]|The warehouse rejected the query)/;

/** Describe any error thrown by a run's work. Unknown errors get a generic message (the log has the rest). */
export function describeRunFailure(error: unknown, runId: string): RunError {
  if (error instanceof RunFailure) return error.runError;
  // A statement the warehouse refused (400/422 with its error class): the rules are to blame.
  const refused = isAppError(error) && (error.code === 'bad_request' || error.code === 'unprocessable') && ENGINE_MESSAGE.test(error.message);
  if (isAppError(error) && !refused) {
    switch (error.code) {
      case 'not_found':
        return {
          code: 'not_found',
          message: error.message,
          action: 'Check that the table still exists and that you can still read it, then start the run again.',
        };
      case 'bad_request':
        return { code: 'invalid_input', message: error.message, action: 'Correct the input and start the run again.' };
      case 'conflict':
        return { code: 'conflict', message: error.message, action: 'Resolve what the message describes, then start the run again.' };
      case 'unauthorized':
        return {
          code: 'unauthorized',
          message: 'Your sign-in was no longer accepted while the run was working.',
          action: 'Reload the page to sign in again, then start the run again.',
        };
      case 'forbidden':
        return { code: 'forbidden', message: error.message, action: 'Ask the table owner for read access, then start the run again.' };
      case 'unavailable':
        return {
          code: 'unavailable',
          message: error.message,
          action: 'Try again in a moment. If it keeps failing, check the service status at /api/ready.',
        };
      default:
        break;
    }
  }
  if (error instanceof Error && ENGINE_MESSAGE.test(error.message)) {
    const line = firstLine(error.message);
    return {
      code: 'warehouse_error',
      message: line.startsWith('The warehouse') ? line : `The warehouse could not run the query: ${line}`,
      action:
        'Check the rules the message points at (SQL expressions, filters, column types), correct them in the editor and run again.',
    };
  }
  return {
    code: 'internal',
    message: `The run stopped because of an unexpected error (logged with run id ${runId}).`,
    action: 'Start the run again. If it fails the same way, report the run id to the app’s administrators.',
  };
}

/** What a run interrupted by a restart of the app says. */
export const INTERRUPTED: RunError = {
  code: 'interrupted',
  message: 'The run was interrupted by a restart of the app before it finished.',
  action: 'Start it again.',
};
