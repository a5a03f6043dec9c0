// Browse the workspace's public channels and join one.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Channel } from '../api/types';
import { Dialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { href, navigate } from '../router';
import { app, isMember, patch, withItem } from '../state/app';
import { announce } from '../state/announce';

export function BrowseChannels({ ws, onClose }: { ws: number; onClose: () => void }) {
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const me = app.get().me;

  useEffect(() => {
    call('workspaces/get_public_channels', { id: ws })
      .then((list) => setChannels(list.filter((c) => !c.archived).sort((a, b) => a.name.localeCompare(b.name))))
      .catch((e) => setError(describeError(e)));
  }, [ws]);

  const join = async (c: Channel) => {
    try {
      await call('channels/join', { id: c.id });
      const joined = { ...c, user_ids: [...c.user_ids, me!.id] };
      patch({ channels: withItem(app.get().channels, c.id, joined) });
      announce(`Joined #${c.name}`);
      onClose();
      navigate(href.channel(ws, c.id));
    } catch (e) {
      setError(describeError(e));
    }
  };

  const [creating, setCreating] = useState(false);
  const create = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    if (!name) return;
    try {
      const channel = await call('channels/add', {
        workspace_id: ws,
        name,
        description: String(data.get('description') ?? '').trim(),
        public: data.get('visibility') !== 'private',
        temp_id: Math.floor(Math.random() * 2 ** 31),
      });
      patch({ channels: withItem(app.get().channels, channel.id, channel) });
      announce(`Created #${channel.name}`);
      onClose();
      navigate(href.channel(ws, channel.id));
    } catch (e) {
      setError(describeError(e));
    }
  };

  if (creating) {
    return (
      <Dialog key="create" title="New channel" onClose={onClose}>
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void create(e.currentTarget);
          }}
        >
          <label class="field">
            <span>Name</span>
            <input name="name" required maxLength={80} placeholder="e.g. product" autocomplete="off" />
          </label>
          <label class="field">
            <span>What is it for? (optional)</span>
            <input name="description" maxLength={250} autocomplete="off" />
          </label>
          <fieldset class="field choice">
            <legend>Who can find it</legend>
            <label>
              <input type="radio" name="visibility" value="public" checked /> Everyone in the workspace can find and join it
            </label>
            <label>
              <input type="radio" name="visibility" value="private" /> Private: only the people you add
            </label>
          </fieldset>
          {error && <p class="error-banner" role="alert">{error}</p>}
          <div class="composer-actions">
            <button type="button" class="btn btn-quiet" onClick={() => setCreating(false)}>
              Back
            </button>
            <button type="submit" class="btn btn-primary">
              Create channel
            </button>
          </div>
        </form>
      </Dialog>
    );
  }

  const shown = (channels ?? []).filter((c) => c.name.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <Dialog key="browse" title="Browse channels" onClose={onClose}>
      <div class="browse-top">
        <label class="field">
          <span class="sr-only">Filter channels</span>
          <input type="search" placeholder="Filter channels" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <button type="button" class="btn" onClick={() => setCreating(true)}>
          <Icon name="plus" size={16} /> New channel
        </button>
      </div>
      {error && <p class="error-banner" role="alert">{error}</p>}
      {channels === null && !error && <p class="muted">Loading…</p>}
      {channels?.length === 0 && <p class="muted">This workspace has no public channels yet.</p>}
      <ul class="browse-list">
        {shown.map((c) => (
          <li key={c.id} class="browse-item">
            <div class="browse-text">
              <div class="browse-name">
                <Icon name="hash" size={14} /> {c.name}
              </div>
              {c.description && <div class="muted browse-desc">{c.description}</div>}
              <div class="muted browse-desc">{c.user_ids.length} {c.user_ids.length === 1 ? 'member' : 'members'}</div>
            </div>
            {isMember(c, me) ? (
              <a class="btn btn-quiet" href={href.channel(ws, c.id)} onClick={onClose}>
                Open
              </a>
            ) : (
              <button type="button" class="btn" onClick={() => void join(c)}>
                Join
              </button>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
