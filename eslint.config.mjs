// Lint: typescript-eslint's recommended rules, Nx module boundaries (apps never import apps; libs
// never import apps), pure libs kept free of I/O, clocks and randomness, and Prettier owning formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/** Libraries of pure logic (detection, Merkle proofs, NetworkPolicy, packet decoding). */
const PURE_LIB_SOURCES = ['libs/detect', 'libs/auditlog', 'libs/netpol', 'libs/packet'].map(
  (lib) => `${lib}/src/**/*.ts`,
);
/** Node modules that reach files, the network, processes or threads. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'libs/proto/src/gen/**',
      '.omega/**',
      '.nx/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Pure libs: no I/O, no clock, no randomness of their own (time and randomness are passed in), so
    // they test and benchmark fast and give the same answer every run. Specs are exempt.
    files: PURE_LIB_SOURCES,
    ignores: ['**/*.spec.ts', '**/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...IO_MODULES.flatMap((name) => [name, `node:${name}`]).map((name) => ({
              name,
              message: 'a pure lib does no I/O: take the data (or a callback) from the caller',
            })),
            ...['crypto', 'node:crypto'].map((name) => ({
              name,
              importNames: [
                'randomBytes',
                'randomInt',
                'randomUUID',
                'randomFillSync',
                'randomFill',
              ],
              message: 'a pure lib has no randomness of its own: take the bytes from the caller',
            })),
          ],
          patterns: [
            {
              group: [
                '@nats-io/*',
                'nats',
                '@grpc/*',
                'grpc',
                'kafkajs',
                '@kubernetes/*',
                '@omega/bus',
                '@omega/service',
                '@omega/trust-client',
                '@omega/testkit',
              ],
              message: 'a pure lib talks to no server: the app that owns the connection does',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        ...[
          ['Date', 'now'],
          ['performance', 'now'],
          ['process', 'hrtime'],
        ].map(([object, property]) => ({
          object,
          property,
          message: 'a pure lib reads no clock: take the time (ns or ms) as an argument',
        })),
        ...[
          ['Math', 'random'],
          ['crypto', 'randomUUID'],
          ['crypto', 'getRandomValues'],
        ].map(([object, property]) => ({
          object,
          property,
          message: 'a pure lib has no randomness of its own: take it from the caller',
        })),
        {
          object: 'process',
          property: 'env',
          message: "a pure lib reads no environment: the app's config passes settings in",
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message:
            'a pure lib reads no clock: `new Date()` without arguments is now; take the time in',
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message: 'a pure lib reads no clock: `Date()` is now as a string; take the time in',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'bench/**', 'scripts/**', 'apps/cli/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
