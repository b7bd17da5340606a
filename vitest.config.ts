import os from 'node:os';
import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The path aliases of tsconfig.base.json, for Vite; and graphql-js as the CommonJS module
// NestJS requires: imported as ESM it would be a second copy, whose GraphQLScalarType NestJS's
// `instanceof` does not recognise (the built product is CommonJS throughout).
const alias = [
  ...['domain', 'ledger-core', 'embedded-db', 'testing'].map((lib) => ({
    find: `@taizhang/${lib}`,
    replacement: path.resolve(__dirname, `libs/${lib}/src/index.ts`),
  })),
  { find: /^graphql$/, replacement: path.resolve(__dirname, 'node_modules/graphql/index.js') },
];
// NestJS needs decorator metadata, which esbuild does not emit; swc does.
const decorators = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  });

// Two unit/integration files at a time at least. Vitest's own default is one worker fewer than
// the cores, which on CI's 2 cores is ONE: every file in turn, while an integration file mostly
// waits on the API and PostgreSQL, the second core idle (6 integration files: 48.6 s against
// 75.2 s). Each file has its own database (libs/testing), so files do not share state.
const workers = Math.max(2, os.availableParallelism() - 1);

export default defineConfig({
  resolve: { alias },
  test: {
    maxWorkers: workers,
    reporters: ['default', './libs/testing/src/summary-reporter.ts'],
    // One embedded PostgreSQL for the whole run; each test file makes its own database in it.
    globalSetup: ['libs/testing/src/postgres.global-setup.ts'],
    projects: [
      {
        resolve: { alias },
        plugins: [decorators()],
        test: {
          name: 'unit',
          include: ['libs/**/src/**/*.spec.ts', 'apps/**/src/**/*.spec.ts', 'tests/architecture/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        plugins: [decorators()],
        test: {
          name: 'integration',
          include: ['apps/api/test/**/*.int-spec.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.spec.ts'],
          environment: 'node',
          // generous: CI machines are small and busy; a slow step is not a failure
          testTimeout: 120_000,
          hookTimeout: 90_000,
          // one file at a time, after the unit and integration files: two at once was slower on
          // 2 cores (4 files: 70.9 s against 63.8 s one at a time), Chromium takes both
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'reliability',
          // load, faults, hostile input and backups against the built product: bounded in time here;
          // the heavier variants are `npm run bench -- load` and the RELIABILITY_SCALE knob (README)
          include: ['tests/reliability/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // alone, one file at a time, after the others: its figures (load, restarts) must not
          // share the machine with another file
          fileParallelism: false,
        },
      },
    ],
  },
});
