import { ApolloError, useApolloClient, useMutation, useQuery } from '@apollo/client';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  currentPeriod,
  textOf,
  unitFills,
  validateRow,
  type LedgerModel,
  type RowProblem,
} from '@taizhang/ledger-core';
import { roleOf, type CurrentUser } from '../features/auth/auth.graphql';
import { errorMessage, fieldProblems } from '../features/auth/graphql-error';
import { FieldCard, type RowPicking } from '../features/forms/field-input';
import { REFERENCE_CHOICES } from '../features/grid/grid-backend';
import { REFERENCE_OPTIONS, type ReferenceOptionsAnswer } from '../features/grid/grid.graphql';
import {
  formFieldsOf,
  formInputs,
  startingInputs,
  type FormField,
  type HeldInput,
} from '../features/forms/form-inputs';
import {
  SAVE_ROW,
  SHEET_FIGURES,
  UNITS_FOR_FORM,
  type SaveRowAnswer,
  type UnitForForm,
} from '../features/forms/forms.graphql';
import { useLedgerModel } from '../features/ledgers/use-ledger-model';
import { useI18n } from '../i18n/i18n';

/** The server's reasons by field key ("" for the row as a whole), in the language asked for. */
type ServerProblems = Record<string, string[]>;

function byPath(problems: readonly { path: string; message: string }[]): ServerProblems {
  const grouped: ServerProblems = {};
  for (const { path, message } of problems) (grouped[path] ??= []).push(message);
  return grouped;
}

/**
 * A clerk's one-row form (/ledgers/:key/new): every field the clerk fills, one under the other,
 * for a phone at the counter. It checks as the grid does (each type's parse, the ledger's rules)
 * and saves through the same saveRows; then it is empty again for the next row.
 */
export function RowFormPage({ user }: { user: CurrentUser }) {
  const { key = '' } = useParams();
  const ledger = useLedgerModel(key);
  if (ledger.placeholder) return ledger.placeholder;
  return <RowForm key={`${key}:${ledger.version}`} user={user} model={ledger.model} />;
}

function RowForm({ user, model }: { user: CurrentUser; model: LedgerModel }) {
  const { t, locale, p } = useI18n();
  const role = roleOf(user);
  const definition = model.definition;
  const ledger = definition.key;
  const periodic = (definition.period ?? 'none') !== 'none';
  // today's sheet, as the grid opens it
  const [period] = useState(() => currentPeriod(definition.period, new Date()));
  const [unitId, setUnitId] = useState('');
  const units = useQuery<{ units: UnitForForm[] }>(UNITS_FOR_FORM, { skip: role !== 'admin' });
  const scopeUnit = role === 'admin' ? unitId || null : null;
  const canSave = role === 'clerk' || (role === 'admin' && scopeUnit !== null);

  const fields = useMemo(() => formFieldsOf(model.editable, locale), [model, locale]);
  // figures derived from other ledgers (当日办件量 from the window cases): shown, not asked
  const figures = model.fields.filter((field) => field.derive);
  const figuresNow = useQuery<{ sheet: { derived: Record<string, number> | null } }>(SHEET_FIGURES, {
    variables: { ledger, unitId: scopeUnit, period },
    skip: figures.length === 0 || !period || !canSave,
    fetchPolicy: 'network-only',
  });
  const fresh = () =>
    startingInputs(
      fields,
      locale,
      definition.periodField && definition.period === 'daily' && period ? { [definition.periodField]: period } : {},
    );
  const [held, setHeld] = useState<Record<string, HeldInput>>(fresh);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [server, setServer] = useState<ServerProblems>({});
  const [saved, setSaved] = useState<{ id: string; notes: string[] } | null>(null);
  const [save, saving] = useMutation<SaveRowAnswer>(SAVE_ROW, { fetchPolicy: 'no-cache' });
  const [failure, setFailure] = useState<string | null>(null);

  const checked = useMemo(() => validateRow(model, formInputs(fields, held), { input: 'text' }), [model, fields, held]);
  // a field's own problems once it was answered (or saving was tried); a rule's once anything was
  const shown = (problem: RowProblem) =>
    attempted || touched.has(problem.field) || (problem.rule !== undefined && touched.size > 0);
  const errorsOf = (key: string) => [
    ...checked.errors.filter((p) => p.field === key && shown(p)).map((p) => p.message[locale]),
    ...(server[key] ?? []),
  ];
  const warningsOf = (key: string) => checked.warnings.filter((p) => p.field === key).map((p) => p.message[locale]);
  const asked = new Set(fields.map(({ field }) => field.key));
  const elsewhere = (p: RowProblem) => !asked.has(p.field);
  const generalErrors = [
    ...checked.errors.filter((p) => elsewhere(p) && shown(p)).map((p) => p.message[locale]),
    ...Object.entries(server)
      .filter(([key]) => !asked.has(key))
      .flatMap(([, list]) => list),
  ];
  const generalWarnings = checked.warnings.filter(elsewhere).map((p) => p.message[locale]);

  function change(key: string, value: HeldInput) {
    setHeld((now) => ({ ...now, [key]: value }));
    setTouched((now) => new Set(now).add(key));
    setServer(({ [key]: _answered, ...rest }) => rest);
    setSaved(null);
  }

  async function submit() {
    setAttempted(true);
    setFailure(null);
    setSaved(null);
    if (checked.errors.length > 0) {
      requestAnimationFrame(() => document.querySelector('.field-card.has-error')?.scrollIntoView({ block: 'center' }));
      return;
    }
    const values = Object.fromEntries(fields.map(({ field }) => [field.key, checked.values[field.key] ?? null]));
    try {
      const answer = await save({
        variables: { ledger, unitId: scopeUnit, period: periodic ? period : null, values },
      });
      const result = answer.data?.saveRows.results[0];
      if (result?.status === 'SAVED' && result.row) {
        setSaved({ id: result.row.id, notes: (result.warnings ?? []).map((w) => w.message) });
        setHeld(fresh());
        setTouched(new Set());
        setAttempted(false);
        setServer({});
        window.scrollTo({ top: 0 });
      } else {
        setServer(byPath(result?.errors ?? []));
      }
    } catch (error) {
      const problems = fieldProblems(error);
      if (problems.length > 0) setServer(byPath(problems));
      else setFailure(error instanceof ApolloError ? errorMessage(error, t('grid.offline')) : String(error));
    }
  }

  const title = textOf(definition.title, locale);
  return (
    <section className="row-form-page" aria-labelledby="row-form-title">
      <Link to={`/ledgers/${ledger}`} className="back-link">
        ← {t('rowForm.back')}
      </Link>
      <h2 id="row-form-title">{title}</h2>
      {periodic && period && (
        <p className="muted row-form-period">
          {t('rowForm.period')} {period}
        </p>
      )}
      {role === 'admin' && (
        <label className="row-form-unit">
          {t('rowForm.unit')}
          <select
            className="field-box field-select"
            value={unitId}
            onChange={(event) => setUnitId(event.target.value)}
            data-testid="row-form-unit"
          >
            <option value="">{t('rowForm.pickUnit')}</option>
            {units.data?.units
              .filter((unit) => unit.active && unitFills(definition, unit))
              .map((unit) => (
                <option key={unit.id} value={unit.id}>
                  {unit.name}
                </option>
              ))}
          </select>
        </label>
      )}
      {role === 'leader' ? (
        <p className="muted">{t('rowForm.readOnly')}</p>
      ) : (
        <form
          className="row-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          {saved && (
            <div className="row-form-saved" role="status" data-testid="row-form-saved">
              <p>{t('rowForm.saved').replace('{id}', saved.id)}</p>
              {saved.notes.map((note) => (
                <p key={note}>{note}</p>
              ))}
            </div>
          )}
          {fields.map((entry) => (
            <RowFormField
              ledger={ledger}
              key={entry.field.key}
              entry={entry}
              unitId={scopeUnit}
              canRead={role === 'clerk' || scopeUnit !== null}
              value={held[entry.field.key] ?? null}
              errors={errorsOf(entry.field.key)}
              warnings={warningsOf(entry.field.key)}
              onChange={(value) => change(entry.field.key, value)}
            />
          ))}
          {figures.length > 0 && canSave && (
            <div className="form-figures" data-testid="form-figures">
              <p className="muted">{t('figure.formNote')}</p>
              <dl>
                {figures.map((field) => (
                  <div key={field.key}>
                    <dt>{textOf(field.title, locale)}</dt>
                    <dd data-testid={`figure-${field.key}`}>{figuresNow.data?.sheet.derived?.[field.key] ?? '—'}</dd>
                  </div>
                ))}
              </dl>
            </div>
          )}
          {(generalErrors.length > 0 || generalWarnings.length > 0 || failure) && (
            <div className="field-problems" data-testid="row-form-problems">
              {(generalErrors.length > 0 || failure) && (
                <p className="form-error" role="alert">
                  {[...generalErrors, ...(failure ? [failure] : [])].join(p.semi)}
                </p>
              )}
              {generalWarnings.map((warning) => (
                <p key={warning} className="field-warning">
                  {t('form.warning')}
                  {warning}
                </p>
              ))}
            </div>
          )}
          <div className="row-form-actions">
            {attempted && checked.errors.length > 0 && <p className="form-error">{t('rowForm.fixFirst')}</p>}
            {!canSave && <p className="muted">{t('rowForm.pickUnit')}</p>}
            <button type="submit" disabled={saving.loading || !canSave} data-testid="save-row">
              {saving.loading ? t('rowForm.saving') : t('rowForm.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

interface RowFormFieldProps {
  ledger: string;
  entry: FormField;
  unitId: string | null;
  /** Whether the unit's rows can be read (an admin must choose the unit first). */
  canRead: boolean;
  value: HeldInput;
  errors: string[];
  warnings: string[];
  onChange(value: HeldInput): void;
}

/** A field of the form; a row of another ledger is searched among that ledger's rows of the unit. */
function RowFormField({ ledger, entry, unitId, canRead, value, errors, warnings, onChange }: RowFormFieldProps) {
  const { field, form } = entry;
  const client = useApolloClient();
  const picking = useMemo<RowPicking | null>(
    () =>
      form.input === 'row' && canRead
        ? {
            search: async (search) => {
              const { data } = await client.query<ReferenceOptionsAnswer>({
                query: REFERENCE_OPTIONS,
                variables: { ledger, field: field.key, search, unitId, first: REFERENCE_CHOICES },
                fetchPolicy: 'no-cache',
              });
              return data.referenceOptions;
            },
          }
        : null,
    [client, ledger, field.key, form.input, unitId, canRead],
  );
  return (
    <FieldCard
      field={field}
      form={form}
      value={value}
      errors={errors}
      warnings={warnings}
      rowPicking={picking}
      // files go to the row's unit: an admin chooses it first
      fileUploading={canRead ? { ledger, unitId } : null}
      onChange={onChange}
    />
  );
}
