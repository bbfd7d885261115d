import { describe, expect, it } from 'vitest';

import { relativeTime } from './relative-time';

describe('relativeTime', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  it('says how long ago or how soon, in the largest whole unit', () => {
    expect(relativeTime('2026-12-07T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2026-12-07T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-12-07T09:30:00Z', now)).toBe('2 hours ago');
    expect(relativeTime('2026-12-06T11:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2026-12-07T12:45:00Z', now)).toBe('in 45 minutes');
    expect(relativeTime('2026-12-08T13:00:00Z', now)).toBe('tomorrow');
    expect(relativeTime('not a date', now)).toBe('not a date');
  });
});
