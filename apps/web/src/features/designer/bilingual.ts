import type { Text } from '@taizhang/ledger-core';

/** A definition's text (a title, help, a message) in one language, as a form's box holds it. */
export function textIn(text: Text | undefined, language: 'zh' | 'en'): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return language === 'zh' ? text : '';
  return text[language] ?? '';
}

/** The boxes' Chinese and English back as a definition's text: Chinese alone unless English is given. */
export const bilingual = (zh: string, en: string): Text => (en.trim() ? { zh, en: en.trim() } : zh);
