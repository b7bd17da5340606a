import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { EMBEDDED_PRODUCT_DATABASE, embeddedServerUrl, startEmbeddedDatabase } from '@taizhang/embedded-db';
import type { AppConfig } from '../config/app-config';
import { BackupError, type Cleanup } from './backup-error';

/** The database `npm start` serves from the embedded server (main.ts). */
export const PRODUCT_DATABASE = EMBEDDED_PRODUCT_DATABASE;

/** The PostgreSQL server a backup is taken from or restored onto. */
export interface DatabaseServer {
  /** host:port, for messages. */
  label: string;
  /** The database backed up when none is named: DATABASE_URL's, or the product's on the embedded server. */
  defaultDatabase: string;
  url(database: string): string;
  /** A database to connect to while creating, renaming or dropping `busy`. */
  maintenanceDatabase(busy: string): string;
  /** Why `database` must not be replaced now, when we know better than its open connections. */
  inUse(database: string): string | null;
}

export interface OpenOptions {
  /** A restore may initialise a new data folder; a backup of nothing is an error. */
  mayInitialise: boolean;
  cleanup: Cleanup;
  log: (line: string) => void;
}

/**
 * DATABASE_URL's server, else the embedded one of DATA_DIR: the product's own when it is running
 * (a postmaster.pid whose process is alive — two servers cannot share a data folder), or one
 * started here and stopped when the command ends.
 */
export async function openDatabaseServer(config: AppConfig, options: OpenOptions): Promise<DatabaseServer> {
  if (config.databaseUrl) return urlServer(config.databaseUrl);

  const dataDir = path.join(config.dataDir, 'pg');
  const running = await runningPostmaster(dataDir);
  if (running) {
    if (running.status !== 'ready') {
      throw new BackupError(`the embedded PostgreSQL in ${dataDir} is ${running.status || 'starting'}; try again`);
    }
    options.log(`Using the embedded PostgreSQL the product runs (pid ${running.pid}, port ${running.port}).`);
    // the product's pool closes idle connections, so "no connections" does not mean "not in use"
    return {
      ...embeddedServer(running.port),
      inUse: (database) =>
        database === PRODUCT_DATABASE
          ? `the embedded PostgreSQL of ${dataDir} is running (pid ${running.pid}), so the product is using ` +
            `database "${database}": stop the product, then restore again`
          : null,
    };
  }

  const initialised = await fs
    .access(path.join(dataDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  if (!initialised && !options.mayInitialise) {
    throw new BackupError(
      `there is no embedded database in ${dataDir} to back up: set DATA_DIR to the product's, or DATABASE_URL`,
    );
  }
  options.log(`Starting the embedded PostgreSQL (data in ${dataDir}, port ${config.embeddedPgPort}) …`);
  const embedded = await startEmbeddedDatabase({
    dataDir,
    port: config.embeddedPgPort,
    database: PRODUCT_DATABASE,
  }).catch((error: Error) => {
    throw new BackupError(error.message.split('\n')[0]);
  });
  options.cleanup.add('stop the embedded PostgreSQL', () => embedded.stop());
  return embeddedServer(config.embeddedPgPort);
}

function urlServer(databaseUrl: string): DatabaseServer {
  const base = new URL(databaseUrl);
  const own = decodeURIComponent(base.pathname.replace(/^\//, '')) || decodeURIComponent(base.username);
  return {
    label: `${base.hostname}:${base.port || 5432}`,
    defaultDatabase: own,
    url: (database) => withDatabase(base, database),
    // DATABASE_URL's own database unless that is the one being replaced; then the usual maintenance one
    maintenanceDatabase: (busy) => (busy === own ? 'postgres' : own),
    inUse: () => null,
  };
}

function embeddedServer(port: number): DatabaseServer {
  const base = new URL(embeddedServerUrl(port));
  return {
    label: `127.0.0.1:${port} (embedded)`,
    defaultDatabase: PRODUCT_DATABASE,
    url: (database) => withDatabase(base, database),
    maintenanceDatabase: (busy) => (busy === 'postgres' ? 'template1' : 'postgres'),
    inUse: () => null,
  };
}

function withDatabase(base: URL, database: string): string {
  const url = new URL(base.toString());
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

interface Postmaster {
  pid: number;
  port: number;
  status: string;
}

/** postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status. */
export async function runningPostmaster(dataDir: string): Promise<Postmaster | null> {
  const content = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!content) return null;
  const lines = content.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  // a pid reused by another program after a crash: the file is stale (Linux names the program in /proc)
  const program = await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => null);
  if (program !== null && !program.trim().startsWith('postgres')) return null;
  return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the embedded server runs as `postgres` under root)
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** libpq's view of a URL: the password moves to PGPASSWORD, out of the command line. */
export function libpqConnection(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/** A URL without its password, to print. */
export function printableUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.password = '';
  return url.toString();
}

/** A connection, or a BackupError naming the database and server that could not be reached. */
export async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'taizhang-backup' });
  try {
    await client.connect();
  } catch (error) {
    const url = new URL(databaseUrl);
    throw new BackupError(
      `cannot connect to database "${decodeURIComponent(url.pathname.slice(1))}" on ${url.hostname}:${url.port || 5432}: ` +
        (error instanceof Error ? error.message : String(error)),
    );
  }
  // an error on an idle client (the server stopping under us) must not crash the command
  client.on('error', () => undefined);
  return client;
}

export interface ServerFacts {
  versionNum: number;
  version: string;
  role: string;
  canBypassRls: boolean;
  /** Tables with row-level security on, schema-qualified. */
  rlsTables: string[];
}

export async function readServerFacts(client: pg.Client): Promise<ServerFacts> {
  const [facts] = (
    await client.query<{ num: number; version: string; role: string; bypass: boolean }>(
      `SELECT current_setting('server_version_num')::int AS num, current_setting('server_version') AS version,
              current_user AS role, (r.rolsuper OR r.rolbypassrls) AS bypass
         FROM pg_roles r WHERE r.rolname = current_user`,
    )
  ).rows;
  const rls = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relrowsecurity AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  return {
    versionNum: facts.num,
    version: facts.version,
    role: facts.role,
    canBypassRls: facts.bypass,
    rlsTables: rls.rows.map((r) => r.name),
  };
}

/**
 * pg_dump and pg_restore turn row_security off, so a role that row-level security applies to
 * fails at the first such table instead of silently missing rows. Say so before starting.
 */
export function assertCanBypassRls(
  facts: Pick<ServerFacts, 'role' | 'canBypassRls'>,
  rlsTables: string[],
  action: 'back up' | 'restore',
): void {
  if (facts.canBypassRls || rlsTables.length === 0) return;
  const some = rlsTables.slice(0, 3).join(', ') + (rlsTables.length > 3 ? ', …' : '');
  throw new BackupError(
    `role "${facts.role}" cannot bypass the row-level security of ${rlsTables.length} tables (${some}), ` +
      `so it cannot ${action} every row: use a superuser or a role with BYPASSRLS ` +
      `(as a superuser: ALTER ROLE "${facts.role}" BYPASSRLS) in DATABASE_URL`,
  );
}
