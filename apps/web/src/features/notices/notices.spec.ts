import { describe, expect, it } from 'vitest';
import { noticeLink } from './notices.graphql';

describe('what a notice opens', () => {
  it('a sheet: its ledger at its period', () => {
    expect(noticeLink({ ledger: 'daily_followup', period: '2023-05-10', rowId: null })).toBe(
      '/ledgers/daily_followup?period=2023-05-10',
    );
  });
  it('a row: its ledger with the row, and the period when it has one', () => {
    expect(noticeLink({ ledger: 'rectification', period: null, rowId: '42' })).toBe('/ledgers/rectification?row=42');
    expect(noticeLink({ ledger: 'daily_followup', period: '2023-W19', rowId: '7' })).toBe(
      '/ledgers/daily_followup?period=2023-W19&row=7',
    );
  });
  it('nothing when it names no ledger', () => {
    expect(noticeLink({ ledger: null, period: null, rowId: null })).toBeNull();
  });
});
