import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
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
 * The built API killed (SIGKILL) in the middle of an upload: no row of the database names the
 * half-written file, nothing is stored under a SHA-256 for it, and the temp file it leaves is swept
 * when the API starts again once it is old (docs/attachments.md, "Data").
 */
const LEDGER = {
  key: 'kill_probe',
  title: '整改台账',
  fields: [
    { key: 'issue', title: '问题', type: 'text' },
    { key: 'photos', title: '照片', type: 'attachment', kinds: ['image'], maxFileSize: '20MB' },
  ],
};

let dir: string;
let db: TestDatabase;
let server: ProductServer;
const env = () => ({ DATABASE_URL: db.url, DATA_DIR: dir });
const store = () => path.join(dir, 'attachments');

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-attach-kill-'));
  db = await createTestDatabase();
  server = await startProductServer(env());
  const admin = await signInToken(server.url, 'admin');
  const published = await postGraphQL(
    server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: LEDGER },
    { token: admin },
  );
  expect(published.errors).toBeUndefined();
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Every file under the store, temp files aside. */
async function storedFiles(): Promise<string[]> {
  const entries = await fs.readdir(store(), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && !path.join(e.parentPath, e.name).startsWith(path.join(store(), 'tmp')))
    .map((e) => e.name);
}

const tempFiles = async () => (await fs.readdir(path.join(store(), 'tmp')).catch(() => [])) as string[];

describe('the API killed in the middle of an upload', () => {
  it('leaves no file named by the database, and its temp file is swept at a later start', async () => {
    const token = await signInToken(server.url, 'clerk01');
    const boundary = 'taizhang-kill-boundary';
    const request = http.request(`${server.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(12 * 1024 * 1024),
      },
    });
    request.on('error', () => undefined);
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="现场.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    );
    request.write(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3 * 1024 * 1024)]));
    // the upload is on its way into a temp file: kill the API then
    const deadline = Date.now() + 30_000;
    for (;;) {
      const temps = await tempFiles();
      const sizes = await Promise.all(temps.map((t) => fs.stat(path.join(store(), 'tmp', t)).then((s) => s.size)));
      if (sizes.some((size) => size > 1024 * 1024)) break;
      if (Date.now() > deadline) throw new Error('the upload never reached its temp file');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));
    request.destroy();

    const [left] = await tempFiles();
    expect(left).toBeDefined();
    expect(await storedFiles()).toEqual([]);
    const counts = await db.query<{ uploads: string; blobs: string }>(
      `SELECT (SELECT count(*) FROM attachments) AS uploads, (SELECT count(*) FROM attachment_blobs) AS blobs`,
    );
    expect(counts[0]).toEqual({ uploads: '0', blobs: '0' });

    // started again with the temp file still young: it stays (it could be another server's upload)
    server = await startProductServer(env());
    expect(await tempFiles()).toEqual([left]);
    await server.stop();
    // an hour old: taken for a crash's leftover and removed at start
    const hourAgo = new Date(Date.now() - 2 * 3_600_000);
    await fs.utimes(path.join(store(), 'tmp', left), hourAgo, hourAgo);
    server = await startProductServer(env());
    expect(await tempFiles()).toEqual([]);

    // and uploads work as before
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')]), 'a.pdf');
    const refused = await fetch(`${server.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${await signInToken(server.url, 'clerk01')}` },
    });
    expect(refused.status).toBe(415);
  });
});
