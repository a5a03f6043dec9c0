// Calm analytics in plain words: the periods the page offers (in my time zone), the days
// of a period (the report lists only days with activity; a chart needs every one), and the
// figures as people read them ("0.4", "12%", "3 h 20 min", "—" when there is nothing).

import type { AnalyticsDay } from './api/types';
import { fromZoned, zonedParts } from './time';

export type PeriodKind = '7d' | '30d' | 'month' | 'custom';

export const PERIODS: Array<[PeriodKind, string]> = [
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['month', 'This month'],
  ['custom', 'Custom…'],
];

export const DEFAULT_PERIOD: PeriodKind = '30d';

/** The longest period the server takes (366 days). */
export const MAX_DAYS = 366;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" → a UTC midnight in ms (a calendar day, independent of any zone). */
function dayMs(day: string): number | null {
  const m = DATE.exec(day);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? null : ms;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Today in my zone, "YYYY-MM-DD". */
export function today(): string {
  const p = zonedParts(Math.floor(Date.now() / 1000));
  return isoDay(Date.UTC(p.year, p.month - 1, p.day));
}

/** A day some days before or after another. */
export function addDays(day: string, n: number): string {
  const ms = dayMs(day);
  return ms === null ? day : isoDay(ms + n * DAY_MS);
}

/** How many days from `first` to `last`, both included (0 when last is before first). */
export function daysBetween(first: string, last: string): number {
  const a = dayMs(first);
  const b = dayMs(last);
  return a === null || b === null || b < a ? 0 : Math.round((b - a) / DAY_MS) + 1;
}

/** The start of a day in my zone, Unix seconds. */
function startOf(day: string): number {
  const m = DATE.exec(day)!;
  return fromZoned(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0);
}

export interface Period {
  kind: PeriodKind;
  /** First and last day, "YYYY-MM-DD", in my zone (both included). */
  first: string;
  last: string;
  /** What the API takes: the start of the first day to the start of the day after the last. */
  from: number;
  to: number;
}

/** A period's days; answers an error (in words) for a custom one that cannot be asked for. */
export function period(kind: PeriodKind, custom: { first: string; last: string }): Period | { error: string } {
  const now = today();
  let first = now;
  let last = now;
  if (kind === '7d') first = addDays(now, -6);
  else if (kind === '30d') first = addDays(now, -29);
  else if (kind === 'month') first = now.slice(0, 8) + '01';
  else {
    if (dayMs(custom.first) === null || dayMs(custom.last) === null) return { error: 'Pick the first and the last day.' };
    first = custom.first;
    last = custom.last;
    if (last < first) return { error: 'The last day is before the first one.' };
    if (daysBetween(first, last) > MAX_DAYS) return { error: `At most ${MAX_DAYS} days at a time.` };
  }
  const from = startOf(first);
  const to = startOf(addDays(last, 1));
  // The server counts seconds: 366 days across the end of summer time are an hour more.
  if (to - from > MAX_DAYS * 86_400) return { error: `At most ${MAX_DAYS} days at a time.` };
  return { kind, first, last, from, to };
}

/** Every day of a report's period, in the report's zone, with its figures (zero when the
 * report has none for it). */
export function everyDay(days: readonly AnalyticsDay[], from: number, to: number, timeZone: string): AnalyticsDay[] {
  const key = (ts: number) => {
    try {
      return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ts * 1000);
    } catch {
      return new Date(ts * 1000).toISOString().slice(0, 10);
    }
  };
  const known = new Map(days.map((d) => [d.date, d]));
  const out: AnalyticsDay[] = [];
  const last = key(to - 1);
  for (let day = key(from), i = 0; day <= last && i <= MAX_DAYS + 1; day = addDays(day, 1), i++) {
    out.push(known.get(day) ?? { date: day, posts: 0, posts_outside_working_hours: 0, pushes: 0, pushes_during_dnd: 0 });
  }
  return out;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** A calendar day as words: { weekday: 'short', day: 'numeric', month: 'short' } → "Tue 1 Dec". */
export function dayLabel(day: string, options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' }): string {
  const ms = dayMs(day);
  if (ms === null) return day;
  const key = JSON.stringify(options);
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
    dayFormats.set(key, f);
  }
  return f.format(ms + DAY_MS / 2);
}

/** "24 Nov – 1 Dec 2026", "1 – 30 Nov 2026", "Mon 1 Dec 2026". */
export function periodLabel(first: string, last: string): string {
  const a = dayMs(first);
  const b = dayMs(last);
  if (a === null || b === null) return '';
  if (a === b) return dayLabel(first, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  const f = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return f.formatRange(a + DAY_MS / 2, b + DAY_MS / 2);
}

const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

const small = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A figure with at most one decimal ("0.4", "12"); two for a small one that would read as
 * none ("0.03"), and "<0.01" below that. */
export function oneDecimal(n: number): string {
  if (n > 0 && n < 0.005) return '<0.01';
  return n > 0 && n < 0.1 ? small.format(n) : decimal.format(n);
}

/** A share as a whole percentage ("12%"); "<1%" for a little more than none. */
export function percent(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  return `${whole.format(share * 100)}%`;
}

/** Minutes as a duration people read: "<1 min", "45 min", "3 h 20 min", "2 days 4 h". */
export function duration(minutes: number | null | undefined): string {
  if (minutes == null) return '—';
  const m = Math.round(minutes);
  if (m < 1) return '<1 min';
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) {
    const h = Math.floor(m / 60);
    const rest = m % 60;
    return rest ? `${h} h ${rest} min` : `${h} h`;
  }
  const d = Math.floor(m / 1440);
  const h = Math.round((m % 1440) / 60);
  return h ? `${d} days ${h} h` : `${d} days`;
}

/** "1 post", "3 posts". */
export const count = (n: number, one: string, many = `${one}s`) => `${whole.format(n)} ${n === 1 ? one : many}`;
