import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { LocalizedText } from '@taizhang/domain';

/** Where a webhook may not point unless the operator allows the host (WEBHOOK_ALLOWED_HOSTS). */
const RANGES: { v: 'ipv4' | 'ipv6'; net: string; prefix: number; why: LocalizedText }[] = [];
const add = (v: 'ipv4' | 'ipv6', net: string, prefix: number, zh: string, en: string) =>
  RANGES.push({ v, net, prefix, why: { 'zh-CN': zh, en } });
add('ipv4', '169.254.169.254', 32, '云平台元数据地址', 'a cloud metadata address');
add('ipv4', '127.0.0.0', 8, '本机回环地址', 'a loopback address');
add('ipv4', '0.0.0.0', 8, '本机地址', "this host's address");
add('ipv4', '10.0.0.0', 8, '内网地址', 'a private address');
add('ipv4', '172.16.0.0', 12, '内网地址', 'a private address');
add('ipv4', '192.168.0.0', 16, '内网地址', 'a private address');
add('ipv4', '100.64.0.0', 10, '运营商级内网地址（CGNAT）', 'a carrier-grade NAT address');
add('ipv4', '169.254.0.0', 16, '链路本地地址', 'a link-local address');
add('ipv4', '192.0.0.0', 24, '保留地址', 'a reserved address');
add('ipv4', '198.18.0.0', 15, '保留地址', 'a reserved address');
add('ipv4', '224.0.0.0', 4, '组播或保留地址', 'a multicast or reserved address');
add('ipv4', '240.0.0.0', 4, '组播或保留地址', 'a multicast or reserved address');
add('ipv6', 'fd00:ec2::254', 128, '云平台元数据地址', 'a cloud metadata address');
add('ipv6', '::1', 128, '本机回环地址', 'a loopback address');
add('ipv6', '::', 128, '本机地址', "this host's address");
add('ipv6', 'fc00::', 7, '内网地址', 'a private address');
add('ipv6', 'fe80::', 10, '链路本地地址', 'a link-local address');
add('ipv6', 'ff00::', 8, '组播地址', 'a multicast address');

const LISTS = RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.net, r.prefix, r.v);
  return { list, r };
});

/** Why an address may not be called (first matching range), or null. IPv4 mapped into IPv6 counts as IPv4. */
export function blockedAddress(address: string): LocalizedText | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  const v = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  for (const { list, r } of LISTS) if (r.v === v && list.check(ip, v)) return r.why;
  return null;
}

export interface UrlPolicy {
  /** Host names (or addresses) the operator allows though they are private or loopback. */
  allowedHosts: string[];
  /** The API's own origins (its public address, where it listens): never called back. */
  ownOrigins: string[];
}

const refuse = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/** The host's addresses, checked: the first refusal, or the addresses (the allow-list passes any). */
export async function resolveAllowed(
  host: string,
  policy: Pick<UrlPolicy, 'allowedHosts'>,
): Promise<{ addresses: { address: string; family: number }[] } | { refused: LocalizedText }> {
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      return { refused: refuse(`无法解析主机名 ${host}`, `The host name ${host} cannot be resolved`) };
    }
  }
  if (policy.allowedHosts.includes(host)) return { addresses };
  for (const { address } of addresses) {
    const why = blockedAddress(address);
    if (why)
      return {
        refused: refuse(
          `地址 ${host} 指向${why['zh-CN']}（${address}），不允许；如确需使用，请由运维将该主机加入 WEBHOOK_ALLOWED_HOSTS`,
          `${host} points to ${why.en} (${address}), which is not allowed; an operator may list the host in WEBHOOK_ALLOWED_HOSTS`,
        ),
      };
  }
  return { addresses };
}

/** Why a webhook URL is refused (scheme, the API itself, a private address…), or null. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<LocalizedText | null> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return refuse(
      '不是有效的网址（应以 http:// 或 https:// 开头）',
      'Not a valid URL (it should start with http:// or https://)',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return refuse(
      `只允许 http 或 https 地址，不允许 ${url.protocol}`,
      `Only http and https addresses are allowed, not ${url.protocol}`,
    );
  if (url.username || url.password)
    return refuse('网址中不能包含用户名或密码', 'The URL may not contain a user name or password');
  const host = hostOf(url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const resolved = await resolveAllowed(host, policy);
  if ('refused' in resolved) return resolved.refused;
  // the API's own routes: its public address, or where it listens (by name or by address)
  for (const origin of policy.ownOrigins) {
    const own = new URL(origin);
    const ownPort = own.port || (own.protocol === 'https:' ? '443' : '80');
    const ownHost = hostOf(own);
    const sameHost =
      ownHost === host ||
      resolved.addresses.some((a) => a.address === ownHost) ||
      (['0.0.0.0', '::'].includes(ownHost) &&
        resolved.addresses.some((a) => blockedAddress(a.address)?.en === 'a loopback address'));
    if (sameHost && ownPort === port)
      return refuse('不能指向本系统自身的地址', 'The URL may not point at this system itself');
  }
  return null;
}
