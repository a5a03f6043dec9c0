// The workspace itself: its name, how long an answer asked for may take, and how long an
// emergency waits for someone to acknowledge it before the admins are pushed.

import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import type { Workspace } from '../../api/types';
import { app, patch } from '../../state/app';
import { SaveStatus, useSave } from '../settings/shared';
import { RESPONSE_HOURS } from './Channels';

export function GeneralSection({ workspace }: { workspace: Workspace }) {
  const [name, setName] = useState(workspace.name);
  const [minutes, setMinutes] = useState(String(workspace.escalation_minutes));
  const nameSave = useSave();
  const minutesSave = useSave();
  const hoursSave = useSave();

  const saved = (w: Workspace) => patch({ workspaces: app.get().workspaces.map((x) => (x.id === w.id ? w : x)) });

  const saveName = async () => {
    const trimmed = name.trim();
    if (!trimmed) return nameSave.fail('The workspace needs a name.');
    await nameSave.run(async () => saved(await call('workspaces/update', { id: workspace.id, name: trimmed })), 'Name saved');
  };
  const saveMinutes = async () => {
    const n = Number(minutes);
    if (!Number.isInteger(n) || n < 1 || n > 1440) return minutesSave.fail('Between 1 and 1440 minutes (a day).');
    await minutesSave.run(async () => saved(await call('workspaces/update', { id: workspace.id, escalation_minutes: n })), `Emergencies escalate after ${n} minutes`);
  };

  const saveHours = async (h: number) =>
    hoursSave.run(async () => saved(await call('workspaces/update', { id: workspace.id, expected_response_hours: h })), `Answers are due in ${h} working ${h === 1 ? 'hour' : 'hours'}`);

  return (
    <>
      <section class="settings-card" aria-labelledby="ws-name">
        <h2 id="ws-name">Name</h2>
        <form
          class="settings-row"
          onSubmit={(e) => {
            e.preventDefault();
            void saveName();
          }}
        >
          <div class="settings-field grow">
            <label for="ws-name-input">What everyone sees in the workspace switcher</label>
            <input id="ws-name-input" type="text" maxLength={200} value={name} aria-describedby="ws-name-status" onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <button type="submit" class="btn btn-primary" disabled={nameSave.saving || name.trim() === workspace.name}>
            Save
          </button>
        </form>
        <SaveStatus id="ws-name-status" state={nameSave.state} />
      </section>
      <section class="settings-card" aria-labelledby="ws-response">
        <h2 id="ws-response">Answers</h2>
        <p class="settings-intro">
          When someone asks for a reply, the answer is due after this much of the <em>asked person’s</em> working time:
          nights, weekends, days off and time away do not count. Channels can set their own (Channels page).
        </p>
        <div class="settings-row">
          <div class="settings-field">
            <label for="ws-response-hours">Expected response time</label>
            <select id="ws-response-hours" value={String(workspace.expected_response_hours)} aria-describedby="ws-response-status" disabled={hoursSave.saving} onChange={(e) => void saveHours(Number(e.currentTarget.value))}>
              {[...new Set([...RESPONSE_HOURS, workspace.expected_response_hours])].sort((a, b) => a - b).map((h) => (
                <option key={h} value={String(h)}>
                  {h} working {h === 1 ? 'hour' : 'hours'}
                  {h === 8 ? ' (one working day)' : h === 40 ? ' (one working week)' : ''}
                </option>
              ))}
            </select>
          </div>
        </div>
        <SaveStatus id="ws-response-status" state={hoursSave.state} />
      </section>
      <section class="settings-card" aria-labelledby="ws-escalation">
        <h2 id="ws-escalation">Emergencies</h2>
        <p class="settings-intro">
          An urgent post in an emergency channel reaches the people it names at once, through do-not-disturb. If nobody
          acknowledges it in time, every admin is pushed.
        </p>
        <form
          class="settings-row"
          onSubmit={(e) => {
            e.preventDefault();
            void saveMinutes();
          }}
        >
          <div class="settings-field">
            <label for="ws-minutes">Minutes before the admins are called</label>
            <input id="ws-minutes" type="number" min={1} max={1440} step={1} value={minutes} aria-describedby="ws-minutes-status" onInput={(e) => setMinutes(e.currentTarget.value)} />
          </div>
          <button type="submit" class="btn btn-primary" disabled={minutesSave.saving || minutes === String(workspace.escalation_minutes)}>
            Save
          </button>
        </form>
        <SaveStatus id="ws-minutes-status" state={minutesSave.state} />
      </section>
    </>
  );
}
