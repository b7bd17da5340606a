import { useLazyQuery, useQuery } from '@apollo/client';
import { useState } from 'react';
import { FIELD_TYPE_REGISTRY, textOf, type FieldType, type LedgerDefinition } from '@taizhang/ledger-core';
import { describeDefinitionDiff } from './definition-diff';
import { fillMessage } from '../../i18n/fill';
import { useI18n } from '../../i18n/i18n';
import { KEPT_VALUES, LEDGER_VERSIONS, type LedgerVersion, type VersionReport } from './designer.graphql';

/**
 * A ledger's published versions, newest first: who, when, and what each did to the data
 * (ledgerVersions); any two compared in words; an older one loaded into the editor, to be
 * published again as a new version (with the same preview of what that does to the data).
 */
export function VersionList({
  ledgerKey,
  onLoad,
}: {
  ledgerKey: string;
  onLoad(definition: LedgerDefinition, version: number): void;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { data } = useQuery<{ ledgerVersions: LedgerVersion[] }>(LEDGER_VERSIONS, {
    variables: { key: ledgerKey },
    fetchPolicy: 'cache-and-network',
  });
  const published = data?.ledgerVersions ?? [];
  const versions = [...published].reverse();
  const latest = published.at(-1)?.version ?? 0;
  const [compared, setCompared] = useState<{ from: number; to: number } | null>(null);
  const from = compared?.from ?? Math.max(1, latest - 1);
  const to = compared?.to ?? latest;
  const definitionOf = (version: number) => published.find((v) => v.version === version)?.definition;
  if (versions.length === 0) return null;
  const pick = (which: 'from' | 'to') => (
    <select
      value={which === 'from' ? from : to}
      onChange={(e) => setCompared({ from, to, [which]: Number(e.target.value) })}
      data-testid={`compare-${which}`}
      aria-label={`${t('designer.compare')} ${which === 'from' ? 1 : 2}`}
    >
      {versions.map((v) => (
        <option key={v.version} value={v.version}>
          {v.version}
        </option>
      ))}
    </select>
  );
  const a = definitionOf(from);
  const b = definitionOf(to);
  return (
    <>
      <h3>{t('designer.versions')}</h3>
      <table className="data-table versions" data-testid="ledger-versions">
        <thead>
          <tr>
            <th>{t('designer.versionNo')}</th>
            <th>{t('designer.publishedBy')}</th>
            <th>{t('designer.publishedAt')}</th>
            <th>{t('designer.effect')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td className="num">{v.version}</td>
              <td>{v.publishedBy ?? t('designer.fromFile')}</td>
              <td>
                {new Date(v.publishedAt).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', {
                  timeZone: 'Asia/Shanghai',
                })}
              </td>
              <td>
                <ul className="version-effects">
                  {effectsOf(v.report, titlesOf(v, published, locale), i18n).map((effect) => (
                    <li key={effect}>{effect}</li>
                  ))}
                </ul>
                {[...(v.report?.retyped ?? []), ...(v.report?.hidden ?? [])].map(({ keptAs }) => (
                  <KeptValues key={keptAs} ledgerKey={ledgerKey} column={keptAs} />
                ))}
              </td>
              <td>
                {v.version !== latest && (
                  <button type="button" className="link-button" onClick={() => onLoad(v.definition, v.version)}>
                    {t('designer.loadVersion')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {versions.length > 1 && (
        <div className="version-compare">
          <p>
            {t('designer.compare')} {pick('from')} {t('designer.compareWith')} {pick('to')}
          </p>
          {a && b && (
            <ul data-testid="version-diff">
              {describeDefinitionDiff(a, b, i18n).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}

/** The old values a publish kept in `column`, with their units and rows: shown when asked. */
function KeptValues({ ledgerKey, column }: { ledgerKey: string; column: string }) {
  const { t } = useI18n();
  const [load, { data, called, loading }] = useLazyQuery<{
    keptValues: { rowId: string; unitName: string; value: string }[];
  }>(KEPT_VALUES, { fetchPolicy: 'network-only' });
  if (!called)
    return (
      <button
        type="button"
        className="link-button"
        data-kept={column}
        onClick={() => void load({ variables: { ledger: ledgerKey, column } })}
      >
        {t('designer.showKept').replace('{column}', column)}
      </button>
    );
  if (loading || !data) return <p className="muted">{t('common.loading')}</p>;
  return (
    <table className="data-table kept-values" data-testid="kept-values" data-kept={column}>
      <thead>
        <tr>
          <th>{t('designer.keptUnit')}</th>
          <th>{t('designer.keptRow')}</th>
          <th>{t('designer.keptValue')}</th>
        </tr>
      </thead>
      <tbody>
        {data.keptValues.map((k) => (
          <tr key={k.rowId}>
            <td>{k.unitName}</td>
            <td className="num">#{k.rowId}</td>
            <td>{k.value}</td>
          </tr>
        ))}
        {data.keptValues.length === 0 && (
          <tr>
            <td colSpan={3} className="muted">
              {t('designer.keptNone')}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** A field's title by its key, as the version or the one before it (a removed field) names it. */
function titlesOf(version: LedgerVersion, all: LedgerVersion[], locale: 'zh-CN' | 'en') {
  const before = all.find((v) => v.version === version.version - 1);
  const fields = [...version.definition.fields, ...(before?.definition.fields ?? [])];
  return (key: string) => {
    const field = fields.find((f) => f.key === key);
    return field ? textOf(field.title, locale) : key;
  };
}

/** A report as sentences, in the reader's language, fields by their titles. */
export function effectsOf(
  report: VersionReport | null,
  title: (key: string) => string,
  { t, locale, p }: ReturnType<typeof useI18n>,
): string[] {
  if (!report) return [t('designer.report.none')];
  const list = (items: string[]) => items.join(p.list);
  const typeTitle = (type: string) =>
    Object.hasOwn(FIELD_TYPE_REGISTRY, type) ? textOf(FIELD_TYPE_REGISTRY[type as FieldType].title, locale) : type;
  const effects = [
    ...(report.added.length > 0
      ? [fillMessage(t('designer.report.added'), { list: list(report.added.map(title)) })]
      : []),
    ...report.renamed.map((r) =>
      fillMessage(t('designer.report.renamed'), { title: title(r.to), from: r.from, to: r.to }),
    ),
    ...report.retyped.map((r) =>
      fillMessage(t('designer.report.retyped'), {
        field: title(r.field),
        from: typeTitle(r.from),
        to: typeTitle(r.to),
        n: r.unconverted,
        kept: r.keptAs,
        examples:
          r.examples && r.examples.length > 0
            ? fillMessage(t('designer.report.examples'), { list: list(r.examples) })
            : '',
      }),
    ),
    ...report.hidden.map((h) => fillMessage(t('designer.report.hidden'), { field: title(h.field), kept: h.keptAs })),
    ...report.restored.map((field) => fillMessage(t('designer.report.restored'), { field: title(field) })),
    ...(report.seededRows > 0 ? [fillMessage(t('designer.report.seeded'), { n: report.seededRows })] : []),
    ...(report.renamedBy ? [fillMessage(t('designer.report.renamedBy'), { ...report.renamedBy })] : []),
    ...(report.followed ?? []).map((f) =>
      fillMessage(t('designer.report.followed'), { ledger: f.ledger, version: f.version }),
    ),
  ];
  return effects.length > 0 ? effects : [t('designer.report.none')];
}
