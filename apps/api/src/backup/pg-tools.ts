import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EMBEDDED_PG_MAJOR } from '@taizhang/embedded-db';
import { BackupError, type Cleanup } from './backup-error';

export type ToolName = 'pg_dump' | 'pg_restore';

export interface PgTool {
  name: ToolName;
  path: string;
  /** e.g. "15.18 (Debian 15.18-0+deb12u1)" */
  version: string;
  major: number;
}

/** PG_DUMP / PG_RESTORE name the tool outright; otherwise PATH, then Debian's versioned folders. */
const ENV_VARIABLE: Record<ToolName, string> = { pg_dump: 'PG_DUMP', pg_restore: 'PG_RESTORE' };
const DEBIAN_VERSIONS_DIR = '/usr/lib/postgresql';

/** "pg_dump (PostgreSQL) 15.18 (Debian …)" → { version: "15.18 (Debian …)", major: 15 }; 9.6.x → 9. */
export function parseToolVersion(output: string): { version: string; major: number } | null {
  const match = /\(PostgreSQL\)\s+((\d+)[^\n]*)/.exec(output);
  return match ? { version: match[1].trim(), major: Number(match[2]) } : null;
}

/** server_version_num (150018) → 15. */
export function serverMajor(versionNum: number): number {
  return Math.floor(versionNum / 10_000);
}

export function installHint(name: ToolName, major: number): string {
  return (
    `install PostgreSQL ${major}'s client tools (Debian/Ubuntu: apt-get install postgresql-client-${major}; ` +
    `Debian bookworm's postgresql-client is 15) or set ${ENV_VARIABLE[name]} to a ${name} ${major} or newer`
  );
}

async function isExecutable(file: string): Promise<boolean> {
  return fs
    .access(file, fs.constants.X_OK)
    .then(() => true)
    .catch(() => false);
}

async function candidates(name: ToolName, env: NodeJS.ProcessEnv): Promise<string[]> {
  const fromEnv = env[ENV_VARIABLE[name]]?.trim();
  if (fromEnv) return [fromEnv];
  const found: string[] = [];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (await isExecutable(file)) {
      found.push(file);
      break;
    }
  }
  // Debian keeps each installed major in /usr/lib/postgresql/<major>/bin; newest first.
  const versions = await fs.readdir(DEBIAN_VERSIONS_DIR).catch(() => [] as string[]);
  for (const version of versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))) {
    const file = path.join(DEBIAN_VERSIONS_DIR, version, 'bin', name);
    if (await isExecutable(file)) found.push(file);
  }
  return found;
}

/**
 * The first pg_dump / pg_restore whose major version is at least `minimumMajor` (the server's:
 * pg_dump refuses a newer server than itself). Fails naming what was found and what to install.
 */
export async function findTool(name: ToolName, minimumMajor: number, env = process.env): Promise<PgTool> {
  const files = await candidates(name, env);
  const seen: string[] = [];
  for (const file of files) {
    const result = await runTool(file, ['--version'], {}, null).catch((error: Error) => ({
      code: -1,
      stdout: '',
      stderr: error.message,
    }));
    const parsed = result.code === 0 ? parseToolVersion(result.stdout) : null;
    if (!parsed) {
      seen.push(`${file} (does not run: ${firstLine(result.stderr) || `exit ${result.code}`})`);
      continue;
    }
    if (parsed.major >= minimumMajor) return { name, path: file, ...parsed };
    seen.push(`${file} is ${parsed.major}`);
  }
  const what = minimumMajor > 0 ? `${name} ${minimumMajor} or newer (the server is PostgreSQL ${minimumMajor})` : name;
  const found = seen.length > 0 ? `found ${seen.join(', ')}` : `none on PATH or in ${DEBIAN_VERSIONS_DIR}`;
  throw new BackupError(`${what} is needed, ${found}: ${installHint(name, minimumMajor || Number(EMBEDDED_PG_MAJOR))}`);
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a tool to its end. The password goes through PGPASSWORD, never the command line (which
 * `ps` shows); while it runs, a Ctrl-C of ours stops it too.
 */
export function runTool(
  file: string,
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
  cleanup: Cleanup | null,
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, PGAPPNAME: 'taizhang-backup', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const forget = cleanup?.add(`stop ${path.basename(file)}`, () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    child.once('error', (error) => {
      forget?.();
      reject(new BackupError(`${file} could not be run: ${error.message}`));
    });
    child.once('close', (code) => {
      forget?.();
      resolve({ code, stdout, stderr });
    });
  });
}

export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

/** The lines of a tool's stderr that say what failed ("pg_dump: error: …" and its detail), in one line. */
export function toolFailure(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /\b(error|fatal|detail|hint):/i.test(line));
  return (lines.length > 0 ? lines.slice(0, 3) : [firstLine(stderr)]).join(' — ').slice(0, 600);
}
