// The workspace's channels: who can see each (public or private), which carry the emergency
// lane, how long answers asked for in each may take, and which are archived. Private channels an admin is not in are not listed: being
// an admin does not open them.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Channel } from '../../api/types';
import { Icon } from '../../components/Icon';
import { ListSkeleton } from '../../components/ListSkeleton';
import { href } from '../../router';
import { app, patch, withItem } from '../../state/app';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';

/** The response times offered, in working hours (8: a working day). */
export const RESPONSE_HOURS = [1, 2, 4, 8, 16, 24, 40];

export function ChannelsSection({ ws }: { ws: number }) {
  const workspaceHours = useSelect(app, (s) => s.workspaces.find((w) => w.id === ws)?.expected_response_hours ?? 8);
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call('channels/get', { workspace_id: ws })
      .then((list) => setChannels(list.sort((a, b) => Number(a.archived) - Number(b.archived) || a.name.localeCompare(b.name))))
      .catch((e) => setError(describeError(e)));
  }, [ws]);

  const replace = (c: Channel) => {
    setChannels((list) => list?.map((x) => (x.id === c.id ? c : x)) ?? null);
    const mine = app.get().channels[c.id];
    patch({ channels: withItem(app.get().channels, c.id, c.archived ? undefined : { ...mine, ...c }) });
  };

  const change = async (c: Channel, next: Partial<Channel>, done: string) => {
    const before = c;
    replace({ ...c, ...next });
    try {
      if (next.archived !== undefined) await call(next.archived ? 'channels/archive' : 'channels/unarchive', { id: c.id });
      else if ('expected_response_hours' in next) await call('channels/update', { id: c.id, expected_response_hours: next.expected_response_hours ?? 0 });
      else await call('channels/update', { id: c.id, public: next.public ?? undefined, emergency: next.emergency ?? undefined });
      showToast(done);
    } catch (e) {
      replace(before);
      showToast(`#${c.name}: ${describeError(e)}`);
    }
  };

  return (
    <section class="settings-card" aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      <p class="settings-intro">
        Public channels are open to every member (not guests); private ones to the people in them. In an emergency channel
        a post can be marked urgent and then reaches people through do-not-disturb.
      </p>
      {error && (
        <p class="error-banner" role="alert">
          Could not load the channels: {error}
        </p>
      )}
      {!channels && !error && <ListSkeleton />}
      {channels && (
        <ul class="admin-list" aria-label="Channels">
          {channels.map((c) => (
            <li key={c.id} class={`admin-row ${c.archived ? 'is-archived' : ''}`}>
              <Icon name={c.public ? 'hash' : 'lock'} size={16} />
              <span class="admin-who">
                <strong>{c.archived ? c.name : <a href={href.channel(ws, c.id)}>{c.name}</a>}</strong>
                <span class="muted">
                  {c.user_ids.length} {c.user_ids.length === 1 ? 'person' : 'people'}
                  {c.archived ? ' · archived' : ''}
                </span>
              </span>
              <span class="admin-controls">
              <label class="toggle">
                <input type="checkbox" role="switch" checked={c.public} disabled={c.archived} onChange={(e) => void change(c, { public: e.currentTarget.checked }, `#${c.name} is now ${e.currentTarget.checked ? 'public' : 'private'}`)} />
                <span class="toggle-track" aria-hidden="true" />
                <span>
                  Public<span class="sr-only"> #{c.name}</span>
                </span>
              </label>
              <label class="toggle">
                <input type="checkbox" role="switch" checked={c.emergency} disabled={c.archived} onChange={(e) => void change(c, { emergency: e.currentTarget.checked }, `#${c.name} ${e.currentTarget.checked ? 'carries' : 'no longer carries'} the emergency lane`)} />
                <span class="toggle-track" aria-hidden="true" />
                <span>
                  Emergency<span class="sr-only"> #{c.name}</span>
                </span>
              </label>
              <label class="admin-select">
                <span class="sr-only">Expected response time in #{c.name}</span>
                <select
                  value={String(c.expected_response_hours ?? 0)}
                  disabled={c.archived}
                  title="How long an answer asked for here may take, in the working hours of the person asked"
                  onChange={(e) => {
                    const h = Number(e.currentTarget.value);
                    void change(c, { expected_response_hours: h === 0 ? undefined : h }, h === 0 ? `#${c.name} uses the workspace’s response time` : `Answers in #${c.name} are due in ${h} working hours`);
                  }}
                >
                  <option value="0">Reply time: workspace’s ({workspaceHours} h)</option>
                  {RESPONSE_HOURS.filter((h) => h !== workspaceHours || c.expected_response_hours === h).map((h) => (
                    <option key={h} value={String(h)}>
                      Reply time: {h} working {h === 1 ? 'hour' : 'hours'}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" class="btn btn-quiet btn-small" onClick={() => void change(c, { archived: !c.archived }, `#${c.name} ${c.archived ? 'unarchived' : 'archived'}`)}>
                {c.archived ? 'Unarchive' : 'Archive'}
                <span class="sr-only"> #{c.name}</span>
              </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
