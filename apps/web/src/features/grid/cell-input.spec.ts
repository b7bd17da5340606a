import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { cellInput } from './cell-input';

const model = modelOf({
  key: 'cases',
  title: { zh: '办件' },
  fillers: { unitKinds: ['township_centre'] },
  fields: [
    {
      key: 'channel',
      title: { zh: '受理渠道' },
      type: 'choice',
      options: [
        { value: '窗口', label: { zh: '窗口', en: 'Counter' } },
        { value: '网上', label: { zh: '网上', en: 'Online' } },
        { value: '自助', label: { zh: '自助', en: 'Self-service' } },
      ],
    },
    {
      key: 'status',
      title: { zh: '办理状态' },
      type: 'choice',
      options: [
        { value: '受理', label: { zh: '受理' } },
        { value: '办理中', label: { zh: '办理中' } },
        { value: '办结', label: { zh: '办结' } },
      ],
    },
    {
      key: 'q1',
      title: { zh: '满意度' },
      type: 'choice',
      options: [
        { value: 'A', label: { zh: '非常满意' } },
        { value: 'B', label: { zh: '不满意' } },
      ],
    },
    { key: 'note', title: { zh: '备注' }, type: 'text' },
  ],
} as LedgerDefinition);
const input = (key: string, text: string) => cellInput(model, model.byKey.get(key)!, text);

describe('a pick-one cell typed by the start of an option', () => {
  it('picks the one option that starts with what was typed (网 → 网上), by label or value', () => {
    expect(input('channel', '网')).toBe('网上');
    expect(input('channel', 'Onl')).toBe('网上');
    expect(input('status', '受')).toBe('受理');
    expect(input('q1', '非常')).toBe('A');
  });

  it('falls back to the one option that contains it', () => {
    expect(input('status', '结')).toBe('办结');
  });

  it('keeps the text, an error of the cell, when it names no single option', () => {
    expect(input('status', '办')).toBe('办'); // 办理中 or 办结
    expect(input('q1', '满意')).toBe('满意'); // both
    expect(input('channel', '电话')).toBe('电话');
  });

  it('never guesses outside a pick-one list', () => {
    expect(input('note', '网')).toBe('网');
  });
});
