import { describe, expect, it } from 'vitest';
import { formatManifest, parseManifest } from './attachment-files';
import { defaultBackupFile } from './backup';
import { parseCommand, UsageError } from './cli-arguments';
import { parseArchiveList, tableMismatch } from './dump-archive';
import { parseToolVersion, serverMajor } from './pg-tools';
import { databaseNameFor } from './restore';
import { formatCounts } from './table-counts';

// The parts of the backup CLI that are pure text; the rest runs against real tools and a real
// PostgreSQL in tests/reliability/backup.spec.ts.

describe('versions', () => {
  it('reads the major of a tool and of a server', () => {
    expect(parseToolVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n')).toEqual({
      version: '15.18 (Debian 15.18-0+deb12u1)',
      major: 15,
    });
    expect(parseToolVersion('pg_restore (PostgreSQL) 9.6.24')?.major).toBe(9);
    expect(parseToolVersion('bash: pg_dump: command not found')).toBeNull();
    expect(serverMajor(150018)).toBe(15);
    expect(serverMajor(170002)).toBe(17);
  });
});

describe('the archive list', () => {
  const list = `;
; Archive created at 2026-05-20 10:30:00 UTC
;     dbname: taizhang
;     Dumped from database version: 15.18
;     Dumped by pg_dump version: 16.4 (Debian 16.4-1)
;
2; 3079 16385 EXTENSION - uuid-ossp 
218; 1259 16406 TABLE public units taizhang
3574; 0 16406 TABLE DATA public units taizhang
3586; 0 16553 TABLE DATA public row_history taizhang
3559; 0 16553 ROW SECURITY public row_history taizhang
`;

  it('gives the versions, the tables with data and those with row-level security', () => {
    expect(parseArchiveList(list)).toEqual({
      database: 'taizhang',
      createdAt: '2026-05-20 10:30:00 UTC',
      dumpedFrom: '15.18',
      dumpedFromMajor: 15,
      dumpedBy: '16.4 (Debian 16.4-1)',
      dumpedByMajor: 16,
      tables: ['public.units', 'public.row_history'],
      rlsTables: ['public.row_history'],
    });
  });

  it('refuses a list without the pg_dump header', () => {
    expect(() => parseArchiveList('218; 1259 16406 TABLE public units taizhang\n')).toThrow(/no pg_dump header/);
  });

  it('names the tables only one side has', () => {
    expect(tableMismatch(['public.a', 'public.b'], ['public.b', 'public.a'])).toBeNull();
    expect(tableMismatch(['public.a', 'public."B"'], ['public.B', 'public.c'])).toBe(
      'not in the archive: public.a; only in the archive: public.c',
    );
  });
});

describe('names', () => {
  it('puts a default backup under backups/ with a sortable UTC time and no colons', () => {
    expect(defaultBackupFile(new Date('2026-05-20T10:30:05.123Z'), '/srv/tz')).toBe(
      '/srv/tz/backups/taizhang-2026-05-20T10-30-05Z.dump',
    );
  });

  it('derives a database name from the file', () => {
    expect(databaseNameFor('/x/taizhang-2026-05-20T10-30-05Z.dump')).toBe('taizhang_2026_05_20t10_30_05z');
    expect(databaseNameFor('2026 年备份.dump')).toBe('restored_2026');
    expect(databaseNameFor(`${'a'.repeat(70)}.dump`)).toHaveLength(63);
  });
});

describe('the command line', () => {
  it('reads backup and restore with their options', () => {
    expect(parseCommand(['backup'])).toEqual({ kind: 'backup', file: undefined, database: undefined });
    expect(parseCommand(['backup', 'b.dump', '--database', 'copy'])).toEqual({
      kind: 'backup',
      file: 'b.dump',
      database: 'copy',
    });
    expect(parseCommand(['restore', 'b.dump', '--replace', '--database', 'taizhang'])).toEqual({
      kind: 'restore',
      file: 'b.dump',
      database: 'taizhang',
      replace: true,
    });
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /backup or restore/],
    [['restore'], /needs the backup file/],
    [['backup', '--replace'], /--replace is for restore/],
    [['restore', 'a.dump', 'b.dump'], /unexpected arguments: b.dump/],
    [['restore', 'a.dump', '--force'], /--force/],
    [['dump'], /unknown command "dump"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});

it('prints counts as aligned "schema.table  rows" lines with a total', () => {
  expect(
    formatCounts([
      { table: 'public.units', rows: 24 },
      { table: 'public.row_history', rows: 1200 },
    ]),
  ).toEqual([
    '  table               rows',
    '  public.units          24',
    '  public.row_history  1200',
    '  total               1224',
  ]);
});

describe('the attachments manifest', () => {
  const a = 'a'.repeat(64);
  const b = '0123456789abcdef'.repeat(4);

  it('reads back what it writes: sha256, two spaces, size, one a line', () => {
    const text = formatManifest([
      { sha256: a, size: 12, thumbnail: true },
      { sha256: b, size: 0, thumbnail: false },
    ]);
    expect(text).toBe(`${a}  12\n${b}  0\n`);
    expect([...parseManifest(text)]).toEqual([
      [a, 12],
      [b, 0],
    ]);
  });

  it('names the line that is not "<sha256>  <size>"', () => {
    expect(() => parseManifest(`${a}  12\n${a.slice(1)}  3\n`)).toThrow(/MANIFEST line 2/);
    expect(() => parseManifest(`${a} 12\n`)).toThrow(/MANIFEST line 1/);
    expect(() => parseManifest(`${a}  -1\n`)).toThrow(/MANIFEST line 1/);
  });
});
