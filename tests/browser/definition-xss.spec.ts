import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * Issue 26, finding 2: a ledger definition is an admin's text (or a file's in schemas/), and the
 * grid used to write its field titles into the column headers as HTML, so a title could run script
 * in every clerk's, leader's and admin's browser. Here every text a definition has (ledger and
 * field titles, help, option labels, rule messages, measure titles) carries a payload, and every
 * page that shows one is opened as a clerk, a leader, an admin and an anonymous citizen: nothing
 * runs (window.__xss stays undefined), the payload is on the page as the characters it is made of
 * (so it was shown as text, not removed), and the page itself sets off no Content-Security-Policy
 * violation (finding 3: the app works under its CSP).
 */
let product: BrowserProduct;

const MARK = 'window.__xss=(window.__xss||0)+1';
const IMG = `<img src=x onerror="${MARK}">`;
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = `"><svg onload="${MARK}">`;
const QUOTE = `'><img src=x onerror=${MARK}>`;
const ENTITY = '&lt;b&gt;'; // as HTML it would show as <b>; as text it stays &lt;b&gt;

const T = {
  ledger: `回访台账${IMG}`,
  day: `日期${IMG}`,
  dayHelp: `${SCRIPT}填报当天${SVG}`,
  kind: `${SVG}类别`,
  optionA: `${IMG}甲类`,
  optionB: `乙类${SCRIPT}`,
  count: `${SCRIPT}数量`,
  note: `备注${QUOTE}${ENTITY}`,
  rule: `数量不能超过100${IMG}`,
  measure: `${SVG}数量合计`,
  survey: `满意度${SCRIPT}`,
  question: `${IMG}您满意吗`,
  questionHelp: `请选择${SVG}`,
  answerA: `${SVG}满意`,
  answerB: `${IMG}不满意`,
};
const PAYLOAD_TEXTS = Object.keys(T).length;
/** A page of the built product on a busy machine: statistics and charts take their time. */
const SLOW = { timeout: 15_000 };

const PROBE = {
  key: 'xss_probe',
  title: T.ledger,
  period: 'daily',
  periodField: 'day',
  fields: [
    { key: 'day', title: T.day, type: 'date', required: true, help: T.dayHelp },
    {
      key: 'kind',
      title: T.kind,
      type: 'choice',
      options: [
        { value: 'A', label: T.optionA },
        { value: 'B', label: T.optionB },
      ],
    },
    { key: 'count', title: T.count, type: 'integer', min: 0 },
    { key: 'note', title: T.note, type: 'text' },
  ],
  rules: [{ key: 'not_too_many', level: 'error', check: 'count <= 100', message: T.rule, fields: ['count'] }],
  measures: [{ key: 'total', title: T.measure, kind: 'sum', field: 'count', target: 10 }],
};
const SURVEY = {
  key: 'xss_survey',
  title: T.survey,
  period: 'none',
  public: true,
  fields: [
    {
      key: 'q',
      title: T.question,
      help: T.questionHelp,
      type: 'choice',
      required: true,
      options: [
        { value: 'A', label: T.answerA },
        { value: 'B', label: T.answerB },
      ],
    },
  ],
};

/** Today in Asia/Shanghai, the period the grid opens on. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

let visits = 0;
const violations: string[] = [];

async function publish(definition: object) {
  const answer = await postGraphQL(
    product.server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }',
    { d: definition },
    { token: await product.token('admin') },
  );
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
}

beforeAll(async () => {
  product = await startBrowserProduct();
  await publish(PROBE);
  await publish(SURVEY);
  const saved = await postGraphQL<{ saveRows: { saved: number } }>(
    product.server.url,
    'mutation ($c: [RowChangeInput!]!) { saveRows(ledger: "xss_probe", changes: $c) { saved } }',
    { c: [{ op: 'INSERT', values: { day: today(), kind: 'A', count: 7, note: '已回访' } }] },
    { token: await product.token('clerk01') },
  );
  expect(saved.data?.saveRows.saved, JSON.stringify(saved.errors)).toBe(1);
  const answered = await postGraphQL(
    product.server.url,
    'mutation ($v: JSON!) { submitPublicAnswer(unitCode: "xz01", ledger: "xss_survey", values: $v) }',
    { v: { q: 'A' } },
  );
  expect(answered.errors, JSON.stringify(answered.errors)).toBeUndefined();
});
afterAll(async () => {
  console.log(
    `definition XSS: ${PAYLOAD_TEXTS} definition texts with payloads, ${visits} page visits, ${violations.length} CSP violations`,
  );
  await product?.stop();
});

/** A context that records every CSP violation the pages in it report, from before their scripts run. */
async function watchedContext(): Promise<BrowserContext> {
  const context = await product.newContext();
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const seen = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  context.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  return context;
}

async function signedIn(username: string): Promise<Page> {
  const page = await (await watchedContext()).newPage();
  await product.signIn(page, username);
  return page;
}

/**
 * A page opened fresh at `path`, checked by `check`, then held a moment (an image's error, a
 * frame's load come later than the markup): no payload ran, no policy was violated.
 */
async function visit(page: Page, path: string, check: () => Promise<void>, name?: string) {
  await page.goto(`${product.server.url}${path}`);
  // whether a payload ran is the first thing to tell, even when the page's text is wrong too
  const failure = await check().then(
    () => null,
    (error: unknown) => error,
  );
  await page.waitForTimeout(400);
  if (name || failure) await page.screenshot({ path: screenshotPath(name ?? 'xss-failed'), fullPage: true });
  const seen = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: number }).__xss,
    csp: (window as unknown as { __csp?: string[] }).__csp ?? [],
  }));
  visits += 1;
  violations.push(...seen.csp);
  expect(seen.xss, `a payload ran on ${path}`).toBeUndefined();
  expect(seen.csp, `CSP violations on ${path}`).toEqual([]);
  if (failure) throw failure;
}

/** The column headers' texts (not the corner's). */
const headersOf = async (scope: Locator) =>
  (await scope.locator('.ht_master thead th .colHeader').allTextContents()).filter((text) => text.trim() !== '');
const textOf = (locator: Locator) => locator.evaluate((element) => element.textContent ?? '');

async function checkGridHeaders(page: Page) {
  const grid = page.getByTestId('ledger-grid');
  await grid.locator('.ht_master .htCore').waitFor();
  await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toMatch(/已加载/);
  const headers = await headersOf(grid);
  expect(headers).toEqual(expect.arrayContaining([`${T.day} *`, T.kind, T.count, T.note]));
  // …and on screen, where the header row above the rows shows them
  expect(await grid.locator('.ht_clone_top .colHeader', { hasText: T.kind }).first().isVisible()).toBe(true);
  // the help is the header's tooltip, as text
  const dayHeader = grid.locator('.ht_master thead th', { has: page.locator('.colHeader', { hasText: '日期' }) });
  expect(await dayHeader.first().getAttribute('title')).toBe(T.dayHelp);
  expect(await page.locator('#ledger-title').textContent()).toBe(T.ledger);
}

/** A cell of the grid (row and column 0-based, counted without the unit column). */
function cell(page: Page, row: number, col: number) {
  const layer = col === 0 ? '.ht_clone_inline_start' : '.ht_master';
  return page.locator(`.ledger-grid ${layer} .htCore tbody tr`).nth(row).locator('td').nth(col);
}

describe('definition texts with script in them', () => {
  it('are text for a clerk: the grid, its menus and editors, the form, the print view, the dashboard', async () => {
    const page = await signedIn('clerk01');
    await visit(page, '/', async () => {
      await expect.poll(() => page.locator('[data-ledger="xss_probe"] h3').textContent(), SLOW).toBe(T.ledger);
    });
    await visit(
      page,
      '/ledgers/xss_probe',
      async () => {
        await checkGridHeaders(page);
        // the saved row's option shows its label, as text
        await expect.poll(() => cell(page, 0, 1).textContent(), SLOW).toBe(T.optionA);
        // the row menu and the column menu
        await cell(page, 0, 2).click({ button: 'right' });
        await page.locator('.htContextMenu').waitFor();
        await page.keyboard.press('Escape');
        await page.locator('.ledger-grid .ht_clone_top thead th', { hasText: '数量' }).locator('.changeType').click();
        await page.getByText('降序排列', { exact: true }).waitFor();
        await page.keyboard.press('Escape');
        // the choice editor's list
        await cell(page, 0, 1).dblclick();
        await page.locator('.autocompleteEditor').waitFor();
        await page.keyboard.press('Escape');
        // a rule's message, on the cell and in the list of errors
        await cell(page, 0, 2).dblclick();
        await page.keyboard.press('Control+A');
        await page.keyboard.insertText('500');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('error-list').textContent(), SLOW).toContain(T.rule);
        expect(await cell(page, 0, 2).getAttribute('title')).toContain(T.rule);
      },
      'xss-clerk-grid',
    );
    await visit(page, '/ledgers/xss_probe/new', async () => {
      const day = page.locator('[data-question="day"]');
      await expect.poll(() => day.locator('legend').textContent(), SLOW).toBe(`${T.day} *`);
      expect(await day.locator('.help').textContent()).toBe(T.dayHelp);
      const kind = page.locator('[data-question="kind"]');
      expect(await textOf(kind)).toContain(T.optionA);
      expect(await textOf(kind)).toContain(T.optionB);
      expect(await textOf(page.locator('[data-question="note"] legend'))).toBe(T.note);
    });
    await visit(page, `/ledgers/xss_probe/print?period=${today()}`, async () => {
      await page.getByTestId('print-sheet').waitFor();
      expect(await page.locator('.print-sheet h1').textContent()).toBe(T.ledger);
      expect(await page.locator('.print-sheet th').allTextContents()).toEqual([T.day, T.kind, T.count, T.note]);
      expect(await page.locator('.print-sheet tbody td').nth(1).textContent()).toBe(T.optionA);
    });
    await visit(page, '/dashboard', async () => {
      const indicator = page.getByTestId('indicator-xss_probe-total');
      await expect.poll(() => indicator.locator('tbody tr').count(), SLOW).toBe(1);
      expect(await textOf(indicator.locator('h4'))).toContain(T.measure);
      await hoverChart(page, indicator.locator('.echart'));
    });
    await page.context().close();
  });

  it('are text for a leader and an admin: every unit’s grid, the designer and its preview, the dashboard', async () => {
    const leader = await signedIn('leader');
    await visit(leader, '/ledgers/xss_probe', () => checkGridHeaders(leader));
    await leader.context().close();

    const page = await signedIn('admin');
    await visit(page, '/ledgers/xss_probe', () => checkGridHeaders(page), 'xss-admin-grid');
    await visit(page, '/admin/ledgers', async () => {
      await expect.poll(() => textOf(page.locator('tr[data-ledger="xss_probe"] td').first()), SLOW).toContain(T.ledger);
    });
    await visit(
      page,
      '/admin/ledgers/xss_probe',
      async () => {
        const preview = page.getByTestId('designer-preview');
        await preview.locator('.ht_master .htCore').waitFor();
        expect(await headersOf(preview)).toEqual([`${T.day} *`, T.kind, T.count, T.note]);
        expect(await page.locator('#designer-title').textContent()).toBe(T.ledger);
        // edited in the browser: a new title with a payload is previewed as text too
        const json = page.getByTestId('definition-json');
        const edited = (await json.inputValue()).replace(JSON.stringify(T.count), JSON.stringify(`${T.count}${IMG}`));
        await json.fill(edited);
        await expect.poll(() => headersOf(preview), SLOW).toContain(`${T.count}${IMG}`);
      },
      'xss-designer',
    );
    await visit(
      page,
      '/dashboard',
      async () => {
        const board = page.getByTestId('board-xss_probe');
        await expect.poll(() => textOf(board.locator('h4')), SLOW).toContain(T.ledger);
        const trend = page.getByTestId('trend-xss_probe');
        await expect.poll(() => textOf(trend.locator('thead')), SLOW).toContain(T.measure);
        await hoverChart(page, trend.locator('.echart'), T.measure);
        const survey = page.getByTestId('survey-xss_survey');
        await expect.poll(() => textOf(survey.locator('h4')), SLOW).toContain(T.survey);
        const question = survey.locator('[data-question="q"]');
        expect(await textOf(question.locator('h5'))).toContain(T.question);
        expect(await question.locator('td').allTextContents()).toEqual(expect.arrayContaining([T.answerA, T.answerB]));
        await hoverChart(page, question.locator('.echart'), T.answerA);
        await survey.getByRole('button', { name: '饼图' }).click();
        await hoverChart(page, question.locator('.echart'), T.answerA);
      },
      'xss-dashboard',
    );
    await visit(page, `/ledgers/xss_probe/print?period=${today()}`, async () => {
      await page.getByTestId('print-sheet').waitFor();
      expect(await page.locator('.print-sheet h1').textContent()).toBe(T.ledger);
    });
    await page.context().close();
  });

  it('are text for a citizen on the public survey', async () => {
    const page = await (await watchedContext()).newPage();
    await visit(page, '/s/xz01?ledger=xss_survey', async () => {
      const question = page.locator('[data-question="q"]');
      await expect.poll(() => question.locator('legend').textContent(), SLOW).toContain(T.question);
      expect(await question.locator('.help').textContent()).toBe(T.questionHelp);
      expect(await textOf(question)).toContain(T.answerA);
      expect(await textOf(question)).toContain(T.answerB);
    });
    await page.context().close();
    expect(violations).toEqual([]);
  });
});

/**
 * The mouse over a chart until ECharts draws its tooltip (text in the chart's SVG): when
 * `expected` is given, one more SVG text shows it than before, as the characters it is made of.
 */
async function hoverChart(page: Page, chart: Locator, expected?: string) {
  await chart.scrollIntoViewIfNeeded();
  await chart.locator('svg').first().waitFor();
  const showing = () => chart.locator('svg text', { hasText: expected ?? '' }).count();
  const before = await showing();
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 5);
  for (const [x, y] of [
    [0.5, 0.5],
    [0.5, 0.3],
    [0.6, 0.6],
    [0.35, 0.45],
  ]) {
    await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 8 });
    await page.waitForTimeout(300);
    if (expected === undefined || (await showing()) > before) break;
  }
  if (expected !== undefined) await expect.poll(showing, SLOW).toBeGreaterThan(before);
}
