// A group conversation's own actions: rename it, add people, leave it.

import { useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Conversation } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../components/Dialog';
import { href, navigate } from '../../router';
import { app, patch } from '../../state/app';
import { announce } from '../../state/announce';
import { useSelect } from '../../state/observable';
import { rememberConversation } from './NewConversation';

type SetConversation = (f: (c: Conversation | null) => Conversation | null) => void;

export function RenameDialog({ conversation, setConversation, onClose }: { conversation: Conversation; setConversation: SetConversation; onClose: () => void }) {
  const [title, setTitle] = useState(conversation.title ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      const updated = await call('conversations/update', { id: conversation.id, title: title.trim() });
      setConversation((c) => (c ? { ...c, title: updated.title } : c));
      rememberConversation({ ...conversation, title: updated.title });
      announce(title.trim() ? `Renamed to ${title.trim()}` : 'Name removed: it is called by its people again');
      onClose();
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <Dialog title="Name this conversation" onClose={onClose}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label class="field">
          <span>Name (empty: its people’s names)</span>
          <input type="text" maxLength={300} value={title} aria-invalid={!!error || undefined} aria-describedby="rename-error" onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <p class="field-error" id="rename-error" role={error ? 'alert' : undefined}>
          {error}
        </p>
        <div class="composer-actions dialog-actions">
          <button type="button" class="btn btn-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function AddPeopleDialog({ conversation, setConversation, onClose }: { conversation: Conversation; setConversation: SetConversation; onClose: () => void }) {
  const users = useSelect(app, (s) => s.users);
  const [picked, setPicked] = useState<number[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  const q = filter.trim().toLowerCase();
  const candidates = Object.values(users)
    .filter((u) => !u.removed && !u.deactivated && !u.invite_pending && !conversation.user_ids.includes(u.id) && (!q || u.name.toLowerCase().includes(q)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const add = async () => {
    if (picked.length === 0) return;
    try {
      await call('conversations/add_users', { id: conversation.id, user_ids: picked });
      const user_ids = [...conversation.user_ids, ...picked];
      setConversation((c) => (c ? { ...c, user_ids } : c));
      rememberConversation({ ...conversation, user_ids });
      announce(`Added ${picked.map((id) => users[id]?.name ?? 'someone').join(', ')}`);
      onClose();
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <Dialog title="Add people" onClose={onClose}>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label class="field">
          <span>Find people</span>
          <input type="search" value={filter} placeholder="Type a name" onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <ul class="people-list" aria-label="People">
          {candidates.length === 0 && <li class="muted people-none">{q ? `Nobody matches “${filter}”.` : 'Everyone in the workspace is already here.'}</li>}
          {candidates.map((u) => (
            <li key={u.id}>
              <label class="people-option">
                <input
                  type="checkbox"
                  checked={picked.includes(u.id)}
                  onChange={(e) => setPicked((list) => (e.currentTarget.checked ? [...list, u.id] : list.filter((x) => x !== u.id)))}
                />
                <Avatar id={u.id} name={u.name} size="sm" />
                <span class="people-name">{u.name}</span>
              </label>
            </li>
          ))}
        </ul>
        <p class="muted people-hint">They will see the whole conversation, earlier messages too.</p>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <div class="composer-actions dialog-actions">
          <button type="button" class="btn btn-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={picked.length === 0}>
            Add {picked.length > 0 ? picked.length : ''}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export async function leaveConversation(ws: number, conversation: Conversation): Promise<void> {
  if (!window.confirm('Leave this conversation? You will no longer see its messages unless someone adds you again.')) return;
  const me = app.get().me!.id;
  try {
    await call('conversations/remove_user', { id: conversation.id, user_id: me });
    patch({ conversations: app.get().conversations.filter((c) => c.id !== conversation.id) });
    announce('You left the conversation');
    navigate(href.conversations(ws));
  } catch (e) {
    announce(`Could not leave: ${describeError(e)}`);
  }
}
