import type { Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  type BrowserProduct,
} from '@taizhang/testing';

/** Units, users, the survey's QR codes and the audit log, as an admin keeps them in the browser. */
let product: BrowserProduct;
let page: Page;
const signIn = (username: string, password = DEMO_PASSWORD) =>
  postGraphQL<{ signIn: { token: string } }>(
    product.server.url,
    `mutation ($u: String!, $p: String!) { signIn(username: $u, password: $p) { token } }`,
    { u: username, p: password },
  );
const NEW_PASSWORD = 'Chongzhi#2027';
const SAVE = `mutation ($changes: [RowChangeInput!]!) {
  saveRows(ledger: "window_case", changes: $changes) { results { status row { id version } } } }`;

/** The texts of the toasts of a kind now shown. */
const toasts = (kind: 'success' | 'error') =>
  page.locator(`[data-testid="toast"][data-kind="${kind}"] .toast-text`).allTextContents();
/** Waits for a toast of that kind saying exactly `text`. */
const toastSays = (kind: 'success' | 'error', text: string) => expect.poll(() => toasts(kind)).toContain(text);

/** The size of a PDF's first page, in points, as Chromium prints the page with its CSS @page size. */
async function printedPageSize(): Promise<[number, number]> {
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
  const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
  expect(boxes.length, 'the poster is one page').toBe(1);
  const box = boxes[0];
  return [Math.round(Number(box![1])), Math.round(Number(box![2]))];
}

/** How the page draws a code: QR_OPTIONS of apps/web/src/features/public-survey/survey-links.ts. */
const QR_OPTIONS = { type: 'svg', margin: 1, errorCorrectionLevel: 'M' } as const;
/** The QR code of a URL as the page draws it (the same library and options; the DOM writes `<path></path>`). */
const qrOf = async (url: string) =>
  (await QRCode.toString(url, QR_OPTIONS)).replace(/<path([^>]*)\/>/g, '<path$1></path>');

beforeAll(async () => {
  product = await startBrowserProduct();
  page = await product.signedIn('admin');
});
afterAll(() => product?.stop());

describe('the admin console', () => {
  it('confirms each step with a toast, empties a form that added, and asks before 停用', async () => {
    await page.getByTestId('nav-units').click();
    const newUnit = page.getByTestId('new-unit');
    await newUnit.locator('input[name="code"]').fill('ck99');
    await newUnit.locator('input[name="name"]').fill('县政务服务中心测试窗口');
    await newUnit.locator('select[name="kind"]').selectOption('service_window');
    await newUnit.getByRole('button').click();
    await toastSays('success', '已创建单位「县政务服务中心测试窗口」');
    expect(await newUnit.locator('input[name="code"]').inputValue()).toBe('');
    expect(await newUnit.locator('input[name="name"]').inputValue()).toBe('');

    await page.locator('tr[data-unit="ck99"] .link-button').click();
    const newUser = page.getByTestId('new-user');
    await newUser.locator('input[name="username"]').fill('clerk99');
    await newUser.locator('input[name="displayName"]').fill('测试填报员');
    await newUser.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await newUser.locator('input[name="phone"]').fill('139-1234-5678');
    await newUser.getByRole('button').click();
    await toastSays('success', '已创建用户 测试填报员（clerk99）');
    // the form is empty again: a second click cannot add the same user twice
    for (const name of ['username', 'displayName', 'password', 'phone'])
      expect(await newUser.locator(`input[name="${name}"]`).inputValue(), name).toBe('');
    await page.locator('tr[data-user="clerk99"]').waitFor();
    expect((await signIn('clerk99')).data?.signIn.token).toBeTruthy();

    // the phone the board shows to whoever 催报: stored as the phone field type keeps it, changed in
    // the user's row; what is not a phone is refused and the phone before it kept
    const phone = page.locator('tr[data-user="clerk99"] input[name="phone"]');
    await expect.poll(() => phone.inputValue()).toBe('13912345678');
    await phone.fill('12345');
    await page.locator('tr[data-user="clerk99"] button', { hasText: '保存电话' }).click();
    await expect.poll(async () => (await toasts('error')).length).toBeGreaterThan(0);
    const phoneOf = async (username: string) =>
      (await product.db.query<{ phone: string | null }>('SELECT phone FROM users WHERE username = $1', [username]))[0]
        .phone;
    expect(await phoneOf('clerk99')).toBe('13912345678');
    await phone.fill('0373-5551234');
    await page.locator('tr[data-user="clerk99"] button', { hasText: '保存电话' }).click();
    await toastSays('success', '已将 测试填报员（clerk99）的联系电话设为 0373-5551234');
    expect(await phoneOf('clerk99')).toBe('0373-5551234');
    await page.screenshot({ path: screenshotPath('admin-user-added') });

    // a weak password is refused with the rule, in Chinese, and what was typed stays to be fixed
    await newUser.locator('input[name="username"]').fill('clerk98');
    await newUser.locator('input[name="displayName"]').fill('弱密码');
    await newUser.locator('input[name="password"]').fill('abc');
    await newUser.getByRole('button').click();
    await expect
      .poll(async () => (await toasts('error')).some((text) => text.includes('密码至少需要 8 个字符')))
      .toBe(true);
    expect(await newUser.locator('input[name="username"]').inputValue()).toBe('clerk98');
    expect(await newUser.locator('input[name="displayName"]').inputValue()).toBe('弱密码');

    // 重置密码: a dialog naming the user; a weak password keeps it open with the rule
    await page.locator('tr[data-user="clerk99"] button', { hasText: '重置密码' }).click();
    const reset = page.getByTestId('reset-password-dialog');
    await expect.poll(() => reset.isVisible()).toBe(true);
    expect(await reset.locator('h3').textContent()).toBe('重置 测试填报员（clerk99）的密码');
    await reset.locator('input[name="newPassword"]').fill('abc');
    await reset.getByRole('button', { name: '重置密码' }).click();
    await expect
      .poll(() => reset.getByTestId('reset-password-problem').textContent())
      .toContain('密码至少需要 8 个字符');
    expect(await reset.isVisible()).toBe(true);
    await reset.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await reset.getByRole('button', { name: '重置密码' }).click();
    await toastSays('success', '已重置 测试填报员（clerk99）的密码，其原有的登录已失效，下次登录须修改密码');
    await expect.poll(() => reset.isVisible()).toBe(false);
    expect((await signIn('clerk99', NEW_PASSWORD)).data?.signIn.token).toBeTruthy();

    // 停用 asks first, naming who and what it means; 取消 changes nothing
    const deactivate = page.locator('tr[data-user="clerk99"] button', { hasText: '停用' });
    await deactivate.click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('停用 测试填报员（clerk99）后，该用户将无法登录');
    await page.screenshot({ path: screenshotPath('admin-confirm-deactivate') });
    await dialog.getByTestId('confirm-cancel').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.locator('tr[data-user="clerk99"]').getAttribute('class')).toBeNull();
    expect((await signIn('clerk99', NEW_PASSWORD)).data?.signIn.token).toBeTruthy();

    await deactivate.click();
    await dialog.getByTestId('confirm-ok').click();
    await toastSays('success', '已停用 测试填报员（clerk99），该用户不能再登录');
    await expect.poll(() => page.locator('tr[data-user="clerk99"]').getAttribute('class')).toBe('inactive');
    expect((await signIn('clerk99', NEW_PASSWORD)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // a unit's 停用 asks too, naming the unit
    await page.locator('tr[data-unit="ck99"] button', { hasText: '停用' }).click();
    expect(await dialog.textContent()).toContain('停用「县政务服务中心测试窗口」后，该单位的所有用户都将无法登录');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.locator('tr[data-unit="ck99"]').getAttribute('class')).toBeNull();
    await page.screenshot({ path: screenshotPath('admin-units') });
  });

  it('sets the public address the QR codes carry, and warns while it looks internal', async () => {
    await page.getByTestId('nav-survey-links').click();
    const card = page.locator('.qr-card[data-unit="xz01"]');
    await card.waitFor();
    // nothing set: the browser's own origin, 127.0.0.1 here, which phones cannot reach
    expect(await card.getAttribute('data-url')).toBe(`${product.server.url}/s/xz01`);
    expect(await page.getByTestId('base-url-warning').textContent()).toContain('内网地址（127.0.0.1');
    await page.screenshot({ path: screenshotPath('qr-links-internal'), fullPage: false });

    const input = page.getByTestId('base-url-input');
    await input.fill('tz.example.gov.cn');
    await page.getByTestId('base-url').getByRole('button', { name: '保存' }).click();
    expect(await page.getByTestId('base-url-problem').textContent()).toBe(
      '公网访问地址：不是有效的网址，应形如 https://tz.example.gov.cn',
    );

    await input.fill('https://tz.example.gov.cn/');
    await page.getByTestId('base-url').getByRole('button', { name: '保存' }).click();
    await toastSays('success', '已保存公网访问地址：https://tz.example.gov.cn，二维码已更新');
    await expect.poll(() => card.getAttribute('data-url')).toBe('https://tz.example.gov.cn/s/xz01');
    expect(await page.getByTestId('base-url-warning').count()).toBe(0);
    // the code itself encodes the address: the same QR as drawn from the URL
    const expected = await qrOf('https://tz.example.gov.cn/s/xz01');
    await expect.poll(() => card.locator('.qr').innerHTML()).toBe(expected);
    // the address under the code breaks only after / ? & = (its pieces end there), never mid-word
    const pieces = await card.getByTestId('qr-url').locator('span').allTextContents();
    expect(pieces.join('')).toBe('https://tz.example.gov.cn/s/xz01');
    for (const piece of pieces.slice(0, -1)) expect(piece).toMatch(/[/?&=]$/);
    expect(await card.getByTestId('qr-url').evaluate((el) => getComputedStyle(el).overflowWrap)).toBe('anywhere');
    await page.screenshot({ path: screenshotPath('qr-links'), fullPage: true });

    // an internal address set by hand is kept (an office may want it) but warned about
    await input.fill('http://192.168.1.20:3000');
    await page.getByTestId('base-url').getByRole('button', { name: '保存' }).click();
    await expect.poll(() => card.getAttribute('data-url')).toBe('http://192.168.1.20:3000/s/xz01');
    expect(await page.getByTestId('base-url-warning').textContent()).toContain('192.168.1.20:3000');
    await input.fill('https://tz.example.gov.cn');
    await page.getByTestId('base-url').getByRole('button', { name: '保存' }).click();
    await expect.poll(() => card.getAttribute('data-url')).toBe('https://tz.example.gov.cn/s/xz01');
  });

  it("prints one unit's poster at A4 and at A3, with the configured address", async () => {
    await page.locator('.qr-card[data-unit="ck01"]').getByTestId('poster-link').click();
    const poster = page.getByTestId('qr-poster');
    await poster.waitFor();
    expect(await poster.locator('h1').textContent()).toBe('县政务服务中心综合受理窗口');
    expect(await poster.locator('h2').textContent()).toBe('政务服务大回访调查问卷');
    expect(await poster.locator('.qr').getAttribute('data-url')).toBe('https://tz.example.gov.cn/s/ck01');
    await expect.poll(() => poster.locator('.qr').innerHTML()).toBe(await qrOf('https://tz.example.gov.cn/s/ck01'));
    // the print CSS carries the size: the poster is on the named page of that size (styles.css)
    expect(await poster.evaluate((el) => getComputedStyle(el).getPropertyValue('page'))).toBe('poster-A4');
    await page.screenshot({ path: screenshotPath('qr-poster-a4') });
    // printed: one A4 page, portrait (595 × 842 pt)
    expect(await printedPageSize()).toEqual([595, 842]);

    await page.getByTestId('poster-size').selectOption('A3');
    await expect.poll(() => poster.getAttribute('data-size')).toBe('A3');
    expect(new URL(page.url()).searchParams.get('size')).toBe('A3');
    expect(await poster.evaluate((el) => getComputedStyle(el).getPropertyValue('page'))).toBe('poster-A3');
    expect(await printedPageSize()).toEqual([842, 1191]);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: screenshotPath('qr-poster-a3-print') });
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows the admins’ own actions in the audit log, in words, without the password', async () => {
    const admin = (await signIn('admin')).data!.signIn.token;
    const unit = await postGraphQL<{ createUnit: { id: string } }>(
      product.server.url,
      'mutation { createUnit(input: { code: "log-w1", name: "日志测试窗口", kind: "service_window" }) { id } }',
      {},
      { token: admin },
    );
    const unitId = unit.data!.createUnit.id;
    const user = await postGraphQL<{ createUser: { id: string } }>(
      product.server.url,
      'mutation ($unitId: ID) { createUser(input: { username: "log-clerk", displayName: "日志员", role: CLERK, unitId: $unitId, password: "Rizhi#2026x" }) { id } }',
      { unitId },
      { token: admin },
    );
    await postGraphQL(
      product.server.url,
      'mutation ($id: ID!) { updateUser(id: $id, input: { role: LEADER, active: false }) { id } }',
      { id: user.data!.createUser.id },
      { token: admin },
    );

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-unit').selectOption(unitId);
    const entries = page.getByTestId('audit-entries');
    await expect.poll(() => entries.locator('tbody tr[data-kind="ADMIN"]').count()).toBe(3);
    const [changed, created, unitMade] = await entries.locator('tbody tr').allTextContents();
    expect(changed).toContain('修改用户');
    expect(changed).toContain('log-clerk');
    expect(changed).toContain('角色：领导');
    expect(changed).toContain('状态：停用');
    expect(created).toContain('新建用户');
    expect(created).toContain('姓名：日志员');
    expect(created).toContain('单位：日志测试窗口');
    expect(unitMade).toContain('新建单位');
    expect(unitMade).toContain('类型：');
    for (const text of [changed, created, unitMade]) {
      expect(text).not.toContain('Rizhi#2026x');
      for (const raw of ['LEADER', 'service_window', 'unitId', '{"']) expect(text).not.toContain(raw);
    }
    await page.screenshot({ path: screenshotPath('audit-admin-actions') });
    await page.getByTestId('audit-unit').selectOption('');
  });

  it('reads the audit log in the ledger’s language and restores a deleted row from its entry', async () => {
    const token = (await signIn('clerk04')).data!.signIn.token;
    const saved = await postGraphQL<{ saveRows: { results: { row: { id: string; version: number } }[] } }>(
      product.server.url,
      SAVE,
      {
        changes: [
          {
            op: 'INSERT',
            values: {
              case_no: 'LOG-1',
              accepted_at: '2023-03-01T09:00:00+08:00',
              service_item: '社保',
              applicant: '甲',
              status: '受理',
            },
          },
        ],
      },
      { token },
    );
    const row = saved.data!.saveRows.results[0].row;
    const deleted = await postGraphQL<{ saveRows: { results: { status: string }[] } }>(
      product.server.url,
      SAVE,
      { changes: [{ op: 'DELETE', id: row.id, version: row.version }] },
      { token },
    );
    expect(deleted.data!.saveRows.results[0].status).toBe('SAVED');

    await page.getByTestId('nav-audit').click();
    const entries = page.getByTestId('audit-entries');
    await expect.poll(() => entries.locator('tr[data-action="sign_in"]').count()).toBeGreaterThan(0);
    await page.getByTestId('audit-ledger').selectOption('window_case');
    await expect.poll(() => entries.locator('tbody tr').count()).toBe(2);
    const [removal, insert] = [entries.locator('tbody tr').nth(0), entries.locator('tbody tr').nth(1)];
    expect(await removal.getAttribute('data-action')).toBe('delete');
    const text = (await insert.textContent())!;
    // titles, names and local times, not keys, ids, JSON or ISO instants
    expect(text).toContain('新增行');
    expect(text).toContain('窗口办件台账');
    expect(text).toContain('办件编号：LOG-1');
    expect(text).toContain('受理时间：2023-03-01 09:00');
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await insert.locator('.audit-who').textContent()).toMatch(/clerk04$/);
    expect(await insert.locator('.audit-who').textContent()).not.toBe('clerk04');
    for (const raw of ['window_case', 'case_no', '{"', 'T01:00:00']) expect(text).not.toContain(raw);
    await page.screenshot({ path: screenshotPath('audit-log') });

    // 恢复 on the deletion's entry: the row is back, the toast and the entry say so
    await removal.getByTestId('audit-restore').click();
    await toastSays('success', '已恢复「窗口办件台账」中的一行：LOG-1 · 2023-03-01 09:00 · 社保');
    await expect.poll(() => entries.locator('tbody tr').count()).toBe(3);
    expect(await entries.locator('tbody tr').first().getAttribute('data-action')).toBe('restore');
    const restoredEntry = entries.locator('tbody tr[data-action="delete"]');
    expect(await restoredEntry.getByTestId('audit-restored').textContent()).toBe('已恢复');
    expect(await restoredEntry.getByTestId('audit-restore').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('audit-restored') });

    // and back in the grid, where the entry's link opens it
    await restoredEntry.getByTestId('audit-open-row').click();
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    await expect
      .poll(async () => (await page.locator('.ledger-grid .htCore tbody tr').allTextContents()).join('\n'), {
        timeout: 15_000,
      })
      .toContain('LOG-1');
    await page.screenshot({ path: screenshotPath('audit-restored-grid') });
  });

  it('shows the API’s reason when a restore is refused', async () => {
    const token = (await signIn('clerk04')).data!.signIn.token;
    const saved = await postGraphQL<{ saveRows: { results: { row: { id: string; version: number } }[] } }>(
      product.server.url,
      SAVE,
      {
        changes: [
          {
            op: 'INSERT',
            values: {
              case_no: 'LOG-2',
              accepted_at: '2023-03-02T09:00:00+08:00',
              service_item: '医保',
              applicant: '乙',
              status: '受理',
            },
          },
        ],
      },
      { token },
    );
    const row = saved.data!.saveRows.results[0].row;
    await postGraphQL(
      product.server.url,
      SAVE,
      { changes: [{ op: 'DELETE', id: row.id, version: row.version }] },
      { token },
    );
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-ledger').selectOption('window_case');
    const removal = page.locator(
      `[data-testid="audit-entries"] tbody tr[data-action="delete"][data-row-id="${row.id}"]`,
    );
    await removal.getByTestId('audit-restore').waitFor();
    // someone restores it first (the clerk, from the recycle bin): the page still offers 恢复
    const RESTORE = `mutation ($id: ID!, $unitId: ID) { restoreRow(ledger: "window_case", unitId: $unitId, id: $id) { id } }`;
    await postGraphQL(product.server.url, RESTORE, { id: row.id }, { token });
    // what the API says to the admin's own second try, as the page asks it
    const me = await postGraphQL<{ me: { unit: { id: string } } }>(
      product.server.url,
      '{ me { unit { id } } }',
      {},
      { token },
    );
    const again = await postGraphQL(
      product.server.url,
      RESTORE,
      { id: row.id, unitId: me.data!.me.unit.id },
      { token: await product.token('admin'), language: 'zh-CN' },
    );
    const reason = again.errors![0].message;
    await removal.getByTestId('audit-restore').click();
    await toastSays('error', `未能恢复 LOG-2 · 2023-03-02 09:00 · 医保：${reason}`);
    expect(await removal.getByTestId('audit-restore-refused').textContent()).toBe(reason);
  });
});
