import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '@taizhang/ledger-core';
import { duplicateOf } from './field-list';

const fields = [
  { id: 'old_note', key: 'note', title: { zh: '备注', en: 'Note' }, type: 'text', maxLength: 50 },
  { key: 'note_copy', title: '已有副本', type: 'text' },
] as FieldDefinition[];

describe('duplicateOf', () => {
  it('copies every property under a key no field has, without the id (a new column, not the same one)', () => {
    const copy = duplicateOf(fields[0], fields, (title) => `${title}（副本）`);
    expect(copy).toEqual({ key: 'note_copy2', title: { zh: '备注（副本）', en: 'Note' }, type: 'text', maxLength: 50 });
    expect(fields[0].id).toBe('old_note');
  });
});
