import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { matchColumns } from './column-mapping';
import type { SheetData } from './sheet-reader';

const definition = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../../schemas/daily_followup.json'), 'utf8'),
) as LedgerDefinition;
const model = modelOf(definition);
const sheet = (rows: SheetData['rows'], merges: string[] = []): SheetData => ({ name: 's', rows, merges });
const fieldsOf = (columns: { field: string | null }[]) => columns.map((c) => c.field);

describe('matchColumns', () => {
  it('finds the header under title rows, by Chinese or English title or key, loose about spaces and stars', () => {
    const match = matchColumns(
      model,
      sheet([
        ['亢村镇政务服务大回访日报台账'],
        ['填报单位：亢村镇', null, null, '2023年4月'],
        ['日期 *', 'Cases today', 'follow_ups', '备注', '当日回访不满意量'],
        ['2023-04-01', 1, 1, 'x', 0],
      ]),
      null,
    );
    expect(match.headerIndex).toBe(2);
    expect(fieldsOf(match.columns)).toEqual(['report_date', 'cases', 'follow_ups', null, 'dissatisfied']);
    expect(match.columns[3]).toMatchObject({ column: 'D', header: '备注' });
  });

  it("takes the user's mapping by column letter, number or header text, and skips a column mapped to nothing", () => {
    const match = matchColumns(
      model,
      sheet([
        ['日子', '办件', '回访', '日期'],
        ['2023-04-01', 3, 3, 'x'],
      ]),
      { A: 'report_date', 办件: 'cases', '3': 'follow_ups', D: '' },
    );
    expect(fieldsOf(match.columns)).toEqual(['report_date', 'cases', 'follow_ups', null]);
  });

  it('refuses a sheet without the header, and two columns for one field', () => {
    expect(() =>
      matchColumns(
        model,
        sheet([
          ['a', 'b'],
          [1, 2],
        ]),
        null,
      ),
    ).toThrow(/header/);
    expect(() => matchColumns(model, sheet([['日期', '日期']]), null)).toThrow(/mapping/);
    expect(() => matchColumns(model, sheet([['日期']]), { A: 'nope' })).toThrow(/mapping/);
  });
});

describe("matchColumns and a reference's kept-id column", () => {
  const rectification = modelOf(
    JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../../schemas/rectification.json'), 'utf8'),
    ) as LedgerDefinition,
  );
  const exported = sheet([
    ['关联办件编号', 'Linked case (row id)', '发现日期'],
    ['GJ-1', '#12', '2026-11-21'],
  ]);

  it('knows the id column by its title in either language, as a part of its field', () => {
    const match = matchColumns(rectification, exported, null);
    expect(match.columns.slice(0, 2)).toEqual([
      { index: 0, column: 'A', header: '关联办件编号', field: 'case_ref' },
      { index: 1, column: 'B', header: 'Linked case (row id)', field: 'case_ref', part: 'id' },
    ]);
  });

  it('keeps it a part when the preview sends every column back mapped to its field, and drops it when skipped', () => {
    const remapped = matchColumns(rectification, exported, { A: 'case_ref', B: 'case_ref', C: 'found_on' });
    expect(remapped.columns[1]).toMatchObject({ field: 'case_ref', part: 'id' });
    const skipped = matchColumns(rectification, exported, { A: 'case_ref', B: '', C: 'found_on' });
    expect(skipped.columns[1]).toMatchObject({ field: null });
    expect(skipped.columns[1].part).toBeUndefined();
  });
});

describe('a unit column (an import across units)', () => {
  it('knows 单位 / Unit / 单位编码 as the unit column, not a field, and finds the header with it', () => {
    const match = matchColumns(
      model,
      sheet([
        ['政务服务大回访日报台账　全部单位'],
        ['单位', '日期', '当日办件量'],
        ['城关镇行政审批服务中心', '2023-04-01', 1],
      ]),
      null,
    );
    expect(match.headerIndex).toBe(1);
    expect(match.columns[0]).toEqual({ index: 0, column: 'A', header: '单位', field: null, unit: true });
    expect(fieldsOf(match.columns)).toEqual([null, 'report_date', 'cases']);
    for (const header of ['Unit', 'unit code', '单位编码'])
      expect(matchColumns(model, sheet([[header, 'Date']]), null).columns[0].unit).toBe(true);
  });

  it('takes a column mapped to @unit, refuses two unit columns, and never takes a row of only 单位 for the header', () => {
    const mapped = matchColumns(model, sheet([['机构', '日期']]), { A: '@unit' });
    expect(mapped.columns[0]).toMatchObject({ field: null, unit: true });
    expect(() => matchColumns(model, sheet([['单位', 'Unit', '日期']]), null)).toThrow();
    const header = matchColumns(model, sheet([['单位'], ['日期', '当日办件量']]), null);
    expect(header.headerIndex).toBe(1);
  });
});
