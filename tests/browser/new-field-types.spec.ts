import { afterAll, beforeAll, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * The types added as one file each, in the grid as people use it: a clerk types Chinese data
 * (a lower-case x, ¥ and a thousands comma, a number of stars, ★★) and sees the types' display and
 * their reasons for what is wrong; a leader sees the identity number masked, and no error for it;
 * an admin's designer offers the type and its own property.
 */
let product: BrowserProduct;
beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

it('money, idcard and rating in the grid for a clerk, a leader and an admin', async () => {
  const admin = await product.token('admin');
  const d = {
    key: 'subsidy',
    title: '补贴发放台账',
    fields: [
      { key: 'applicant', title: '申请人', type: 'text', required: true },
      { key: 'id_no', title: '身份证号', type: 'idcard', required: true },
      { key: 'amount', title: '补贴金额', type: 'money', min: 0 },
      { key: 'stars', title: '满意度', type: 'rating' },
    ],
  };
  const pub = await postGraphQL(
    product.server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d },
    { token: admin },
  );
  expect(pub.errors).toBeUndefined();
  const ctx = await product.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await ctx.newPage();
  await product.signIn(page, 'clerk01');
  await page.goto(`${product.server.url}/ledgers/subsidy`);
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
  await page.waitForTimeout(1000);
  await page.getByTestId('add-row').click();
  await page.getByTestId('add-row').click();
  const cell = (r: number, c: number) =>
    page
      .locator(`.ledger-grid ${c === 0 ? '.ht_clone_inline_start' : '.ht_master'} .htCore tbody tr`)
      .nth(r)
      .locator('td')
      .nth(c);
  const type = async (r: number, c: number, text: string) => {
    await cell(r, c).dblclick();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
  };
  await type(0, 0, '张三');
  await type(0, 1, '11010519491231002x');
  await type(0, 2, '¥1,234.5');
  await type(0, 3, '4');
  await type(1, 0, '李四');
  await type(1, 1, '110105194912310021');
  await type(1, 2, '12.345');
  await type(1, 3, '★★');
  // the good row is saved with its exact values; the bad one is held with its reasons
  const clerk = await product.token('clerk01');
  const saved = async () =>
    (
      await postGraphQL<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
        product.server.url,
        'query { rows(ledger: "subsidy", first: 10) { edges { node { values } } } }',
        {},
        { token: clerk },
      )
    ).data!.rows.edges.map((e) => e.node.values);
  await expect
    .poll(saved, { timeout: 10_000 })
    .toEqual([{ applicant: '张三', id_no: '11010519491231002X', amount: '1234.50', stars: 4 }]);
  await page.screenshot({ path: screenshotPath('new-types-clerk-grid'), fullPage: true });
  expect(await cell(0, 1).textContent()).toBe('11010519491231002X');
  expect(await cell(0, 2).textContent()).toBe('¥1,234.50');
  expect(await cell(0, 3).textContent()).toBe('★★★★☆');
  expect(await cell(1, 3).textContent()).toBe('★★☆☆☆');
  const panel = await page.getByTestId('grid-side').textContent();
  expect(panel).toContain('身份证号校验位不正确');
  expect(panel).toContain('金额最多到分');
  const leader = await (await product.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await product.signIn(leader, 'leader');
  await leader.goto(`${product.server.url}/ledgers/subsidy`);
  await leader.locator('.ledger-grid .ht_master .htCore').waitFor();
  const leaderCell = leader.locator('.ledger-grid .ht_master .htCore tbody tr').first().locator('td');
  await expect.poll(() => leaderCell.nth(2).textContent()).toBe('1101**********002X');
  await leader.screenshot({ path: screenshotPath('new-types-leader-grid'), fullPage: true });
  expect(await leader.getByTestId('grid-side').textContent()).not.toContain('身份证号');
  const adm = await (await product.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await product.signIn(adm, 'admin');
  await adm.goto(`${product.server.url}/admin/ledgers/subsidy`);
  await adm.getByTestId('add-field').waitFor();
  await adm.getByTestId('add-field').locator('select[name="type"]').selectOption('rating');
  await expect.poll(() => adm.getByTestId('add-field').textContent()).toContain('满分（星数）');
  await adm.screenshot({ path: screenshotPath('new-types-admin-designer'), fullPage: true });
}, 120_000);
