import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentCollector } from '../src/attachments/attachment-collector.service';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Attachments through the API (docs/attachments.md): uploads streamed, hashed and judged by their
 * content; files served only where a row (or its history) of the caller's units holds them.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved rejected results { status errors { path message } row { id version values } } } }`;
const RESTORE = 'mutation ($ledger: String!, $id: ID!) { restoreRow(ledger: $ledger, id: $id) { id version values } }';

const LEDGER = {
  key: 'rectify_probe',
  title: '整改台账',
  fields: [
    { key: 'issue', title: '问题', type: 'text', required: true },
    {
      key: 'photos',
      title: '整改前照片',
      type: 'attachment',
      kinds: ['image'],
      maxFiles: 2,
      maxFileSize: '1MB',
      maxTotalSize: '1.5MB',
    },
    { key: 'docs', title: '相关文件', type: 'attachment', kinds: ['pdf', 'excel', 'word'] },
    { key: 'photo_count', title: '照片数', type: 'integer', formula: 'count(photos)' },
  ],
};

interface Uploaded {
  handle: string;
  name: string;
  size: number;
  kind: string;
  sha256: string;
}

let t: TestApi;
let dataDir: string;
let admin: string;
let clerk: string;
let otherClerk: string;
let leader: string;
let jpeg: Buffer;
let png: Buffer;

/** A photo-like JPEG (noise compresses poorly, like a photo). */
const photo = (width: number, height: number) =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian' as const, mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();

/** A small but well-formed PDF, written here. */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
    `<< /Length ${`BT /F1 12 Tf 10 50 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 10 50 Td (${text}) Tj ET\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function upload(
  token: string,
  bytes: Buffer,
  name: string,
  query: Record<string, string> = { ledger: LEDGER.key, field: 'photos' },
  language = 'zh-CN',
): Promise<{ status: number; body: Uploaded & { errors?: { message: string; extensions: { reason: string } }[] } }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${t.url}/attachments?${new URLSearchParams(query)}`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}`, 'accept-language': language },
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function get(url: string, token: string) {
  const response = await fetch(`${t.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function save(token: string, changes: unknown[]) {
  const answer = await t.gql(SAVE, { ledger: LEDGER.key, changes }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'taizhang-attachments-'));
  t = await startTestApi({ DATA_DIR: dataDir });
  [admin, clerk, otherClerk, leader] = await Promise.all([
    t.signIn('admin'),
    t.signIn('clerk01'),
    t.signIn('clerk02'),
    t.signIn('leader'),
  ]);
  const published = await t.gql(PUBLISH, { d: LEDGER }, { token: admin });
  expect(published.errors).toBeUndefined();
  jpeg = await photo(640, 480);
  png = await sharp({ create: { width: 400, height: 300, channels: 4, background: '#3366cc' } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('an upload', () => {
  it('stores a JPEG by its content, answers its handle, and makes a 320 px WebP thumbnail', async () => {
    const { status, body } = await upload(clerk, jpeg, '整改前 1.jpg');
    expect(status).toBe(201);
    expect(body).toMatchObject({ name: '整改前 1.jpg', size: jpeg.length, kind: 'image', sha256: sha256(jpeg) });
    expect(body.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const stored = path.join(dataDir, 'attachments', body.sha256.slice(0, 2), body.sha256.slice(2, 4), body.sha256);
    expect(sha256(await readFile(stored))).toBe(body.sha256);
    // the thumbnail is made after the answer; asked for at once, it is waited for (or made then)
    const served = await get(`/attachments/${body.handle}/thumbnail`, clerk);
    expect(served.response.status).toBe(200);
    expect(served.response.headers.get('content-type')).toBe('image/webp');
    const thumbnail = await sharp(served.bytes).metadata();
    expect(thumbnail.format).toBe('webp');
    expect(Math.max(thumbnail.width!, thumbnail.height!)).toBe(320);
    expect(sha256(await readFile(`${stored}.thumb.webp`))).toBe(sha256(served.bytes));
    const [blob] = await t.db.query<{ thumbnail: boolean | null }>(
      `SELECT thumbnail FROM attachment_blobs WHERE sha256 = $1`,
      [body.sha256],
    );
    expect(blob.thumbnail).toBe(true);
    // nothing left in the temp folder
    expect(await readdir(path.join(dataDir, 'attachments', 'tmp'))).toEqual([]);
  });

  it('makes a thumbnail still to make when it is asked for (its process stopped before it)', async () => {
    const own = await photo(500, 375);
    const { body } = await upload(clerk, own, '整改前 2.jpg');
    await get(`/attachments/${body.handle}/thumbnail`, clerk);
    // as if the process that was to make it had stopped: no thumbnail, the blob says "still to make"
    const stored = path.join(dataDir, 'attachments', body.sha256.slice(0, 2), body.sha256.slice(2, 4), body.sha256);
    await rm(`${stored}.thumb.webp`);
    await t.db.query(`UPDATE attachment_blobs SET thumbnail = NULL WHERE sha256 = $1`, [body.sha256]);
    const served = await get(`/attachments/${body.handle}/thumbnail`, clerk);
    expect(served.response.status).toBe(200);
    expect((await sharp(served.bytes).metadata()).width).toBe(320);
  });

  it('keeps an image whole by its structure that does not decode, as a file without a thumbnail', async () => {
    // the frame's height set to 0: every marker in place, no decoder takes it
    const broken = Buffer.from(await photo(400, 300));
    const frame = broken.indexOf(Buffer.from([0xff, 0xc0]));
    expect(frame).toBeGreaterThan(0);
    broken.writeUInt16BE(0, frame + 5);
    const { status, body } = await upload(clerk, broken, '整改前 3.jpg');
    expect(status).toBe(201);
    const thumbnail = await get(`/attachments/${body.handle}/thumbnail`, clerk);
    expect(thumbnail.response.status).toBe(404);
    const [blob] = await t.db.query<{ thumbnail: boolean | null }>(
      `SELECT thumbnail FROM attachment_blobs WHERE sha256 = $1`,
      [body.sha256],
    );
    expect(blob.thumbnail).toBe(false);
    const file = await get(`/attachments/${body.handle}`, clerk);
    expect(file.response.status).toBe(200);
    expect(sha256(file.bytes)).toBe(sha256(broken));
  });

  it('stores the same content once, under two handles', async () => {
    const first = await upload(clerk, png, 'a.png');
    const second = await upload(clerk, png, 'b.png');
    expect(first.status).toBe(201);
    expect(second.body.handle).not.toBe(first.body.handle);
    expect(second.body.sha256).toBe(first.body.sha256);
    const [{ count }] = await t.db.query<{ count: string }>(`SELECT count(*) FROM attachment_blobs WHERE sha256 = $1`, [
      sha256(png),
    ]);
    expect(Number(count)).toBe(1);
  });

  it('takes a PDF and an Excel workbook where the field allows them, by their content', async () => {
    const doc = await upload(clerk, pdf('plan'), 'plan.bin', { ledger: LEDGER.key, field: 'docs' });
    expect(doc.status).toBe(201);
    expect(doc.body.kind).toBe('pdf');
    const exported = await get(`/export/${LEDGER.key}.xlsx`, clerk);
    expect(exported.response.status).toBe(200);
    const sheet = await upload(clerk, exported.bytes, '台账.zip', { ledger: LEDGER.key, field: 'docs' });
    expect(sheet.status).toBe(201);
    expect(sheet.body.kind).toBe('excel');
  });

  it('refuses a file past the field’s size with 413 and the limit, in the user’s language', async () => {
    const large = Buffer.concat([jpeg, Buffer.alloc(1024 * 1024)]);
    const zh = await upload(clerk, large, 'big.jpg');
    expect(zh.status).toBe(413);
    expect(zh.body.errors![0].message).toBe('文件超过 1 MB 的上限');
    const en = await upload(clerk, large, 'big.jpg', undefined, 'en');
    expect(en.body.errors![0].message).toBe('The file is larger than the 1 MB limit');
    expect(await readdir(path.join(dataDir, 'attachments', 'tmp'))).toEqual([]);
  });

  it('refuses an executable renamed .jpg, an SVG with a script and an HTML page, naming what they are', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000, 7)]);
    const refused = await upload(clerk, exe, 'photo.jpg');
    expect(refused.status).toBe(415);
    expect(refused.body.errors![0].message).toContain('Windows 可执行程序');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const svgAnswer = await upload(clerk, svg, 'photo.png', undefined, 'en');
    expect(svgAnswer.status).toBe(415);
    expect(svgAnswer.body.errors![0].message).toContain('an SVG image');
    const html = await upload(clerk, Buffer.from('<!DOCTYPE html><html><body>hi</body></html>'), 'a.pdf', {
      ledger: LEDGER.key,
      field: 'docs',
    });
    expect(html.status).toBe(415);
    expect(html.body.errors![0].message).toContain('HTML');
  });

  it('refuses a kind the field does not take, and a truncated JPEG', async () => {
    const wrongKind = await upload(clerk, pdf('x'), 'x.pdf');
    expect(wrongKind.status).toBe(415);
    expect(wrongKind.body.errors![0].message).toBe('此字段只收图片，这个文件是PDF');
    const truncated = await upload(clerk, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'cut.jpg');
    expect(truncated.status).toBe(400);
    expect(truncated.body.errors![0].message).toBe('图片不完整或已损坏，无法打开');
    const [{ count }] = await t.db.query<{ count: string }>(`SELECT count(*) FROM attachments WHERE name = 'cut.jpg'`);
    expect(Number(count)).toBe(0);
  });

  it('refuses an unknown field, a field of another type, a leader, and no sign-in', async () => {
    expect((await upload(clerk, jpeg, 'a.jpg', { ledger: LEDGER.key, field: 'issue' })).status).toBe(400);
    expect((await upload(clerk, jpeg, 'a.jpg', { ledger: LEDGER.key, field: 'nope' })).status).toBe(400);
    expect((await upload(leader, jpeg, 'a.jpg')).status).toBe(403);
    const anonymous = await fetch(`${t.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
      method: 'POST',
      body: new FormData(),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('an upload with an API token', () => {
  const CREATE = `mutation ($input: ApiTokenInput!) { createApiToken(input: $input) { token } }`;
  const tokenOf = async (input: Record<string, unknown>) => {
    const answer = await t.gql(CREATE, { input }, { token: admin });
    expect(answer.errors).toBeUndefined();
    return answer.data!.createApiToken.token as string;
  };

  it('is taken from a UNIT_WRITE token for its unit and refused to a reading token', async () => {
    const [{ id }] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`);
    const writer = await tokenOf({ name: '附件网关', scope: 'UNIT_WRITE', unitId: String(id) });
    const written = await upload(writer, png, 'gateway.png');
    expect(written.status).toBe(201);
    const [row] = await t.db.query<{ unit_id: number }>(`SELECT unit_id FROM attachments WHERE handle = $1`, [
      written.body.handle,
    ]);
    expect(row.unit_id).toBe(id);
    const reader = await tokenOf({ name: '只读', scope: 'ROWS_READ', ledgers: [LEDGER.key] });
    const refused = await upload(reader, png, 'gateway.png');
    expect(refused.status).toBe(403);
    expect(refused.body.errors![0].extensions.reason).toBe('TOKEN_SCOPE_REFUSED');
  });
});

describe('a file served', () => {
  it('goes to its uploader before a row holds it, with safe headers, and to nobody else', async () => {
    const { body } = await upload(clerk, jpeg, '现场照片 "A".jpg');
    const mine = await get(`/attachments/${body.handle}`, clerk);
    expect(mine.response.status).toBe(200);
    expect(sha256(mine.bytes)).toBe(body.sha256);
    expect(mine.response.headers.get('content-type')).toBe('image/jpeg');
    expect(mine.response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(mine.response.headers.get('content-security-policy')).toBe('sandbox');
    expect(mine.response.headers.get('cache-control')).toMatch(/^private/);
    expect(mine.response.headers.get('content-disposition')).toBe(
      `inline; filename="____ _A_.jpg"; filename*=UTF-8''${encodeURIComponent('现场照片 "A".jpg')}`,
    );
    expect((await get(`/attachments/${body.handle}`, otherClerk)).response.status).toBe(404);
    expect((await get(`/attachments/${body.handle}/thumbnail`, otherClerk)).response.status).toBe(404);
    expect((await get(`/attachments/AAAAAAAAAAAAAAAAAAAAAA`, clerk)).response.status).toBe(404);
  });

  it('goes to whoever reads the row once saved: its unit and an admin, not another unit', async () => {
    const { body } = await upload(clerk, jpeg, 'before.jpg');
    const saved = await save(clerk, [
      { op: 'INSERT', values: { issue: '路灯损坏', photos: [{ handle: body.handle }] } },
    ]);
    expect(saved.results[0].status).toBe('SAVED');
    expect(saved.results[0].row.values.photos).toEqual([body]);
    expect(saved.results[0].row.values.photo_count).toBe(1);
    for (const token of [clerk, admin, leader]) {
      const file = await get(`/attachments/${body.handle}`, token);
      expect(file.response.status).toBe(200);
      const thumbnail = await get(`/attachments/${body.handle}/thumbnail`, token);
      expect(thumbnail.response.status).toBe(200);
      expect(thumbnail.response.headers.get('content-type')).toBe('image/webp');
    }
    expect((await get(`/attachments/${body.handle}`, otherClerk)).response.status).toBe(404);
    expect((await get(`/attachments/${body.handle}/thumbnail`, otherClerk)).response.status).toBe(404);
  });

  it('offers a document as a download, never inline', async () => {
    const pdfUpload = await upload(clerk, pdf('inline'), '方案.pdf', { ledger: LEDGER.key, field: 'docs' });
    expect(
      (await get(`/attachments/${pdfUpload.body.handle}`, clerk)).response.headers.get('content-disposition'),
    ).toMatch(/^inline;/);
    const exported = await get(`/export/${LEDGER.key}.xlsx`, clerk);
    const sheet = await upload(clerk, exported.bytes, '台账.xlsx', { ledger: LEDGER.key, field: 'docs' });
    const served = await get(`/attachments/${sheet.body.handle}`, clerk);
    expect(served.response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(served.response.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect((await get(`/attachments/${sheet.body.handle}/thumbnail`, clerk)).response.status).toBe(404);
  });
});

/** The links of a row's files, as the database keeps them: handle → current. */
async function linksOf(rowId: string): Promise<Record<string, boolean>> {
  const links = await t.db.query<{ handle: string; current: boolean }>(
    `SELECT handle, current FROM attachment_links WHERE ledger_key = $1 AND row_id = $2`,
    [LEDGER.key, rowId],
  );
  return Object.fromEntries(links.map((l) => [l.handle, l.current]));
}

describe('a save with files', () => {
  it('refuses another unit’s upload, one for another field, and a made-up handle, naming row, field and file', async () => {
    const theirs = await upload(otherClerk, jpeg, '别处的照片.jpg');
    const document = await upload(clerk, pdf('doc'), '方案.pdf', { ledger: LEDGER.key, field: 'docs' });
    const saved = await save(clerk, [
      { op: 'INSERT', values: { issue: 'a', photos: [{ handle: theirs.body.handle }] } },
      { op: 'INSERT', values: { issue: 'b', photos: [{ handle: document.body.handle }] } },
      { op: 'INSERT', values: { issue: 'c', photos: [{ handle: 'BBBBBBBBBBBBBBBBBBBBBB' }] } },
      { op: 'INSERT', values: { issue: 'd', photos: '整改前.jpg' } },
    ]);
    expect(saved.results.map((r: { status: string }) => r.status)).toEqual([
      'REJECTED',
      'REJECTED',
      'REJECTED',
      'REJECTED',
    ]);
    // another unit's upload is not disclosed: its handle reads as unknown
    expect(saved.results[0].errors).toEqual([
      {
        path: 'photos',
        message:
          '第 1 行「整改前照片」：文件「BBBBBBBBBBBBBBBBBBBBBB」不存在，或不是为本台账本字段、本单位上传的'.replace(
            'BBBBBBBBBBBBBBBBBBBBBB',
            theirs.body.handle,
          ),
      },
    ]);
    expect(saved.results[1].errors[0].message).toBe(
      '第 2 行「整改前照片」：文件「方案.pdf」不存在，或不是为本台账本字段、本单位上传的',
    );
    expect(saved.results[2].errors[0].path).toBe('photos');
    expect(saved.results[3].errors[0].message).toContain('应为附件列表');
    const [{ count }] = await t.db.query<{ count: string }>(
      `SELECT count(*) FROM attachment_links WHERE handle = ANY ($1::text[])`,
      [[theirs.body.handle, document.body.handle]],
    );
    expect(Number(count)).toBe(0);
  });

  it('checks the count and the total size of the stored files, naming the file', async () => {
    const a = await upload(clerk, await photo(700, 600), 'a.jpg');
    const b = await upload(clerk, await photo(700, 601), 'b.jpg');
    const c = await upload(clerk, await photo(700, 602), 'c.jpg');
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    const saved = await save(clerk, [
      { op: 'INSERT', values: { issue: 'three', photos: [a.body, b.body, c.body].map(({ handle }) => ({ handle })) } },
    ]);
    expect(saved.results[0].status).toBe('REJECTED');
    expect(saved.results[0].errors.map((e: { message: string }) => e.message)).toContain(
      '第 1 行「整改前照片」：最多 2 个文件（现有 3 个）',
    );
    // what a client claims of a file is not believed: the stored size is checked
    const lying = await save(clerk, [
      {
        op: 'INSERT',
        values: {
          issue: 'two',
          photos: [
            { ...a.body, size: 1 },
            { ...b.body, size: 1 },
          ],
        },
      },
    ]);
    const total = a.body.size + b.body.size;
    if (total > 1.5 * 1024 * 1024) expect(lying.results[0].status).toBe('REJECTED');
    else {
      expect(lying.results[0].status).toBe('SAVED');
      expect(lying.results[0].row.values.photos.map((p: Uploaded) => p.size)).toEqual([a.body.size, b.body.size]);
    }
  });

  it('keeps the replaced photo for the history: still served to the unit, never to another', async () => {
    const before = await upload(clerk, jpeg, 'old.jpg');
    const after = await upload(clerk, png, 'new.png');
    const inserted = await save(clerk, [
      { op: 'INSERT', values: { issue: '围墙破损', photos: [{ handle: before.body.handle }] } },
    ]);
    const row = inserted.results[0].row;
    expect(await linksOf(row.id)).toEqual({ [before.body.handle]: true });
    const updated = await save(clerk, [
      { op: 'UPDATE', id: row.id, version: row.version, values: { photos: [{ handle: after.body.handle }] } },
    ]);
    expect(updated.results[0].status).toBe('SAVED');
    expect(updated.results[0].row.values.photos).toEqual([after.body]);
    expect(await linksOf(row.id)).toEqual({ [before.body.handle]: false, [after.body.handle]: true });
    const old = await get(`/attachments/${before.body.handle}`, clerk);
    expect(old.response.status).toBe(200);
    expect(sha256(old.bytes)).toBe(before.body.sha256);
    expect((await get(`/attachments/${before.body.handle}`, otherClerk)).response.status).toBe(404);
    expect((await get(`/attachments/${after.body.handle}`, otherClerk)).response.status).toBe(404);
    // the same handles sent again, as handles only, change nothing
    const again = await save(clerk, [
      {
        op: 'UPDATE',
        id: row.id,
        version: updated.results[0].row.version,
        values: { issue: '围墙破损（已修）', photos: [{ handle: after.body.handle }] },
      },
    ]);
    expect(again.results[0].row.values.photos).toEqual([after.body]);
    const [{ entries }] = await t.db.query<{ entries: string }>(
      `SELECT count(*) AS entries FROM row_history WHERE ledger_key = $1 AND row_id = $2 AND new_values ? 'photos'`,
      [LEDGER.key, row.id],
    );
    expect(Number(entries)).toBe(2);
  });

  it('lets a delete drop the links and a restore bring the files back', async () => {
    const evidence = await upload(clerk, jpeg, 'evidence.jpg');
    const inserted = await save(clerk, [
      { op: 'INSERT', values: { issue: '占道', photos: [{ handle: evidence.body.handle }] } },
    ]);
    const row = inserted.results[0].row;
    const deleted = await save(clerk, [{ op: 'DELETE', id: row.id, version: row.version }]);
    expect(deleted.results[0].status).toBe('SAVED');
    expect(await linksOf(row.id)).toEqual({ [evidence.body.handle]: false });
    // the history still holds it: the unit still reads the file
    expect((await get(`/attachments/${evidence.body.handle}`, clerk)).response.status).toBe(200);
    const restored = await t.gql(RESTORE, { ledger: LEDGER.key, id: row.id }, { token: clerk });
    expect(restored.errors).toBeUndefined();
    expect(restored.data!.restoreRow.values.photos).toEqual([evidence.body]);
    expect(await linksOf(row.id)).toEqual({ [evidence.body.handle]: true });
  });

  it('takes an admin’s upload into a clerk’s row', async () => {
    const adminUpload = await upload(admin, png, 'template.png');
    expect(adminUpload.status).toBe(201);
    const saved = await save(clerk, [
      { op: 'INSERT', values: { issue: '模板', photos: [{ handle: adminUpload.body.handle }] } },
    ]);
    expect(saved.results[0].status).toBe('SAVED');
    expect((await get(`/attachments/${adminUpload.body.handle}`, clerk)).response.status).toBe(200);
    expect((await get(`/attachments/${adminUpload.body.handle}`, otherClerk)).response.status).toBe(404);
  });
});

describe('the collect job', () => {
  const stored = (hash: string) => path.join(dataDir, 'attachments', hash.slice(0, 2), hash.slice(2, 4), hash);
  const exists = (file: string) =>
    readFile(file).then(
      () => true,
      () => false,
    );

  it('removes a day-old upload no row took, and its content; never a handle a row holds or held', async () => {
    const lonely = await photo(300, 301);
    const unused = await upload(clerk, lonely, 'unused.jpg');
    const shared = await photo(300, 302);
    const kept = await upload(clerk, shared, 'kept.jpg');
    const sameBytes = await upload(clerk, shared, 'same-bytes-unused.jpg');
    const dropped = await upload(clerk, await photo(300, 303), 'dropped.jpg');
    const inserted = await save(clerk, [
      { op: 'INSERT', values: { issue: '留存', photos: [{ handle: kept.body.handle }] } },
      { op: 'INSERT', values: { issue: '已删', photos: [{ handle: dropped.body.handle }] } },
    ]);
    const gone = inserted.results[1].row;
    await save(clerk, [{ op: 'DELETE', id: gone.id, version: gone.version }]);

    const collector = t.api.app.get(AttachmentCollector);
    // not a day old yet: nothing goes
    expect(await collector.collect(new Date())).toEqual({ uploads: 0, contents: 0 });
    const later = await collector.collect(new Date(Date.now() + 25 * 3_600_000));
    expect(later.uploads).toBeGreaterThanOrEqual(2);
    const handles = (await t.db.query<{ handle: string }>(`SELECT handle FROM attachments`)).map((a) => a.handle);
    expect(handles).not.toContain(unused.body.handle);
    expect(handles).not.toContain(sameBytes.body.handle);
    expect(handles).toContain(kept.body.handle);
    // a deleted row's file stays: a restore brings the row back with it
    expect(handles).toContain(dropped.body.handle);
    expect(await exists(stored(unused.body.sha256))).toBe(false);
    expect(await exists(`${stored(unused.body.sha256)}.thumb.webp`)).toBe(false);
    expect(await exists(stored(kept.body.sha256))).toBe(true);
    expect(await exists(stored(dropped.body.sha256))).toBe(true);
    expect((await get(`/attachments/${kept.body.handle}`, clerk)).response.status).toBe(200);
    expect((await get(`/attachments/${dropped.body.handle}`, clerk)).response.status).toBe(200);
    expect((await get(`/attachments/${unused.body.handle}`, clerk)).response.status).toBe(404);
    // the same photo uploaded again is stored again
    const again = await upload(clerk, lonely, 'again.jpg');
    expect(again.status).toBe(201);
    expect(await exists(stored(unused.body.sha256))).toBe(true);
  });
});

describe('a correction of a submitted sheet', () => {
  const DAILY = {
    key: 'photo_daily',
    title: '每日现场照片',
    period: 'daily',
    periodField: 'day',
    fields: [
      { key: 'day', title: '日期', type: 'date', required: true, unique: true },
      { key: 'photo', title: '现场照片', type: 'attachment', kinds: ['image'] },
    ],
  };
  const REQUEST = `mutation ($row: ID!, $value: JSON, $reason: String!) {
    requestCorrection(ledger: "photo_daily", rowId: $row, field: "photo", value: $value, reason: $reason) {
      id state newValue oldText newText } }`;
  const APPROVE = 'mutation ($id: ID!) { approveCorrection(id: $id) { state newText } }';

  it('takes a new photo with a clerk’s request: the admin sees it, the collect job keeps it, approval puts it in the row', async () => {
    expect((await t.gql(PUBLISH, { d: DAILY }, { token: admin })).errors).toBeUndefined();
    const first = await upload(clerk, await photo(320, 240), '第一张.jpg', { ledger: 'photo_daily', field: 'photo' });
    const saved = await t.gql(
      SAVE,
      { ledger: 'photo_daily', changes: [{ op: 'INSERT', values: { day: '2023-05-10', photo: [first.body] } }] },
      { token: clerk },
    );
    const row = saved.data!.saveRows.results[0].row;
    const submitted = await t.gql(
      'mutation { submitSheet(ledger: "photo_daily", period: "2023-05-10") { state } }',
      {},
      { token: clerk },
    );
    expect(submitted.errors).toBeUndefined();

    // the sheet is locked: the clerk uploads the right photo and asks for a correction with it
    const better = await photo(320, 241);
    const second = await upload(clerk, better, '更正后.jpg', { ledger: 'photo_daily', field: 'photo' });
    const requested = await t.gql(
      REQUEST,
      { row: row.id, value: [{ handle: second.body.handle }], reason: '上传错了照片' },
      { token: clerk },
    );
    expect(requested.errors).toBeUndefined();
    const request = requested.data!.requestCorrection;
    // kept as stored: the file's name, size and kind, shown by its name
    expect(request).toMatchObject({ state: 'REQUESTED', oldText: '第一张.jpg', newText: '更正后.jpg' });
    expect(request.newValue).toEqual([second.body]);

    // the admin looks at the proposed photo before deciding; another unit's clerk cannot
    const seen = await get(`/attachments/${second.body.handle}`, admin);
    expect(seen.response.status).toBe(200);
    expect(sha256(seen.bytes)).toBe(sha256(better));
    expect((await get(`/attachments/${second.body.handle}/thumbnail`, admin)).response.status).toBe(200);
    expect((await get(`/attachments/${second.body.handle}`, otherClerk)).response.status).toBe(404);

    // the admin takes two days: the request holds the file, the collect job leaves it
    await t.api.app.get(AttachmentCollector).collect(new Date(Date.now() + 49 * 3_600_000));
    const [kept] = await t.db.query(`SELECT handle FROM attachments WHERE handle = $1`, [second.body.handle]);
    expect(kept).toBeDefined();

    const approved = await t.gql(APPROVE, { id: request.id }, { token: admin });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveCorrection).toMatchObject({ state: 'APPLIED', newText: '更正后.jpg' });
    const now = await t.gql(
      'query { rows(ledger: "photo_daily", period: "2023-05-10") { edges { node { values } } } }',
      {},
      { token: clerk },
    );
    expect((now.data!.rows.edges[0].node.values.photo as Uploaded[]).map((f) => f.handle)).toEqual([
      second.body.handle,
    ]);
    // the replaced photo stays in the history, served to the unit
    expect((await get(`/attachments/${first.body.handle}`, clerk)).response.status).toBe(200);
  });
});
