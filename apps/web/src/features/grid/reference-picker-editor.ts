import { registerEditor } from 'handsontable/editors/registry';
import { TextEditor } from 'handsontable/editors/textEditor';
import type { EditorWords } from './editor-words';
import type { ReferenceOption } from './grid.graphql';
import { placeBeside } from './grid-popup';
import './grid-editors.css';

/** The editor's name in column settings. */
export const REFERENCE_EDITOR = 'referencePicker';

/** Time after the last keystroke before the server is asked (a clerk types a case number fast). */
const SEARCH_DELAY_MS = 150;

/** How a reference column reaches the rows it may point at (the grid controller provides it). */
export interface ReferencePicking {
  /** The rows whose text contains what is typed, best first, in the unit of the row at `visualRow`. */
  search(text: string, visualRow: number): Promise<ReferenceOption[]>;
  /** What the cell shows for a value: what its row says (a case number), else `#id`. */
  text(value: unknown): string;
  /** A row was picked: the grid knows from now on what that id shows. */
  picked(id: number, label: string): void;
}

/** What a reference column gives its editor (column settings). */
export interface ReferenceSettings {
  referencePicking: ReferencePicking;
  editorWords: EditorWords;
}

/**
 * A reference cell's editor: the grid's waiting textarea is a search box, and a list beside the
 * cell shows the rows of the referred ledger (in the row's unit) whose text contains what is
 * typed, as the server ranks them (exact, prefix, contains).
 *
 *   typing        searches (150 ms after the last key; an input method's pinyin is not searched)
 *   ↑ ↓           move the highlight
 *   Enter, Tab    pick the highlighted row (Enter before the answer came: the first one, when it comes);
 *                 with the box emptied: the cell is cleared
 *   a click       on a row picks it
 *   Esc           the cell as it was
 *
 * The cell keeps the picked row's id and shows what the row says. Text committed without a pick
 * (no row matched) goes to the server as typed, which resolves it or names the problem.
 */
export class ReferencePickerEditor extends TextEditor {
  private options: ReferenceOption[] = [];
  private active = 0;
  private chosen: ReferenceOption | null = null;
  /** The box opened with the cell's own text (F2, Enter, a double click), not with a typed key. */
  private fromCell = false;
  private openedWith = '';
  /** Arrow keys moved the highlight: Enter picks even in an emptied box. */
  private moved = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to older searches are dropped. */
  private asked = 0;
  private searching = false;
  /** Enter came before the answer: the first row is picked when it comes. */
  private pickWhenAnswered = false;
  private popup: HTMLDivElement | null = null;
  private list: HTMLUListElement | null = null;
  private empty: HTMLDivElement | null = null;
  private hint: HTMLDivElement | null = null;

  private get settings(): ReferenceSettings {
    return this.cellProperties as unknown as ReferenceSettings;
  }

  override beginEditing(newInitialValue?: unknown, event?: Event): void {
    this.options = [];
    this.active = 0;
    this.chosen = null;
    this.moved = false;
    this.pickWhenAnswered = false;
    this.fromCell = typeof newInitialValue !== 'string';
    // a key typed starts the search with it; F2/Enter opens with what the cell shows
    this.openedWith = this.fromCell ? this.settings.referencePicking.text(this.originalValue) : String(newInitialValue);
    super.beginEditing(this.openedWith, event);
  }

  override open(): void {
    super.open();
    const popup = this.ensurePopup();
    this.TEXTAREA.placeholder = this.settings.editorWords?.referenceSearch ?? '';
    popup.classList.add('is-open');
    this.search(0);
  }

  override close(): void {
    clearTimeout(this.timer);
    this.asked += 1;
    this.searching = false;
    this.popup?.classList.remove('is-open');
    this.TEXTAREA.placeholder = '';
    super.close();
  }

  /** The picked row's id; the cell's own value when nothing changed; else the text as typed. */
  override getValue(): unknown {
    if (this.chosen) return Number(this.chosen.id);
    const typed = this.TEXTAREA.value;
    if (this.fromCell && typed === this.openedWith) return this.originalValue;
    return typed;
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
    popup.className = 'grid-popup reference-picker';
    popup.dataset.testid = 'reference-picker';
    this.list = doc.createElement('ul');
    this.list.className = 'pick-many-list';
    this.list.setAttribute('role', 'listbox');
    this.empty = doc.createElement('div');
    this.empty.className = 'pick-many-empty';
    this.hint = doc.createElement('div');
    this.hint.className = 'grid-popup-hint';
    popup.append(this.list, this.empty, this.hint);
    // a click picks without taking the focus from the search box
    popup.addEventListener('mousedown', (event) => event.preventDefault());
    popup.addEventListener('click', this.clicked);
    (this.hot.rootPortalElement ?? doc.body).appendChild(popup);
    (this.TEXTAREA as HTMLElement).addEventListener('keydown', this.keyDown);
    // searched by what an input method commits, not by the pinyin it is composing
    const typed = (event: Event) => {
      if (!this.isOpened() || (event instanceof InputEvent && event.isComposing)) return;
      this.chosen = null;
      this.moved = false;
      this.search(SEARCH_DELAY_MS);
    };
    this.TEXTAREA.addEventListener('input', typed);
    this.TEXTAREA.addEventListener('compositionend', typed);
    this.popup = popup;
    return popup;
  }

  private search(delay: number): void {
    clearTimeout(this.timer);
    const asked = ++this.asked;
    this.searching = true;
    this.refresh();
    this.timer = setTimeout(() => {
      const visualRow = this.row ?? 0;
      this.settings.referencePicking.search(this.TEXTAREA.value.trim(), visualRow).then(
        (options) => this.answered(asked, options),
        () => this.answered(asked, []),
      );
    }, delay);
  }

  private answered(asked: number, options: ReferenceOption[]): void {
    if (asked !== this.asked || !this.isOpened()) return;
    this.searching = false;
    this.options = options;
    this.active = 0;
    if (this.pickWhenAnswered) {
      this.pickWhenAnswered = false;
      if (options[0]) this.choose(options[0]);
      this.finishEditing();
      return;
    }
    this.refresh();
  }

  private choose(option: ReferenceOption): void {
    this.chosen = option;
    this.settings.referencePicking.picked(Number(option.id), option.label);
  }

  private clicked = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-index]') : null;
    const option = target ? this.options[Number(target.dataset.index)] : undefined;
    if (!option || !this.isOpened()) return;
    this.choose(option);
    this.finishEditing();
  };

  /** Keys the list answers; the rest go on to the grid (Enter and Tab commit there, Esc cancels). */
  private keyDown = (event: KeyboardEvent): void => {
    if (!this.isOpened() || event.isComposing || event.keyCode === 229) return; // an input method's own keys
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (this.options.length > 0) this.active = (this.active + step + this.options.length) % this.options.length;
      this.moved = true;
      event.preventDefault();
      event.stopPropagation(); // not the grid's cursor
      this.refresh();
      return;
    }
    if ((event.key !== 'Enter' && event.key !== 'Tab') || event.shiftKey) return;
    const blank = this.TEXTAREA.value.trim() === '';
    if (blank && !this.moved) return; // an emptied box clears the cell
    // the cell's own text, untouched: Enter leaves it as it is
    if (this.fromCell && this.TEXTAREA.value === this.openedWith && !this.moved) return;
    if (this.searching && event.key === 'Enter') {
      // typed fast and pressed Enter: the best row, once the server has said which
      this.pickWhenAnswered = true;
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    const current = this.options[this.active];
    if (current) this.choose(current);
  };

  private refresh(): void {
    const { popup, list, empty, hint } = this;
    if (!popup || !list || !empty || !hint) return;
    const words = this.settings.editorWords;
    const doc = this.hot.rootDocument;
    list.replaceChildren(
      ...this.options.map((option, i) => {
        const item = doc.createElement('li');
        item.className = 'pick-many-option reference-option';
        item.classList.toggle('is-active', i === this.active);
        item.dataset.index = String(i);
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', String(i === this.active));
        const label = doc.createElement('span');
        label.className = 'reference-label';
        label.textContent = option.label;
        item.append(label);
        if (option.hint) {
          const more = doc.createElement('span');
          more.className = 'reference-hint';
          more.textContent = option.hint;
          item.append(more);
        }
        return item;
      }),
    );
    empty.textContent = this.searching ? (words?.referenceSearching ?? '') : (words?.referenceNone ?? '');
    empty.hidden = this.options.length > 0 && !this.searching;
    hint.textContent = words?.referenceHint ?? '';
    const activeItem = list.children[this.active] as HTMLElement | undefined;
    if (activeItem) {
      // the highlighted row in view, without scrolling the page or the grid
      if (activeItem.offsetTop < list.scrollTop) list.scrollTop = activeItem.offsetTop;
      else if (activeItem.offsetTop + activeItem.offsetHeight > list.scrollTop + list.clientHeight)
        list.scrollTop = activeItem.offsetTop + activeItem.offsetHeight - list.clientHeight;
    }
    placeBeside(popup, this.TEXTAREA_PARENT);
  }
}

registerEditor(REFERENCE_EDITOR, ReferencePickerEditor);
