// The inbox: threads that concern me, newest activity first. Done (e), Done for all,
// snooze, open. Follows the stream: any event that can change it refreshes it.

import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { InboxThread } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { SnoozeMenu, type SnoozeChoice } from '../components/SnoozeMenu';
import { Time } from '../components/Time';
import { ViewHeader } from '../components/ViewHeader';
import { currentNavItem, useShortcuts } from '../keyboard';
import { href } from '../router';
import { app, patch, refreshUnread, userName, withItem } from '../state/app';
import { announce } from '../state/announce';
import { onLiveEvent } from '../state/live';
import { showToast } from '../state/toast';
import { useSelect } from '../state/observable';
import { setUi } from '../state/ui';
import { absoluteTime, dayHeading } from '../time';

const PAGE = 50;
/** Events that change which threads are in my inbox, or how they read: inbox_updated is
 * addressed to me whenever a post concerns me, so other people's busy threads cost nothing. */
const INBOX_EVENTS = new Set(['inbox_updated', 'thread_state_updated', 'threads_marked_read', 'channel_user_removed', 'channel_deleted']);
/** Events about one thread: they matter only for a thread the list shows. */
const THREAD_EVENTS = new Set(['comment_added', 'comment_updated', 'comment_deleted', 'thread_updated', 'thread_deleted', 'reaction_added']);

function threadOf(data: unknown): number | undefined {
  const d = data as { thread_id?: number; id?: number };
  return d.thread_id ?? d.id;
}

export function InboxView({ ws }: { ws: number }) {
  const [items, setItems] = useState<InboxThread[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const loaded = useRef(PAGE);
  /** The active inbox, or what I marked done (to find it again, or bring it back). */
  const [filter, setFilter] = useState<'active' | 'archived'>('active');
  const shownIds = useRef(new Set<number>());
  shownIds.current = new Set(items?.map((t) => t.id));

  const load = async (limit = loaded.current) => {
    try {
      const page = await call('inbox/get', { workspace_id: ws, limit, archive_filter: filter });
      loaded.current = limit;
      // Tell screen-reader users what arrived (not on the first load: that is the page itself).
      if (filter === 'active' && shownIds.current.size > 0) {
        const arrived = page.filter((t) => t.unread && !shownIds.current.has(t.id));
        if (arrived.length === 1) announce(`New in your inbox: ${arrived[0]!.title}`);
        else if (arrived.length > 1) announce(`${arrived.length} new threads in your inbox`);
      }
      setItems(page);
      if (filter === 'active') patch({ inboxIds: Object.fromEntries(page.filter((t) => t.in_inbox).map((t) => [t.id, true as const])) });
      setHasMore(page.length >= limit);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };

  useEffect(() => {
    void load(PAGE);
    let timer: number | undefined;
    const off = onLiveEvent((event) => {
      const shown = THREAD_EVENTS.has(event.type) && shownIds.current.has(threadOf(event.data) ?? -1);
      if (!INBOX_EVENTS.has(event.type) && !shown) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void load(), 200);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [ws, filter]);

  const remove = (id: number) => {
    setItems((list) => list?.filter((t) => t.id !== id) ?? null);
    patch({ inboxIds: withItem(app.get().inboxIds, id, undefined) });
  };

  const done = async (item: InboxThread) => {
    focusNeighbour(item.id);
    remove(item.id);
    try {
      await call('inbox/archive', { id: item.id });
      showToast(`Done: ${item.title}`, {
        label: 'Undo',
        run: () => void call('inbox/unarchive', { id: item.id }).then(() => load(), (e) => announce(describeError(e))),
      });
      void refreshUnread();
    } catch (e) {
      announce(`Could not mark it done: ${describeError(e)}`);
      void load();
    }
  };

  const snooze = async (item: InboxThread, choice: SnoozeChoice) => {
    focusNeighbour(item.id);
    remove(item.id);
    try {
      const answer = await call('inbox/snooze', { id: item.id, ...choice });
      showToast(answer.snoozed_until_ts ? `Snoozed until ${absoluteTime(answer.snoozed_until_ts)}` : 'Snoozed', {
        label: 'Undo',
        run: () => void call('inbox/unsnooze', { id: item.id }).then(() => load(), (e) => announce(describeError(e))),
      });
      void refreshUnread();
    } catch (e) {
      announce(`Could not snooze: ${describeError(e)}`);
      void load();
    }
  };

  const backToInbox = async (item: InboxThread) => {
    remove(item.id);
    try {
      await call('inbox/unarchive', { id: item.id });
      showToast(`Back in your inbox: ${item.title}`);
      void refreshUnread();
    } catch (e) {
      announce(`Could not move it back: ${describeError(e)}`);
      void load();
    }
  };

  const doneForAll = async () => {
    if (!items?.length) return;
    if (!window.confirm(`Mark all ${items.length} threads in your inbox as done?`)) return;
    setItems([]);
    try {
      await call('inbox/archive_all', { workspace_id: ws });
      announce('Inbox cleared');
      void refreshUnread();
    } catch (e) {
      announce(`Could not clear the inbox: ${describeError(e)}`);
      void load();
    }
  };

  useShortcuts({
    e: () => {
      if (filter !== 'active') return false;
      const id = Number(currentNavItem()?.dataset.id);
      const item = items?.find((t) => t.id === id);
      if (item) void done(item);
    },
  });

  return (
    <section class="view" aria-labelledby="view-title">
      <ViewHeader
        title={<span id="view-title">{filter === 'active' ? 'Inbox' : 'Done'}</span>}
        actions={
          <>
            <div class="segmented" role="group" aria-label="Show">
              <button type="button" aria-pressed={filter === 'active'} onClick={() => setFilter('active')}>
                Inbox
              </button>
              <button type="button" aria-pressed={filter === 'archived'} onClick={() => setFilter('archived')}>
                Done
              </button>
            </div>
            {filter === 'active' && items && items.length > 0 && (
              <button type="button" class="btn btn-quiet" onClick={doneForAll}>
                <Icon name="check" size={16} /> <span class="btn-label">Done for all</span>
              </button>
            )}
          </>
        }
      />
      {error && <p class="error-banner" role="alert">{error} <button type="button" class="link-button" onClick={() => void load()}>Retry</button></p>}
      {items === null && !error && <ListSkeleton />}
      {items !== null && items.length === 0 && filter === 'archived' && (
        <Empty icon="check" title="Nothing marked done yet">
          Threads you mark done (e) wait here until something new concerns you.
        </Empty>
      )}
      {items !== null && items.length === 0 && filter === 'active' && (
        <Empty icon="check" title="Inbox zero">
          Nothing here needs you right now. New threads and replies that concern you will appear here; take a
          break, or{' '}
          <button type="button" class="link-button" onClick={() => setUi({ browseChannelsOpen: true })}>
            browse the channels
          </button>
          .
        </Empty>
      )}
      {items !== null && items.length > 0 && (
        <ul class="rows" data-nav-scope aria-label={filter === 'active' ? 'Inbox' : 'Done'}>
          {items.map((item, i) => {
            const day = dayHeading(item.activity_ts);
            const newDay = i === 0 || dayHeading(items[i - 1]!.activity_ts) !== day;
            return (
              <Fragment key={item.id}>
                {newDay && (
                  <li class="day-heading" aria-hidden="true">
                    {day}
                  </li>
                )}
                <InboxRow ws={ws} item={item} onDone={() => void done(item)} onSnooze={(c) => void snooze(item, c)} onBack={filter === 'archived' ? () => void backToInbox(item) : undefined} />
              </Fragment>
            );
          })}
        </ul>
      )}
      {hasMore && (
        <div class="list-footer">
          <button type="button" class="btn btn-quiet" onClick={() => void load(loaded.current + PAGE)}>
            Show more
          </button>
        </div>
      )}
    </section>
  );
}

interface RowProps {
  ws: number;
  item: InboxThread;
  onDone: () => void;
  onSnooze: (c: SnoozeChoice) => void;
  /** In the Done list: bring it back instead of Done and snooze. */
  onBack?: (() => void) | undefined;
}

function InboxRow({ ws, item, onDone, onSnooze, onBack }: RowProps) {
  const channel = useSelect(app, (s) => s.channels[item.channel_id]);
  const whoId = item.snippet_creator;
  const who = useSelect(app, (s) => userName(s, whoId, item.last_comment?.creator_name ?? 'Someone'));
  // The server's one-line snippet of the latest post: Markdown is made into text in one place.
  const snippet = item.snippet;
  return (
    <li class={`row ${item.unread ? 'is-unread' : ''}`} data-nav-item data-id={item.id} tabIndex={-1}>
      <a class="row-link" href={href.thread(ws, item.channel_id, item.id)} data-nav-open>
        <Avatar id={whoId} name={who} />
        <div class="row-body">
          <div class="row-top">
            <span class="row-title">{item.title}</span>
            {item.is_reminder && <span class="tag">Reminder</span>}
            <span class="row-time">
              <Time ts={item.activity_ts} />
            </span>
          </div>
          <div class="row-meta">
            <span class="row-channel">
              {channel?.public === false ? <Icon name="lock" size={12} /> : '#'}
              {channel?.name ?? 'channel'}
            </span>
            <span class="row-snippet">
              <span class="row-who">{who}:</span> {snippet}
            </span>
          </div>
        </div>
        {item.unread && <span class="sr-only">(unread)</span>}
      </a>
      <div class="row-actions">
        {onBack ? (
          <button type="button" class="btn-icon" aria-label={`Back to the inbox: ${item.title}`} title="Back to the inbox" onClick={onBack}>
            <Icon name="undo" />
          </button>
        ) : (
          <>
            <button type="button" class="btn-icon" aria-label={`Done: ${item.title}`} title="Done (e)" onClick={onDone}>
              <Icon name="check" />
            </button>
            <SnoozeMenu label={`Snooze: ${item.title}`} onSnooze={onSnooze} />
          </>
        )}
      </div>
    </li>
  );
}

/** After an item leaves, the keyboard selection moves to its neighbour. */
function focusNeighbour(id: number): void {
  const row = document.querySelector<HTMLElement>(`[data-nav-item][data-id="${id}"]`);
  if (!row || !row.contains(document.activeElement)) return;
  const next = (row.nextElementSibling ?? row.previousElementSibling) as HTMLElement | null;
  next?.focus();
}
