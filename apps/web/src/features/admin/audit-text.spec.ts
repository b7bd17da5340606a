import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { changeLines, rowLabelOf, shanghaiTime, stillDeleted } from './audit-text';

const model = modelOf({
  key: 'daily',
  title: '每日报表',
  fields: [
    { key: 'report_date', title: { zh: '日期', en: 'Date' }, type: 'date' },
    { key: 'cases', title: { zh: '当日办件量', en: 'Cases' }, type: 'integer' },
    {
      key: 'status',
      title: '状态',
      type: 'choice',
      options: [
        { value: 'open', label: { zh: '办理中', en: 'Open' } },
        { value: 'done', label: { zh: '已办结', en: 'Done' } },
      ],
    },
  ],
} as unknown as LedgerDefinition);

describe('the audit log in the ledger’s language', () => {
  it('shows a change as field titles and display values, before → after', () => {
    const lines = changeLines(
      model,
      'update',
      { old: { cases: 10, status: 'open' }, new: { cases: 12, status: 'done' } },
      'zh-CN',
    );
    expect(lines).toEqual([
      { key: 'cases', title: '当日办件量', before: '10', after: '12' },
      { key: 'status', title: '状态', before: '办理中', after: '已办结' },
    ]);
    expect(changeLines(model, 'update', { old: { status: 'open' }, new: { status: 'done' } }, 'en')[0]).toMatchObject({
      title: '状态',
      before: 'Open',
      after: 'Done',
    });
  });

  it('names a reference by what its row says, and a field the definition lost by its key', () => {
    const lines = changeLines(
      model,
      'update',
      {
        old: { case_ref: 7, gone: 'x' },
        new: { case_ref: 9, gone: 'y' },
        display: { old: { case_ref: 'GJ-007' }, new: { case_ref: 'GJ-009' } },
      },
      'zh-CN',
    );
    expect(lines).toEqual([
      { key: 'case_ref', title: 'case_ref', before: 'GJ-007', after: 'GJ-009' },
      { key: 'gone', title: 'gone', before: 'x', after: 'y' },
    ]);
  });

  it('lists what an insert gave and what a deleted row held, and names the row', () => {
    const detail = { old: { report_date: '2026-12-07', cases: 3, status: null }, new: null };
    expect(changeLines(model, 'delete', detail, 'zh-CN').map((l) => `${l.title}:${l.before}`)).toEqual([
      '日期:2026-12-07',
      '当日办件量:3',
    ]);
    expect(rowLabelOf(model, 'delete', detail, 'zh-CN')).toBe('2026-12-07 · 3');
  });

  it('gives times in Asia/Shanghai to the minute', () => {
    expect(shanghaiTime('2026-12-07T08:50:31.123Z')).toBe('2026-12-07 16:50');
    expect(shanghaiTime('2026-12-31T16:05:00Z')).toBe('2027-01-01 00:05');
  });

  it('offers 恢复 only on the latest deletion of a row that nothing brought back', () => {
    const row = (action: string, rowId: string) => ({ kind: 'ROW', action, ledgerKey: 'daily', rowId });
    expect(
      stillDeleted([
        row('restore', '1'),
        row('delete', '1'),
        row('delete', '2'),
        row('delete', '3'),
        row('insert', '3'),
        row('delete', '2'),
      ]),
    ).toEqual([false, false, true, true, false, false]);
  });
});
