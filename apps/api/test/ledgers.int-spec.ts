import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

const REPO_SCHEMAS = path.resolve(__dirname, '../../../schemas');
const schemasDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taizhang-schemas-'));
for (const file of fs.readdirSync(REPO_SCHEMAS))
  fs.copyFileSync(path.join(REPO_SCHEMAS, file), path.join(schemasDir, file));

const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version fields { key type } } }';

let t: TestApi;
let admin: string;
beforeAll(async () => {
  t = await startTestApi({ SCHEMAS_DIR: schemasDir });
  admin = await t.signIn('admin');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(schemasDir, { recursive: true, force: true });
});

async function columns(table: string): Promise<Record<string, string>> {
  const rows = await t.db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

describe('the seed ledgers', () => {
  it('are published from schemas/ at start-up, version 1 each, as the contract shapes them', async () => {
    const response = await t.gql(
      '{ ledgers { key title version period deadline periodField fields { key title type required readOnly options } } }',
      {},
      { token: admin },
    );
    const ledgers = response.data!.ledgers as {
      key: string;
      version: number;
      period: string;
      deadline: string | null;
      fields: { key: string; readOnly: boolean; options: unknown }[];
    }[];
    expect(ledgers.map((l) => l.key).sort()).toEqual([
      'daily_followup',
      'rectification',
      'survey',
      'task',
      'window_case',
    ]);
    expect(ledgers.every((l) => l.version === 1)).toBe(true);
    const daily = ledgers.find((l) => l.key === 'daily_followup')!;
    expect(daily).toMatchObject({
      title: '政务服务大回访日报台账',
      period: 'daily',
      deadline: '17:00',
      periodField: 'report_date',
    });
    expect(daily.fields.map((f) => f.key)).toEqual([
      'report_date',
      'cases',
      'follow_ups',
      'follow_up_rate',
      'dissatisfied',
      'qr_good_reviews',
    ]);
    expect(daily.fields.find((f) => f.key === 'follow_up_rate')!.readOnly).toBe(true);
    const survey = ledgers.find((l) => l.key === 'survey')!;
    expect(survey.fields).toHaveLength(12);
    expect(survey.fields[0].options).toEqual([
      { value: 'A', label: '非常满意' },
      { value: 'B', label: '比较满意' },
      { value: 'C', label: '一般' },
      { value: 'D', label: '不太满意' },
      { value: 'E', label: '非常不满意' },
    ]);
  });

  it('each have a real table with typed columns named by the field keys', async () => {
    expect(await columns('ledger_daily_followup')).toMatchObject({
      id: 'bigint',
      unit_id: 'integer',
      period: 'text',
      version: 'integer',
      report_date: 'date',
      cases: 'bigint',
      follow_up_rate: 'numeric',
      deleted_at: 'timestamp with time zone',
    });
    expect(await columns('ledger_window_case')).toMatchObject({
      accepted_at: 'timestamp with time zone',
      on_time: 'boolean',
      status: 'text',
    });
    expect(await columns('ledger_survey')).toMatchObject({ q7: 'ARRAY', q1: 'text', q11: 'text' });
    const [pk] = await t.db.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'ledger_daily_followup'::regclass AND contype = 'p'`,
    );
    expect(pk.def).toBe('PRIMARY KEY (unit_id, id)');
  });

  it("holds the ledger's limits in the database too", async () => {
    const [unit] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`);
    await expect(
      t.db.query(
        `INSERT INTO ledger_daily_followup (unit_id, def_version, report_date, cases, follow_ups, dissatisfied) VALUES ($1, 1, '2023-03-01', -1, 0, 0)`,
        [unit.id],
      ),
    ).rejects.toThrow(/check constraint/);
    await t.db.query(
      `INSERT INTO ledger_daily_followup (unit_id, def_version, report_date, cases, follow_ups, dissatisfied) VALUES ($1, 1, '2023-03-01', 3, 2, 0)`,
      [unit.id],
    );
    await expect(
      t.db.query(
        `INSERT INTO ledger_daily_followup (unit_id, def_version, report_date, cases, follow_ups, dissatisfied) VALUES ($1, 1, '2023-03-01', 4, 4, 0)`,
        [unit.id],
      ),
    ).rejects.toThrow(/duplicate key/);
    // a rectification may only link a case of its own unit
    await expect(
      t.db.query(
        `INSERT INTO ledger_rectification (unit_id, def_version, found_on, source, description, owner, deadline, status, case_ref) VALUES ($1, 1, '2023-03-01', '回访', '描述', '张三', '2023-03-05', '待整改', 999)`,
        [unit.id],
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('start the task ledger with the plan’s eight tasks, each with its lead section', async () => {
    const tasks = await t.db.query<{ task_no: string; task: string; unit: string }>(
      `SELECT t.task_no, t.task, u.name AS unit FROM ledger_task t JOIN units u ON u.id = t.unit_id ORDER BY t.task_no`,
    );
    expect(tasks).toHaveLength(8);
    expect(tasks[0]).toMatchObject({ task: '深化“一件事一次办”', unit: '行政审批股' });
    expect(tasks[1]).toMatchObject({ task: '推行“免证可办”', unit: '数据资源股' });
  });
});

describe('who sees which ledger', () => {
  it('shows a township clerk the ledgers their unit fills, and a section clerk the task ledger', async () => {
    const township = await t.gql('{ ledgers { key } }', {}, { token: await t.signIn('clerk01') });
    expect(township.data!.ledgers.map((l: { key: string }) => l.key).sort()).toEqual([
      'daily_followup',
      'rectification',
      'survey',
      'window_case',
    ]);
    const section = await t.signIn('clerk11');
    expect((await t.gql('{ ledgers { key } }', {}, { token: section })).data!.ledgers).toEqual([{ key: 'task' }]);
    expect(
      (await t.gql('{ ledger(key: "window_case") { key } }', {}, { token: section })).errors![0].extensions!.code,
    ).toBe('FORBIDDEN');
    expect((await t.gql('{ ledger(key: "nothing") { key } }', {}, { token: admin })).errors![0].extensions!.code).toBe(
      'NOT_FOUND',
    );
  });

  it('speaks English titles when asked', async () => {
    const response = await t.gql(
      '{ ledger(key: "daily_followup") { title fields { title } } }',
      {},
      { token: admin, language: 'en' },
    );
    expect(response.data!.ledger.title).toBe('Daily follow-up report');
  });
});

describe('publishLedger', () => {
  it('refuses a hostile key and creates nothing', async () => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    const response = await t.gql(
      PUBLISH,
      { d: { key: 'x"; drop table units; --', title: '坏', fields: [{ key: 'a', title: '甲', type: 'text' }] } },
      { token: admin },
    );
    expect(response.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_LEDGER_DEFINITION',
    });
    expect(response.errors![0].extensions!.errors!.map((e) => e.path)).toEqual(['/key']);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).toEqual(before);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM units`)).not.toEqual([{ n: 0 }]);
  });

  it('lists every problem of a broken definition by JSON pointer, in the caller’s language', async () => {
    const response = await t.gql(
      PUBLISH,
      {
        d: {
          key: 'broken',
          title: '坏',
          fields: [
            { key: 'a', title: '甲', type: 'nubmer' },
            { key: 'b', title: '乙', type: 'choice' },
          ],
        },
      },
      { token: admin, language: 'en' },
    );
    // the shape's problem and the meaning's at once (the choice without options is the meaning's)
    expect(response.errors![0].extensions!.errors).toEqual([
      { path: '/fields/0/type', message: 'unknown type "nubmer"' },
      { path: '/fields/1/options', message: 'A choice field must list its options' },
    ]);
    const semantic = await t.gql(
      PUBLISH,
      {
        d: {
          key: 'broken',
          title: '坏',
          fields: [
            { key: 'b', title: '乙', type: 'choice' },
            { key: 'c', title: '丙', type: 'integer', formula: 'zz + 1' },
          ],
        },
      },
      { token: admin },
    );
    expect(semantic.errors![0].extensions!.errors).toEqual([
      { path: '/fields/0/options', message: '选择类字段必须列出选项' },
      { path: '/fields/1/formula', message: '未知字段「zz」' },
    ]);
    expect(await t.db.query(`SELECT 1 FROM ledgers WHERE key = 'broken'`)).toEqual([]);
  });

  it('checkLedger lists every problem at once — shape, meaning and database — and publishes nothing', async () => {
    const CHECK = 'query ($d: JSON!) { checkLedger(definition: $d) { path message } }';
    const definition = {
      key: 'check_probe',
      title: '检查探针',
      fillers: { units: ['nowhere'] },
      fields: [
        { key: 'a', title: '甲', type: 'integer', max: 'ten' },
        { key: 'r', title: '引', type: 'reference', ledger: 'nope' },
        { key: 'c', title: '丙', type: 'integer', formula: 'a + zz' },
      ],
    };
    const zh = await t.gql(CHECK, { d: definition }, { token: admin });
    expect(zh.errors).toBeUndefined();
    expect(zh.data!.checkLedger).toEqual([
      { path: '/fields/0/max', message: '应为数字' },
      { path: '/fields/2/formula', message: '未知字段「zz」' },
      { path: '/fields/1/ledger', message: '引用的台账「nope」不存在' },
      { path: '/fillers/units/0', message: '单位代码「nowhere」不存在' },
    ]);
    const en = await t.gql(CHECK, { d: definition }, { token: admin, language: 'en' });
    expect((en.data!.checkLedger as { message: string }[])[0].message).toBe('must be a number');
    const fine = await t.gql(
      CHECK,
      { d: { key: 'check_probe', title: '检查探针', fields: [{ key: 'a', title: '甲', type: 'integer' }] } },
      { token: admin },
    );
    expect(fine.data!.checkLedger).toEqual([]);
    expect(await t.db.query(`SELECT 1 FROM ledgers WHERE key = 'check_probe'`)).toEqual([]);
    const clerk = await t.gql(CHECK, { d: definition }, { token: await t.signIn('clerk01') });
    expect(clerk.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('refuses a reference to a ledger that does not exist', async () => {
    const response = await t.gql(
      PUBLISH,
      { d: { key: 'refs', title: '引用', fields: [{ key: 'r', title: '引', type: 'reference', ledger: 'nope' }] } },
      { token: admin },
    );
    expect(response.errors![0].extensions!.errors).toEqual([
      { path: '/fields/0/ledger', message: '引用的台账「nope」不存在' },
    ]);
  });

  it('publishes a ledger whose seed rows name a unit no unit has, leaving those rows out', async () => {
    // a production install starts without the demo units: the task ledger's seed names gs01…
    const response = await t.gql(
      PUBLISH,
      {
        d: {
          key: 'seed_probe',
          title: '种子探针',
          fields: [{ key: 'note', title: '备注', type: 'text' }],
          seedRows: [
            { unit: 'xz01', values: { note: '有此单位' } },
            { unit: 'zz99', values: { note: '无此单位' } },
          ],
        },
      },
      { token: admin },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.publishLedger.version).toBe(1);
    const rows = await t.db.query<{ note: string; code: string }>(
      `SELECT r.note, u.code FROM ledger_seed_probe r JOIN units u ON u.id = r.unit_id`,
    );
    expect(rows).toEqual([{ note: '有此单位', code: 'xz01' }]);
    const [migration] = await t.db.query<{ report: { seededRows: number } }>(
      `SELECT report FROM ledger_migrations WHERE ledger_key = 'seed_probe'`,
    );
    expect(migration.report.seededRows).toBe(1);
  });
});

describe('changing a ledger keeps its data', () => {
  const v1 = {
    key: 'change_probe',
    title: '变更探针',
    fields: [
      { key: 'amount_count', title: '数量', type: 'integer', required: true },
      { key: 'note', title: '备注', type: 'text' },
      { key: 'amount', title: '金额', type: 'text' },
      { key: 'gone', title: '将删除', type: 'text' },
    ],
  };
  let unitId: number;

  beforeAll(async () => {
    expect((await t.gql(PUBLISH, { d: v1 }, { token: admin })).data!.publishLedger.version).toBe(1);
    [{ id: unitId }] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`);
    await t.db.query(
      `INSERT INTO ledger_change_probe (unit_id, def_version, amount_count, note, amount, gone) VALUES ($1, 1, 5, 'n1', '12.5', 'g1'), ($1, 1, 7, 'n2', 'abc', 'g2')`,
      [unitId],
    );
  });

  it('makes no new version when the same definition is published again', async () => {
    const again = await t.gql(PUBLISH, { d: { ...v1, $schema: './ledger.schema.json' } }, { token: admin });
    expect(again.data!.publishLedger.version).toBe(1);
  });

  it('adds, renames, retypes and hides in one version, losing nothing', async () => {
    const v2 = structuredClone(v1) as typeof v1 & { fields: Record<string, unknown>[] };
    v2.fields[1] = { id: 'note', key: 'remark', title: '说明', type: 'text' };
    v2.fields[2] = { key: 'amount', title: '金额', type: 'decimal' };
    v2.fields.splice(3, 1);
    v2.fields.push({ key: 'extra', title: '新增', type: 'date' });
    const response = await t.gql(PUBLISH, { d: v2 }, { token: admin });
    expect(response.errors).toBeUndefined();
    expect(response.data!.publishLedger.version).toBe(2);

    expect(await columns('ledger_change_probe')).toMatchObject({
      remark: 'text',
      amount: 'numeric',
      _v2_amount: 'text',
      _removed_gone: 'text',
      extra: 'date',
    });
    expect(
      await t.db.query(
        `SELECT remark, amount::float AS amount, _v2_amount, _removed_gone, extra FROM ledger_change_probe ORDER BY id`,
      ),
    ).toEqual([
      { remark: 'n1', amount: 12.5, _v2_amount: '12.5', _removed_gone: 'g1', extra: null },
      { remark: 'n2', amount: null, _v2_amount: 'abc', _removed_gone: 'g2', extra: null },
    ]);
    const [log] = await t.db.query<{ report: { retyped: unknown[] } }>(
      `SELECT report FROM ledger_migrations WHERE ledger_key = 'change_probe' AND to_version = 2`,
    );
    expect(log.report.retyped).toEqual([
      { field: 'amount', from: 'text', to: 'decimal', keptAs: '_v2_amount', unconverted: 1, examples: ['abc'] },
    ]);

    const versions = await t.gql(
      '{ ledger(key: "change_probe") { version versions { version source } } }',
      {},
      { token: admin },
    );
    expect(versions.data!.ledger).toEqual({
      version: 2,
      versions: [
        { version: 1, source: 'api' },
        { version: 2, source: 'api' },
      ],
    });
    const [old] = await t.db.query<{ definition: { fields: { key: string }[] } }>(
      `SELECT definition FROM ledger_versions WHERE ledger_key = 'change_probe' AND version = 1`,
    );
    expect(old.definition.fields.map((f) => f.key)).toEqual(['amount_count', 'note', 'amount', 'gone']);

    // the contract's ledgerVersions: who, the definition, and what each publish did to the data
    const listed = await t.gql(
      '{ ledgerVersions(key: "change_probe") { version publishedAt publishedBy definition report } }',
      {},
      { token: admin },
    );
    expect(listed.errors).toBeUndefined();
    const [first, second] = listed.data!.ledgerVersions as {
      version: number;
      publishedAt: string;
      publishedBy: string | null;
      definition: { fields: { key: string }[] };
      report: Record<string, unknown>;
    }[];
    expect(first.definition.fields.map((f) => f.key)).toEqual(['amount_count', 'note', 'amount', 'gone']);
    expect(first.report).toMatchObject({ added: ['amount_count', 'note', 'amount', 'gone'], seededRows: 0 });
    expect(second.publishedBy).toBe('系统管理员');
    expect(Date.parse(second.publishedAt)).toBeGreaterThan(Date.parse(first.publishedAt) - 1);
    expect(second.definition.fields.map((f) => f.key)).toEqual(['amount_count', 'remark', 'amount', 'extra']);
    expect(second.report).toEqual({
      added: ['extra'],
      renamed: [{ from: 'note', to: 'remark' }],
      retyped: [
        { field: 'amount', from: 'text', to: 'decimal', keptAs: '_v2_amount', unconverted: 1, examples: ['abc'] },
      ],
      hidden: [{ field: 'gone', keptAs: '_removed_gone' }],
      restored: [],
      seededRows: 0,
      followed: [],
      renamedBy: null,
    });
    const unknown = await t.gql('{ ledgerVersions(key: "nope") { version } }', {}, { token: admin });
    expect(unknown.errors![0].extensions!.code).toBe('NOT_FOUND');

    // the old values stay readable: the retyped field's, with their rows and units
    const kept = await t.gql(
      '{ keptValues(ledger: "change_probe", column: "_v2_amount") { rowId unitId unitName value } }',
      {},
      { token: admin },
    );
    expect(kept.errors).toBeUndefined();
    expect((kept.data!.keptValues as { value: string; unitName: string }[]).map((k) => k.value)).toEqual([
      '12.5',
      'abc',
    ]);
    expect((kept.data!.keptValues as { unitName: string }[])[0].unitName).toBeTruthy();
    // only a column a report names: not a field's own, not a system column
    for (const column of ['amount', 'unit_id', '_v9_amount"; DROP TABLE units; --']) {
      const refused = await t.gql(
        '{ keptValues(ledger: "change_probe", column: $c) { value } }'.replace('$c', JSON.stringify(column)),
        {},
        { token: admin },
      );
      expect(refused.errors![0].extensions!.code, column).toBe('BAD_USER_INPUT');
    }
  });

  it('restores a removed field’s data when the field comes back', async () => {
    const v3 = structuredClone(v1) as typeof v1 & { fields: Record<string, unknown>[] };
    v3.fields[1] = { id: 'note', key: 'remark', title: '说明', type: 'text' };
    v3.fields[2] = { key: 'amount', title: '金额', type: 'decimal' };
    v3.fields.push({ key: 'extra', title: '新增', type: 'date' });
    expect((await t.gql(PUBLISH, { d: v3 }, { token: admin })).data!.publishLedger.version).toBe(3);
    expect(await t.db.query(`SELECT gone FROM ledger_change_probe ORDER BY id`)).toEqual([
      { gone: 'g1' },
      { gone: 'g2' },
    ]);
  });

  it('binds a new limit to rows saved under the new version only', async () => {
    const v4 = structuredClone(v1) as typeof v1 & { fields: Record<string, unknown>[] };
    v4.fields[0] = { ...v4.fields[0], max: 6 };
    v4.fields[1] = { id: 'note', key: 'remark', title: '说明', type: 'text' };
    v4.fields[2] = { key: 'amount', title: '金额', type: 'decimal' };
    v4.fields.push({ key: 'extra', title: '新增', type: 'date' });
    expect((await t.gql(PUBLISH, { d: v4 }, { token: admin })).data!.publishLedger.version).toBe(4);
    // the old row with 7 stays; a row saved under version 4 must keep the limit
    expect(await t.db.query(`SELECT amount_count FROM ledger_change_probe ORDER BY id`)).toEqual([
      { amount_count: '5' },
      { amount_count: '7' },
    ]);
    await expect(
      t.db.query(`INSERT INTO ledger_change_probe (unit_id, def_version, amount_count) VALUES ($1, 4, 9)`, [unitId]),
    ).rejects.toThrow(/check constraint/);
  });

  it('converts integers to text and text dates to dates', async () => {
    const key = 'retype_probe';
    await t.gql(
      PUBLISH,
      {
        d: {
          key,
          title: '类型',
          fields: [
            { key: 'n', title: '数', type: 'integer' },
            { key: 'd', title: '日', type: 'text' },
          ],
        },
      },
      { token: admin },
    );
    await t.db.query(
      `INSERT INTO ledger_retype_probe (unit_id, def_version, n, d) VALUES ($1, 1, 42, '2023-03-01'), ($1, 1, 7, '2023/3/2'), ($1, 1, NULL, '三月')`,
      [unitId],
    );
    const response = await t.gql(
      PUBLISH,
      {
        d: {
          key,
          title: '类型',
          fields: [
            { key: 'n', title: '数', type: 'text' },
            { key: 'd', title: '日', type: 'date' },
          ],
        },
      },
      { token: admin },
    );
    expect(response.errors).toBeUndefined();
    expect(await t.db.query(`SELECT n, d::text AS d, _v2_d FROM ledger_retype_probe ORDER BY id`)).toEqual([
      { n: '42', d: '2023-03-01', _v2_d: '2023-03-01' },
      { n: '7', d: '2023-03-02', _v2_d: '2023/3/2' },
      { n: null, d: null, _v2_d: '三月' },
    ]);
  });
});

describe('renaming a key in the designer', () => {
  const target = {
    key: 'rename_target',
    title: '被引用台账',
    fields: [
      { key: 'code', title: '编号', type: 'text' },
      { key: 'note', title: '备注', type: 'text' },
    ],
  };
  const follower = {
    key: 'rename_follower',
    title: '引用它的台账',
    fields: [
      { key: 'ref', title: '关联', type: 'reference', ledger: 'rename_target', display: 'code' },
      { key: 'ref_code', title: '关联编号', type: 'text', lookup: { reference: 'ref', field: 'code' } },
      { key: 'what', title: '事项', type: 'text' },
    ],
    followUps: [{ key: 'copy', when: 'not isblank(what)', ledger: 'rename_target', values: { code: 'what' } }],
  };
  const versions = async (key: string) =>
    (await t.gql(`{ ledgerVersions(key: "${key}") { version definition report } }`, {}, { token: admin })).data!
      .ledgerVersions as {
      version: number;
      definition: typeof follower;
      report: { followed: unknown[]; renamedBy: unknown };
    }[];

  it('reaches the other ledgers that name the field: they are published again with its new name', async () => {
    for (const d of [target, follower]) expect((await t.gql(PUBLISH, { d }, { token: admin })).errors).toBeUndefined();
    const renamed = {
      ...target,
      fields: [{ id: 'code', key: 'case_code', title: '编号', type: 'text' }, target.fields[1]],
    };
    const published = await t.gql(PUBLISH, { d: renamed }, { token: admin });
    expect(published.errors).toBeUndefined();

    const [, after] = await versions('rename_follower');
    expect(after.version).toBe(2);
    expect(after.definition.fields[0]).toMatchObject({ display: 'case_code' });
    expect(after.definition.fields[1]).toMatchObject({ lookup: { reference: 'ref', field: 'case_code' } });
    expect(after.definition.followUps).toEqual([{ ...follower.followUps[0], values: { case_code: 'what' } }]);
    expect((await versions('rename_target'))[1].report.followed).toEqual([{ ledger: 'rename_follower', version: 2 }]);
    expect(after.report).toMatchObject({ renamedBy: { ledger: 'rename_target', version: 2 } });
    // and it still works: a row saved in it makes its follow-up under the new name
    const saved = await t.gql(
      'mutation ($c: [RowChangeInput!]!) { saveRows(ledger: "rename_follower", changes: $c) { saved results { errors { message } } } }',
      { c: [{ op: 'INSERT', values: { what: 'FU-1' } }] },
      { token: await t.signIn('clerk01') },
    );
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveRows).toMatchObject({ saved: 1 });
    const made = await t.gql(
      '{ rows(ledger: "rename_target") { edges { node { values } } } }',
      {},
      { token: await t.signIn('clerk01') },
    );
    expect(
      (made.data!.rows as { edges: { node: { values: Record<string, unknown> } }[] }).edges.map(
        (e) => e.node.values.case_code,
      ),
    ).toEqual(['FU-1']);
  });
});

describe('publishPreview', () => {
  const PREVIEW = `query ($d: JSON!) { publishPreview(definition: $d) { problems { path message } changes report
    rejected { kind key level message rows } } }`;
  const v1 = {
    key: 'preview_probe',
    title: '预演探针',
    fields: [
      { key: 'n', title: '数量', type: 'integer' },
      { key: 'note', title: '备注', type: 'text' },
      { key: 'status', title: '状态', type: 'text' },
    ],
  };

  it('says what publishing would do to the real rows — unconverted values, rows a new rule or required field refuses — and changes nothing', async () => {
    expect((await t.gql(PUBLISH, { d: v1 }, { token: admin })).errors).toBeUndefined();
    const [{ id: unit }] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz02'`);
    await t.db.query(
      `INSERT INTO ledger_preview_probe (unit_id, def_version, n, note, status)
       VALUES ($1, 1, 5, '有', '3'), ($1, 1, -1, NULL, '三'), ($1, 1, 2, '', NULL)`,
      [unit],
    );
    const v2 = {
      ...v1,
      fields: [
        { key: 'n', title: '数量', type: 'integer' },
        { key: 'note', title: '备注', type: 'text', required: true },
        { key: 'status', title: '状态', type: 'integer' },
      ],
      rules: [
        { key: 'positive', level: 'error', check: 'n > 0', message: { zh: '数量须为正', en: 'Must be positive' } },
        { key: 'small', level: 'warning', when: 'n > 1', check: 'n < 3', message: '数量偏大' },
      ],
    };
    const response = await t.gql(PREVIEW, { d: v2 }, { token: admin });
    expect(response.errors).toBeUndefined();
    expect(response.data!.publishPreview).toEqual({
      problems: [],
      changes: true,
      report: {
        added: [],
        renamed: [],
        retyped: [
          { field: 'status', from: 'text', to: 'integer', keptAs: '_v2_status', unconverted: 1, examples: ['三'] },
        ],
        hidden: [],
        restored: [],
        seededRows: 0,
        followed: [],
        renamedBy: null,
      },
      rejected: [
        { kind: 'rule', key: 'positive', level: 'error', message: '数量须为正', rows: 1 },
        { kind: 'rule', key: 'small', level: 'warning', message: '数量偏大', rows: 1 },
        { kind: 'required', key: 'note', level: 'error', message: '备注', rows: 2 },
      ],
    });
    // nothing happened: the same version, the same columns, the same values
    expect(await t.db.query(`SELECT version FROM ledger_versions WHERE ledger_key = 'preview_probe'`)).toEqual([
      { version: 1 },
    ]);
    expect(Object.keys(await columns('ledger_preview_probe'))).not.toContain('_v2_status');
    expect(await t.db.query(`SELECT status FROM ledger_preview_probe ORDER BY id`)).toEqual([
      { status: '3' },
      { status: '三' },
      { status: null },
    ]);
    const ledger = await t.gql('{ ledger(key: "preview_probe") { version } }', {}, { token: admin });
    expect(ledger.data!.ledger.version).toBe(1);

    // a definition with problems is not tried
    const broken = await t.gql(PREVIEW, { d: { ...v2, fields: [] } }, { token: admin, language: 'en' });
    expect(broken.data!.publishPreview).toMatchObject({ changes: false, report: null, rejected: [] });
    expect((broken.data!.publishPreview.problems as unknown[]).length).toBeGreaterThan(0);
    // the same definition again: no new version, nothing to report
    const same = await t.gql(PREVIEW, { d: v1 }, { token: admin });
    expect(same.data!.publishPreview).toEqual({ problems: [], changes: false, report: null, rejected: [] });
  });
});

describe('schemas/ files while the server runs', () => {
  const hotFile = path.join(schemasDir, 'hot_probe.json');
  const hot = { key: 'hot_probe', title: '热加载', fields: [{ key: 'a', title: '甲', type: 'integer' }] };

  async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('publishes a new file within seconds, without a restart', async () => {
    const started = Date.now();
    fs.writeFileSync(hotFile, JSON.stringify(hot));
    const ledger = await waitFor(async () => {
      const response = await t.gql('{ ledgers { key version } }', {}, { token: admin });
      return response.data!.ledgers.find((l: { key: string }) => l.key === 'hot_probe');
    });
    expect(ledger).toEqual({ key: 'hot_probe', version: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a broken file, publishes nothing from it, and keeps serving', async () => {
    fs.writeFileSync(hotFile, JSON.stringify({ ...hot, fields: [{ key: 'a', title: '甲', type: 'nubmer' }] }));
    const problems = await waitFor(async () => {
      const response = await t.gql('{ ledgerFileProblems { file path message } }', {}, { token: admin });
      return response.data!.ledgerFileProblems.length > 0 ? response.data!.ledgerFileProblems : undefined;
    });
    expect(problems).toEqual([{ file: 'hot_probe.json', path: '/fields/0/type', message: '未知类型「nubmer」' }]);
    expect(
      (await t.gql('{ ledger(key: "hot_probe") { version fields { type } } }', {}, { token: admin })).data!.ledger,
    ).toEqual({
      version: 1,
      fields: [{ type: 'integer' }],
    });

    fs.writeFileSync(hotFile, '{ "key": "hot_probe",\n  "title": ');
    const syntax = await waitFor(async () => {
      const response = await t.gql('{ ledgerFileProblems { message } }', {}, { token: admin });
      const message = response.data!.ledgerFileProblems[0]?.message as string | undefined;
      return message?.startsWith('JSON 语法错误') ? message : undefined;
    });
    expect(syntax).toMatch(/^JSON 语法错误/);

    fs.writeFileSync(
      hotFile,
      JSON.stringify({ ...hot, fields: [...hot.fields, { key: 'b', title: '乙', type: 'text' }] }),
    );
    const fixed = await waitFor(async () => {
      const response = await t.gql(
        '{ ledger(key: "hot_probe") { version } ledgerFileProblems { file } }',
        {},
        { token: admin },
      );
      return response.data!.ledger.version === 2 ? response.data! : undefined;
    });
    expect(fixed.ledgerFileProblems).toEqual([]);
  });
});
