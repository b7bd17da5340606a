import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Saved views (issue 22, docs/views.md) over GraphQL: personal views are their owner's alone,
 * shared ones an admin's to publish and every reader's to use; the config is checked against the
 * ledger; the default view a grid opens with.
 */
const VIEW = `id ledger name shared config isDefault opensByDefault editable owner`;
const LIST = `query ($ledger: String!) { views(ledger: $ledger) { ${VIEW} } }`;
const SAVE = `mutation ($id: ID, $input: ViewInput!) { saveView(id: $id, input: $input) { ${VIEW} } }`;
const DELETE = `mutation ($id: ID!) { deleteView(id: $id) }`;
const DEFAULT = `mutation ($id: ID!, $on: Boolean) { setDefaultView(id: $id, isDefault: $on) { ${VIEW} } }`;

let t: TestApi;
const tokens: Record<string, string> = {};
const as = async (username: string) => ({ token: (tokens[username] ??= await t.signIn(username)) });

async function save(username: string, input: Record<string, unknown>, id?: string, language?: string) {
  return t.gql(SAVE, { id: id ?? null, input }, { ...(await as(username)), language });
}
async function list(username: string, ledger = 'window_case') {
  const answer = await t.gql(LIST, { ledger }, await as(username));
  return answer;
}
const names = (answer: Awaited<ReturnType<typeof list>>) =>
  (answer.data?.views as { name: string }[] | undefined)?.map((v) => v.name);

beforeAll(async () => {
  t = await startTestApi();
});
afterAll(async () => {
  await t?.close();
});

describe('personal views', () => {
  let mine: string;

  it('saves a view for anyone, with the config as checked and its defaults filled in', async () => {
    const answer = await save('clerk01', {
      ledger: 'window_case',
      name: ' 我的办结件 ',
      config: { filter: { status: '办结' }, orderBy: [{ field: 'accepted_at', desc: true }], hidden: ['remark'] },
    });
    expect(answer.errors).toBeUndefined();
    const view = answer.data!.saveView;
    mine = view.id;
    expect(view).toMatchObject({ name: '我的办结件', shared: false, editable: true, isDefault: false });
    expect(view.config).toEqual({
      filter: { status: '办结' },
      orderBy: [{ field: 'accepted_at', desc: true }],
      hidden: ['remark'],
      order: [],
      frozen: 1,
      rowHeight: null,
    });
    const [stored] = (await t.db.query(`SELECT owner_id, shared FROM ledger_views WHERE id = $1`, [mine])) as {
      owner_id: number;
    }[];
    const [clerk] = (await t.db.query(`SELECT id FROM users WHERE username = 'clerk01'`)) as { id: number }[];
    expect(stored.owner_id).toBe(clerk.id);
  });

  it('is not listed, changed or deleted by another user: it does not exist for them', async () => {
    expect(names(await list('clerk01'))).toEqual(['我的办结件']);
    expect(names(await list('clerk02'))).toEqual([]);
    expect(names(await list('admin'))).toEqual([]);
    for (const username of ['clerk02', 'admin']) {
      const edit = await save(username, { ledger: 'window_case', name: '改掉', config: {} }, mine);
      expect(edit.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const gone = await t.gql(DELETE, { id: mine }, await as(username));
      expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const marked = await t.gql(DEFAULT, { id: mine, on: true }, await as(username));
      expect(marked.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const [row] = (await t.db.query(`SELECT name FROM ledger_views WHERE id = $1`, [mine])) as { name: string }[];
    expect(row.name).toBe('我的办结件');
  });

  it('is changed by its owner, who cannot move it to another ledger', async () => {
    const renamed = await save('clerk01', { ledger: 'window_case', name: '办结件', config: { rowHeight: 40 } }, mine);
    expect(renamed.data?.saveView).toMatchObject({ id: mine, name: '办结件', config: { rowHeight: 40, hidden: [] } });
    const moved = await save('clerk01', { ledger: 'rectification', name: '办结件', config: {} }, mine);
    expect(moved.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(moved.errors?.[0].extensions?.errors?.[0].path).toBe('ledger');
  });

  it('keeps names apart within a list and bounds their length', async () => {
    const twin = await save('clerk01', { ledger: 'window_case', name: '办结件', config: {} });
    expect(twin.errors?.[0].extensions?.errors).toEqual([{ path: 'name', message: '已有名为「办结件」的视图' }]);
    // another user's view may have the same name
    expect((await save('clerk02', { ledger: 'window_case', name: '办结件', config: {} })).errors).toBeUndefined();
    const long = await save('clerk01', { ledger: 'window_case', name: '长'.repeat(61), config: {} });
    expect(long.errors?.[0].extensions?.errors?.[0]).toMatchObject({ path: 'name' });
  });

  it('refuses a ledger the clerk does not fill', async () => {
    const answer = await save('clerk11', { ledger: 'window_case', name: '看看', config: {} });
    expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await list('clerk11')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a bad config', () => {
  it('is refused, naming the column, the key and the reason, in zh-CN and English', async () => {
    const input = {
      ledger: 'window_case',
      name: '坏视图',
      config: {
        hidden: ['remark', 'no_such_column'],
        filter: { ghost: '1', promised_days: { gt: 'many' }, status: { between: 1 } },
        orderBy: [{ field: 'nowhere' }],
        colour: 'red',
        frozen: 50,
      },
    };
    const zh = await save('clerk01', input);
    expect(zh.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(zh.errors?.[0].extensions?.reason).toBe('INVALID_VIEW');
    const problems = zh.errors![0].extensions!.errors!;
    expect(problems.map((p) => p.path)).toEqual(['config/colour', 'config/hidden/1', 'config/frozen']);
    expect(problems[1].message).toBe('台账没有「no_such_column」这一列');

    // once the shape is sound, the filter and sort are judged as the rows query judges them
    const shaped = await save('clerk01', {
      ...input,
      config: { ...input.config, hidden: ['remark'], colour: undefined, frozen: 2 },
    });
    const paths = shaped.errors![0].extensions!.errors!.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'config/filter/ghost',
        'config/filter/promised_days/gt',
        'config/filter/status/between',
        'config/orderBy/0/field',
      ]),
    );
    const en = await save('clerk01', { ...input, config: { hidden: ['no_such_column'] } }, undefined, 'en');
    expect(en.errors?.[0].extensions?.errors?.[0].message).toBe('The ledger has no column "no_such_column"');
    expect(en.errors?.[0].message).toMatch(/^The view is invalid/);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM ledger_views WHERE name = '坏视图'`))[0].n).toBe(0);
  });

  it('is refused when it is not an object or too large', async () => {
    const list = await save('clerk01', { ledger: 'window_case', name: 'x', config: [1, 2] });
    expect(list.errors?.[0].extensions?.errors?.[0].path).toBe('config');
    const big = await save('clerk01', {
      ledger: 'window_case',
      name: 'x',
      config: { filter: { remark: { contains: '长'.repeat(25_000) } } },
    });
    expect(big.errors?.[0].extensions?.errors?.[0].message).toMatch(/视图设置过大/);
  });
});

describe('shared views', () => {
  let published: string;

  it('cannot be made by a clerk', async () => {
    const answer = await save('clerk01', { ledger: 'window_case', name: '全县', shared: true, config: {} });
    expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(answer.errors?.[0].extensions?.reason).toBe('VIEW_SHARED_BY_ADMINS');
  });

  it('are published by an admin and listed for every clerk who fills the ledger, beside their own', async () => {
    const answer = await save('admin', {
      ledger: 'window_case',
      name: '回访视图',
      shared: true,
      config: { hidden: ['phone'], orderBy: [{ field: 'case_no', desc: false }] },
    });
    expect(answer.errors).toBeUndefined();
    published = answer.data!.saveView.id;
    const clerk = (await list('clerk01')).data!.views as { id: string; shared: boolean; editable: boolean }[];
    expect(clerk.map((v) => [v.id === published, v.shared, v.editable])).toEqual([
      [true, true, false],
      [false, false, true],
    ]);
    expect(names(await list('clerk02'))).toEqual(['回访视图', '办结件']);
    // a clerk of a unit that does not fill the ledger reads neither the ledger nor its views
    expect((await list('clerk11')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('cannot be changed or deleted by a clerk, nor read by id by one who may not read the ledger', async () => {
    const edit = await save('clerk01', { ledger: 'window_case', name: '改', shared: false, config: {} }, published);
    expect(edit.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const gone = await t.gql(DELETE, { id: published }, await as('clerk01'));
    expect(gone.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const outsider = await t.gql(DELETE, { id: published }, await as('clerk11'));
    expect(outsider.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(names(await list('clerk01'))).toContain('回访视图');
  });
});

describe('the default view', () => {
  it("is the ledger's shared default, unless the user marked a personal one of their own", async () => {
    const [shared] = ((await list('admin')).data!.views as { id: string; name: string }[]).filter(
      (v) => v.name === '回访视图',
    );
    const clerkMarks = await t.gql(DEFAULT, { id: shared.id, on: true }, await as('clerk01'));
    expect(clerkMarks.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const marked = await t.gql(DEFAULT, { id: shared.id, on: true }, await as('admin'));
    expect(marked.data?.setDefaultView).toMatchObject({ isDefault: true, opensByDefault: true });

    const opening = async (username: string) =>
      ((await list(username)).data!.views as { name: string; opensByDefault: boolean }[])
        .filter((v) => v.opensByDefault)
        .map((v) => v.name);
    expect(await opening('clerk01')).toEqual(['回访视图']);
    expect(await opening('clerk02')).toEqual(['回访视图']);

    const own = ((await list('clerk01')).data!.views as { id: string; name: string }[]).find(
      (v) => v.name === '办结件',
    )!;
    await t.gql(DEFAULT, { id: own.id, on: true }, await as('clerk01'));
    expect(await opening('clerk01')).toEqual(['办结件']);
    expect(await opening('clerk02')).toEqual(['回访视图']);

    // a second personal default replaces the first
    const second = await save('clerk01', { ledger: 'window_case', name: '第二个', config: {} });
    await t.gql(DEFAULT, { id: second.data!.saveView.id, on: true }, await as('clerk01'));
    expect(await opening('clerk01')).toEqual(['第二个']);
    const [{ n }] = (await t.db.query(
      `SELECT count(*)::int AS n FROM ledger_views v JOIN users u ON u.id = v.owner_id
        WHERE u.username = 'clerk01' AND v.is_default`,
    )) as { n: number }[];
    expect(n).toBe(1);

    // unmarked: the ledger's default again; deleted shared default: none
    await t.gql(DEFAULT, { id: second.data!.saveView.id, on: false }, await as('clerk01'));
    expect(await opening('clerk01')).toEqual(['回访视图']);
    expect((await t.gql(DELETE, { id: shared.id }, await as('admin'))).data?.deleteView).toBe(true);
    expect(await opening('clerk01')).toEqual([]);
    expect(names(await list('clerk02'))).toEqual(['办结件']);
  });
});

describe('limits', () => {
  it('holds at most 50 personal views per user and ledger', async () => {
    const [{ id: owner }] = (await t.db.query(`SELECT id FROM users WHERE username = 'clerk03'`)) as { id: number }[];
    await t.db.query(
      `INSERT INTO ledger_views (ledger_key, name, shared, owner_id, config)
       SELECT 'window_case', '视图' || i, false, $1, '{}' FROM generate_series(1, 50) i`,
      [owner],
    );
    const answer = await save('clerk03', { ledger: 'window_case', name: '第五十一个', config: {} });
    expect(answer.errors?.[0].extensions?.reason).toBe('TOO_MANY_VIEWS');
    // another ledger has its own count
    expect((await save('clerk03', { ledger: 'rectification', name: '第一个', config: {} })).errors).toBeUndefined();
  });
});

describe('the audit log', () => {
  it("records an admin's shared views (saved, marked default, deleted), never anyone's personal ones", async () => {
    const LOG = `query { auditLog(ledger: "window_case", first: 100) { kind action username ledgerKey detail } }`;
    const logged = async () =>
      (
        (await t.gql(LOG, {}, await as('admin'))).data!.auditLog as {
          action: string;
          username: string;
          ledgerKey: string | null;
          detail: Record<string, unknown> | null;
        }[]
      ).filter((e) => e.action.startsWith('view_'));
    const before = (await logged()).length;
    const personal = await save('admin', { ledger: 'window_case', name: '我的审计视图', config: {} });
    await t.gql(DEFAULT, { id: personal.data!.saveView.id, on: true }, await as('admin'));
    await t.gql(DELETE, { id: personal.data!.saveView.id }, await as('admin'));
    await save('clerk05', { ledger: 'window_case', name: '填报员的视图', config: {} });
    expect((await logged()).length).toBe(before);

    const shared = await save('admin', { ledger: 'window_case', name: '审计共享视图', shared: true, config: {} });
    const id = shared.data!.saveView.id as string;
    await t.gql(DEFAULT, { id, on: true }, await as('admin'));
    await t.gql(DELETE, { id }, await as('admin'));
    const entries = (await logged()).slice(0, (await logged()).length - before);
    expect(entries.map((e) => [e.action, e.username, e.ledgerKey])).toEqual([
      ['view_deleted', 'admin', 'window_case'],
      ['view_default_set', 'admin', 'window_case'],
      ['view_saved', 'admin', 'window_case'],
    ]);
    expect(entries[1].detail).toEqual({ target: '审计共享视图', targetKind: 'view', set: { isDefault: true } });
    expect(entries[2].detail).toMatchObject({ target: '审计共享视图', set: { name: '审计共享视图', shared: true } });
    // a deleted view is named as it was before it went
    expect(entries[0].detail).toMatchObject({ target: '审计共享视图', targetKind: 'view' });
  });
});
