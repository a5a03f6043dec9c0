// A meeting in its agenda thread: when (in my time), why, who; its calendar entry to
// download; and, once it has started, the outcomes prompt for its organizer.

import { call, describeError } from '../../api/client';
import type { Meeting } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { downloadTextFile } from '../../download';
import { canManageMeeting, meetingWhen, outcomesOpen, outcomesOwed, reasonLabel, useNow } from '../../meetings';
import { href } from '../../router';
import { app, userName } from '../../state/app';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';
import { setUi } from '../../state/ui';
import { nowSeconds, until } from '../../time';

/** Downloads a meeting's calendar entry (.ics, in my time zone). */
export async function downloadIcs(id: number): Promise<void> {
  try {
    downloadTextFile(await call('meetings/ics', { id }));
  } catch (e) {
    showToast(`Could not get the calendar entry: ${describeError(e)}`);
  }
}

/** "in 3 h", "now", "ended", "cancelled". */
export function meetingState(m: Meeting, now = nowSeconds()): string {
  if (m.cancelled_ts != null) return 'cancelled';
  if (m.starts_ts > now) return until(m.starts_ts);
  if (m.ends_ts > now) return 'now';
  return 'ended';
}

export function MeetingCard({ ws, meeting: m }: { ws: number; meeting: Meeting }) {
  const manage = useSelect(app, (s) => canManageMeeting(s, m));
  useSelect(app, (s) => s.users); // names below follow the people list
  const names = m.attendee_ids.map((id) => userName(app.get(), id));
  const organizer = useSelect(app, (s) => userName(s, m.organizer_id));
  const now = useNow();
  const owed = outcomesOwed(m, now);
  const state = meetingState(m, now);
  return (
    <section class={`meeting-card ${m.cancelled_ts != null ? 'is-cancelled' : ''} ${owed ? 'is-owed' : ''}`} aria-labelledby={`meeting-${m.id}-title`}>
      <div class="meeting-card-head">
        <Icon name="calendar" size={16} />
        <h2 id={`meeting-${m.id}-title`} class="meeting-card-title">
          Meeting
        </h2>
        <span class="meeting-card-when">
          {meetingWhen(m)} <span class="muted">your time · {state}</span>
        </span>
        {m.cancelled_ts != null && <span class="tag">Cancelled</span>}
        {owed && <span class="tag tag-owed">Outcomes owed</span>}
      </div>
      <dl class="meeting-facts">
        <div>
          <dt>Why</dt>
          <dd>{reasonLabel(m.reason)}</dd>
        </div>
        <div>
          <dt>Who</dt>
          <dd class="meeting-people">
            <span class="avatar-stack" aria-hidden="true">
              {[m.organizer_id, ...m.attendee_ids].slice(0, 5).map((id, i) => (
                <Avatar key={id} id={id} name={i === 0 ? organizer : names[i - 1]!} size="sm" />
              ))}
            </span>
            <span>
              {organizer} (organizer), {names.join(', ')}
            </span>
          </dd>
        </div>
      </dl>
      <div class="meeting-actions">
        <button type="button" class="btn btn-small" onClick={() => void downloadIcs(m.id)}>
          <Icon name="download" size={15} /> Download .ics
        </button>
        {manage && outcomesOpen(m, now) && (
          <button
            type="button"
            class={`btn btn-small ${owed ? 'btn-primary' : ''}`}
            onClick={() => setUi({ outcomesFor: m.id })}
          >
            Post outcomes
          </button>
        )}
        {m.outcomes_comment_id != null && m.channel_id != null && m.thread_id != null && (
          <a class="btn btn-small btn-quiet" href={href.thread(ws, m.channel_id, m.thread_id, m.outcomes_comment_id)}>
            See the outcomes
          </a>
        )}
      </div>
      {owed && manage && <p class="meeting-owed-note">It has ended: write down what it settled, for everyone who was not there and for later.</p>}
    </section>
  );
}
