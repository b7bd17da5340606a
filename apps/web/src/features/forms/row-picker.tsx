import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { HeldInput } from './form-inputs';

/** A row of another ledger a `row` input may pick: its id, what people know it by, and more of what it says. */
export interface RowChoice {
  id: string;
  label: string;
  hint?: string | null;
}

/** How a signed-in form finds the rows a reference may point at (the server's referenceOptions). */
export interface RowPicking {
  /** The rows whose text contains what is typed, best first. */
  search(text: string): Promise<RowChoice[]>;
  /** What a held value shows (a case number for "#12"), when known. */
  labelOf?(held: HeldInput): string | null;
  /** A row was picked (after onChange): the record pane gives it to the grid at once. */
  picked?(choice: RowChoice): void;
}

/** Time after the last keystroke before the server is asked. */
const SEARCH_DELAY_MS = 150;

const heldText = (value: HeldInput) => (value === null ? '' : String(value));

interface RowPickerProps {
  name: string;
  label: string;
  value: HeldInput;
  onChange(value: HeldInput): void;
  picking: RowPicking;
  describedBy?: string;
  required?: boolean;
  invalid?: boolean;
}

/**
 * A reference asked for in a form: a box where part of what the row says is typed (a case
 * number), and under it the rows that match, as the grid's picker lists them. A pick holds
 * "#<id>" (the field type reads it as that row) and shows the row's text; text typed without a
 * pick is held as it is, and the server resolves it or says what is wrong.
 */
export function RowPicker({ name, label, value, onChange, picking, describedBy, required, invalid }: RowPickerProps) {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState(() => picking.labelOf?.(value) ?? heldText(value));
  const [options, setOptions] = useState<RowChoice[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  /** The last search has been answered (until then "no row" is not said). */
  const [answered, setAnswered] = useState(false);
  /** What this box last gave: a value that differs came from outside (a reset, another row). */
  const given = useRef<HeldInput>(value);
  const asked = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    if (value === given.current) return;
    given.current = value;
    setText(picking.labelOf?.(value) ?? heldText(value));
    setOpen(false);
  }, [value, picking]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (query: string, delay: number) => {
    clearTimeout(timer.current);
    const ask = ++asked.current;
    setAnswered(false);
    timer.current = setTimeout(() => {
      picking.search(query.trim()).then(
        (found) => {
          if (ask !== asked.current) return; // an older search
          setOptions(found);
          setActive(0);
          setAnswered(true);
        },
        () => {
          if (ask !== asked.current) return;
          setOptions([]);
          setAnswered(true);
        },
      );
    }, delay);
  };
  const give = (next: HeldInput) => {
    given.current = next;
    onChange(next);
  };
  const pick = (choice: RowChoice) => {
    clearTimeout(timer.current);
    asked.current += 1;
    setText(choice.label);
    setOpen(false);
    give(`#${choice.id}`);
    picking.picked?.(choice);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        setOpen(true);
        search(text, 0);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (options.length > 0) setActive((active + step + options.length) % options.length);
    } else if (event.key === 'Enter' && open && options[active]) {
      event.preventDefault();
      event.stopPropagation(); // the pick, not the form's submit or the record pane's commit
      pick(options[active]);
    } else if (event.key === 'Escape' && open) {
      event.stopPropagation(); // the list closes, not the record pane
      setOpen(false);
    }
  };

  return (
    <div className="row-picker">
      <input
        id={`${name}-input`}
        className="field-box"
        type="text"
        role="combobox"
        autoComplete="off"
        placeholder={t('form.searchRow')}
        aria-label={label}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        aria-required={required || undefined}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && options[active] ? `${listId}-${active}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          give(event.target.value);
          search(event.target.value, SEARCH_DELAY_MS);
        }}
        // a tap or click lists the rows (the newest, while the box shows the current pick); a
        // focus alone does not (the record pane puts the focus in its first field on opening)
        onClick={() => {
          if (open) return;
          setOpen(true);
          search(text === (picking.labelOf?.(value) ?? heldText(value)) ? '' : text, 0);
        }}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {open && (
        <ul className="row-picker-list" role="listbox" id={listId} aria-label={label}>
          {answered && options.length === 0 && <li className="muted row-picker-empty">{t('form.noRow')}</li>}
          {options.map((option, i) => (
            <li
              key={option.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`row-picker-option${i === active ? ' is-active' : ''}`}
              // the box keeps the focus: a click picks
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(option)}
            >
              <strong>{option.label}</strong>
              {option.hint && <span className="muted"> {option.hint}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
