// The workspace's channels: who can see each (public or private), which carry the emergency
// lane, and which are archived. Private channels an admin is not in are not listed: being
// an admin does not open them.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Channel } from '../../api/types';
import { Icon } from '../../components/Icon';
import { ListSkeleton } from '../../components/ListSkeleton';
import { href } from '../../router';
import { app, patch, withItem } from '../../state/app';
import { showToast } from '../../state/toast';

export function ChannelsSection({ ws }: { ws: number }) {
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
