import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gridCell,
  openLedgerFromHome,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  typeIntoCell,
  waitGridSaved,
  type BrowserProduct,
} from '@taizhang/testing';

/** The ledger designer: a field added in the browser reaches the clerks' grid; a broken definition publishes nothing. */
let product: BrowserProduct;

const tokenOf = (username: string) => product.token(username);

async function versionOf(key: string): Promise<number> {
  const response = await postGraphQL<{ ledger: { version: number } }>(
    product.server.url,
    `query ($key: String!) { ledger(key: $key) { version } }`,
    { key },
    { token: await tokenOf('admin') },
  );
  return response.data!.ledger.version;
}

const signedIn = (username: string) => product.signedIn(username);

/** A window case saved by clerk05 (the unit the tests' clerk sees). */
async function insertCase(values: Record<string, unknown>): Promise<void> {
  const saved = await postGraphQL(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
    { changes: [{ op: 'INSERT', values }] },
    { token: await tokenOf('clerk05') },
  );
  expect(saved.errors).toBeUndefined();
}

beforeAll(async () => {
  product = await startBrowserProduct();
  await insertCase({
    case_no: 'OLD-1',
    accepted_at: '2023-03-01T09:00:00+08:00',
    service_item: '社保',
    applicant: '老数据',
    status: '受理',
  });
});
afterAll(() => product?.stop());

describe('the ledger designer', () => {
  it('adds a field, shows the change and a preview, publishes, and a clerk sees the column with the old rows', async () => {
    const admin = await signedIn('admin');
    await admin.getByTestId('nav-designer').click();
    await admin.locator('tr[data-ledger="window_case"] a').click();
    await admin.getByTestId('definition-json').waitFor();
    const form = admin.getByTestId('add-field');
    await form.locator('input[name="key"]').fill('visit_note');
    await form.locator('input[name="title"]').fill('回访备注');
    await form.getByRole('button').click();
    await expect.poll(() => admin.getByTestId('definition-changes').textContent()).toContain('新增列「回访备注」');
    expect(await admin.getByTestId('designer-preview').textContent()).toContain('回访备注');
    await admin.screenshot({ path: screenshotPath('designer') });
    await admin.getByTestId('publish').click();
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toBe('已发布，当前为第 2 版');
    expect(await versionOf('window_case')).toBe(2);

    const clerk = await signedIn('clerk05');
    await clerk.locator('[data-ledger="window_case"] a').click();
    await expect
      .poll(() => clerk.locator('.ledger-grid .ht_clone_inline_start tbody td').first().textContent())
      .toBe('OLD-1');
    // Ctrl+→ goes to the last column, where the new field is
    await clerk.locator('.ledger-grid .ht_master tbody tr').first().locator('td').nth(2).click();
    await clerk.keyboard.press('Control+ArrowRight');
    await expect.poll(() => clerk.locator('.ledger-grid .ht_master thead').textContent()).toContain('回访备注');
    await expect
      .poll(() => clerk.locator('.ledger-grid .ht_clone_inline_start tbody td').first().textContent())
      .toBe('OLD-1');
    await clerk.context().close();

    // a statistic added by form: the table stays as it is, the definition gains the measure
    const measureForm = admin.getByTestId('add-measure');
    await measureForm.locator('input[name="key"]').fill('noted_share');
    await measureForm.locator('input[name="title"]').fill('有备注的比例');
    await measureForm.locator('select[name="kind"]').selectOption('countWhere');
    await measureForm.locator('input[name="where"]').fill('not isblank(visit_note)');
    await measureForm.getByRole('button').click();
    await expect.poll(() => admin.getByTestId('definition-changes').textContent()).toContain('数据表不变');
    await admin.getByTestId('publish').click();
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toBe('已发布，当前为第 3 版');

    // a broken definition: the problem at its line, and nothing to publish
    const json = admin.getByTestId('definition-json');
    const definition = JSON.parse(await json.inputValue()) as { fields: { key: string; type: string }[] };
    definition.fields.find((field) => field.key === 'visit_note')!.type = 'nubmer';
    const wrong = JSON.stringify(definition, null, 2);
    const typeLine = wrong.split('\n').findIndex((line) => line.includes('"nubmer"')) + 1;
    await json.fill(wrong);
    await expect.poll(() => admin.getByTestId('definition-problems').textContent()).toContain(`第 ${typeLine} 行`);
    expect(await admin.getByTestId('definition-problems').textContent()).toContain('nubmer');
    expect(await admin.getByTestId('publish').count()).toBe(0);
    await json.fill(wrong.trimEnd().slice(0, -1)); // the last brace missing
    await expect.poll(() => admin.getByTestId('definition-problems').textContent()).toContain('JSON 格式错误');
    expect(await admin.getByTestId('publish').count()).toBe(0);
    await admin.screenshot({ path: screenshotPath('designer-broken') });
    expect(await versionOf('window_case')).toBe(3);

    // what only the database knows, asked as the typing settles: a reference to no ledger holds the publish
    const referencing = structuredClone(definition) as { fields: Record<string, unknown>[] };
    referencing.fields.find((field) => field.key === 'visit_note')!.type = 'text';
    referencing.fields.push({ key: 'ref_x', title: '关联', type: 'reference', ledger: 'nope' });
    await json.fill(JSON.stringify(referencing, null, 2));
    await expect
      .poll(() => admin.getByTestId('definition-problems').textContent())
      .toContain('引用的台账「nope」不存在');
    expect(await admin.getByTestId('publish').isDisabled()).toBe(true);

    // a retype with a value that will not convert: after publishing, the version says how many and which
    await insertCase({
      case_no: 'OLD-2',
      accepted_at: '2023-03-02T09:00:00+08:00',
      service_item: '社保',
      applicant: '王五',
      status: '受理',
      visit_note: '已回访',
    });
    referencing.fields.pop();
    referencing.fields.find((field) => field.key === 'visit_note')!.type = 'integer';
    const withRule = referencing as typeof referencing & { rules?: unknown[] };
    withRule.rules = [
      ...(withRule.rules ?? []),
      { key: 'applicant_short', level: 'warning', check: 'len(applicant) <= 2', message: '申请人姓名偏长' },
    ];
    await json.fill(JSON.stringify(referencing, null, 2));
    await expect.poll(() => admin.getByTestId('publish').isDisabled()).toBe(false);
    await admin.getByTestId('publish').click();
    // before publishing: the publish tried on the existing rows and rolled back
    const preview = admin.getByTestId('publish-preview');
    await expect
      .poll(() => preview.textContent())
      .toContain('「回访备注」由文本改为整数：1 个值未能转换（例：已回访），原值保存在 _v4_visit_note');
    expect(await preview.textContent()).toMatch(/提醒规则「申请人姓名偏长」：现有 [1-9]\d* 行不符合/);
    // the ledger's own rules, unchanged, are not counted again
    expect(await preview.textContent()).not.toContain('办结的办件必须填写办结时间');
    await admin.screenshot({ path: screenshotPath('designer-preview') });
    expect(await versionOf('window_case')).toBe(3);
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toBe('已发布，当前为第 4 版');
    // what was published is the current version, a rule's keys however jsonb orders them
    await expect.poll(() => admin.getByTestId('definition-changes').textContent()).toContain('与当前版本相同');
    const latest = admin.locator('[data-testid="ledger-versions"] tr[data-version="4"]');
    await expect
      .poll(() => latest.textContent())
      .toContain('「回访备注」由文本改为整数：1 个值未能转换（例：已回访），原值保存在 _v4_visit_note');
    expect(await latest.textContent()).toContain('系统管理员');
    // and the old value is still readable, with its unit
    await latest.locator('button[data-kept="_v4_visit_note"]').click();
    await expect.poll(() => latest.getByTestId('kept-values').textContent()).toContain('已回访');
    expect(await admin.locator('[data-testid="ledger-versions"] tr[data-version="2"]').textContent()).toContain(
      '新增列：回访备注',
    );
    // any two versions compared in words
    await admin.getByTestId('compare-from').selectOption('2');
    const diff = admin.getByTestId('version-diff');
    await expect.poll(() => diff.textContent()).toContain('修改字段「回访备注」：类型');
    expect(await diff.textContent()).toContain('新增规则「applicant_short」');
    await admin.getByTestId('ledger-versions').scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('designer-versions') });
    // going back: version 3 loaded into the editor, its change from the current one shown before publishing
    await admin.locator('[data-testid="ledger-versions"] tr[data-version="3"] button').click();
    await expect
      .poll(() => admin.getByTestId('definition-changes').textContent())
      .toContain('改类型「回访备注」integer → text');
    expect(await json.inputValue()).not.toContain('applicant_short');
    await admin.context().close();
  }, 120_000);

  it('builds 企业帮办代办台账 by clicks alone (every type, a formula from completion, rules, a ratio, a grouping, a follow-up, daily with a deadline, township centres); a clerk fills it, the leader sees the ratio', async () => {
    const admin = await signedIn('admin');
    await admin.getByTestId('nav-designer').click();
    await admin.getByTestId('new-ledger').click();
    const json = admin.getByTestId('definition-json');
    const draft = async () =>
      JSON.parse(await json.inputValue()) as Record<string, unknown> & { fields: { key: string }[] };
    const settings = admin.getByTestId('ledger-settings');
    await settings.locator('input[name="ledgerKey"]').fill('enterprise_help');
    await settings.locator('input[name="ledgerTitle"]').fill('企业帮办代办台账');
    const fillers = admin.getByTestId('fillers');
    await fillers.getByLabel('乡镇行政审批服务中心', { exact: true }).check();
    // and one bureau section besides, named by itself
    await fillers.locator('summary').click();
    await fillers.locator('input[name="unit-gs01"]').check();
    // a township centre is one of the kind already
    expect(await fillers.locator('input[name="unit-xz01"]').isDisabled()).toBe(true);
    // the starting field, retitled
    const list = admin.getByTestId('field-list');
    await list.locator('tr[data-field="name"] button').first().click();
    await admin.getByTestId('edit-field').locator('input[name="title"]').fill('企业名称');
    await admin.getByTestId('edit-field').locator('button[type="submit"]').click();

    // a field of every type, each with what its type asks for
    const form = admin.getByTestId('add-field');
    const addField = async (key: string, title: string, type: string, options: Record<string, string> = {}) => {
      await form.locator('input[name="key"]').fill(key);
      await form.locator('input[name="title"]').fill(title);
      await form.locator('select[name="type"]').selectOption(type);
      for (const [name, value] of Object.entries(options)) await form.locator(`input[name="${name}"]`).fill(value);
      await form.locator('button[type="submit"]').click();
      await expect.poll(async () => (await draft()).fields.map((f) => f.key)).toContain(key);
    };
    await addField('helped_on', '帮办日期', 'date');
    await addField('handled', '代办件数', 'integer');
    await addField('done', '办结件数', 'integer');
    await addField('note', '帮办情况', 'longtext');
    await addField('area', '厂房面积', 'decimal');
    await addField('progress', '项目进度', 'percent');
    await addField('visited_at', '上门时间', 'datetime');
    await addField('start_time', '开始时间', 'time');
    await addField('service', '服务事项', 'choice', { options: '开办，变更，注销' });
    await addField('needs', '企业诉求', 'multichoice', { options: '资金，用工，用地' });
    await addField('key_firm', '重点企业', 'boolean');
    await addField('contact_phone', '联系电话', 'phone');
    await addField('rect_ref', '关联整改', 'reference', { ledger: 'rectification', display: 'applicant' });
    await addField('amount', '涉及金额', 'money');
    await addField('legal_id', '法人身份证号', 'idcard');
    await addField('satisfaction', '满意度', 'rating');
    await addField('docs', '申请材料', 'attachment');
    // a computed field whose formula is picked from the completion by the fields' Chinese titles
    await form.locator('input[name="key"]').fill('done_share');
    await form.locator('input[name="title"]').fill('办结占比');
    await form.locator('select[name="type"]').selectOption('decimal');
    const formula = form.locator('input[name="formula"]');
    await formula.click();
    await formula.pressSequentially('办结件');
    await form.locator('[role="option"][data-insert="done"]').click();
    await formula.pressSequentially(' / 代办');
    await formula.press('Enter');
    expect(await formula.inputValue()).toBe('done / handled');
    await expect.poll(() => form.getByTestId('formula-result-formula').textContent()).toContain('得出数字');
    await form.locator('button[type="submit"]').click();
    await expect.poll(async () => (await draft()).fields.map((f) => f.key)).toContain('done_share');
    const types = (await draft()).fields.map((f) => (f as unknown as { type: string }).type);
    expect(new Set(types).size).toBe(17);
    // dragged onto the row above it: 办结占比 takes its place
    await list.locator('tr[data-field="done_share"]').dragTo(list.locator('tr[data-field="docs"]'));
    await expect.poll(async () => (await draft()).fields.map((f) => f.key).slice(-2)).toEqual(['done_share', 'docs']);

    // filled daily, by its date, due at 17:00
    await settings.locator('select[name="period"]').selectOption('daily');
    await settings.locator('select[name="periodField"]').selectOption('helped_on');
    await settings.locator('input[name="deadline"]').fill('17:00');
    // an error rule and a warning rule
    const rule = admin.getByTestId('add-rule');
    const addRule = async (key: string, level: string, check: string, message: string) => {
      await rule.locator('input[name="key"]').fill(key);
      await rule.locator('select[name="level"]').selectOption(level);
      await rule.locator('input[name="check"]').fill(check);
      await rule.locator('input[name="message"]').fill(message);
      await rule.locator('button[type="submit"]').click();
    };
    await addRule('done_within', 'error', 'done <= handled', '办结件数不能多于代办件数');
    await addRule('phone_given', 'warning', 'not isblank(contact_phone)', '请填写联系电话');
    // a ratio with its target, and a grouping by the service
    const measure = admin.getByTestId('add-measure');
    await measure.locator('input[name="key"]').fill('done_ratio');
    await measure.locator('input[name="title"]').fill('办结率');
    await measure.locator('select[name="kind"]').selectOption('ratio');
    await measure.locator('select[name="numerator"]').selectOption('done');
    await measure.locator('select[name="denominator"]').selectOption('handled');
    await measure.locator('input[name="target"]').fill('0.95');
    await measure.locator('button[type="submit"]').click();
    const dimension = admin.getByTestId('add-dimension');
    await dimension.locator('input[name="key"]').fill('by_service');
    await dimension.locator('input[name="title"]').fill('按服务事项');
    await dimension.locator('select[name="kind"]').selectOption('field');
    await dimension.locator('select[name="field"]').selectOption('service');
    await dimension.locator('button[type="submit"]').click();
    // a follow-up into the rectification ledger: the new row's values as formulas over this row
    const followUp = admin.getByTestId('add-follow-up');
    await followUp.locator('input[name="key"]').fill('unhappy_to_rectify');
    await followUp.locator('input[name="when"]').fill('satisfaction <= 2');
    await followUp.locator('select[name="ledger"]').selectOption('rectification');
    await followUp.locator('input[name="value-found_on"]').fill('helped_on');
    await followUp.locator('input[name="value-source"]').fill('"其他"');
    await followUp.locator('input[name="value-description"]').fill('"帮办不满意：" + name');
    await followUp.locator('input[name="value-owner"]').fill('"待指定"');
    await followUp.locator('input[name="value-deadline"]').fill('adddays(helped_on, 5)');
    await followUp.locator('button[type="submit"]').click();

    await expect
      .poll(async () => {
        const d = await draft();
        return {
          key: d.key,
          period: d.period,
          periodField: d.periodField,
          deadline: d.deadline,
          fillers: d.fillers,
          rules: (d.rules as { key: string; level: string }[] | undefined)?.map((r) => `${r.key}:${r.level}`),
          measure: (d.measures as unknown[] | undefined)?.[0],
          dimensions: d.dimensions,
          followUp: (d.followUps as { ledger: string; values: Record<string, string> }[] | undefined)?.[0],
        };
      })
      .toMatchObject({
        key: 'enterprise_help',
        period: 'daily',
        periodField: 'helped_on',
        deadline: '17:00',
        fillers: { unitKinds: ['township_centre'], units: ['gs01'] },
        rules: ['done_within:error', 'phone_given:warning'],
        measure: { key: 'done_ratio', kind: 'ratio', numerator: 'done', denominator: 'handled', target: 0.95 },
        dimensions: [{ key: 'by_service', kind: 'field', field: 'service' }],
        followUp: { ledger: 'rectification', values: { found_on: 'helped_on', deadline: 'adddays(helped_on, 5)' } },
      });
    // the phone form of the draft, with the sample row checked by the draft's rules
    const phone = admin.getByTestId('phone-preview');
    await phone.locator('[data-question="done"] input').fill('12');
    await phone.locator('[data-question="handled"] input').fill('10');
    await expect.poll(() => phone.textContent()).toContain('办结件数不能多于代办件数');
    await phone.scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('designer-built') });
    await expect.poll(() => admin.getByTestId('definition-problems').count()).toBe(0);
    await expect.poll(() => admin.getByTestId('publish').isDisabled()).toBe(false);
    await admin.getByTestId('publish').click();
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toBe('已发布，当前为第 1 版');
    await admin.context().close();

    // a township centre's clerk fills today's sheet in the grid
    const clerk = await (await product.newContext()).newPage();
    await openLedgerFromHome(product, clerk, 'clerk01', 'enterprise_help');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await typeIntoCell(clerk, 0, 0, '城关科技有限公司');
    await typeIntoCell(clerk, 0, 1, today);
    await typeIntoCell(clerk, 0, 2, '10');
    await typeIntoCell(clerk, 0, 3, '9');
    await waitGridSaved(clerk);
    const saved = await postGraphQL<{
      rows: { edges: { node: { period: string; values: Record<string, unknown> } }[] };
    }>(
      product.server.url,
      `{ rows(ledger: "enterprise_help") { edges { node { period values } } } }`,
      {},
      { token: await tokenOf('clerk01') },
    );
    expect(saved.data!.rows.edges.map((e) => e.node)).toEqual([
      {
        period: today,
        values: expect.objectContaining({ name: '城关科技有限公司', helped_on: today, handled: 10, done: 9 }),
      },
    ]);
    // the computed field, in the grid's last columns
    await gridCell(clerk, 0, 2).click();
    await clerk.keyboard.press('Control+ArrowRight');
    await expect.poll(() => clerk.locator('.ledger-grid .ht_master tbody').first().textContent()).toContain('0.9');
    await clerk.context().close();

    // the leader sees the ratio against its target on the dashboard
    const leader = await signedIn('leader');
    await leader.getByTestId('nav-dashboard').click();
    const indicator = leader.getByTestId('indicator-enterprise_help-done_ratio');
    await expect
      .poll(() => indicator.getByTestId('indicator-total').textContent(), { timeout: 15_000 })
      .toContain('90');
    expect(await indicator.textContent()).toContain('办结率');
    await indicator.scrollIntoViewIfNeeded();
    await leader.screenshot({ path: screenshotPath('designer-built-dashboard') });
    await leader.context().close();
  }, 180_000);

  it('marks a field added by form as often sorted or filtered by (`index`), and publishes it', async () => {
    const admin = await signedIn('admin');
    await admin.getByTestId('nav-designer').click();
    await admin.locator('tr[data-ledger="window_case"] a').click();
    await admin.getByTestId('definition-json').waitFor();
    const form = admin.getByTestId('add-field');
    await form.locator('input[name="key"]').fill('review_owner');
    await form.locator('input[name="title"]').fill('复核责任人');
    const index = form.locator('input[name="index"]');
    expect(await index.isChecked()).toBe(false);
    expect(await form.textContent()).toContain('常按此列排序或筛选（建索引）');
    await index.check();
    await form.getByRole('button').click();
    await expect.poll(() => admin.getByTestId('definition-changes').textContent()).toContain('新增列「复核责任人」');
    const definition = JSON.parse(await admin.getByTestId('definition-json').inputValue()) as {
      fields: { key: string; index?: boolean }[];
    };
    expect(definition.fields.find((field) => field.key === 'review_owner')?.index).toBe(true);
    // the box starts unticked for the next field
    expect(await index.isChecked()).toBe(false);
    const before = await versionOf('window_case');
    await admin.getByTestId('publish').click();
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => versionOf('window_case')).toBe(before + 1);
    const published = await postGraphQL<{ ledger: { definition: { fields: { key: string; index?: boolean }[] } } }>(
      product.server.url,
      `{ ledger(key: "window_case") { definition } }`,
      {},
      { token: await tokenOf('admin') },
    );
    expect(published.data!.ledger.definition.fields.find((field) => field.key === 'review_owner')?.index).toBe(true);
    await admin.context().close();
  }, 120_000);

  it('starts a new ledger as a copy of a seed ledger and publishes it with every field', async () => {
    const admin = await signedIn('admin');
    await admin.getByTestId('nav-designer').click();
    await admin.getByTestId('new-ledger').click();
    await admin.getByTestId('template').selectOption('rectification');
    const json = admin.getByTestId('definition-json');
    await expect
      .poll(async () => (JSON.parse(await json.inputValue()) as { key: string }).key)
      .toBe('rectification_copy');
    const copy = JSON.parse(await json.inputValue()) as { title: unknown; fields: unknown[] };
    expect(JSON.stringify(copy.title)).toContain('（副本）');
    // its settings by clicks: filled daily by its first date field, due at 17:00, an English title
    const settings = admin.getByTestId('ledger-settings');
    await settings.locator('select[name="period"]').selectOption('daily');
    await settings.locator('input[name="deadline"]').fill('17:00');
    await settings.locator('input[name="ledgerTitleEn"]').fill('Rectification copy');
    await expect.poll(() => admin.getByTestId('definition-problems').count()).toBe(0);
    // statistics and groupings by clicks: a ratio of two counts with a target, a grouping by a choice
    const measure = admin.getByTestId('add-measure');
    await measure.locator('input[name="key"]').fill('closed_share');
    await measure.locator('input[name="title"]').fill('整改完成率');
    await measure.locator('select[name="kind"]').selectOption('ratio');
    await measure.locator('select[name="numerator"]').selectOption('closed');
    await measure.locator('select[name="denominator"]').selectOption('total');
    await measure.locator('input[name="target"]').fill('0.9');
    await measure.locator('button[type="submit"]').click();
    const dimensions = admin.getByTestId('dimension-list');
    await dimensions.locator('tr[data-dimension="by_case_channel"] button').last().click();
    const dimension = admin.getByTestId('add-dimension');
    await dimension.locator('input[name="key"]').fill('by_reason_week');
    await dimension.locator('input[name="title"]').fill('发现周');
    await dimension.locator('select[name="kind"]').selectOption('week');
    await dimension.locator('select[name="field"]').selectOption('found_on');
    await dimension.locator('button[type="submit"]').click();
    await expect
      .poll(async () => {
        const edited = JSON.parse(await json.inputValue()) as {
          measures: { key: string }[];
          dimensions: { key: string }[];
        };
        return [edited.measures.find((m) => m.key === 'closed_share'), edited.dimensions.map((d) => d.key)];
      })
      .toEqual([
        {
          key: 'closed_share',
          title: '整改完成率',
          kind: 'ratio',
          numerator: 'closed',
          denominator: 'total',
          target: 0.9,
          format: 'percent',
        },
        ['by_status', 'by_source', 'by_month', 'by_reason_week'],
      ]);
    await admin.getByTestId('ledger-settings').scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('designer-settings') });
    await expect.poll(() => admin.getByTestId('definition-changes').textContent()).toContain('新建台账及其数据表');
    await expect.poll(() => admin.getByTestId('publish').isDisabled()).toBe(false);
    await admin.getByTestId('publish').click();
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toBe('已发布，当前为第 1 版');
    expect(await versionOf('rectification_copy')).toBe(1);
    const published = await postGraphQL<{ ledger: { fields: unknown[] } }>(
      product.server.url,
      `{ ledger(key: "rectification_copy") { fields { key } } }`,
      {},
      { token: await tokenOf('admin') },
    );
    expect(published.data!.ledger.fields).toHaveLength(copy.fields.length);
    const settled = await postGraphQL<{
      ledger: { period: string; periodField: string | null; deadline: string | null };
    }>(
      product.server.url,
      `{ ledger(key: "rectification_copy") { period periodField deadline } }`,
      {},
      { token: await tokenOf('admin'), language: 'en' },
    );
    expect(settled.data!.ledger).toMatchObject({ period: 'daily', deadline: '17:00' });
    expect(settled.data!.ledger.periodField).toBeTruthy();
    await admin.context().close();
  }, 120_000);

  it('edits, duplicates, moves and removes fields by clicks, and the data follows (a renamed key keeps its values)', async () => {
    const admin = await signedIn('admin');
    await admin.getByTestId('nav-designer').click();
    await admin.locator('tr[data-ledger="task"] a').click();
    const list = admin.getByTestId('field-list');
    await list.waitFor();
    const keys = async () =>
      (JSON.parse(await admin.getByTestId('definition-json').inputValue()) as { fields: { key: string }[] }).fields.map(
        (f) => f.key,
      );
    const before = await keys();
    const first = before[0];
    // the plan's tasks (seed rows) are there to follow the rename
    const counted = await postGraphQL<{ rows: { totalCount: number } }>(
      product.server.url,
      `{ rows(ledger: "task", first: 0) { totalCount } }`,
      {},
      { token: await tokenOf('admin') },
    );
    expect(counted.data!.rows.totalCount).toBeGreaterThan(0);

    // edit the first field: a new title and key (its column renamed, its values kept)
    await list.locator(`tr[data-field="${first}"] button`).first().click();
    const form = admin.getByTestId('edit-field');
    await form.locator('input[name="title"]').fill('任务名称（新）');
    await form.locator('input[name="key"]').fill(`${first}_renamed`);
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => admin.getByTestId('definition-changes').textContent()).toContain('重命名');
    // duplicate it, move the copy down, then remove the copy
    await list.locator(`tr[data-field="${first}_renamed"] button`).nth(1).click();
    await expect.poll(keys).toContain(`${first}_renamed_copy`);
    expect((await keys())[1]).toBe(`${first}_renamed_copy`);
    await list.locator(`tr[data-field="${first}_renamed_copy"] button`).nth(3).click();
    await expect.poll(async () => (await keys())[2]).toBe(`${first}_renamed_copy`);
    await list.locator(`tr[data-field="${first}_renamed_copy"] button`).nth(4).click();
    await expect.poll(keys).toEqual([`${first}_renamed`, ...before.slice(1)]);
    // the properties every type has: an English title, help, a default, unique (under 更多属性)
    await list.locator('tr[data-field="owner"] button').first().click();
    const owner = admin.getByTestId('edit-field');
    await owner.locator('summary').click();
    await owner.locator('input[name="titleEn"]').fill('Owner');
    await owner.locator('input[name="help"]').fill('填写责任人姓名');
    await owner.locator('input[name="default"]').fill('待定');
    await owner.scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('designer-field-edit') });
    await owner.locator('button[type="submit"]').click();
    await expect
      .poll(async () => {
        const fields = (
          JSON.parse(await admin.getByTestId('definition-json').inputValue()) as {
            fields: { key: string; title: unknown; help?: unknown; default?: unknown }[];
          }
        ).fields;
        return fields.find((f) => f.key === 'owner');
      })
      .toMatchObject({ title: { zh: '责任人', en: 'Owner' }, help: '填写责任人姓名', default: '待定' });
    // a choice's options with their names: renamed in English, moved, one more pasted from Excel
    await list.locator('tr[data-field="status"] button').first().click();
    const status = admin.getByTestId('edit-field');
    const editor = status.getByTestId('options-editor');
    expect(await editor.locator('input[name="label-en-推进中"]').inputValue()).toBe('In progress');
    await editor.locator('input[name="label-en-推进中"]').fill('Under way');
    await editor.locator('tr[data-option="已完成"] button').first().click();
    await expect
      .poll(() =>
        editor.locator('tr[data-option]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-option'))),
      )
      .toEqual(['未开始', '已完成', '推进中']);
    await status.locator('input[name="options"]').evaluate((input) => {
      const data = new DataTransfer();
      data.setData(
        'text/plain',
        '未开始\t未开始\tNot started\n推进中\t推进中\tUnder way\n已完成\t已完成\tDone\n已暂停\t已暂停\tPaused',
      );
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => editor.locator('tr[data-option]').count()).toBe(4);
    await status.locator('button[type="submit"]').click();
    await expect
      .poll(async () => {
        const fields = (
          JSON.parse(await admin.getByTestId('definition-json').inputValue()) as {
            fields: { key: string; options?: unknown }[];
          }
        ).fields;
        return fields.find((f) => f.key === 'status')?.options;
      })
      .toEqual([
        { value: '未开始', label: { zh: '未开始', en: 'Not started' } },
        { value: '推进中', label: { zh: '推进中', en: 'Under way' } },
        { value: '已完成', label: { zh: '已完成', en: 'Done' } },
        { value: '已暂停', label: { zh: '已暂停', en: 'Paused' } },
      ]);
    // a rule by clicks: its formula checked as it is typed
    const ruleForm = admin.getByTestId('add-rule');
    await ruleForm.locator('input[name="key"]').fill('progress_needed');
    await ruleForm.locator('select[name="level"]').selectOption('warning');
    await ruleForm.locator('input[name="check"]').fill('not isblank(progres)');
    await expect.poll(() => ruleForm.locator('.form-error').textContent()).toContain('progres');
    await ruleForm.locator('input[name="check"]').fill('not isblank(progress)');
    expect(await ruleForm.locator('.form-error').count()).toBe(0);
    await ruleForm.locator('input[name="when"]').fill('status = "推进中"');
    await ruleForm.locator('input[name="message"]').fill('推进中的任务请填写最新进展');
    await ruleForm.locator('input[name="cell-progress"]').check();
    await ruleForm.locator('button[type="submit"]').click();
    await expect
      .poll(async () => {
        const definition = JSON.parse(await admin.getByTestId('definition-json').inputValue()) as {
          rules: { key: string }[];
        };
        return definition.rules.find((r) => r.key === 'progress_needed');
      })
      .toEqual({
        key: 'progress_needed',
        level: 'warning',
        check: 'not isblank(progress)',
        when: 'status = "推进中"',
        message: '推进中的任务请填写最新进展',
        fields: ['progress'],
      });
    await admin.screenshot({ path: screenshotPath('designer-fields') });

    await admin.getByTestId('publish').click();
    await admin.getByTestId('confirm-publish').click();
    await expect.poll(() => admin.getByTestId('published').textContent()).toContain('已发布');
    const after = await postGraphQL<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
      product.server.url,
      `{ rows(ledger: "task", first: 5) { edges { node { values } } } }`,
      {},
      { token: await tokenOf('admin') },
    );
    const values = after.data!.rows.edges.map((e) => e.node.values);
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v[`${first}_renamed`] !== undefined && !(first in v))).toBe(true);
    expect(values.some((v) => v[`${first}_renamed`] !== null)).toBe(true);
    await admin.context().close();
  }, 120_000);
});
