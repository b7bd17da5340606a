import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { isComputedField, textOf, type FieldDefinition, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { bracketed } from '../../i18n/punctuation';
import { FieldCard, type RowPicking } from '../forms/field-input';
import { formFieldsOf, heldOf, inputOf, type FormField, type HeldInput } from '../forms/form-inputs';
import { attachmentsOf, holdsFiles } from '../attachments/attachment-value';
import { FileThumbnails } from '../attachments/file-thumbnails';
import { displayText, rowLabel } from './grid-columns';
import type { GridController, GridSnapshot } from './grid-controller';
import type { GridRow } from './grid-row';
import { RowLinks } from './row-links';

interface RecordPaneProps {
  model: LedgerModel;
  controller: GridController;
  /** Changes whenever the grid's rows or problems do: the pane reads the row again. */
  snapshot: GridSnapshot | null;
  rowKey: string;
  readOnly: boolean;
  onMove(rowKey: string): void;
  onClose(): void;
  /**
   * A submitted sheet: 申请更正 (a clerk) or 更正 (an admin) beside each field one may correct,
   * with what the button says; and the corrections applied to the row's fields (their marks).
   */
  correction?: {
    label: string;
    onCorrect(field: string): void;
    marks(field: string): string | null;
  } | null;
}

/** Inputs whose text is committed when the clerk leaves the field (or presses Enter), as a cell's is. */
const TYPED = new Set(['line', 'paragraph', 'calendar', 'row']);

/**
 * One row of the grid as a form, for ledgers too wide for a laptop: every field with its title,
 * help and problems, one under the other. What is given here goes into the grid's cell by the
 * controller's setValue, so it is saved, checked and undone exactly like typing in the cell.
 */
export function RecordPane({ model, controller, rowKey, readOnly, onMove, onClose, correction }: RecordPaneProps) {
  const { t, locale } = useI18n();
  const fields = useMemo(() => formFieldsOf(model.fields, locale), [model, locale]);
  const row = controller.rowByKey(rowKey);
  const number = controller.rowNumber(rowKey);
  const at = number === null ? null : number - 1;
  const previous = at === null ? null : controller.rowKeyAt(at - 1);
  const next = at === null ? null : controller.rowKeyAt(at + 1);
  const pane = useRef<HTMLElement>(null);
  /** Each field's way to give what is being typed in it to the grid. */
  const commits = useRef(new Map<string, () => void>());
  const firstInput = () =>
    pane.current?.querySelector<HTMLElement>('input:not([disabled]), textarea:not([disabled]), select:not([disabled])');
  // the pane takes the keyboard when it opens, so typing goes on in the form
  useEffect(() => {
    firstInput()?.focus();
  }, []);

  const move = (to: string | null) => {
    if (!to) return;
    // what is being typed goes to this row before the pane moves on
    for (const commit of commits.current.values()) commit();
    // the keyboard stays in the form: in the field it was in (the same field of the next row),
    // else in the first one — an input, which the grid leaves alone when it moves its cursor
    const active = document.activeElement;
    if (!(
      active instanceof HTMLElement &&
      pane.current?.contains(active) &&
      active.matches('input, textarea, select')
    )) {
      firstInput()?.focus();
    }
    controller.showRow(to);
    onMove(to);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      move(event.key === 'ArrowUp' ? previous : next);
    } else if (event.key === 'Escape') {
      onClose();
    }
  };

  const wholeRow = row ? controller.problemsAt(row, '') : [];
  return (
    <aside
      className="record-pane"
      data-testid="record-pane"
      data-row={number ?? ''}
      ref={pane}
      aria-label={t('record.open')}
      onKeyDown={onKeyDown}
      onFocus={() => controller.releaseKeyboard()}
    >
      <div className="record-head">
        <strong data-testid="record-title">{t('record.title').replace('{n}', String(number ?? '?'))}</strong>
        {readOnly && <span className="badge">{t('record.readOnly')}</span>}
        <span className="record-nav">
          <button type="button" onClick={() => move(previous)} disabled={!previous} data-testid="record-previous">
            {t('record.previous')}
          </button>
          <button type="button" onClick={() => move(next)} disabled={!next} data-testid="record-next">
            {t('record.next')}
          </button>
          <button type="button" className="link-button" onClick={onClose} data-testid="record-close">
            {t('record.close')}
          </button>
        </span>
      </div>
      {!row ? (
        <p className="muted">{t('record.gone')}</p>
      ) : (
        <>
          <p className="muted record-label">
            {rowLabel(model, row, locale, (field, value) => controller.cellText(field, value))}
          </p>
          {/* read again after each save of the row: a save may have made a follow-up row */}
          <RowLinks key={`${row.__key}:${row.__version}`} ledger={model.definition.key} row={row} />
          {wholeRow.map((problem) => (
            <p key={problem.message} className={problem.level === 'error' ? 'form-error' : 'field-warning'}>
              {problem.message}
            </p>
          ))}
          {/* a sheet to read: every input shown, none usable; a submitted sheet's fields each with 更正 beside */}
          <fieldset className="record-fields" disabled={readOnly && !correction}>
            {fields.map((entry) => {
              const field = (
                <RecordField
                  // by field only: moving to another row keeps the focused input where it is
                  key={entry.field.key}
                  commits={commits.current}
                  model={model}
                  controller={controller}
                  row={row}
                  entry={entry}
                  readOnly={readOnly}
                />
              );
              if (!correction) return field;
              const correctable =
                row.__id !== null &&
                (!isComputedField(entry.field) || Boolean(entry.field.derive)) &&
                entry.field.key !== model.definition.periodField;
              const mark = correction.marks(entry.field.key);
              return (
                <div key={entry.field.key} className="record-correctable" data-corrected={mark ? 'true' : undefined}>
                  <fieldset className="record-fields" disabled={readOnly}>
                    {field}
                  </fieldset>
                  {mark && (
                    <p className="correction-mark" data-testid={`record-corrected-${entry.field.key}`}>
                      ✎ {mark}
                    </p>
                  )}
                  {correctable && (
                    <button
                      type="button"
                      className="link-button correct-button"
                      onClick={() => correction.onCorrect(entry.field.key)}
                      data-testid={`correct-${entry.field.key}`}
                    >
                      {correction.label}
                    </button>
                  )}
                </div>
              );
            })}
          </fieldset>
        </>
      )}
    </aside>
  );
}

interface RecordFieldProps {
  model: LedgerModel;
  controller: GridController;
  row: GridRow;
  entry: FormField;
  readOnly: boolean;
  commits: Map<string, () => void>;
}

function RecordField({ model, controller, row, entry, readOnly, commits }: RecordFieldProps) {
  const { t, locale, p } = useI18n();
  const { field, form } = entry;
  const value = row[field.key];
  // what the cell holds, as the form holds it; text that does not parse is shown as typed
  const held: HeldInput =
    heldOf(form, field, value, locale) ?? (typeof value === 'string' && TYPED.has(form.input) ? value : null);
  // text being typed, not yet given to the grid
  const [draft, setDraft] = useState<HeldInput | undefined>(undefined);
  const problems = controller.problemsAt(row, field.key);
  const errors = problems.filter((p) => p.level === 'error').map((p) => p.message);
  const warnings = problems.filter((p) => p.level === 'warning').map((p) => p.message);

  const give = (next: HeldInput) => {
    setDraft(undefined);
    if (readOnly || JSON.stringify(next) === JSON.stringify(held)) return;
    controller.setValue(row.__key, field.key, inputOf(form, next));
  };
  const typed = TYPED.has(form.input);
  const rowPicking = form.input === 'row' ? recordRowPicking(model, controller, row, field, give) : null;
  // the pane commits every field before it moves to another row; a new row starts undrafted
  const commit = useRef<() => void>(() => undefined);
  commit.current = () => {
    if (typed && draft !== undefined) give(draft);
  };
  useEffect(() => {
    commits.set(field.key, () => commit.current());
    return () => void commits.delete(field.key);
  }, [commits, field.key]);
  useEffect(() => setDraft(undefined), [row.__key]);

  if (holdsFiles(model, field)) {
    // the files themselves, not a form input: a click previews, 管理文件 opens the grid's file panel
    const files = attachmentsOf(value);
    return (
      <div className="question-card field-card record-files" data-question={field.key}>
        <span className="record-computed-title">{textOf(field.title, locale)}</span>
        <FileThumbnails files={files} onOpen={(ref) => controller.attachmentActions.preview(ref, files)} />
        {files.length === 0 && <span className="muted">{t('files.empty')}</span>}
        {!readOnly && (
          <button
            type="button"
            className="link-button"
            onClick={() => controller.attachmentHandlers?.open(row.__key, field.key)}
            data-testid={`record-files-${field.key}`}
          >
            {t('files.manage')}
          </button>
        )}
      </div>
    );
  }
  if (field.derive)
    return <FigureField model={model} controller={controller} row={row} field={field} readOnly={readOnly} />;
  if (isComputedField(field)) {
    return (
      <div className="question-card field-card record-computed" data-question={field.key}>
        <span className="record-computed-title">
          {textOf(field.title, locale)} <span className="muted">{bracketed(p, t('record.computed'))}</span>
        </span>
        <output data-testid={`record-${field.key}`}>{displayText(model, field, value, locale) || '—'}</output>
      </div>
    );
  }

  return (
    <div
      className="record-field"
      onBlur={() => {
        if (typed && draft !== undefined) give(draft);
      }}
      onKeyDown={(event) => {
        // Enter gives a one-line text to the grid, as it does in a cell (a paragraph keeps its lines)
        if (event.key === 'Enter' && typed && form.input !== 'paragraph' && draft !== undefined) {
          event.preventDefault();
          give(draft);
        }
      }}
    >
      <FieldCard
        field={field}
        form={form}
        value={draft !== undefined ? draft : held}
        onChange={(next) => (typed ? setDraft(next) : give(next))}
        rowPicking={rowPicking}
        errors={errors}
        warnings={warnings}
      />
    </div>
  );
}

/**
 * A figure derived from another ledger (当日办件量 from the window cases): shown with where it
 * comes from; the clerk may set it by hand with a reason (调整), or give it back to the source.
 */
function FigureField({
  model,
  controller,
  row,
  field,
  readOnly,
}: {
  model: LedgerModel;
  controller: GridController;
  row: GridRow;
  field: FieldDefinition;
  readOnly: boolean;
}) {
  const { t, locale, p } = useI18n();
  const override = row.__overrides?.[field.key];
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setEditing(false), [row.__key]);
  const send = async (figure: number | null) => {
    setBusy(true);
    setProblem(await controller.overrideFigure(row.__key, field.key, figure, reason.trim()));
    setBusy(false);
  };
  const source = model.definition.key === field.derive!.ledger ? '' : field.derive!.ledger;
  return (
    <div className="question-card field-card record-figure" data-question={field.key}>
      <div className="record-computed">
        <span className="record-computed-title">
          {textOf(field.title, locale)}{' '}
          <span className="muted">{bracketed(p, override ? t('figure.overridden') : t('figure.derived'))}</span>
        </span>
        <output data-testid={`record-${field.key}`} className={override ? 'figure-overridden' : undefined}>
          {displayText(model, field, row[field.key], locale) || '—'}
        </output>
      </div>
      {field.help && <p className="muted figure-help">{textOf(field.help, locale)}</p>}
      {override && <p className="figure-reason">{controller.overrideText(override)}</p>}
      {!readOnly && row.__id && !editing && (
        <div className="figure-actions">
          <button
            type="button"
            className="link-button"
            data-source={source}
            onClick={() => {
              setValue(String(row[field.key] ?? ''));
              setReason(override?.reason ?? '');
              setProblem(null);
              setEditing(true);
            }}
          >
            {t('figure.override')}
          </button>
          {override && (
            <button type="button" className="link-button" disabled={busy} onClick={() => void send(null)}>
              {t('figure.restore')}
            </button>
          )}
        </div>
      )}
      {editing && (
        <form
          className="figure-form"
          onSubmit={(event) => {
            event.preventDefault();
            const figure = Number(value);
            if (value.trim() === '' || !Number.isFinite(figure)) return setProblem(t('figure.needValue'));
            if (reason.trim() === '') return setProblem(t('figure.needReason'));
            void send(figure).then(() => setEditing(false));
          }}
        >
          <label>
            {t('figure.value')}
            <input inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
          <label>
            {t('figure.reason')}
            <textarea value={reason} maxLength={500} rows={2} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="figure-actions">
            <button type="submit" disabled={busy}>
              {t('figure.save')}
            </button>
            <button type="button" className="link-button" onClick={() => setEditing(false)}>
              {t('figure.cancel')}
            </button>
          </div>
        </form>
      )}
      {problem && (
        <p className="figure-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

/**
 * A reference in the record pane is picked as in its cell: the grid's search (in the row's unit),
 * the text the cell shows, and a pick given to the grid at once (typed text waits for Enter or
 * leaving the field, as a cell's does).
 */
function recordRowPicking(
  model: LedgerModel,
  controller: GridController,
  row: GridRow,
  field: FieldDefinition,
  give: (next: HeldInput) => void,
): RowPicking {
  const grid = controller.referencePicking(field);
  const spec = model.spec(field);
  return {
    search: (text) => grid.search(text, (controller.rowNumber(row.__key) ?? 1) - 1),
    labelOf: (held) => {
      if (held === null) return null;
      const value = spec.normalize(held, field);
      return value.ok ? grid.text(value.value) : null;
    },
    picked: (choice) => {
      grid.picked(Number(choice.id), choice.label);
      give(`#${choice.id}`);
    },
  };
}
