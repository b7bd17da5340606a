import { useI18n } from '../../i18n/i18n';
import type { Present } from './use-presence';

/** Who else has the sheet open: their names, and the row each is on where the grid holds it. */
export function PresenceBar({ others, rowNumber }: { others: Present[]; rowNumber(rowId: string): number | null }) {
  const { t, tf } = useI18n();
  if (others.length === 0) return null;
  return (
    <span className="presence" data-testid="presence" aria-live="polite">
      {t('presence.with')}
      {others.map((p, i) => {
        const n = p.rowId ? rowNumber(p.rowId) : null;
        return (
          <span key={p.clientId} className="presence-who" data-testid="presence-who" title={p.name}>
            {i > 0 && t('presence.separator')}● {p.name}
            {n !== null && tf('presence.row', { n })}
          </span>
        );
      })}
    </span>
  );
}
