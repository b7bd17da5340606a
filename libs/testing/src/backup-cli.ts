import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** The built backup/restore CLI (`npm run backup`, `npm run restore` run it). */
export const BACKUP_CLI = path.resolve(__dirname, '../../../dist/api/apps/api/src/backup/backup-cli.js');

const execute = promisify(execFile);

/** Throws, saying how to make it, when the CLI is not built. */
export async function assertBackupCliBuilt(): Promise<void> {
  await access(BACKUP_CLI).catch(() => {
    throw new Error(`${BACKUP_CLI} is missing: run npx nx run-many -t build first`);
  });
}

/** The built CLI with `args`, from the repository's root, `env` on top of this process's; its exit code and output. */
export async function runBackupCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const options = { cwd: path.resolve(__dirname, '../../..'), env: { ...process.env, VITEST: undefined, ...env } };
  try {
    return { code: 0, ...(await execute(process.execPath, [BACKUP_CLI, ...args], options)) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
