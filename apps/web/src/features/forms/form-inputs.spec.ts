import { describe, expect, it } from 'vitest';
import {
  fieldTypeOf,
  FIELD_TYPES,
  modelOf,
  validateRow,
  type FieldDefinition,
  type FieldType,
  type FormInputSpec,
} from '@taizhang/ledger-core';
import { formFieldsOf, formInputs, inputOf, startingInputs } from './form-inputs';

const PERCENT_BOX: FormInputSpec = { input: 'line', keyboard: 'decimal', suffix: '%' };

describe('inputOf', () => {
  it('appends a box’s suffix to what was typed, unless the text ends with it already', () => {
    expect(inputOf(PERCENT_BOX, '50')).toBe('50%');
    expect(inputOf(PERCENT_BOX, ' 50 ')).toBe('50%');
    expect(inputOf(PERCENT_BOX, '50%')).toBe('50%');
    expect(inputOf(PERCENT_BOX, '50％')).toBe('50％');
    expect(inputOf({ input: 'line', keyboard: 'decimal', suffix: '元' }, '1,200元')).toBe('1,200元');
  });

  it('reads nothing typed or picked as no value', () => {
    expect(inputOf(PERCENT_BOX, '  ')).toBeNull();
    expect(inputOf({ input: 'pickMany', options: [] }, [])).toBeNull();
    expect(inputOf({ input: 'stars', max: 5 }, null)).toBeNull();
    expect(inputOf({ input: 'paragraph' }, undefined)).toBeNull();
  });

  it('passes values held as such through', () => {
    expect(inputOf({ input: 'yesNo', yes: '是', no: '否' }, false)).toBe(false);
    expect(inputOf({ input: 'stars', max: 5 }, 4)).toBe(4);
    expect(inputOf({ input: 'pickMany', options: [] }, ['B', 'A'])).toEqual(['B', 'A']);
  });
});

/** A field of each registered type, with what its type needs (options, a ledger) given by its option specs. */
function fieldOf(type: FieldType): FieldDefinition {
  const field: Record<string, unknown> = { key: `f_${type}`, title: `题目 ${type}`, type };
  for (const [name, option] of Object.entries(fieldTypeOf(type).options as Record<string, { input: string }>)) {
    if (option.input === 'choices')
      field[name] = [
        { value: 'A', label: '甲' },
        { value: 'B', label: '乙' },
        { value: 'C', label: '丙' },
      ];
    if (option.input === 'ledger') field[name] = 'other_ledger';
  }
  return field as unknown as FieldDefinition;
}

describe('a value held by a form', () => {
  const fields = FIELD_TYPES.map(fieldOf);
  const model = modelOf({ key: 'probe', title: '探针', fields } as Parameters<typeof modelOf>[0]);

  it.each(FIELD_TYPES.map((type, i) => [type, i] as const))(
    'reads back as the value it started from (%s)',
    (type, i) => {
      const field = fields[i];
      const value = fieldTypeOf(type).fake(field, 3);
      const formFields = formFieldsOf([field], 'zh-CN');
      const held = startingInputs(formFields, 'zh-CN', { [field.key]: value });
      const checked = validateRow(model, formInputs(formFields, held), { input: 'text' });
      expect(checked.errors).toEqual([]);
      const normalized = fieldTypeOf(type).normalize(value, field);
      expect(normalized.ok && checked.values[field.key]).toEqual(normalized.ok && normalized.value);
    },
  );
});
