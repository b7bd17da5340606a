import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * The Excel export of attachment cells (docs/attachments.md, "Export and print"): each cell holds
 * the file names and links to `<public address>/attachments/<handle>`, the admin's address when
 * one is set, else the request's own origin; CSV holds the names.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved results { status errors { path message } } } }`;
const SET_ADDRESS = 'mutation ($url: String) { setPublicBaseUrl(url: $url) { url } }';

const LEDGER = {
  key: 'export_probe',
  title: '整改台账',
  // names a row's folder in the zip
  display: 'issue',
  fields: [
    { key: 'issue', title: '问题', type: 'text', required: true },
    { key: 'photos', title: '整改照片', type: 'attachment', kinds: ['image'], maxFiles: 3 },
  ],
};

let t: TestApi;
let dataDir: string;
let admin: string;
let clerk: string;
let clerk02: string;
const handles: Record<string, string> = {};

const photo = (shade: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: shade } })
    .jpeg()
    .toBuffer();

type Ref = { handle: string; name: string; size: number; kind: string; sha256: string };

async function upload(bytes: Buffer, name: string, token = clerk) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${t.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Ref;
}

async function download(file: string, token = clerk) {
  const response = await fetch(`${t.url}${file}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** Data rows of the export's sheet (title and header rows skipped), by the issue column's text. */
async function photoCells(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const header = sheet.getRow(2).values as unknown[];
  const issueColumn = header.indexOf('问题');
  const photoColumn = header.indexOf('整改照片');
  expect(issueColumn).toBeGreaterThan(0);
  expect(photoColumn).toBeGreaterThan(0);
  const cells: Record<string, { value: unknown; note: unknown; line: number }> = {};
  sheet.eachRow((row, number) => {
    if (number <= 2) return;
    const cell = row.getCell(photoColumn);
    cells[String(row.getCell(issueColumn).value)] = { value: cell.value, note: cell.note, line: number };
  });
  return cells;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'taizhang-attach-export-'));
  t = await startTestApi({ DATA_DIR: dataDir });
  [admin, clerk, clerk02] = await Promise.all([t.signIn('admin'), t.signIn('clerk01'), t.signIn('clerk02')]);
  expect((await t.gql(PUBLISH, { d: LEDGER }, { token: admin })).errors).toBeUndefined();
  const before = await upload(await photo('#aa3333'), '整改前.jpg');
  const after = await upload(await photo('#33aa33'), '整改后.jpg');
  const single = await upload(await photo('#3333aa'), 'site photo.jpg');
  Object.assign(handles, { before: before.handle, after: after.handle, single: single.handle });
  const saved = await t.gql(
    SAVE,
    {
      ledger: LEDGER.key,
      changes: [
        { op: 'INSERT', values: { issue: '两张', photos: [before, after] } },
        { op: 'INSERT', values: { issue: '一张', photos: [single] } },
        { op: 'INSERT', values: { issue: '没有', photos: null } },
      ],
    },
    { token: clerk },
  );
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.saveRows.saved).toBe(3);
});
afterAll(async () => {
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('an export of attachment cells', () => {
  it('links each file to the request’s origin when no public address is set', async () => {
    const cells = await photoCells(await download(`/export/${LEDGER.key}.xlsx`));
    const origin = new URL(t.url).origin;
    expect(cells['一张'].value).toEqual({
      text: 'site photo.jpg',
      hyperlink: `${origin}/attachments/${handles.single}`,
    });
    expect(cells['一张'].note).toBeUndefined();
    // two files: both names, the first one's link, and every name with its link in the note
    expect(cells['两张'].value).toEqual({
      text: '整改前.jpg\n整改后.jpg',
      hyperlink: `${origin}/attachments/${handles.before}`,
    });
    expect(JSON.stringify(cells['两张'].note)).toContain(`${origin}/attachments/${handles.before}`);
    expect(JSON.stringify(cells['两张'].note)).toContain(`${origin}/attachments/${handles.after}`);
    expect(cells['没有'].value).toBeNull();
  });

  it('links to the public address an admin set, and each link serves the file to the row’s unit', async () => {
    const set = await t.gql(SET_ADDRESS, { url: 'https://tz.example.gov.cn/' }, { token: admin });
    expect(set.errors).toBeUndefined();
    try {
      const cells = await photoCells(await download(`/export/${LEDGER.key}.xlsx`));
      const link = (cells['一张'].value as { hyperlink: string }).hyperlink;
      expect(link).toBe(`https://tz.example.gov.cn/attachments/${handles.single}`);
      // the same path on the API under test is the file
      const served = await fetch(`${t.url}${new URL(link).pathname}`, {
        headers: { authorization: `Bearer ${clerk}` },
      });
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/jpeg');
    } finally {
      await t.gql(SET_ADDRESS, { url: null }, { token: admin });
    }
  });

  it('writes the file names in CSV', async () => {
    const csv = (await download(`/export/${LEDGER.key}.csv`)).toString('utf8');
    expect(csv).toContain('整改前.jpg、整改后.jpg');
    expect(csv).toContain('site photo.jpg');
    expect(csv).not.toContain('/attachments/');
  });
});

const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The zip's entries (files only) by path, with their bytes. */
async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(bytes);
  const entries = new Map<string, Buffer>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) entries.set(entry.name, await entry.async('nodebuffer'));
  }
  return entries;
}

async function saveRows(token: string, changes: unknown[]) {
  const saved = await t.gql(SAVE, { ledger: LEDGER.key, changes }, { token });
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.saveRows.results.flatMap((r: { errors: unknown[] | null }) => r.errors ?? [])).toEqual([]);
}

describe('an export with the files (?files=zip)', () => {
  const uploaded = new Map<string, Ref>();
  let otherUnits: Ref;

  beforeAll(async () => {
    // the same name twice in one cell, a name Windows refuses, and another unit's row with a photo
    const first = await upload(await photo('#101010'), 'IMG_0001.jpg');
    const second = await upload(await photo('#202020'), 'IMG_0001.jpg');
    const odd = await upload(await photo('#303030'), 'a:b?"c".jpg');
    await saveRows(clerk, [{ op: 'INSERT', values: { issue: '同名/文件', photos: [first, second, odd] } }]);
    otherUnits = await upload(await photo('#404040'), '别的单位.jpg', clerk02);
    await saveRows(clerk02, [{ op: 'INSERT', values: { issue: '二号单位', photos: [otherUnits] } }]);
    for (const ref of [first, second, odd]) uploaded.set(ref.handle, ref);
  });

  it('answers a zip named as the workbook, with the workbook and every file in folders by row', async () => {
    const response = await fetch(`${t.url}/export/${LEDGER.key}.xlsx?files=zip`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const disposition = response.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="export_probe\.zip"; filename\*=UTF-8''/);
    const fullName = decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]);
    expect(fullName).toMatch(/^整改台账-.+\.zip$/);
    const entries = await unzip(Buffer.from(await response.arrayBuffer()));

    // the workbook at the root, named as the zip
    const workbookName = fullName.replace(/\.zip$/, '.xlsx');
    expect(entries.has(workbookName)).toBe(true);
    const files = [...entries.keys()].filter((name) => name !== workbookName).sort();
    // rows in the workbook's order from line 3 (title and header above); a row without files has no folder
    expect(files).toEqual(
      [
        '附件/第3行 两张/整改照片/整改前.jpg',
        '附件/第3行 两张/整改照片/整改后.jpg',
        '附件/第4行 一张/整改照片/site photo.jpg',
        '附件/第6行 同名_文件/整改照片/IMG_0001.jpg',
        '附件/第6行 同名_文件/整改照片/IMG_0001 (2).jpg',
        '附件/第6行 同名_文件/整改照片/a_b__c_.jpg',
      ].sort(),
    );
    // every file's bytes are the uploaded ones
    const served = async (handle: string) => sha256(await download(`/attachments/${handle}`));
    expect(sha256(entries.get('附件/第4行 一张/整改照片/site photo.jpg')!)).toBe(await served(handles.single));
    expect(sha256(entries.get('附件/第3行 两张/整改照片/整改前.jpg')!)).toBe(await served(handles.before));
    expect(sha256(entries.get('附件/第3行 两张/整改照片/整改后.jpg')!)).toBe(await served(handles.after));
    const [first, second, odd] = [...uploaded.values()];
    expect(sha256(entries.get('附件/第6行 同名_文件/整改照片/IMG_0001.jpg')!)).toBe(first.sha256);
    expect(sha256(entries.get('附件/第6行 同名_文件/整改照片/IMG_0001 (2).jpg')!)).toBe(second.sha256);
    expect(sha256(entries.get('附件/第6行 同名_文件/整改照片/a_b__c_.jpg')!)).toBe(odd.sha256);
    // another unit's row and file are not in a clerk's zip
    const hashes = new Set([...entries.values()].map(sha256));
    expect(hashes.has(otherUnits.sha256)).toBe(false);
    expect(files.some((name) => name.includes('二号单位'))).toBe(false);

    // the workbook's cells link to the files in the zip, relative to the workbook (it opens offline)
    const cells = await photoCells(entries.get(workbookName)!);
    expect(cells['一张'].value).toEqual({
      text: 'site photo.jpg',
      hyperlink: '附件/第4行%20一张/整改照片/site%20photo.jpg',
    });
    expect(cells['两张'].value).toEqual({
      text: '整改前.jpg\n整改后.jpg',
      hyperlink: '附件/第3行%20两张/整改照片/整改前.jpg',
    });
    expect(String(cells['两张'].note)).toContain('附件/第3行%20两张/整改照片/整改后.jpg');
    expect(cells['同名/文件'].value).toEqual({
      text: 'IMG_0001.jpg\nIMG_0001.jpg\na:b?"c".jpg',
      hyperlink: '附件/第6行%20同名_文件/整改照片/IMG_0001.jpg',
    });
    expect(String(cells['同名/文件'].note)).toContain('附件/第6行%20同名_文件/整改照片/IMG_0001%20(2).jpg');
    expect(cells['没有'].value).toBeNull();
    // a row's folder names its line in the workbook
    expect([cells['两张'].line, cells['一张'].line, cells['同名/文件'].line]).toEqual([3, 4, 6]);
    // each link, unescaped, is an entry of the zip
    for (const cell of Object.values(cells)) {
      const link = (cell.value as { hyperlink?: string } | null)?.hyperlink;
      if (link) expect(entries.has(decodeURI(link))).toBe(true);
    }
    expect(entries.has('缺失文件.txt')).toBe(false);
  });

  it('gives the other unit’s clerk only his own row’s files, and an admin every unit’s', async () => {
    const own = await unzip(await download(`/export/${LEDGER.key}.xlsx?files=zip`, clerk02));
    const ownFiles = [...own.keys()].filter((name) => name.startsWith('附件/'));
    expect(ownFiles).toEqual(['附件/第3行 二号单位/整改照片/别的单位.jpg']);
    expect(sha256(own.get(ownFiles[0])!)).toBe(otherUnits.sha256);

    const all = await unzip(await download(`/export/${LEDGER.key}.xlsx?files=zip&lang=en`, admin));
    const allFiles = [...all.keys()].filter((name) => name.startsWith('Files/'));
    expect(allFiles).toHaveLength(7);
    expect(allFiles.filter((name) => name.endsWith('/别的单位.jpg'))).toHaveLength(1);
    expect(allFiles.every((name) => /^Files\/Row \d+ [^/]+\/整改照片\/[^/]+$/.test(name))).toBe(true);
  });

  it('leaves a file missing from the store out and lists it in 缺失文件.txt', async () => {
    const lost = await upload(await photo('#505050'), '丢失的照片.jpg');
    const kept = await upload(await photo('#606060'), '还在的照片.jpg');
    await saveRows(clerk, [{ op: 'INSERT', values: { issue: '丢了一张', photos: [lost, kept] } }]);
    await unlink(path.join(dataDir, 'attachments', lost.sha256.slice(0, 2), lost.sha256.slice(2, 4), lost.sha256));

    const entries = await unzip(await download(`/export/${LEDGER.key}.xlsx?files=zip`));
    const list = entries.get('缺失文件.txt')!.toString('utf8');
    expect(list.startsWith('\uFEFF')).toBe(true);
    expect(list).toContain('第7行 丢了一张「整改照片」：丢失的照片.jpg');
    expect(list).toContain(lost.sha256);
    expect(list).not.toContain('还在的照片');
    expect([...entries.keys()].some((name) => name.includes('丢失的照片'))).toBe(false);
    expect(sha256(entries.get('附件/第7行 丢了一张/整改照片/还在的照片.jpg')!)).toBe(kept.sha256);
    // the cell still names both; the missing one's link opens the list
    const workbook = [...entries.keys()].find((name) => name.endsWith('.xlsx'))!;
    const cells = await photoCells(entries.get(workbook)!);
    expect(cells['丢了一张'].value).toEqual({
      text: '丢失的照片.jpg\n还在的照片.jpg',
      hyperlink: '缺失文件.txt',
    });
    expect(String(cells['丢了一张'].note)).toContain('附件/第7行%20丢了一张/整改照片/还在的照片.jpg');
  });

  it('stops reading files and lets go of its rows when the client goes away mid-zip', async () => {
    // photos with 4 MB after their end (as a phone's motion photo): 12 MB that no socket buffer holds
    const big = await Promise.all(
      ['#707070', '#808080', '#909090'].map(async (shade, i) =>
        upload(Buffer.concat([await photo(shade), randomBytes(4 * 1024 * 1024)]), `大照片${i + 1}.jpg`),
      ),
    );
    await saveRows(clerk, [{ op: 'INSERT', values: { issue: '大文件', photos: big } }]);
    const abort = new AbortController();
    const response = await fetch(`${t.url}/export/${LEDGER.key}.xlsx?files=zip`, {
      headers: { authorization: `Bearer ${clerk}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    abort.abort();
    await reader.read().catch(() => undefined);
    // the zip's temp workbook goes and the export's transaction ends (its cursor closed with it)
    const exports = path.join(dataDir, 'exports');
    const open = async () => ({
      temp: (await readdir(exports).catch(() => [])).length,
      cursors: (
        await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        )
      )[0].n,
    });
    for (let i = 0; i < 100 && JSON.stringify(await open()) !== JSON.stringify({ temp: 0, cursors: 0 }); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toEqual({ temp: 0, cursors: 0 });
    // and the next zip is whole, big files included
    const entries = await unzip(await download(`/export/${LEDGER.key}.xlsx?files=zip`));
    for (const [i, ref] of big.entries())
      expect(sha256(entries.get(`附件/第8行 大文件/整改照片/大照片${i + 1}.jpg`)!)).toBe(ref.sha256);
  });

  it('refuses a zip of CSV and an unknown files option, before any byte of a file', async () => {
    for (const [query, reason] of [
      ['.csv?files=zip', 'FILE_FORMAT'],
      ['.xlsx?files=tar', 'INVALID_FILES_OPTION'],
    ]) {
      const response = await fetch(`${t.url}/export/${LEDGER.key}${query}`, {
        headers: { authorization: `Bearer ${clerk}` },
      });
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toContain(reason);
    }
  });
});
