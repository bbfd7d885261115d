import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { AppError, badRequest, unauthorized } from '@/lib/errors';
import { testCaller } from '@/tests/support/in-memory-warehouse';

const mocks = vi.hoisted(() => ({ getCaller: vi.fn(), revalidatePath: vi.fn() }));
vi.mock('@/lib/auth', () => ({ getCaller: mocks.getCaller }));
vi.mock('next/cache', () => ({ revalidatePath: mocks.revalidatePath }));

const { runAction } = await import('./action-result');

const Input = z.strictObject({ table: z.string().min(1, { error: 'choose a table' }), sample_rows: z.int({ error: 'a whole number' }).optional() });

describe('runAction', () => {
  beforeEach(() => {
    mocks.getCaller.mockReset().mockResolvedValue(testCaller('alice@example.com'));
    mocks.revalidatePath.mockReset();
  });

  it('identifies the caller, parses, calls the service, then revalidates', async () => {
    const order: string[] = [];
    mocks.getCaller.mockImplementation(async () => (order.push('caller'), testCaller('alice@example.com')));
    mocks.revalidatePath.mockImplementation((p: string) => order.push(`revalidate ${p}`));
    const result = await runAction(
      Input,
      { table: 'a.b.c' },
      async (caller, parsed) => (order.push('service'), { who: caller.id, table: parsed.table }),
      { revalidate: ['/history'], message: (d) => `done for ${d.who}` },
    );
    expect(result).toEqual({ ok: true, data: { who: 'alice@example.com', table: 'a.b.c' }, message: 'done for alice@example.com' });
    expect(order).toEqual(['caller', 'service', 'revalidate /history']);
  });

  it('returns the input problems by field, without calling the service', async () => {
    const service = vi.fn();
    const result = await runAction(Input, { table: '', sample_rows: 1.5 }, service);
    expect(result).toEqual({
      ok: false,
      code: 'bad_request',
      message: 'Some fields need attention.',
      fieldErrors: { table: ['choose a table'], sample_rows: ['a whole number'] },
    });
    expect(service).not.toHaveBeenCalled();
  });

  it('puts the engine’s rule errors at the rule and field', async () => {
    const result = await runAction(Input, { table: 'a.b.c' }, async () => {
      throw badRequest('The rules do not validate (2 errors).', {
        errors: [
          { severity: 'error', rule_index: 2, rule_name: null, field: 'check.arguments.column', code: 'unknown_column', message: "no column 'x'" },
          { severity: 'error', rule_index: null, rule_name: null, field: null, code: 'duplicate', message: 'two rules share a name' },
        ],
      });
    });
    expect(result).toEqual({
      ok: false,
      code: 'bad_request',
      message: 'The rules do not validate (2 errors).',
      fieldErrors: { 'rules.2.check.arguments.column': ["no column 'x'"], rules: ['two rules share a name'] },
    });
    expect(mocks.revalidatePath).not.toHaveBeenCalled();
  });

  it('passes safe messages through and hides unexpected errors', async () => {
    expect(await runAction(Input, { table: 'a.b.c' }, async () => Promise.reject(new AppError('not_found', 'Table a.b.c was not found.')))).toEqual({
      ok: false,
      code: 'not_found',
      message: 'Table a.b.c was not found.',
    });
    const hidden = await runAction(Input, { table: 'a.b.c' }, async () => Promise.reject(new Error('password=hunter2 in a driver message')));
    expect(hidden).toEqual({ ok: false, code: 'internal', message: expect.stringMatching(/went wrong/) });
    expect(JSON.stringify(hidden)).not.toContain('hunter2');
  });

  it('refuses a request without a caller', async () => {
    mocks.getCaller.mockRejectedValue(unauthorized());
    const service = vi.fn();
    expect(await runAction(Input, { table: 'a.b.c' }, service)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(service).not.toHaveBeenCalled();
  });
});
