import type { FieldTypeSpec } from './field-type';
import { fail, numericBoundProblems, ok, plainNumber } from './field-type-kit';
import { decimalFieldType, normalizeNumber } from './decimal.field-type';

const show = (fraction: number) => `${Number((fraction * 100).toPrecision(12))}%`;

/** A share, stored as a fraction (0.5 = 50%); typed as "50%" or "0.5". */
export const percentFieldType: FieldTypeSpec = {
  ...decimalFieldType,
  type: 'percent',
  parse: (text) => {
    const trimmed = text.trim();
    if (trimmed === '') return ok(null);
    const isPercent = /[%％]$/.test(trimmed);
    const number = plainNumber(isPercent ? trimmed.slice(0, -1) : trimmed);
    if (number === null) return fail(`「${trimmed}」不是百分数`, `"${trimmed}" is not a percentage`);
    return normalizeNumber(isPercent ? Number(number) / 100 : Number(number));
  },
  validate: (value, field) => numericBoundProblems(Number(value), field, show),
  // shown to the percentage's `scale` decimals (2 unless the definition says), as the grid's column
  format: (value, field) => (value === null ? '' : `${Number((Number(value) * 100).toFixed(field.scale ?? 2))}%`),
  grid: (field) => ({ editor: 'percent', decimals: field.scale ?? 2, align: 'right', width: field.width ?? 100 }),
  fake: (_field, i) => ((i * 37) % 101) / 100,
};
