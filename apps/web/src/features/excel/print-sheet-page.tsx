import { attachmentsOf, holdsFiles } from '../attachments/attachment-value';
import { FileThumbnails } from '../attachments/file-thumbnails';
import { useQuery } from '@apollo/client';
import { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { modelOf, textOf } from '@taizhang/ledger-core';
import type { CurrentUser } from '../auth/auth.graphql';
import {
  LEDGER_FOR_GRID,
  PRINT_ROWS,
  UNITS_TO_PICK,
  type LedgerForGrid,
  type PrintRows,
  type UnitChoice,
} from '../grid/grid.graphql';
import { useI18n } from '../../i18n/i18n';

/** The most rows a print shows: a page of the rows query. Longer sheets are exported. */
const MOST_PRINTED = 1000;

/**
 * A sheet for the browser's print (A4 landscape), in the attachment's layout: the title, the
 * unit and the period, the header row, the rows, and a line for who filled it in and when. A
 * reference prints what its row says (the case's number), as the grid shows it.
 */
export function PrintSheetPage({ user }: { user: CurrentUser }) {
  const { key = '' } = useParams();
  const [search] = useSearchParams();
  const { t, tf, locale } = useI18n();
  const unitId = search.get('unitId');
  const period = search.get('period');
  const ledger = useQuery<{ ledger: LedgerForGrid }>(LEDGER_FOR_GRID, { variables: { key } });
  const rows = useQuery<PrintRows>(PRINT_ROWS, {
    variables: { ledger: key, unitId, period, first: MOST_PRINTED },
    fetchPolicy: 'network-only',
  });
  // more than one unit's rows (an admin or a leader, no unit chosen): each row says whose it is
  const allUnits = !unitId && user.role !== 'CLERK';
  const units = useQuery<{ units: UnitChoice[] }>(UNITS_TO_PICK, { skip: !unitId && !allUnits });
  const unitNames = useMemo(() => new Map((units.data?.units ?? []).map((u) => [u.id, u.name])), [units.data]);
  const model = useMemo(() => (ledger.data ? modelOf(ledger.data.ledger.definition) : null), [ledger.data]);

  if (ledger.loading || rows.loading || units.loading) return <p className="muted">{t('common.loading')}</p>;
  if (!model || !rows.data)
    return (
      <p className="form-error" role="alert">
        {t('common.error')}
        {(ledger.error ?? rows.error)?.message}
      </p>
    );
  // the heading names the units printed: the one chosen, a clerk's own, or all of them — never
  // the admin's or the leader's own unit when they print every unit's rows
  const unitName = unitId ? (unitNames.get(unitId) ?? '') : allUnits ? t('shell.allUnits') : (user.unit?.name ?? '');
  const { totalCount } = rows.data.rows;
  // every unit's rows together, the units in their order (as the unit picker lists them)
  const order = new Map((units.data?.units ?? []).map((u, i) => [u.id, i]));
  const edges = allUnits
    ? [...rows.data.rows.edges].sort(
        (a, b) => (order.get(a.node.unitId) ?? order.size) - (order.get(b.node.unitId) ?? order.size),
      )
    : rows.data.rows.edges;
  return (
    <article className="print-sheet" data-testid="print-sheet">
      <h1>{textOf(model.definition.title, locale)}</h1>
      <p className="print-meta">
        <span data-testid="print-unit">
          {t('excel.printUnit')}
          {unitName}
        </span>
        {period && (
          <span>
            {t('excel.printPeriod')}
            {period}
          </span>
        )}
      </p>
      <table>
        <thead>
          <tr>
            {allUnits && <th data-testid="print-unit-column">{t('dashboard.unit')}</th>}
            {model.fields.map((f) => (
              <th key={f.key}>{textOf(f.title, locale)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {edges.map(({ node }) => (
            <tr key={node.id}>
              {allUnits && <td className="print-unit">{unitNames.get(node.unitId) ?? node.unitId}</td>}
              {model.fields.map((f) => (
                <td key={f.key} className={model.spec(f).grid(f, locale).align === 'right' ? 'numeric' : undefined}>
                  {holdsFiles(model, f) ? (
                    // the photos themselves on paper, loaded before the print dialog opens
                    <FileThumbnails files={attachmentsOf(node.values[f.key])} eager />
                  ) : (
                    (node.display?.[f.key] ?? model.spec(f).format(node.values[f.key] ?? null, f, locale))
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {totalCount > edges.length && <p className="muted no-print">{tf('excel.printTruncated', { n: edges.length })}</p>}
      <p className="print-signature">
        <span>{t('excel.printFiller')}</span>
        <span>{t('excel.printDate')}</span>
      </p>
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('excel.print')}
      </button>
    </article>
  );
}
