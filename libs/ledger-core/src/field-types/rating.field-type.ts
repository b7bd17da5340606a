import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec, Outcome } from './field-type';
import { ALL_FILTERS, fail, numberCells, ok, plainCellText, plainNumber, plainTextSql } from './field-type-kit';

/**
 * A rating of 1 to `max` stars (5 unless the definition says): a star input in the grid and the
 * forms, shown ★★★☆☆, averaged (a ratio of its sum to a count) and distributed in statistics.
 */
export type RatingField = FieldOf<'rating', { max?: number }>;

const DEFAULT_MAX = 5;
const maxOf = (field: RatingField) => field.max ?? DEFAULT_MAX;
const stars = (value: number, max: number) => `${'★'.repeat(value)}${'☆'.repeat(Math.max(0, max - value))}`;

function normalizeRating(input: unknown): Outcome {
  if (typeof input !== 'number' || !Number.isInteger(input))
    return fail('应为星级（整数）', 'Must be a number of stars');
  return ok(input);
}

export const ratingFieldType: FieldTypeSpec<RatingField> = {
  type: 'rating',
  title: { zh: '评分', en: 'Rating' },
  describe: { zh: '1 至 max 星的整数（默认 5 星）', en: 'a whole number of stars, 1 to max (5 unless set)' },
  options: {
    max: {
      schema: { type: 'integer', minimum: 2, maximum: 10 },
      label: { zh: '满分（星数）', en: 'Stars at most' },
      input: 'wholeNumber',
    },
  },
  sqlType: 'smallint',
  valueKind: 'number',
  filters: ALL_FILTERS,
  statistics: { summable: true, categorical: true, timeAxis: false },
  canBeUnique: false,
  checkDefinition: () => [],
  normalize: normalizeRating,
  parse: (text) => {
    const trimmed = text.trim();
    if (trimmed === '') return ok(null);
    // "★★★", "★★★☆☆", "3", "3星", "３ 星"
    if (/^[★☆]+$/.test(trimmed)) return ok([...trimmed].filter((c) => c === '★').length);
    const number = plainNumber(trimmed.replace(/\s*(星|stars?)$/i, ''));
    return number === null
      ? fail(`「${trimmed}」不是星级`, `"${trimmed}" is not a number of stars`)
      : normalizeRating(Number(number));
  },
  validate: (value, field) =>
    Number(value) >= 1 && Number(value) <= maxOf(field)
      ? []
      : [message(`星级应为 1 至 ${maxOf(field)}`, `A rating is 1 to ${maxOf(field)} stars`)],
  format: (value, field) => (value === null ? '' : stars(Number(value), maxOf(field))),
  choices: (field) =>
    Array.from({ length: maxOf(field) }, (_, i) => ({ value: String(i + 1), label: stars(i + 1, maxOf(field)) })),
  checks: (field, column) => [`${column} BETWEEN 1 AND ${maxOf(field)}`],
  convertSql: (column, from, field) => {
    const number = from.valueKind === 'number' ? `${column}::numeric` : `taizhang_try_numeric(${from.textSql(column)})`;
    return `(SELECT CASE WHEN r = trunc(r) AND r BETWEEN 1 AND ${maxOf(field)} THEN r::smallint END FROM (SELECT ${number} AS r) AS s)`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  // a list of ★☆☆☆☆ … ★★★★★ to pick from, fewest first: typing ★★ picks ★★☆☆☆ (the list takes the
  // first option holding what is typed); typing 3 works too
  grid: (field, locale) => ({
    editor: 'dropdown',
    options: ratingFieldType.choices!(field, locale).map((choice) => ({ value: choice.label, label: choice.label })),
    align: 'left',
    width: field.width ?? 110,
  }),
  form: (field) => ({ input: 'stars', max: maxOf(field) }),
  spreadsheet: () => numberCells('0'),
  cellText: plainCellText,
  fake: (field, i) => 1 + (i % maxOf(field)),
};
