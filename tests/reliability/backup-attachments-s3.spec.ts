import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  postGraphQL,
  signInToken,
  startProductServer,
  type ProductServer,
  type TestDatabase,
} from '@taizhang/testing';

/**
 * npm run backup / npm run restore with the attachment files in an S3-compatible bucket
 * (ATTACHMENT_S3_*, docs/operations.md): the built product and the built CLI against real S3 HTTP
 * servers (s3rver). The backup reads the files out of the bucket into the local folder beside the
 * dump; a restore puts them into another, empty bucket, from which a product serves them again.
 * The same backup restores into a plain DATA_DIR. A bucket that does not exist fails a backup.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/api/apps/api/src/backup/backup-cli.js');
const execute = promisify(execFile);
/** The AWS SDK warns once on Node 20 that its releases after January 2027 need Node 22 (docs/operations.md). */
const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

async function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const options = { cwd: ROOT, env: { ...process.env, VITEST: undefined, ...quiet, ...env } };
  try {
    return { code: 0, ...(await execute(process.execPath, [CLI, ...args], options)) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const LEDGER = {
  key: 'backup_s3_probe',
  title: '整改台账',
  fields: [
    { key: 'issue', title: '问题', type: 'text' },
    { key: 'photos', title: '整改照片', type: 'attachment', kinds: ['image'], maxFiles: 3 },
  ],
};
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { results { status errors { message } row { id version } } } }`;

/**
 * A real S3 HTTP server (s3rver) on a free loopback port with one empty bucket, its requests logged
 * (as apps/api/test/s3-test-server.ts, which this project may not import).
 */
const TEST_BUCKET = 'taizhang-files';
interface S3TestServer {
  env: Record<string, string>;
  endpoint: string;
  requests: string[];
  close(): Promise<void>;
}
async function startS3TestServer(): Promise<S3TestServer> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-s3rver-'));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: TEST_BUCKET, configs: [] }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      ATTACHMENT_S3_ENDPOINT: endpoint,
      ATTACHMENT_S3_BUCKET: TEST_BUCKET,
      ATTACHMENT_S3_ACCESS_KEY_ID: 'S3RVER',
      ATTACHMENT_S3_SECRET_ACCESS_KEY: 'S3RVER',
      ATTACHMENT_S3_FORCE_PATH_STYLE: '1',
    },
    endpoint,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const blobPath = (sha: string) => path.join(sha.slice(0, 2), sha.slice(2, 4), sha);

const photo = (seed: number) =>
  sharp({
    create: {
      width: 300 + seed,
      height: 200,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian' as const, mean: 128, sigma: 30 + seed },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();

let work: string;
let db: TestDatabase;
let source: S3TestServer;
let target: S3TestServer;
let product: ProductServer;
let clerk: string;
const uploaded = new Map<string, Buffer>();
const restoredNames: string[] = [];
let dump: string;
const restoredUrl = (name: string) => Object.assign(new URL(db.url), { pathname: `/${name}` }).toString();
function newDatabase(): string {
  const name = `tz_restored_${randomBytes(4).toString('hex')}`;
  restoredNames.push(name);
  return name;
}

beforeAll(async () => {
  await fs.access(CLI).catch(() => {
    throw new Error(`${CLI} is missing: run npx nx run-many -t build first`);
  });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-backup-s3-'));
  [source, target] = await Promise.all([startS3TestServer(), startS3TestServer()]);
  db = await createTestDatabase();
  product = await startProductServer({
    DATABASE_URL: db.url,
    DATA_DIR: path.join(work, 'data'),
    ...quiet,
    ...source.env,
  });
  const admin = await signInToken(product.url, 'admin');
  const published = await postGraphQL(
    product.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: LEDGER },
    { token: admin },
  );
  expect(published.errors).toBeUndefined();
  clerk = await signInToken(product.url, 'clerk01');
  const refs: { handle: string }[] = [];
  for (const [i, bytes] of (await Promise.all([1, 2, 3].map(photo))).entries()) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), `照片${i}.jpg`);
    const response = await fetch(`${product.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(response.status).toBe(201);
    const ref = (await response.json()) as { handle: string };
    uploaded.set(ref.handle, bytes);
    refs.push(ref);
    // the thumbnail made (and so in the bucket) before the backup
    const thumbnail = await fetch(`${product.url}/attachments/${ref.handle}/thumbnail`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(thumbnail.status).toBe(200);
  }
  const answer = await postGraphQL<{ saveRows: { results: { status: string }[] } }>(
    product.url,
    SAVE,
    { ledger: LEDGER.key, changes: [{ op: 'INSERT', values: { issue: '路灯不亮', photos: refs } }] },
    { token: clerk },
  );
  expect(answer.data?.saveRows.results[0].status).toBe('SAVED');
}, 120_000);

afterAll(async () => {
  await product?.stop();
  for (const name of restoredNames) await db?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await db?.drop();
  await source?.close();
  await target?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('backup and restore with the files in a bucket', () => {
  it('backs the bucket’s files up beside the dump, nothing of them under DATA_DIR', async () => {
    dump = path.join(work, 'backups', 'taizhang-s3.dump');
    const backup = await runCli(['backup', dump], {
      DATABASE_URL: db.url,
      DATA_DIR: path.join(work, 'data'),
      ...source.env,
    });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`attachments: ${uploaded.size} files`);
    for (const bytes of uploaded.values()) {
      const sha = sha256(bytes);
      expect(sha256(await fs.readFile(path.join(`${dump}.attachments`, blobPath(sha))))).toBe(sha);
      await expect(fs.stat(path.join(`${dump}.attachments`, `${blobPath(sha)}.thumb.webp`))).resolves.toBeTruthy();
      // the product's DATA_DIR never held them
      await expect(fs.stat(path.join(work, 'data', 'attachments', blobPath(sha)))).rejects.toThrow();
    }
  }, 60_000);

  it('restores into an empty bucket, from which a product serves every file identical', async () => {
    const name = newDatabase();
    const dataDir = path.join(work, 'restored-data');
    const restore = await runCli(['restore', dump, '--database', name], {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      ...target.env,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(
      `attachments: ${uploaded.size} files checked (SHA-256), ${uploaded.size} copied into s3://${TEST_BUCKET}/attachments at ${target.endpoint}`,
    );
    // objects (files and thumbnails) went into the target bucket, none into DATA_DIR
    expect(target.requests.filter((r) => r.startsWith(`PUT /${TEST_BUCKET}/attachments/`))).toHaveLength(
      2 * uploaded.size,
    );
    const second = await startProductServer({
      DATABASE_URL: restoredUrl(name),
      DATA_DIR: dataDir,
      ...quiet,
      ...target.env,
    });
    try {
      const token = await signInToken(second.url, 'clerk01');
      for (const [handle, bytes] of uploaded) {
        const response = await fetch(`${second.url}/attachments/${handle}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status, handle).toBe(200);
        expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(bytes));
      }
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('restores the same backup into a plain DATA_DIR (the files leave the bucket)', async () => {
    const dataDir = path.join(work, 'local-data');
    const restore = await runCli(['restore', dump, '--database', newDatabase()], {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
    });
    expect(restore.code).toBe(0);
    for (const bytes of uploaded.values())
      expect(sha256(await fs.readFile(path.join(dataDir, 'attachments', blobPath(sha256(bytes)))))).toBe(sha256(bytes));
  }, 60_000);

  it('fails a backup when the bucket does not exist, naming it, and leaves no file', async () => {
    const backup = await runCli(['backup', path.join(work, 'backups', 'no-bucket.dump')], {
      DATABASE_URL: db.url,
      DATA_DIR: path.join(work, 'data'),
      ...source.env,
      ATTACHMENT_S3_BUCKET: 'no-such-bucket',
    });
    expect(backup.code).toBe(1);
    expect(backup.stderr.trim().split('\n')).toHaveLength(1);
    expect(backup.stderr).toContain('backup failed: the attachment store s3://no-such-bucket/attachments');
    expect(backup.stderr).toContain('the bucket does not exist');
    expect(await fs.readdir(path.join(work, 'backups'))).toEqual(['taizhang-s3.dump', 'taizhang-s3.dump.attachments']);
  }, 60_000);
});
