import { registerEditor } from 'handsontable/editors/registry';
import { shanghaiDate } from '@taizhang/ledger-core';
import { addDays, addMonths, monthGrid, timeOfDay } from './calendar-month';
import { DisplayTextEditor } from './display-text-editor';
import type { EditorWords } from './editor-words';
import { placeBeside } from './grid-popup';
import './grid-editors.css';

/** The editor's name in column settings. */
export const CALENDAR_EDITOR = 'calendarText';

/** A typed text read as the field type reads it: its Shanghai day, and its time (datetime) or null. */
export type CalendarRead = (
  text: string,
  row: Record<string, unknown> | null,
) => { day: string; time: string | null } | null;

/** What a date or datetime column gives its editor (column settings). */
export interface CalendarSettings {
  calendarRead: CalendarRead;
  /** A datetime: the popup has a time box, and a picked day is written with a time. */
  calendarTime: boolean;
  editorWords: EditorWords;
}

/**
 * A date or datetime cell's editor: the display-text editor (typing works as before — "12/5",
 * "12/5 9:30", "20261205 1145" are read by the field type) with a small calendar beside it that
 * follows what is typed. The calendar never takes the focus from the text:
 *
 *   a click on a day     writes that day (a datetime: with the time box's time, else 00:00) and saves
 *   Alt+↓                the arrow keys move the day (← → a day, ↑ ↓ a week, PageUp/PageDown a
 *                        month), the text following; Enter saves; Esc goes back to typing
 *   ‹ ›                  the month before and after
 *   the time box         (datetime) changes the time of the text; Enter saves
 */
export class CalendarTextEditor extends DisplayTextEditor {
  private popup: HTMLDivElement | null = null;
  private title: HTMLDivElement | null = null;
  private days: HTMLDivElement | null = null;
  private timeBox: HTMLInputElement | null = null;
  private hint: HTMLDivElement | null = null;
  /** The first of the month shown. */
  private month = '';
  private picked: string | null = null;
  private arrowKeys = false;

  private get settings(): CalendarSettings {
    return this.cellProperties as unknown as CalendarSettings;
  }

  override open(): void {
    super.open();
    const popup = this.ensurePopup();
    this.arrowKeys = false;
    popup.classList.toggle('has-time', this.settings.calendarTime);
    popup.classList.add('is-open');
    this.follow();
  }

  override close(): void {
    this.popup?.classList.remove('is-open', 'is-keys');
    super.close();
  }

  /** The text as the field type reads it, against the row (a bare time lands on the row's day). */
  private read(): { day: string; time: string | null } | null {
    const physical = this.row === null ? null : this.hot.toPhysicalRow(this.row);
    const row = physical === null ? null : (this.hot.getSourceDataAtRow(physical) as Record<string, unknown>);
    return this.settings.calendarRead?.(String(this.TEXTAREA.value), row) ?? null;
  }

  /** The calendar shows the month of what the text says (today's when it says no day yet). */
  private follow(): void {
    const read = this.read();
    this.picked = read?.day ?? null;
    // half typed ("12/"): the page stays where it is
    if (read || this.month === '' || this.TEXTAREA.value.trim() === '')
      this.month = `${(read?.day ?? shanghaiDate(new Date())).slice(0, 7)}-01`;
    if (this.timeBox && this.settings.calendarTime && read?.time) this.timeBox.value = read.time;
    else if (this.timeBox && !read) this.timeBox.value = '';
    this.render();
  }

  private textOf(day: string): string {
    if (!this.settings.calendarTime) return day;
    return `${day} ${timeOfDay(this.timeBox?.value ?? '') ?? this.read()?.time ?? '00:00'}`;
  }

  /** The grid scrolled or a column was resized: the calendar follows the cell. */
  override refreshDimensions(force?: boolean): void {
    super.refreshDimensions(force);
    if (this.popup && this.isOpened()) placeBeside(this.popup, this.TEXTAREA_PARENT);
  }

  private ensurePopup(): HTMLDivElement {
    if (this.popup) return this.popup;
    const doc = this.hot.rootDocument;
    const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string) => {
      const node = doc.createElement(tag);
      node.className = className;
      return node;
    };
    const popup = element('div', 'grid-popup calendar');
    popup.dataset.testid = 'calendar';
    const head = element('div', 'calendar-head');
    const previous = element('button', 'calendar-step');
    previous.type = 'button';
    previous.dataset.step = '-1';
    previous.textContent = '‹';
    previous.tabIndex = -1;
    const next = element('button', 'calendar-step');
    next.type = 'button';
    next.dataset.step = '1';
    next.textContent = '›';
    next.tabIndex = -1;
    this.title = element('div', 'calendar-title');
    head.append(previous, this.title, next);
    this.days = element('div', 'calendar-days');
    const time = element('label', 'calendar-time');
    this.timeBox = element('input', 'calendar-time-box');
    // a text box, not type=time: the native one's form (12 or 24 hours) follows the browser's language
    this.timeBox.type = 'text';
    this.timeBox.inputMode = 'numeric';
    this.timeBox.maxLength = 5;
    this.timeBox.placeholder = '09:30';
    time.append(element('span', 'calendar-time-label'), this.timeBox);
    this.hint = element('div', 'grid-popup-hint');
    popup.append(head, this.days, time, this.hint);
    // the text keeps the focus: days and arrows are clicked without taking it (the time box takes it)
    popup.addEventListener('mousedown', (event) => {
      if (event.target !== this.timeBox) event.preventDefault();
    });
    popup.addEventListener('click', this.clicked);
    this.timeBox.addEventListener('input', this.timeChanged);
    this.timeBox.addEventListener('focus', () => this.enableFullEditMode());
    // the time box's own keys (digits, arrows) are not the grid's; Enter, Tab and Esc are
    this.timeBox.addEventListener('keydown', (event) => {
      if (!['Enter', 'Tab', 'Escape'].includes(event.key)) event.stopPropagation();
    });
    (this.hot.rootPortalElement ?? this.hot.rootDocument.body).appendChild(popup);
    const follow = (event: Event) => {
      if (this.isOpened() && !(event instanceof InputEvent && event.isComposing)) this.follow();
    };
    this.TEXTAREA.addEventListener('input', follow);
    this.TEXTAREA.addEventListener('compositionend', follow);
    (this.TEXTAREA as HTMLElement).addEventListener('keydown', this.keyDown);
    this.popup = popup;
    return popup;
  }

  private clicked = (event: MouseEvent): void => {
    if (!this.isOpened() || !(event.target instanceof Element)) return;
    const day = event.target.closest<HTMLElement>('[data-date]')?.dataset.date;
    const step = event.target.closest<HTMLElement>('[data-step]')?.dataset.step;
    if (day) {
      this.setValue(this.textOf(day));
      this.finishEditing(false);
    } else if (step) {
      this.month = addMonths(this.month, Number(step));
      this.render();
    }
  };

  private timeChanged = (): void => {
    const day = this.read()?.day ?? this.picked;
    const time = timeOfDay(this.timeBox?.value ?? '');
    if (day && time) this.setValue(`${day} ${time}`);
  };

  private keyDown = (event: KeyboardEvent): void => {
    if (!this.isOpened() || event.isComposing || event.keyCode === 229) return;
    if (!this.arrowKeys) {
      if (event.key === 'ArrowDown' && event.altKey && !event.ctrlKey && !event.metaKey) {
        this.arrowKeys = true;
        this.moveTo(this.picked ?? shanghaiDate(new Date()));
        this.stop(event);
      }
      return;
    }
    const moves: Record<string, (day: string) => string> = {
      ArrowLeft: (day) => addDays(day, -1),
      ArrowRight: (day) => addDays(day, 1),
      ArrowUp: (day) => addDays(day, -7),
      ArrowDown: (day) => addDays(day, 7),
      PageUp: (day) => addMonths(day, -1),
      PageDown: (day) => addMonths(day, 1),
    };
    const move = moves[event.key];
    if (move && !event.ctrlKey && !event.metaKey) {
      this.moveTo(move(this.picked ?? shanghaiDate(new Date())));
      this.stop(event);
    } else if (event.key === 'Escape') {
      this.arrowKeys = false; // back to typing; a second Esc leaves the cell as it was
      this.render();
      this.stop(event);
    } else if (event.key !== 'Enter' && event.key !== 'Tab' && event.key !== 'Alt') {
      this.arrowKeys = false;
      this.render();
    }
  };

  private stop(event: KeyboardEvent): void {
    event.preventDefault();
    event.stopPropagation();
  }

  private moveTo(day: string): void {
    this.picked = day;
    this.month = `${day.slice(0, 7)}-01`;
    this.setValue(this.textOf(day));
    this.render();
  }

  private render(): void {
    const { popup, title, days, hint } = this;
    if (!popup || !title || !days || !hint) return;
    const { editorWords } = this.settings;
    const doc = this.hot.rootDocument;
    const [year, month] = this.month.split('-').map(Number);
    title.textContent = editorWords?.monthTitle(year, month) ?? this.month.slice(0, 7);
    const [previous, next] = popup.querySelectorAll<HTMLButtonElement>('.calendar-step');
    previous.title = editorWords?.previousMonth ?? '';
    next.title = editorWords?.nextMonth ?? '';
    const label = popup.querySelector('.calendar-time-label');
    if (label) label.textContent = editorWords?.time ?? '';
    const today = shanghaiDate(new Date());
    days.replaceChildren(
      ...(editorWords?.weekdays ?? []).map((name) => {
        const head = doc.createElement('span');
        head.className = 'calendar-weekday';
        head.textContent = name;
        return head;
      }),
      ...monthGrid(year, month).map(({ date, day, inMonth }) => {
        const button = doc.createElement('button');
        button.type = 'button';
        button.tabIndex = -1;
        button.className = 'calendar-day';
        button.classList.toggle('is-other', !inMonth);
        button.classList.toggle('is-today', date === today);
        button.classList.toggle('is-picked', date === this.picked);
        button.dataset.date = date;
        button.textContent = String(day);
        return button;
      }),
    );
    popup.classList.toggle('is-keys', this.arrowKeys);
    hint.textContent = editorWords?.calendarHint ?? '';
    placeBeside(popup, this.TEXTAREA_PARENT);
  }
}

registerEditor(CALENDAR_EDITOR, CalendarTextEditor);
