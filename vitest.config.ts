import path from 'node:path';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: path.resolve(__dirname) + '/' },
      // `server-only` refuses to load outside React Server Components; services are tested directly.
      { find: /^server-only$/, replacement: path.resolve(__dirname, 'tests/support/empty-module.ts') },
    ],
  },
  test: {
    environment: 'node',
    include: ['**/*.test.ts', '**/*.test.tsx'],
    // tests/security runs against the production build: `npm run test:security`
    exclude: ['node_modules/**', '.next/**', 'tests/e2e/**', 'tests/security/**', 'tests/conformance/.venv/**', '.data/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
