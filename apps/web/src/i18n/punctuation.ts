import type { Locale } from '@taizhang/domain';

/**
 * The marks between the interface's pieces (a title and its value, a name and its note, a list):
 * Chinese text takes full-width punctuation, English its own — 亢村镇（草稿） but Kangcun (Draft).
 * Code that joins pieces takes them from here, never writes a mark of its own
 * (punctuation.spec.ts checks the web app's code for full-width marks).
 */
export interface Punctuation {
  /** Before a note in brackets, and after it: 草稿 →（草稿） / " (Draft)". */
  open: string;
  close: string;
  /** Between a title and what it says: 当日办件量：10 / "Cases: 10". */
  colon: string;
  comma: string;
  /** Between the items of a list: 窗口、网上 / "window, online". */
  list: string;
  /** Between whole statements, e.g. several reasons. */
  semi: string;
}

export const PUNCTUATION: Record<Locale, Punctuation> = {
  'zh-CN': { open: '（', close: '）', colon: '：', comma: '，', list: '、', semi: '；' },
  en: { open: ' (', close: ')', colon: ': ', comma: ', ', list: ', ', semi: '; ' },
};

/** A note in brackets after what it is about: 草稿 → （草稿）, " (Draft)". */
export const bracketed = (p: Punctuation, note: string): string => `${p.open}${note}${p.close}`;
