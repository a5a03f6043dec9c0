// Sharing checks in the composer: who of the people a post names cannot see where it goes
// (access/check), said in plain words before sending, and after it what Weft reports: the
// people it named but could not notify (`not_notified`), the away replies (`away`) and
// when the answers it asked for are due (`reply_expected`).

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../api/client';
import type { AwayReply, CannotSee, Expectation } from '../../api/types';
import { describeDue } from '../../expectations';
import { calendarDay } from '../../time';
import { app, userName } from '../../state/app';
import { showToast } from '../../state/toast';

/** Why someone cannot see it, in a few words after their name. */
export function unseenWords(reason: CannotSee['reason']): string {
  switch (reason) {
    case 'not_in_private_channel':
      return 'not in this private channel';
    case 'guest_not_in_channel':
      return 'a guest, not in this channel';
    case 'not_in_conversation':
      return 'not in this conversation';
    case 'deactivated':
      return 'deactivated';
    case 'invited':
      return 'has not joined yet';
    case 'not_in_workspace':
      return 'no longer in the workspace';
  }
}

/** Whether adding them to the channel would let them see it. */
export function fixedByAdding(reason: CannotSee['reason']): boolean {
  return reason === 'not_in_private_channel' || reason === 'guest_not_in_channel';
}

/** "Carol (not in this private channel) and Gus (a guest, not in this channel)". */
export function describeUnseen(list: CannotSee[]): string {
  const state = app.get();
  const parts = list.map((c) => `${userName(state, c.user_id)} (${unseenWords(c.reason)})`);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "Bo Tanaka is away until Fri, 27 Nov: “Hiking”. Urgent? Cy Lee is on duty." */
export function describeAway(r: AwayReply): string {
  const state = app.get();
  const day = calendarDay(r.until);
  const note = r.note ? `: “${r.note}”` : '';
  const cover = r.covered_by != null ? ` Urgent? ${userName(state, r.covered_by)} is on duty.` : '';
  return `${userName(state, r.user_id)} is away until ${day}${note}.${cover}`;
}

/** After a post, in one toast: who is away (their note, who covers), and the people it
 * named who could not be told. */
export function reportPosted(answer: { not_notified?: CannotSee[]; away?: AwayReply[]; reply_expected?: Expectation[] }): void {
  const parts = (answer.away ?? []).map(describeAway);
  if (answer.reply_expected && answer.reply_expected.length > 0) parts.unshift(`Reply expected — ${describeDue(answer.reply_expected)}.`);
  if (answer.not_notified && answer.not_notified.length > 0) parts.push(`Not notified: ${describeUnseen(answer.not_notified)} — they cannot see it`);
  if (parts.length > 0) showToast(parts.join(' '));
}

const checked = new Map<string, { at: number; list: CannotSee[] }>();

/** Who of `users` cannot see channel `channelId`, asked of Weft (cached for a minute); an
 * empty list until it answers, and when it cannot. `version` asks again after a change. */
export function useCannotSee(channelId: number, users: number[], version = 0): CannotSee[] {
  const ids = [...new Set(users)].sort((a, b) => a - b).slice(0, 1000);
  const key = `${channelId}:${version}:${ids.join(',')}`;
  const [found, setFound] = useState<{ key: string; list: CannotSee[] }>({ key: '', list: [] });
  useEffect(() => {
    if (ids.length === 0) return;
    const hit = checked.get(key);
    if (hit && Date.now() - hit.at < 60_000) {
      setFound({ key, list: hit.list });
      return;
    }
    let live = true;
    call('access/check', { channel_id: channelId, user_ids: ids })
      .then((answer) => {
        checked.set(key, { at: Date.now(), list: answer.cannot_see });
        if (live) setFound({ key, list: answer.cannot_see });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  return ids.length === 0 || found.key !== key ? [] : found.list;
}
