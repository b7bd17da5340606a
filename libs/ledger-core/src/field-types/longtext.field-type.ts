import type { FieldTypeSpec } from './field-type';
import {
  hasUnstorableCharacter,
  lengthChecks,
  lengthProblems,
  ok,
  unstorableText,
  unusedPropertyProblems,
} from './field-type-kit';
import { textFieldType } from './text.field-type';

const DEFAULT_MAX = 5000;

/** Text over several lines: like text, with a larger limit and no pattern. */
export const longtextFieldType: FieldTypeSpec = {
  ...textFieldType,
  type: 'longtext',
  checkDefinition: (field) => unusedPropertyProblems(field, ['minLength', 'maxLength']),
  parse: (text) => {
    if (hasUnstorableCharacter(text)) return unstorableText();
    return ok(text.trim() === '' ? null : text.replace(/\r\n/g, '\n').trim());
  },
  validate: (value, field) => lengthProblems(String(value), field, DEFAULT_MAX),
  checks: (field, column) => lengthChecks(field, column, DEFAULT_MAX),
  grid: (field) => ({ editor: 'longtext', align: 'left', width: field.width ?? 240 }),
  fake: (field, i) => `${field.key} 第 ${i + 1} 条说明`,
};
