/**
 * Identity in databricks mode, on the production build: the caller is whoever the forwarded token
 * belongs to, as the workspace's SCIM current-user endpoint says (a stand-in speaking its documented
 * response), asked once per token; headers anyone can set change nothing; a token Databricks refuses
 * is 401 and a workspace that cannot say is 503, on pages, the API and server actions alike.
 */
import { describe, expect, inject, it } from 'vitest';

import { callAction, request } from './support/client';
import { databricksUrl } from './support/servers';

const lookups = async (token: string) =>
  (
    (await (await fetch(`${inject('scimUrl')}/_test/lookups?token=${encodeURIComponent(token)}`)).json()) as {
      count: number;
    }
  ).count;

describe('databricks mode: who the caller is', () => {
  it('is the owner of the token, whatever the forwarded e-mail, user and name headers say', async () => {
    const forged = {
      'x-forwarded-access-token': 'token-of-alice@example.com',
      'x-forwarded-email': 'mallory@example.com',
      'x-forwarded-user': 'mallory',
      'x-forwarded-preferred-username': 'Mallory',
    };
    const page = await request(databricksUrl, '/catalog', { headers: forged });
    expect(page.text).toMatch(/data-testid="caller-name"[^>]*>alice</);
    expect(page.text).not.toMatch(/mallory/i);
  });

  it('asks the workspace once per token, not once per request', async () => {
    const token = `token-of-carol-${Date.now()}@example.com`;
    for (let i = 0; i < 4; i++)
      expect(
        (
          await request(databricksUrl, '/api/v1/openapi.json', {
            headers: { 'x-forwarded-access-token': token },
          })
        ).status,
      ).toBe(200);
    await callAction(databricksUrl, 'listRunsAction', [{ table: 'main.sales.orders' }], {
      'x-forwarded-access-token': token,
    });
    expect(await lookups(token)).toBe(1);
  });

  it.each([
    [
      'a token the workspace does not know',
      { 'x-forwarded-access-token': 'forged-token', 'x-forwarded-email': 'alice@example.com' },
      401,
    ],
    [
      'no token, only identity headers',
      { 'x-forwarded-email': 'alice@example.com', 'x-forwarded-user': 'alice' },
      401,
    ],
    ['a workspace that cannot say who it is', { 'x-forwarded-access-token': 'token-unavailable-1' }, 503],
  ])('%s: %i on the API, pages and server actions', async (_what, headers, status) => {
    const api = await request(databricksUrl, '/api/v1/rule-sets', { headers });
    expect(api.status).toBe(status);
    expect(api.body.error?.code).toBe(status === 401 ? 'unauthorized' : 'unavailable');
    if (status === 503) expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(databricksUrl, '/catalog', { headers })).status).toBe(status);
    const action = await callAction(
      databricksUrl,
      'listRunsAction',
      [{ table: 'main.sales.orders' }],
      headers,
    );
    expect(action.status).toBe(status);
    expect(action.result).toBeUndefined();
  });

  it('keeps the health endpoints open', async () => {
    expect((await request(databricksUrl, '/api/health')).status).toBe(200);
  });
});
