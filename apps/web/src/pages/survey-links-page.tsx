import { useQuery } from '@apollo/client';
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { textOf, unitFills } from '@taizhang/ledger-core';
import { DASHBOARD_LEDGERS, type DashboardLedger } from '../features/dashboard/dashboard.graphql';
import { UNITS_TO_PICK_WITH_CODES, type UnitWithCode } from '../features/public-survey/survey-links';
import { useI18n } from '../i18n/i18n';

function QrImage({ url }: { url: string }) {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    void QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(setSvg);
  }, [url]);
  return <div className="qr" role="img" aria-label={url} dangerouslySetInnerHTML={{ __html: svg }} />;
}

/** Admins: each unit's public survey link and a QR code to print for its window and hall. */
export function SurveyLinksPage() {
  const { t, locale } = useI18n();
  const ledgers = useQuery<{ ledgers: DashboardLedger[] }>(DASHBOARD_LEDGERS);
  const units = useQuery<{ units: UnitWithCode[] }>(UNITS_TO_PICK_WITH_CODES);
  const surveys = (ledgers.data?.ledgers ?? []).filter((l) => l.definition.public);
  const origin = window.location.origin;
  return (
    <section className="survey-links" aria-labelledby="survey-links-title">
      <div className="no-print">
        <h2 id="survey-links-title">{t('survey.linksTitle')}</h2>
        <p className="muted">{t('survey.linksHelp')}</p>
        <button type="button" onClick={() => window.print()}>
          {t('survey.print')}
        </button>
      </div>
      {surveys.map((survey) => (
        <div key={survey.key} className="qr-cards">
          {(units.data?.units ?? [])
            .filter((unit) => unit.active && unitFills(survey.definition, unit))
            .map((unit) => {
              const url = `${origin}/s/${unit.code}${surveys.length > 1 ? `?ledger=${survey.key}` : ''}`;
              return (
                <article key={unit.id} className="qr-card" data-unit={unit.code}>
                  <h3>{unit.name}</h3>
                  <p>{textOf(survey.definition.title, locale)}</p>
                  <QrImage url={url} />
                  <p className="qr-url">{url}</p>
                </article>
              );
            })}
        </div>
      ))}
    </section>
  );
}
