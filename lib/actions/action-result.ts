/**
 * The one return shape of every server action, and the wrapper that gives every action the same
 * order: identify the caller -> safeParse the input -> call the service -> revalidate paths.
 *
 *   { ok: true, data, message? }
 *   { ok: false, message, code, fieldErrors? }
 *
 * `fieldErrors` maps a dotted field path to its messages: input fields (`sample_rows`,
 * `profile_options.max_in_count`) and, for rules the engine refused, `rules.<index>.<field>`
 * (`rules.2.check.arguments.column`; `rules.2` for a rule-level problem, `rules` for the set).
 * Errors are the services' AppErrors with their safe messages; anything else is logged and
 * reported as a generic message.
 */
import 'server-only';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';

import { getCaller, type Caller } from '@/lib/auth';
import { isAppError, type ErrorCode } from '@/lib/errors';
import { log } from '@/lib/log';

export type FieldErrors = Record<string, string[]>;

export type ActionResult<T> =
  | { ok: true; data: T; message?: string }
  | { ok: false; message: string; code: ErrorCode; fieldErrors?: FieldErrors };

function addError(errors: FieldErrors, key: string, message: string) {
  (errors[key] ??= []).push(message);
}

/** Field errors from zod issues (paths joined by dots; `_form` for the input as a whole). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) addError(errors, issue.path.map(String).join('.') || '_form', issue.message);
  return errors;
}

interface IssueLike {
  path?: unknown;
  message?: unknown;
  rule_index?: unknown;
  field?: unknown;
}

/** Field errors carried by a service's 400 (`details.issues` from zod, `details.errors` from rule validation). */
function detailFieldErrors(details: unknown): FieldErrors | undefined {
  if (!details || typeof details !== 'object') return undefined;
  const errors: FieldErrors = {};
  const { issues, errors: ruleErrors } = details as { issues?: IssueLike[]; errors?: IssueLike[] };
  for (const issue of issues ?? []) {
    if (typeof issue.message === 'string') addError(errors, typeof issue.path === 'string' && issue.path ? issue.path : '_form', issue.message);
  }
  for (const issue of ruleErrors ?? []) {
    if (typeof issue.message !== 'string') continue;
    const index = typeof issue.rule_index === 'number' ? `.${issue.rule_index}` : '';
    const field = index && typeof issue.field === 'string' && issue.field ? `.${issue.field}` : '';
    addError(errors, `rules${index}${field}`, issue.message);
  }
  return Object.keys(errors).length ? errors : undefined;
}

export function failure(error: unknown): { ok: false; message: string; code: ErrorCode; fieldErrors?: FieldErrors } {
  if (isAppError(error)) {
    const fieldErrors = error.code === 'bad_request' ? detailFieldErrors(error.details) : undefined;
    return { ok: false, message: error.message, code: error.code, ...(fieldErrors ? { fieldErrors } : {}) };
  }
  log.error('server action failed', { error });
  return { ok: false, code: 'internal', message: 'Something went wrong on the server. The error was logged; try again.' };
}

/**
 * Run an action: caller, then `schema.safeParse(input)`, then `work`, then `revalidatePath` for
 * each path in `revalidate` (only after success).
 */
export async function runAction<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  work: (caller: Caller, parsed: z.output<S>) => Promise<T>,
  options: { revalidate?: string[]; message?: (data: T) => string | undefined } = {},
): Promise<ActionResult<T>> {
  let caller: Caller;
  try {
    caller = await getCaller();
  } catch (error) {
    return failure(error);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, code: 'bad_request', message: 'Some fields need attention.', fieldErrors: zodFieldErrors(parsed.error) };
  }
  let data: T;
  try {
    data = await work(caller, parsed.data);
  } catch (error) {
    return failure(error);
  }
  for (const path of options.revalidate ?? []) {
    try {
      revalidatePath(path);
    } catch (error) {
      log.warn('revalidatePath failed', { path, error });
    }
  }
  const message = options.message?.(data);
  return { ok: true, data, ...(message ? { message } : {}) };
}
