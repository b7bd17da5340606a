import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * References in files (issue 19, docs/excel.md "References"): an export shows what a reference's
 * row says (the case number), keeps the row's id beside it (a hidden xlsx column, a CSV column),
 * and the file imported again names exactly the same rows — even when two rows say the same.
 */
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved results { status errors { path message } row { id values } } } }`;
const ROWS = `query ($ledger: String!) { rows(ledger: $ledger, first: 1000) { edges { node { id values display } } } }`;

type Row = { id: string; values: Record<string, unknown>; display: Record<string, string | null> | null };
interface ImportAnswerJson {
  columns: { column: string; header: string; field: string | null; part?: string }[];
  rows: { rowNumber: number; status: string; errors: { field: string; message: string }[] }[];
  saved: number;
  rejected: number;
}

let t: TestApi;
let clerk: string;
const caseIds = new Map<string, number>();

const save = async (ledger: string, changes: unknown[]) => {
  const answer = await t.gql<{ saveRows: { saved: number; results: { errors: unknown; row: Row | null }[] } }>(
    SAVE,
    { ledger, changes },
    { token: clerk },
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.saveRows.results.map((r) => r.errors)).toEqual(changes.map(() => null));
  return answer.data!.saveRows.results.map((r) => r.row!);
};
const rowsOf = async (ledger: string) => {
  const answer = await t.gql<{ rows: { edges: { node: Row }[] } }>(ROWS, { ledger }, { token: clerk });
  expect(answer.errors).toBeUndefined();
  return answer.data!.rows.edges.map((e) => e.node).sort((a, b) => Number(a.id) - Number(b.id));
};
/** Rows as their values and displays, without ids: what a file can carry. */
const contents = (rows: Row[]) =>
  rows.map((r) => JSON.stringify({ values: r.values, display: r.display })).sort((a, b) => a.localeCompare(b));

async function download(path: string): Promise<Buffer> {
  const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${clerk}` } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}
async function upload(ledger: string, bytes: Buffer, fileName: string, mode: 'preview' | 'commit') {
  const form = new FormData();
  form.append('file', new Blob([bytes]), fileName);
  const response = await fetch(`${t.url}/import/${ledger}?mode=${mode}`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${clerk}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ImportAnswerJson;
}
async function sheetOf(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets[0];
}
const csvLines = (bytes: Buffer) =>
  bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r\n/);

/**
 * Imports a file as a clerk would re-import an export (imports insert), then checks that the new
 * rows are the old ones again — the same values, so the same reference ids, and the same displays —
 * and deletes them, so that the next case starts from the same ledger.
 */
async function reimportGivesSameRows(ledger: string, bytes: Buffer, fileName: string) {
  const before = await rowsOf(ledger);
  const answer = await upload(ledger, bytes, fileName, 'commit');
  expect(answer.rows.flatMap((r) => r.errors)).toEqual([]);
  expect(answer.saved).toBe(before.length);
  const known = new Set(before.map((r) => r.id));
  const added = (await rowsOf(ledger)).filter((r) => !known.has(r.id));
  expect(contents(added)).toEqual(contents(before));
  await t.db.query(`DELETE FROM ledger_${ledger} WHERE id = ANY($1::bigint[])`, [added.map((r) => Number(r.id))]);
}

const windowCase = (caseNo: string, applicant: string) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-11-20T09:00:00+08:00',
    service_item: '营业执照变更',
    applicant,
    status: '办结',
    completed_at: '2026-11-20T10:00:00+08:00',
  },
});
const rectification = (values: Record<string, unknown>) => ({
  op: 'INSERT',
  values: {
    found_on: '2026-11-21',
    source: '回访',
    description: '态度问题',
    owner: '王五',
    deadline: '2026-11-26',
    status: '待整改',
    ...values,
  },
});

beforeAll(async () => {
  t = await startTestApi();
  clerk = await t.signIn('clerk03');
  // two cases whose applicant is the same person: a reference shown by the applicant is ambiguous
  const cases = await save('window_case', [
    windowCase('RX-2026-0100', '赵六'),
    windowCase('RX-2026-0101', '赵六'),
    windowCase('RX-2026-0102', '孙七'),
  ]);
  for (const c of cases) caseIds.set(String(c.values.case_no), Number(c.id));
  await save('rectification', [
    rectification({ case_ref: caseIds.get('RX-2026-0101') }),
    rectification({ case_ref: caseIds.get('RX-2026-0100'), description: '超时' }),
    rectification({ description: '没有关联办件' }),
  ]);

  const published = await t.gql(
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    {
      d: {
        key: 'applicant_notes',
        title: { zh: '申请人记录', en: 'Applicant notes' },
        fillers: { unitKinds: ['township_centre'] },
        fields: [
          {
            key: 'who',
            title: { zh: '申请人', en: 'Applicant' },
            type: 'reference',
            ledger: 'window_case',
            display: 'applicant',
          },
          { key: 'note', title: { zh: '说明', en: 'Note' }, type: 'text' },
        ],
      },
    },
    { token: await t.signIn('admin') },
  );
  expect(published.errors).toBeUndefined();
  await save('applicant_notes', [
    { op: 'INSERT', values: { who: caseIds.get('RX-2026-0101'), note: '第二件' } },
    { op: 'INSERT', values: { who: caseIds.get('RX-2026-0100'), note: '第一件' } },
  ]);
});
afterAll(() => t?.close());

describe('a reference in an exported file', () => {
  it('shows the case number in xlsx, with the id kept in a hidden column beside it', async () => {
    const sheet = await sheetOf(await download('/export/rectification.xlsx'));
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['关联办件编号', '关联办件编号（引用行号）', '发现日期']);
    expect(sheet.getColumn(1).hidden).toBe(false);
    expect(sheet.getColumn(2).hidden).toBe(true);
    const cells = [3, 4, 5].map((row) => [sheet.getCell(row, 1).value ?? '', sheet.getCell(row, 2).value ?? '']);
    expect(cells).toEqual([
      ['RX-2026-0101', `#${caseIds.get('RX-2026-0101')}`],
      ['RX-2026-0100', `#${caseIds.get('RX-2026-0100')}`],
      ['', ''],
    ]);
  });

  it('shows the case number in CSV, with the id in a column of its own', async () => {
    const lines = csvLines(await download('/export/rectification.csv?lang=en'));
    expect(lines[0].split(',').slice(0, 3)).toEqual(['Linked case', 'Linked case (row id)', 'Found on']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([
      ['RX-2026-0101', `#${caseIds.get('RX-2026-0101')}`],
      ['RX-2026-0100', `#${caseIds.get('RX-2026-0100')}`],
      ['', ''],
    ]);
  });
});

describe('an exported file imported again', () => {
  it('matches the kept-id column to its reference', async () => {
    const answer = await upload('rectification', await download('/export/rectification.xlsx'), 'r.xlsx', 'preview');
    expect(answer.columns.slice(0, 2)).toEqual([
      { column: 'A', header: '关联办件编号', field: 'case_ref' },
      { column: 'B', header: '关联办件编号（引用行号）', field: 'case_ref', part: 'id' },
    ]);
  });

  it('gives the same rows and the same reference ids, from xlsx and from CSV', async () => {
    await reimportGivesSameRows('rectification', await download('/export/rectification.xlsx'), 'r.xlsx');
    await reimportGivesSameRows('rectification', await download('/export/rectification.csv?lang=en'), 'r.csv');
  });

  it('names the exact rows when two of them say the same (the kept id decides)', async () => {
    const xlsx = await download('/export/applicant_notes.xlsx');
    const sheet = await sheetOf(xlsx);
    expect([sheet.getCell('A3').value, sheet.getCell('A4').value]).toEqual(['赵六', '赵六']);
    await reimportGivesSameRows('applicant_notes', xlsx, 'notes.xlsx');
    await reimportGivesSameRows('applicant_notes', await download('/export/applicant_notes.csv'), 'notes.csv');
  });

  it('without the kept ids, an ambiguous text is refused as typed text is', async () => {
    const lines = csvLines(await download('/export/applicant_notes.csv'));
    const withoutIds = lines
      .map((line) =>
        line
          .split(',')
          .filter((_, i) => i !== 1)
          .join(','),
      )
      .join('\r\n');
    const answer = await upload('applicant_notes', Buffer.from(withoutIds), 'notes.csv', 'preview');
    expect(answer.rows.map((r) => r.errors.map((e) => e.message))).toEqual([
      ['「申请人」填的「赵六」对应本单位 2 行，无法确定是哪一行，请在列表中选择'],
      ['「申请人」填的「赵六」对应本单位 2 行，无法确定是哪一行，请在列表中选择'],
    ]);
  });

  it('follows a changed text (another row chosen), and an emptied one clears the reference', async () => {
    const lines = csvLines(await download('/export/rectification.csv'));
    const edited = [
      lines[0],
      lines[1].replace(/^RX-2026-0101,/, 'RX-2026-0102,'),
      lines[2].replace(/^RX-2026-0100,/, ','),
    ];
    const answer = await upload('rectification', Buffer.from(edited.join('\r\n')), 'r.csv', 'commit');
    expect(answer.saved).toBe(2);
    const ids = (
      await t.db.query<{ case_ref: string | null }>(
        `SELECT case_ref::text FROM ledger_rectification ORDER BY id DESC LIMIT 2`,
      )
    ).map((r) => r.case_ref);
    expect(ids).toEqual([null, String(caseIds.get('RX-2026-0102'))]);
  });
});
