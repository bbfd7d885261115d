/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WebAssembly drivers must be loaded by Node at run time, not bundled.
  serverExternalPackages: ['@duckdb/node-api', '@electric-sql/pglite', '@databricks/sql', 'pg', 'kysely-pglite-dialect'],
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
      // Behind the Databricks Apps proxy the Origin is the app's public host.
      allowedOrigins: ['*.databricksapps.com', '*.azure.databricksapps.com', '*.gcp.databricksapps.com'],
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
