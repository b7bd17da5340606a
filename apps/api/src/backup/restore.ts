import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { ROWS_ROLE } from '@taizhang/ledger-core';
import type { AppConfig } from '../config/app-config';
import { readBlobs, restoreAttachmentFiles, withAttachmentStore } from './attachment-files';
import { BackupError, type Cleanup } from './backup-error';
import {
  assertCanBypassRls,
  connect,
  libpqConnection,
  openDatabaseServer,
  PRODUCT_DATABASE,
  printableUrl,
  readServerFacts,
  type DatabaseServer,
} from './database-server';
import { checkArchiveFile, readArchive, tableMismatch } from './dump-archive';
import { findTool, runTool, serverMajor, toolFailure } from './pg-tools';
import { countRows, formatCounts } from './table-counts';

export interface RestoreOptions {
  file: string;
  /** Default: derived from the file's name. */
  database?: string;
  /** Overwrite an existing database that has tables. */
  replace: boolean;
}

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const SYSTEM_DATABASES = ['postgres', 'template0', 'template1'];

/** taizhang-2026-05-20T10-30-00Z.dump → taizhang_2026_05_20t10_30_00z */
export function databaseNameFor(file: string): string {
  const stem = path
    .basename(file)
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = /^[a-z_]/.test(stem) ? stem : `restored_${stem}`;
  return name.slice(0, 63).replace(/_+$/, '');
}

/** A restore works in "<target>_restoring_<8 hex>" until it is complete. */
const STAGING_MARK = '_restoring_';

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * pg_restore (--no-owner, --exit-on-error, --single-transaction) into a new database of a
 * staging name, then renamed to the target: a failed restore drops its staging database and
 * leaves any existing target as it was. The archive is read before anything is created, so a
 * missing or damaged file creates nothing.
 */
export async function runRestore(
  config: AppConfig,
  options: RestoreOptions,
  cleanup: Cleanup,
  log: (line: string) => void,
): Promise<void> {
  const file = path.resolve(options.file);
  await checkArchiveFile(file);
  const archive = await readArchive(await findTool('pg_restore', 0), file);
  const target = options.database ?? databaseNameFor(file);
  if (!DATABASE_NAME.test(target)) {
    throw new BackupError(`"${target}" is not a database name we create: letters, digits, _ and -, at most 63`);
  }
  if (SYSTEM_DATABASES.includes(target)) throw new BackupError(`"${target}" is PostgreSQL's own database`);

  const server = await openDatabaseServer(config, { mayInitialise: true, cleanup, log });
  const admin = await connect(server.url(server.maintenanceDatabase(target)));
  try {
    const facts = await readServerFacts(admin);
    assertCanBypassRls(facts, archive.rlsTables, 'restore');
    const major = serverMajor(facts.versionNum);
    if (archive.dumpedFromMajor > major) {
      throw new BackupError(
        `the backup comes from PostgreSQL ${archive.dumpedFrom} and the server is ${facts.version}: ` +
          `restore it onto PostgreSQL ${archive.dumpedFromMajor} or newer`,
      );
    }
    const pgRestore = await findTool('pg_restore', Math.max(major, archive.dumpedByMajor));

    const existing = await inspectTarget(admin, server, target);
    if (existing && existing.relations > 0 && !options.replace) {
      throw new BackupError(
        `database "${target}" on ${server.label} exists and holds ${existing.relations} tables and other relations: ` +
          'name another with --database, or add --replace to overwrite it',
      );
    }
    const busy = existing ? server.inUse(target) : null;
    if (busy) throw new BackupError(busy);
    if (existing && existing.connections > 0) {
      throw new BackupError(
        `database "${target}" is in use (${existing.connections} connections; is the product running on it?): stop it first`,
      );
    }
    await ensureRowsRole(admin, facts.role, log);
    await dropLeftovers(admin, log);

    const staging = `${target.slice(0, 45)}${STAGING_MARK}${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${quoted(staging)} TEMPLATE template0 ENCODING 'UTF8'`).catch((error) => {
      if ((error as { code?: string }).code !== '42501') throw error;
      throw new BackupError(`role "${facts.role}" may not create databases: use one with CREATEDB in DATABASE_URL`);
    });
    const keepStaging = cleanup.add(`drop the unfinished database ${staging}`, () => dropDatabase(server, staging));

    const connection = libpqConnection(server.url(staging));
    const restored = await runTool(
      pgRestore.path,
      ['--no-owner', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=${connection.dbname}`, file],
      connection.env,
      cleanup,
    );
    if (restored.code !== 0) {
      throw new BackupError(`pg_restore failed, nothing was restored: ${toolFailure(restored.stderr)}`);
    }

    const restoredDb = await connect(server.url(staging));
    const { counts, blobs } = await (async () => {
      try {
        // the planner's statistics are not in a dump; without them the first queries plan blind
        await restoredDb.query('ANALYZE');
        return { counts: await countRows(restoredDb), blobs: await readBlobs(restoredDb) };
      } finally {
        await restoredDb.end().catch(() => undefined);
      }
    })();
    const mismatch = tableMismatch(
      counts.map((c) => c.table),
      archive.tables,
    );
    if (mismatch) throw new BackupError(`the restored database differs from the archive (${mismatch})`);
    // the files, checked against the restored attachment_blobs; a mismatch drops the staging database
    const files = await withAttachmentStore(config, (store) => restoreAttachmentFiles(blobs, store, file, cleanup));

    if (existing) await dropExisting(admin, target);
    await admin.query(`ALTER DATABASE ${quoted(staging)} RENAME TO ${quoted(target)}`);
    keepStaging();

    log(`Restored ${file}`);
    log(`  into: database "${target}" on ${server.label}, PostgreSQL ${facts.version}, as role "${facts.role}"`);
    log(`  backup of database "${archive.database}" (PostgreSQL ${archive.dumpedFrom}), taken ${archive.createdAt}`);
    log(`  with: ${pgRestore.path} ${pgRestore.version}`);
    log(`  ${counts.length} tables:`);
    for (const line of formatCounts(counts)) log(line);
    if (files) {
      log(`  attachments: ${files.files} files checked (SHA-256), ${files.copied} copied into ${files.where}`);
    }
    log(serveHint(config, server, target, file));
  } finally {
    await admin.end().catch(() => undefined);
  }
}

async function inspectTarget(
  admin: pg.Client,
  server: DatabaseServer,
  target: string,
): Promise<{ relations: number; connections: number } | null> {
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target]);
  if (found.rowCount === 0) return null;
  const [{ n: connections }] = (
    await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [target],
    )
  ).rows;
  const client = await connect(server.url(target));
  try {
    const [{ n: relations }] = (
      await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
      )
    ).rows;
    return { relations, connections };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The API reads rows as ROWS_ROLE (SET ROLE inside each transaction), a role of the whole server
 * that a dump does not carry: made here as the migration makes it, so the dump's grants to it
 * apply and the API can use it on a new server.
 */
async function ensureRowsRole(admin: pg.Client, role: string, log: (line: string) => void): Promise<void> {
  const instruction = `as a superuser: CREATE ROLE ${ROWS_ROLE} NOLOGIN; GRANT ${ROWS_ROLE} TO "${role}"`;
  try {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ROWS_ROLE]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE ROLE ${ROWS_ROLE} NOLOGIN`);
      log(`Created the role ${ROWS_ROLE} (the API reads and writes ledger rows as it).`);
    }
    const [{ member }] = (
      await admin.query<{ member: boolean }>(`SELECT pg_has_role(current_user, $1, 'MEMBER') AS member`, [ROWS_ROLE])
    ).rows;
    if (!member) {
      await admin.query(`GRANT ${ROWS_ROLE} TO CURRENT_USER`);
      log(`Granted ${ROWS_ROLE} to "${role}".`);
    }
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new BackupError(
        `role "${role}" may not create or grant the role ${ROWS_ROLE} the API needs: ${instruction}`,
      );
    }
    throw error;
  }
}

/**
 * A restore interrupted by Ctrl-C may not get to drop its staging database (the embedded server
 * it started receives the same signal and stops first); the next restore drops such leftovers,
 * unless a restore running now is still using one.
 */
async function dropLeftovers(admin: pg.Client, log: (line: string) => void): Promise<void> {
  const leftovers = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database d
      WHERE datname ~ $1 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
    [`${STAGING_MARK}[0-9a-f]{8}$`],
  );
  for (const { datname } of leftovers.rows) {
    await admin.query(`DROP DATABASE IF EXISTS ${quoted(datname)}`);
    log(`Dropped ${datname}, left by an interrupted restore.`);
  }
}

async function dropExisting(admin: pg.Client, target: string): Promise<void> {
  try {
    await admin.query(`DROP DATABASE ${quoted(target)}`);
  } catch (error) {
    if ((error as { code?: string }).code === '55006') {
      throw new BackupError(`database "${target}" came into use during the restore; it was kept as it was`);
    }
    throw error;
  }
}

async function dropDatabase(server: DatabaseServer, name: string): Promise<void> {
  const client = await connect(server.url(server.maintenanceDatabase(name)));
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function serveHint(config: AppConfig, server: DatabaseServer, target: string, file: string): string {
  if (config.databaseUrl) return `Serve it with DATABASE_URL=${printableUrl(server.url(target))} (and its password)`;
  if (target === PRODUCT_DATABASE) return 'npm start (without DATABASE_URL) serves it.';
  return (
    `npm start serves the database "${PRODUCT_DATABASE}"; to serve this backup instead, stop the product and run ` +
    `npm run restore -- ${file} --database ${PRODUCT_DATABASE} --replace`
  );
}
