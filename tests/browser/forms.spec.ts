import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentPeriod,
  FIELD_TYPES,
  fieldTypeOf,
  textOf,
  type FieldDefinition,
  type FieldType,
  type FieldValue,
  type FormInputSpec,
  type OptionSpec,
} from '@taizhang/ledger-core';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * Forms asked by field type, on a phone: a public form with a question of every registered type
 * (so a new type is answered here as soon as it is registered), and a clerk's one-row form.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};
/** A township centre: it fills the window cases and takes the public form. */
const UNIT_CODE = 'xz05';
const CLERK = 'clerk05';
const PUBLIC_LEDGER = 'every_type_form';

interface RowsAnswer {
  rows: { totalCount: number; edges: { node: { id: string; values: Record<string, FieldValue> } }[] };
}

async function rowsOf(ledger: string, period?: string) {
  const response = await postGraphQL<RowsAnswer>(
    product.server.url,
    'query ($ledger: String!, $period: String) { rows(ledger: $ledger, period: $period, first: 1000) { totalCount edges { node { id values } } } }',
    { ledger, period },
    { token: await product.token(CLERK) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.rows;
}

const CHOICES = [
  { value: 'A', label: '非常满意' },
  { value: 'B', label: '比较满意' },
  { value: 'C', label: '不太满意' },
];

/** One question of a registered type, given what its type's options ask for (choices, a ledger), in Chinese. */
function questionOf(type: FieldType): FieldDefinition {
  const spec = fieldTypeOf(type);
  const field: Record<string, unknown> = { key: `q_${type}`, title: `请填写：${textOf(spec.title, 'zh-CN')}`, type };
  for (const [name, option] of Object.entries(spec.options as Record<string, OptionSpec>)) {
    if (option.input === 'choices') field[name] = CHOICES;
    if (option.input === 'ledger') field[name] = 'window_case';
    if (option.input === 'ledgerField') field[name] = 'case_no';
  }
  return field as unknown as FieldDefinition;
}

/** What the type reads from text (the way the form must read it), as the value expected in the row. */
function parsed(field: FieldDefinition, text: string): FieldValue {
  const outcome = fieldTypeOf(field.type).parse(text, field);
  expect(outcome, `${field.key}: ${text}`).toMatchObject({ ok: true });
  return outcome.ok ? outcome.value : null;
}

function readsAs(field: FieldDefinition, text: string, value: FieldValue): boolean {
  const outcome = fieldTypeOf(field.type).parse(text, field);
  return outcome.ok && JSON.stringify(outcome.value) === JSON.stringify(value);
}

function normalized(field: FieldDefinition, value: unknown): FieldValue {
  const outcome = fieldTypeOf(field.type).normalize(value, field);
  expect(outcome, `${field.key}: ${JSON.stringify(value)}`).toMatchObject({ ok: true });
  return outcome.ok ? outcome.value : null;
}

/** What a person types into a box with a suffix beside it: the number, not the "%". */
function typedText(form: FormInputSpec, text: string): string {
  return form.input === 'line' && form.suffix && text.endsWith(form.suffix)
    ? text.slice(0, -form.suffix.length).trim()
    : text;
}

/** The text as the type reads it: the suffix shown beside the box belongs to what was typed. */
function readText(form: FormInputSpec, typed: string): string {
  return form.input === 'line' && form.suffix && !typed.endsWith(form.suffix) ? `${typed}${form.suffix}` : typed;
}

/**
 * Answers one question as a person would, by the kind of input its type asks for (never by the
 * type's name), and returns the value the row must then hold. `row` answers a question about
 * a row of another ledger.
 */
async function answer(card: Locator, field: FieldDefinition, row: { id: string; label: string }): Promise<FieldValue> {
  const spec = fieldTypeOf(field.type);
  const form = spec.form(field, 'zh-CN');
  const title = textOf(field.title, 'zh-CN');
  const fake = spec.fake(field, 7);
  switch (form.input) {
    case 'line': {
      // what a person types: the value plainly ("12345.67" beside 元) if it reads back as itself, else
      // as the type writes it, without the suffix shown beside the box ("57.00" beside %)
      const value = normalized(field, fake);
      const typed = [String(value), typedText(form, spec.format(value, field, 'zh-CN'))].find((text) =>
        readsAs(field, readText(form, text), value),
      );
      expect(typed, `${field.key}: text that reads back as ${JSON.stringify(value)}`).toBeDefined();
      const box = card.getByRole('textbox', { name: title });
      expect(await box.getAttribute('inputmode')).toBe(form.keyboard);
      await box.tap();
      await box.pressSequentially(typed!);
      return parsed(field, readText(form, typed!));
    }
    case 'paragraph': {
      const text = spec.format(fake, field, 'zh-CN');
      await card.getByRole('textbox', { name: title }).fill(text);
      return parsed(field, text);
    }
    case 'calendar': {
      // the native picker's own format: a datetime-local box takes the wall time without seconds
      const text = form.calendar === 'datetime-local' ? String(fake).slice(0, 16) : String(fake);
      const box = card.locator(`input[type="${form.calendar}"]`);
      expect(await box.getAttribute('aria-label')).toBe(title);
      await box.fill(text);
      return parsed(field, text);
    }
    case 'pickOne': {
      const option = form.options[1];
      await card.getByLabel(option.label, { exact: true }).tap();
      return normalized(field, option.value);
    }
    case 'pickMany': {
      const picked = [form.options[2], form.options[0]];
      for (const option of picked) await card.getByLabel(option.label, { exact: true }).tap();
      return normalized(
        field,
        picked.map((o) => o.value),
      );
    }
    case 'yesNo': {
      await card.getByLabel(form.no, { exact: true }).tap();
      await card.getByLabel(form.yes, { exact: true }).tap();
      return normalized(field, true);
    }
    case 'stars': {
      const n = Math.min(3, form.max);
      const star = card.getByRole('button', { name: `${n} 星`, exact: true });
      await star.tap();
      await star.tap(); // the current value tapped again takes it back
      expect(await star.getAttribute('aria-pressed')).toBe('false');
      await star.tap();
      expect(await star.getAttribute('aria-pressed')).toBe('true');
      return normalized(field, n);
    }
    case 'row': {
      // the public cannot read the unit's rows: what the row says (the case's number) is typed,
      // and the API resolves it to that row in the unit
      const box = card.getByRole('textbox', { name: title });
      await box.tap();
      await box.pressSequentially(row.label);
      return Number(row.id);
    }
    case 'files':
      // files are uploaded by a signed-in clerk (POST /attachments), not by the public: left blank
      return null;
    default:
      throw new Error(`no way to answer ${JSON.stringify(form satisfies never)}`);
  }
}

/** Values the contract carries by kind: numbers as numbers, dates as "YYYY-MM-DD", yes/no as booleans. */
function expectKind(field: FieldDefinition, value: FieldValue) {
  switch (fieldTypeOf(field.type).valueKind) {
    case 'number':
      // a number, or the type's exact decimal text (an amount of money is carried as "1234.50")
      expect(Number.isFinite(Number(value)), field.key).toBe(true);
      return expect(typeof value, field.key).toBe(typeof normalized(field, fieldTypeOf(field.type).fake(field, 1)));
    case 'boolean':
      return expect(typeof value, field.key).toBe('boolean');
    case 'date':
      return expect(value, field.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    case 'datetime':
      return expect(value, field.key).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    case 'time':
      return expect(value, field.key).toMatch(/^\d{2}:\d{2}$/);
    case 'list':
      return expect(Array.isArray(value), field.key).toBe(true);
    case 'text':
      return expect(typeof value, field.key).toBe('string');
  }
}

async function saveWindowCase(token: string, caseNo: string): Promise<string> {
  const saved = await postGraphQL<{ saveRows: { results: { status: string; row: { id: string } | null }[] } }>(
    product.server.url,
    `mutation ($values: JSON!) { saveRows(ledger: "window_case", changes: [{ op: INSERT, values: $values }]) { results { status row { id } } } }`,
    {
      values: {
        case_no: caseNo,
        accepted_at: '2026-03-02T09:00:00+08:00',
        service_item: '个体工商户登记',
        applicant: '王五',
      },
    },
    { token },
  );
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.saveRows.results[0].status).toBe('SAVED');
  return saved.data!.saveRows.results[0].row!.id;
}

describe('a public form with a question of every field type', () => {
  it('is answered on a phone by typing and tapping, and the row holds typed values', async () => {
    const fields = FIELD_TYPES.map(questionOf);
    const admin = await product.token('admin');
    const published = await postGraphQL(
      product.server.url,
      'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }',
      {
        d: {
          key: PUBLIC_LEDGER,
          title: { zh: '各类题型测试问卷', en: 'A form of every field type' },
          public: true,
          fillers: { unitKinds: ['township_centre'] },
          fields,
        },
      },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
    const windowCase = { id: await saveWindowCase(await product.token(CLERK), 'GJ-2026-0100'), label: 'GJ-2026-0100' };

    const context = await product.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${product.server.url}/s/${UNIT_CODE}?ledger=${PUBLIC_LEDGER}`);
    await page.getByTestId('survey-unit').waitFor();
    expect(await page.locator('h1').textContent()).toBe('各类题型测试问卷');
    expect(await page.locator('[data-question]').count()).toBe(FIELD_TYPES.length);

    const expected: Record<string, FieldValue> = {};
    for (const field of fields) {
      expected[field.key] = await answer(page.locator(`[data-question="${field.key}"]`), field, windowCase);
    }

    // letters in a box for whole numbers: refused under its question, in Chinese, and nothing is sent
    const numeric = fields.find((field) => {
      const form = fieldTypeOf(field.type).form(field, 'zh-CN');
      return form.input === 'line' && form.keyboard === 'numeric';
    })!;
    const numericForm = fieldTypeOf(numeric.type).form(numeric, 'zh-CN');
    const numericBox = page.locator(`[data-question="${numeric.key}"]`).getByRole('textbox');
    const rightText = await numericBox.inputValue();
    await numericBox.fill('');
    await numericBox.pressSequentially('abc');
    await page.getByTestId('submit-survey').tap();
    const refusal = fieldTypeOf(numeric.type).parse(readText(numericForm, 'abc'), numeric);
    expect(refusal.ok).toBe(false);
    const alert = page.locator(`[data-question="${numeric.key}"]`).getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe(refusal.ok ? '' : refusal.problem['zh-CN']);
    expect(await alert.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByRole('alert').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('forms-public-phone-error'), fullPage: true });
    expect((await rowsOf(PUBLIC_LEDGER)).totalCount).toBe(0);

    await numericBox.fill('');
    await numericBox.pressSequentially(rightText);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('forms-public-phone-filled'), fullPage: true });
    await page.getByTestId('submit-survey').tap();
    await expect.poll(() => page.getByTestId('survey-thanks').textContent()).toContain('感谢');

    const rows = await rowsOf(PUBLIC_LEDGER);
    expect(rows.totalCount).toBe(1);
    const values = rows.edges[0].node.values;
    for (const field of fields) {
      expect(values[field.key], field.key).toEqual(expected[field.key]);
      expectKind(field, values[field.key]);
    }
    await context.close();
  });
});

describe('the clerk’s one-row form', () => {
  const card = (page: Page, key: string) => page.locator(`[data-question="${key}"]`);

  it('saves a window case from a phone, checks the ledger’s rules first, and starts again empty', async () => {
    const casesBefore = (await rowsOf('window_case')).totalCount;
    const page = await product.signedIn(CLERK, PHONE);
    await page.goto(`${product.server.url}/ledgers/window_case`);
    await page.getByRole('link', { name: '手机填报' }).click();
    await page.waitForURL('**/ledgers/window_case/new');
    await card(page, 'case_no').waitFor();

    // the definition's defaults are there to start with
    expect(await card(page, 'channel').getByLabel('窗口', { exact: true }).isChecked()).toBe(true);
    expect(await card(page, 'status').getByLabel('受理', { exact: true }).isChecked()).toBe(true);

    await card(page, 'case_no').getByRole('textbox').fill('GJ-2026-0001');
    await card(page, 'accepted_at').locator('input').fill('2026-03-02T09:30');
    await card(page, 'service_item').getByRole('textbox').fill('营业执照变更登记');
    await card(page, 'applicant').getByRole('textbox').fill('李四');
    const phone = card(page, 'phone').getByRole('textbox');
    expect(await phone.getAttribute('inputmode')).toBe('tel');
    await phone.fill('139 1234 5678');
    await card(page, 'status').getByLabel('办结', { exact: true }).tap();
    await card(page, 'promised_days').getByRole('textbox').fill('3');

    // a completed case needs its completion time: the rule's message, under that field
    await page.getByTestId('save-row').tap();
    await expect
      .poll(() => card(page, 'completed_at').getByRole('alert').textContent())
      .toBe('办结的办件必须填写办结时间');
    expect((await rowsOf('window_case')).totalCount).toBe(casesBefore);

    await card(page, 'completed_at').locator('input').fill('2026-03-03T10:00');
    await card(page, 'visited_at').locator('input').fill('2026-03-03T11:00');
    await card(page, 'visit_method').getByLabel('电话', { exact: true }).tap();
    await card(page, 'visit_result').getByLabel('非常满意', { exact: true }).tap();
    await card(page, 'remark').getByRole('textbox').fill('群众现场办结，电话回访满意');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('forms-row-form-phone'), fullPage: true });

    await page.getByTestId('save-row').tap();
    await expect.poll(() => page.getByTestId('row-form-saved').textContent()).toMatch(/已保存/);
    // empty again for the next case, the defaults back
    expect(await card(page, 'case_no').getByRole('textbox').inputValue()).toBe('');
    expect(await card(page, 'status').getByLabel('受理', { exact: true }).isChecked()).toBe(true);
    await page.screenshot({ path: screenshotPath('forms-row-form-saved') });

    const rows = await rowsOf('window_case');
    expect(rows.totalCount).toBe(casesBefore + 1);
    const caseRow = rows.edges.find((e) => e.node.values.case_no === 'GJ-2026-0001')!.node;
    expect(caseRow.values).toMatchObject({
      case_no: 'GJ-2026-0001',
      accepted_at: '2026-03-02T09:30:00+08:00',
      service_item: '营业执照变更登记',
      applicant: '李四',
      phone: '13912345678',
      channel: '窗口',
      status: '办结',
      completed_at: '2026-03-03T10:00:00+08:00',
      promised_days: 3,
      on_time: true,
      visited_at: '2026-03-03T11:00:00+08:00',
      visit_method: '电话',
      visit_result: '非常满意',
      visited_within_2h: true,
      remark: '群众现场办结，电话回访满意',
    });

    // a rectification refers to that case: searched among the unit's cases by part of its number
    await page.goto(`${product.server.url}/ledgers/rectification/new`);
    const caseRef = card(page, 'case_ref').getByRole('combobox');
    await caseRef.fill('0001');
    const found = card(page, 'case_ref').getByRole('option');
    await expect.poll(() => found.allTextContents()).toEqual([expect.stringMatching(/^GJ-2026-0001 /)]);
    await page.screenshot({ path: screenshotPath('forms-row-picker') });
    await found.first().tap();
    expect(await caseRef.inputValue()).toBe('GJ-2026-0001');
    await card(page, 'found_on').locator('input').fill('2026-03-04');
    await card(page, 'source').getByRole('radio').first().tap();
    await card(page, 'description').getByRole('textbox').fill('窗口排队时间过长');
    await card(page, 'owner').getByRole('textbox').fill('赵六');
    await card(page, 'deadline').locator('input').fill('2026-03-09');
    await page.getByTestId('save-row').tap();
    await expect.poll(() => page.getByTestId('row-form-saved').textContent()).toMatch(/已保存/);
    const rectifications = await rowsOf('rectification');
    expect(rectifications.edges.map((e) => e.node.values)).toEqual([
      expect.objectContaining({
        case_ref: Number(caseRow.id),
        found_on: '2026-03-04',
        description: '窗口排队时间过长',
        deadline: '2026-03-09',
        status: '待整改',
      }),
    ]);

    // a daily report goes to today's sheet, its date filled in
    await page.goto(`${product.server.url}/ledgers/daily_followup/new`);
    const today = currentPeriod('daily', new Date())!;
    expect(await card(page, 'report_date').locator('input').inputValue()).toBe(today);
    // its counts derive from the window cases: the phone asks only for what the clerk types
    expect(await card(page, 'cases').count()).toBe(0);
    await card(page, 'qr_good_reviews').getByRole('textbox').fill('3');
    await page.getByTestId('save-row').tap();
    await expect.poll(() => page.getByTestId('row-form-saved').textContent()).toMatch(/已保存/);
    const reports = await rowsOf('daily_followup', today);
    // the counts saved are what the window cases give for today (read apart, by the sheet)
    const sheet = await postGraphQL<{ sheet: { derived: Record<string, number> } }>(
      product.server.url,
      'query ($p: String!) { sheet(ledger: "daily_followup", period: $p) { derived } }',
      { p: today },
      { token: await product.token(CLERK) },
    );
    expect(sheet.errors).toBeUndefined();
    const { cases, follow_ups, dissatisfied } = sheet.data!.sheet.derived;
    expect(reports.edges.map((e) => e.node.values)).toEqual([
      expect.objectContaining({ report_date: today, qr_good_reviews: 3, cases, follow_ups, dissatisfied }),
    ]);
    // and the phone showed them before saving, as the sheet gives them
    expect(await page.getByTestId('figure-cases').textContent()).toBe(String(cases));
    expect(await page.getByTestId('figure-follow_ups').textContent()).toBe(String(follow_ups));
    await page.context().close();
  });
});
