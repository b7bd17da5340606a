import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
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
  fields: [
    { key: 'issue', title: '问题', type: 'text', required: true },
    { key: 'photos', title: '整改照片', type: 'attachment', kinds: ['image'], maxFiles: 3 },
  ],
};

let t: TestApi;
let dataDir: string;
let admin: string;
let clerk: string;
const handles: Record<string, string> = {};

const photo = (shade: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: shade } })
    .jpeg()
    .toBuffer();

async function upload(bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${t.url}/attachments?ledger=${LEDGER.key}&field=photos`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${clerk}` },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { handle: string; name: string; size: number; kind: string; sha256: string };
}

async function download(file: string) {
  const response = await fetch(`${t.url}${file}`, { headers: { authorization: `Bearer ${clerk}` } });
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
  const cells: Record<string, { value: unknown; note: unknown }> = {};
  sheet.eachRow((row, number) => {
    if (number <= 2) return;
    const cell = row.getCell(photoColumn);
    cells[String(row.getCell(issueColumn).value)] = { value: cell.value, note: cell.note };
  });
  return cells;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'taizhang-attach-export-'));
  t = await startTestApi({ DATA_DIR: dataDir });
  [admin, clerk] = await Promise.all([t.signIn('admin'), t.signIn('clerk01')]);
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
