import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import archiver from 'archiver';
import type { Response } from 'express';
import { specOf, textOf, type FieldValue, type LedgerModel, type Locale } from '@taizhang/ledger-core';
import type { LedgerExportRow } from './export-layout';
import { FolderNames, linkTarget, safeName } from './zip-names';

/** Where the zip reads a file: the attachment store's `open` (null when it has no such content). */
export interface FileSource {
  open(sha256: string, variant: 'file'): Promise<Readable | null>;
}

/** The longest row folder's label, field folder and file name, in characters (Windows' 260 for a whole path). */
const MAX_LABEL = 30;
const MAX_FIELD = 30;
const MAX_FILE = 60;

const WORDS = {
  'zh-CN': {
    files: '附件',
    row: (n: number) => `第${n}行`,
    id: (id: string) => `编号${id}`,
    missingList: '缺失文件.txt',
    missingHead:
      '以下文件在服务器的附件存储中找不到，未放入本压缩包（表格中的链接指向本文件）。请联系管理员检查附件存储或用备份恢复。',
    missingLine: (row: string, field: string, name: string, sha: string) =>
      `${row}「${field}」：${name}（SHA-256 ${sha || '无'}）`,
  },
  en: {
    files: 'Files',
    row: (n: number) => `Row ${n}`,
    id: (id: string) => `id ${id}`,
    missingList: 'missing files.txt',
    missingHead:
      "These files were not found in the server's attachment store and are not in this zip (the workbook's links to them open this list). Ask an administrator to check the store or restore it from a backup.",
    missingLine: (row: string, field: string, name: string, sha: string) =>
      `${row} "${field}": ${name} (SHA-256 ${sha || 'none'})`,
  },
};

/**
 * A stream once its file is open (an fs stream opens lazily: a file there but unreadable would
 * otherwise fail inside the zip and cut it), or null when it cannot be: then the file is missing.
 */
async function opened(stream: Readable | null): Promise<Readable | null> {
  if (stream === null || !(stream as Readable & { pending?: boolean }).pending) return stream;
  try {
    await once(stream, 'open');
    return stream;
  } catch {
    stream.destroy();
    return null;
  }
}

/** What the zip holds of a row: for each file field, the targets its cell's links point to (relative paths). */
export type RowFileTargets = Map<string, string[]>;

/**
 * The export's zip, streamed to the response: the rows' files first, each read from the store as
 * a stream and added one at a time as its row comes from the cursor (`addRow` waits until the
 * file is in the zip, which waits for the client), then the workbook — written meanwhile to a
 * temp file, because a zip entry cannot be interleaved with others — and the list of missing
 * files. Files are stored, not compressed (photos and PDFs are compressed already).
 *
 * Layout: `<workbook>.xlsx`, `附件/第12行 <display text or 编号id>/<field title>/<file name>`, where
 * 12 is the row's line in the workbook, and `缺失文件.txt` when a file was not in the store.
 */
export class ExportZip {
  private readonly archive = archiver('zip', { store: true });
  private readonly workbookPath: string;
  private readonly rowFolders = new FolderNames();
  private readonly missing: string[] = [];
  private readonly words: (typeof WORDS)['zh-CN'];
  /** Settles (rejects) when the client went away or the zip failed: every wait races it. */
  private readonly broken: Promise<never>;
  private aborted = false;
  readonly workbook: WriteStream;

  private constructor(
    private readonly res: Response,
    private readonly files: FileSource,
    private readonly model: LedgerModel,
    private readonly locale: Locale,
    private readonly workbookName: string,
    private readonly tempDir: string,
  ) {
    this.words = WORDS[locale === 'en' ? 'en' : 'zh-CN'];
    this.workbookPath = path.join(tempDir, 'workbook.xlsx');
    this.workbook = createWriteStream(this.workbookPath);
    this.broken = new Promise<never>((_, reject) => {
      this.archive.once('error', reject);
      this.workbook.once('error', reject);
      res.once('close', () => {
        if (!res.writableFinished) reject(new Error('the client went away'));
      });
    });
    this.broken.catch(() => {
      this.abort();
      if (!res.writableFinished) res.destroy();
    });
    this.archive.pipe(res);
  }

  /** Headers sent, the zip piped to the response, the workbook's temp file open. */
  static async start(
    res: Response,
    files: FileSource,
    model: LedgerModel,
    locale: Locale,
    names: { ascii: string; full: string },
    tempRoot: string,
  ): Promise<ExportZip> {
    await mkdir(tempRoot, { recursive: true });
    const tempDir = await mkdtemp(path.join(tempRoot, 'zip-'));
    res.status(200);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${names.ascii}.zip"; filename*=UTF-8''${encodeURIComponent(`${names.full}.zip`)}`,
    );
    const workbookName = `${safeName(names.full, 80)}.xlsx`;
    return new ExportZip(res, files, model, locale, workbookName, tempDir);
  }

  /**
   * A row's files into the zip, in its folder (none for a row without files); the targets its
   * cells link to. `line` is the row's line in the workbook.
   */
  async addRow(record: LedgerExportRow, line: number): Promise<RowFileTargets> {
    const targets: RowFileTargets = new Map();
    const fileFields = this.model.fields.flatMap((field) => {
      const links = specOf(field).spreadsheet(field).links;
      const value = (record.row.values[field.key] ?? null) as FieldValue;
      return links && value !== null ? [{ field, files: links(value) }] : [];
    });
    if (fileFields.every((f) => f.files.length === 0)) return targets;
    const rowText = `${this.words.row(line)} ${this.label(record)}`;
    const rowFolder = `${this.words.files}/${this.rowFolders.take(safeName(rowText, MAX_LABEL + 8))}`;
    const fieldFolders = new FolderNames();
    for (const { field, files } of fileFields) {
      const title = textOf(field.title, this.locale);
      const folder = `${rowFolder}/${fieldFolders.take(safeName(title, MAX_FIELD))}`;
      const names = new FolderNames();
      const fieldTargets: string[] = [];
      for (const file of files) {
        const entry = `${folder}/${names.take(safeName(file.text, MAX_FILE, { keepExtension: true }), { keepExtension: true })}`;
        const stream = await opened(await this.files.open(file.sha256, 'file').catch(() => null));
        if (stream === null) {
          this.missing.push(this.words.missingLine(rowText, title, file.text, file.sha256));
          fieldTargets.push(linkTarget(this.words.missingList));
          continue;
        }
        await this.add(stream, entry);
        fieldTargets.push(linkTarget(entry));
      }
      targets.set(field.key, fieldTargets);
    }
    return targets;
  }

  /** The workbook (finished on its temp file) and the list of missing files in, the zip finished. */
  async end(): Promise<void> {
    try {
      if (!this.workbook.writableFinished) await this.race(once(this.workbook, 'finish'));
      await this.add(createReadStream(this.workbookPath), this.workbookName);
      if (this.missing.length > 0) {
        // a BOM and CRLF, so that Notepad shows the Chinese and the lines
        const text = `\uFEFF${[this.words.missingHead, '', ...this.missing].join('\r\n')}\r\n`;
        await this.add(Buffer.from(text, 'utf8'), this.words.missingList, false);
      }
      const finished = once(this.res, 'finish');
      await this.race(this.archive.finalize());
      await this.race(finished);
    } finally {
      await this.cleanUp();
    }
  }

  /**
   * The zip given up (the client went away, a read failed, the export failed): no more of it goes
   * to the response — unpiped first, so that archiver's end does not end the response, which the
   * caller still answers or cuts — and the temp file gone.
   */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.archive.unpipe(this.res);
    this.archive.abort();
    this.workbook.destroy();
    void this.cleanUp();
  }

  private async cleanUp(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
  }

  /** One entry, waited for until archiver has written it out (so only one file is open at a time). */
  private async add(source: Readable | Buffer, name: string, store = true): Promise<void> {
    if (this.aborted) throw new Error('the zip was given up');
    // entries are written in the order appended, and this is the only one on its way
    const written = new Promise<void>((resolve) => this.archive.once('entry', () => resolve()));
    this.archive.append(source, { name, store });
    try {
      await this.race(written);
    } catch (error) {
      if (!Buffer.isBuffer(source)) source.destroy();
      throw error;
    }
  }

  private race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.broken]);
  }

  /**
   * What names a row in its folder: the ledger's display field's text (a reference there: what its
   * row says, as the workbook shows it), else its id.
   */
  private label(record: LedgerExportRow): string {
    const key = this.model.definition.display;
    const field = key ? this.model.byKey.get(key) : undefined;
    const value = field ? ((record.row.values[field.key] ?? null) as FieldValue) : null;
    const shown = field ? record.row.display?.[field.key] : null;
    const text = shown
      ? shown.trim()
      : field && value !== null
        ? specOf(field).format(value, field, this.locale).trim()
        : '';
    return text ? text.slice(0, 200) : this.words.id(record.row.id);
  }
}

/**
 * The workbooks of zips cut short by a crash (`DATA_DIR/exports/zip-*`), removed at start; an
 * hour's margin leaves alone another server's export in progress. How many were removed.
 */
export async function sweepExportTemp(tempRoot: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tempRoot).catch(() => [] as string[])) {
    const folder = path.join(tempRoot, name);
    const info = await stat(folder).catch(() => null);
    if (name.startsWith('zip-') && info && now - info.mtimeMs >= olderThanMs) {
      await rm(folder, { recursive: true, force: true });
      removed += 1;
    }
  }
  return removed;
}
