import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from './check-definition';
import { renameFieldKey, renameInFormula } from './rename-field';
import type { LedgerDefinition } from './types';

const SCHEMAS = path.resolve(__dirname, '../../../../schemas');
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8')) as LedgerDefinition;

describe('renameInFormula', () => {
  it('renames the field where it is named, not in strings, not a function of the same name, not a longer name', () => {
    expect(renameInFormula('a + previous(a) * 2 + len("a") + ab', 'a', 'b')).toBe(
      'b + previous(b) * 2 + len("a") + ab',
    );
    expect(renameInFormula('today() - today', 'today', 'on')).toBe('today() - on');
    expect(renameInFormula('a +', 'a', 'b')).toBe('b +');
    expect(renameInFormula('"unterminated', 'a', 'b')).toBe('"unterminated');
  });
});

describe('renameFieldKey', () => {
  it.each(['task.json', 'window_case.json', 'daily_followup.json', 'rectification.json', 'survey.json'])(
    'renames every field of %s everywhere it is named, and the definition stays sound',
    (file) => {
      const definition = load(file);
      for (const field of definition.fields) {
        const renamed = renameFieldKey(definition, field.key, `${field.key}_x`);
        const result = checkDefinition(renamed);
        expect(result.ok ? [] : result.problems.map((p) => `${p.path} ${p.message.en}`), field.key).toEqual([]);
        expect(JSON.stringify(renamed)).toContain(`"${field.key}_x"`);
      }
    },
  );

  it('renames a ratio side that names the field, and leaves one that names a measure of the same key', () => {
    const definition: LedgerDefinition = {
      key: 'probe',
      title: '探针',
      fields: [
        { key: 'cases', title: '件数', type: 'integer' },
        { key: 'done', title: '办结', type: 'integer' },
      ],
      measures: [
        { key: 'cases', title: '件数', kind: 'sum', field: 'cases' },
        { key: 'rate', title: '办结率', kind: 'ratio', numerator: 'done', denominator: 'cases' },
      ],
    };
    const renamed = renameFieldKey(renameFieldKey(definition, 'done', 'closed'), 'cases', 'n');
    expect(renamed.measures).toEqual([
      { key: 'cases', title: '件数', kind: 'sum', field: 'n' },
      { key: 'rate', title: '办结率', kind: 'ratio', numerator: 'closed', denominator: 'cases' },
    ]);
    expect(definition.fields[0].key).toBe('cases');
  });
});
