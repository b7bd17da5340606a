import type { Text } from './types';

export type Locale = 'zh-CN' | 'en';

/** A definition's text in the given language; English falls back to the Chinese. */
export function textOf(text: Text | undefined, locale: Locale = 'zh-CN'): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return locale === 'en' && text.en ? text.en : text.zh;
}
