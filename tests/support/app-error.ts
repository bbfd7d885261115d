import { AppError } from '@/lib/errors';

/** The AppError a service call is refused with; fails the test when it succeeds or throws anything else. */
export async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}
