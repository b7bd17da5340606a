import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { DEFAULT_LOCALE, ROLE_LABELS, UNIT_KIND_LABELS, isUnitKind, type Locale, type Role } from '@taizhang/domain';
import { fillMessage } from './fill';
import { en, zhCN, type MessageKey } from './messages';
import { PUNCTUATION, type Punctuation } from './punctuation';

const STORAGE_KEY = 'taizhang.locale';
const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/** The chosen language, remembered in this browser; Chinese unless English was chosen. */
export function storedLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey): string;
  /** A message with its values filled in, `{n|one|other}` picking the form for the count: tf('grid.errors', { n: 1 }) → "1 error". */
  tf(key: MessageKey, values: Record<string, string | number>): string;
  /** The marks between pieces of text in this language (punctuation.ts). */
  p: Punctuation;
  roleLabel(role: Role): string;
  unitKindLabel(kind: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, onChange }: { children: ReactNode; onChange?: (locale: Locale) => void }) {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);
  const setLocale = useCallback(
    (next: Locale) => {
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // private mode: the choice lasts for this page only
      }
      document.documentElement.lang = next;
      setLocaleState(next);
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key) => DICTIONARIES[locale][key],
      tf: (key, values) => fillMessage(DICTIONARIES[locale][key], values),
      p: PUNCTUATION[locale],
      roleLabel: (role) => ROLE_LABELS[role][locale],
      unitKindLabel: (kind) => (isUnitKind(kind) ? UNIT_KIND_LABELS[kind][locale] : kind),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
