import { describe, expect, it } from 'vitest';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import { checkDefinitionText, definitionText, describeChanges, lineOfPointer } from './definition-text';

const base: LedgerDefinition = {
  key: 'visits',
  title: '走访台账',
  fields: [
    { key: 'visited_on', title: '走访日期', type: 'date', required: true },
    { key: 'company', title: '企业名称', type: 'text' },
  ],
} as LedgerDefinition;
const text = (definition: unknown) => JSON.stringify(definition, null, 2);

describe('the designer’s check of its JSON', () => {
  it('places a syntax error at its line', () => {
    // the comma after "company" (line 12) is missing: the parser stumbles on the next line's key
    const broken = text(base).replace('"company",', '"company"');
    const check = checkDefinitionText(broken, 'zh-CN');
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.problems[0]).toMatchObject({ line: 13, message: expect.stringContaining('JSON 格式错误') });
  });

  it('places a definition problem at the line of the property it names', () => {
    const wrong = text({ ...base, fields: [base.fields[0], { key: 'company', title: '企业名称', type: 'nubmer' }] });
    const check = checkDefinitionText(wrong, 'zh-CN');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problems[0].path).toBe('/fields/1/type');
      expect(check.problems[0].line).toBe(wrong.split('\n').findIndex((l) => l.includes('"nubmer"')) + 1);
    }
    expect(lineOfPointer(wrong, '/fields/9/type')).toBe(4); // missing: the nearest that exists (/fields)
  });

  it('says what publishing would do to the table', () => {
    const next = {
      ...base,
      fields: [
        { ...base.fields[0], title: '走访时间' },
        { key: 'company', title: '企业', type: 'integer' },
        { key: 'note', title: '备注', type: 'text' },
      ],
    } as LedgerDefinition;
    expect(describeChanges(base, next, 'zh-CN')).toEqual(
      expect.arrayContaining(['改类型「企业」text → integer', '新增列「备注」']),
    );
    expect(describeChanges(null, base, 'zh-CN')).toEqual(['新建台账及其数据表']);
  });
});

describe('the designer’s JSON', () => {
  it('reads like the files: keys in the meta-schema’s order, zh before en', () => {
    const text = definitionText({
      fields: [{ type: 'text', title: { en: 'Name', zh: '名称' }, key: 'name' }],
      title: '台账',
      key: 'demo',
    });
    expect(text.indexOf('"key": "demo"')).toBeLessThan(text.indexOf('"title": "台账"'));
    expect(text.indexOf('"title": "台账"')).toBeLessThan(text.indexOf('"fields"'));
    expect(text.indexOf('"key": "name"')).toBeLessThan(text.indexOf('"type": "text"'));
    expect(text.indexOf('"zh": "名称"')).toBeLessThan(text.indexOf('"en": "Name"'));
  });
});
