import fs from 'node:fs/promises';
import { BackupError } from './backup-error';
import { runTool, toolFailure, type PgTool } from './pg-tools';

/** What `pg_restore --list` tells of a custom-format archive, read before anything is created. */
export interface ArchiveFacts {
  database: string;
  createdAt: string;
  dumpedFrom: string;
  dumpedFromMajor: number;
  dumpedBy: string;
  dumpedByMajor: number;
  /** The tables whose data it holds, schema.table. */
  tables: string[];
  /** The tables whose row-level security it turns on. */
  rlsTables: string[];
}

/** Every custom-format archive starts with these bytes. */
const MAGIC = 'PGDMP';

/** Present, a file, and a pg_dump custom-format archive by its first bytes; else a clear error. */
export async function checkArchiveFile(file: string): Promise<void> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new BackupError(`no such file: ${file}`);
  if (!stat.isFile()) throw new BackupError(`${file} is not a file`);
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, MAGIC.length, 0);
    if (bytesRead < MAGIC.length || head.toString('latin1') !== MAGIC) {
      throw new BackupError(
        `${file} is not a pg_dump custom-format archive (those that npm run backup writes start with "${MAGIC}")`,
      );
    }
  } finally {
    await handle.close();
  }
}

/** Reads the archive's table of contents; a damaged one fails here, before any database exists. */
export async function readArchive(pgRestore: PgTool, file: string): Promise<ArchiveFacts> {
  const result = await runTool(pgRestore.path, ['--list', file], {}, null);
  if (result.code !== 0) {
    throw new BackupError(
      `${file} cannot be read by ${pgRestore.name} ${pgRestore.version}, it is damaged or from a newer pg_dump: ` +
        toolFailure(result.stderr),
    );
  }
  return parseArchiveList(result.stdout);
}

const header = (list: string, label: string) =>
  new RegExp(`^;\\s+${label}:?\\s+(.*)$`, 'm').exec(list)?.[1].trim() ?? '';
const majorOf = (version: string) => Number(/^(\d+)/.exec(version)?.[1] ?? 0);
const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1');

/**
 * `pg_restore --list` output: a header of "; key: value" lines, then one line per entry, e.g.
 * "3580; 0 16489 TABLE DATA public app_settings taizhang".
 */
export function parseArchiveList(list: string): ArchiveFacts {
  const entries = (kind: string) =>
    [...list.matchAll(new RegExp(`^\\d+; \\d+ \\d+ ${kind} (\\S+) (\\S+) `, 'gm'))].map(
      (m) => `${unquote(m[1])}.${unquote(m[2])}`,
    );
  const dumpedFrom = header(list, 'Dumped from database version');
  const dumpedBy = header(list, 'Dumped by pg_dump version');
  if (!dumpedFrom || !dumpedBy) throw new BackupError('the archive has no pg_dump header: it is not a backup');
  return {
    database: header(list, 'dbname'),
    createdAt: header(list, 'Archive created at'),
    dumpedFrom,
    dumpedFromMajor: majorOf(dumpedFrom),
    dumpedBy,
    dumpedByMajor: majorOf(dumpedBy),
    tables: entries('TABLE DATA'),
    rlsTables: entries('ROW SECURITY'),
  };
}

/** Tables counted in the database against tables in the archive: each list's extras, or null when they agree. */
export function tableMismatch(counted: string[], archived: string[]): string | null {
  const plain = (names: string[]) => new Set(names.map((n) => n.replace(/"/g, '')));
  const inDatabase = plain(counted);
  const inArchive = plain(archived);
  const missing = [...inDatabase].filter((t) => !inArchive.has(t));
  const extra = [...inArchive].filter((t) => !inDatabase.has(t));
  if (missing.length === 0 && extra.length === 0) return null;
  return [
    missing.length > 0 ? `not in the archive: ${missing.join(', ')}` : '',
    extra.length > 0 ? `only in the archive: ${extra.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
