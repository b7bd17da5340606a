import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { cellInput } from './cell-input';
import { ReferenceLabels, referenceFields } from './reference-labels';

const model = modelOf({
  key: 'rectification',
  title: { zh: '整改' },
  fillers: { unitKinds: ['township_centre'] },
  fields: [
    { key: 'case_ref', title: { zh: '关联办件编号' }, type: 'reference', ledger: 'window_case', display: 'case_no' },
    { key: 'owner', title: { zh: '责任人' }, type: 'text' },
  ],
} as LedgerDefinition);

describe('what a reference cell shows', () => {
  it('knows the reference fields by their type, not their name', () => {
    expect(referenceFields(model).map((field) => field.key)).toEqual(['case_ref']);
  });

  it('learns each row’s text from Row.display, by field and id, and knows nothing else', () => {
    const labels = new ReferenceLabels();
    labels.learnRow({
      id: '1',
      version: 1,
      values: { case_ref: 12, owner: '赵六' },
      display: { case_ref: 'GJ-2026-0100' },
    });
    labels.learnRow({ id: '2', version: 1, values: { case_ref: null }, display: { case_ref: null } });
    expect(labels.label('case_ref', 12)).toBe('GJ-2026-0100');
    expect(labels.label('case_ref', 13)).toBeNull();
    expect(labels.label('other_ref', 12)).toBeNull();
    // text not yet resolved by the server has no label: the cell shows it as typed
    expect(labels.label('case_ref', 'GJ-2026-0100')).toBeNull();
    labels.learn('case_ref', 13, 'GJ-2026-0101');
    expect(labels.label('case_ref', 13)).toBe('GJ-2026-0101');
  });

  it('keeps a pasted case number as text for the server, and a #id as that id', () => {
    const field = model.byKey.get('case_ref')!;
    expect(cellInput(model, field, 'GJ-2026-0100')).toBe('GJ-2026-0100');
    expect(cellInput(model, field, '#12')).toBe(12);
    expect(cellInput(model, field, 12)).toBe(12);
  });
});
