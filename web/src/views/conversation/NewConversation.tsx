// "New conversation": pick one or a few people (each with their local time and whether
// they are working), then open the conversation of exactly those people — the existing
// one if there is one (conversations/get_or_create).

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Availability, Conversation } from '../../api/types';
import { describeAvailability } from '../../availability';
import { Avatar } from '../../components/Avatar';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { useShortcuts } from '../../keyboard';
import { href, navigate } from '../../router';
import { app, patch } from '../../state/app';
import { announce } from '../../state/announce';
import { useSelect } from '../../state/observable';

/** A conversation the shared state did not know yet goes first in the sidebar. */
export function rememberConversation(c: Conversation): void {
  const s = app.get();
  patch({ conversations: [c, ...s.conversations.filter((x) => x.id !== c.id)] });
}

export function NewConversationButton({ ws, variant = 'icon' }: { ws: number; variant?: 'icon' | 'button' }) {
  const [open, setOpen] = useState(false);
  // In the conversations list (the main pane's button), c starts one, as it starts a thread in a channel.
  useShortcuts(variant === 'button' ? { c: () => setOpen(true) } : {});
  return (
    <>
      {variant === 'icon' ? (
        <button type="button" class="btn-icon btn-small" aria-label="New conversation" title="New conversation" onClick={() => setOpen(true)}>
          <Icon name="plus" size={16} />
        </button>
      ) : (
        <button type="button" class="btn btn-primary btn-small" title="New conversation (c)" onClick={() => setOpen(true)}>
          <Icon name="plus" size={16} /> New conversation
        </button>
      )}
      {open && <NewConversationDialog ws={ws} onClose={() => setOpen(false)} />}
    </>
  );
}

export function NewConversationDialog({ ws, onClose }: { ws: number; onClose: () => void }) {
  const users = useSelect(app, (s) => s.users);
  const me = useSelect(app, (s) => s.me!);
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<number[]>([]);
  const [active, setActive] = useState(0);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [availability, setAvailability] = useState<Record<number, Availability>>({});
  const input = useRef<HTMLInputElement>(null);

  const everyone = Object.values(users)
    .filter((u) => !u.removed && !u.deactivated && !u.invite_pending && u.id !== me.id)
    .sort((a, b) => a.name.localeCompare(b.name));

  // Everyone's local time, in one call.
  useEffect(() => {
    const ids = everyone.map((u) => u.id).slice(0, 200);
    if (ids.length === 0) return;
    call('availability/get', { workspace_id: ws, user_ids: ids })
      .then((list) => setAvailability(Object.fromEntries(list.map((a) => [a.user_id, a]))))
      .catch(() => undefined);
  }, [ws]);

  const q = filter.trim().toLowerCase();
  const shown = everyone.filter((u) => !q || u.name.toLowerCase().includes(q) || u.email.toLowerCase().includes(q));
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));

  const toggle = (id: number) => {
    setPicked((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));
    setFilter('');
    input.current?.focus();
  };

  const start = async () => {
    if (picked.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const c = await call('conversations/get_or_create', {
        workspace_id: ws,
        user_ids: [me.id, ...picked],
        ...(picked.length > 1 && title.trim() ? { title: title.trim() } : {}),
      });
      rememberConversation(c);
      onClose();
      navigate(href.conversation(ws, c.id));
    } catch (e) {
      setError(describeError(e));
      announce(`Could not start the conversation: ${describeError(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const listId = 'people-options';
  return (
    <Dialog title="New conversation" onClose={onClose}>
      <form
        class="stack people-picker"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div class="field">
          <label for="people-filter">With whom?</label>
          {picked.length > 0 && (
            <ul class="chips" aria-label="With">
              {picked.map((id) => (
                <li class="chip" key={id}>
                  {users[id]?.name ?? 'Someone'}
                  <button type="button" class="chip-remove" aria-label={`Remove ${users[id]?.name ?? 'this person'}`} onClick={() => toggle(id)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <input
            id="people-filter"
            ref={input}
            type="search"
            placeholder="Type a name or email"
            value={filter}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={shown[activeIndex] ? `person-${shown[activeIndex]!.id}` : undefined}
            autocomplete="off"
            aria-describedby="people-hint"
            onInput={(e) => {
              setFilter(e.currentTarget.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const step = e.key === 'ArrowDown' ? 1 : -1;
                setActive(Math.max(0, Math.min(shown.length - 1, activeIndex + step)));
              } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
                e.preventDefault();
                const u = shown[activeIndex];
                if (u && (q || picked.length === 0)) toggle(u.id);
                else void start();
              } else if (e.key === 'Enter') {
                e.preventDefault();
                void start();
              } else if (e.key === 'Backspace' && !filter && picked.length > 0) {
                setPicked((list) => list.slice(0, -1));
              }
            }}
          />
          <span class="people-hint muted" id="people-hint">Enter adds the person picked; with someone picked and nothing typed, Enter starts.</span>
        </div>
        <ul class="people-list" id={listId} role="listbox" aria-label="People" aria-multiselectable="true">
          {shown.length === 0 && <li class="muted people-none">Nobody in this workspace matches “{filter}”.</li>}
          {shown.map((u, i) => {
            const a = availability[u.id];
            const words = a ? describeAvailability(a) : null;
            const on = picked.includes(u.id);
            return (
              <li
                key={u.id}
                id={`person-${u.id}`}
                role="option"
                aria-selected={on}
                class={`people-option ${i === activeIndex ? 'is-active' : ''} ${on ? 'is-picked' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  setActive(i);
                  toggle(u.id);
                }}
              >
                <Avatar id={u.id} name={u.name} size="sm" />
                <span class="people-name">{u.name}</span>
                {words && (
                  <span class={`people-status status-${words.state}`}>
                    <span class="status-dot" aria-hidden="true" /> {words.short}
                  </span>
                )}
                <span class="people-check" aria-hidden="true">
                  {on ? <Icon name="check" size={16} /> : null}
                </span>
              </li>
            );
          })}
        </ul>
        {picked.length > 1 && (
          <label class="field">
            <span>Name (optional)</span>
            <input type="text" maxLength={200} placeholder="e.g. Hiring sync" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
        )}
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <div class="composer-actions dialog-actions">
          <button type="button" class="btn btn-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={picked.length === 0 || busy}>
            {busy ? 'Opening…' : picked.length > 1 ? 'Start group conversation' : 'Start conversation'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
