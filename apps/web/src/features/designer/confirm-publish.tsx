import { useQuery } from '@apollo/client';
import { textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { fillMessage } from '../../i18n/fill';
import { useI18n } from '../../i18n/i18n';
import { PUBLISH_PREVIEW, type PublishPreview } from './designer.graphql';
import { effectsOf } from './version-list';

/**
 * The confirmation before publishing, with what it will do to the existing rows: the publish tried
 * on them and rolled back (publishPreview) — values a retype will not convert, where removed data
 * is kept, rows a new rule or a newly required field will refuse. Confirming waits for it.
 */
export function ConfirmPublish({
  definition,
  current,
  busy,
  onConfirm,
  onCancel,
}: {
  definition: LedgerDefinition;
  current: LedgerDefinition | null;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { data, error } = useQuery<{ publishPreview: PublishPreview }>(PUBLISH_PREVIEW, {
    variables: { definition },
    fetchPolicy: 'no-cache',
  });
  const preview = data?.publishPreview;
  const fields = [...definition.fields, ...(current?.fields ?? [])];
  const title = (key: string) => {
    const field = fields.find((f) => f.key === key);
    return field ? textOf(field.title, locale) : key;
  };
  const rejections = (preview?.rejected ?? []).map((r) => {
    const level = t(r.level === 'error' ? 'designer.level.error' : 'designer.level.warning');
    if (r.kind === 'required')
      return fillMessage(t('designer.rejected.required'), { message: r.message, n: r.rows ?? 0 });
    return r.rows === null
      ? fillMessage(t('designer.rejected.ruleUncounted'), { level, message: r.message })
      : fillMessage(t('designer.rejected.rule'), { level, message: r.message, n: r.rows });
  });
  return (
    <div className="confirm" role="dialog" aria-label={t('designer.confirm')}>
      {!preview && !error && <p className="muted">{t('designer.previewing')}</p>}
      {preview && preview.problems.length === 0 && (
        <>
          <p>{t('designer.willDo')}</p>
          <ul data-testid="publish-preview">
            {[...effectsOf(preview.report, title, i18n), ...rejections].map((effect) => (
              <li key={effect}>{effect}</li>
            ))}
          </ul>
        </>
      )}
      {preview && preview.problems.length > 0 && (
        <ul className="problems">
          {preview.problems.map((p) => (
            <li key={`${p.path} ${p.message}`}>
              {p.path} {p.message}
            </li>
          ))}
        </ul>
      )}
      <p>{t('designer.confirm')}</p>
      <button
        type="button"
        className="primary"
        onClick={onConfirm}
        // a failed preview does not stop the publish: the publish checks for itself
        disabled={busy || (!preview && !error) || (preview !== undefined && preview.problems.length > 0)}
        data-testid="confirm-publish"
      >
        {t('designer.confirmPublish')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('designer.cancel')}
      </button>
    </div>
  );
}
