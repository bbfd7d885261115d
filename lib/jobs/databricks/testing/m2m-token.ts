/**
 * A minimal OAuth M2M token provider (client credentials against the workspace's
 * `/oidc/v1/token`, scope `all-apis`), cached until shortly before expiry. Test support for the job
 * runner; the application uses the shared service-principal token module wired by the lead.
 */
export function m2mTokenProvider(options: { host: string; clientId: string; clientSecret: string }): () => Promise<string> {
  let cached: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (cached && Date.now() < cached.expiresAt) return cached.token;
    const response = await fetch(`${options.host}/oidc/v1/token`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic ' + Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString(),
    });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    const lifetime = body.expires_in * 1000;
    cached = { token: body.access_token, expiresAt: Date.now() + lifetime - Math.min(600_000, lifetime * 0.2) };
    return cached.token;
  };
}
