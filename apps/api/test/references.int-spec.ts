import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * References clerks can use (issue 19): a reference shows what its row says (Row.display), is
 * picked by it (referenceOptions) and may be given by it (saveRows, paste, import); a row made by
 * a follow-up keeps its origin (Row.origin, followUpRows); a referenced row is not deleted from
 * under its referrers, and a restored row's references still hold.
 */
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) {
    saved rejected results { status errors { path message } warnings { message } row { id version values display origin { ledger id label } } } } }`;
const ROWS = `query ($ledger: String!) {
  rows(ledger: $ledger, first: 1000) { edges { node { id version values display origin { ledger id label } } } } }`;
const OPTIONS = `query ($field: String!, $search: String!, $first: Int) {
  referenceOptions(ledger: "rectification", field: $field, search: $search, first: $first) { id label hint } }`;
const FOLLOW_UPS = `query ($ledger: String!, $id: ID!) { followUpRows(ledger: $ledger, id: $id) { ledger id label } }`;

type Row = {
  id: string;
  version: number;
  values: Record<string, unknown>;
  display: Record<string, string | null> | null;
  origin: { ledger: string; id: string; label: string | null } | null;
};
type Saved = {
  saveRows: {
    saved: number;
    rejected: number;
    results: { status: string; errors: { path: string; message: string }[] | null; row: Row | null }[];
  };
};

const windowCase = (caseNo: string, values: Record<string, unknown> = {}) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-11-20T09:00:00+08:00',
    service_item: '营业执照变更',
    applicant: '李四',
    phone: '13800001111',
    status: '办结',
    completed_at: '2026-11-20T10:00:00+08:00',
    handler: '王五',
    ...values,
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

let t: TestApi;
let clerk: string;
let other: string;
const cases = new Map<string, Row>();

const save = async (ledger: string, changes: unknown[], token = clerk) => {
  const answer = await t.gql<Saved>(SAVE, { ledger, changes }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
};
const rowsOf = async (ledger: string, token = clerk) => {
  const answer = await t.gql<{ rows: { edges: { node: Row }[] } }>(ROWS, { ledger }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.rows.edges.map((e) => e.node);
};

beforeAll(async () => {
  t = await startTestApi();
  clerk = await t.signIn('clerk03');
  other = await t.signIn('clerk04');
  const saved = await save('window_case', [
    windowCase('RF-2026-0001', { applicant: '张三' }),
    windowCase('RF-2026-0002'),
    windowCase('RF-2026-0012'),
    windowCase('XRF-0001'),
  ]);
  expect(saved.saved).toBe(4);
  for (const result of saved.results) cases.set(String(result.row!.values.case_no) + result.row!.id, result.row!);
  // another unit's case with a number this unit also has
  expect((await save('window_case', [windowCase('RF-2026-0001')], other)).saved).toBe(1);
});
afterAll(() => t?.close());

const caseId = (caseNo: string) => [...cases.values()].find((c) => c.values.case_no === caseNo)!.id;

describe('a reference shown and given by what its row says', () => {
  it('takes a case number for a reference and shows it back as the display', async () => {
    const saved = await save('rectification', [rectification({ case_ref: 'RF-2026-0002' })]);
    expect(saved.results[0].errors).toBeNull();
    const row = saved.results[0].row!;
    expect(row.values.case_ref).toBe(Number(caseId('RF-2026-0002')));
    expect(row.display).toEqual({ case_ref: 'RF-2026-0002' });
    const listed = (await rowsOf('rectification')).find((r) => r.id === row.id)!;
    expect(listed.display).toEqual({ case_ref: 'RF-2026-0002' });
    expect(listed.origin).toBeNull();
  });

  it('refuses a text that names no row or several, naming the field and the text; the rest is kept', async () => {
    const saved = await save('rectification', [
      rectification({ case_ref: '不存在的编号' }),
      rectification({ case_ref: 'RF-2026-0012', description: '保留的一行' }),
    ]);
    expect(saved.saved).toBe(1);
    expect(saved.results[0].errors).toEqual([
      { path: 'case_ref', message: '「关联办件编号」找不到「不存在的编号」：本单位没有这样的一行' },
    ]);
    expect(saved.results[1].row!.display).toEqual({ case_ref: 'RF-2026-0012' });

    // a reference shown by a field many rows share (the applicant): a name several rows say is refused
    const admin = await t.signIn('admin');
    const published = await t.gql(
      'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
      {
        d: {
          key: 'ref_probe',
          title: '引用试验',
          fillers: { unitKinds: ['township_centre'] },
          fields: [
            { key: 'who', title: '申请人', type: 'reference', ledger: 'window_case', display: 'applicant' },
            { key: 'note', title: '说明', type: 'text' },
          ],
        },
      },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
    const probe = await save('ref_probe', [
      { op: 'INSERT', values: { who: '李四', note: 'a' } },
      { op: 'INSERT', values: { who: '张三', note: 'b' } },
    ]);
    expect(probe.results[0].errors).toEqual([
      { path: 'who', message: '「申请人」填的「李四」对应本单位 3 行，无法确定是哪一行，请在列表中选择' },
    ]);
    expect(probe.results[1].row!.display).toEqual({ who: '张三' });
  });

  it("resolves a number among the unit's own rows only, and still takes an id", async () => {
    const saved = await save('rectification', [
      rectification({ case_ref: 'RF-2026-0001' }),
      rectification({ case_ref: Number(caseId('XRF-0001')) }),
    ]);
    expect(saved.results.map((r) => r.row?.values.case_ref)).toEqual([
      Number(caseId('RF-2026-0001')),
      Number(caseId('XRF-0001')),
    ]);
  });
});

describe('referenceOptions: the picker', () => {
  const options = async (search: string, first?: number, token = clerk) => {
    const answer = await t.gql<{ referenceOptions: { id: string; label: string; hint: string | null }[] }>(
      OPTIONS,
      { field: 'case_ref', search, first },
      { token },
    );
    expect(answer.errors).toBeUndefined();
    return answer.data!.referenceOptions;
  };

  it('ranks the exact text, then those it begins, then those containing it, within the unit', async () => {
    const found = await options('RF-2026-0001');
    expect(found.map((o) => o.label)).toEqual(['RF-2026-0001']);
    const part = await options('0001');
    expect(part.map((o) => o.label).sort()).toEqual(['RF-2026-0001', 'XRF-0001']);
    const prefix = await options('rf-');
    expect(prefix.at(-1)!.label).toBe('XRF-0001');
    expect(prefix.slice(0, -1).every((o) => o.label.startsWith('RF-'))).toBe(true);
  });

  it('finds a row by its other texts too (the applicant) and says them as a hint', async () => {
    const found = await options('张三');
    expect(found).toHaveLength(1);
    expect(found[0].label).toBe('RF-2026-0001');
    expect(found[0].hint).toContain('张三');
  });

  it('lists the newest first for an empty search, as many as asked; wildcards are plain text', async () => {
    const newest = await options('', 2);
    expect(newest).toHaveLength(2);
    expect(Number(newest[0].id)).toBeGreaterThan(Number(newest[1].id));
    expect(await options('%')).toEqual([]);
  });

  it('never lists another unit’s rows', async () => {
    const mine = new Set([...cases.values()].map((c) => c.id));
    for (const option of await options('RF', 50)) expect(mine.has(option.id)).toBe(true);
    const theirs = await options('RF', 50, other);
    expect(theirs.map((o) => o.label)).toEqual(['RF-2026-0001']);
  });
});

describe('the origin of follow-up rows', () => {
  it('links a rectification made from a dissatisfied window case to the case, both ways', async () => {
    const saved = await save('window_case', [
      windowCase('RF-VISIT-01', {
        visited_at: '2026-11-20T11:00:00+08:00',
        visit_method: '电话',
        visit_result: '不太满意',
      }),
    ]);
    const source = saved.results[0].row!;
    const made = (await rowsOf('rectification')).filter((r) => r.origin?.id === source.id);
    expect(made).toHaveLength(1);
    expect(made[0].origin).toEqual({ ledger: 'window_case', id: source.id, label: 'RF-VISIT-01' });
    const back = await t.gql<{ followUpRows: unknown[] }>(
      FOLLOW_UPS,
      { ledger: 'window_case', id: source.id },
      { token: clerk },
    );
    expect(back.data!.followUpRows).toEqual([{ ledger: 'rectification', id: made[0].id, label: null }]);
  });

  it('links a rectification made from a survey answer to the answer', async () => {
    const saved = await save('survey', [{ op: 'INSERT', values: { q1: 'E', q7: ['A'], q11: '等候太久' } }]);
    const answer = saved.results[0].row!;
    const made = (await rowsOf('rectification')).filter((r) => r.origin?.ledger === 'survey');
    expect(made.map((r) => r.origin)).toEqual([{ ledger: 'survey', id: answer.id, label: null }]);
    const back = await t.gql<{ followUpRows: { id: string }[] }>(
      FOLLOW_UPS,
      { ledger: 'survey', id: answer.id },
      { token: clerk },
    );
    expect(back.data!.followUpRows.map((l) => l.id)).toEqual([made[0].id]);
    // another unit's clerk cannot ask
    const denied = await t.gql(FOLLOW_UPS, { ledger: 'survey', id: answer.id }, { token: other });
    expect(denied.errors).toBeDefined();
  });
});

describe('integrity', () => {
  it('refuses to delete a referenced case, naming who refers to it; deletes it once nothing does', async () => {
    const target = (await rowsOf('window_case')).find((r) => r.values.case_no === 'RF-2026-0002')!;
    const refused = await save('window_case', [{ op: 'DELETE', id: target.id, version: target.version }]);
    expect(refused.rejected).toBe(1);
    expect(refused.results[0].errors![0].message).toMatch(
      /^不能删除「RF-2026-0002」：「不满意办件整改台账」的第 \d+ 行通过「关联办件编号」引用了它/,
    );

    const referrers = (await rowsOf('rectification')).filter((r) => r.values.case_ref === Number(target.id));
    const cleared = await save(
      'rectification',
      referrers.map((r) => ({ op: 'UPDATE', id: r.id, version: r.version, values: { case_ref: null } })),
    );
    expect(cleared.saved).toBe(referrers.length);
    expect((await save('window_case', [{ op: 'DELETE', id: target.id, version: target.version }])).saved).toBe(1);
  });

  it('does not restore a row whose referenced row was deleted since, and says which', async () => {
    const [ref] = (await save('window_case', [windowCase('RF-GONE')])).results.map((r) => r.row!);
    const [rect] = (await save('rectification', [rectification({ case_ref: 'RF-GONE' })])).results.map((r) => r.row!);
    expect((await save('rectification', [{ op: 'DELETE', id: rect.id, version: rect.version }])).saved).toBe(1);
    expect((await save('window_case', [{ op: 'DELETE', id: ref.id, version: ref.version }])).saved).toBe(1);
    const restored = await t.gql(
      `mutation ($id: ID!) { restoreRow(ledger: "rectification", id: $id) { id } }`,
      { id: rect.id },
      { token: clerk },
    );
    expect(restored.errors![0].message).toContain(`引用的第 ${ref.id} 行不存在、已删除或不属于本单位`);
  });
});
