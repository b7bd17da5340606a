import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from './registry';
import { hasUnstorableCharacter } from './field-type-kit';
import { FIELD_TYPE_REGISTRY, specOf } from './registry';

const textField: FieldDefinition = { key: 'remark', title: '备注', type: 'text' };
const longtextField: FieldDefinition = { key: 'note', title: '说明', type: 'longtext' };

describe('text PostgreSQL cannot store', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a high surrogate at the end', 'abc\ud83d'],
    ['two high surrogates', '\ud83d\ud83d\ude00'],
  ])('is refused with a message in both languages when it holds %s', (_name, text) => {
    expect(hasUnstorableCharacter(text)).toBe(true);
    for (const field of [textField, longtextField]) {
      const spec = specOf(field);
      for (const outcome of [spec.normalize(text, field), spec.parse(text, field)]) {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expect(outcome.problem['zh-CN']).toMatch(/无法保存的字符/);
          expect(outcome.problem.en).toMatch(/cannot be stored/);
        }
      }
    }
  });

  it('lets through whole surrogate pairs, Chinese, tabs and line breaks', () => {
    for (const text of ['😀 办件', '第一行\n第二行', 'a\tb', '𠮷野家']) {
      expect(hasUnstorableCharacter(text)).toBe(false);
      expect(FIELD_TYPE_REGISTRY.text.normalize(text, textField)).toEqual({ ok: true, value: text });
      expect(FIELD_TYPE_REGISTRY.longtext.parse(text, longtextField)).toEqual({ ok: true, value: text });
    }
  });
});

describe('a datetime offset out of range', () => {
  const field: FieldDefinition = { key: 'accepted_at', title: '受理时间', type: 'datetime' };
  const spec = FIELD_TYPE_REGISTRY.datetime;

  it.each([
    '2023-03-01T10:00:00+99:99',
    '2023-03-01T10:00:00+24:00',
    '2023-03-01T10:00:00-08:60',
    '2023-03-01 10:00+2400',
  ])('is refused: %s', (text) => {
    expect(spec.normalize(text, field).ok).toBe(false);
    expect(spec.parse(text, field).ok).toBe(false);
  });

  it('is read when it is a real offset', () => {
    expect(spec.normalize('2023-03-01T10:00:00+23:59', field)).toEqual({
      ok: true,
      value: '2023-02-28T18:01:00+08:00',
    });
    expect(spec.normalize('2023-03-01T10:00:00-05:30', field)).toEqual({
      ok: true,
      value: '2023-03-01T23:30:00+08:00',
    });
  });
});
