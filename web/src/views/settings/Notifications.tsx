// How notifications reach me: delivery (each, hourly batch, daily digest — always inside
// my working hours), email on or off per kind, and what exists per channel. Emails link
// here (/a/{ws}/settings/notifications).

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import { Icon } from '../../components/Icon';
import { app, sidebarChannels } from '../../state/app';
import { useSelect } from '../../state/observable';
import { setUi } from '../../state/ui';
import { LEVELS, setChannelNotifications, type Level } from '../channelNotifications';
import { SaveStatus, useSave, type Schedule } from './shared';

type Settings = components['schemas']['NotificationSettings'];
type Setting = keyof Settings;
type Delivery = Schedule['delivery'];

const DELIVERY: Array<[Delivery, string, string]> = [
  ['each', 'Each one, as it comes', 'Pushed one by one — but only inside your working hours and outside do-not-disturb.'],
  ['hourly', 'One batch an hour', 'Everything of the past hour in one notification, inside your working hours.'],
  ['daily', 'One daily digest', 'A single summary at the start of your working day. The calmest choice.'],
];

/** The kinds of email, in the words of the person receiving them. */
const EMAIL: Array<[Setting, string]> = [
  ['email_threads', 'New threads that notify me'],
  ['email_comments', 'Comments that notify me'],
  ['email_conversations', 'Messages in my conversations'],
  ['email_added_to_ch', 'I was added to a channel'],
  ['email_removed_from_ch', 'I was removed from a channel'],
  ['email_added_to_ws', 'I was added to a workspace'],
  ['email_removed_from_ws', 'I was removed from a workspace'],
  ['email_access_requests', 'Someone asks to join a channel I decide on, or my request is declined'],
  ['email_reply_reminders', 'An answer I was asked for is due soon (one reminder)'],
  ['email_scheduled_posts', 'A post I scheduled could not be sent'],
  ['email_decisions', 'I was made the DRI of a thread (the one who decides)'],
];

export function NotificationsSection({ ws, schedule, setSchedule }: { ws: number; schedule: Schedule; setSchedule: (s: Schedule) => void }) {
  const delivery = useSave();
  const saveDelivery = (value: Delivery) =>
    delivery.run(async () => setSchedule(await call('schedules/update', { delivery: value })), `Delivery: ${DELIVERY.find(([d]) => d === value)![1].toLowerCase()}`);

  return (
    <>
      <section class="settings-card" aria-labelledby="delivery-title">
        <h2 id="delivery-title">Delivery</h2>
        <fieldset class="choice-list" aria-describedby="delivery-status">
          <legend class="settings-intro">How notifications reach you, by email and in this browser. Your inbox always has everything at once, silently.</legend>
          {DELIVERY.map(([value, title, text]) => (
            <label class={`choice ${schedule.delivery === value ? 'is-on' : ''}`} key={value}>
              <input type="radio" name="delivery" value={value} checked={schedule.delivery === value} disabled={delivery.saving} onChange={() => void saveDelivery(value)} />
              <span>
                <strong>{title}</strong>
                <span class="muted">{text}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <SaveStatus id="delivery-status" state={delivery.state} />
      </section>
      <EmailSettings ws={ws} />
      <PerChannel />
    </>
  );
}

/** My level in each channel I am in; the rest of the channel list is in Browse channels. */
function PerChannel() {
  useSelect(app, (s) => s.channels);
  const channels = sidebarChannels(app.get());
  const hint = (level: Level) => LEVELS.find(([l]) => l === level)![2];
  return (
    <section class="settings-card" aria-labelledby="per-channel-title">
      <h2 id="per-channel-title">Per channel</h2>
      <p class="settings-intro">
        How much of each channel’s activity notifies you. The author of a post picks who it notifies; here you choose what
        reaches you of it. To hear less from one busy thread, mute it from its <strong>⋯</strong> menu.
      </p>
      {channels.length === 0 ? (
        <p class="settings-hint">
          You are in no channel of this workspace yet.{' '}
          <button type="button" class="link-button" onClick={() => setUi({ browseChannelsOpen: true })}>
            Browse channels
          </button>
        </p>
      ) : (
        <ul class="level-list" aria-label="Notifications per channel">
          {channels.map((c) => (
            <li key={c.id} class="level-row">
              <label for={`level-${c.id}`} class="level-name">
                <Icon name={c.public ? 'hash' : 'lock'} size={15} />
                <span class="sr-only">{c.public ? '' : '(private)'}</span>
                {c.name}
              </label>
              <select
                id={`level-${c.id}`}
                value={c.notifications}
                aria-describedby={`level-hint-${c.id}`}
                onChange={(e) => void setChannelNotifications(c, e.currentTarget.value as Level)}
              >
                {LEVELS.map(([level, title]) => (
                  <option key={level} value={level}>
                    {title}
                  </option>
                ))}
              </select>
              <span id={`level-hint-${c.id}`} class="muted level-hint">
                {c.notifications === 'all' ? '' : hint(c.notifications)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EmailSettings({ ws }: { ws: number }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [savingKey, setSavingKey] = useState<Setting | 'all' | null>(null);
  const save = useSave();

  useEffect(() => {
    call('notifications_settings/v2/get', { workspace_id: ws })
      .then(setSettings)
      .catch((e) => setError(describeError(e)));
  }, [ws]);

  const toggle = async (key: Setting, value: boolean, label: string) => {
    if (!settings) return;
    const before = settings;
    setSettings({ ...settings, [key]: value });
    setSavingKey(key);
    const ok = await save.run(() => call('notifications_settings/v2/update', { workspace_id: ws, setting: key, value }), `Email for “${label}” turned ${value ? 'on' : 'off'}`);
    if (!ok) setSettings(before);
  };
  const all = async (value: boolean) => {
    if (!settings) return;
    const before = settings;
    const mapping = Object.fromEntries(EMAIL.map(([k]) => [k, value])) as Partial<Record<Setting, boolean>>;
    setSettings({ ...settings, ...mapping });
    setSavingKey('all');
    const ok = await save.run(() => call('notifications_settings/v2/update_many', { workspace_id: ws, mapping }), value ? 'Every email turned on' : 'Every email turned off');
    if (!ok) setSettings(before);
  };

  const anyOn = settings ? EMAIL.some(([k]) => settings[k]) : false;
  return (
    <section class="settings-card" aria-labelledby="email-title">
      <h2 id="email-title">Email</h2>
      <p class="settings-intro">Which notifications are also sent by email, following your delivery choice above.</p>
      {error && (
        <p class="error-banner" role="alert">
          Could not load your email settings: {error}
        </p>
      )}
      {!settings && !error && <p class="muted">Loading…</p>}
      {settings && (
        <>
          <ul class="toggle-list" aria-label="Email notifications">
            {EMAIL.map(([key, label]) => (
              <li key={key} class="toggle-row">
                <label class="toggle">
                  <input type="checkbox" role="switch" checked={settings[key]} onChange={(e) => void toggle(key, e.currentTarget.checked, label)} aria-describedby={savingKey === key ? 'email-status' : undefined} />
                  <span class="toggle-track" aria-hidden="true" />
                  <span>{label}</span>
                </label>
                {savingKey === key && <SaveStatus id="email-status" state={save.state} />}
              </li>
            ))}
          </ul>
          <div class="settings-actions">
            <button type="button" class="btn btn-quiet btn-small" onClick={() => void all(!anyOn)}>
              {anyOn ? 'Turn every email off' : 'Turn every email on'}
            </button>
            {savingKey === 'all' && <SaveStatus state={save.state} />}
          </div>
        </>
      )}
    </section>
  );
}
