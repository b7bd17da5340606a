import type { LocalizedText } from '@taizhang/domain';

/**
 * The address phones reach the product at, used in the public survey's QR codes: an http(s) origin,
 * optionally with a path prefix (a reverse proxy's), no query, no fragment, no user info; kept
 * without a trailing slash. Returns the normalised URL or why it is refused.
 */
export function parsePublicBaseUrl(raw: string): { url: string } | { problem: LocalizedText } {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      problem: {
        'zh-CN': '不是有效的网址，应形如 https://tz.example.gov.cn',
        en: 'Not a valid URL; expected like https://tz.example.gov.cn',
      },
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return {
      problem: { 'zh-CN': '网址须以 http:// 或 https:// 开头', en: 'The URL must start with http:// or https://' },
    };
  if (url.username || url.password)
    return { problem: { 'zh-CN': '网址中不能包含用户名或密码', en: 'The URL must not hold a user name or password' } };
  if (url.search || url.hash || text.includes('?') || text.includes('#'))
    return { problem: { 'zh-CN': '网址不能带 ? 或 # 之后的部分', en: 'The URL must not have a ?query or #fragment' } };
  if (text.length > 300)
    return { problem: { 'zh-CN': '网址过长（最多 300 个字符）', en: 'The URL is too long (300 characters at most)' } };
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
