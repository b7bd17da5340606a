import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from './check-definition';
import { renameFieldKey, renameForeignFieldKey, renameInFormula } from './rename-field';
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

describe('renameForeignFieldKey', () => {
  const other: LedgerDefinition = {
    key: 'other',
    title: '另一台账',
    fields: [
      { key: 'case_ref', title: '办件', type: 'reference', ledger: 'window_case', display: 'applicant' },
      { key: 'who', title: '申请人', type: 'text', lookup: { reference: 'case_ref', field: 'applicant' } },
      {
        key: 'n',
        title: '件数',
        type: 'integer',
        rollup: { ledger: 'window_case', reference: 'applicant', kind: 'countWhere', where: 'applicant != ""' },
      },
    ],
    followUps: [
      { key: 'f', when: 'true', ledger: 'window_case', values: { case_no: '"X"', applicant: 'who' } },
      { key: 'g', when: 'true', ledger: 'rectification', values: { applicant: 'who' } },
    ],
  } as LedgerDefinition;

  it('renames what another ledger says of the renamed ledger’s field, and nothing of other ledgers', () => {
    const renamed = renameForeignFieldKey(other, 'window_case', 'applicant', 'applicant_name');
    expect(renamed.fields[0]).toMatchObject({ display: 'applicant_name' });
    expect(renamed.fields[1].lookup).toEqual({ reference: 'case_ref', field: 'applicant_name' });
    expect(renamed.fields[2].rollup).toMatchObject({ reference: 'applicant_name', where: 'applicant_name != ""' });
    expect(renamed.followUps![0].values).toEqual({ case_no: '"X"', applicant_name: 'who' });
    // its own fields and a follow-up into another ledger are not the renamed ledger's
    expect(renamed.followUps![1].values).toEqual({ applicant: 'who' });
    expect(Object.keys(renamed.followUps![0].values)).toEqual(['case_no', 'applicant_name']);
    expect(other.fields[0]).toMatchObject({ display: 'applicant' });
  });

  it('gives the same definition back when it names nothing of that field', () => {
    expect(renameForeignFieldKey(other, 'window_case', 'phone', 'tel')).toBe(other);
    expect(renameForeignFieldKey(other, 'task', 'applicant', 'x')).toBe(other);
  });
});
