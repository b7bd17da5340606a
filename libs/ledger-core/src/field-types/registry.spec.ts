import { describe, expect, it } from 'vitest';
import { FIELD_TYPE_REGISTRY, FIELD_TYPES, fieldTypeOf, type FieldDefinition } from './registry';

/** A plausible field of each type, with what the type needs to make sense. */
function sampleField(type: (typeof FIELD_TYPES)[number]): FieldDefinition {
  // built loosely, as a definition file is: each type reads only its own options
  const field: Record<string, unknown> = { key: `f_${type}`, title: type, type };
  if (type === 'choice' || type === 'multichoice') {
    field.options = [
      { value: 'A', label: '非常满意' },
      { value: 'B', label: '比较满意' },
      { value: 'C', label: '一般' },
    ];
  }
  if (type === 'reference') field.ledger = 'window_case';
  return field as unknown as FieldDefinition;
}

describe('the field-type registry', () => {
  it('has a spec for every type the language names, under its own name', () => {
    expect(Object.keys(FIELD_TYPE_REGISTRY).sort()).toEqual([...FIELD_TYPES].sort());
    for (const type of FIELD_TYPES) expect(fieldTypeOf(type).type).toBe(type);
  });

  describe.each(FIELD_TYPES)('%s', (type) => {
    const spec = fieldTypeOf(type);
    const field = sampleField(type);

    it('accepts its sample definition and has a column and a grid column', () => {
      expect(spec.checkDefinition(field)).toEqual([]);
      expect(spec.sqlType).toMatch(/^[a-z[\]]+$/);
      expect(spec.grid(field, 'zh-CN').width).toBeGreaterThan(0);
    });

    it('round-trips fake values: normalize → validate → format → parse gives the value back', () => {
      for (let i = 0; i < 20; i += 1) {
        const value = spec.fake(field, i);
        const normalized = spec.normalize(value, field);
        expect(normalized, `normalize ${JSON.stringify(value)}`).toEqual({ ok: true, value });
        expect(spec.validate(value, field), `validate ${JSON.stringify(value)}`).toEqual([]);
        const text = spec.format(value, field, 'zh-CN');
        expect(spec.parse(text, field), `parse "${text}"`).toEqual({ ok: true, value });
      }
    });

    it('reads an empty cell as no value', () => {
      expect(spec.parse('  ', field)).toEqual({ ok: true, value: null });
    });

    it('refuses a value of the wrong JSON type with a message in both languages', () => {
      const wrong = type === 'multichoice' ? 'A' : type === 'boolean' ? 'yes' : { nested: true };
      const outcome = spec.normalize(wrong, field);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.problem['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
        expect(outcome.problem.en).toMatch(/[a-z]/);
      }
    });

    it.each(FIELD_TYPES)('converts a column from %s', (from) => {
      const sql = spec.convertSql('"old"', fieldTypeOf(from), field);
      expect(sql).toContain('"old"');
    });
  });
});

describe('lenient parsing of what people paste', () => {
  const field = (type: (typeof FIELD_TYPES)[number], extra: Record<string, unknown> = {}) =>
    ({ ...sampleField(type), ...extra }) as FieldDefinition;
  it.each<[(typeof FIELD_TYPES)[number], string, unknown]>([
    ['integer', '1,200', 1200],
    ['integer', ' 12 ', 12],
    ['integer', '１２', 12],
    ['decimal', '3.50', 3.5],
    ['percent', '50%', 0.5],
    ['percent', '0.5', 0.5],
    ['date', '2023/3/1', '2023-03-01'],
    ['date', '2023-03-01', '2023-03-01'],
    ['date', '2023年3月1日', '2023-03-01'],
    ['datetime', '2023/3/1 9:30', '2023-03-01T09:30:00+08:00'],
    ['datetime', '2023-03-01T01:30:00Z', '2023-03-01T09:30:00+08:00'],
    ['time', '9:05', '09:05'],
    ['choice', '非常满意', 'A'],
    ['choice', 'B', 'B'],
    ['multichoice', 'A、C', ['A', 'C']],
    ['multichoice', 'AC', ['A', 'C']],
    ['boolean', '是', true],
    ['boolean', '否', false],
    ['phone', '138 0000 1111', '13800001111'],
  ])('reads %s "%s" as %j', (type, text, expected) => {
    expect(fieldTypeOf(type).parse(text, field(type))).toEqual({ ok: true, value: expected });
  });

  it.each<[(typeof FIELD_TYPES)[number], string]>([
    ['integer', '1.5'],
    ['integer', 'twelve'],
    ['date', '2023-02-30'],
    ['time', '24:00'],
    ['choice', '很好'],
    ['boolean', '也许'],
  ])('refuses %s "%s"', (type, text) => {
    expect(fieldTypeOf(type).parse(text, field(type)).ok).toBe(false);
  });

  it('shows a percentage to its scale, 2 decimals unless the field says', () => {
    expect(fieldTypeOf('percent').format(11 / 12, field('percent'), 'zh-CN')).toBe('91.67%');
    expect(fieldTypeOf('percent').format(0.8, field('percent'), 'zh-CN')).toBe('80%');
    expect(fieldTypeOf('percent').format(11 / 12, field('percent', { scale: 0 }), 'zh-CN')).toBe('92%');
  });

  it('checks limits in the field: bounds, decimals, length, pattern, phone', () => {
    const messages = (type: (typeof FIELD_TYPES)[number], value: unknown, extra: Record<string, unknown>) =>
      fieldTypeOf(type)
        .validate(value as never, field(type, extra))
        .map((m) => m.en);
    expect(messages('integer', 5, { min: 10 })).toEqual(['Must be at least 10']);
    expect(messages('decimal', 1.234, { scale: 2 })).toEqual(['At most 2 decimal places']);
    expect(messages('percent', 1.2, { max: 1 })).toEqual(['Must be at most 100%']);
    expect(messages('text', '台账通台账通', { maxLength: 5 })).toEqual(['At most 5 characters (has 6)']);
    expect(messages('text', 'AB-12', { pattern: '[A-Z]{2}-\\d{3}' })).toEqual(['Wrong format']);
    expect(messages('phone', '12345678901', {})).toEqual(['Not a valid phone number']);
    expect(messages('date', '2022-12-31', { min: '2023-01-01' })).toEqual(['Must not be before 2023-01-01']);
  });
});
