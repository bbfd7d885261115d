import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';

import { callerFromHeaders } from './caller';

const databricks = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://example.cloud.databricks.com' });
const local = loadConfig({ DQX_MODE: 'local', DQX_LOCAL_USER: 'ada' });

describe('callerFromHeaders', () => {
  it('takes the identity and token from the Apps proxy headers', () => {
    const caller = callerFromHeaders(
      new Headers({
        'x-forwarded-access-token': 'secret-token-value',
        'x-forwarded-email': 'ada@example.com',
        'x-forwarded-user': '1234@5678',
        'x-forwarded-preferred-username': 'Ada Lovelace',
        'x-request-id': 'req-1',
      }),
      databricks,
    );
    expect(caller.id).toBe('ada@example.com');
    expect(caller.displayName).toBe('Ada Lovelace');
    expect(caller.requestId).toBe('req-1');
    expect(caller.token?.reveal()).toBe('secret-token-value');
  });

  it('refuses a request without a token in databricks mode, whatever else it carries', () => {
    const attempt = () => callerFromHeaders(new Headers({ 'x-forwarded-email': 'ada@example.com' }), databricks);
    expect(attempt).toThrowError(AppError);
    try {
      attempt();
    } catch (error) {
      expect((error as AppError).status).toBe(401);
    }
  });

  it('refuses a token without any identity', () => {
    expect(() => callerFromHeaders(new Headers({ 'x-forwarded-access-token': 't' }), databricks)).toThrowError(
      /no user identity/,
    );
  });

  it('never prints the token', () => {
    const caller = callerFromHeaders(
      new Headers({ 'x-forwarded-access-token': 'secret-token-value', 'x-forwarded-user': 'u' }),
      databricks,
    );
    expect(JSON.stringify(caller)).not.toContain('secret-token-value');
    expect(inspect(caller, { depth: 5 })).not.toContain('secret-token-value');
    expect(String(caller.token)).not.toContain('secret-token-value');
  });

  it('is the local user in local mode, without headers', () => {
    const caller = callerFromHeaders(new Headers(), local);
    expect(caller).toMatchObject({ id: 'ada', mode: 'local', token: undefined });
  });
});
