import { message, type Message } from '../definition/message';
import type { FieldOf, FieldTypeSpec, Outcome } from './field-type';
import { NOT_IN_STATISTICS, ok, fail, plainCellText, plainTextSql, textCells } from './field-type-kit';
import { isValidDate } from './temporal';

/**
 * A 居民身份证号: 18 characters, 6 of region, 8 of birth date, 3 of sequence and the GB 11643
 * check character (ISO 7064 MOD 11-2). Leaders and exports see it masked (4107**********1234)
 * unless the definition says `showInFull`.
 */
export type IdcardField = FieldOf<'idcard', { showInFull?: boolean }>;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** The check character the first 17 digits call for. */
export function idcardCheckCharacter(first17: string): string {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return CHECK_CHARACTERS[sum % 11];
}

/** Spaces out, full-width digits and x made plain: what people type or paste. */
function clean(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\s-]/g, '')
    .replace(/[xｘＸ]/g, 'X');
}

function problemsOf(id: string, today: string): Message[] {
  if (id.length !== 18)
    return [
      message(`身份证号应为 18 位（现有 ${id.length} 位）`, `An identity number has 18 characters (has ${id.length})`),
    ];
  if (!/^\d{17}[\dX]$/.test(id))
    return [message('身份证号只能是数字，最后一位可为 X', 'An identity number is digits, the last may be X')];
  if (!/^[1-9]\d{5}/.test(id)) return [message('身份证号的地区码不正确', 'The region code is not valid')];
  const [year, month, day] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birth = id.slice(6, 14);
  if (!isValidDate(year, month, day) || birth > today.replace(/-/g, ''))
    return [
      message(`身份证号中的出生日期「${birth}」不是有效日期`, `The birth date "${birth}" in it is not a valid date`),
    ];
  const expected = idcardCheckCharacter(id);
  if (id[17] !== expected)
    return [message('身份证号校验位不正确，请核对号码', 'The check character is wrong: check the number')];
  return [];
}

function normalizeIdcard(input: unknown): Outcome {
  if (typeof input !== 'string') return fail('应为身份证号文本', 'Must be an identity number as text');
  const id = clean(input);
  return ok(id === '' ? null : id);
}

const formatId = (value: unknown) => (value === null ? '' : String(value));

/** The Asia/Shanghai date today, "YYYY-MM-DD". */
const shanghaiToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export const idcardFieldType: FieldTypeSpec<IdcardField> = {
  type: 'idcard',
  title: { zh: '身份证号', en: 'ID card number' },
  describe: {
    zh: '18 位居民身份证号（GB 11643 校验），领导和导出看到的是遮掩后的号码',
    en: 'an 18-character resident ID number (GB 11643 check), masked for leaders and in exports',
  },
  options: {
    showInFull: {
      schema: { type: 'boolean' },
      label: { zh: '向领导和导出显示完整号码', en: 'Show in full to leaders and in exports' },
      input: 'yesNo',
    },
  },
  sqlType: 'text',
  valueKind: 'text',
  // no contains and no ordering: a masked number must not be found out digit by digit
  filters: ['eq', 'ne', 'in', 'empty'],
  statistics: NOT_IN_STATISTICS,
  canBeUnique: true,
  checkDefinition: () => [],
  normalize: normalizeIdcard,
  parse: (text) => normalizeIdcard(text),
  validate: (value) => problemsOf(String(value), shanghaiToday()),
  format: formatId,
  redact: (value, field) =>
    value === null || field.showInFull
      ? value
      : `${String(value).slice(0, 4)}${'*'.repeat(10)}${String(value).slice(-4)}`,
  checks: (_field, column) => [`${column} ~ '^[1-9][0-9]{16}[0-9X]$'`],
  convertSql: (column, from) => {
    const text = `upper(regexp_replace(${from.textSql(column)}, '\\s', '', 'g'))`;
    return `(SELECT CASE WHEN v ~ '^[1-9][0-9]{16}[0-9X]$' THEN v END FROM (SELECT ${text} AS v) AS i)`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw)),
  grid: (field) => ({ editor: 'text', align: 'left', width: field.width ?? 180 }),
  form: () => ({ input: 'line', keyboard: 'text', maxLength: 18, placeholder: '18 位，末位可为 X' }),
  spreadsheet: (field) => textCells(formatId, field),
  cellText: plainCellText,
  fake: (_field, i) => {
    const birth = new Date(Date.UTC(1960, 0, 1) + i * 397 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const first17 = `410726${birth}${String(100 + (i % 900)).padStart(3, '0')}`;
    return `${first17}${idcardCheckCharacter(first17)}`;
  },
};
