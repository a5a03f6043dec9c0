// Away: vacation, leave, sick — dates and a note that everyone who tries to notify me sees
// ("Ana — away until Fri 3 Jan: back Monday"). Nothing is pushed while I am away.

import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import type { User } from '../../api/types';
import { patch } from '../../state/app';
import { addDays, backOn, dateLabel, SaveStatus, useSave, type Schedule } from './shared';

const KINDS = [
  ['vacation', 'Vacation'],
  ['parental', 'Parental leave'],
  ['sickleave', 'Sick leave'],
  ['other', 'Away'],
] as const;
type Kind = (typeof KINDS)[number][0];

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function awayIsOn(me: User): boolean {
  return !!me.away_mode?.date_to && me.away_mode.date_to >= today();
}

export function AwaySection({ me, schedule }: { me: User; schedule: Schedule | null }) {
  const current = awayIsOn(me) ? me.away_mode! : null;
  const [kind, setKind] = useState<Kind>((KINDS.find(([k]) => k === current?.type)?.[0] ?? 'vacation') as Kind);
  const [from, setFrom] = useState(current?.date_from ?? today());
  const [to, setTo] = useState(current?.date_to ?? addDays(today(), 7));
  const [note, setNote] = useState(current?.note ?? '');
  const save = useSave();
  const clear = useSave();
  const dateError = !from || !to ? 'Pick both days.' : from > to ? 'The first day is after the last one.' : to < today() ? 'The last day is already past.' : null;
  const back = schedule ? backOn(to, schedule.working_hours) : null;

  const submit = async () => {
    if (dateError) return save.fail(dateError);
    await save.run(async () => {
      const updated = await call('users/update', { away_mode: { type: kind, date_from: from, date_to: to, ...(note.trim() ? { note: note.trim() } : {}) } });
      patch({ me: { ...me, ...updated } });
    }, `Away until ${dateLabel(to)} saved`);
  };
  const end = async () => {
    await clear.run(async () => {
      const updated = await call('users/update', { away_mode: '' });
      patch({ me: { ...updated, away_mode: undefined } });
    }, 'Welcome back: you are no longer away');
  };

  return (
    <section class="settings-card" aria-labelledby="away-title">
      <h2 id="away-title">Away</h2>
      <p class="settings-intro">
        While you are away nothing is pushed to you, and whoever tries to notify you sees until when — with your note.
      </p>
      {current && (
        <div class="away-current">
          <p>
            <strong>
              {KINDS.find(([k]) => k === current.type)?.[1] ?? 'Away'} until {dateLabel(current.date_to)}
            </strong>
            {back ? ` — back ${back}` : ''}
            {current.note ? <span class="muted"> · “{current.note}”</span> : null}
          </p>
          <button type="button" class="btn" disabled={clear.saving} onClick={() => void end()}>
            I’m back — end it now
          </button>
          <SaveStatus state={clear.state} />
        </div>
      )}
      <form
        class="away-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="settings-grid">
          <label class="settings-field">
            <span>Why</span>
            <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
              {KINDS.map(([k, text]) => (
                <option key={k} value={k}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <label class="settings-field">
            <span>First day</span>
            <input type="date" value={from} max={to || undefined} aria-invalid={!!dateError || undefined} aria-describedby="away-status" onChange={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label class="settings-field">
            <span>Last day</span>
            <input type="date" value={to} min={from || undefined} aria-invalid={!!dateError || undefined} aria-describedby="away-status" onChange={(e) => setTo(e.currentTarget.value)} />
          </label>
        </div>
        <label class="settings-field">
          <span>Note for people who try to reach you (optional)</span>
          <input type="text" maxLength={300} placeholder="e.g. Hiking, no signal. Devi covers hiring." value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        {!dateError && <p class="settings-hint">They will read: away until {dateLabel(to)}{back ? `, back ${back}` : ''}{note.trim() ? ` — “${note.trim()}”` : '.'}</p>}
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" disabled={save.saving}>
            {current ? 'Update away' : 'Set away'}
          </button>
          <SaveStatus id="away-status" state={dateError && save.state.kind !== 'error' ? { kind: 'error', text: dateError } : save.state} />
        </div>
      </form>
    </section>
  );
}
