import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.resolve(__dirname, '..');
const alias = Object.fromEntries(
  ['domain', 'ledger-core', 'embedded-db', 'testing'].map((lib) => [
    `@taizhang/${lib}`,
    path.join(root, `libs/${lib}/src/index.ts`),
  ]),
);

/**
 * Benchmarks: `npm run bench` runs all, `npm run bench -- rows` one. Not part of `npm test`.
 * Each measures ours and a baseline in the same run and writes bench/results/<name>.json.
 */
export default defineConfig({
  root,
  resolve: { alias },
  test: {
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['libs/testing/src/postgres.global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    environment: 'node',
  },
});
