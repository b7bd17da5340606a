import { describe, expect, it } from 'vitest';
import { blockedAddress, checkWebhookUrl } from './url-policy';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('the webhook URL policy', () => {
  it('names the kind of address it refuses', () => {
    expect(blockedAddress('127.0.0.1')?.en).toBe('a loopback address');
    expect(blockedAddress('::1')?.en).toBe('a loopback address');
    expect(blockedAddress('::ffff:10.1.2.3')?.en).toBe('a private address');
    expect(blockedAddress('172.31.255.255')?.en).toBe('a private address');
    expect(blockedAddress('100.100.1.1')?.en).toBe('a carrier-grade NAT address');
    expect(blockedAddress('169.254.169.254')?.en).toBe('a cloud metadata address');
    expect(blockedAddress('169.254.1.1')?.en).toBe('a link-local address');
    expect(blockedAddress('fe80::1')?.en).toBe('a link-local address');
    expect(blockedAddress('fd12::1')?.en).toBe('a private address');
    expect(blockedAddress('8.8.8.8')).toBeNull();
    expect(blockedAddress('2400:3200::1')).toBeNull();
    expect(blockedAddress('172.32.0.1')).toBeNull();
  });

  it('refuses other schemes, credentials and the API itself; the allow-list lets a host through', async () => {
    const policy = { allowedHosts: [], ownOrigins: ['http://127.0.0.1:3000'] };
    expect((await checkWebhookUrl('gopher://8.8.8.8/', policy))?.en).toMatch(/Only http and https/);
    expect((await checkWebhookUrl('http://u:p@8.8.8.8/', policy))?.en).toMatch(/user name or password/);
    expect(await checkWebhookUrl('http://8.8.8.8/hook', policy)).toBeNull();
    expect((await checkWebhookUrl('http://127.0.0.1:4000/hook', policy))?.en).toMatch(/loopback/);
    const allowed = { allowedHosts: ['127.0.0.1'], ownOrigins: ['http://127.0.0.1:3000'] };
    expect(await checkWebhookUrl('http://127.0.0.1:4000/hook', allowed)).toBeNull();
    expect((await checkWebhookUrl('http://127.0.0.1:3000/graphql', allowed))?.en).toMatch(/this system itself/);
    const everywhere = { allowedHosts: ['127.0.0.1'], ownOrigins: ['http://0.0.0.0:3000'] };
    expect((await checkWebhookUrl('http://127.0.0.1:3000/graphql', everywhere))?.en).toMatch(/this system itself/);
  });
});

describe('the signature', () => {
  it('is HMAC-SHA256 of "<t>.<body>", verified within the tolerance only', () => {
    const at = new Date('2026-12-07T00:00:00Z');
    const header = signatureHeader('whsec_test', '{"a":1}', at);
    expect(header).toMatch(/^t=1796601600,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_test', '{"a":1}', header, at)).toBe(true);
    expect(verifySignature('whsec_test', '{"a":2}', header, at)).toBe(false);
    expect(verifySignature('whsec_other', '{"a":1}', header, at)).toBe(false);
    expect(verifySignature('whsec_test', '{"a":1}', header, new Date(at.getTime() + 301_000))).toBe(false);
  });
});
