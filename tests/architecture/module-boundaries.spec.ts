import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The Nx tags are enforced, not decoration: lint a would-be file in each project that imports
 * across a forbidden line, and expect @nx/enforce-module-boundaries to refuse it.
 */
const ROOT = path.resolve(__dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  // the rule reads Nx's project graph; make sure it is computed
  execFileSync(process.execPath, [require.resolve('nx/bin/nx.js', { paths: [ROOT] }), 'show', 'projects'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
  eslint = new ESLint({ cwd: ROOT });
}, 60_000);

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('refuses web code importing server code', async () => {
    const errors = await boundaryErrors(
      'apps/web/src/probe.ts',
      "import { AppModule } from '../../api/src/app.module';\nexport { AppModule };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses server code importing web code', async () => {
    const errors = await boundaryErrors(
      'apps/api/src/probe.ts',
      "import { App } from '../../web/src/app';\nexport { App };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses shared code importing either side', async () => {
    const errors = await boundaryErrors(
      'libs/domain/src/probe.ts',
      "import { logger } from '../../../apps/api/src/common/http/logger';\nexport { logger };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses product code importing the test helpers, which the tests themselves may use', async () => {
    const code = "import { freePort } from '@taizhang/testing';\nexport { freePort };\n";
    expect((await boundaryErrors('apps/api/src/probe.ts', code)).length).toBeGreaterThan(0);
    expect(await boundaryErrors('apps/api/test/probe.ts', code)).toEqual([]);
  });

  it('lets both sides import the shared library', async () => {
    expect(
      await boundaryErrors('apps/web/src/probe.ts', "import { ROLES } from '@taizhang/domain';\nexport { ROLES };\n"),
    ).toEqual([]);
    expect(
      await boundaryErrors('apps/api/src/probe.ts', "import { ROLES } from '@taizhang/domain';\nexport { ROLES };\n"),
    ).toEqual([]);
  });
});
