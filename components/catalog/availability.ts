import type { TableAvailability } from '@/lib/warehouse/port';

/**
 * The availability a refusal ('unavailable', 503) carries for a table that is listed but cannot be
 * read yet (the local sample catalog's big table while it is built), or null for any other refusal.
 */
export function availabilityOf(details: unknown): TableAvailability | null {
  if (typeof details !== 'object' || details === null || !('availability' in details)) return null;
  const a = (details as { availability?: unknown }).availability;
  if (typeof a !== 'object' || a === null) return null;
  const { state, progress, message } = a as Record<string, unknown>;
  if ((state !== 'preparing' && state !== 'failed') || typeof message !== 'string') return null;
  return { state, progress: typeof progress === 'number' ? progress : null, message };
}
