import fc from 'fast-check';
import { expect } from 'vitest';
import { handTyped, type ApiProduct } from '@taizhang/testing';
import { graphql, judgeData, send } from './answers';
import { tableChecksums } from './db-state';
import { FORMULA_TEXTS, HOSTILE_TEXTS, hostileText } from './injection';
import { csvRows, defusedCsvCell, wouldRunAsFormula, xlsxCells } from './spreadsheets';
import { BASE_ROWS } from './wrong-values';

/**
 * After the corpus: attack texts that are valid text are values like any other. They are saved,
 * read back equal (through the API and straight from the table), found by an exact filter, and
 * exported so that no spreadsheet runs them: CSV cells defused with an apostrophe, xlsx cells
 * typed as text. Returns how many attack rows were saved.
 */

const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved results { status errors { path message } row { values } } }
}`;
const BY_CASE_NO = `query ($f: JSON) { rows(ledger: "window_case", filter: $f) { totalCount edges { node { values } } } }`;
const TEXT_FIELDS = ['service_item', 'applicant', 'handler', 'remark'] as const;
const TITLES: Record<string, string> = {
  case_no: '办件编号',
  service_item: '办理事项',
  applicant: '申请人',
  handler: '经办人',
  remark: '备注',
};

type SaveAnswer = {
  saveRows: { saved: number; results: { status: string; row: { values: Record<string, unknown> } }[] };
};

const codePoints = (text: string, max: number) => [...text].slice(0, max).join('');

export async function checkLiteralStorage(
  product: ApiProduct,
  tokens: Record<string, string>,
  before: Record<string, string>,
  seed: number,
): Promise<number> {
  const url = product.server.url;
  const save = async (ledger: string, token: string, changes: unknown[]) =>
    judgeData<SaveAnswer>(await send(url, graphql(SAVE, { ledger, changes }, token))).saveRows;

  // the rows the wrong-value corpus started from are valid: its rejections came from the wrong value
  for (const [ledger, { clerk, values }] of Object.entries(BASE_ROWS)) {
    const result = await save(ledger, tokens[clerk], [{ op: 'INSERT', values }]);
    expect(result.results[0], `base row of ${ledger}`).toMatchObject({ status: 'SAVED' });
  }

  const random = fc
    .sample(hostileText, { seed, numRuns: 40 })
    .map((t) => codePoints(t, 200).trim())
    .filter((t) => t !== '' && !t.includes('\u0000'))
    .slice(0, 10);
  const texts = [...new Set([...HOSTILE_TEXTS, ...random])];
  const rows: Record<string, string>[] = texts.map((text, i) => ({
    case_no: codePoints(`A${i}-${text}`, 50).trim(),
    accepted_at: '2023-03-01T10:00:00+08:00',
    status: '受理',
    ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, text])),
  }));
  const saved = await save(
    'window_case',
    tokens.clerk01,
    rows.map((values) => ({ op: 'INSERT', values })),
  );
  expect(saved.saved, JSON.stringify(saved.results.filter((r) => r.status !== 'SAVED')).slice(0, 500)).toBe(
    rows.length,
  );

  // read back equal: through the API by an exact filter, and straight from the table
  for (const row of rows) {
    const page = judgeData<{ rows: { totalCount: number; edges: { node: { values: Record<string, unknown> } }[] } }>(
      await send(url, graphql(BY_CASE_NO, { f: { case_no: row.case_no } }, tokens.clerk01)),
    ).rows;
    expect(page.totalCount, row.case_no).toBe(1);
    expect(page.edges[0].node.values).toMatchObject(row);
  }
  const stored = await product.db.query<Record<string, string>>(
    `SELECT case_no, service_item, applicant, handler, remark FROM ledger_window_case WHERE case_no = ANY($1)`,
    [rows.map((r) => r.case_no)],
  );
  expect(new Map(stored.map((s) => [s.case_no, s]))).toEqual(
    new Map(
      rows.map((r) => [r.case_no, { case_no: r.case_no, ...Object.fromEntries(TEXT_FIELDS.map((f) => [f, r[f]])) }]),
    ),
  );
  const dropTable = judgeData<{ rows: { totalCount: number } }>(
    await send(url, graphql(BY_CASE_NO, { f: { applicant: { contains: 'DROP TABLE' } } }, tokens.clerk01)),
  ).rows.totalCount;
  expect(dropTable).toBe(rows.filter((r) => r.applicant.toLowerCase().includes('drop table')).length);

  // a computed field is recomputed, whatever text is sent for it
  const daily = await save('daily_followup', tokens.clerk01, [
    handTyped({
      op: 'INSERT',
      values: { report_date: '2023-03-02', cases: 4, follow_ups: 3, dissatisfied: 0, follow_up_rate: FORMULA_TEXTS[1] },
    }),
  ]);
  expect(daily.results[0].row.values.follow_up_rate).toBe(3 / 4);

  // the attacks touched nothing else
  const after = await tableChecksums(product.db);
  for (const table of ['units', 'users', 'ledgers', 'ledger_versions', 'app_settings'])
    expect(after[table], table).toBe(before[table]);

  await checkExports(product, tokens.clerk01, rows);
  return rows.length;
}

async function download(url: string, path: string, token: string): Promise<Buffer> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status, path).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function checkExports(product: ApiProduct, token: string, rows: Record<string, string>[]): Promise<void> {
  const url = product.server.url;
  const csv = await download(url, '/export/window_case.csv', token);
  const [header, ...data] = csvRows(csv);
  const column = (field: string) => header.indexOf(TITLES[field]);
  for (const cell of data.flat()) expect(wouldRunAsFormula(cell), `CSV cell ${cell}`).toBe(false);
  for (const row of rows) {
    const line = data.find((cells) => cells[column('case_no')] === defusedCsvCell(row.case_no));
    expect(line, row.case_no).toBeDefined();
    for (const field of TEXT_FIELDS)
      expect(line![column(field)], `${row.case_no} ${field}`).toBe(defusedCsvCell(row[field]));
  }
  const defused = data.flat().filter((cell) => cell.startsWith("'")).length;
  expect(defused).toBeGreaterThanOrEqual(FORMULA_TEXTS.length * TEXT_FIELDS.length);

  const cells = await xlsxCells(await download(url, '/export/window_case.xlsx', token));
  expect(cells.filter((c) => c.isFormula)).toEqual([]);
  const xlsxTexts = new Set(cells.filter((c) => c.row > 2 && typeof c.value === 'string').map((c) => c.value));
  for (const row of rows)
    for (const field of TEXT_FIELDS) expect(xlsxTexts.has(row[field]), `xlsx ${row[field]}`).toBe(true);

  // the CSV comes back as it was saved: the apostrophes go again (a preview: every row a duplicate)
  const form = new FormData();
  form.append('file', new Blob([Uint8Array.from(csv)]), 'window_case.csv');
  const response = await fetch(`${url}/import/window_case?mode=preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const preview = (await response.json()) as { rows: { status: string; values: Record<string, unknown> }[] };
  expect(response.status).toBe(200);
  for (const row of rows) {
    const back = preview.rows.find((r) => r.values.case_no === row.case_no);
    expect(back, row.case_no).toMatchObject({
      status: 'REJECTED',
      values: { service_item: row.service_item, applicant: row.applicant },
    });
  }
}
