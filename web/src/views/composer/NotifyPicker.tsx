// Who gets told about a post — people, groups, everyone in the thread or the channel —
// and, for each person picked, when it will actually reach them (their availability in
// plain words, from availability/get), so nobody is surprised by quiet delivery.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Availability, Channel, Group, Thread } from '../../api/types';
import { describeAvailability } from '../../availability';
import { Icon } from '../../components/Icon';
import { Popover } from '../../components/Popover';
import { app, userName } from '../../state/app';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';
import { describeUnseen, fixedByAdding, useCannotSee } from './sharing';

export interface Notify {
  everyone: 'none' | 'thread' | 'channel';
  users: number[];
  groups: number[];
}

/** The notify list in the API's terms (`recipients`, `groups` of threads/add and comments/add). */
export function notifyParams(n: Notify): { recipients: number[] | 'EVERYONE' | 'EVERYONE_IN_THREAD'; groups: number[] } {
  const recipients = n.everyone === 'channel' ? 'EVERYONE' : n.everyone === 'thread' ? 'EVERYONE_IN_THREAD' : n.users;
  return { recipients, groups: n.groups };
}

/** Who a reply notifies unless changed: the thread's participants; a new thread: the channel's defaults. */
export function defaultNotify(channel: Channel, thread: Thread | undefined, me: number | undefined): Notify {
  if (thread) return { everyone: 'none', users: thread.participants.filter((id) => id !== me), groups: [] };
  if (channel.use_default_recipients) {
    return { everyone: 'none', users: channel.default_recipients.filter((id) => id !== me), groups: channel.default_groups };
  }
  return { everyone: 'none', users: [], groups: [] };
}

const availabilityCache = new Map<number, { at: number; a: Availability }>();

function useAvailability(ws: number, ids: number[]): Record<number, Availability> {
  const [found, setFound] = useState<Record<number, Availability>>({});
  const key = ids.slice().sort().join(',');
  useEffect(() => {
    let live = true;
    const now = Date.now();
    const fresh: Record<number, Availability> = {};
    const missing: number[] = [];
    for (const id of ids) {
      const hit = availabilityCache.get(id);
      if (hit && now - hit.at < 60_000) fresh[id] = hit.a;
      else missing.push(id);
    }
    setFound(fresh);
    if (missing.length > 0) {
      call('availability/get', { workspace_id: ws, user_ids: missing.slice(0, 200) })
        .then((list) => {
          for (const a of list) availabilityCache.set(a.user_id, { at: Date.now(), a });
          if (live) setFound((f) => ({ ...f, ...Object.fromEntries(list.map((a) => [a.user_id, a])) }));
        })
        .catch(() => undefined);
    }
    return () => {
      live = false;
    };
  }, [ws, key]);
  return found;
}

interface Props {
  ws: number;
  channel: Channel;
  thread?: Thread | undefined;
  value: Notify;
  urgent: boolean;
  onChange: (n: Notify) => void;
}

export function NotifyPicker({ ws, channel, thread, value, urgent, onChange }: Props) {
  const state = useSelect(app, (s) => s);
  const me = state.me?.id;
  const availability = useAvailability(ws, value.users.slice(0, 20));
  const [filter, setFilter] = useState('');
  const root = useRef<HTMLDivElement>(null);

  const remove = (kind: 'user' | 'group', id: number) => {
    // The chip's button goes away with it: the focus moves to "add people", not to the page.
    root.current?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
    onChange({ ...value, [kind === 'user' ? 'users' : 'groups']: (kind === 'user' ? value.users : value.groups).filter((x) => x !== id) });
  };

  const q = filter.trim().toLowerCase();
  const members = new Set(channel.user_ids);
  const people = Object.values(state.users)
    .filter((u) => !u.removed && !u.deactivated && !u.invite_pending && u.id !== me && !value.users.includes(u.id) && u.name.toLowerCase().includes(q))
    .sort((a, b) => Number(members.has(b.id)) - Number(members.has(a.id)) || a.name.localeCompare(b.name))
    .slice(0, 8);
  const groups = state.groups.filter((g) => !value.groups.includes(g.id) && g.name.toLowerCase().includes(q)).slice(0, 5);
  const [checkVersion, setCheckVersion] = useState(0);
  const cannotSee = useCannotSee(channel.id, namedPeople(state.groups, value), checkVersion);
  const addable = cannotSee.filter((c) => fixedByAdding(c.reason)).map((c) => c.user_id);
  const removable = cannotSee.map((c) => c.user_id).filter((id) => value.users.includes(id));
  const addToChannel = async () => {
    try {
      await call('channels/add_users', { id: channel.id, user_ids: addable });
      showToast(`Added to #${channel.name}`);
      setCheckVersion((v) => v + 1);
    } catch (e) {
      showToast(`Could not add them to #${channel.name}: ${describeError(e)}`);
    }
  };

  return (
    <div class="notify" ref={root}>
      <div class="notify-row">
        <span class="notify-label">Notify</span>
        <ul class="chips" aria-label="People and groups to notify">
          {value.everyone !== 'none' && (
            <li class="chip">
              {value.everyone === 'thread' ? 'Everyone in this thread' : `Everyone in #${channel.name}`}
              <button
                type="button"
                class="chip-remove"
                aria-label="Remove everyone"
                onClick={() => {
                  root.current?.querySelector<HTMLElement>('[aria-haspopup]')?.focus();
                  onChange({ ...value, everyone: 'none' });
                }}
              >
                ×
              </button>
            </li>
          )}
          {value.users.map((id) => (
            <li class="chip" key={`u${id}`}>
              {userName(state, id)}
              <button type="button" class="chip-remove" aria-label={`Do not notify ${userName(state, id)}`} onClick={() => remove('user', id)}>
                ×
              </button>
            </li>
          ))}
          {value.groups.map((id) => (
            <li class="chip chip-group" key={`g${id}`}>
              @{state.groups.find((g) => g.id === id)?.name ?? 'group'}
              <button type="button" class="chip-remove" aria-label="Remove group" onClick={() => remove('group', id)}>
                ×
              </button>
            </li>
          ))}
          {value.everyone === 'none' && value.users.length === 0 && value.groups.length === 0 && (
            <li class="muted notify-nobody">nobody — it will only be in the channel</li>
          )}
        </ul>
        <Popover label="Add people to notify" buttonClass="btn-icon btn-small" align="left" placement="above" button={<Icon name="plus" size={16} />}>
          {(close) => (
            <div class="menu-list notify-menu">
              <input type="search" class="menu-filter" placeholder="Find people or groups" aria-label="Find people or groups" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
              {thread && value.everyone !== 'thread' && !q && (
                <button type="button" class="menu-item" onClick={() => { onChange({ ...value, everyone: 'thread' }); close(); }}>
                  Everyone in this thread
                </button>
              )}
              {value.everyone !== 'channel' && !q && (
                <button type="button" class="menu-item" onClick={() => { onChange({ ...value, everyone: 'channel' }); close(); }}>
                  Everyone in #{channel.name}
                </button>
              )}
              {groups.map((g) => (
                <button type="button" class="menu-item" key={`g${g.id}`} onClick={() => { onChange({ ...value, groups: [...value.groups, g.id] }); setFilter(''); }}>
                  @{g.name} <span class="muted">· {g.user_ids.length} people</span>
                </button>
              ))}
              {people.map((u) => (
                <button type="button" class="menu-item" key={`u${u.id}`} onClick={() => { onChange({ ...value, users: [...value.users, u.id] }); setFilter(''); }}>
                  {u.name} {!members.has(u.id) && <span class="muted">· not in this channel</span>}
                </button>
              ))}
              {people.length === 0 && groups.length === 0 && q && <div class="menu-note">Nobody matches “{filter}”.</div>}
            </div>
          )}
        </Popover>
      </div>
      {value.users.length > 0 && (
        <ul class="availability-list" aria-label="When they will get it">
          {value.users.slice(0, 20).map((id) => {
            const a = availability[id];
            const words = a ? describeAvailability(a) : null;
            return (
              <li key={id} class={`availability status-${words?.state ?? 'unknown'}`}>
                <span class="status-dot" aria-hidden="true" />
                <span>
                  <strong>{userName(state, id)}</strong> — {urgent ? 'reaches them now, through do-not-disturb (emergency lane)' : words ? words.long : 'checking…'}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {cannotSee.length > 0 && (
        <div class="notify-warning" role="note">
          <p>
            {describeUnseen(cannotSee)} cannot see this, so will not be told.
          </p>
          <div class="notify-warning-actions">
            {addable.length > 0 && members.has(me ?? -1) && (
              <button type="button" class="btn btn-small" onClick={() => void addToChannel()}>
                Add {addable.length === 1 ? userName(state, addable[0]) : 'them'} to #{channel.name}
              </button>
            )}
            {removable.length > 0 && (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => onChange({ ...value, users: value.users.filter((id) => !removable.includes(id)) })}>
                Send without {removable.length === 1 ? userName(state, removable[0]) : 'them'}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** How many names the one-line summary spells out before "+n". */
const SUMMARY_NAMES = 3;

/** The notify list in one line, for the compact composer: "Notify: Carla, Bob, Devi · 2 off
 * now". A button: pressing it opens the full picker (`onOpen`). */
export function NotifySummary({ ws, channel, value, urgent, onOpen }: Omit<Props, 'onChange' | 'thread'> & { onOpen: () => void }) {
  const state = useSelect(app, (s) => s);
  const availability = useAvailability(ws, value.users.slice(0, 20));
  const groupNames = value.groups.map((id) => `@${state.groups.find((g) => g.id === id)?.name ?? 'group'}`);
  const everyone = value.everyone === 'thread' ? ['everyone in this thread'] : value.everyone === 'channel' ? [`everyone in #${channel.name}`] : [];
  // First names in the line; the full names in its tooltip.
  const names = [...everyone, ...value.users.map((id) => firstName(userName(state, id))), ...groupNames];
  const fullNames = [...everyone, ...value.users.map((id) => userName(state, id)), ...groupNames];
  const shown = names.length > SUMMARY_NAMES + 1 ? names.slice(0, SUMMARY_NAMES) : names;
  const more = names.length - shown.length;
  const off = value.users.filter((id) => {
    const a = availability[id];
    return a && describeAvailability(a).state !== 'working';
  }).length;
  const notMember = useCannotSee(channel.id, namedPeople(state.groups, value)).length;
  return (
    <button type="button" class="notify-summary" aria-expanded="false" title={`Notify: ${fullNames.join(', ') || 'nobody'} — change who, and see when it reaches them`} onClick={onOpen}>
      <span class="notify-label">Notify:</span>{' '}
      <span class="notify-summary-names">
        {names.length === 0 ? 'nobody' : shown.join(', ')}
        {more > 0 && ` +${more}`}
      </span>
      {urgent && value.users.length > 0 && <span class="notify-summary-note"> · reaches them now</span>}
      {!urgent && off > 0 && <span class="notify-summary-note"> · {off} off now</span>}
      {notMember > 0 && <span class="notify-summary-warn"> · {notMember} cannot see it</span>}
    </button>
  );
}

/** The people a notify list names: its people and its groups' members (not "everyone",
 * who are in the channel by definition). */
function namedPeople(groups: Group[], value: Notify): number[] {
  const inGroups = value.groups.flatMap((id) => groups.find((g) => g.id === id)?.user_ids ?? []);
  return [...value.users, ...inGroups];
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || name;
}
