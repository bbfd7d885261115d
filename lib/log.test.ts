import { describe, expect, it } from 'vitest';

import { redact, scrubText } from './log';

describe('log redaction', () => {
  it('replaces fields named like credentials', () => {
    expect(redact({ token: 'abc', user: 'ann', nested: { apiKey: 'k' } })).toEqual({
      token: '[redacted]',
      user: 'ann',
      nested: { apiKey: '[redacted]' },
    });
  });

  it('replaces credentials quoted inside error messages and text values', () => {
    const out = JSON.stringify(
      redact({
        error: new Error('connect failed: host=db password=hunter2 user=app'),
        detail: 'Authorization: Bearer eyJhbGciOi.abc-def_1 rejected; token: "s3cr3t"',
        pat: `used dapi${'0123456789abcdef'.repeat(2)} for the call`,
      }),
    );
    for (const secret of ['hunter2', 'eyJhbGciOi', 's3cr3t', 'dapi0123']) expect(out).not.toContain(secret);
    expect(out).toContain('host=db password=[redacted] user=app');
    expect(out).toContain('Bearer [redacted] rejected');
  });

  it('leaves ordinary text alone', () => {
    const text = "Column 'token_count' is null; rows=12, table samples.sales.orders";
    expect(scrubText(text)).toBe(text);
  });
});
