import { parseArgs } from 'node:util';

/** The command line of backup-cli.js (npm run backup / npm run restore). */
export const USAGE = `Usage:
  npm run backup [-- [<file>] [--database <name>]]
      pg_dump (custom format) of DATABASE_URL's database, or of the embedded one in DATA_DIR;
      default file: backups/taizhang-<UTC time>.dump
  npm run restore -- <file> [--database <name>] [--replace]
      pg_restore into a new database (default name from the file's); --replace overwrites an
      existing database that has tables (never one in use)
Tools: PG_DUMP / PG_RESTORE, else pg_dump / pg_restore on PATH or in /usr/lib/postgresql/<major>/bin.
Exit codes: 0 done, 1 failed (the reason on one line), 2 wrong usage.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'backup'; file?: string; database?: string }
  | { kind: 'restore'; file: string; database?: string; replace: boolean };

export class UsageError extends Error {}

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        database: { type: 'string' },
        replace: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [kind, file, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (values.database !== undefined && values.database.trim() === '') throw new UsageError('--database needs a name');
  if (kind === 'backup') {
    if (values.replace) throw new UsageError('--replace is for restore');
    return { kind, file, database: values.database };
  }
  if (kind === 'restore') {
    if (!file) throw new UsageError('restore needs the backup file');
    return { kind, file, database: values.database, replace: values.replace };
  }
  throw new UsageError(kind ? `unknown command "${kind}"` : 'backup or restore?');
}
