/**
 * The hostile-input suite (`npm run test:security`): every file under tests/security, against the
 * production build started by ./support/global-setup.ts. Files run one after another: they share
 * the servers, and the limit tests count one user's runs and model calls.
 */
import path from 'node:path';

import { defineConfig } from 'vitest/config';

const root = path.resolve(__dirname, '..', '..');

export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^@\//, replacement: root + '/' },
      { find: /^server-only$/, replacement: path.join(root, 'tests/support/empty-module.ts') },
    ],
  },
  test: {
    environment: 'node',
    include: ['tests/security/**/*.test.ts'],
    globalSetup: ['tests/security/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
