/** One day of a calendar page. */
export interface CalendarDay {
  /** YYYY-MM-DD */
  date: string;
  day: number;
  /** false: a day of the month before or after, shown to fill the weeks */
  inMonth: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');
const isoOf = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const utc = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * The six weeks shown for a month (1–12), Monday first as Chinese calendars have it: 42 days,
 * starting on the Monday on or before the 1st. Pure calendar arithmetic, no time zone: dates are
 * the ledger's wall dates.
 */
export function monthGrid(year: number, month: number): CalendarDay[] {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const back = (first.getUTCDay() + 6) % 7; // days since Monday
  return Array.from({ length: 42 }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1, 1 - back + i));
    return { date: isoOf(d), day: d.getUTCDate(), inMonth: d.getUTCMonth() === month - 1 };
  });
}

/** A date moved by days (negative: back). */
export function addDays(date: string, days: number): string {
  const d = utc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return isoOf(d);
}

/** A date moved by months, its day kept where the month has it, else the month's last day (1-31 → 2-28). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return isoOf(target);
}

/** A time typed into the calendar's time box, "9:30", "09:30" or "0930", as HH:mm; null if it is none. */
export function timeOfDay(text: string): string | null {
  const match = /^(\d{1,2}):?(\d{2})$/.exec(text.trim().replace('：', ':'));
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  return hours < 24 && minutes < 60 ? `${pad(hours)}:${pad(minutes)}` : null;
}
