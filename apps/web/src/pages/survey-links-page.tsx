import { ApolloError, useMutation, useQuery } from '@apollo/client';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import QRCode from 'qrcode';
import { textOf, unitFills } from '@taizhang/ledger-core';
import { useToasts } from '../components/toast';
import { fieldProblems } from '../features/auth/graphql-error';
import { DASHBOARD_LEDGERS, type DashboardLedger } from '../features/dashboard/dashboard.graphql';
import {
  looksInternal,
  POSTER_SIZES,
  PUBLIC_BASE_URL,
  QR_OPTIONS,
  SET_PUBLIC_BASE_URL,
  surveyUrl,
  UNITS_TO_PICK_WITH_CODES,
  urlBreakPieces,
  type PosterSize,
  type PublicBaseUrl,
  type UnitWithCode,
} from '../features/public-survey/survey-links';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

function QrImage({ url }: { url: string }) {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    void QRCode.toString(url, QR_OPTIONS).then(setSvg);
  }, [url]);
  return <div className="qr" role="img" aria-label={url} data-url={url} dangerouslySetInnerHTML={{ __html: svg }} />;
}

/** The address under a code, breaking only after / ? & = (never inside a word). */
function UrlText({ url }: { url: string }) {
  return (
    <p className="qr-url" data-testid="qr-url">
      {urlBreakPieces(url).map((piece, i) => (
        <span key={i}>
          {piece}
          <wbr />
        </span>
      ))}
    </p>
  );
}

/** The public address: what the codes use, where it comes from, a field to set it, a warning when it looks internal. */
function BaseUrlSetting({ state, base, onSaved }: { state: PublicBaseUrl | undefined; base: string; onSaved(): void }) {
  const { t, p } = useI18n();
  const { toasts, notify } = useToasts();
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [save, saving] = useMutation<{ setPublicBaseUrl: PublicBaseUrl }>(SET_PUBLIC_BASE_URL);
  const value = draft ?? (state?.source === 'SETTING' ? (state.url ?? '') : '');
  const store = async (url: string | null) => {
    setProblem(null);
    try {
      const { data } = await save({ variables: { url } });
      const now = data!.setPublicBaseUrl;
      setDraft(null);
      notify(
        'success',
        url
          ? t('survey.baseUrlSaved').replace('{url}', now.url ?? '')
          : t('survey.baseUrlCleared').replace('{url}', now.url ?? window.location.origin),
      );
      onSaved();
    } catch (error) {
      const reason =
        error instanceof ApolloError
          ? (fieldProblems(error).find((p) => p.path === 'url')?.message ?? error.message)
          : String(error);
      setProblem(reason);
      // the API's whole message names the field: 公网访问地址有误：…
      notify('error', error instanceof Error ? error.message : reason);
    }
  };
  const internal = looksInternal(base);
  const source = t(`survey.source.${state?.source ?? 'NONE'}` as MessageKey);
  let host = base;
  try {
    host = new URL(base).host;
  } catch {
    // shown as typed
  }
  return (
    <form
      className="base-url no-print"
      data-testid="base-url"
      onSubmit={(event) => {
        event.preventDefault();
        void store(value.trim() || null);
      }}
    >
      {toasts}
      <label className="base-url-field">
        <strong>{t('survey.baseUrl')}</strong>
        <input
          name="url"
          type="text"
          inputMode="url"
          value={value}
          placeholder={state?.environmentUrl ?? 'https://tz.example.gov.cn'}
          onChange={(event) => setDraft(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby="base-url-help"
          data-testid="base-url-input"
        />
        <button type="submit" disabled={saving.loading}>
          {t('survey.baseUrlSave')}
        </button>
        {state?.source === 'SETTING' && (
          <button type="button" onClick={() => void store(null)} disabled={saving.loading} data-testid="base-url-clear">
            {t('survey.baseUrlClear')}
          </button>
        )}
      </label>
      {problem && (
        <p className="form-error" data-testid="base-url-problem">
          {t('survey.baseUrl')}
          {p.colon}
          {problem}
        </p>
      )}
      <p className="muted" id="base-url-help">
        {t('survey.baseUrlHelp')}
      </p>
      <p data-testid="base-url-in-use">{t('survey.inUse').replace('{url}', base).replace('{source}', source)}</p>
      {internal && (
        <p className="warning-box" role="alert" data-testid="base-url-warning">
          {t('survey.internalWarning').replace('{host}', host)}
        </p>
      )}
    </form>
  );
}

/** One unit's poster for its hall: the name, the survey's title, one large code, at A4 or A3. */
function Poster({
  unit,
  survey,
  url,
  size,
  onSize,
}: {
  unit: UnitWithCode;
  survey: DashboardLedger;
  url: string;
  size: PosterSize;
  onSize(size: PosterSize): void;
}) {
  const { t, locale } = useI18n();
  return (
    <section className="qr-poster-page" aria-labelledby="poster-title">
      <div className="no-print poster-tools">
        <Link to="/survey-links">← {t('survey.back')}</Link>
        <label className="inline-field">
          {t('survey.posterSize')}
          <select value={size} onChange={(event) => onSize(event.target.value as PosterSize)} data-testid="poster-size">
            {POSTER_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" onClick={() => window.print()} data-testid="poster-print">
          {t('survey.print')}
        </button>
      </div>
      <article className={`qr-poster qr-poster-${size}`} data-testid="qr-poster" data-size={size} data-unit={unit.code}>
        <h1 id="poster-title">{unit.name}</h1>
        <h2>{textOf(survey.definition.title, locale)}</h2>
        <QrImage url={url} />
        <p className="qr-poster-hint">{t('survey.scanHint')}</p>
        <UrlText url={url} />
      </article>
    </section>
  );
}

/**
 * Admins: each unit's public survey link and a QR code to print for its window and hall; the public
 * address the codes use (docs/operations.md, Public address); `?unit=<code>&size=A4|A3` is one
 * unit's poster.
 */
export function SurveyLinksPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const ledgers = useQuery<{ ledgers: DashboardLedger[] }>(DASHBOARD_LEDGERS);
  const units = useQuery<{ units: UnitWithCode[] }>(UNITS_TO_PICK_WITH_CODES);
  const setting = useQuery<{ publicBaseUrl: PublicBaseUrl }>(PUBLIC_BASE_URL, { fetchPolicy: 'network-only' });
  const surveys = (ledgers.data?.ledgers ?? []).filter((l) => l.definition.public);
  const base = setting.data?.publicBaseUrl.url ?? window.location.origin;
  const urlOf = (unit: UnitWithCode, survey: DashboardLedger) =>
    surveyUrl(base, unit.code, surveys.length > 1 ? survey.key : null);

  const posterUnit = params.get('unit');
  if (posterUnit) {
    const unit = units.data?.units.find((u) => u.code === posterUnit);
    const survey = surveys.find((s) => s.key === params.get('ledger')) ?? surveys[0];
    const size: PosterSize = params.get('size') === 'A3' ? 'A3' : 'A4';
    if (!units.data || !ledgers.data || setting.loading) return <p className="muted">{t('common.loading')}</p>;
    if (!unit || !survey)
      return (
        <p className="form-error">
          {t('survey.unitNotFound').replace('{code}', posterUnit)} <Link to="/survey-links">{t('survey.back')}</Link>
        </p>
      );
    return (
      <Poster
        unit={unit}
        survey={survey}
        url={urlOf(unit, survey)}
        size={size}
        onSize={(next) =>
          setParams((now) => {
            now.set('size', next);
            return now;
          })
        }
      />
    );
  }

  return (
    <section className="survey-links" aria-labelledby="survey-links-title">
      <div className="no-print">
        <h2 id="survey-links-title">{t('survey.linksTitle')}</h2>
        <p className="muted">{t('survey.linksHelp')}</p>
        {setting.error ? (
          <p className="form-error">{setting.error.message}</p>
        ) : (
          <BaseUrlSetting state={setting.data?.publicBaseUrl} base={base} onSaved={() => void setting.refetch()} />
        )}
        <button type="button" onClick={() => window.print()}>
          {t('survey.print')}
        </button>
      </div>
      {surveys.map((survey) => (
        <div key={survey.key} className="qr-cards">
          {(units.data?.units ?? [])
            .filter((unit) => unit.active && unitFills(survey.definition, unit))
            .map((unit) => {
              const url = urlOf(unit, survey);
              const poster = `/survey-links?unit=${encodeURIComponent(unit.code)}&ledger=${encodeURIComponent(survey.key)}&size=A4`;
              return (
                <article key={unit.id} className="qr-card" data-unit={unit.code} data-url={url}>
                  <h3>{unit.name}</h3>
                  <p>{textOf(survey.definition.title, locale)}</p>
                  <QrImage url={url} />
                  <UrlText url={url} />
                  <Link className="no-print qr-poster-link" to={poster} data-testid="poster-link">
                    {t('survey.poster')}
                  </Link>
                </article>
              );
            })}
        </div>
      ))}
    </section>
  );
}
