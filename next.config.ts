import type { NextConfig } from 'next';

import { serverActionOrigins } from './lib/config/app-hosts';

const nextConfig: NextConfig = {
  // Native and WebAssembly drivers must be loaded by Node at run time, not bundled.
  serverExternalPackages: [
    '@duckdb/node-api',
    '@electric-sql/pglite',
    '@databricks/sql',
    'pg',
    'kysely-pglite-dialect',
  ],
  poweredByHeader: false,
  // The production build type-checks the app only: tests and tools import devDependencies, which a
  // deployment need not install. `npm run typecheck` still checks everything.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  reactStrictMode: true,
  typedRoutes: false,
  experimental: {
    // Development only: code behind a dynamic import is compiled when it is first needed, not with
    // the page, so the first page of a fresh `npm run dev` compiles what it shows and no more (the
    // Generator's workspace and the code editor load once a table or a code tab is opened).
    turbopackLazyDynamicImports: true,
    turbopackLazyDynamicImportsSSR: true,
    serverActions: {
      // Next.js accepts a server action whose Origin is the request's own host (X-Forwarded-Host,
      // which the Databricks Apps proxy sets to the host the browser asked for, else Host). Besides
      // that, only the app's own Databricks Apps host names (built from DATABRICKS_APP_NAME and
      // DATABRICKS_WORKSPACE_ID) and DQX_ALLOWED_HOSTS; never a wildcard over other apps
      // (lib/config/app-hosts.ts). proxy.ts checks the same before any action runs.
      // eslint-disable-next-line no-restricted-syntax -- evaluated when the server starts, from the platform's variables
      allowedOrigins: serverActionOrigins(process.env),
      // Server actions take JSON-like arguments (rule sets of up to a few thousand rules); the same as
      // ACTION_BODY_MAX_BYTES (lib/http/api-surface.ts), which the launcher and proxy.ts enforce first.
      bodySizeLimit: '2mb',
    },
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ];
  },
};

export default nextConfig;
