// Rotations: in a channel with one, the person on duty covers for people who are off when
// a post notifies them. Here an admin picks a channel, the people in turn (in order), how
// long a shift lasts and when it changes hands.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import { Icon } from '../../components/Icon';
import { app, sidebarChannels, userName } from '../../state/app';
import { useSelect } from '../../state/observable';
import { calendarDay, theirTime } from '../../time';
import { SaveStatus, useSave } from '../settings/shared';
import { TimeZonePicker } from '../settings/TimeZonePicker';
import type { Timezone } from '../settings/timezones';

type Rotation = components['schemas']['Rotation'];
type Duty = components['schemas']['Duty'];

const today = () => new Date().toISOString().slice(0, 10);

export function RotationsSection({ ws: _ws }: { ws: number }) {
  useSelect(app, (s) => s.channels);
  const channels = sidebarChannels(app.get());
  const [channelId, setChannelId] = useState<number | null>(channels[0]?.id ?? null);
  const channel = channels.find((c) => c.id === channelId) ?? null;

  return (
    <section class="settings-card" aria-labelledby="rotations-title">
      <h2 id="rotations-title">Rotations</h2>
      <p class="settings-intro">
        In a channel with a rotation, when a post notifies someone who is off (outside working hours, in do-not-disturb or
        away), the person on duty is notified at once in their place. The people covered still get theirs, quietly, later.
      </p>
      {channels.length === 0 ? (
        <p class="settings-hint">Rotations belong to channels; you are in none yet.</p>
      ) : (
        <div class="settings-field">
          <label for="rotation-channel">Channel</label>
          <select id="rotation-channel" value={channelId ?? ''} onChange={(e) => setChannelId(Number(e.currentTarget.value))}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {channel && <RotationEditor key={channel.id} channelId={channel.id} members={channel.user_ids} />}
    </section>
  );
}

/** Whether the rotation's first shift (its start day at the handoff time, in its zone) has
 * begun: before it nobody is on duty, which the server would answer with an error. */
function started(r: Rotation): boolean {
  try {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: r.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date());
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}` >= `${r.starts_on} ${r.handoff_time}`;
  } catch {
    return true;
  }
}

function RotationEditor({ channelId, members }: { channelId: number; members: number[] }) {
  const me = app.get().me!;
  const [existing, setExisting] = useState<Rotation | null | undefined>(undefined);
  // undefined while asked for; null when nobody is on duty yet (before the first shift).
  const [duty, setDuty] = useState<Duty | null | undefined>(undefined);
  const [order, setOrder] = useState<number[]>([]);
  const [hours, setHours] = useState('168');
  const [handoff, setHandoff] = useState('09:00');
  const [zone, setZone] = useState<string>(me.timezone);
  const [startsOn, setStartsOn] = useState(today());
  const [error, setError] = useState<string | null>(null);
  const save = useSave();

  const load = () => {
    call('rotations/get', { channel_id: channelId })
      .then((r) => {
        setExisting(r);
        if (r === null) return;
        setOrder(r.user_ids);
        setHours(String(r.shift_hours));
        setHandoff(r.handoff_time);
        setZone(r.timezone);
        setStartsOn(r.starts_on);
        if (!started(r)) return setDuty(null);
        setDuty(undefined);
        call('rotations/on_duty', { channel_id: channelId }).then(setDuty).catch(() => setDuty(null));
      })
      .catch((e) => setError(describeError(e)));
  };
  useEffect(load, [channelId]);

  const toggle = (id: number, on: boolean) => setOrder((o) => (on ? [...o, id] : o.filter((x) => x !== id)));
  const move = (i: number, by: number) =>
    setOrder((o) => {
      const next = [...o];
      const [item] = next.splice(i, 1);
      next.splice(i + by, 0, item!);
      return next;
    });

  const submit = async () => {
    const shift = Number(hours);
    if (order.length === 0) return save.fail('Pick at least one person to be on duty.');
    if (!Number.isInteger(shift) || shift < 1 || shift > 672) return save.fail('A shift lasts 1 to 672 hours (four weeks).');
    const fields = { channel_id: channelId, user_ids: order, shift_hours: shift, handoff_time: handoff, timezone: zone as Timezone, starts_on: startsOn };
    const ok = await save.run(() => call(existing ? 'rotations/update' : 'rotations/add', fields), existing ? 'Rotation saved' : 'Rotation started');
    if (ok) load();
  };
  const remove = async () => {
    if (!window.confirm('Remove this channel’s rotation? Nobody will cover for people who are off.')) return;
    const ok = await save.run(() => call('rotations/remove', { channel_id: channelId }), 'Rotation removed');
    if (ok) {
      setExisting(null);
      setDuty(null);
    }
  };

  if (error) return <p class="error-banner" role="alert">Could not load the rotation: {error}</p>;
  if (existing === undefined) return <p class="muted">Loading…</p>;
  const others = members.filter((id) => !order.includes(id));
  return (
    <form
      class="rotation-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {duty && (
        <p class="my-state status-working">
          <span class="status-dot" aria-hidden="true" />
          <span>
            <strong>{userName(app.get(), duty.user_id)}</strong> is on duty until {theirTime(duty.until_ts, me.timezone)}, then{' '}
            {userName(app.get(), duty.next_user_id)}.
          </span>
        </p>
      )}
      {existing && duty === null && existing.user_ids.length > 0 && (
        <p class="my-state">
          <span>
            <strong>{userName(app.get(), existing.user_ids[0]!)}</strong> takes the first shift on{' '}
            <span class="nowrap">{calendarDay(existing.starts_on)}</span> at {existing.handoff_time} ({existing.timezone}); nobody is
            on duty until then.
          </span>
        </p>
      )}
      {!existing && <p class="settings-hint">This channel has no rotation yet.</p>}
      <fieldset class="rotation-people">
        <legend>On duty in turn</legend>
        <ol class="admin-list">
          {order.map((id, i) => (
            <li key={id} class="admin-row">
              <span class="rotation-turn">{i + 1}</span>
              <span class="admin-who">
                <strong>{userName(app.get(), id)}</strong>
              </span>
              <button type="button" class="btn-icon btn-small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${userName(app.get(), id)} earlier`}>
                <Icon name="back" size={14} />
              </button>
              <button type="button" class="btn btn-quiet btn-small" onClick={() => toggle(id, false)}>
                Take off<span class="sr-only"> {userName(app.get(), id)}</span>
              </button>
            </li>
          ))}
        </ol>
        {others.length > 0 && (
          <div class="rotation-add">
            <span class="muted">Add:</span>
            {others.map((id) => (
              <button key={id} type="button" class="btn btn-quiet btn-small" onClick={() => toggle(id, true)}>
                + {userName(app.get(), id)}
              </button>
            ))}
          </div>
        )}
      </fieldset>
      <div class="settings-row">
        <div class="settings-field">
          <label for="rotation-hours">Shift length (hours)</label>
          <input id="rotation-hours" type="number" min={1} max={672} value={hours} onInput={(e) => setHours(e.currentTarget.value)} />
        </div>
        <div class="settings-field">
          <label for="rotation-handoff">Hands over at</label>
          <input id="rotation-handoff" type="time" value={handoff} onInput={(e) => setHandoff(e.currentTarget.value)} />
        </div>
        <div class="settings-field">
          <label for="rotation-start">First shift on</label>
          <input id="rotation-start" type="date" value={startsOn} onInput={(e) => setStartsOn(e.currentTarget.value)} />
        </div>
      </div>
      <div class="settings-field grow">
        <label for="rotation-zone">Time zone of the handover</label>
        <TimeZonePicker id="rotation-zone" value={zone} onPick={(z) => setZone(z)} />
      </div>
      <div class="settings-actions">
        <button type="submit" class="btn btn-primary" disabled={save.saving}>
          {existing ? 'Save rotation' : 'Start rotation'}
        </button>
        {existing && (
          <button type="button" class="btn btn-quiet" onClick={() => void remove()}>
            Remove rotation
          </button>
        )}
        <SaveStatus state={save.state} />
      </div>
    </form>
  );
}
