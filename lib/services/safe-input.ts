/**
 * What every input schema (`lib/services/*-schemas.ts`, the server actions' schemas) shares, so that
 * hostile input is a 400 at the schema and never reaches the store or the engine:
 *
 * - text never holds a NUL character (Postgres cannot store one) or a lone UTF-16 surrogate (not
 *   Unicode; Postgres' jsonb refuses its escape);
 * - a JSON value taken as it comes (rules, metadata, an AI summary) is plain JSON (objects, arrays,
 *   strings, finite numbers, booleans, null: nothing a server action's encoding could smuggle in,
 *   such as a BigInt, a Map or a Date), at most `MAX_JSON_DEPTH` levels deep and `MAX_JSON_NODES`
 *   values large, with the same rules for every string and key in it; the walk is iterative, so a
 *   value nested 100,000 levels deep is refused without a stack overflow;
 * - a whole number in a query string is written plainly: `1e3`, `0x10`, ` 1`, `1.0` and `+1` are
 *   refused, not coerced.
 */
import { z } from 'zod';

/** Deepest nesting of arrays and objects accepted in any JSON value of a request. */
export const MAX_JSON_DEPTH = 32;
/** Most values (each array, object, string, number, … counts once) in one JSON value of a request. */
export const MAX_JSON_NODES = 200_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text is refused, or null when it is fine. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it holds a lone surrogate)';
  return null;
}

/** A zod string check: no NUL, no lone surrogate. */
export function cleanText<S extends z.ZodString>(schema: S, what?: string): S {
  return schema.check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem)
      ctx.issues.push({
        code: 'custom',
        message: what ? `${what} ${problem}` : `text ${problem}`,
        input: ctx.value,
      });
  }) as S;
}

export interface JsonProblem {
  /** Where in the value, relative to its root. */
  path: (string | number)[];
  message: string;
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** The first reason `value` is not acceptable plain JSON, or null. Iterative: any depth is safe. */
export function jsonProblem(
  value: unknown,
  limits: { maxDepth?: number; maxNodes?: number } = {},
): JsonProblem | null {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const maxNodes = limits.maxNodes ?? MAX_JSON_NODES;
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (++nodes > maxNodes) return { path: [], message: `is too large: more than ${maxNodes} values` };
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { path, message: problem };
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'must be a finite number' };
      continue;
    }
    if (typeof v !== 'object') return { path, message: `must be JSON (a ${typeof v} is not)` };
    if (path.length >= maxDepth)
      return { path, message: `is nested too deeply: at most ${maxDepth} levels of arrays and objects` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
      continue;
    }
    if (!isPlainObject(v)) return { path, message: 'must be plain JSON (an object of another kind is not)' };
    for (const key of Object.keys(v)) {
      const problem = textProblem(key);
      if (problem) return { path: [...path, key], message: `has a key that ${problem}` };
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** A refinement for any schema whose value is JSON taken as it comes. */
export function refineJson(what: string) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    if (value === undefined) return;
    const problem = jsonProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem.message}`, path: problem.path });
  };
}

/** Any plain JSON value, checked as above. */
export const jsonValue = (what: string) => z.unknown().superRefine(refineJson(what));

/**
 * A whole number from a query string or path segment, from `min` to `max`, written plainly
 * (digits only, no leading zero, no sign, blank, exponent, fraction or hex).
 */
export function queryInt(what: string, min: number, max: number) {
  const message = `${what} must be a whole number between ${min} and ${max}, written with digits only`;
  return integerText(
    z
      .string({ error: message })
      .regex(/^(0|[1-9][0-9]{0,14})$/, { error: message })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: message }),
    min,
    max,
  );
}

/**
 * The bounds of every schema that reads a whole number from text (a query parameter or a path
 * segment). On the wire the value is text, so zod describes such a schema as a string with a
 * pattern; the OpenAPI document (`lib/openapi/document.ts`) describes it as what it means for a
 * caller: `type: integer` with these bounds.
 */
export const INTEGER_TEXT = new WeakMap<z.ZodType, { minimum: number; maximum: number }>();

/** Marks `schema` (text in, a whole number from `min` to `max` out) as an integer for the API document. */
export function integerText<S extends z.ZodType>(schema: S, min: number, max: number): S {
  INTEGER_TEXT.set(schema, { minimum: min, maximum: max });
  return schema;
}
