/**
 * Input of the catalog features (search and sample), shared by the route handlers, the service and
 * the UI so that limits and messages are the same everywhere.
 */
import { z } from 'zod';

export const SEARCH_LIMIT = { default: 20, max: 100 } as const;
export const SAMPLE_LIMIT_MAX = 1000;
export const SEARCH_QUERY_MAX_LENGTH = 200;

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected a whole number between ${min} and ${max}` })
    .int({ error: `expected a whole number between ${min} and ${max}` })
    .min(min, { error: `expected a whole number between ${min} and ${max}` })
    .max(max, { error: `expected a whole number between ${min} and ${max}` });

export const searchTablesInput = z.object({
  q: z
    .string()
    .max(SEARCH_QUERY_MAX_LENGTH, { error: `expected at most ${SEARCH_QUERY_MAX_LENGTH} characters` })
    .default(''),
  limit: wholeNumber(1, SEARCH_LIMIT.max).default(SEARCH_LIMIT.default),
});

export const sampleTableInput = z.object({
  limit: wholeNumber(1, SAMPLE_LIMIT_MAX).optional(),
});

export type SearchTablesInput = z.infer<typeof searchTablesInput>;
