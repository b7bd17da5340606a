import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Look-ups and roll-ups (issue 19, docs/ledger-language.md "Look-ups and roll-ups"), on the seed
 * ledgers: a rectification shows its window case's channel (`case_channel`, a look-up through
 * `case_ref`), and a window case counts its rectifications and the open ones (`rectifications`,
 * `open_rectifications`, roll-ups) — kept current by every write that moves them.
 */
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) {
    saved results { status errors { path message } row { id version values } } } }`;
const ROWS = `query ($ledger: String!, $filter: JSON, $orderBy: [OrderInput!]) {
  rows(ledger: $ledger, filter: $filter, orderBy: $orderBy, first: 1000) { totalCount edges { node { id version values } } } }`;
const STATS = `query ($ids: [ID!]) { statistics(ledger: "rectification", measures: ["total"], groupBy: ["by_case_channel"], unitIds: $ids) {
  rows { keys { value label } values { measure value } } } }`;
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const RESTORE = 'mutation ($id: ID!) { restoreRow(ledger: "rectification", id: $id) { id version } }';

type Row = { id: string; version: number; values: Record<string, unknown> };
type Result = { status: string; errors: { path: string; message: string }[] | null; row: Row | null };

let t: TestApi;
let clerk: string;
let admin: string;

const save = async (ledger: string, changes: unknown[], token = clerk) => {
  const answer = await t.gql<{ saveRows: { saved: number; results: Result[] } }>(SAVE, { ledger, changes }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
};
const rows = async (ledger: string, filter?: unknown, orderBy?: unknown) => {
  const answer = await t.gql<{ rows: { totalCount: number; edges: { node: Row }[] } }>(
    ROWS,
    { ledger, filter, orderBy },
    { token: clerk },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.rows.edges.map((e) => e.node);
};
const rowOf = async (ledger: string, id: string) => (await rows(ledger)).find((r) => r.id === id)!;

const windowCase = (caseNo: string, values: Record<string, unknown> = {}) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-11-20T09:00:00+08:00',
    service_item: '社保卡补办',
    applicant: '赵六',
    phone: '13800002222',
    channel: '窗口',
    status: '办结',
    completed_at: '2026-11-20T10:00:00+08:00',
    handler: '孙七',
    ...values,
  },
});
const rectification = (values: Record<string, unknown>) => ({
  op: 'INSERT',
  values: {
    found_on: '2026-11-21',
    source: '回访',
    description: '等候时间过长',
    owner: '孙七',
    deadline: '2026-11-26',
    status: '待整改',
    ...values,
  },
});

beforeAll(async () => {
  t = await startTestApi();
  clerk = await t.signIn('clerk05');
  admin = await t.signIn('admin');
});
afterAll(() => t?.close());

describe('a roll-up counts the rows that point at a row', () => {
  it('counts rectifications and the open ones, from the grid, from a follow-up, and as they close and go', async () => {
    const [plain] = (await save('window_case', [windowCase('DF-2026-0001')])).results;
    expect(plain.row!.values).toMatchObject({ rectifications: 0, open_rectifications: 0 });

    // a dissatisfied visit makes a rectification (a follow-up): the case saved already counts it
    const [visited] = (
      await save('window_case', [
        windowCase('DF-2026-0002', {
          visited_at: '2026-11-20T11:00:00+08:00',
          visit_method: '电话',
          visit_result: '非常不满意',
        }),
      ])
    ).results;
    expect(visited.errors).toBeNull();
    expect(visited.row!.values).toMatchObject({ rectifications: 1, open_rectifications: 1 });

    // two typed in the rectification grid, by the case's number
    const typed = await save('rectification', [
      rectification({ case_ref: 'DF-2026-0001' }),
      rectification({ case_ref: 'DF-2026-0001', status: '整改中' }),
    ]);
    expect(typed.saved).toBe(2);
    expect((await rowOf('window_case', plain.row!.id)).values).toMatchObject({
      rectifications: 2,
      open_rectifications: 2,
    });

    // one closes: still two, one open; one moves to the other case; one is deleted, then restored
    const [first, second] = typed.results.map((r) => r.row!);
    await save('rectification', [
      {
        op: 'UPDATE',
        id: first.id,
        version: first.version,
        values: { status: '已整改', rectified_on: '2026-11-22' },
      },
    ]);
    expect((await rowOf('window_case', plain.row!.id)).values).toMatchObject({
      rectifications: 2,
      open_rectifications: 1,
    });
    const moved = (
      await save('rectification', [
        { op: 'UPDATE', id: second.id, version: second.version, values: { case_ref: 'DF-2026-0002' } },
      ])
    ).results[0].row!;
    expect((await rowOf('window_case', plain.row!.id)).values).toMatchObject({
      rectifications: 1,
      open_rectifications: 0,
    });
    expect((await rowOf('window_case', visited.row!.id)).values).toMatchObject({
      rectifications: 2,
      open_rectifications: 2,
    });
    await save('rectification', [{ op: 'DELETE', id: moved.id, version: moved.version }]);
    expect((await rowOf('window_case', visited.row!.id)).values).toMatchObject({
      rectifications: 1,
      open_rectifications: 1,
    });
    const restored = await t.gql(RESTORE, { id: moved.id }, { token: clerk });
    expect(restored.errors).toBeUndefined();
    expect((await rowOf('window_case', visited.row!.id)).values).toMatchObject({
      rectifications: 2,
      open_rectifications: 2,
    });

    // a roll-up is a column: filters and sorting use it
    const open = await rows('window_case', { open_rectifications: { gte: 1 } }, [
      { field: 'rectifications', desc: true },
    ]);
    expect(open.map((r) => r.values.case_no)).toEqual(['DF-2026-0002']);
  });

  it('is not written by a clerk: a value sent for it is ignored', async () => {
    const [saved] = (await save('window_case', [windowCase('DF-2026-0003', { rectifications: 99 })])).results;
    expect(saved.status).toBe('SAVED');
    expect(saved.row!.values.rectifications).toBe(0);
  });
});

describe('a look-up shows a field of the row a reference points at', () => {
  it('is filled on save, follows a change of the target, and empties with the reference', async () => {
    const [target] = (await save('window_case', [windowCase('DF-2026-0100', { channel: '网上' })])).results;
    const [made] = (await save('rectification', [rectification({ case_ref: 'DF-2026-0100' })])).results;
    expect(made.row!.values.case_channel).toBe('网上');

    // the case's channel changes: the rectification follows, without a new version of its own
    await save('window_case', [
      { op: 'UPDATE', id: target.row!.id, version: target.row!.version, values: { channel: '帮办代办' } },
    ]);
    const followed = await rowOf('rectification', made.row!.id);
    expect(followed.values.case_channel).toBe('帮办代办');
    expect(followed.version).toBe(made.row!.version);

    // a value sent for it is ignored; the reference emptied empties it
    const [cleared] = (
      await save('rectification', [
        {
          op: 'UPDATE',
          id: made.row!.id,
          version: followed.version,
          values: { case_ref: null, case_channel: '窗口' },
        },
      ])
    ).results;
    expect(cleared.errors).toBeNull();
    expect(cleared.row!.values.case_channel).toBeNull();
  });

  it('groups statistics by the referenced row’s field, and filters by it', async () => {
    const [target] = (await save('window_case', [windowCase('DF-2026-0200', { channel: '自助' })])).results;
    expect(target.errors).toBeNull();
    await save('rectification', [
      rectification({ case_ref: 'DF-2026-0200' }),
      rectification({ case_ref: 'DF-2026-0200' }),
    ]);
    const filtered = await rows('rectification', { case_channel: '自助' });
    expect(filtered).toHaveLength(2);
    const stats = await t.gql<{
      statistics: {
        rows: { keys: { value: string; label: string }[]; values: { measure: string; value: number }[] }[];
      };
    }>(STATS, {}, { token: clerk });
    expect(stats.errors).toBeUndefined();
    const kiosk = stats.data!.statistics.rows.find((r) => r.keys[0].value === '自助')!;
    expect(kiosk.keys[0].label).toBe('自助');
    expect(kiosk.values.find((v) => v.measure === 'total')!.value).toBe(2);
  });

  it('is usable in a rule: the rule sees the value the row is saved with', async () => {
    const probe = {
      key: 'lookup_rule_probe',
      title: '查找规则测试',
      fields: [
        { key: 'case_ref', title: '办件', type: 'reference', ledger: 'window_case', display: 'case_no' },
        {
          key: 'channel',
          title: '渠道',
          type: 'choice',
          options: [{ value: '窗口' }, { value: '网上' }, { value: '自助' }, { value: '帮办代办' }],
          lookup: { reference: 'case_ref', field: 'channel' },
        },
        { key: 'note', title: '说明', type: 'text' },
      ],
      rules: [
        {
          key: 'phone_needs_note',
          level: 'error',
          check: 'channel != "帮办代办" or not isblank(note)',
          message: '帮办代办的办件须填写说明',
          fields: ['note'],
        },
      ],
    };
    const published = await t.gql(PUBLISH, { d: probe }, { token: admin });
    expect(published.errors).toBeUndefined();
    await save('window_case', [windowCase('DF-2026-0300', { channel: '帮办代办' })]);
    const saved = await save('lookup_rule_probe', [
      { op: 'INSERT', values: { case_ref: 'DF-2026-0300' } },
      { op: 'INSERT', values: { case_ref: 'DF-2026-0300', note: '代办人已签字' } },
    ]);
    expect(saved.results[0].errors).toEqual([{ path: 'note', message: '帮办代办的办件须填写说明' }]);
    expect(saved.results[1].row!.values).toMatchObject({ channel: '帮办代办', note: '代办人已签字' });
  });

  it('refuses a definition whose look-up or roll-up does not fit, naming the field', async () => {
    const bad = {
      key: 'lookup_bad_probe',
      title: '错误定义',
      fields: [
        { key: 'case_ref', title: '办件', type: 'reference', ledger: 'window_case' },
        { key: 'when', title: '受理时间', type: 'text', lookup: { reference: 'case_ref', field: 'accepted_at' } },
        { key: 'nothing', title: '无', type: 'text', lookup: { reference: 'case_ref', field: 'no_such_field' } },
        {
          key: 'count',
          title: '计数',
          type: 'integer',
          rollup: { ledger: 'rectification', reference: 'case_ref', kind: 'count' },
        },
      ],
    };
    const answer = await t.gql(PUBLISH, { d: bad }, { token: admin });
    expect(answer.errors?.[0].extensions?.errors).toEqual([
      { path: '/fields/1/type', message: '查找字段的类型应与「accepted_at」相同（datetime）' },
      { path: '/fields/2/lookup/field', message: '台账「window_case」没有字段「no_such_field」' },
      { path: '/fields/3/rollup/reference', message: '「rectification.case_ref」不是引用本台账的字段' },
    ]);
    // what a definition says wrongly on its own comes first: a count that is not a whole number
    const alone = await t.gql(
      PUBLISH,
      { d: { ...bad, fields: [bad.fields[0], { ...bad.fields[3], type: 'text' }] } },
      { token: admin },
    );
    expect(alone.errors?.[0].extensions?.errors).toEqual([
      { path: '/fields/1/type', message: '计数汇总的字段应为整数类型' },
    ]);
  });
});

describe('publishing a derived field', () => {
  it('fills it for the rows already there', async () => {
    const file = JSON.parse(readFileSync(path.join(__dirname, '../../../schemas/rectification.json'), 'utf8')) as {
      fields: unknown[];
    };
    const [target] = (await save('window_case', [windowCase('DF-2026-0400', { handler: '周八' })])).results;
    const [made] = (await save('rectification', [rectification({ case_ref: 'DF-2026-0400' })])).results;
    expect(made.row!.values.case_handler).toBeUndefined();
    const published = await t.gql(
      PUBLISH,
      {
        d: {
          ...file,
          fields: [
            ...file.fields,
            {
              key: 'case_handler',
              title: '办件承办人',
              type: 'text',
              lookup: { reference: 'case_ref', field: 'handler' },
            },
          ],
        },
      },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
    expect((await rowOf('rectification', made.row!.id)).values.case_handler).toBe('周八');
    expect(target.row!.values.case_no).toBe('DF-2026-0400');
  });
});
