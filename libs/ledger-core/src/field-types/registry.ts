import type { FieldType } from '../definition/types';
import { booleanFieldType } from './boolean.field-type';
import { choiceFieldType } from './choice.field-type';
import { dateFieldType } from './date.field-type';
import { datetimeFieldType } from './datetime.field-type';
import { decimalFieldType } from './decimal.field-type';
import type { FieldTypeSpec } from './field-type';
import { integerFieldType } from './integer.field-type';
import { longtextFieldType } from './longtext.field-type';
import { multichoiceFieldType } from './multichoice.field-type';
import { percentFieldType } from './percent.field-type';
import { phoneFieldType } from './phone.field-type';
import { referenceFieldType } from './reference.field-type';
import { textFieldType } from './text.field-type';
import { timeFieldType } from './time.field-type';

/** Every field type, by name. A Record over FieldType: a type without a spec does not compile. */
export const FIELD_TYPE_REGISTRY: Record<FieldType, FieldTypeSpec> = {
  text: textFieldType,
  longtext: longtextFieldType,
  integer: integerFieldType,
  decimal: decimalFieldType,
  percent: percentFieldType,
  date: dateFieldType,
  datetime: datetimeFieldType,
  time: timeFieldType,
  choice: choiceFieldType,
  multichoice: multichoiceFieldType,
  boolean: booleanFieldType,
  phone: phoneFieldType,
  reference: referenceFieldType,
};

export function fieldTypeOf(type: FieldType): FieldTypeSpec {
  return FIELD_TYPE_REGISTRY[type];
}

export const NUMERIC_TYPES: readonly FieldType[] = ['integer', 'decimal', 'percent'];
export const TEMPORAL_TYPES: readonly FieldType[] = ['date', 'datetime'];
