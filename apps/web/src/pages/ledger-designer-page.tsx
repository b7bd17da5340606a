import { useMutation, useQuery } from '@apollo/client';
import { fieldProblems } from '../features/auth/graphql-error';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { HotTable } from '@handsontable/react-wrapper';
import { textRenderer } from 'handsontable/renderers';
import { modelOf, sameJson, textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { FieldForm } from '../features/designer/field-form';
import { FieldList } from '../features/designer/field-list';
import { MeasureList } from '../features/designer/measure-form';
import { DimensionList } from '../features/designer/dimension-list';
import { RuleList } from '../features/designer/rule-list';
import { LedgerSettings } from '../features/designer/ledger-settings';
import { FillersPicker } from '../features/designer/fillers-picker';
import {
  checkDefinitionText,
  definitionText,
  describeChanges,
  lineOfPointer,
  type TextProblem,
} from '../features/designer/definition-text';
import {
  ADMIN_LEDGERS,
  LEDGER_VERSIONS,
  PUBLISH_LEDGER,
  type AdminLedger,
} from '../features/designer/designer.graphql';
import { useDatabaseCheck } from '../features/designer/use-database-check';
import { VersionList } from '../features/designer/version-list';
import { ConfirmPublish } from '../features/designer/confirm-publish';
import { TemplatePicker } from '../features/designer/template-picker';
import { columnTitle, displayText, gridColumns } from '../features/grid/grid-columns';
import { formFieldsOf, type HeldInput } from '../features/forms/form-inputs';
import { checkSample, DraftSampleProvider, fakeInputs, PhonePreview } from '../features/designer/draft-sample';
import { FollowUpList } from '../features/designer/follow-up-list';
import { TrackingForm } from '../features/designer/tracking-form';
import { HOT_LICENSE, HOT_SANITIZER, HOT_THEME } from '../features/grid/handsontable-setup';
import { useI18n } from '../i18n/i18n';

const NEW_LEDGER = {
  key: 'new_ledger',
  title: '新台账',
  period: 'none',
  fields: [{ key: 'name', title: '名称', type: 'text', required: true }],
};

/** The admins' ledger list: versions, who fills them, and the way into the designer. */
export function AdminLedgersPage() {
  const { t, locale, unitKindLabel, p } = useI18n();
  const { data } = useQuery<{ ledgers: AdminLedger[] }>(ADMIN_LEDGERS, { fetchPolicy: 'network-only' });
  return (
    <section aria-labelledby="admin-ledgers-title">
      <h2 id="admin-ledgers-title">{t('designer.listTitle')}</h2>
      <p>
        <Link to="/admin/ledgers/new" className="button-link" data-testid="new-ledger">
          + {t('designer.newLedger')}
        </Link>
      </p>
      <table className="data-table admin-ledgers">
        <thead>
          <tr>
            <th>{t('designer.ledger')}</th>
            <th>{t('ledgers.version')}</th>
            <th>{t('designer.fillers')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.ledgers.map((ledger) => (
            <tr key={ledger.key} data-ledger={ledger.key}>
              <td>
                {textOf(ledger.definition.title, locale)} <span className="muted">{ledger.key}</span>
              </td>
              <td className="num">{ledger.version}</td>
              <td>
                {[
                  ...(ledger.definition.fillers?.unitKinds ?? []).map((kind) => unitKindLabel(kind)),
                  ...(ledger.definition.fillers?.units ?? []),
                ].join(p.list) || t('designer.everyUnit')}
              </td>
              <td>
                <Link to={`/admin/ledgers/${ledger.key}`}>{t('designer.edit')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The designer: a definition edited as JSON (checked as you type by ledger-core, each problem at
 * its line) or through the add-a-field form, a live preview of the grid it makes, and what
 * publishing would change — shown and confirmed before the same publishLedger a file change uses.
 */
export function LedgerDesignerPage() {
  const { key = 'new' } = useParams();
  const { t, locale } = useI18n();
  const { data, loading } = useQuery<{ ledgers: AdminLedger[] }>(ADMIN_LEDGERS, { fetchPolicy: 'network-only' });
  const current = data?.ledgers.find((l) => l.key === key) ?? null;
  if (loading) return <p className="muted">{t('common.loading')}</p>;
  if (key !== 'new' && !current) return <p className="form-error">{t('designer.notFound')}</p>;
  // one designer per ledger: publishing refreshes `current` (the diff's base), not the editor
  return (
    <Designer
      key={key}
      current={current?.definition ?? null}
      ledgers={(data?.ledgers ?? []).map((l) => l.definition)}
      isNew={key === 'new'}
      locale={locale}
      t={t}
    />
  );
}

function Designer({
  current,
  ledgers,
  isNew,
  locale,
  t,
}: {
  current: LedgerDefinition | null;
  /** The published ledgers: a new one may start as a copy of any (the seed ledgers are the gallery); follow-ups write into them. */
  ledgers: LedgerDefinition[];
  isNew: boolean;
  locale: 'zh-CN' | 'en';
  t: ReturnType<typeof useI18n>['t'];
}) {
  const [text, setText] = useState(() => definitionText(current ?? NEW_LEDGER));
  const [confirming, setConfirming] = useState(false);
  const [serverProblems, setServerProblems] = useState<TextProblem[]>([]);
  const [published, setPublished] = useState<number | null>(null);
  const [publish, publishing] = useMutation<{ publishLedger: { key: string; version: number } }>(PUBLISH_LEDGER, {
    refetchQueries: [ADMIN_LEDGERS, LEDGER_VERSIONS],
  });
  const check = useMemo(() => checkDefinitionText(text, locale), [text, locale]);
  const definition = check.ok ? check.definition : null;
  const changes = useMemo(
    () => (definition ? describeChanges(current, definition, locale) : []),
    [current, definition, locale],
  );
  // the same definition whatever its keys' order (jsonb gives a rule's keys back in its own)
  const changed = definition !== null && (current === null || !sameJson(definition, current));
  // what only the database knows (referenced ledgers, units, seed rows), asked as the typing settles
  const databaseProblems = useDatabaseCheck(changed ? definition : null);
  const problems = check.ok
    ? [
        ...serverProblems,
        ...(serverProblems.length > 0 ? [] : (databaseProblems ?? [])).map((p) => ({
          line: lineOfPointer(text, p.path),
          ...p,
        })),
      ]
    : check.problems;
  const model = useMemo(() => (definition ? modelOf(definition) : null), [definition]);
  const formFields = useMemo(() => (model ? formFieldsOf(model.editable, locale) : []), [model, locale]);
  // the sample row: the types' fake values, and over them what the admin typed into the phone preview
  const [sampleEdits, setSampleEdits] = useState<Record<string, HeldInput>>({});
  const sampleInputs = useMemo(
    () => ({ ...fakeInputs(formFields, locale, 0), ...sampleEdits }),
    [formFields, locale, sampleEdits],
  );
  const checkedSample = useMemo(
    () => (model ? checkSample(model, formFields, sampleInputs) : null),
    [model, formFields, sampleInputs],
  );
  const sample = useMemo(
    () => ({ definition, model, values: checkedSample?.values ?? {} }),
    [definition, model, checkedSample],
  );
  const preview = useMemo(() => {
    if (!model || !checkedSample) return null;
    // the sample row first, then two more of the types' fake values, as the clerks' grid shows them
    const rows = [
      checkedSample,
      ...[1, 2].map((i) => checkSample(model, formFields, fakeInputs(formFields, locale, i))),
    ];
    return {
      rows: rows.map((row) =>
        Object.fromEntries(model.fields.map((f) => [f.key, displayText(model, f, row.values[f.key] ?? null, locale)])),
      ),
      columns: gridColumns(model, locale, textRenderer, false, false),
      titles: model.fields.map((f) => columnTitle(f, locale)),
    };
  }, [model, checkedSample, formFields, locale]);

  function edit(next: string) {
    setText(next);
    setConfirming(false);
    setServerProblems([]);
    setPublished(null);
  }

  async function confirmPublish() {
    if (!definition) return;
    try {
      const result = await publish({ variables: { definition } });
      setPublished(result.data?.publishLedger.version ?? null);
      setConfirming(false);
    } catch (error) {
      const found = fieldProblems(error);
      setServerProblems(
        found.length > 0
          ? found.map((p) => ({ line: lineOfPointer(text, p.path), path: p.path, message: p.message }))
          : [{ line: null, path: '', message: (error as Error).message }],
      );
      setConfirming(false);
    }
  }

  function download() {
    const blob = new Blob([`${text.trim()}\n`], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${definition?.key ?? 'ledger'}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  return (
    <DraftSampleProvider sample={sample}>
      <section className="designer" aria-labelledby="designer-title">
        <div className="ledger-head">
          <Link to="/admin/ledgers" className="back-link">
            ← {t('designer.listTitle')}
          </Link>
          <h2 id="designer-title">{definition ? textOf(definition.title, locale) : t('designer.title')}</h2>
          <button type="button" onClick={download} disabled={!definition}>
            {t('designer.export')}
          </button>
        </div>
        <div className="designer-body">
          <div className="designer-editor">
            {isNew && ledgers.length > 0 && (
              <TemplatePicker templates={ledgers} onPick={(copy) => edit(definitionText(copy))} />
            )}
            <textarea
              value={text}
              onChange={(e) => edit(e.target.value)}
              spellCheck={false}
              aria-label={t('designer.json')}
              data-testid="definition-json"
              rows={28}
            />
            <LedgerSettings definition={definition} isNew={isNew} onChange={(next) => edit(definitionText(next))} />
            <FillersPicker
              definition={definition}
              onChange={(fillers) => {
                if (!definition) return;
                const { fillers: _old, ...rest } = definition;
                edit(definitionText(fillers ? { ...rest, fillers } : rest));
              }}
            />
            <FieldList definition={definition} onChange={(next) => edit(definitionText(next))} />
            <FieldForm
              disabled={!definition}
              onSubmit={(field) =>
                definition && edit(definitionText({ ...definition, fields: [...definition.fields, field] }))
              }
            />
            <RuleList
              definition={definition}
              onChange={(rules) => definition && edit(definitionText({ ...definition, rules }))}
            />
            <MeasureList
              definition={definition}
              onChange={(measures) => definition && edit(definitionText({ ...definition, measures }))}
            />
            <DimensionList
              definition={definition}
              onChange={(dimensions) => definition && edit(definitionText({ ...definition, dimensions }))}
            />
            <FollowUpList
              definition={definition}
              ledgers={ledgers}
              onChange={(followUps) => definition && edit(definitionText({ ...definition, followUps }))}
            />
            {definition && (
              <TrackingForm
                key={JSON.stringify(definition.tracking ?? null)}
                tracking={definition.tracking}
                onChange={(tracking) => {
                  const { tracking: _old, ...rest } = definition;
                  edit(definitionText(tracking ? { ...rest, tracking } : rest));
                }}
              />
            )}
          </div>
          <div className="designer-side">
            {problems.length > 0 ? (
              <ul className="problems" data-testid="definition-problems" role="alert">
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.line !== null && <strong>{t('designer.line').replace('{n}', String(p.line))}</strong>} {p.path}{' '}
                    {p.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="ok">{t('designer.valid')}</p>
            )}
            {definition && preview && (
              <>
                <h3>{t('designer.preview')}</h3>
                <div className="designer-preview" data-testid="designer-preview">
                  <HotTable
                    themeName={HOT_THEME}
                    licenseKey={HOT_LICENSE}
                    sanitizer={HOT_SANITIZER}
                    data={preview.rows}
                    columns={preview.columns}
                    colHeaders={preview.titles}
                    rowHeaders
                    // a definition's columns are few: draw them all, so the preview scrolls like a picture
                    viewportColumnRenderingOffset={200}
                    height={140}
                    width="100%"
                  />
                </div>
                {checkedSample && (
                  <>
                    <h3>
                      {t('designer.phonePreview')}{' '}
                      <button type="button" className="link-button" onClick={() => setSampleEdits({})}>
                        {t('designer.resetSample')}
                      </button>
                    </h3>
                    <PhonePreview
                      fields={formFields}
                      held={sampleInputs}
                      checked={checkedSample}
                      onChange={(fieldKey, value) => setSampleEdits((now) => ({ ...now, [fieldKey]: value }))}
                    />
                  </>
                )}
                <h3>{t('designer.changes')}</h3>
                <ul data-testid="definition-changes">
                  {!changed && <li className="muted">{t('designer.noChanges')}</li>}
                  {changed && changes.length === 0 && <li className="muted">{t('designer.noTableChanges')}</li>}
                  {changes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
                {!confirming ? (
                  <button
                    type="button"
                    className="primary"
                    onClick={() => setConfirming(true)}
                    disabled={!changed || databaseProblems === null || databaseProblems.length > 0}
                    data-testid="publish"
                  >
                    {t('designer.publish')}
                  </button>
                ) : (
                  <ConfirmPublish
                    definition={definition}
                    current={current}
                    busy={publishing.loading}
                    onConfirm={() => void confirmPublish()}
                    onCancel={() => setConfirming(false)}
                  />
                )}
                {published !== null && (
                  <p className="ok" role="status" data-testid="published">
                    {t('designer.published').replace('{n}', String(published))}
                  </p>
                )}
                {changed && databaseProblems === null && <p className="muted">{t('designer.checking')}</p>}
              </>
            )}
            {current && (
              <VersionList
                ledgerKey={current.key}
                onLoad={(definition) => {
                  edit(definitionText(definition));
                  window.scrollTo({ top: 0 });
                }}
              />
            )}
          </div>
        </div>
      </section>
    </DraftSampleProvider>
  );
}
