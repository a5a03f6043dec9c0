// Answers asked for, in words: when one is due (in my own time zone, as every time in the
// app), how much of the asked person's working time is left, and how it ended.

import type { DueTime, Expectation } from './api/types';
import { href } from './router';
import { app, userName } from './state/app';
import { nowSeconds } from './time';

let formatter: Intl.DateTimeFormat | undefined;
let formatterFar: Intl.DateTimeFormat | undefined;

/** "Tue 11:00" within the week ahead, "Tue, Dec 15, 11:00" further away — in my zone. */
export function dueWhen(ts: number): string {
  const zone = app.get().me?.timezone;
  const make = (far: boolean) => {
    const options: Intl.DateTimeFormatOptions = far
      ? { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
      : { weekday: 'short', hour: 'numeric', minute: '2-digit' };
    try {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone });
    } catch {
      return new Intl.DateTimeFormat(undefined, options);
    }
  };
  const far = Math.abs(ts - nowSeconds()) > 6 * 86400;
  const f = far ? (formatterFar ??= make(true)) : (formatter ??= make(false));
  return f.format(ts * 1000);
}

/** "45 working minutes", "3 working hours", "2½ working days" (a day: 8 working hours). */
export function workingTime(minutes: number): string {
  if (minutes < 60) return `${Math.max(1, minutes)} working ${minutes === 1 ? 'minute' : 'minutes'}`;
  const hours = Math.round(minutes / 30) / 2;
  if (hours < 16) return `${fraction(hours)} working ${hours === 1 ? 'hour' : 'hours'}`;
  const days = Math.round(hours / 4) / 2;
  return `${fraction(days)} working days`;
}

const fraction = (n: number) => (Number.isInteger(n) ? String(n) : `${Math.floor(n) || ''}½`);

/** One line on where an expectation stands, from `side`'s point of view. */
export function standing(e: Expectation, side: 'owed' | 'waiting'): string {
  const s = app.get();
  const whose = side === 'owed' ? 'your' : `${userName(s, e.user_id)}’s`;
  const left = e.working_minutes_left != null ? ` — ${workingTime(e.working_minutes_left)} of ${whose} time left` : '';
  const when = e.resolved_ts ? ` ${dueWhen(e.resolved_ts)}` : '';
  if (e.kind === 'decision') {
    if (e.resolution === 'answered') return `Decided${when}`;
    if (e.resolution) return 'No longer due';
    const what = side === 'owed' ? 'Your decision' : 'The decision';
    if (e.state === 'overdue') return `${what} was due ${dueWhen(e.due_ts)}: overdue`;
    return `${what} is due ${dueWhen(e.due_ts)}${left}`;
  }
  if (e.kind === 'outcomes') {
    if (e.resolution === 'answered') return `Outcomes posted${when}`;
    if (e.resolution) return 'Meeting cancelled';
    const what = `Post the outcomes of “${e.title ?? 'the meeting'}”`;
    if (e.state === 'overdue') return `${what}: overdue since ${dueWhen(e.due_ts)}`;
    return `${what} by ${dueWhen(e.due_ts)}`;
  }
  if (e.resolution === 'answered') return `Answered ${e.resolved_ts ? dueWhen(e.resolved_ts) : ''}`.trim();
  if (e.resolution === 'no_reply_needed') return 'No reply needed';
  if (e.resolution === 'withdrawn') return 'Withdrawn';
  if (e.state === 'overdue') return `Overdue since ${dueWhen(e.due_ts)}`;
  return `Due ${dueWhen(e.due_ts)}${left}`;
}

/** Who the row is about, in words: "Ana Lima asked you", "You are the DRI", "You asked Bob". */
export function whoWords(e: Expectation, side: 'owed' | 'waiting'): string {
  const s = app.get();
  if (e.kind === 'decision') return side === 'owed' ? 'You are the DRI' : `${userName(s, e.user_id)} is the DRI`;
  if (e.kind === 'outcomes') return side === 'owed' ? 'Your meeting' : `${userName(s, e.user_id)}’s meeting`;
  return side === 'owed' ? `${userName(s, e.requester_id)} asked you` : `You asked ${userName(s, e.user_id)}`;
}

/** Where the question was asked. */
export function questionHref(ws: number, e: Expectation): string {
  if (e.thread_id != null && e.channel_id != null) return href.thread(ws, e.channel_id, e.thread_id, e.comment_id ?? undefined);
  if (e.conversation_id != null) return href.conversation(ws, e.conversation_id, e.message_id ?? undefined);
  return href.inbox(ws);
}

/** "Bo: by Tue 11:00 your time" for each person asked (before or after sending). */
export function describeDue(list: Array<DueTime | Expectation>): string {
  const s = app.get();
  return list.map((d) => `${userName(s, d.user_id)}: by ${dueWhen(d.due_ts)}`).join(' · ') + (list.length ? ' your time' : '');
}
