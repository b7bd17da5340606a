import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * Webhooks (issue 23) on /admin/webhooks, in Chromium at 1440 px: the admin is told why a private
 * address and a bad filter are refused, creates a webhook for a receiver on 127.0.0.1 (allowed by
 * WEBHOOK_ALLOWED_HOSTS) and sees its secret once; a clerk's save of a very dissatisfied case
 * shows in the delivery log as delivered; 重新发送 sends it again; deleting asks first.
 */
let product: BrowserProduct;
const received: { id: string; event: string; signature: string }[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; event: string };
    received.push({ id: body.id, event: body.event, signature: String(req.headers['x-taizhang-signature']) });
    res.writeHead(200).end('收到');
  });
});
let receiverUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/taizhang`;
  product = await startBrowserProduct({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
});
afterAll(async () => {
  await product?.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('/admin/webhooks', () => {
  it('creates a webhook, shows its delivery, sends it again, and deletes it after asking', async () => {
    const page = await product.signedIn('admin');
    await page.getByTestId('nav-integration').click();
    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('webhooks-page').waitFor();
    expect(await page.getByRole('heading', { level: 2 }).textContent()).toBe('Webhook 推送');

    // a private address: refused, the reason under the field
    await page.getByTestId('webhook-url').fill('http://10.0.0.1/hook');
    await page.getByTestId('create-webhook').click();
    await page.getByTestId('problem-url').waitFor();
    expect(await page.getByTestId('problem-url').textContent()).toContain('内网地址');

    // a filter with a syntax error: refused naming the character
    await page.getByTestId('webhook-url').fill(receiverUrl);
    await page.getByTestId('event-reminder.issued').uncheck();
    await page.getByTestId('event-row.saved').check();
    await page.getByTestId('webhook-ledger').selectOption('window_case');
    await page.getByTestId('webhook-filter').fill('visit_result = ');
    await page.getByTestId('create-webhook').click();
    await page.getByTestId('problem-filter').waitFor();
    expect(await page.getByTestId('problem-filter').textContent()).toMatch(/筛选公式：第 \d+ 个字符处语法错误/);
    await page.screenshot({ path: screenshotPath('webhooks-refused') });

    await page.getByTestId('webhook-filter').fill('visit_result = "非常不满意"');
    await page.getByTestId('create-webhook').click();
    await page.getByTestId('webhook-secret').waitFor();
    expect(await page.getByTestId('secret-value').textContent()).toMatch(/^whsec_[0-9a-f]{64}$/);
    // the list is read again after the secret shows: wait for it
    await expect.poll(() => page.getByTestId('webhook').count()).toBe(1);
    expect(await page.getByTestId('webhook').textContent()).toContain('窗口办件台账');
    await page.screenshot({ path: screenshotPath('webhooks-created') });
    await page.getByTestId('secret-saved').click();
    await expect.poll(() => page.getByTestId('webhook-secret').count()).toBe(0);

    // a clerk saves a very dissatisfied case
    const clerk = await product.token('clerk03');
    const saved = await postGraphQL(
      product.server.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
      {
        changes: [
          {
            op: 'INSERT',
            values: {
              case_no: 'WEBHOOK-01',
              accepted_at: '2026-12-01T09:00:00+08:00',
              service_item: '营业执照变更',
              applicant: '李四',
              status: '办结',
              completed_at: '2026-12-01T10:00:00+08:00',
              visited_at: '2026-12-02T09:00:00+08:00',
              visit_method: '电话',
              visit_result: '非常不满意',
            },
          },
        ],
      },
      { token: clerk },
    );
    expect(saved.errors).toBeUndefined();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    expect(received[0].event).toBe('row.saved');
    expect(received[0].signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    await page.getByTestId('show-log').click();
    const delivery = page.getByTestId('delivery');
    await expect.poll(() => delivery.first().getAttribute('data-state'), { timeout: 15_000 }).toBe('DELIVERED');
    expect(await delivery.count()).toBe(1);
    expect(await delivery.textContent()).toContain('已送达');
    expect(await delivery.textContent()).toContain('HTTP 200');
    expect(await delivery.textContent()).toContain('收到');
    await page.screenshot({ path: screenshotPath('webhooks-log') });

    await delivery.getByTestId('resend').click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    expect(received[1].id).toBe(received[0].id);
    await expect.poll(() => delivery.first().getAttribute('data-state'), { timeout: 15_000 }).toBe('DELIVERED');

    await page.getByTestId('delete-webhook').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(receiverUrl);
    await page.screenshot({ path: screenshotPath('webhooks-delete') });
    await dialog.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('webhook').count()).toBe(0);
    expect(await page.getByTestId('delivery-log').count()).toBe(0);
  });
});
