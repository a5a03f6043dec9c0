// Pieces every settings section uses: saving with feedback (a sentence for the screen
// reader, a confirmation or the API's error next to what was saved), and times of day and
// dates as people read them.

import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/client';
import type { components } from '../../api/schema';
import { Icon } from '../../components/Icon';
import { announce } from '../../state/announce';

export type Schedule = components['schemas']['Schedule'];
export type Interval = components['schemas']['Interval'];

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; text: string } | { kind: 'error'; text: string };

/** Runs a save; keeps what happened for <SaveStatus>, and says it to screen readers. */
export function useSave() {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const run = async (work: () => Promise<unknown>, done: string): Promise<boolean> => {
    window.clearTimeout(timer.current);
    setState({ kind: 'saving' });
    try {
      await work();
      setState({ kind: 'saved', text: done });
      announce(done);
      timer.current = window.setTimeout(() => setState({ kind: 'idle' }), 5000);
      return true;
    } catch (e) {
      const text = describeError(e);
      setState({ kind: 'error', text });
      announce(`Not saved: ${text}`);
      return false;
    }
  };
  const fail = (text: string) => {
    setState({ kind: 'error', text });
    announce(`Not saved: ${text}`);
  };
  return { state, run, fail, saving: state.kind === 'saving' };
}

/** The inline result of a save: "Saved", or the error next to the field it is about. */
export function SaveStatus({ state, id }: { state: SaveState; id?: string }) {
  if (state.kind === 'idle') return <span id={id} class="save-status" />;
  if (state.kind === 'saving') return <span id={id} class="save-status muted">Saving…</span>;
  if (state.kind === 'saved') {
    return (
      <span id={id} class="save-status is-saved">
        <Icon name="check" size={14} /> {state.text}
      </span>
    );
  }
  return (
    <span id={id} class="save-status is-error">
      <Icon name="alert" size={14} /> {state.text}
    </span>
  );
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "17:30" as the reader's locale writes a time of day ("5:30 PM" in some). */
export function clock(hhmm: string): string {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return hhmm;
  if (m[1] === '24') return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(Date.UTC(2000, 0, 1, 0, 0));
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(Date.UTC(2000, 0, 1, +m[1]!, +m[2]!));
}

/** A calendar date ("2027-01-03") as "Sun 3 Jan" (with the year when not this one). */
export function dateLabel(date: string, options: Intl.DateTimeFormatOptions = {}): string {
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  const sameYear = d.getUTCFullYear() === new Date().getUTCFullYear();
  return new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone: 'UTC', ...options }).format(d);
}

/** ISO weekday (1 = Monday) of a calendar date. */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The first working day after `date`, by the weekly hours: "Monday" or "Mon 12 Jan". */
export function backOn(date: string, hours: Interval[]): string | null {
  for (let i = 1; i <= 14; i++) {
    const day = addDays(date, i);
    if (hours.some((h) => h.weekday === isoWeekday(day))) {
      return i <= 3 ? new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`)) : dateLabel(day);
    }
  }
  return null;
}

/** "HH:MM" of minutes since midnight. */
export const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
export const minutesOf = (t: string) => {
  const [h, m] = t.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** A labelled text field of a form whose save may find its value wrong: `invalid` marks it
 *  and `describedBy` names what says why (the form's <SaveStatus>). */
export function TextField({
  id,
  label,
  value,
  onValue,
  invalid,
  describedBy,
  placeholder,
  type = 'text',
  maxLength = 200,
  url = false,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  invalid: boolean;
  describedBy: string;
  placeholder: string;
  type?: 'text' | 'url';
  maxLength?: number;
  /** An address: no spelling check, no autocompletion, the keyboard for URLs. */
  url?: boolean;
}) {
  return (
    <div class="settings-field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        maxLength={maxLength}
        placeholder={placeholder}
        value={value}
        inputMode={url ? 'url' : undefined}
        spellcheck={url ? false : undefined}
        autoComplete={url ? 'off' : undefined}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </div>
  );
}

/** A form's submit button ("+ Make bot") with the save's status beside it. */
export function SubmitRow({ label, save, statusId }: { label: string; save: ReturnType<typeof useSave>; statusId: string }) {
  return (
    <div class="settings-actions">
      <button type="submit" class="btn btn-primary" disabled={save.saving}>
        <Icon name="plus" size={15} /> {label}
      </button>
      <SaveStatus id={statusId} state={save.state} />
    </div>
  );
}
