// Meetings: the few that need everyone at the same time — upcoming ones first, then the
// past ones with whether their outcomes were written down. Each opens its agenda thread;
// its calendar entry downloads in my time zone; its organizer cancels it or posts the
// outcomes from here.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Meeting } from '../api/types';
import { Empty } from '../components/Empty';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { ViewHeader } from '../components/ViewHeader';
import { useShortcuts } from '../keyboard';
import { canManageMeeting, meetingWhen, outcomesOpen, outcomesOwed, reasonLabel, useNow } from '../meetings';
import { href } from '../router';
import { app, refreshMeetings, rememberMeeting, userName } from '../state/app';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';
import { setUi } from '../state/ui';
import { calendarLeaf } from '../time';
import { downloadIcs, meetingState } from './meetings/MeetingCard';
import '../styles/deciding.css';

export function PlanMeetingButton({ label = 'Plan a meeting' }: { label?: string }) {
  return (
    <button type="button" class="btn btn-primary btn-small" title="Plan a meeting (c)" onClick={() => setUi({ planMeetingOpen: true })}>
      <Icon name="plus" size={16} /> <span class="btn-label">{label}</span>
    </button>
  );
}

export function MeetingsView({ ws }: { ws: number }) {
  const meetings = useSelect(app, (s) => s.meetings);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    refreshMeetings()
      .then(() => live && setLoaded(true))
      .catch((e) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [ws]);

  useShortcuts({ c: () => setUi({ planMeetingOpen: true }) });

  const now = useNow();
  const upcoming = meetings.filter((m) => m.ends_ts > now);
  const past = meetings.filter((m) => m.ends_ts <= now).reverse();

  return (
    <section class="view meetings-view">
      <ViewHeader title="Meetings" subtitle="For what writing does badly — each with an agenda thread, and its outcomes written down after" actions={<PlanMeetingButton />} />
      {error && (
        <p class="error-banner" role="alert">
          {error}
        </p>
      )}
      {!loaded && !error && <ListSkeleton />}
      {loaded && meetings.length === 0 && (
        <Empty icon="calendar" title="No meetings">
          <p>Most things are better as a thread. When something needs everyone at the same time — a kickoff, a crisis, sensitive feedback — plan a meeting: it gets an agenda thread, a calendar entry in each person’s own time, and its outcomes written down after.</p>
        </Empty>
      )}
      {loaded && meetings.length > 0 && (
        <div data-nav-scope>
          <h2 class="day-heading">Upcoming</h2>
          {upcoming.length === 0 ? (
            <p class="list-note muted">Nothing planned.</p>
          ) : (
            <ul class="rows meeting-rows" aria-label="Upcoming meetings">
              {upcoming.map((m) => (
                <MeetingRow key={m.id} ws={ws} m={m} now={now} />
              ))}
            </ul>
          )}
          {past.length > 0 && (
            <>
              <h2 class="day-heading">Past</h2>
              <ul class="rows meeting-rows" aria-label="Past meetings">
                {past.map((m) => (
                  <MeetingRow key={m.id} ws={ws} m={m} now={now} />
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function MeetingRow({ ws, m, now }: { ws: number; m: Meeting; now: number }) {
  const manage = useSelect(app, (s) => canManageMeeting(s, m));
  const organizer = useSelect(app, (s) => (m.organizer_id === s.me?.id ? 'You' : userName(s, m.organizer_id)));
  const channel = useSelect(app, (s) => (m.channel_id != null ? s.channels[m.channel_id] : undefined));
  const [busy, setBusy] = useState(false);
  const leaf = calendarLeaf(m.starts_ts);
  const owed = outcomesOwed(m, now);
  const cancelled = m.cancelled_ts != null;
  const link = m.channel_id != null && m.thread_id != null ? href.thread(ws, m.channel_id, m.thread_id) : undefined;
  const people = m.attendee_ids.length + 1;

  const cancel = async () => {
    if (!window.confirm(`Cancel “${m.title}”? The attendees are told in its agenda thread.`)) return;
    setBusy(true);
    try {
      rememberMeeting(await call('meetings/cancel', { id: m.id }));
      showToast(`Cancelled: ${m.title}`);
    } catch (e) {
      showToast(`Could not cancel it: ${describeError(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class={`row meeting-row ${cancelled ? 'is-cancelled' : ''}`} data-nav-item data-id={m.id} tabIndex={-1}>
      <a class="row-link" href={link} data-nav-open>
        <span class="meeting-leaf" aria-hidden="true">
          <span class="meeting-leaf-month">{leaf.month}</span>
          <span class="meeting-leaf-day">{leaf.day}</span>
          <span class="meeting-leaf-weekday">{leaf.weekday}</span>
        </span>
        <div class="row-body">
          <div class="row-top">
            <span class="row-title">{m.title}</span>
            {cancelled && <span class="tag">Cancelled</span>}
            {owed && <span class="tag tag-owed">Outcomes owed</span>}
            {m.outcomes_ts != null && <span class="tag tag-ok">Outcomes posted</span>}
          </div>
          <div class="row-meta meeting-meta">
            <span>
              {meetingWhen(m)} · {meetingState(m, now)}
            </span>
            <span>
              <span class="sr-only">, </span>
              {reasonLabel(m.reason)} · {organizer} + {people - 1} {people - 1 === 1 ? 'other' : 'others'}
              {channel ? ` · #${channel.name}` : ''}
            </span>
          </div>
        </div>
      </a>
      <div class="meeting-actions">
        <button type="button" class="btn btn-small btn-quiet" onClick={() => void downloadIcs(m.id)} aria-label={`Download .ics: ${m.title}`} title="Download the calendar entry, in your time zone">
          <Icon name="download" size={15} /> .ics
        </button>
        {manage && outcomesOpen(m, now) && (
          <button type="button" class={`btn btn-small ${owed ? 'btn-primary' : ''}`} onClick={() => setUi({ outcomesFor: m.id })} aria-label={`Post outcomes: ${m.title}`}>
            Post outcomes
          </button>
        )}
        {manage && !cancelled && m.outcomes_ts == null && m.starts_ts > now && (
          <button type="button" class="btn btn-small btn-quiet" disabled={busy} onClick={() => void cancel()} aria-label={`Cancel: ${m.title}`}>
            Cancel
          </button>
        )}
      </div>
    </li>
  );
}
