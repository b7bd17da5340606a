import { useApolloClient } from '@apollo/client';
import { useEffect, useState } from 'react';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import { CHECK_LEDGER } from './designer.graphql';

/** How long the text rests before the API is asked (a key press does not make a request). */
const SETTLE_MS = 400;

/**
 * What only the API can check of a definition the browser found sound (checkLedger: referenced
 * ledgers, follow-up targets' fields, unit codes, seed rows), asked once the typing settles; the
 * answer of an older text is dropped. null while unchecked or checking.
 */
export function useDatabaseCheck(definition: LedgerDefinition | null): { path: string; message: string }[] | null {
  const client = useApolloClient();
  const [answer, setAnswer] = useState<{ of: LedgerDefinition; problems: { path: string; message: string }[] } | null>(
    null,
  );
  useEffect(() => {
    if (!definition) return;
    let current = true;
    const timer = setTimeout(() => {
      client
        .query<{ checkLedger: { path: string; message: string }[] }>({
          query: CHECK_LEDGER,
          variables: { definition },
          fetchPolicy: 'no-cache',
        })
        .then(
          (result) => current && setAnswer({ of: definition, problems: result.data.checkLedger }),
          // unreachable or refused: publishing will say so with its reasons
          () => current && setAnswer({ of: definition, problems: [] }),
        );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, definition]);
  return answer && answer.of === definition ? answer.problems : null;
}
