// Profile: my name (with the initials everyone sees as my avatar), my time zone — the
// one every time in Weft is shown in, and my working hours are read in — and, at the
// bottom, deleting my account.

import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import type { User } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { patch } from '../../state/app';
import { setUserTimeZone } from '../../time';
import { isZone, TimeZonePicker } from './TimeZonePicker';
import type { Timezone } from './timezones';
import { SaveStatus, useSave } from './shared';

export function ProfileSection({ me, onZoneChanged }: { me: User; onZoneChanged: () => void }) {
  const [name, setName] = useState(me.name);
  const nameSave = useSave();
  const zoneSave = useSave();
  const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const saveName = async () => {
    const trimmed = name.trim();
    if (!trimmed) return nameSave.fail('Your name cannot be empty.');
    await nameSave.run(async () => {
      const updated = await call('users/update', { name: trimmed });
      patch({ me: { ...me, ...updated } });
    }, 'Name saved');
  };

  const saveZone = async (zone: string) => {
    await zoneSave.run(async () => {
      const updated = await call('users/update', { timezone: zone as Timezone });
      setUserTimeZone(updated.timezone);
      patch({ me: { ...me, ...updated } });
      onZoneChanged();
    }, `Time zone set to ${zone.replace(/_/g, ' ')}`);
  };

  return (
    <>
      <section class="settings-card" aria-labelledby="profile-name">
        <h2 id="profile-name">Name</h2>
        <form
          class="settings-row"
          onSubmit={(e) => {
            e.preventDefault();
            void saveName();
          }}
        >
          <Avatar id={me.id} name={name.trim() || me.name} size="lg" />
          <div class="settings-field grow">
            <label for="name-input">Your name, as the team sees it</label>
            <input
              id="name-input"
              type="text"
              maxLength={200}
              autocomplete="name"
              value={name}
              aria-invalid={nameSave.state.kind === 'error' || undefined}
              aria-describedby="name-status name-hint"
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </div>
          <div class="settings-actions">
            <button type="submit" class="btn btn-primary" disabled={nameSave.saving || name.trim() === me.name}>
              Save name
            </button>
          </div>
        </form>
        <SaveStatus id="name-status" state={nameSave.state} />
        <p class="settings-hint" id="name-hint">
          Your avatar is your initials, in a colour of its own. You sign in as {me.email}.
        </p>
      </section>

      <section class="settings-card" aria-labelledby="profile-zone">
        <h2 id="profile-zone">Time zone</h2>
        <p class="settings-intro">
          Every time in Weft is shown in it, your working hours are read in it, and your colleagues see your local time
          from it.
        </p>
        <div class="settings-row">
          <div class="settings-field grow">
            <label for="tz-input">Where you are</label>
            <TimeZonePicker id="tz-input" value={me.timezone} onPick={(z) => void saveZone(z)} describedBy="tz-status" invalid={zoneSave.state.kind === 'error'} />
          </div>
          {isZone(deviceZone) && deviceZone !== me.timezone && (
            <div class="settings-actions">
              <button type="button" class="btn" onClick={() => void saveZone(deviceZone)}>
                Use this device’s: {deviceZone.replace(/_/g, ' ')}
              </button>
            </div>
          )}
        </div>
        <SaveStatus id="tz-status" state={zoneSave.state} />
      </section>

      <DeleteAccount />
    </>
  );
}

/** The danger zone: deleting my account for good, after my password and a confirmation. */
function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const save = useSave();
  const remove = async () => {
    if (!password) return save.fail('Enter your password to confirm it is you.');
    if (!window.confirm('Delete your account for good? This cannot be undone.')) return;
    const ok = await save.run(() => call('users/delete', { password }), 'Your account was deleted');
    // Every session ended with it: back to the sign-in page.
    if (ok) window.location.assign('/login');
  };
  return (
    <section class="settings-card danger-zone" aria-labelledby="delete-account">
      <h2 id="delete-account">Delete your account</h2>
      <p class="settings-intro">
        You leave every workspace and are signed out everywhere, at once. Your name, email, time zone, working hours and
        away note are erased; your posts stay, shown as by “Deleted user”. If you are the last admin of a workspace,
        make someone else an admin first. This cannot be undone.
      </p>
      {!open ? (
        <button type="button" class="btn btn-danger-quiet" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      ) : (
        <form
          class="settings-row"
          onSubmit={(e) => {
            e.preventDefault();
            void remove();
          }}
        >
          <div class="settings-field grow">
            <label for="delete-password">Your password</label>
            <input
              id="delete-password"
              type="password"
              autocomplete="current-password"
              value={password}
              aria-invalid={save.state.kind === 'error' || undefined}
              aria-describedby="delete-status"
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </div>
          <div class="settings-actions">
            <button type="button" class="btn" onClick={() => setOpen(false)}>
              Keep my account
            </button>
            <button type="submit" class="btn btn-urgent" disabled={save.saving}>
              Delete my account
            </button>
          </div>
        </form>
      )}
      <SaveStatus id="delete-status" state={save.state} />
    </section>
  );
}
