import { describe, expect, it, vi } from 'vitest';

describe('AppError', () => {
  it('is recognised whichever copy of the module made it (the server bundles it more than once)', async () => {
    const first = await import('./errors');
    vi.resetModules();
    const second = await import('./errors');
    expect(second.AppError).not.toBe(first.AppError);
    const refusal = new first.AppError('unavailable', 'samples.sales.orders is being prepared', {
      details: { availability: { state: 'preparing' } },
    });
    expect(second.isAppError(refusal)).toBe(true);
    expect(second.toErrorBody(refusal).status).toBe(503);
    expect(second.toErrorBody(refusal).body.error).toMatchObject({
      code: 'unavailable',
      details: { availability: { state: 'preparing' } },
    });
    // Anything else is still an unknown error.
    expect(second.isAppError(new Error('boom'))).toBe(false);
    expect(second.isAppError(Object.assign(new Error('x'), { code: 'unavailable' }))).toBe(false);
    expect(second.toErrorBody(new Error('boom')).status).toBe(500);
  });
});
