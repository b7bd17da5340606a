import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  assertBackupCliBuilt,
  postGraphQL,
  runBackupCli,
  signInToken,
  startProductServer,
  type ProductServer,
  type TestDatabase,
} from '@taizhang/testing';

/**
 * npm run backup / npm run restore carry the attachment files (docs/attachments.md, "Backup";
 * docs/operations.md): real JPEGs uploaded and saved on rows (one replaced, so history holds it)
 * come back byte for byte into a fresh DATA_DIR and database and are served again; a backup whose
 * files were changed or lost fails its restore, naming the file, and restores nothing.
 */

const LEDGER = {
  key: 'backup_probe',
  title: '整改台账',
  fields: [
    { key: 'issue', title: '问题', type: 'text' },
    { key: 'photos', title: '整改照片', type: 'attachment', kinds: ['image'], maxFiles: 3 },
  ],
};
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { results { status errors { message } row { id version } } } }`;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Where the store keeps a content (attachment-store.ts's layout), relative to its root. */
const blobPath = (sha: string) => path.join(sha.slice(0, 2), sha.slice(2, 4), sha);

const photo = (seed: number) =>
  sharp({
    create: {
      width: 320 + seed,
      height: 240,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian' as const, mean: 128, sigma: 30 + seed },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();

let work: string;
let db: TestDatabase;
let product: ProductServer;
let clerk: string;
const restoredNames: string[] = [];
/** The bytes uploaded, by handle; and by SHA-256, computed here. */
const uploaded = new Map<string, Buffer>();
let dump: string;
const dataDir = () => path.join(work, 'data');
const restoredUrl = (name: string) => Object.assign(new URL(db.url), { pathname: `/${name}` }).toString();

async function upload(bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${product.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${clerk}` },
  });
  expect(response.status).toBe(201);
  const ref = (await response.json()) as { handle: string; sha256: string };
  uploaded.set(ref.handle, bytes);
  return ref;
}

async function save(changes: unknown[]) {
  const answer = await postGraphQL<{
    saveRows: { results: { status: string; errors: unknown; row: { id: string; version: number } }[] };
  }>(product.url, SAVE, { ledger: LEDGER.key, changes }, { token: clerk });
  expect(answer.errors).toBeUndefined();
  for (const result of answer.data!.saveRows.results)
    expect(result.status, JSON.stringify(result.errors)).toBe('SAVED');
  return answer.data!.saveRows.results.map((r) => r.row);
}

beforeAll(async () => {
  await assertBackupCliBuilt();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-backup-files-'));
  db = await createTestDatabase();
  product = await startProductServer({ DATABASE_URL: db.url, DATA_DIR: dataDir() });
  const admin = await signInToken(product.url, 'admin');
  const published = await postGraphQL(
    product.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: LEDGER },
    { token: admin },
  );
  expect(published.errors).toBeUndefined();
  clerk = await signInToken(product.url, 'clerk01');

  const [before, after, replaced, replacement] = await Promise.all([1, 2, 3, 4].map(photo));
  const refs = {
    before: await upload(before, '整改前.jpg'),
    after: await upload(after, '整改后.jpg'),
    replaced: await upload(replaced, '旧照片.jpg'),
    replacement: await upload(replacement, '新照片.jpg'),
  };
  const [, row] = await save([
    { op: 'INSERT', values: { issue: '路灯不亮', photos: [refs.before, refs.after] } },
    { op: 'INSERT', values: { issue: '井盖破损', photos: [refs.replaced] } },
  ]);
  // the replaced photo stays, for the row's history
  await save([{ op: 'UPDATE', id: row.id, version: row.version, values: { photos: [refs.replacement] } }]);
}, 120_000);

afterAll(async () => {
  await product?.stop();
  for (const name of restoredNames) await db?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await db?.drop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** A new database name for a restore, dropped after the tests. */
function newDatabase(): string {
  const name = `tz_restored_${randomBytes(4).toString('hex')}`;
  restoredNames.push(name);
  return name;
}

/** The backup `dump` copied under another name (its files folder with it), for a test to damage. */
async function copyOfBackup(name: string): Promise<string> {
  const copy = path.join(work, `${name}.dump`);
  await fs.copyFile(dump, copy);
  await fs.cp(`${dump}.attachments`, `${copy}.attachments`, { recursive: true });
  return copy;
}

describe('a backup of a product with attachments', () => {
  it('writes every file beside the dump with a manifest of sha256 and size', async () => {
    dump = path.join(work, 'backups', 'taizhang-files.dump');
    const backup = await runBackupCli(['backup', dump], { DATABASE_URL: db.url, DATA_DIR: dataDir() });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`attachments: ${uploaded.size} files`);

    const expected = [...uploaded.values()]
      .map((bytes) => `${sha256(bytes)}  ${bytes.length}`)
      .sort()
      .join('\n');
    const manifest = await fs.readFile(`${dump}.attachments/MANIFEST`, 'utf8');
    expect(manifest.trim()).toBe(expected);
    for (const bytes of uploaded.values()) {
      const copy = await fs.readFile(path.join(`${dump}.attachments`, blobPath(sha256(bytes))));
      expect(sha256(copy)).toBe(sha256(bytes));
      // and its thumbnail, which the store made for an image
      await expect(
        fs.stat(path.join(`${dump}.attachments`, `${blobPath(sha256(bytes))}.thumb.webp`)),
      ).resolves.toBeTruthy();
    }
    // no half-written folder is left
    expect((await fs.readdir(path.dirname(dump))).sort()).toEqual([
      'taizhang-files.dump',
      'taizhang-files.dump.attachments',
    ]);
  });

  it('restores into a fresh DATA_DIR and database: every file identical and served again', async () => {
    const freshDir = path.join(work, 'fresh');
    const name = newDatabase();
    const restore = await runBackupCli(['restore', dump, '--database', name], {
      DATABASE_URL: db.url,
      DATA_DIR: freshDir,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`attachments: ${uploaded.size} files checked (SHA-256), ${uploaded.size} copied`);
    for (const bytes of uploaded.values()) {
      const restored = await fs.readFile(path.join(freshDir, 'attachments', blobPath(sha256(bytes))));
      expect(sha256(restored)).toBe(sha256(bytes));
    }

    const second = await startProductServer({ DATABASE_URL: restoredUrl(name), DATA_DIR: freshDir });
    try {
      const token = await signInToken(second.url, 'clerk01');
      for (const [handle, bytes] of uploaded) {
        const response = await fetch(`${second.url}/attachments/${handle}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status, handle).toBe(200);
        expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(bytes));
        const thumbnail = await fetch(`${second.url}/attachments/${handle}/thumbnail`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(thumbnail.status, `${handle} thumbnail`).toBe(200);
      }
      // isolation holds there too: another unit's clerk gets 404
      const other = await signInToken(second.url, 'clerk02');
      const [handle] = uploaded.keys();
      const refused = await fetch(`${second.url}/attachments/${handle}`, {
        headers: { authorization: `Bearer ${other}` },
      });
      expect(refused.status).toBe(404);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('replaces a damaged copy already in the target DATA_DIR, and keeps a whole one', async () => {
    const targetDir = path.join(work, 'damaged-store');
    const [damaged, whole] = [...uploaded.values()];
    const damagedPath = path.join(targetDir, 'attachments', blobPath(sha256(damaged)));
    const wholePath = path.join(targetDir, 'attachments', blobPath(sha256(whole)));
    await fs.mkdir(path.dirname(damagedPath), { recursive: true });
    await fs.mkdir(path.dirname(wholePath), { recursive: true });
    await fs.writeFile(damagedPath, Buffer.alloc(damaged.length, 7)); // the right size, the wrong bytes
    await fs.writeFile(wholePath, whole);

    const restore = await runBackupCli(['restore', dump, '--database', newDatabase()], {
      DATABASE_URL: db.url,
      DATA_DIR: targetDir,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`${uploaded.size - 1} copied`);
    expect(sha256(await fs.readFile(damagedPath))).toBe(sha256(damaged));
    expect(sha256(await fs.readFile(wholePath))).toBe(sha256(whole));
  }, 60_000);

  it('fails a restore whose file was changed, naming it, and restores no database and no file', async () => {
    const copy = await copyOfBackup('tampered');
    const victim = sha256([...uploaded.values()][1]);
    const file = path.join(`${copy}.attachments`, blobPath(victim));
    const bytes = await fs.readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await fs.writeFile(file, bytes);

    const freshDir = path.join(work, 'tampered-data');
    const name = newDatabase();
    const restore = await runBackupCli(['restore', copy, '--database', name], {
      DATABASE_URL: db.url,
      DATA_DIR: freshDir,
    });
    expect(restore.code).toBe(1);
    expect(restore.stderr.trim().split('\n')).toHaveLength(1);
    expect(restore.stderr).toContain(`${blobPath(victim)} differs`);
    expect(await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).toHaveLength(0);
    const left = await fs.readdir(path.join(freshDir, 'attachments'), { recursive: true }).catch(() => []);
    expect(left.filter((entry) => /[0-9a-f]{64}/.test(String(entry)))).toEqual([]);
  }, 60_000);

  it('fails a restore whose file is missing, naming it', async () => {
    const copy = await copyOfBackup('missing');
    const victim = sha256([...uploaded.values()][2]);
    await fs.rm(path.join(`${copy}.attachments`, blobPath(victim)));
    const name = newDatabase();
    const restore = await runBackupCli(['restore', copy, '--database', name], {
      DATABASE_URL: db.url,
      DATA_DIR: path.join(work, 'missing-data'),
    });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(`${blobPath(victim)} is missing`);
    expect(await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).toHaveLength(0);
  }, 60_000);

  it('fails a restore whose files folder is gone, saying how many files the database holds', async () => {
    const copy = path.join(work, 'no-folder.dump');
    await fs.copyFile(dump, copy);
    const restore = await runBackupCli(['restore', copy, '--database', newDatabase()], {
      DATABASE_URL: db.url,
      DATA_DIR: path.join(work, 'no-folder-data'),
    });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(`holds ${uploaded.size} attachment files`);
    expect(restore.stderr).toContain(`${copy}.attachments`);
  }, 60_000);
});
