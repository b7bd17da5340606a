import { useI18n } from '../../i18n/i18n';
import { bracketed, type Punctuation } from '../../i18n/punctuation';
import { correctionValueText } from '../corrections/correction-requests';
import type { StatCorrection, StatOverride } from './dashboard.graphql';

/**
 * The corrections (更正) of a group's figure: those of the group's unit (grouped by unit) or day
 * (grouped by day) that go into the measure. A figure with any is marked ✎, its tooltip says why.
 */
export function correctionsOf(
  corrections: readonly StatCorrection[],
  by: 'unit' | 'day',
  key: string | null,
  measure: string,
): StatCorrection[] {
  return corrections.filter((c) => c.measures.includes(measure) && (by === 'unit' ? c.unitId === key : c.day === key));
}

export function correctionTitle(corrections: readonly StatCorrection[], p: Punctuation): string | undefined {
  if (corrections.length === 0) return undefined;
  return corrections
    .map(
      (c) =>
        `${c.unitName} ${c.day ?? ''} ${c.fieldTitle}${p.colon}${correctionValueText(c.oldValue, p)} → ${correctionValueText(c.newValue, p)}${bracketed(p, c.reason)}`,
    )
    .join('\n');
}

/** Under a panel: the corrections made after submission that its figures include. */
export function CorrectionsNote({ corrections }: { corrections: readonly StatCorrection[] }) {
  const { t, p } = useI18n();
  if (corrections.length === 0) return null;
  return (
    <div className="stat-corrections" data-testid="stat-corrections">
      <p className="muted">{t('correction.statsNote').replace('{n}', String(corrections.length))}</p>
      <ul>
        {corrections.slice(0, 10).map((c) => (
          <li key={c.id} data-testid="stat-correction">
            ✎ {c.unitName} {c.day ?? ''} · {c.fieldTitle}
            {p.colon}
            {correctionValueText(c.oldValue, p)} → <strong>{correctionValueText(c.newValue, p)}</strong>
            {bracketed(p, c.reason)}
          </li>
        ))}
      </ul>
      {corrections.length > 10 && <p className="muted">…</p>}
    </div>
  );
}

/** Under a panel: the derived figures its rows hold as set by hand (手工调整), with their reasons. */
export function OverridesNote({ overrides }: { overrides: readonly StatOverride[] }) {
  const { t, p } = useI18n();
  if (overrides.length === 0) return null;
  return (
    <div className="stat-corrections" data-testid="stat-overrides">
      <p className="muted">{t('figure.statsNote').replace('{n}', String(overrides.length))}</p>
      <ul>
        {overrides.slice(0, 10).map((o) => (
          <li key={`${o.unitId}:${o.period}:${o.field}`} data-testid="stat-override">
            {o.unitName} {o.period} · {o.fieldTitle}
            {p.colon}
            {correctionValueText(o.derived, p)} → <strong>{correctionValueText(o.value, p)}</strong>
            {bracketed(p, o.reason)}
          </li>
        ))}
      </ul>
      {overrides.length > 10 && <p className="muted">…</p>}
    </div>
  );
}
