// Times as people read them, in the signed-in user's own time zone (from their account,
// not the browser's), so "10:02" means the same thing on every device they use.
// API timestamps are Unix seconds.

let zone: string | undefined;

export function setUserTimeZone(tz: string | undefined): void {
  try {
    // An unknown zone throws here, not later while rendering.
    new Intl.DateTimeFormat(undefined, { timeZone: tz });
    zone = tz;
  } catch {
    zone = undefined;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function format(options: Intl.DateTimeFormatOptions, timeZone = zone): Intl.DateTimeFormat {
  const key = JSON.stringify([options, timeZone]);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

const dayKey = (ts: number, timeZone = zone) =>
  format({ year: 'numeric', month: '2-digit', day: '2-digit' }, timeZone).format(ts * 1000);

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** "Mon 30 Nov 2026, 14:05" — for title attributes and anywhere exactness matters. */
export function absoluteTime(ts: number, timeZone = zone): string {
  return format({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' }, timeZone).format(ts * 1000);
}

/** "14:05" today, "Yesterday", "Mon", "12 Nov", "12 Nov 2025" — short, for lists. */
export function shortTime(ts: number): string {
  const now = nowSeconds();
  if (dayKey(ts) === dayKey(now)) return format({ hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
  if (dayKey(ts) === dayKey(now - 86400)) return 'Yesterday';
  if (now - ts < 6 * 86400 && ts < now) return format({ weekday: 'short' }).format(ts * 1000);
  const sameYear = format({ year: 'numeric' }).format(ts * 1000) === format({ year: 'numeric' }).format(now * 1000);
  return format(sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' }).format(ts * 1000);
}

/** "just now", "5 min ago", "3 h ago", then the short date. */
export function relativeTime(ts: number): string {
  const ago = nowSeconds() - ts;
  if (ago < 60) return 'just now';
  if (ago < 3600) return `${Math.floor(ago / 60)} min ago`;
  if (ago < 12 * 3600) return `${Math.floor(ago / 3600)} h ago`;
  return shortTime(ts);
}

/** A time of day with its weekday, as someone in `timeZone` reads it: "Mon 09:00". */
export function theirTime(ts: number, timeZone: string | undefined): string {
  try {
    return format({ weekday: 'short', hour: 'numeric', minute: '2-digit' }, timeZone).format(ts * 1000);
  } catch {
    return format({ weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
  }
}

/** The day a moment falls on, as someone in `timeZone` reads it: "Mon, Dec 7". */
export function theirDay(ts: number, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric' };
  try {
    return format(options, timeZone).format(ts * 1000);
  } catch {
    return format(options).format(ts * 1000);
  }
}

/** A message's time, with the day when it is not today: "14:05" or "12 Nov, 14:05". */
export function postTime(ts: number): string {
  if (dayKey(ts) === dayKey(nowSeconds())) return format({ hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
  return format({ day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
}

/** "in 7 h", "in 2 days" — how far away a future moment is. */
export function until(ts: number): string {
  const s = ts - nowSeconds();
  if (s < 3600) return `in ${Math.max(1, Math.round(s / 60))} min`;
  if (s < 48 * 3600) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86400)} days`;
}

/** Wall-clock parts of a moment in the user's zone, e.g. to build "tomorrow 09:00". */
export function zonedParts(ts: number): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  // en-US with h23 gives plain ASCII digits whatever the user's locale.
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    weekday: 'short', hourCycle: 'h23', timeZone: zone,
  }).formatToParts(ts * 1000);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { year: +get('year'), month: +get('month'), day: +get('day'), hour: +get('hour') % 24, minute: +get('minute'), weekday };
}

/** The Unix time of a wall-clock moment in the user's zone (found by correcting the offset). */
export function fromZoned(year: number, month: number, day: number, hour: number, minute: number): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute) / 1000;
  let ts = guess;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(ts);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / 1000;
    ts += guess - shown;
  }
  return ts;
}

/** The time of day of a moment in another zone ("11:25 PM"), or null when it reads the
 * same as in mine (same offset): then there is nothing to add. */
export function otherZoneClock(ts: number, timeZone: string | undefined): string | null {
  if (!timeZone || timeZone === zone) return null;
  try {
    const theirs = format({ hour: 'numeric', minute: '2-digit' }, timeZone).format(ts * 1000);
    const mine = format({ hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
    return theirs === mine ? null : theirs;
  } catch {
    return null;
  }
}

/** The time of day now in `timeZone`, written as posts write times ("3:05 PM" or "15:05"). */
export function clockNow(timeZone: string | undefined): string {
  try {
    return format({ hour: 'numeric', minute: '2-digit' }, timeZone).format(Date.now());
  } catch {
    return format({ hour: 'numeric', minute: '2-digit' }).format(Date.now());
  }
}

/** The heading of the day a moment falls on: "Today", "Yesterday", "Monday", "12 November". */
export function dayHeading(ts: number): string {
  const now = nowSeconds();
  if (dayKey(ts) === dayKey(now)) return 'Today';
  if (dayKey(ts) === dayKey(now - 86400)) return 'Yesterday';
  if (now - ts < 6 * 86400) return format({ weekday: 'long' }).format(ts * 1000);
  return format({ day: 'numeric', month: 'long', year: 'numeric' }).format(ts * 1000);
}

/** "Wed 2 Dec, 10:00" — a day and a time of day, in the user's zone (meetings, due dates). */
export function dayAndTime(ts: number): string {
  return format({ weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
}

/** "10:30" — a time of day in the user's zone. */
export function clockTime(ts: number): string {
  return format({ hour: 'numeric', minute: '2-digit' }).format(ts * 1000);
}

/** The user's own time zone, as set in their account (undefined: the browser's). */
export function userTimeZone(): string | undefined {
  return zone;
}

/** A moment as the value of an <input type="datetime-local"> in the user's zone. */
export function toLocalInput(ts: number): string {
  const p = zonedParts(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** The moment an <input type="datetime-local"> (or a date and a time) names, in the user's
 * zone; null when it names none. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return fromZoned(y, mo, d, h, mi);
}

/** A calendar leaf for a moment in the user's zone: { weekday: "Wed", day: "2", month: "Dec" }. */
export function calendarLeaf(ts: number): { weekday: string; day: string; month: string } {
  return {
    weekday: format({ weekday: 'short' }).format(ts * 1000),
    day: format({ day: 'numeric' }).format(ts * 1000),
    month: format({ month: 'short' }).format(ts * 1000),
  };
}

/** A calendar day as the server writes it ("2026-11-27"), for reading: "Fri, 27 Nov".
 * Noon UTC of that day, read in UTC: the same day whatever the viewer's zone. */
export function calendarDay(isoDay: string): string {
  const date = new Date(`${isoDay}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDay;
  return date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** Whether two moments fall on the same day in the user's zone. */
export function sameDay(a: number, b: number): boolean {
  return dayKey(a) === dayKey(b);
}
