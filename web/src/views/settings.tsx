// My settings, one section per address (/a/{ws}/settings/{section}): profile and time
// zone, working hours and do-not-disturb, away, notifications (linked from emails), my
// data to download, my personal API tokens and my outgoing webhooks.
// Above them, my state right now in plain words: "You’re working now · until 17:30".

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Availability, User } from '../api/types';
import { Empty } from '../components/Empty';
import { ListSkeleton } from '../components/ListSkeleton';
import { ViewHeader } from '../components/ViewHeader';
import { href } from '../router';
import { app } from '../state/app';
import { useSelect } from '../state/observable';
import { clockNow, theirTime, until, zonedParts } from '../time';
import { AwaySection, awayIsOn } from './settings/Away';
import { HoursSection } from './settings/Hours';
import { NotificationsSection } from './settings/Notifications';
import { ProfileSection } from './settings/Profile';
import { HooksSection } from './settings/Hooks';
import { TokensSection } from './settings/Tokens';
import { YourDataSection } from './settings/YourData';
import { backOn, clock, dateLabel, hhmm, minutesOf, type Schedule } from './settings/shared';
import '../styles/settings.css';

const SECTIONS = [
  ['profile', 'Profile'],
  ['hours', 'Working hours'],
  ['away', 'Away'],
  ['notifications', 'Notifications'],
  ['data', 'Your data'],
  ['tokens', 'API tokens'],
  ['webhooks', 'Webhooks'],
] as const;

export function SettingsView({ ws, section }: { ws: number; section: string }) {
  const me = useSelect(app, (s) => s.me!);
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [availability, setAvailability] = useState<Availability | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    call('schedules/get', {})
      .then(setSchedule)
      .catch((e) => setError(describeError(e)));
  }, [version]);
  // My availability, after every change of what it depends on.
  useEffect(() => {
    call('availability/get', { workspace_id: ws, user_ids: [me.id] })
      .then((list) => setAvailability(list[0] ?? null))
      .catch(() => undefined);
  }, [ws, schedule, me.away_mode?.date_to, me.timezone]);

  const current = SECTIONS.find(([s]) => s === section)?.[0];
  // On a phone the tabs scroll sideways: keep the current one in sight.
  useEffect(() => {
    document.querySelector('.settings-tab.is-current')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [current]);
  const title = SECTIONS.find(([s]) => s === current)?.[1] ?? 'Settings';

  return (
    <section class="view settings-view" aria-labelledby="view-title">
      <ViewHeader title={<span id="view-title">Settings</span>} subtitle={title} />
      <nav class="settings-nav" aria-label="Settings sections">
        {SECTIONS.map(([s, label]) => (
          <a key={s} href={href.settings(ws, s)} class={`settings-tab ${s === current ? 'is-current' : ''}`} aria-current={s === current ? 'page' : undefined}>
            {s === 'hours' || s === 'data' || s === 'tokens' ? (
              <>
                <span class="tab-wide">{label}</span>
                <span class="tab-phone">{s === 'hours' ? 'Hours' : s === 'data' ? 'Data' : 'Tokens'}</span>
              </>
            ) : (
              label
            )}
          </a>
        ))}
      </nav>
      <div class="settings-body">
        <MyState me={me} schedule={schedule} availability={availability} ws={ws} />
        {error && (
          <p class="error-banner" role="alert">
            Could not load your schedule: {error}{' '}
            <button type="button" class="link-button" onClick={() => setVersion((v) => v + 1)}>
              Retry
            </button>
          </p>
        )}
        {!current && (
          <Empty icon="gear" title="No such settings page">
            <a href={href.settings(ws, 'profile')}>Go to your profile</a>
          </Empty>
        )}
        {current === 'profile' && <ProfileSection me={me} onZoneChanged={() => setVersion((v) => v + 1)} />}
        {current === 'away' && <AwaySection me={me} schedule={schedule} />}
        {(current === 'hours' || current === 'notifications') && !schedule && !error && <ListSkeleton />}
        {current === 'hours' && schedule && <HoursSection key={version} schedule={schedule} setSchedule={setSchedule} />}
        {current === 'notifications' && schedule && <NotificationsSection ws={ws} schedule={schedule} setSchedule={setSchedule} />}
        {current === 'data' && <YourDataSection />}
        {current === 'tokens' && <TokensSection />}
        {current === 'webhooks' && <HooksSection ws={ws} />}
      </div>
    </section>
  );
}

/** "You’re working now · until 17:30", "Away until Fri 3 Jan — back Monday", … */
function MyState({ me, schedule, availability, ws }: { me: User; schedule: Schedule | null; availability: Availability | null; ws: number }) {
  if (!availability) return <div class="my-state" aria-hidden="true" />;
  let state: 'working' | 'off' | 'focus' | 'away';
  let text: string;
  let detail = '';
  if (awayIsOn(me)) {
    state = 'away';
    const back = schedule ? backOn(me.away_mode!.date_to, schedule.working_hours) : null;
    text = `Away until ${dateLabel(me.away_mode!.date_to)}${back ? ` — back ${back}` : ''}`;
    detail = 'Nothing is pushed to you until then.';
  } else if (availability.available_now) {
    state = 'working';
    const end = schedule ? endOfBlock(schedule) : null;
    text = `You’re working now${end ? ` · until ${clock(end)}` : ''}`;
    detail = 'Notifications reach you as they come, by your delivery choice.';
  } else if (availability.dnd_until_ts) {
    state = 'focus';
    text = `Do not disturb until ${theirTime(availability.dnd_until_ts, me.timezone)}`;
    detail = 'Only the emergency lane gets through.';
  } else {
    state = 'off';
    const next = availability.next_available_ts;
    text = next ? `You’re off now · back ${theirTime(next, me.timezone)} (${until(next)})` : 'You’re off now';
    detail = 'What comes in waits quietly in your inbox.';
  }
  return (
    <div class={`my-state status-${state}`}>
      <span class="status-dot" aria-hidden="true" />
      <div>
        <strong>{text}</strong>
        <span class="muted">
          {' '}
          · {detail} It is {clockNow(me.timezone)} in {me.timezone.replace(/_/g, ' ')}.
        </span>
      </div>
      <a class="my-state-link" href={href.settings(ws, state === 'away' ? 'away' : 'hours')}>
        Change
      </a>
    </div>
  );
}

/** The end of the working block I am in now (by my schedule, in my zone). */
function endOfBlock(schedule: Schedule): string | null {
  const p = zonedParts(Math.floor(Date.now() / 1000));
  const now = p.hour * 60 + p.minute;
  const block = schedule.working_hours.find((h) => h.weekday === p.weekday && minutesOf(h.start) <= now && now < minutesOf(h.end));
  return block ? (block.end === '24:00' ? hhmm(24 * 60 - 1) : block.end) : null;
}
