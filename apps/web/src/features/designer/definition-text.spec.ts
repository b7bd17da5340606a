import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sameJson, textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { checkDefinitionText, definitionText, describeChanges, lineOfPointer } from './definition-text';

const base: LedgerDefinition = {
  key: 'visits',
  title: '走访台账',
  fields: [
    { key: 'visited_on', title: '走访日期', type: 'date', required: true },
    { key: 'company', title: '企业名称', type: 'text' },
  ],
} as LedgerDefinition;
const SCHEMAS = path.resolve(__dirname, '../../../../../schemas');
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

  it('says a renamed key once, from its old key to its new one', () => {
    const renamed = {
      ...base,
      fields: [base.fields[0], { id: 'company', key: 'company_name', title: '企业名称', type: 'text' }],
    } as LedgerDefinition;
    expect(describeChanges(base, renamed, 'zh-CN')).toEqual(['重命名「企业名称」company → company_name']);
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

describe('the two ways of editing, kept in sync', () => {
  const seeds = readdirSync(SCHEMAS)
    .filter((name) => name.endsWith('.json') && !name.includes('schema'))
    .map((name) => JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as LedgerDefinition);

  it.each(seeds.map((seed) => [seed.key, seed] as const))(
    '%s: what the forms print reads back as the same definition, and prints the same again',
    (_key, seed) => {
      // a form's change is re-printed (definitionText) and read back by the text's check
      const printed = definitionText(seed);
      const check = checkDefinitionText(printed, 'zh-CN');
      expect(check.ok ? [] : check.problems).toEqual([]);
      if (!check.ok) return;
      expect(sameJson(check.definition, seed)).toBe(true);
      // and what is typed into the text reaches the forms unchanged: text → definition → text
      const typed = printed.replace(`"zh": "${textOf(seed.title, 'zh-CN')}"`, '"zh": "改过的标题"');
      const retyped = checkDefinitionText(typed, 'zh-CN');
      expect(retyped.ok).toBe(true);
      if (retyped.ok) {
        expect(textOf(retyped.definition.title, 'zh-CN')).toBe('改过的标题');
        expect(definitionText(retyped.definition)).toBe(typed);
      }
    },
  );

  it('a definition a form edited keeps every property the forms do not show', () => {
    const seed = seeds.find((s) => s.followUps)!;
    const edited = { ...seed, fields: [...seed.fields].reverse() };
    const check = checkDefinitionText(definitionText(edited), 'zh-CN');
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.definition.followUps).toEqual(seed.followUps);
      expect(check.definition.rules).toEqual(seed.rules);
      expect(check.definition.measures).toEqual(seed.measures);
      expect(check.definition.fields.map((f) => f.key)).toEqual(edited.fields.map((f) => f.key));
    }
  });
});
