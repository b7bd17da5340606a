import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * An import across units (issue 25, docs/excel.md "Across units"): an admin's file with a unit
 * column (单位: a unit's name or code) writes each row into its unit, in one transaction through
 * the rows' write path; a clerk's file stays in the clerk's unit, and a row naming another unit
 * is that row's error, never a move. The preview shows each row's unit.
 */

interface ImportAnswerJson {
  mode: string;
  columns: { column: string; header: string; field: string | null; unit?: boolean }[];
  rows: {
    rowNumber: number;
    status: string;
    unit?: { id: string; code: string; name: string };
    errors: { field: string; message: string }[];
  }[];
  valid: number;
  saved: number;
  rejected: number;
  errors?: { message: string; extensions: { code: string; reason: string } }[];
}

let t: TestApi;
let admin: string;
let clerk01: string;
let clerk02: string;
const unitIds: Record<string, string> = {};
const unitNames: Record<string, string> = {};

/** The seed's daily report with its counts typed (not derived from the window cases), under a key of its own. */
const typedDaily = (key: string) => {
  const seed = JSON.parse(readFileSync('schemas/daily_followup.json', 'utf8')) as {
    fields: { derive?: unknown }[];
  };
  for (const field of seed.fields) delete field.derive;
  return { ...seed, key };
};

async function upload(
  ledger: string,
  csv: string,
  query: Record<string, string>,
  token: string,
  language?: string,
): Promise<{ status: number; body: ImportAnswerJson }> {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'rows.csv');
  const response = await fetch(`${t.url}/import/${ledger}?${new URLSearchParams(query)}`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}`, ...(language ? { 'accept-language': language } : {}) },
  });
  return { status: response.status, body: (await response.json()) as ImportAnswerJson };
}

/** The ledger's live rows by unit code and date (an independent read, as the owner). */
const stored = async (ledger: string, date: string) =>
  t.db.query<{ code: string; cases: number }>(
    `SELECT u.code, r.cases::int AS cases FROM ${ledger} r JOIN units u ON u.id = r.unit_id
      WHERE r.report_date = $1 AND r.deleted_at IS NULL ORDER BY u.code`,
    [date],
  );

const HEADER = '单位,日期,当日办件量,当日回访量,当日回访不满意量';

beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk01, clerk02] = await Promise.all(['admin', 'clerk01', 'clerk02'].map((u) => t.signIn(u)));
  for (const key of ['across_daily', 'across_copy']) {
    const published = await t.gql(
      'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
      { d: typedDaily(key) },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
  }
  for (const u of await t.db.query<{ code: string; id: number; name: string }>(`SELECT code, id, name FROM units`)) {
    unitIds[u.code] = String(u.id);
    unitNames[u.code] = u.name;
  }
});
afterAll(() => t?.close());

describe("an admin's import across units", () => {
  it('previews each row with its unit, by name or code, then writes each row into its unit', async () => {
    const csv = [
      HEADER,
      `${unitNames.xz01},2023-06-01,10,8,0`,
      `XZ02,2023-06-01,20,15,1`, // a code, in another case
      `${unitNames.xz03},2023-06-01,30,30,0`,
      `xz02,2023-06-02,5,5,0`,
    ].join('\n');
    const preview = await upload('across_daily', csv, { mode: 'preview' }, admin);
    expect(preview.status).toBe(200);
    expect(preview.body.columns[0]).toMatchObject({ column: 'A', header: '单位', field: null, unit: true });
    expect(preview.body.rows.map((r) => [r.rowNumber, r.status, r.unit?.code])).toEqual([
      [2, 'VALID', 'xz01'],
      [3, 'VALID', 'xz02'],
      [4, 'VALID', 'xz03'],
      [5, 'VALID', 'xz02'],
    ]);
    expect(preview.body.rows[0].unit).toEqual({ id: unitIds.xz01, code: 'xz01', name: unitNames.xz01 });
    expect(await stored('ledger_across_daily', '2023-06-01')).toEqual([]);

    const commit = await upload('across_daily', csv, { mode: 'commit' }, admin);
    expect(commit.body).toMatchObject({ saved: 4, rejected: 0 });
    expect(await stored('ledger_across_daily', '2023-06-01')).toEqual([
      { code: 'xz01', cases: 10 },
      { code: 'xz02', cases: 20 },
      { code: 'xz03', cases: 30 },
    ]);
    expect(await stored('ledger_across_daily', '2023-06-02')).toEqual([{ code: 'xz02', cases: 5 }]);
    // the history says import, each entry in its row's unit
    const history = await t.db.query<{ code: string; n: number }>(
      `SELECT u.code, count(*)::int AS n FROM row_history h JOIN units u ON u.id = h.unit_id
        WHERE h.ledger_key = 'across_daily' AND h.source = 'import' GROUP BY u.code ORDER BY u.code`,
    );
    expect(history).toEqual([
      { code: 'xz01', n: 1 },
      { code: 'xz02', n: 2 },
      { code: 'xz03', n: 1 },
    ]);
  });

  it("refuses a row naming an unknown unit, one that does not fill the ledger, or none, each with its reason; all or nothing keeps no unit's rows", async () => {
    const csv = [
      HEADER,
      `${unitNames.xz01},2023-06-03,1,1,0`,
      `不存在的单位,2023-06-03,2,2,0`,
      `gs01,2023-06-03,3,3,0`,
      `,2023-06-03,4,4,0`,
      `xz03,2023-06-03,5,6,0`, // more follow-ups than cases
    ].join('\n');
    const commit = await upload('across_daily', csv, { mode: 'commit' }, admin, 'en');
    expect(commit.body).toMatchObject({ saved: 0, rejected: 5 });
    expect(commit.body.rows.map((r) => r.errors[0])).toEqual([
      { field: '', message: 'Not saved: other rows of the batch have errors' },
      { field: 'unitId', message: 'No unit "不存在的单位" (give a unit\'s name or code)' },
      { field: 'unitId', message: `"${'Daily follow-up report'}" is not filled by "${unitNames.gs01}"` },
      { field: 'unitId', message: '"Unit" is empty: give the row\'s unit (its name or code)' },
      expect.objectContaining({ field: 'follow_ups' }),
    ]);
    expect(await stored('ledger_across_daily', '2023-06-03')).toEqual([]);

    // the valid rows kept when asked; an empty unit cell is the unit the import names
    const kept = await upload('across_daily', csv, { mode: 'commit', keepValid: 'true', unitId: unitIds.xz02 }, admin);
    expect(kept.body.rows.map((r) => [r.status, r.unit?.code ?? null])).toEqual([
      ['SAVED', 'xz01'],
      ['REJECTED', null],
      ['REJECTED', null],
      ['SAVED', 'xz02'],
      ['REJECTED', 'xz03'],
    ]);
    expect(await stored('ledger_across_daily', '2023-06-03')).toEqual([
      { code: 'xz01', cases: 1 },
      { code: 'xz02', cases: 4 },
    ]);
  });

  it("refuses the rows of a unit whose day is submitted, and saves the other units' rows", async () => {
    const DAY = '2023-06-05';
    const own = await upload('across_daily', `日期,当日办件量,当日回访量\n${DAY},9,9`, { mode: 'commit' }, clerk02);
    expect(own.body.saved).toBe(1);
    const submitted = await t.gql(
      `mutation { submitSheet(ledger: "across_daily", period: "${DAY}") { state } }`,
      {},
      { token: clerk02 },
    );
    expect(submitted.data!.submitSheet.state).toMatch(/^SUBMITTED/);
    const csv = [HEADER, `xz01,${DAY},1,1,0`, `xz02,${DAY},2,2,0`, `xz03,${DAY},3,3,0`].join('\n');
    const commit = await upload('across_daily', csv, { mode: 'commit', keepValid: 'true' }, admin);
    expect(commit.body.rows.map((r) => r.status)).toEqual(['SAVED', 'REJECTED', 'SAVED']);
    expect(commit.body.rows[1].errors).toEqual([{ field: '', message: `${DAY} 的报表已提交并锁定，不能修改` }]);
    expect(await stored('ledger_across_daily', DAY)).toEqual([
      { code: 'xz01', cases: 1 },
      { code: 'xz02', cases: 9 },
      { code: 'xz03', cases: 3 },
    ]);
  });

  it("imports an admin's export of every unit back into each unit", async () => {
    const download = await fetch(`${t.url}/export/across_daily.csv?from=2023-06-01&to=2023-06-02`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const exported = Buffer.from(await download.arrayBuffer()).toString('utf8');
    expect(exported.replace(/^\uFEFF/, '').startsWith('单位,')).toBe(true);
    const commit = await upload('across_copy', exported, { mode: 'commit' }, admin);
    expect(commit.body).toMatchObject({ saved: 4, rejected: 0 });
    for (const day of ['2023-06-01', '2023-06-02'])
      expect(await stored('ledger_across_copy', day)).toEqual(await stored('ledger_across_daily', day));
  });

  it('needs a unit column or a unitId from an admin', async () => {
    const answer = await upload(
      'across_daily',
      '日期,当日办件量,当日回访量\n2023-06-06,1,1',
      { mode: 'preview' },
      admin,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNIT_REQUIRED' });
  });
});

describe("a clerk's import with a unit column", () => {
  it('keeps the rows of his own unit and refuses a row naming another unit, which is not moved there', async () => {
    const csv = [
      HEADER,
      `${unitNames.xz01},2023-06-10,1,1,0`,
      `${unitNames.xz02},2023-06-10,2,2,0`,
      `xz01,2023-06-11,3,3,0`,
      `,2023-06-12,4,4,0`,
    ].join('\n');
    const preview = await upload('across_daily', csv, { mode: 'preview' }, clerk01);
    expect(preview.body.rows.map((r) => [r.status, r.unit?.code ?? null])).toEqual([
      ['VALID', 'xz01'],
      ['REJECTED', null],
      ['VALID', 'xz01'],
      ['VALID', 'xz01'],
    ]);
    expect(preview.body.rows[1].errors).toEqual([
      {
        field: 'unitId',
        message: `只能导入本单位（${unitNames.xz01}）的行，这一行的单位是「${unitNames.xz02}」`,
      },
    ]);
    const commit = await upload('across_daily', csv, { mode: 'commit', keepValid: 'true' }, clerk01);
    expect(commit.body).toMatchObject({ saved: 3, rejected: 1 });
    for (const [day, rows] of [
      ['2023-06-10', [{ code: 'xz01', cases: 1 }]],
      ['2023-06-11', [{ code: 'xz01', cases: 3 }]],
      ['2023-06-12', [{ code: 'xz01', cases: 4 }]],
    ] as const)
      expect(await stored('ledger_across_daily', day)).toEqual(rows);
  });
});
