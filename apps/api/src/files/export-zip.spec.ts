import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Response } from 'express';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import type { LedgerExportRow } from './export-layout';
import { ExportZip, type FileSource } from './export-zip';

const MODEL = modelOf({
  key: 'probe',
  title: '整改',
  display: 'issue',
  fields: [
    { key: 'issue', title: '问题', type: 'text' },
    { key: 'photos', title: '整改照片', type: 'attachment', kinds: ['image'] },
  ],
} as LedgerDefinition);

const sha = (c: string) => c.repeat(64);
const ref = (name: string, c: string) => ({ handle: `h${c}`, name, size: 3, kind: 'image', sha256: sha(c) });

/** A response that is a plain stream: what the zip writes, collected. */
function fakeResponse() {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const headers: Record<string, string> = {};
  const res = Object.assign(out, {
    status: () => res,
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
  });
  return { res: res as unknown as Response, headers, bytes: () => Buffer.concat(chunks) };
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'taizhang-zip-spec-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('the export zip', () => {
  it('lists a file that is in the store but cannot be opened as missing, and keeps the rest', async () => {
    const files: FileSource = {
      // "a": bytes; "b": a stream whose file fails to open (as an unreadable file would); "c": none
      open: async (sha256) =>
        sha256 === sha('a')
          ? Readable.from([Buffer.from('AAA')])
          : sha256 === sha('b')
            ? createReadStream(path.join(root, 'no-such-file'))
            : null,
    };
    const { res, headers, bytes } = fakeResponse();
    const zip = await ExportZip.start(res, files, MODEL, 'zh-CN', { ascii: 'probe', full: '整改-城关镇' }, root);
    expect(headers['content-type']).toBe('application/zip');
    expect(headers['content-disposition']).toBe(
      `attachment; filename="probe.zip"; filename*=UTF-8''${encodeURIComponent('整改-城关镇.zip')}`,
    );
    const row: LedgerExportRow = {
      row: {
        id: '12',
        unitId: '1',
        period: null,
        version: 1,
        updatedAt: new Date(),
        display: null,
        origin: null,
        values: { issue: '东街', photos: [ref('好.jpg', 'a'), ref('打不开.jpg', 'b'), ref('没有.jpg', 'c')] },
      },
      unitName: '城关镇',
    };
    const targets = await zip.addRow(row, 3);
    expect(targets.get('photos')).toEqual(['附件/第3行%20东街/整改照片/好.jpg', '缺失文件.txt', '缺失文件.txt']);
    zip.workbook.end(Buffer.from('the workbook'));
    await zip.end();

    const unzipped = await JSZip.loadAsync(bytes());
    const names = Object.keys(unzipped.files).filter((name) => !unzipped.files[name].dir);
    expect(names.sort()).toEqual(['整改-城关镇.xlsx', '缺失文件.txt', '附件/第3行 东街/整改照片/好.jpg'].sort());
    expect(await unzipped.files['附件/第3行 东街/整改照片/好.jpg'].async('string')).toBe('AAA');
    expect(await unzipped.files['整改-城关镇.xlsx'].async('string')).toBe('the workbook');
    const list = await unzipped.files['缺失文件.txt'].async('string');
    expect(list).toContain('第3行 东街「整改照片」：打不开.jpg');
    expect(list).toContain('第3行 东街「整改照片」：没有.jpg');
    // the temp workbook is gone
    expect(await readdir(root)).toEqual([]);
  });

  it('names a row without a display text by its id, and gives a row without files no folder', async () => {
    const files: FileSource = { open: async () => Readable.from([Buffer.from('x')]) };
    const { res, bytes } = fakeResponse();
    const zip = await ExportZip.start(res, files, MODEL, 'en', { ascii: 'probe', full: 'probe' }, root);
    const base = { unitId: '1', period: null, version: 1, updatedAt: new Date(), display: null, origin: null };
    const none = await zip.addRow(
      { row: { ...base, id: '7', values: { issue: 'x', photos: null } }, unitName: 'u' },
      3,
    );
    expect(none.size).toBe(0);
    await zip.addRow(
      { row: { ...base, id: '8', values: { issue: null, photos: [ref('a.jpg', 'a')] } }, unitName: 'u' },
      4,
    );
    zip.workbook.end();
    await zip.end();
    const unzipped = await JSZip.loadAsync(bytes());
    expect(
      Object.keys(unzipped.files)
        .filter((name) => !unzipped.files[name].dir)
        .sort(),
    ).toEqual(['Files/Row 4 id 8/整改照片/a.jpg', 'probe.xlsx'].sort());
  });
});
