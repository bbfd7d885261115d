/**
 * Input of the catalog features (search and sample), shared by the route handlers, the service and
 * the UI so that limits and messages are the same everywhere.
 */
import { z } from 'zod';

import { cleanText, queryInt } from './safe-input';

export const SEARCH_LIMIT = { default: 20, max: 100 } as const;
export const SAMPLE_LIMIT_MAX = 1000;
export const SEARCH_QUERY_MAX_LENGTH = 200;

export const searchTablesInput = z.object({
  q: cleanText(
    z
      .string()
      .max(SEARCH_QUERY_MAX_LENGTH, { error: `expected at most ${SEARCH_QUERY_MAX_LENGTH} characters` }),
    'q',
  ).default(''),
  limit: queryInt('limit', 1, SEARCH_LIMIT.max).default(SEARCH_LIMIT.default),
});

export const sampleTableInput = z.object({
  limit: queryInt('limit', 1, SAMPLE_LIMIT_MAX).optional(),
});

export type SearchTablesInput = z.infer<typeof searchTablesInput>;
