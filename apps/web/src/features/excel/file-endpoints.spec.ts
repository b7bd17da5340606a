import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { exportUrl, hasFileFields } from './file-endpoints';

const ledger = (fields: LedgerDefinition['fields']): LedgerDefinition =>
  ({ key: 'probe', title: '测试', fields }) as LedgerDefinition;

describe('the export links', () => {
  it('offers the zip with the files only for a ledger whose fields hold files, as their type says', () => {
    const withFiles = modelOf(
      ledger([
        { key: 'issue', title: '问题', type: 'text' },
        { key: 'photos', title: '整改照片', type: 'attachment', kinds: ['image'] },
      ] as LedgerDefinition['fields']),
    );
    const without = modelOf(
      ledger([
        { key: 'issue', title: '问题', type: 'text' },
        { key: 'count', title: '数量', type: 'integer' },
      ] as LedgerDefinition['fields']),
    );
    expect(hasFileFields(withFiles)).toBe(true);
    expect(hasFileFields(without)).toBe(false);
  });

  it('asks for the zip with files=zip beside the sheet’s unit, period and language', () => {
    const scope = { ledger: 'rectification', unitId: '3', period: '2026-12' };
    expect(exportUrl(scope, 'xlsx', 'zh-CN', { zip: true })).toBe(
      '/export/rectification.xlsx?unitId=3&period=2026-12&lang=zh-CN&files=zip',
    );
    expect(exportUrl(scope, 'xlsx', 'en')).toBe('/export/rectification.xlsx?unitId=3&period=2026-12&lang=en');
  });
});
