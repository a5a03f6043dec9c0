// A person's availability in plain words, from `availability/get`: whether they are
// working now, and if not, when a notification will reach them (in their own time).

import type { Availability } from './api/types';
import { clockNow, theirDay, theirTime, until } from './time';

export interface AvailabilityWords {
  /** "working", "off", "focus", "away": for a dot's color. */
  state: 'working' | 'off' | 'focus' | 'away';
  /** "Working · 2:05 PM" — short, for lists. */
  short: string;
  /** "off until Mon 09:00 their time, will get it then" — for the notify picker. */
  long: string;
}

/** Their time of day now, written as the app writes every time. */
export function localClock(a: Availability): string {
  return clockNow(a.timezone);
}

export function describeAvailability(a: Availability): AvailabilityWords {
  const clock = localClock(a);
  const next = a.next_available_ts ?? null;
  const nextWords = next ? `${theirTime(next, a.timezone)} their time (${until(next)})` : null;
  if (a.away_until_ts) {
    // Away ends at the midnight after the last away day: say the day they are back.
    const back = theirDay(a.away_until_ts, a.timezone);
    const note = a.away_note ? ` — “${a.away_note}”` : '';
    return {
      state: 'away',
      short: `Away · back ${back}`,
      long: `away, back ${back}${note}; will see it then`,
    };
  }
  if (a.available_now) {
    return { state: 'working', short: `Working · ${clock}`, long: `working now (${clock} their time), gets it now` };
  }
  if (a.dnd_until_ts) {
    return {
      state: 'focus',
      short: `Focusing · ${clock}`,
      long: `focusing until ${nextWords ?? theirTime(a.dnd_until_ts, a.timezone)}, will get it then`,
    };
  }
  return {
    state: 'off',
    short: `Off · ${clock}`,
    long: nextWords ? `off until ${nextWords}, will get it then` : `off now (${clock} their time)`,
  };
}
