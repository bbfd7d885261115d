/** Postgres error classes the services turn into answers (the same codes from pg and PGlite). */
const codeOf = (error: unknown): string | undefined =>
  error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** 23505: a unique constraint or unique index refused the row. */
export const isUniqueViolation = (error: unknown): boolean => codeOf(error) === '23505';

/** 23503: a foreign key points at nothing. */
export const isForeignKeyViolation = (error: unknown): boolean => codeOf(error) === '23503';
