import { describe, expect, it } from 'vitest';
import { idcardCheckCharacter, idcardFieldType as idcard, type IdcardField } from './idcard.field-type';

const field: IdcardField = { key: 'id_no', title: '身份证号', type: 'idcard' };
/** The standard's own example: 11010519491231002X. */
const SAMPLE = '11010519491231002X';

describe('idcard', () => {
  it('computes the GB 11643 check character', () => {
    expect(idcardCheckCharacter('11010519491231002')).toBe('X');
    expect(idcardCheckCharacter('44052418800101001')).toBe('4');
  });

  it('reads what people type: spaces, a small x, full-width digits', () => {
    expect(idcard.parse('110105 19491231 002x', field)).toEqual({ ok: true, value: SAMPLE });
    expect(idcard.parse('１１０１０５１９４９１２３１００２Ｘ', field)).toEqual({ ok: true, value: SAMPLE });
    expect(idcard.validate(SAMPLE, field)).toEqual([]);
  });

  it.each([
    ['11010519491231002', '应为 18 位'],
    ['1101051949123100A1', '只能是数字'],
    ['01010519491231002X', '地区码'],
    ['11010519490231002X', '出生日期「19490231」'],
    ['110105299912310024', '出生日期'],
    ['110105194912310021', '校验位不正确'],
  ])('refuses %s with the reason (%s)', (id, reason) => {
    const problems = idcard.validate(id, field).map((m) => m['zh-CN']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(reason);
  });

  it('is masked for leaders and exports unless the definition shows it in full', () => {
    expect(idcard.redact!(SAMPLE, field)).toBe('1101**********002X');
    expect(idcard.redact!('410726198001011234', field)).toBe('4107**********1234');
    expect(idcard.redact!(SAMPLE, { ...field, showInFull: true })).toBe(SAMPLE);
    expect(idcard.format(SAMPLE, field, 'zh-CN')).toBe(SAMPLE);
  });

  it('is a text cell in Excel (18 digits would lose precision as a number), and cannot be probed by contains', () => {
    expect(idcard.spreadsheet(field).cell(SAMPLE, 'zh-CN')).toBe(SAMPLE);
    expect(idcard.spreadsheet(field).numFmt).toBeUndefined();
    expect(idcard.filters).not.toContain('contains');
    expect(idcard.filters).not.toContain('gt');
  });
});
