// "Ask for an answer": the people a post asks for an answer, and by when — by default after
// the expected response time, counted in each person's own working hours; or at a time the
// sender sets. Before sending, each person's due time is shown in the sender's time
// (expectations/preview), so "tomorrow morning" is never a guess.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { DueTime } from '../../api/types';
import { describeDue, workingTime } from '../../expectations';
import { app, userName } from '../../state/app';
import { useSelect } from '../../state/observable';

export interface Ask {
  on: boolean;
  /** The people asked (a subset of those who can be). */
  users: number[];
  /** A due time the sender set (Unix seconds); null: the expected response time. */
  replyBy: number | null;
}

export const noAsk: Ask = { on: false, users: [], replyBy: null };

/** The ask in the API's terms (`request_reply`, `reply_by_ts` of a post). */
export function askParams(ask: Ask | undefined): { request_reply?: number[]; reply_by_ts?: number } {
  if (!ask?.on || ask.users.length === 0) return {};
  return { request_reply: ask.users, ...(ask.replyBy !== null ? { reply_by_ts: ask.replyBy } : {}) };
}

type Place = { channel_id: number } | { conversation_id: number };

/** When each person's answer would be due were they asked now (null while unknown). */
export function useDuePreview(place: Place, ask: Ask): { due: DueTime[] | null; error: string | null } {
  const [due, setDue] = useState<DueTime[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = `${JSON.stringify(place)}|${ask.on}|${ask.users.join(',')}|${ask.replyBy}`;
  useEffect(() => {
    setDue(null);
    setError(null);
    if (!ask.on || ask.users.length === 0) return;
    let live = true;
    const timer = window.setTimeout(() => {
      call('expectations/preview', { ...place, user_ids: ask.users, ...(ask.replyBy !== null ? { reply_by_ts: ask.replyBy } : {}) })
        .then((list) => live && setDue(list))
        .catch((e) => live && setError(describeError(e)));
    }, 150);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key]);
  return { due, error };
}

interface Props {
  place: Place;
  /** Who may be asked: the people the post notifies (a message: the conversation's others). */
  candidates: number[];
  value: Ask;
  onChange: (a: Ask) => void;
}

export function AskReply({ place, candidates, value, onChange }: Props) {
  const users = useSelect(app, (s) => s.users);
  const { due, error } = useDuePreview(place, value);
  const toggle = (on: boolean) => onChange({ ...value, on, users: on ? candidates.slice(0, 50) : [] });
  // Someone dropped from the notify list is not asked either.
  useEffect(() => {
    const kept = value.users.filter((u) => candidates.includes(u));
    if (kept.length !== value.users.length) onChange({ ...value, users: kept });
  }, [candidates.join(',')]);
  const pick = (id: number, on: boolean) => onChange({ ...value, users: on ? [...value.users, id] : value.users.filter((u) => u !== id) });
  const local = value.replyBy !== null ? toLocalInput(value.replyBy) : '';
  const minutes = due && due.length > 0 ? Math.max(...due.map((d) => d.working_minutes)) : null;
  return (
    <div class="ask-reply">
      <label class="ask-reply-toggle">
        <input type="checkbox" checked={value.on} disabled={!value.on && candidates.length === 0} onChange={(e) => toggle(e.currentTarget.checked)} />
        Ask for an answer
      </label>
      {!value.on && candidates.length === 0 && <span class="muted">Pick who to notify first.</span>}
      {value.on && (
        <>
          {candidates.length > 1 && (
            <span class="ask-reply-people" role="group" aria-label="Who is asked">
              {candidates.map((id) => (
                <label key={id}>
                  <input type="checkbox" checked={value.users.includes(id)} onChange={(e) => pick(id, e.currentTarget.checked)} /> {users[id]?.name ?? userName(app.get(), id)}
                </label>
              ))}
            </span>
          )}
          <select
              aria-label="When the answer is due"
              value={value.replyBy === null ? 'usual' : 'set'}
              onChange={(e) => onChange({ ...value, replyBy: e.currentTarget.value === 'usual' ? null : defaultReplyBy() })}
            >
              <option value="usual">in their usual response time</option>
              <option value="set">by a time I set</option>
            </select>
          {value.replyBy !== null && (
            <input
              type="datetime-local"
              aria-label="Answer due by (your time)"
              value={local}
              onChange={(e) => onChange({ ...value, replyBy: fromLocalInput(e.currentTarget.value) ?? value.replyBy })}
            />
          )}
          <span class="ask-reply-due" role="status">
            {value.users.length === 0
              ? 'Nobody is asked.'
              : error
                ? error
                : due
                  ? `Reply needed — ${describeDue(due)}${value.replyBy === null && minutes !== null ? `, after ${workingTime(minutes)} of theirs` : ''}`
                  : 'Working out when…'}
          </span>
        </>
      )}
    </div>
  );
}

/** Tomorrow at the same time, to the minute. */
function defaultReplyBy(): number {
  return Math.floor(Date.now() / 60_000) * 60 + 86_400;
}

/** A datetime-local input works in the browser's zone, which is the one the picker shows. */
function toLocalInput(ts: number): string {
  const d = new Date(ts * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(v: string): number | null {
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}
