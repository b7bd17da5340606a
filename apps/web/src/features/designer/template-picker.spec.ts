import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition, type LedgerDefinition } from '@taizhang/ledger-core';
import { copyOfLedger } from './template-picker';

const task = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../../../schemas/task.json'), 'utf8'),
) as LedgerDefinition;

describe('copyOfLedger', () => {
  it('copies a seed ledger under a new key and title, without its seed rows, and the copy is publishable', () => {
    const copy = copyOfLedger(task, (title) => `${title}（副本）`);
    expect(copy.key).toBe('task_copy');
    expect(copy.title).toEqual(
      typeof task.title === 'string'
        ? `${task.title}（副本）`
        : expect.objectContaining({ zh: `${(task.title as { zh: string }).zh}（副本）` }),
    );
    expect(task.seedRows?.length).toBeGreaterThan(0);
    expect(copy.seedRows).toBeUndefined();
    expect(copy.fields).toEqual(task.fields);
    expect(copy.fields).not.toBe(task.fields);
    expect(checkDefinition(copy).ok).toBe(true);
  });

  it('keeps a long key within the identifier limit', () => {
    const long = { ...task, key: 'a'.repeat(40) };
    expect(copyOfLedger(long, (t) => t).key).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
  });
});
