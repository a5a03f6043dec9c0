// "Plan a meeting": a title, why it needs everyone at the same time (one of five reasons,
// each explained — anything else is better as a thread, and the server says so), who,
// when (in my time, with each attendee's own clock beside their name), how long, where its
// agenda thread goes, and the agenda. Planned, the app opens the agenda thread and says
// for whom the time falls outside working hours.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, describeError } from '../../api/client';
import type { AwayReply, MeetingReason, OutsideHours } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { meetingWhen, outsideHoursWords, REASONS } from '../../meetings';
import { href, navigate } from '../../router';
import { app, rememberMeeting, sidebarChannels } from '../../state/app';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';
import { setUi } from '../../state/ui';
import { fromLocalInput, nowSeconds, theirTime, toLocalInput, userTimeZone } from '../../time';
import { describeAway } from '../composer/sharing';

const DURATIONS = [15, 30, 45, 60, 90, 120, 180, 240];
const OTHER = 'other';

/** Tomorrow at 10:00 in my zone, as the date and time fields read it. */
function defaultStart(): { date: string; time: string } {
  const tomorrow = toLocalInput(nowSeconds() + 86400);
  return { date: tomorrow.slice(0, 10), time: '10:00' };
}

/** The server's "Invalid argument value: reason: …" without its technical prefix. */
function plainMessage(e: unknown): string {
  const text = describeError(e).replace(/^Invalid argument value: [a-z_]+: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Planned {
  title: string;
  when: string;
  outside: OutsideHours[];
  away: AwayReply[];
  duration: number;
}

export function PlanMeetingDialog({ ws }: { ws: number }) {
  const users = useSelect(app, (s) => s.users);
  const me = useSelect(app, (s) => s.me!);
  const channelMap = useSelect(app, (s) => s.channels);
  const channels = sidebarChannels({ ...app.get(), channels: channelMap });
  const defaultChannel = useSelect(app, (s) => s.workspaces.find((w) => w.id === ws)?.default_channel);
  const start = useRef(defaultStart()).current;
  const [title, setTitle] = useState('');
  const [reason, setReason] = useState('');
  const [otherText, setOtherText] = useState('');
  const [picked, setPicked] = useState<number[]>([]);
  const [filter, setFilter] = useState('');
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [duration, setDuration] = useState(30);
  const [channelId, setChannelId] = useState<number>(() => (channels.some((c) => c.id === defaultChannel) ? defaultChannel! : channels[0]?.id ?? 0));
  const [agenda, setAgenda] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [suggestThread, setSuggestThread] = useState(false);
  const [planned, setPlanned] = useState<Planned | null>(null);
  const onClose = () => setUi({ planMeetingOpen: false });

  useEffect(() => setError(null), [reason]);

  const everyone = Object.values(users)
    .filter((u) => !u.removed && !u.deactivated && !u.invite_pending && u.id !== me.id)
    .sort((a, b) => a.name.localeCompare(b.name));
  const q = filter.trim().toLowerCase();
  const shown = everyone.filter((u) => picked.includes(u.id) || !q || u.name.toLowerCase().includes(q) || u.email.toLowerCase().includes(q));
  const startsTs = fromLocalInput(`${date}T${time}`);
  const endsTs = startsTs === null ? null : startsTs + duration * 60;
  const toggle = (id: number) => setPicked((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));

  const startThreadInstead = () => {
    onClose();
    const target = channelId || channels[0]?.id;
    if (!target) return;
    setUi({ composeIn: target });
    navigate(href.channel(ws, target));
  };

  const plan = async () => {
    if (busy) return;
    setError(null);
    setSuggestThread(false);
    if (!title.trim()) return setError('Give the meeting a title.');
    if (!reason) return setError('Say why it needs everyone at the same time.');
    if (picked.length === 0) return setError('Pick at least one person to meet.');
    if (startsTs === null) return setError('Pick a day and a time.');
    if (!agenda.trim()) return setError('Write the agenda: what the meeting is to settle.');
    setBusy(true);
    try {
      const answer = await call('meetings/add', {
        workspace_id: ws,
        title: title.trim(),
        // Any other reason goes to the server as written: its 400 explains why a thread
        // serves better, and that is what the dialog shows (the document lists only the five).
        reason: (reason === OTHER ? otherText.trim() || OTHER : reason) as MeetingReason,
        attendee_ids: picked,
        starts_ts: startsTs,
        duration_min: duration,
        agenda: agenda.trim(),
        ...(channelId ? { channel_id: channelId } : {}),
      });
      const m = answer.meeting;
      rememberMeeting(m);
      if (m.channel_id != null && m.thread_id != null) navigate(href.thread(ws, m.channel_id, m.thread_id));
      if (answer.outside_working_hours.length === 0 && answer.away.length === 0) {
        onClose();
        showToast(`Meeting planned: ${meetingWhen(m)}. The attendees are told in its agenda thread.`);
      } else {
        setPlanned({ title: m.title, when: meetingWhen(m), outside: answer.outside_working_hours, away: answer.away, duration: m.duration_min });
      }
    } catch (e) {
      setError(plainMessage(e));
      if (e instanceof ApiError && /thread instead/i.test(e.message)) setSuggestThread(true);
    } finally {
      setBusy(false);
    }
  };

  if (planned) {
    return (
      <Dialog title="Meeting planned" onClose={onClose}>
        <div class="stack planned">
          <p>
            <strong>{planned.title}</strong> · {planned.when} your time. Its agenda thread is open behind this; the attendees are told there.
          </p>
          {planned.outside.length > 0 && (
            <div class="planned-warning" role="note">
              <p class="planned-warning-title">
                <Icon name="alert" size={16} /> Outside working hours
              </p>
              <ul>
                {planned.outside.map((o) => (
                  <li key={o.user_id}>{outsideHoursWords(o, planned.duration)}</li>
                ))}
              </ul>
              <p class="muted">If that is a poor time for them, pick another: they can ask in the agenda thread too.</p>
            </div>
          )}
          {planned.away.length > 0 && (
            <ul class="planned-away">
              {planned.away.map((a) => (
                <li key={a.user_id}>{describeAway(a)}</li>
              ))}
            </ul>
          )}
          <div class="composer-actions dialog-actions">
            <button type="button" class="btn btn-primary" onClick={onClose}>
              Got it
            </button>
          </div>
        </div>
      </Dialog>
    );
  }

  const other = reason === OTHER;
  return (
    <Dialog title="Plan a meeting" onClose={onClose} wide>
      <form
        class="stack plan-meeting"
        onSubmit={(e) => {
          e.preventDefault();
          void plan();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void plan();
          }
        }}
      >
        <label class="field">
          <span>Title</span>
          <input type="text" maxLength={300} value={title} onInput={(e) => setTitle(e.currentTarget.value)} placeholder="e.g. Q4 kickoff" />
        </label>

        <fieldset class="reason-picker">
          <legend>Why does it need everyone at the same time?</legend>
          {REASONS.map((r) => (
            <label key={r.value} class={`reason-option ${reason === r.value ? 'is-picked' : ''}`}>
              <input type="radio" name="reason" value={r.value} checked={reason === r.value} onChange={() => setReason(r.value)} />
              <span class="reason-text">
                <span class="reason-label">{r.label}</span>
                <span class="reason-why">{r.why}</span>
              </span>
            </label>
          ))}
          <label class={`reason-option ${other ? 'is-picked' : ''}`}>
            <input type="radio" name="reason" value={OTHER} checked={other} onChange={() => setReason(OTHER)} />
            <span class="reason-text">
              <span class="reason-label">Something else?</span>
              <span class="reason-why">A status update, a decision, a question: a thread does it better — written down, searchable, answered in everyone’s own time.</span>
            </span>
          </label>
          {other && (
            <div class="reason-other">
              <label class="field">
                <span>What is it for?</span>
                <input type="text" maxLength={200} value={otherText} onInput={(e) => setOtherText(e.currentTarget.value)} placeholder="e.g. weekly status" />
              </label>
              <p class="muted">
                Most meetings are better as a thread: write the question down, name who decides and ask for answers by a date.{' '}
                <button type="button" class="link-button" onClick={startThreadInstead}>
                  Start a thread instead
                </button>
              </p>
            </div>
          )}
        </fieldset>

        <div class="field" role="group" aria-labelledby="attendees-label">
          <span id="attendees-label">Who?</span>
          {picked.length > 0 && (
            <ul class="chips" aria-label="Attendees">
              {picked.map((id) => (
                <li class="chip" key={id}>
                  {users[id]?.name ?? 'Someone'}
                  <button type="button" class="chip-remove" aria-label={`Remove ${users[id]?.name ?? 'this person'}`} onClick={() => toggle(id)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          {everyone.length > 6 && (
            <input type="search" aria-label="Find people" placeholder="Type a name to find someone" value={filter} autocomplete="off" onInput={(e) => setFilter(e.currentTarget.value)} />
          )}
          <ul class="attendee-list" aria-label="People">
            {shown.map((u) => {
              const on = picked.includes(u.id);
              return (
                <li key={u.id} class={`attendee ${on ? 'is-picked' : ''}`}>
                  <label>
                    <input type="checkbox" checked={on} onChange={() => toggle(u.id)} />
                    <Avatar id={u.id} name={u.name} size="sm" />
                    <span class="attendee-name">{u.name}</span>
                  </label>
                  {startsTs !== null && u.timezone && u.timezone !== userTimeZone() && (
                    <span class="attendee-clock muted" title={u.timezone}>
                      {theirTime(startsTs, u.timezone)} their time
                    </span>
                  )}
                </li>
              );
            })}
            {shown.length === 0 && <li class="muted attendee-none">Nobody matches “{filter}”.</li>}
          </ul>
        </div>

        <div class="when-row">
          <label class="field">
            <span>Day</span>
            <input type="date" value={date} required onInput={(e) => setDate(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Starts (your time)</span>
            <input type="time" value={time} required onInput={(e) => setTime(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Duration</span>
            <select value={duration} onChange={(e) => setDuration(Number(e.currentTarget.value))}>
              {DURATIONS.map((d) => (
                <option key={d} value={d}>
                  {d < 60 ? `${d} minutes` : d % 60 === 0 ? `${d / 60} ${d === 60 ? 'hour' : 'hours'}` : `${Math.floor(d / 60)}½ hours`}
                </option>
              ))}
            </select>
          </label>
        </div>
        {startsTs !== null && endsTs !== null && <p class="when-summary muted">{meetingWhen({ starts_ts: startsTs, ends_ts: endsTs })} your time</p>}

        <label class="field">
          <span>Agenda thread in</span>
          <select value={channelId} onChange={(e) => setChannelId(Number(e.currentTarget.value))}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Agenda: what should it settle?</span>
          <textarea class="plain-textarea" rows={4} value={agenda} onInput={(e) => setAgenda(e.currentTarget.value)} placeholder="The questions to answer, and what to read before" />
        </label>

        {error && (
          <div class="field-error plan-error" role="alert">
            <p>{error}</p>
            {suggestThread && (
              <button type="button" class="btn btn-small" onClick={startThreadInstead}>
                Start a thread instead
              </button>
            )}
          </div>
        )}
        <div class="composer-actions dialog-actions">
          <button type="button" class="btn btn-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Planning…' : 'Plan meeting'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
