// Meetings in words: why one meets (the five reasons the server accepts, each explained in
// a line), when (in my own time zone), whether its outcomes are owed, who may act on it.

import { useEffect, useState } from 'preact/hooks';
import type { Meeting, MeetingReason, OutsideHours } from './api/types';
import { amAdmin, app, type AppState, userName } from './state/app';
import { clockTime, dayAndTime, nowSeconds, sameDay } from './time';

export const REASONS: Array<{ value: MeetingReason; label: string; why: string }> = [
  { value: 'relationship_building', label: 'Relationship building', why: 'Getting to know each other: trust grows faster face to face than in writing.' },
  { value: 'sensitive_feedback', label: 'Sensitive feedback', why: 'Words that need a voice and a face, and room for the other person to answer.' },
  { value: 'brainstorming', label: 'Brainstorming with many unknowns', why: 'Ideas that bounce fast, before anyone could write them down.' },
  { value: 'kickoff', label: 'Kickoff', why: 'Starting something together: the people, the goal and how you will work.' },
  { value: 'crisis', label: 'Crisis', why: 'Something is on fire and minutes matter.' },
];

export function reasonLabel(reason: string): string {
  return REASONS.find((r) => r.value === reason)?.label ?? reason;
}

/** "Wed 2 Dec, 10:00–10:30" in my zone (the end's day too when it differs). */
export function meetingWhen(m: Pick<Meeting, 'starts_ts' | 'ends_ts'>): string {
  return `${dayAndTime(m.starts_ts)}–${sameDay(m.starts_ts, m.ends_ts) ? clockTime(m.ends_ts) : dayAndTime(m.ends_ts)}`;
}

/** Ended, not cancelled, no outcomes yet (as the server says, or as the clock says now). */
export function outcomesOwed(m: Meeting, now = nowSeconds()): boolean {
  return m.cancelled_ts == null && m.outcomes_ts == null && (m.outcomes_owed || m.ends_ts <= now);
}

/** Whether I may post the outcomes or cancel: its organizer, an admin. */
export function canManageMeeting(s: AppState, m: Meeting): boolean {
  return !!s.me && (m.organizer_id === s.me.id || amAdmin(s));
}

/** Whether its outcomes can be posted now: it started, was not cancelled, has none yet. */
export function outcomesOpen(m: Meeting, now = nowSeconds()): boolean {
  return m.cancelled_ts == null && m.outcomes_ts == null && m.starts_ts <= now;
}

/** The meeting whose agenda thread this is, if I know it. */
export function meetingOfThread(s: AppState, threadId: number): Meeting | undefined {
  return s.meetings.find((m) => m.thread_id === threadId);
}

/** "Midnight for Bob Tanaka (Asia/Tokyo) — Wed 25 Nov 00:00": why the time is a poor one
 * for someone, from the hour it starts for them. */
export function outsideHoursWords(o: OutsideHours, durationMin: number): string {
  const s = app.get();
  const who = o.user_id === s.me?.id ? 'you' : userName(s, o.user_id);
  const clock = /(\d{1,2}):(\d{2})\s*$/.exec(o.local_start);
  const hour = clock ? Number(clock[1]) : 12;
  const minute = clock ? Number(clock[2]) : 0;
  const when =
    hour === 0 && minute === 0 ? 'Midnight' : hour < 6 || hour >= 22 ? 'Night' : hour < 9 ? 'Early morning' : hour >= 18 ? 'Evening' : 'Outside working hours';
  const part = o.working_minutes > 0 && o.working_minutes < durationMin ? `; only ${o.working_minutes} of its ${durationMin} minutes are in working hours` : '';
  return `${when} for ${who} (${o.timezone}) — ${o.local_start}${part}`;
}

/** The time now, moving every `everyMs` (what starts, runs and ends as it is shown). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(nowSeconds);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(nowSeconds()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
