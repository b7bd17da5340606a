import type { FieldOf, FieldTypeSpec, Outcome } from './field-type';
import {
  groupDigits,
  ALL_FILTERS,
  fail,
  NUMERIC_BOUND_OPTIONS,
  numberCells,
  numericBoundChecks,
  numericBoundDefinitionProblems,
  numericBoundProblems,
  ok,
  plainCellText,
  plainNumber,
  plainTextSql,
  SUMMABLE,
  type NumericBounds,
} from './field-type-kit';

/**
 * An amount of yuan, exact to the fen: stored as `numeric` with at most two decimals, carried in
 * JSON as a decimal string ("1234.50", never a binary fraction), shown "¥1,234.50", summed in
 * PostgreSQL's exact arithmetic, a currency cell in Excel.
 */
export type MoneyField = FieldOf<'money', NumericBounds>;

/** 13 digits of yuan: up to ten trillion, within a double's exact integers in fen. */
const MAX_YUAN_DIGITS = 13;

/** A decimal text → "yuan.fen" exactly, or a reason. */
function exactAmount(text: string): Outcome {
  const match = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return fail(`「${text}」不是金额`, `"${text}" is not an amount of money`);
  const [, sign, whole, fraction = ''] = match;
  const fen = fraction.replace(/0+$/, '');
  if (fen.length > 2) return fail('金额最多到分（2 位小数）', 'An amount has at most 2 decimals (fen)');
  const yuan = whole.replace(/^0+(?=\d)/, '');
  if (yuan.length > MAX_YUAN_DIGITS) return fail('金额过大', 'The amount is too large');
  const amount = `${yuan}.${fen.padEnd(2, '0')}`;
  return ok(sign === '-' && amount !== '0.00' ? `-${amount}` : amount);
}

function normalizeMoney(input: unknown): Outcome {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail('应为金额', 'Must be an amount of money');
    // the shortest text that reads back as this double: 0.1 + 0.2 is 0.3 here, 1e-7 is refused
    const text = String(Number(input.toPrecision(15)));
    return /e/i.test(text)
      ? fail('金额最多到分（2 位小数）', 'An amount has at most 2 decimals (fen)')
      : exactAmount(text);
  }
  if (typeof input !== 'string')
    return fail('应为金额（数字或 "1234.50"）', 'Must be an amount ("1234.50" or a number)');
  return input.trim() === '' ? ok(null) : exactAmount(input.trim());
}

/** "1234.50" → "¥1,234.50". */
function formatMoney(value: unknown): string {
  if (value === null) return '';
  const text = String(value);
  const negative = text.startsWith('-');
  const [yuan, fen = '00'] = (negative ? text.slice(1) : text).split('.');
  return `${negative ? '-' : ''}¥${groupDigits(yuan)}.${fen.padEnd(2, '0')}`;
}

export const moneyFieldType: FieldTypeSpec<MoneyField> = {
  type: 'money',
  title: { zh: '金额', en: 'Money' },
  describe: { zh: '人民币金额，精确到分，"1234.50"', en: 'yuan, exact to the fen, as a decimal string "1234.50"' },
  options: {
    min: { ...NUMERIC_BOUND_OPTIONS.min, label: { zh: '最小金额（元）', en: 'Least amount (yuan)' } },
    max: { ...NUMERIC_BOUND_OPTIONS.max, label: { zh: '最大金额（元）', en: 'Largest amount (yuan)' } },
  },
  sqlType: 'numeric',
  valueKind: 'number',
  filters: ALL_FILTERS,
  statistics: SUMMABLE,
  canBeUnique: true,
  checkDefinition: numericBoundDefinitionProblems,
  normalize: normalizeMoney,
  parse: (text) => {
    // "¥1,234.50", "1234.5元", "RMB 12", "-￥3"
    const bare = text.replace(/[¥￥元]|RMB|CNY/gi, '');
    if (bare.trim() === '')
      return text.trim() === ''
        ? ok(null)
        : fail(`「${text.trim()}」不是金额`, `"${text.trim()}" is not an amount of money`);
    const number = plainNumber(bare);
    return number === null
      ? fail(`「${text.trim()}」不是金额`, `"${text.trim()}" is not an amount of money`)
      : exactAmount(number.replace(/^\+/, ''));
  },
  validate: (value, field) => numericBoundProblems(Number(value), field, (n) => formatMoney(n.toFixed(2))),
  format: formatMoney,
  checks: (field, column) => [`${column} = round(${column}, 2)`, ...numericBoundChecks(field, column)],
  convertSql: (column, from) => {
    const amount =
      from.valueKind === 'number'
        ? `${column}::numeric`
        : `taizhang_try_numeric(regexp_replace(${from.textSql(column)}, '[¥￥元,，[:space:]]', '', 'g'))`;
    return `(SELECT CASE WHEN a = round(a, 2) AND abs(a) < 1e13 THEN a END FROM (SELECT ${amount} AS a) AS m)`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => {
    if (raw === null || raw === undefined) return null;
    const outcome = exactAmount(String(raw));
    return outcome.ok ? outcome.value : null;
  },
  grid: (field) => ({ editor: 'numeric', decimals: 2, align: 'right', width: field.width ?? 120 }),
  form: () => ({ input: 'line', keyboard: 'decimal', suffix: '元' }),
  spreadsheet: () => numberCells('"¥"#,##0.00'),
  cellText: plainCellText,
  fake: (_field, i) => (((i * 123_457) % 10_000_000) / 100).toFixed(2),
};
