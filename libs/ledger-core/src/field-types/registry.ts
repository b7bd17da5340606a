import { attachmentFieldType } from './attachment.field-type';
import { booleanFieldType } from './boolean.field-type';
import { choiceFieldType } from './choice.field-type';
import { dateFieldType } from './date.field-type';
import { datetimeFieldType } from './datetime.field-type';
import { decimalFieldType } from './decimal.field-type';
import type { FieldBase, FieldTypeSpec } from './field-type';
import { idcardFieldType } from './idcard.field-type';
import { integerFieldType } from './integer.field-type';
import { longtextFieldType } from './longtext.field-type';
import { moneyFieldType } from './money.field-type';
import { multichoiceFieldType } from './multichoice.field-type';
import { percentFieldType } from './percent.field-type';
import { phoneFieldType } from './phone.field-type';
import { ratingFieldType } from './rating.field-type';
import { referenceFieldType } from './reference.field-type';
import { textFieldType } from './text.field-type';
import { timeFieldType } from './time.field-type';

/**
 * Every field type, by name: the one list of them. The language's type names (`FieldType`),
 * the field definition union (`FieldDefinition`), the meta-schema's type list and options, the
 * designer's type list and the docs' type table all come from here.
 */
export const FIELD_TYPE_REGISTRY = {
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
  money: moneyFieldType,
  idcard: idcardFieldType,
  rating: ratingFieldType,
  attachment: attachmentFieldType,
} satisfies { [T in string]: FieldTypeSpec<FieldBase & { type: T }> };

type Registry = typeof FIELD_TYPE_REGISTRY;

/** A field type's name. */
export type FieldType = keyof Registry;

/** A field as a definition gives it: one member per type, with that type's own options. */
export type FieldDefinition = {
  [T in FieldType]: Registry[T] extends FieldTypeSpec<infer F> ? F : never;
}[FieldType];

/** A field type's spec, as code that handles every type sees it. */
export type AnyFieldTypeSpec = FieldTypeSpec<FieldDefinition>;

/** Every type's name, in the registry's order (the designer's list, the meta-schema's enum). */
export const FIELD_TYPES = Object.keys(FIELD_TYPE_REGISTRY) as FieldType[];

export function isFieldType(name: unknown): name is FieldType {
  return typeof name === 'string' && Object.hasOwn(FIELD_TYPE_REGISTRY, name);
}

/** The spec of a field's type. */
export function specOf(field: { type: FieldType }): AnyFieldTypeSpec {
  return FIELD_TYPE_REGISTRY[field.type] as unknown as AnyFieldTypeSpec;
}

export function fieldTypeOf(type: FieldType): AnyFieldTypeSpec {
  return FIELD_TYPE_REGISTRY[type] as unknown as AnyFieldTypeSpec;
}

/** A saved row's id, as formulas over it read it (follow-ups name it `id`): a reference. */
export const ROW_ID_TYPE: FieldType = 'reference';

/** A number of rows (a counting roll-up holds one): a whole number. */
export const COUNT_TYPE: FieldType = 'integer';
