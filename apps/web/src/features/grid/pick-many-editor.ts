import type Handsontable from 'handsontable/base';
import { registerEditor } from 'handsontable/editors/registry';
import { TextEditor } from 'handsontable/editors/textEditor';
import { filterChoices, pickedValues, togglePicked, type ChoiceOption } from './choice-filter';
import type { EditorWords } from './editor-words';
import { placeBeside } from './grid-popup';
import './grid-editors.css';

/** The editor's name in column settings. */
export const PICK_MANY_EDITOR = 'pickMany';

/** What a pick-many column gives its editor (column settings). */
export interface PickManySettings {
  choiceOptions: ChoiceOption[];
  editorWords: EditorWords;
}

/**
 * A multichoice cell's editor: the grid's waiting textarea is its search box, so what a clerk
 * types — Latin letters or Chinese through an input method — filters the options' labels at once,
 * and a list beside the cell shows them with the ones picked ticked.
 *
 *   typing        filters (the label contains it; an option's own value, "A", matches too)
 *   ↑ ↓           move the highlight
 *   Enter         with text typed: picks (or unpicks) the highlighted option and empties the box;
 *                 with the box empty: done — the picks are saved and the cursor moves on, as Enter does
 *   Space         with the box empty: picks or unpicks the highlighted option
 *   Backspace     with the box empty: unpicks the last one picked
 *   a click       on an option picks or unpicks it; on a chip unpicks it
 *   Tab           saves and goes on to the next cell; Esc: the cell as it was
 *
 * The cell keeps the options' values (["A","H"]); the clerk only ever sees labels.
 */
export class PickManyEditor extends TextEditor {
  private picked: string[] = [];
  private shown: ChoiceOption[] = [];
  private active = 0;
  private popup: HTMLDivElement | null = null;
  private chips: HTMLDivElement | null = null;
  private list: HTMLUListElement | null = null;
  private empty: HTMLDivElement | null = null;
  private hint: HTMLDivElement | null = null;

  private get settings(): PickManySettings {
    const props = this.cellProperties as Partial<PickManySettings>;
    return { choiceOptions: props.choiceOptions ?? [], editorWords: props.editorWords! };
  }

  override beginEditing(newInitialValue?: unknown, event?: Event): void {
    this.picked = pickedValues(this.originalValue);
    this.active = 0;
    // the box holds what is searched for, never the cell's value: F2 and Enter open it empty
    super.beginEditing(typeof newInitialValue === 'string' ? newInitialValue : '', event);
  }

  override open(): void {
    super.open();
    const popup = this.ensurePopup();
    this.TEXTAREA.placeholder = this.settings.editorWords?.search ?? '';
    popup.classList.add('is-open');
    this.refresh();
  }

  override close(): void {
    this.popup?.classList.remove('is-open');
    this.TEXTAREA.placeholder = '';
    super.close();
  }

  /** The picks; the cell's own value when they are the same, so that opening and closing changes nothing. */
  override getValue(): unknown {
    const before = pickedValues(this.originalValue);
    const same = before.length === this.picked.length && before.every((v, i) => v === this.picked[i]);
    return same ? this.originalValue : [...this.picked];
  }

  /** The grid scrolled or a column was resized: the list follows the cell. */
  override refreshDimensions(force?: boolean): void {
    super.refreshDimensions(force);
    if (this.popup && this.isOpened()) placeBeside(this.popup, this.TEXTAREA_PARENT);
  }

  private ensurePopup(): HTMLDivElement {
    if (this.popup) return this.popup;
    const doc = this.hot.rootDocument;
    const popup = doc.createElement('div');
    popup.className = 'grid-popup pick-many';
    popup.dataset.testid = 'pick-many';
    this.chips = doc.createElement('div');
    this.chips.className = 'pick-many-chips';
    this.list = doc.createElement('ul');
    this.list.className = 'pick-many-list';
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-multiselectable', 'true');
    this.empty = doc.createElement('div');
    this.empty.className = 'pick-many-empty';
    this.hint = doc.createElement('div');
    this.hint.className = 'grid-popup-hint';
    popup.append(this.chips, this.list, this.empty, this.hint);
    // clicks pick without taking the focus from the search box
    popup.addEventListener('mousedown', (event) => event.preventDefault());
    popup.addEventListener('click', this.clicked);
    (this.hot.rootPortalElement ?? this.hot.rootDocument.body).appendChild(popup);
    (this.TEXTAREA as HTMLElement).addEventListener('keydown', this.keyDown);
    // filtered by what an input method commits, not by the pinyin it is composing
    const filter = (event: Event) => {
      if (!this.isOpened() || (event instanceof InputEvent && event.isComposing)) return;
      this.active = 0;
      this.refresh();
    };
    this.TEXTAREA.addEventListener('input', filter);
    this.TEXTAREA.addEventListener('compositionend', filter);
    this.popup = popup;
    return popup;
  }

  private clicked = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-value]') : null;
    if (!target || !this.isOpened()) return;
    this.picked = togglePicked(this.picked, target.dataset.value!);
    this.refresh();
  };

  /** Keys the list answers; the rest go on to the grid (Enter on an empty box, Tab, Esc, ← →). */
  private keyDown = (event: KeyboardEvent): void => {
    if (!this.isOpened() || event.isComposing || event.keyCode === 229) return; // an input method's own keys
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const query = this.TEXTAREA.value;
    const blank = query.trim() === '';
    const current = this.shown[this.active];
    let handled = true;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (this.shown.length > 0) this.active = (this.active + step + this.shown.length) % this.shown.length;
    } else if (event.key === 'Enter' && !event.shiftKey && !blank) {
      if (current) {
        this.picked = togglePicked(this.picked, current.value);
        this.TEXTAREA.value = '';
        this.active = 0;
      }
    } else if (event.key === ' ' && blank) {
      if (current) this.picked = togglePicked(this.picked, current.value);
      this.TEXTAREA.value = '';
    } else if (event.key === 'Backspace' && query === '' && this.picked.length > 0) {
      this.picked = this.picked.slice(0, -1);
    } else {
      handled = false;
    }
    if (!handled) return;
    // the grid (Handsontable's keys, the controller's Enter into a new row) never sees it
    event.preventDefault();
    event.stopPropagation();
    this.refresh();
  };

  private refresh(): void {
    const { popup, chips, list, empty, hint } = this;
    if (!popup || !chips || !list || !empty || !hint) return;
    const { choiceOptions, editorWords } = this.settings;
    const doc = this.hot.rootDocument;
    const labelOf = new Map(choiceOptions.map((o) => [o.value, o.label]));
    chips.replaceChildren(
      ...this.picked.map((value) => {
        const chip = doc.createElement('span');
        chip.className = 'cell-chip';
        chip.dataset.value = value;
        chip.textContent = labelOf.get(value) ?? value;
        return chip;
      }),
    );
    chips.hidden = this.picked.length === 0;
    this.shown = filterChoices(choiceOptions, this.TEXTAREA.value);
    this.active = Math.min(this.active, Math.max(0, this.shown.length - 1));
    list.replaceChildren(
      ...this.shown.map((option, i) => {
        const item = doc.createElement('li');
        const picked = this.picked.includes(option.value);
        item.className = 'pick-many-option';
        item.classList.toggle('is-active', i === this.active);
        item.classList.toggle('is-picked', picked);
        item.dataset.value = option.value;
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', String(picked));
        const mark = doc.createElement('span');
        mark.className = 'pick-many-mark';
        mark.textContent = picked ? '✓' : '';
        const label = doc.createElement('span');
        label.textContent = option.label;
        item.append(mark, label);
        return item;
      }),
    );
    empty.textContent = editorWords?.none ?? '';
    empty.hidden = this.shown.length > 0;
    hint.textContent = editorWords?.choicesHint ?? '';
    const activeItem = list.children[this.active] as HTMLElement | undefined;
    if (activeItem) {
      // the highlighted option in view, without scrolling the page or the grid
      if (activeItem.offsetTop < list.scrollTop) list.scrollTop = activeItem.offsetTop;
      else if (activeItem.offsetTop + activeItem.offsetHeight > list.scrollTop + list.clientHeight)
        list.scrollTop = activeItem.offsetTop + activeItem.offsetHeight - list.clientHeight;
    }
    placeBeside(popup, this.TEXTAREA_PARENT);
  }
}

/**
 * A multichoice cell as chips of its options' labels (in the interface language). Text kept as
 * typed, or a value that is no option, is shown by the base renderer as it is (it is the cell's error).
 */
export function pickManyRenderer(
  base: Handsontable.renderers.BaseRenderer,
  options: ChoiceOption[],
  separator: string,
): Handsontable.renderers.BaseRenderer {
  const labelOf = new Map(options.map((o) => [o.value, o.label]));
  return (instance, td, row, col, prop, value, cellProperties) => {
    base(instance, td, row, col, prop, value, cellProperties);
    const values = pickedValues(value);
    if (values.length === 0 || values.some((v) => !labelOf.has(v))) return;
    const doc = td.ownerDocument;
    // in a row that shrinks the chips (ellipsis) rather than cutting the last one off at the cell's edge
    const chips = doc.createElement('div');
    chips.className = 'cell-chips';
    chips.append(
      ...values.map((v) => {
        const chip = doc.createElement('span');
        chip.className = 'cell-chip';
        chip.textContent = labelOf.get(v)!;
        return chip;
      }),
    );
    td.replaceChildren(chips);
    if (!td.title) td.title = values.map((v) => labelOf.get(v)).join(separator);
  };
}

registerEditor(PICK_MANY_EDITOR, PickManyEditor);
