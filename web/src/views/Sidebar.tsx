// The sidebar: workspace switcher, my status, search, Inbox, Saved, Owed and Waiting
// (answers asked for), Scheduled (posts to send later), Decisions, Meetings, Conversations,
// Channels (favourites first), and my menu.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../api/client';
import type { Availability } from '../api/types';
import { describeAvailability } from '../availability';
import { Icon } from '../components/Icon';
import { Popover } from '../components/Popover';
import { app, channelUnread, conversationTitle, sidebarChannels } from '../state/app';
import { useSelect } from '../state/observable';
import { setUi } from '../state/ui';
import { href, navigate, type Route } from '../router';
import { outcomesOwed } from '../meetings';
import { UserMenu } from './UserMenu';
import { NewConversationButton } from './conversation/NewConversation';
import { UnreadCount } from './conversations';

export function Sidebar({ route }: { route: Route }) {
  const ws = useSelect(app, (s) => s.ws);
  const workspaces = useSelect(app, (s) => s.workspaces);
  const me = useSelect(app, (s) => s.me);
  const inboxCount = useSelect(app, (s) => s.inboxCount);
  const conversations = useSelect(app, (s) => s.conversations);
  const unreadConversations = useSelect(app, (s) => s.unreadConversations);
  const streamStatus = useSelect(app, (s) => s.stream);
  // Channels, unread threads and people (names in conversation titles) are read from the
  // whole state below; following them re-renders the sidebar when they change.
  useSelect(app, (s) => s.channels);
  useSelect(app, (s) => s.unreadThreads);
  useSelect(app, (s) => s.users);
  const myStatus = useMyAvailability(ws, me?.id);
  if (ws === null || me === null) return null;
  const state = app.get();
  const workspace = workspaces.find((w) => w.id === ws);
  const list = sidebarChannels(state);
  const current = (name: Route['name'], id?: number) =>
    route.name === name && (id === undefined || ('channel' in route && route.channel === id) || ('conversation' in route && route.conversation === id));
  const recentConversations = conversations.slice().sort((a, b) => b.last_active_ts - a.last_active_ts).slice(0, 8);

  return (
    <div class="sidebar-inner" data-nav-scope>
      <div class="sidebar-top">
        <div class="sidebar-head">
          <Popover
            label="Switch workspace"
            buttonClass="workspace-switcher"
            textButton
            align="left"
            button={
              <>
                <span class="workspace-name">{workspace?.name ?? 'Weft'}</span>
                <span class="chevron" aria-hidden="true">▾</span>
              </>
            }
          >
            {(close) => (
              <ul class="menu-list" aria-label="Workspaces">
                {workspaces.map((w) => (
                  <li key={w.id}>
                    <a class={`menu-item ${w.id === ws ? 'is-current' : ''}`} href={href.inbox(w.id)} onClick={close} aria-current={w.id === ws ? 'true' : undefined}>
                      {w.name}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </Popover>
          {/* On a phone the sidebar fills the screen: a way back to the view without picking anything. */}
          <button type="button" class="btn-icon phone-only" aria-label="Hide sidebar" title="Hide sidebar" onClick={() => setUi({ sidebarOpen: false })}>
            <Icon name="close" />
          </button>
        </div>
        {myStatus && (
          <div class={`my-status status-${myStatus.state}`} title="Your status, from your working hours">
            <span class="status-dot" aria-hidden="true" /> {myStatus.short}
          </div>
        )}
        <form
          class="sidebar-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            const q = new FormData(e.currentTarget).get('q');
            navigate(href.search(ws, typeof q === 'string' ? q.trim() : ''));
            setUi({ sidebarOpen: false });
          }}
        >
          <Icon name="search" size={16} />
          <input id="search-box" name="q" type="search" placeholder="Search" aria-label="Search (/)" autocomplete="off" />
          <kbd aria-hidden="true">/</kbd>
        </form>
      </div>

      <div class="sidebar-scroll">
        <ul class="nav-list">
          <li>
            <a class={`nav-item ${current('inbox') ? 'is-current' : ''}`} href={href.inbox(ws)} aria-current={current('inbox') ? 'page' : undefined} data-nav-item>
              <Icon name="inbox" /> <span class="nav-label">Inbox</span>
              {inboxCount > 0 && <span class="count" aria-label={`${inboxCount} unread`}>{inboxCount}</span>}
            </a>
          </li>
          <li>
            <a class={`nav-item ${current('saved') ? 'is-current' : ''}`} href={href.saved(ws)} aria-current={current('saved') ? 'page' : undefined} data-nav-item>
              <Icon name="bookmark" /> <span class="nav-label">Saved</span>
            </a>
          </li>
          <ExpectationsNav ws={ws} current={route.name} />
          <DecidingNav ws={ws} current={route.name} />
        </ul>

        <section class="nav-section" aria-labelledby="nav-conversations">
          <div class="nav-heading-row">
            <h2 class="nav-heading" id="nav-conversations">
              <a href={href.conversations(ws)}>Conversations</a>
            </h2>
            <NewConversationButton ws={ws} />
          </div>
          <ul class="nav-list">
            {recentConversations.length === 0 && <li class="nav-hint">Direct conversations appear here.</li>}
            {recentConversations.map((c) => {
              const isUnread = c.id in unreadConversations;
              return (
                <li key={c.id}>
                  <a
                    class={`nav-item ${isUnread ? 'is-unread' : ''} ${current('conversation', c.id) ? 'is-current' : ''}`}
                    href={href.conversation(ws, c.id)}
                    aria-current={current('conversation', c.id) ? 'page' : undefined}
                    data-nav-item
                  >
                    <Icon name="chat" size={16} />
                    <span class="nav-label">{conversationTitle(state, c)}</span>
                    {isUnread && <UnreadCount c={c} u={unreadConversations[c.id]!} />}
                  </a>
                </li>
              );
            })}
          </ul>
        </section>

        <section class="nav-section" aria-labelledby="nav-channels">
          <div class="nav-heading-row">
            <h2 class="nav-heading" id="nav-channels">Channels</h2>
            <button type="button" class="btn-icon btn-small" aria-label="Browse or create channels" title="Browse or create channels" onClick={() => setUi({ browseChannelsOpen: true })}>
              <Icon name="plus" size={16} />
            </button>
          </div>
          <ul class="nav-list">
            {list.length === 0 && (
              <li class="nav-hint">
                You are in no channel yet.{' '}
                <button type="button" class="link-button" onClick={() => setUi({ browseChannelsOpen: true })}>
                  Browse channels
                </button>
              </li>
            )}
            {list.map((c) => {
              const isUnread = channelUnread(state, c.id);
              return (
                <li key={c.id}>
                  <a
                    class={`nav-item ${isUnread ? 'is-unread' : ''} ${current('channel', c.id) || (route.name === 'thread' && route.channel === c.id) ? 'is-current' : ''}`}
                    href={href.channel(ws, c.id)}
                    aria-current={current('channel', c.id) ? 'page' : undefined}
                    data-nav-item
                  >
                    <Icon name={c.public ? 'hash' : 'lock'} size={16} />
                    <span class="nav-label">{c.name}</span>
                    {c.emergency && <span class="emergency-tag" title="Emergency channel: posts here reach people at once">urgent</span>}
                    {c.notifications === 'none' && (
                      <span class="nav-quiet" title="Notifications off for this channel">
                        <Icon name="mute" size={14} />
                        <span class="sr-only">(notifications off)</span>
                      </span>
                    )}
                    {c.is_favorited && <span class="sr-only">(favourite)</span>}
                    {isUnread && <span class="sr-only">(unread)</span>}
                  </a>
                </li>
              );
            })}
          </ul>
          <button type="button" class="nav-item nav-browse" onClick={() => setUi({ browseChannelsOpen: true })}>
            <Icon name="globe" size={16} /> <span class="nav-label">Browse channels</span>
          </button>
        </section>
      </div>

      <div class="sidebar-bottom">
        <UserMenu me={me} ws={ws} />
        {streamStatus !== 'live' && (
          <div class={`stream-status stream-${streamStatus}`} role="status">
            {streamStatus === 'connecting' ? 'Connecting…' : 'Offline — will catch up when back'}
          </div>
        )}
      </div>
    </div>
  );
}

/** Owed and Waiting, with how many answers are open and how many overdue; Scheduled, with
 * how many of my posts wait to be sent. */
function ExpectationsNav({ ws, current }: { ws: number; current: Route['name'] }) {
  const c = useSelect(app, (s) => s.expectationCounts);
  const item = (role: 'owed' | 'waiting', icon: 'check' | 'clock', label: string, open: number, overdue: number) => {
    const total = open + overdue;
    const words = overdue > 0 ? `${total} open, ${overdue} overdue` : `${total} open`;
    return (
      <li>
        <a class={`nav-item ${current === role ? 'is-current' : ''}`} href={href[role](ws)} aria-current={current === role ? 'page' : undefined} data-nav-item>
          <Icon name={icon} /> <span class="nav-label">{label}</span>
          {total > 0 && (
            <span class={`count ${overdue > 0 ? 'count-alert' : 'count-quiet'}`} aria-label={words} title={words}>
              {total}
            </span>
          )}
        </a>
      </li>
    );
  };
  const scheduled = useSelect(app, (s) => s.scheduled.length);
  return (
    <>
      {item('owed', 'check', 'Owed', c.owed_open, c.owed_overdue)}
      {item('waiting', 'clock', 'Waiting', c.waiting_open, c.waiting_overdue)}
      {/* Only while something waits to be sent, or the list is open. */}
      {(scheduled > 0 || current === 'scheduled') && (
        <li>
          <a class={`nav-item ${current === 'scheduled' ? 'is-current' : ''}`} href={href.scheduled(ws)} aria-current={current === 'scheduled' ? 'page' : undefined} data-nav-item>
            <Icon name="move" /> <span class="nav-label">Scheduled</span>
            {scheduled > 0 && (
              <span class="count count-quiet" aria-label={`${scheduled} waiting`}>
                {scheduled}
              </span>
            )}
          </a>
        </li>
      )}
    </>
  );
}

/** Decisions (the log) and Meetings, with how many meetings' outcomes I owe, and a way to
 * plan one. */
function DecidingNav({ ws, current }: { ws: number; current: Route['name'] }) {
  const owed = useSelect(app, (s) => s.meetings.filter((m) => m.organizer_id === s.me?.id && outcomesOwed(m)).length);
  return (
    <>
      <li>
        <a class={`nav-item ${current === 'decisions' ? 'is-current' : ''}`} href={href.decisions(ws)} aria-current={current === 'decisions' ? 'page' : undefined} data-nav-item>
          <Icon name="decision" /> <span class="nav-label">Decisions</span>
        </a>
      </li>
      <li class="nav-item-row">
        <a class={`nav-item ${current === 'meetings' ? 'is-current' : ''}`} href={href.meetings(ws)} aria-current={current === 'meetings' ? 'page' : undefined} data-nav-item>
          <Icon name="calendar" /> <span class="nav-label">Meetings</span>
          {owed > 0 && (
            <span class="count count-quiet" aria-label={`${owed} with outcomes owed`} title={`You owe the outcomes of ${owed} ${owed === 1 ? 'meeting' : 'meetings'}`}>
              {owed}
            </span>
          )}
        </a>
        <button type="button" class="btn-icon btn-small nav-item-action" aria-label="Plan a meeting" title="Plan a meeting" onClick={() => setUi({ planMeetingOpen: true })}>
          <Icon name="plus" size={16} />
        </button>
      </li>
    </>
  );
}

/** My own availability, refreshed every minute (the clock in it moves). */
function useMyAvailability(ws: number | null, me: number | undefined) {
  const [a, setA] = useState<Availability | null>(null);
  useEffect(() => {
    if (ws === null || me === undefined) return;
    let live = true;
    const load = () =>
      call('availability/get', { workspace_id: ws, user_ids: [me] })
        .then((list) => live && setA(list[0] ?? null))
        .catch(() => undefined);
    void load();
    const timer = window.setInterval(load, 60_000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [ws, me]);
  return a ? describeAvailability(a) : null;
}

