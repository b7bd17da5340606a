import type { Locale } from '@taizhang/ledger-core';
import { fillMessage } from '../../i18n/fill';
import { en, zhCN } from '../../i18n/messages';

/** The words the grid's own editors show, in the interface language (they live outside React). */
export interface EditorWords {
  search: string;
  none: string;
  choicesHint: string;
  /** A reference cell's search box, its list while the server is asked, when nothing matched, its keys. */
  referenceSearch: string;
  referenceSearching: string;
  referenceNone: string;
  referenceHint: string;
  previousMonth: string;
  nextMonth: string;
  time: string;
  calendarHint: string;
  /** An attachment cell's count of files: 3 个文件, 3 files. */
  fileCount(n: number): string;
  /** Monday first: 一 … 日, Mo … Su. */
  weekdays: string[];
  /** A calendar page's title: 2026年12月, December 2026. */
  monthTitle(year: number, month: number): string;
}

export function editorWords(locale: Locale): EditorWords {
  const m = locale === 'en' ? en : zhCN;
  const intl = locale === 'en' ? 'en' : 'zh-CN';
  const weekday = new Intl.DateTimeFormat(intl, { weekday: locale === 'en' ? 'short' : 'narrow', timeZone: 'UTC' });
  const title = new Intl.DateTimeFormat(intl, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  return {
    search: m['grid.choices.search'],
    none: m['grid.choices.none'],
    choicesHint: m['grid.choices.hint'],
    referenceSearch: m['grid.reference.search'],
    referenceSearching: m['grid.reference.searching'],
    referenceNone: m['grid.reference.none'],
    referenceHint: m['grid.reference.hint'],
    previousMonth: m['grid.calendar.previous'],
    nextMonth: m['grid.calendar.next'],
    time: m['grid.calendar.time'],
    calendarHint: m['grid.calendar.hint'],
    fileCount: (n) => fillMessage(m['files.count'], { n }),
    // 2024-01-01 was a Monday
    weekdays: Array.from({ length: 7 }, (_, i) => weekday.format(Date.UTC(2024, 0, 1 + i)).slice(0, 2)),
    monthTitle: (year, month) => title.format(Date.UTC(year, month - 1, 1)),
  };
}
