import { useQuery } from '@apollo/client';
import { STATISTICS, type Statistics } from './dashboard.graphql';
import type { Scope } from './indicator-panel';

/** The contract's statistics query for a panel: fresh on every change of range or unit. */
export function useStatistics(ledgerKey: string, measures: string[], groupBy: string[], scope: Scope) {
  return useQuery<{ statistics: Statistics }>(STATISTICS, {
    variables: { ledger: ledgerKey, measures, groupBy, ...scope },
    fetchPolicy: 'network-only',
  });
}
