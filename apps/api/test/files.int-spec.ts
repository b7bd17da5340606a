import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdent, rowSearchFunctionName, tableNameOf } from '@taizhang/ledger-core';
import {
  createTestDatabase,
  postGraphQL,
  startProductServer,
  type ProductServer,
  type TestDatabase,
} from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

/** The contract's file endpoints, spoken to over HTTP as a browser or a script would. */

const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved results { status errors { path message } } }
}`;
const ROWS = `query ($ledger: String!, $unitId: ID, $period: String) {
  rows(ledger: $ledger, unitId: $unitId, period: $period, first: 1000, orderBy: [{ field: "report_date" }]) {
    totalCount edges { node { period values } }
  }
}`;

let t: TestApi;
let clerk01: string;
let clerk02: string;
let clerk03: string;
let admin: string;
const unitIds: Record<string, string> = {};

/**
 * The files of a daily sheet whose every figure is typed: the seed's daily report with its
 * counts typed instead of derived from the window cases (how a derived column imports is
 * tested on the seed's own report, below).
 */
const TYPED_DAILY = (() => {
  const seed = JSON.parse(readFileSync('schemas/daily_followup.json', 'utf8')) as {
    key: string;
    fields: { derive?: unknown; required?: boolean }[];
  };
  for (const field of seed.fields) if (field.derive) delete field.derive;
  return { ...seed, key: 'daily_typed' };
})();

beforeAll(async () => {
  t = await startTestApi();
  [clerk01, clerk02, clerk03, admin] = await Promise.all(
    ['clerk01', 'clerk02', 'clerk03', 'admin'].map((u) => t.signIn(u)),
  );
  const published = await t.gql(
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: TYPED_DAILY },
    { token: admin },
  );
  expect(published.errors).toBeUndefined();
  for (const u of await t.db.query<{ code: string; id: number }>(`SELECT code, id FROM units`))
    unitIds[u.code] = String(u.id);
});
afterAll(() => t?.close());

async function download(path: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.url}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

interface ImportAnswerJson {
  mode: string;
  headerRow: number;
  columns: { column: string; header: string; field: string | null }[];
  rows: {
    rowNumber: number;
    status: string;
    values: Record<string, unknown>;
    errors: { field: string; message: string }[];
  }[];
  valid: number;
  saved: number;
  rejected: number;
  errors?: { message: string; extensions: { code: string; reason: string } }[];
}

async function upload(
  ledger: string,
  bytes: Buffer | Uint8Array,
  fileName: string,
  query: Record<string, string>,
  token: string,
  language?: string,
): Promise<{ status: number; body: ImportAnswerJson }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), fileName);
  const response = await fetch(`${t.url}/import/${ledger}?${new URLSearchParams(query)}`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}`, ...(language ? { 'accept-language': language } : {}) },
  });
  return { status: response.status, body: (await response.json()) as ImportAnswerJson };
}

const report = (date: string, cases: number, followUps: number, dissatisfied = 0, qr = 0) => ({
  op: 'INSERT',
  values: { report_date: date, cases, follow_ups: followUps, dissatisfied, qr_good_reviews: qr },
});

async function rowsOf(token: string, unitId?: string) {
  const answer = await t.gql(ROWS, { ledger: 'daily_typed', unitId }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.rows.edges.map((e: { node: { period: string; values: Record<string, unknown> } }) => e.node);
}

const countRows = async () =>
  (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_daily_typed WHERE deleted_at IS NULL`))[0].n;

async function workbookOf(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets[0];
}

async function xlsxBytes(build: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook.addWorksheet('Sheet1'));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('export then import', () => {
  const source = [report('2023-03-01', 10, 8, 1, 2), report('2023-03-02', 5, 5), report('2023-03-03', 7, 3, 0, 1)];

  beforeAll(async () => {
    const saved = await t.gql(SAVE, { ledger: 'daily_typed', changes: source }, { token: clerk01 });
    expect(saved.data!.saveRows.saved).toBe(3);
  });

  it('exports an xlsx in the attachment layout: title row, header row, typed cells, frozen header', async () => {
    const { response, bytes } = await download('/export/daily_typed.xlsx', clerk01);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const sheet = await workbookOf(bytes);
    expect(String(sheet.getCell('A1').value)).toContain('政务服务大回访日报台账');
    expect(String(sheet.getCell('A1').value)).toContain('城关镇');
    expect(sheet.model.merges).toContain('A1:F1');
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      '日期',
      '当日办件量',
      '当日回访量',
      '当日回访率',
      '当日回访不满意量',
      '静态二维码“好评”评价数量',
    ]);
    expect(sheet.getCell('A3').value).toEqual(new Date('2023-03-01T00:00:00Z'));
    expect(sheet.getCell('B3').value).toBe(10);
    expect(sheet.getCell('D3').value).toBe(0.8);
    expect(sheet.getCell('D3').numFmt).toMatch(/%$/);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.getColumn(1).width).toBeGreaterThan(8);
    expect(sheet.rowCount).toBe(5);
  });

  it('gives the same rows back when the exported xlsx is imported into another unit', async () => {
    const { bytes } = await download('/export/daily_typed.xlsx', clerk01);
    const preview = await upload('daily_typed', bytes, 'report.xlsx', { mode: 'preview' }, clerk02);
    expect(preview.status).toBe(200);
    expect(preview.body.headerRow).toBe(2);
    expect(preview.body.rows.map((r) => [r.rowNumber, r.status])).toEqual([
      [3, 'VALID'],
      [4, 'VALID'],
      [5, 'VALID'],
    ]);
    expect(await rowsOf(clerk02)).toEqual([]);
    const commit = await upload('daily_typed', bytes, 'report.xlsx', { mode: 'commit' }, clerk02);
    expect(commit.body).toMatchObject({ mode: 'commit', saved: 3, rejected: 0 });
    expect(await rowsOf(clerk02)).toEqual(await rowsOf(clerk01));
  });

  it('gives the same rows back from a CSV export (UTF-8 with a BOM), in English too', async () => {
    const { response, bytes } = await download('/export/daily_typed.csv?lang=en', clerk01);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split(/\r\n/);
    expect(lines[0]).toBe(
      'Date,Cases today,Follow-ups today,Follow-up rate today,Dissatisfied follow-ups today,Good reviews via static QR code',
    );
    expect(lines[1]).toBe('2023-03-01,10,8,80%,1,2');
    const commit = await upload('daily_typed', bytes, 'report.csv', { mode: 'commit' }, clerk03);
    expect(commit.body.saved).toBe(3);
    expect(await rowsOf(clerk03)).toEqual(await rowsOf(clerk01));
  });

  it('exports all units merged with a unit column for an admin, and limits by from/to', async () => {
    const { bytes } = await download('/export/daily_typed.csv?from=2023-03-02&to=2023-03-02', admin);
    const lines = bytes.toString('utf8').slice(1).trim().split(/\r\n/);
    expect(lines[0].startsWith('单位,日期,')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      '城关镇行政审批服务中心,2023-03-02',
      '亢村镇行政审批服务中心,2023-03-02',
      '照镜镇行政审批服务中心,2023-03-02',
    ]);
  });

  it('applies the rows filter to the export', async () => {
    const filter = encodeURIComponent(JSON.stringify({ cases: { gte: 7 } }));
    const { bytes } = await download(`/export/daily_typed.csv?filter=${filter}`, clerk01);
    expect(bytes.toString('utf8').trim().split(/\r\n/)).toHaveLength(3);
  });
});

describe("a county clerk's own sheet", () => {
  const clerkSheet = () =>
    xlsxBytes((sheet) => {
      sheet.mergeCells('A1:E1');
      sheet.getCell('A1').value = '亢村镇政务服务大回访日报台账';
      sheet.mergeCells('A2:E2');
      sheet.getCell('A2').value = '填报单位：亢村镇行政审批服务中心　　　2023年4月';
      sheet.addRow(['日期', '当日办件量', '当日回访量 ', '当日回访不满意量', '静态二维码“好评”评价数量']);
      sheet.addRow(['2023年4月1日', 12, 12, 0, 3]);
      sheet.addRow([new Date(Date.UTC(2023, 3, 2)), '8', '6', '1', null]);
      sheet.getCell('A5').numFmt = 'yyyy"年"m"月"d"日"';
      sheet.addRow(['2023/4/3', 5, 9, 0, 0]);
      sheet.addRow([]);
      sheet.addRow(['2023.4.4', 4, 4, 0, 1]);
    });

  it('finds the header under the title rows, reads Chinese dates, and previews each row with its reason', async () => {
    const before = await countRows();
    const { status, body } = await upload('daily_typed', await clerkSheet(), '四月.xlsx', { mode: 'preview' }, clerk02);
    expect(status).toBe(200);
    expect(body.headerRow).toBe(3);
    expect(body.columns.map((c) => c.field)).toEqual([
      'report_date',
      'cases',
      'follow_ups',
      'dissatisfied',
      'qr_good_reviews',
    ]);
    expect(body.rows.map((r) => [r.rowNumber, r.status])).toEqual([
      [4, 'VALID'],
      [5, 'VALID'],
      [6, 'REJECTED'],
      [8, 'VALID'],
    ]);
    expect(body.rows[1].values).toMatchObject({
      report_date: '2023-04-02',
      cases: 8,
      follow_ups: 6,
      follow_up_rate: 0.75,
    });
    expect(body.rows[2].errors).toEqual([{ field: 'follow_ups', message: '当日回访量不能大于当日办件量' }]);
    expect(await countRows()).toBe(before);
  });

  it('saves nothing of a file with a bad row unless the valid rows are to be kept; each row goes to its own day', async () => {
    const before = await countRows();
    const all = await upload('daily_typed', await clerkSheet(), 'a.xlsx', { mode: 'commit' }, clerk02, 'en');
    expect(all.body).toMatchObject({ saved: 0, rejected: 4 });
    expect(all.body.rows[0].errors[0].message).toMatch(/^[\x20-\x7e]+$/);
    expect(await countRows()).toBe(before);

    const kept = await upload(
      'daily_typed',
      await clerkSheet(),
      'a.xlsx',
      { mode: 'commit', keepValid: 'true' },
      clerk02,
    );
    expect(kept.body).toMatchObject({ saved: 3, rejected: 1 });
    const april = (await rowsOf(clerk02)).filter((r: { period: string }) => r.period.startsWith('2023-04'));
    expect(april.map((r: { period: string }) => r.period)).toEqual(['2023-04-01', '2023-04-02', '2023-04-04']);
  });

  it('refuses rows of a submitted (locked) day with the reason, and keeps the others', async () => {
    const submitted = await t.gql(
      `mutation { submitSheet(ledger: "daily_typed", period: "2023-03-01") { state } }`,
      {},
      { token: clerk01 },
    );
    expect(submitted.errors).toBeUndefined();
    const file = Buffer.from(
      '\ufeff日期,当日办件量,当日回访量,当日回访不满意量\r\n2023-03-01,1,1,0\r\n2023-03-09,2,2,0\r\n',
    );
    const { body } = await upload('daily_typed', file, 'x.csv', { mode: 'commit', keepValid: 'true' }, clerk01);
    expect(body.rows.map((r) => r.status)).toEqual(['REJECTED', 'SAVED']);
    expect(body.rows[0].errors[0].message).toContain('已提交并锁定');
  });

  it('takes a column mapping for headers it does not know', async () => {
    const file = Buffer.from('日子,办件,回访,不满意\n2023-05-01,3,3,0\n');
    const mapping = JSON.stringify({ A: 'report_date', 办件: 'cases', '3': 'follow_ups', D: 'dissatisfied' });
    const { status, body } = await upload('daily_typed', file, 'm.csv', { mode: 'preview', mapping }, clerk02);
    expect(status).toBe(200);
    expect(body.rows[0]).toMatchObject({ status: 'VALID', values: { report_date: '2023-05-01', cases: 3 } });
  });
});

describe('bad files get a clear message and save nothing', () => {
  const expectRefused = async (bytes: Buffer, name: string, reason: string, text: RegExp) => {
    const before = await countRows();
    const { status, body } = await upload('daily_typed', bytes, name, { mode: 'commit' }, clerk04());
    expect(status).toBe(400);
    expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    expect(body.errors![0].message).toMatch(text);
    expect(await countRows()).toBe(before);
  };
  let clerk04Token = '';
  const clerk04 = () => clerk04Token;
  beforeAll(async () => {
    clerk04Token = await t.signIn('clerk04');
  });

  it('a picture renamed to .xlsx', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    await expectRefused(png, 'photo.xlsx', 'FILE_TYPE', /请上传 Excel（\.xlsx）或 CSV/);
  });

  it('a password-protected workbook', async () => {
    // what Excel writes when a password is set: an OLE compound file with an EncryptionInfo stream
    const ole = Buffer.alloc(4096);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    Buffer.from('EncryptionInfo', 'utf16le').copy(ole, 1024);
    await expectRefused(ole, 'secret.xlsx', 'FILE_ENCRYPTED', /密码/);
  });

  it('an old .xls workbook', async () => {
    const ole = Buffer.alloc(4096);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    Buffer.from('Workbook', 'utf16le').copy(ole, 1024);
    await expectRefused(ole, 'old.xls', 'FILE_LEGACY_XLS', /另存为 \.xlsx/);
  });

  it('50 MB of junk', async () => {
    const junk = Buffer.alloc(50 * 1024 * 1024);
    for (let i = 0; i < junk.length; i += 4096) junk.writeUInt32LE((i * 2654435761) >>> 0, i);
    await expectRefused(junk, 'big.xlsx', 'FILE_TOO_LARGE', /超过 20 MB/);
  });

  it('a damaged xlsx (a zip cut short)', async () => {
    const whole = await xlsxBytes((sheet) => sheet.addRow(['日期', '当日办件量']));
    await expectRefused(whole.subarray(0, 300), 'cut.xlsx', 'FILE_UNREADABLE', /已损坏/);
  });

  it('merged cells in the data', async () => {
    const bytes = await xlsxBytes((sheet) => {
      sheet.addRow(['日期', '当日办件量', '当日回访量', '当日回访不满意量']);
      sheet.addRow(['2023-06-01', 3, 3, 0]);
      sheet.addRow(['2023-06-02', 3, 3, 0]);
      sheet.mergeCells('B2:B3');
    });
    await expectRefused(bytes, 'merged.xlsx', 'FILE_MERGED_CELLS', /合并单元格（B2:B3）/);
  });

  it('a sheet without the ledger header', async () => {
    await expectRefused(Buffer.from('a,b,c\n1,2,3\n'), 'x.csv', 'FILE_NO_HEADER', /找不到表头/);
  });

  it('formulas: a cached result is used, a formula without one is refused with its cell', async () => {
    const bytes = await xlsxBytes((sheet) => {
      sheet.addRow(['日期', '当日办件量', '当日回访量', '当日回访不满意量']);
      sheet.addRow(['2023-06-01', { formula: '1+2', result: 3 }, 3, 0]);
      sheet.addRow(['2023-06-02', { formula: 'B2*2' }, 3, 0]);
    });
    const before = await countRows();
    const { body } = await upload('daily_typed', bytes, 'f.xlsx', { mode: 'commit' }, clerk04());
    expect(body.rows.map((r) => r.status)).toEqual(['REJECTED', 'REJECTED']);
    expect(body.rows[0].errors[0].message).toContain('其他行有错误');
    expect(body.rows[1].errors).toEqual([
      { field: 'cases', message: expect.stringContaining('单元格 B3 是公式且没有计算结果') },
    ]);
    expect(await countRows()).toBe(before);
    const kept = await upload('daily_typed', bytes, 'f.xlsx', { mode: 'commit', keepValid: 'true' }, clerk04());
    expect(kept.body.rows[0]).toMatchObject({ status: 'SAVED', values: { cases: 3 } });
  });
});

describe('unit isolation', () => {
  it("keeps a clerk from another unit's rows, for export and import alike", async () => {
    const other = await download(`/export/daily_typed.xlsx?unitId=${unitIds.xz01}`, clerk02);
    expect(other.response.status).toBe(403);
    expect(JSON.parse(other.bytes.toString()).errors[0].extensions.code).toBe('FORBIDDEN');

    const own = await download('/export/daily_typed.csv', clerk02);
    const ownRows = own.bytes.toString('utf8').trim().split(/\r\n/).length - 1;
    expect(ownRows).toBe((await rowsOf(clerk02)).length);

    const file = Buffer.from('日期,当日办件量,当日回访量,当日回访不满意量\n2023-07-01,1,1,0\n');
    const before = await countRows();
    const { status } = await upload('daily_typed', file, 'x.csv', { mode: 'commit', unitId: unitIds.xz01 }, clerk02);
    expect(status).toBe(403);
    expect(await countRows()).toBe(before);
  });

  it('needs a session, and a leader may export but not import', async () => {
    expect((await download('/export/daily_typed.xlsx')).response.status).toBe(401);
    const leader = await t.signIn('leader');
    expect((await download('/export/daily_typed.xlsx', leader)).response.status).toBe(200);
    const file = Buffer.from('日期,当日办件量,当日回访量,当日回访不满意量\n2023-07-01,1,1,0\n');
    const { status } = await upload('daily_typed', file, 'x.csv', { mode: 'commit', unitId: unitIds.xz01 }, leader);
    expect(status).toBe(403);
  });
});

describe('the statistics view and the submission board as files', () => {
  it('exports statistics by unit with percentages as typed cells and a total row', async () => {
    const { response, bytes } = await download(
      '/export/statistics/daily_typed.xlsx?measures=cases,follow_ups,followup_rate&groupBy=unit&from=2023-03-01&to=2023-03-03',
      admin,
    );
    expect(response.status).toBe(200);
    const sheet = await workbookOf(bytes);
    expect(String(sheet.getCell('A1').value)).toContain('政务服务大回访日报台账');
    // the rate with its numerator and denominator beside it, titled from their measures; the
    // parts asked for on their own are not repeated
    expect(sheet.getRow(2).values).toEqual([undefined, '单位', '回访率', '回访量（分子）', '办件量（分母）']);
    const rows = (sheet.getSheetValues() as unknown[][]).slice(3).map((r) => r.slice(1));
    // clerk01, 02 and 03 each hold the same three days: 22 cases, 16 follow-ups
    expect(rows.find((r) => r[0] === '城关镇行政审批服务中心')).toEqual(['城关镇行政审批服务中心', 16 / 22, 16, 22]);
    expect(rows.at(-1)).toEqual(['合计', 48 / 66, 48, 66]);
    expect(sheet.getCell(`B${sheet.rowCount}`).numFmt).toBe('0.0%');
    expect(sheet.getCell(`C${sheet.rowCount}`).numFmt).not.toBe('0.0%');
  });

  it("writes each rate's numerator and denominator as the statistics query gives them, in both languages", async () => {
    const range = 'from=2023-03-01&to=2023-03-03';
    const { bytes } = await download(
      `/export/statistics/daily_typed.csv?measures=dissatisfied_rate&groupBy=unit&${range}&lang=en`,
      admin,
    );
    const lines = bytes.toString('utf8').slice(1).trim().split(/\r\n/);
    expect(lines[0]).toBe('Unit,Dissatisfaction rate,Dissatisfied (numerator),Follow-ups (denominator)');
    const answer = await t.gql<{
      statistics: {
        keyColumns: { labels: { value: string; label: string }[]; values: string[] }[];
        valueColumns: { measure: string; values: (number | null)[] }[];
      };
    }>(
      `{ statistics(ledger: "daily_typed", measures: ["dissatisfied", "follow_ups"], groupBy: ["unit"], from: "2023-03-01", to: "2023-03-03") {
          keyColumns { values labels { value label } } valueColumns { measure values } } }`,
      {},
      { token: admin },
    );
    const stats = answer.data!.statistics;
    const names = new Map(stats.keyColumns[0].labels.map((l) => [l.value, l.label]));
    const [dissatisfied, followUps] = stats.valueColumns;
    let compared = 0;
    stats.keyColumns[0].values.forEach((unit, i) => {
      const line = lines.find((l) => l.startsWith(`${names.get(unit)},`));
      const [, , numerator, denominator] = line!.split(',');
      expect([numerator, denominator]).toEqual([dissatisfied.values[i] ?? '', followUps.values[i] ?? ''].map(String));
      if (followUps.values[i]) compared += 1;
    });
    expect(compared).toBeGreaterThan(0);
  });

  it("exports a day's submission board, a clerk's own unit only", async () => {
    const all = await download('/export/board/daily_typed.csv?period=2023-03-01', admin);
    const lines = all.bytes.toString('utf8').slice(1).trim().split(/\r\n/);
    expect(lines[0]).toBe('单位,状态,提交时间,截止时间,行数,退回原因');
    expect(lines.find((l) => l.startsWith('城关镇'))).toMatch(
      /^城关镇行政审批服务中心,(已提交|已提交（逾期）),\d{4}-\d\d-\d\d \d\d:\d\d,2023-03-01 17:00,1,$/,
    );
    // the screen's words (草稿, not a word of the export's own)
    expect(lines.find((l) => l.startsWith('亢村镇'))).toMatch(/^亢村镇行政审批服务中心,草稿,,2023-03-01 17:00,1,$/);
    const board = await t.gql<{ submissionBoard: { sheets: { unit: { name: string }; state: string }[] } }>(
      '{ submissionBoard(ledger: "daily_typed", period: "2023-03-01") { sheets { unit { name } state } } }',
      {},
      { token: admin },
    );
    // as the board on the screen names each state (apps/web's grid.sheet.* messages)
    const SCREEN: Record<string, string> = {
      NOT_STARTED: '未开始',
      DRAFT: '草稿',
      SUBMITTED: '已提交',
      SUBMITTED_LATE: '已提交（逾期）',
      RETURNED: '已退回',
    };
    const sheets = board.data!.submissionBoard.sheets;
    expect(new Set(sheets.map((s) => s.state)).size).toBeGreaterThan(1);
    for (const s of sheets)
      expect(lines.find((l) => l.startsWith(`${s.unit.name},`))?.split(',')[1]).toBe(SCREEN[s.state]);
    const own = await download('/export/board/daily_typed.csv?period=2023-03-01', clerk02);
    expect(own.bytes.toString('utf8').trim().split(/\r\n/)).toHaveLength(2);
  });
});

describe('a large export', () => {
  const ROWS = 100_000;
  let server: ProductServer;
  let db: TestDatabase;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // V8 grows its heap lazily while allocation is fast (with its default limit, RSS rose 140–200 MB here
    // whatever the export's live data); a 128 MB old space, as a memory-bounded deployment would set,
    // keeps the figure about what the export holds. Holding every row or the file would not fit in it.
    server = await startProductServer({ DATABASE_URL: db.url, NODE_OPTIONS: '--max-old-space-size=128' }, 90_000);
    token = (
      await postGraphQL<{ signIn: { token: string } }>(
        server.url,
        'mutation { signIn(username: "clerk01", password: "Taizhang@2026") { token } }',
      )
    ).data!.signIn.token;
    const first = await postGraphQL(
      server.url,
      SAVE,
      {
        ledger: 'window_case',
        changes: [
          {
            op: 'INSERT',
            values: {
              case_no: 'HJ-000000',
              accepted_at: '2023-03-01T09:30:00+08:00',
              service_item: '企业开办（设立登记）',
              applicant: '获嘉县某某商贸有限公司',
              phone: '13800138000',
              channel: '窗口',
              handler: '王晓',
              status: '办结',
              completed_at: '2023-03-02T16:00:00+08:00',
              promised_days: 3,
              visited_at: '2023-03-02T17:10:00+08:00',
              visit_method: '电话',
              visit_result: '非常满意',
              remark: '申请人对办理效率表示满意，材料一次性齐全。',
            },
          },
        ],
      },
      { token },
    );
    expect(first.errors).toBeUndefined();
    // the other rows copied in SQL: the export is measured, not the saving. The grid's search
    // trigger is off for the copy: the export reads no search table, and computing 100,000 rows'
    // search grams took 24–32 s of this set-up (building the index after the copy, longer still)
    const searchInsert = quoteIdent(`${rowSearchFunctionName(tableNameOf('window_case')).sync}_i`);
    await db.query(`ALTER TABLE ledger_window_case DISABLE TRIGGER ${searchInsert}`);
    await db.query(`
      INSERT INTO ledger_window_case (unit_id, period, def_version, created_by, updated_by, case_no, accepted_at, service_item,
             applicant, phone, channel, handler, status, completed_at, promised_days, on_time, visited_at, visit_method,
             visit_result, visited_within_2h, remark)
      SELECT unit_id, period, def_version, created_by, updated_by, 'HJ-' || lpad(g::text, 6, '0'), accepted_at + g * interval '1 minute',
             service_item, applicant, phone, channel, handler, status, completed_at + g * interval '1 minute', promised_days, on_time,
             visited_at + g * interval '1 minute', visit_method, visit_result, visited_within_2h, remark
        FROM ledger_window_case, generate_series(1, ${ROWS - 1}) AS g`);
    await db.query(`ALTER TABLE ledger_window_case ENABLE TRIGGER ${searchInsert}`);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))![1]);

  /** Streams the download, counting bytes and line ends, while sampling the server's resident memory. */
  async function measure(path: string) {
    const started = performance.now();
    let peak = rssKb();
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb())), 20);
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) lines++;
    }
    clearInterval(sampler);
    return { status: response.status, bytes, lines, peakKb: Math.max(peak, rssKb()), ms: performance.now() - started };
  }

  it(`streams ${ROWS.toLocaleString('en')} rows as xlsx and as csv within a bounded memory`, async () => {
    // warm up: the code paths loaded and the pools filled, so that what follows is the rows' cost
    await measure('/export/window_case.xlsx?filter=' + encodeURIComponent('{"case_no":"HJ-000001"}'));
    await measure('/export/window_case.csv?filter=' + encodeURIComponent('{"case_no":"HJ-000001"}'));
    const baseline = rssKb();
    const xlsx = await measure('/export/window_case.xlsx');
    const csv = await measure('/export/window_case.csv');
    const report = (name: string, r: typeof xlsx) =>
      `${name}: ${(r.bytes / 1e6).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s, server RSS ${(baseline / 1024).toFixed(0)} → peak ${(r.peakKb / 1024).toFixed(0)} MB (+${((r.peakKb - baseline) / 1024).toFixed(0)} MB)`;
    console.log(`[export of ${ROWS} rows] ${report('xlsx', xlsx)}; ${report('csv', csv)}`);
    expect(xlsx.status).toBe(200);
    expect(csv.status).toBe(200);
    expect(csv.lines).toBe(ROWS + 1); // the header and one line per row (no line breaks inside these values)
    expect(xlsx.bytes).toBeGreaterThan(1_000_000);
    expect(xlsx.peakKb - baseline).toBeLessThan(150 * 1024);
    expect(csv.peakKb - baseline).toBeLessThan(150 * 1024);
  }, 300_000);
});
