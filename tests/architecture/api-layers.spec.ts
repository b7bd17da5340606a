import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The API's folders in layers (docs/architecture.md, "Layers inside the API"): a folder imports
 * only from its own layer or those below, and a feature imports another feature only where
 * FEATURE_IMPORTS says why. Every relative import of every file in apps/api/src (spec files
 * aside) is checked, and so is every import of a migration: a migration is history and must not
 * change because code it imported did.
 */
const ROOT = path.resolve(__dirname, '../..');
const SRC = 'apps/api/src';

const RANKS = { kernel: 1, 'ledger-tables': 2, ledgers: 3, 'ledger-data': 4, feature: 5, app: 6 } as const;
type Layer = keyof typeof RANKS;

/** Every folder of apps/api/src and its layer; the files directly in it are the app (it may import anything). */
export const LAYERS: Record<string, Layer> = {
  // the kernel: what every layer may need
  common: 'kernel',
  config: 'kernel',
  database: 'kernel',
  identity: 'kernel',
  // the SQL of ledger tables; the definitions; access to rows and the one row-write pipeline
  'ledger-tables': 'ledger-tables',
  ledgers: 'ledgers',
  'ledger-data': 'ledger-data',
  // the features
  'api-tokens': 'feature',
  attachments: 'feature',
  audit: 'feature',
  backup: 'feature',
  files: 'feature',
  notices: 'feature',
  'public-answers': 'feature',
  reporting: 'feature',
  live: 'feature',
  rows: 'feature',
  seed: 'feature',
  'sign-in': 'feature',
  statistics: 'feature',
  units: 'feature',
  users: 'feature',
  webhooks: 'feature',
  views: 'feature',
};

/** Files of a higher layer that a lower one may import, and why. */
const UPWARD: { from: string; to: string[]; why: string }[] = [
  {
    from: 'ledger-data',
    to: ['units/units.service.ts', 'units/units.module.ts'],
    why: 'a write checks that the unit exists, is active and fills the ledger (the units service only)',
  },
];

/** Features that import other features, and why. Keep it short: a new line here is a design decision. */
const FEATURE_IMPORTS: Record<string, { to: string[]; why: string }> = {
  'sign-in': {
    to: ['users', 'audit'],
    why: "a sign-in checks a user's password and lock, and is written to the audit trail",
  },
  users: { to: ['units'], why: 'a clerk belongs to a unit' },
  reporting: {
    to: ['units', 'users'],
    why: 'the submission board lists the units, and a sheet who submitted or returned it',
  },
  statistics: { to: ['units'], why: 'groups and rankings by unit' },
  'public-answers': { to: ['units'], why: "a survey is a unit's, found by the unit's code" },
  notices: { to: ['units'], why: 'a deadline is noticed to the units that fill the ledger' },
  backup: { to: ['attachments'], why: "a backup copies the attachment store's files, in the store's layout" },
  files: {
    to: ['units', 'reporting', 'statistics', 'attachments'],
    why: "exports name units; the board's and the statistics' files are those features' answers, written out; an export with the files reads them from the attachment store",
  },
};

/**
 * Imports that break a rule today, each to be removed by the owner of its file. The test fails
 * once one is gone, so that its line goes too: this list only shrinks.
 */
const PENDING: { file: string; target: string; why: string }[] = [];

export type Finding = { file: string; line: number; target: string; rule: string };

const layerOf = (file: string): Layer | undefined => (file.includes('/') ? LAYERS[file.split('/')[0]] : 'app');
const folderOf = (file: string) => file.split('/')[0];

/** A relative import as a path under apps/api/src ("units/units.service.ts"), or as written if it leaves the folder. */
function resolve(file: string, specifier: string): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier.replace(/\.js$/, '')));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    if (existsSync(path.join(ROOT, SRC, candidate))) return candidate;
  }
  return `${base}.ts`;
}

/** What is wrong with one import of a file (both as paths under apps/api/src), or null. */
export function ruleBroken(file: string, specifier: string): string | null {
  const isMigration = file.startsWith('database/migrations/');
  if (!specifier.startsWith('.')) {
    return isMigration && specifier.startsWith('@taizhang/')
      ? 'a migration imports a library of ours (it would change with it)'
      : null;
  }
  const target = resolve(file, specifier);
  if (target.startsWith('..')) return 'an import from outside apps/api/src';
  if (isMigration && !target.startsWith('database/')) return 'a migration imports from outside database/';
  if (target.startsWith('database/migrations/') && !file.startsWith('database/')) {
    return 'a migration imported outside database/ (a migration is history, not a library)';
  }
  const [from, to] = [layerOf(file), layerOf(target)];
  if (!from) return `the folder ${folderOf(file)}/ has no layer (add it to LAYERS)`;
  if (!to) return `the folder ${folderOf(target)}/ has no layer (add it to LAYERS)`;
  if (RANKS[to] > RANKS[from]) {
    const upward = UPWARD.some((u) => u.from === folderOf(file) && u.to.includes(target));
    return upward ? null : `${from} (${folderOf(file)}/) imports the higher layer ${to} (${folderOf(target)}/)`;
  }
  if (from === 'feature' && to === 'feature' && folderOf(file) !== folderOf(target)) {
    const allowed = FEATURE_IMPORTS[folderOf(file)]?.to.includes(folderOf(target));
    return allowed
      ? null
      : `the feature ${folderOf(file)}/ imports the feature ${folderOf(target)}/ (not in FEATURE_IMPORTS)`;
  }
  return null;
}

/** Every import of a file (path under apps/api/src) that breaks a rule. */
export function layerFindings(file: string, source: string): Finding[] {
  return ts.preProcessFile(source, true, true).importedFiles.flatMap(({ fileName, pos }) => {
    const rule = ruleBroken(file, fileName);
    if (!rule) return [];
    const target = fileName.startsWith('.') ? resolve(file, fileName) : fileName;
    return [{ file, line: source.slice(0, pos).split('\n').length, target, rule }];
  });
}

function sourceFiles(dir = ''): string[] {
  return readdirSync(path.join(ROOT, SRC, dir)).flatMap((entry) => {
    const relative = dir ? `${dir}/${entry}` : entry;
    if (statSync(path.join(ROOT, SRC, relative)).isDirectory()) return sourceFiles(relative);
    return entry.endsWith('.ts') && !entry.endsWith('.spec.ts') ? [relative] : [];
  });
}

const isPending = (f: Finding) => PENDING.some((p) => p.file === f.file && p.target === f.target);

describe('layers inside the API', () => {
  it('are told by the checker (so that the check below can fail)', () => {
    const refused: [string, string][] = [
      ['ledger-tables/row-sql.ts', '../ledgers/ledger-registry.service'],
      ['ledgers/ledger-publisher.service.ts', '../ledger-data/row-writer.service'],
      ['identity/auth.guard.ts', '../users/users.service'],
      ['common/graphql/ids.ts', '../../rows/rows.service'],
      ['database/database-options.ts', '../users/user.entity'],
      ['ledger-data/row-access.service.ts', '../units/units.resolver'],
      ['rows/rows.service.ts', '../statistics/statistics.service'],
      ['units/units.service.ts', '../users/users.service'],
      ['identity/session-cache.ts', '../database/migrations/1764400000000-auth-change-notices'],
      ['database/migrations/1799999999999-probe.ts', '../../common/errors/app-exception'],
      ['database/migrations/1799999999999-probe.ts', '@taizhang/ledger-core'],
      ['rows/rows.service.ts', '../app.module'],
      ['probe/probe.ts', '../common/time/clock'],
    ];
    for (const [file, specifier] of refused)
      expect(ruleBroken(file, specifier), `${file} → ${specifier}`).not.toBeNull();
    const source = "import { x } from '../ledgers/ledger-locks';\nexport { y } from '../rows/rows.service';\n";
    expect(layerFindings('ledger-tables/probe.ts', source).map((f) => [f.line, f.target])).toEqual([
      [1, 'ledgers/ledger-locks.ts'],
      [2, 'rows/rows.service.ts'],
    ]);

    const allowed: [string, string][] = [
      ['rows/rows.service.ts', '../ledger-data/row-access.service'],
      ['ledger-data/row-writer.service.ts', '../ledger-tables/row-write'],
      ['ledger-data/row-access.service.ts', '../units/units.service'],
      ['ledgers/ledger-access.service.ts', '../identity/access-policy'],
      ['common/graphql/request-locale.ts', '../../identity/principal'],
      ['files/table-export.service.ts', '../statistics/statistics.service'],
      ['database/database-options.ts', './migrations/1764000000000-foundation'],
      ['database/migrations/1799999999999-probe.ts', 'typeorm'],
      ['app.module.ts', './files/files.module'],
    ];
    for (const [file, specifier] of allowed) expect(ruleBroken(file, specifier), `${file} → ${specifier}`).toBeNull();
  });

  it('are kept: no import goes up a layer or to a feature not listed', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const findings = files.flatMap((file) => layerFindings(file, readFileSync(path.join(ROOT, SRC, file), 'utf8')));
    expect(findings.filter((f) => !isPending(f)).map((f) => `${f.file}:${f.line} → ${f.target}: ${f.rule}`)).toEqual(
      [],
    );
    // a pending exception fixed: remove its entry
    expect(PENDING.filter((p) => !findings.some((f) => p.file === f.file && p.target === f.target))).toEqual([]);
  });

  it('name every folder, and list only feature imports that are made', () => {
    const files = sourceFiles();
    const folders = new Set(files.filter((file) => file.includes('/')).map(folderOf));
    expect(Object.keys(LAYERS).sort()).toEqual([...folders].sort());
    const imported = new Set(
      files.flatMap((file) =>
        ts
          .preProcessFile(readFileSync(path.join(ROOT, SRC, file), 'utf8'), true, true)
          .importedFiles.filter(({ fileName }) => fileName.startsWith('.'))
          .map(({ fileName }) => `${folderOf(file)} → ${folderOf(resolve(file, fileName))}`),
      ),
    );
    const listed = Object.entries(FEATURE_IMPORTS).flatMap(([from, { to }]) => to.map((t) => `${from} → ${t}`));
    expect(listed.filter((pair) => !imported.has(pair))).toEqual([]);
  });
});
