import { useApolloClient, useQuery } from '@apollo/client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { textOf, validateRow, type LedgerModel, type RowProblem } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ConflictChoice } from '../grid/conflict-choice';
import { displayText } from '../grid/grid-columns';
import { REFERENCE_CHOICES } from '../grid/grid-backend';
import type { ServerRow } from '../grid/grid-row';
import { REFERENCE_OPTIONS, type ReferenceOptionsAnswer } from '../grid/grid.graphql';
import { FieldCard, type RowPicking } from './field-input';
import { formFieldsOf, formInputs, heldOf, startingInputs, type FormField, type HeldInput } from './form-inputs';
import { SHEET_FIGURES } from './forms.graphql';
import type { SheetSaving } from './use-sheet-saver';

/** The server's reasons by field key ("" for the row as a whole). */
type ServerProblems = Record<string, string[]>;

function byPath(problems: readonly { path: string; message: string }[]): ServerProblems {
  const grouped: ServerProblems = {};
  for (const { path, message } of problems) (grouped[path] ??= []).push(message);
  return grouped;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The row the form fills: a new one (base null) or one the server has, by the grid's row key. */
export interface FormTarget {
  key: string;
  base: ServerRow | null;
}

export interface RowFormProps {
  model: LedgerModel;
  target: FormTarget;
  saving: SheetSaving;
  /** The unit an admin chose (null: the clerk's own). */
  unitId: string | null;
  /** A clerk, or an admin with a unit chosen. */
  canSave: boolean;
  /** The sheet's period (periodic ledgers). */
  period: string | null;
  /** The server saved this row (its answer): the page shows it and goes on. */
  onSaved(key: string, row: ServerRow, notes: string[]): void;
  /** The other person's values were taken: the form shows the row as they left it. */
  onTheirs(key: string, row: ServerRow): void;
}

/**
 * One row as a form at phone size: every field the clerk fills, one under the other, with its
 * type's input, the ledger's checks as the grid makes them (validateRow), and the server's answer
 * per field. Saving hands the change to the sheet's save queue (GridSaver), the grid's own: kept in
 * this browser until the server answers, sent when online, never twice.
 */
export function RowForm({ model, target, saving, unitId, canSave, period, onSaved, onTheirs }: RowFormProps) {
  const { t, locale, p } = useI18n();
  const definition = model.definition;
  const ledger = definition.key;
  const { key, base } = target;
  const fields = useMemo(() => formFieldsOf(model.editable, locale), [model, locale]);
  // figures derived from other ledgers (当日办件量 from the window cases): shown, not asked
  const figures = model.fields.filter((field) => field.derive);
  const figuresNow = useQuery<{ sheet: { derived: Record<string, number> | null } }>(SHEET_FIGURES, {
    variables: { ledger, unitId, period },
    skip: figures.length === 0 || !period || !canSave,
    fetchPolicy: 'network-only',
  });
  const queued = saving.pending.find((change) => change.key === key) ?? null;
  // what the form starts with: the row as the server has it (or the definition's defaults), and
  // over it what this browser still has waiting for that row
  const [held, setHeld] = useState<Record<string, HeldInput>>(() => {
    const start = base
      ? Object.fromEntries(
          fields.map(({ field, form }) => [field.key, heldOf(form, field, base.values[field.key], locale)]),
        )
      : startingInputs(
          fields,
          locale,
          definition.periodField && definition.period === 'daily' && period ? { [definition.periodField]: period } : {},
        );
    for (const { field, form } of fields)
      if (queued && field.key in queued.values)
        start[field.key] = heldOf(form, field, queued.values[field.key], locale);
    return start;
  });
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // the server's reasons of its last answer, until the field is changed again
  const rejection = saving.saver.rejection(key);
  const [answeredFields, setAnsweredFields] = useState<ServerProblems>(() => byPath(rejection?.errors ?? []));
  useEffect(
    () => setAnsweredFields(byPath(saving.saver.rejection(key)?.errors ?? [])),
    [saving.saver, key, saving.answered],
  );
  const conflict = saving.saver.conflict(key);

  // the server's answer to this row
  // (answers given before the form opened are not this form's)
  const seen = useRef(saving.answered);
  useEffect(() => {
    if (saving.answered === seen.current) return;
    seen.current = saving.answered;
    const answer = saving.answers.get(key);
    if (answer?.status === 'SAVED' && answer.row && !saving.pending.some((change) => change.key === key))
      onSaved(
        key,
        answer.row,
        (answer.warnings ?? []).filter((w) => w.path === '').map((w) => w.message),
      );
  }, [saving, key, onSaved]);

  const checked = useMemo(() => validateRow(model, formInputs(fields, held), { input: 'text' }), [model, fields, held]);
  const shown = (problem: RowProblem) =>
    attempted || touched.has(problem.field) || (problem.rule !== undefined && touched.size > 0);
  const errorsOf = (fieldKey: string) => [
    ...checked.errors.filter((x) => x.field === fieldKey && shown(x)).map((x) => x.message[locale]),
    ...(answeredFields[fieldKey] ?? []),
  ];
  const warningsOf = (fieldKey: string) =>
    checked.warnings.filter((x) => x.field === fieldKey).map((x) => x.message[locale]);
  const asked = new Set(fields.map(({ field }) => field.key));
  const elsewhere = (x: RowProblem) => !asked.has(x.field);
  const generalErrors = [
    ...checked.errors.filter((x) => elsewhere(x) && shown(x)).map((x) => x.message[locale]),
    ...Object.entries(answeredFields)
      .filter(([fieldKey]) => !asked.has(fieldKey))
      .flatMap(([, list]) => list),
  ];
  const generalWarnings = checked.warnings.filter(elsewhere).map((x) => x.message[locale]);

  function change(fieldKey: string, value: HeldInput) {
    setHeld((now) => ({ ...now, [fieldKey]: value }));
    setTouched((now) => new Set(now).add(fieldKey));
    setAnsweredFields(({ [fieldKey]: _answered, ...rest }) => rest);
    setNote(null);
  }

  function submit() {
    setAttempted(true);
    setNote(null);
    if (checked.errors.length > 0) {
      requestAnimationFrame(() => document.querySelector('.field-card.has-error')?.scrollIntoView({ block: 'center' }));
      return;
    }
    const valueOf = (fieldKey: string) => checked.values[fieldKey] ?? null;
    if (base) {
      // an existing row: the fields changed, as the grid sends them (and those still waiting)
      const values = Object.fromEntries(
        fields
          .map(({ field }) => field.key)
          .filter(
            (fieldKey) => !same(valueOf(fieldKey), base.values[fieldKey]) || (queued && fieldKey in queued.values),
          )
          .map((fieldKey) => [fieldKey, valueOf(fieldKey)]),
      );
      if (Object.keys(values).length === 0) {
        setNote(t('rowForm.nothingChanged'));
        return;
      }
      saving.saver.edit(key, base.id, base.version, values);
    } else {
      saving.saver.edit(
        key,
        null,
        null,
        Object.fromEntries(fields.map(({ field }) => [field.key, valueOf(field.key)])),
      );
    }
    setAnsweredFields({});
    saving.saver.schedule(0);
    // files taken offline go first (the change waits for them), if the network is back already
    void saving.files.send();
    saving.touched();
  }

  const offline = saving.status.state === 'offline' || saving.status.holdReason === 'network' || !navigator.onLine;
  const waiting = queued !== null && !queued.held;
  return (
    <form
      className="row-form"
      noValidate
      data-row={key}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {conflict && (
        <div className="row-form-conflict" role="alert" data-testid="row-form-conflict">
          <p>{t('rowForm.conflict')}</p>
          <ConflictChoice
            conflict={conflict}
            fieldTitle={(fieldKey) => {
              const field = model.byKey.get(fieldKey);
              return field ? textOf(field.title, locale) : t('grid.wholeRow');
            }}
            show={(fieldKey, value) => {
              const field = model.byKey.get(fieldKey);
              return (field ? displayText(model, field, value, locale) : String(value ?? '')) || '—';
            }}
            onKeepMine={() => {
              saving.saver.keepMine(key);
              saving.touched();
            }}
            onTakeTheirs={() => {
              const decided = saving.saver.takeTheirs(key);
              saving.touched();
              if (decided) onTheirs(key, decided.theirs);
            }}
          />
        </div>
      )}
      {rejection && (
        <p className="form-error" role="alert" data-testid="row-form-rejected">
          {t('rowForm.rejected')}
        </p>
      )}
      {fields.map((entry) => (
        <RowFormField
          ledger={ledger}
          key={entry.field.key}
          saving={saving}
          entry={entry}
          unitId={unitId}
          canRead={canSave}
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
                <dd data-testid={`figure-${field.key}`}>
                  {base
                    ? displayText(model, field, base.values[field.key], locale) || '—'
                    : (figuresNow.data?.sheet.derived?.[field.key] ?? '—')}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {(generalErrors.length > 0 || generalWarnings.length > 0) && (
        <div className="field-problems" data-testid="row-form-problems">
          {generalErrors.length > 0 && (
            <p className="form-error" role="alert">
              {generalErrors.join(p.semi)}
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
        {note && <p className="muted">{note}</p>}
        {waiting && (
          <p className={offline ? 'warn' : 'muted'} role="status" data-testid="row-form-waiting">
            {offline ? t('rowForm.kept') : t('rowForm.saving')}
          </p>
        )}
        {!canSave && <p className="muted">{t('rowForm.pickUnit')}</p>}
        <button type="submit" disabled={!canSave || conflict !== undefined} data-testid="save-row">
          {t('rowForm.save')}
        </button>
      </div>
    </form>
  );
}

interface RowFormFieldProps {
  ledger: string;
  saving: SheetSaving;
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
function RowFormField({
  ledger,
  saving,
  entry,
  unitId,
  canRead,
  value,
  errors,
  warnings,
  onChange,
}: RowFormFieldProps) {
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
      // (offline: kept on the device, uploaded before the row is sent)
      fileUploading={canRead ? { ledger, unitId, offline: saving.files } : null}
      onChange={onChange}
    />
  );
}
