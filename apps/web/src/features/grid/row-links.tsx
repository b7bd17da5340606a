import { useQuery } from '@apollo/client';
import { Link } from 'react-router';
import { useI18n } from '../../i18n/i18n';
import { ledgerAddress } from '../ledgers/ledger-address';
import { LEDGERS, type LedgerSummary } from '../ledgers/ledgers.graphql';
import { FOLLOW_UP_ROWS, type FollowUpRowsAnswer } from './grid.graphql';
import type { GridRow, RowLink } from './grid-row';

/** The address of a row: its ledger's page, which opens with that row selected and in the record pane. */
export const rowAddress = (link: Pick<RowLink, 'ledger' | 'id'>) => ledgerAddress(link.ledger, { row: link.id });

/**
 * Where a row came from and what came of it: the row whose follow-up made it (来源: 窗口办件台账
 * GJ-2026-0100), and the rows its own follow-ups made (后续), each a link that opens that row.
 */
export function RowLinks({ ledger, row }: { ledger: string; row: GridRow }) {
  const { t } = useI18n();
  const origin = row.__origin ?? null;
  const followUps = useQuery<FollowUpRowsAnswer>(FOLLOW_UP_ROWS, {
    variables: { ledger, id: row.__id },
    // a new row has none yet; a row's follow-ups are made by its saves: read again each time it
    // is shown (the pane remounts this after each save), what was read before shown meanwhile
    skip: row.__id === null,
    fetchPolicy: 'cache-and-network',
  });
  const made = followUps.data?.followUpRows ?? [];
  if (!origin && made.length === 0) return null;
  return (
    <dl className="row-links" data-testid="row-links">
      {origin && (
        <>
          <dt>{t('record.origin')}</dt>
          <dd data-testid="row-origin">
            <RowLinkTo link={origin} />
          </dd>
        </>
      )}
      {made.length > 0 && (
        <>
          <dt>{t('record.followUps')}</dt>
          <dd data-testid="row-follow-ups">
            {made.map((link) => (
              <RowLinkTo key={`${link.ledger}:${link.id}`} link={link} />
            ))}
          </dd>
        </>
      )}
    </dl>
  );
}

/** A row by its ledger's title and what it says (its display field), else its id. */
function RowLinkTo({ link }: { link: RowLink }) {
  // the ledgers the user may read, as the home page lists them (Apollo's cache: one request)
  const ledgers = useQuery<{ ledgers: LedgerSummary[] }>(LEDGERS);
  const title = ledgers.data?.ledgers.find((l) => l.key === link.ledger)?.title ?? link.ledger;
  return (
    <Link to={rowAddress(link)} className="row-link" data-ledger={link.ledger} data-row={link.id}>
      {title} <strong>{link.label ?? `#${link.id}`}</strong>
    </Link>
  );
}
