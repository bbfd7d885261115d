import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      '.data/**',
      'data/**',
      'test-results/**',
      'playwright-report/**',
      // the Python environments the test and bench scripts create
      '**/.venv/**',
      '.bench/**',
      'next-env.d.ts',
      'components/ui/**',
    ],
  },
  {
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through lib/config, the only reader of process.env.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lib/config/**', 'playwright.config.ts', 'vitest.config.ts', 'scripts/**', 'tests/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-restricted-syntax': 'off' },
  },
];

export default config;
