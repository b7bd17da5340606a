import fs from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { backupAttachmentFiles, readBlobs, withAttachmentStore } from './attachment-files';
import { BackupError, type Cleanup } from './backup-error';
import { assertCanBypassRls, connect, libpqConnection, openDatabaseServer, readServerFacts } from './database-server';
import { readArchive, tableMismatch } from './dump-archive';
import { findTool, runTool, serverMajor, toolFailure } from './pg-tools';
import { countRows, formatCounts, formatSize } from './table-counts';

export interface BackupOptions {
  /** Where to write; default backups/taizhang-<UTC time>.dump under the working folder. */
  file?: string;
  /** Another database of the same server; default DATABASE_URL's, or the product's on the embedded server. */
  database?: string;
}

/** backups/taizhang-2026-05-20T10-30-00Z.dump: sorts by time, and has no ':' (which some systems refuse). */
export function defaultBackupFile(now: Date, cwd = process.cwd()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  return path.join(cwd, 'backups', `taizhang-${stamp}.dump`);
}

/**
 * pg_dump in custom format, into `<file>.partial` renamed once complete, so that a failed or
 * interrupted backup leaves no file that looks whole. The rows are counted in the very snapshot
 * pg_dump reads (exported from our transaction), so the printed counts are those of the file
 * even while the product keeps writing; then the archive's table list is read back and checked.
 * The attachment files named by that snapshot's `attachment_blobs` go beside the dump, in
 * `<file>.attachments/` with a manifest (attachment-files.ts), before the dump gets its name.
 */
export async function runBackup(
  config: AppConfig,
  options: BackupOptions,
  cleanup: Cleanup,
  log: (line: string) => void,
): Promise<void> {
  const file = path.resolve(options.file ?? defaultBackupFile(new Date()));
  const taken = await fs.stat(file).catch(() => null);
  if (taken) throw new BackupError(`${file} exists already: name another file`);

  const server = await openDatabaseServer(config, { mayInitialise: false, cleanup, log });
  const database = options.database ?? server.defaultDatabase;
  const url = server.url(database);
  const client = await connect(url);
  try {
    const facts = await readServerFacts(client);
    assertCanBypassRls(facts, facts.rlsTables, 'back up');
    const major = serverMajor(facts.versionNum);
    const pgDump = await findTool('pg_dump', major);
    const pgRestore = await findTool('pg_restore', major);

    await fs.mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    const keepPartial = cleanup.add(`remove ${partial}`, () => fs.rm(partial, { force: true }));

    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [{ snapshot }] = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows;
    const connection = libpqConnection(url);
    const dumped = await runTool(
      pgDump.path,
      [
        '--format=custom',
        '--no-password',
        `--snapshot=${snapshot}`,
        `--file=${partial}`,
        `--dbname=${connection.dbname}`,
      ],
      connection.env,
      cleanup,
    );
    if (dumped.code !== 0) throw new BackupError(`pg_dump failed: ${toolFailure(dumped.stderr)}`);
    const counts = await countRows(client);
    // the attachment files the dump's rows name, read in the same snapshot
    const blobs = await readBlobs(client);
    await client.query('COMMIT');

    const archive = await readArchive(pgRestore, partial);
    const mismatch = tableMismatch(
      counts.map((c) => c.table),
      archive.tables,
    );
    if (mismatch) throw new BackupError(`the archive does not hold the data of every table (${mismatch})`);
    const files = await withAttachmentStore(config, (store) => backupAttachmentFiles(blobs, store, file, cleanup));
    await fs.rename(partial, file);
    keepPartial();

    const { size } = await fs.stat(file);
    log(`Backup written: ${file}`);
    log(`  size: ${formatSize(size)}`);
    log(`  from: database "${database}" on ${server.label}, PostgreSQL ${facts.version}, as role "${facts.role}"`);
    log(`  with: ${pgDump.path} ${pgDump.version}`);
    log(`  ${counts.length} tables:`);
    for (const line of formatCounts(counts)) log(line);
    if (files)
      log(`  attachments: ${blobs.length} files (${formatSize(files.bytes)} with thumbnails) in ${files.folder}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
