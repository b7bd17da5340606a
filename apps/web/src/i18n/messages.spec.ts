import { describe, expect, it } from 'vitest';
import { fillMessage } from './fill';
import { en, zhCN } from './messages';

/** Names that stay in Chinese in the English interface: the language switch offers 中文 by its own name. */
const PROPER_NAMES: Partial<Record<keyof typeof en, string[]>> = { 'shell.language': ['中文'] };

describe('the English messages', () => {
  it('have no Chinese characters and no full-width punctuation (only proper names allowed)', () => {
    const cjk = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
    const offenders = Object.entries(en)
      .map(([key, text]) => {
        let rest = text;
        for (const name of PROPER_NAMES[key as keyof typeof en] ?? []) rest = rest.replaceAll(name, '');
        return cjk.test(rest) ? `${key}: ${text}` : null;
      })
      .filter(Boolean);
    expect(offenders).toEqual([]);
  });

  it('say a count in the right number wherever a count comes before a noun', () => {
    // "{n} rows", "{valid} rows": a count placed before a plural noun with no {n|row|rows} choice
    const offenders = Object.entries(en)
      // form.stars is itself the plural of form.star (a rating is 1 to 5 stars)
      .filter(([key, text]) => key !== 'form.stars' && /\{(n|valid|rejected|saved)\}\s+[a-z]+s\b/.test(text))
      .map(([key, text]) => `${key}: ${text}`);
    expect(offenders).toEqual([]);
  });

  it('have every key the Chinese ones have, and their placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    const names = (text: string) => [...new Set([...text.matchAll(/\{(\w+)[|}]/g)].map((m) => m[1]))].sort();
    const differing = Object.keys(zhCN)
      .filter((key) => names(zhCN[key as keyof typeof zhCN]).join() !== names(en[key as keyof typeof en]).join())
      .map((key) => `${key}: ${zhCN[key as keyof typeof zhCN]} / ${en[key as keyof typeof en]}`);
    expect(differing).toEqual([]);
  });
});

describe('fillMessage', () => {
  it('fills values and picks the English form for the count', () => {
    expect(fillMessage(en['grid.errors'], { n: 1 })).toBe('1 error');
    expect(fillMessage(en['grid.errors'], { n: 2 })).toBe('2 errors');
    expect(fillMessage(en['grid.errors'], { n: 0 })).toBe('0 errors');
    expect(fillMessage(en['excel.previewSummary'], { valid: 1, rejected: 3 })).toBe(
      '1 row can be imported, 3 have errors (nothing saved yet)',
    );
    expect(fillMessage(zhCN['grid.errors'], { n: 1 })).toBe('有 1 处错误');
    expect(fillMessage('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });
});
