// Direct conversations, one or a few people: the list of mine (unread marked, newest
// activity first) and one conversation, chat-like — messages grouped by author, the newest
// at the bottom, earlier ones paging in as you scroll up, a composer where Enter sends, the
// other people's availability, search inside it. Opening it marks it read.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Availability, Conversation, Message, UnreadConversation } from '../api/types';
import { describeAvailability } from '../availability';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { FindInPlace, FindToggle, showPost } from '../components/FindInPlace';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { Popover } from '../components/Popover';
import { Time } from '../components/Time';
import { ViewHeader } from '../components/ViewHeader';
import { useShortcuts } from '../keyboard';
import { href, navigate, type Route } from '../router';
import { app, conversationTitle, patch, refreshUnread, userName, withItem } from '../state/app';
import { announce } from '../state/announce';
import { useSelect } from '../state/observable';
import { absoluteTime, nowSeconds } from '../time';
import { withReaction } from './thread/Reactions';
import { ChatComposer } from './conversation/ChatComposer';
import { AskedHere } from './Expectations';
import { ScheduledHere } from './Scheduled';
import { MessageList, PendingMessages } from './conversation/Messages';
import { AddPeopleDialog, leaveConversation, RenameDialog } from './conversation/GroupActions';
import { NewConversationButton } from './conversation/NewConversation';
import { useConversation } from './conversation/useConversation';
import '../styles/conversations.css';

type Props = { ws: number; route: Extract<Route, { name: 'conversations' | 'conversation' }> };

export function ConversationsView({ ws, route }: Props) {
  if (route.name === 'conversation') return <ConversationChat key={route.conversation} ws={ws} conversationId={route.conversation} messageId={route.message} />;
  return <ConversationList ws={ws} />;
}


/** How many messages I have not read, muted like the inbox's count; "@" when one mentions me. */
export function UnreadCount({ c, u }: { c: Conversation; u: UnreadConversation }) {
  const n = Math.max(1, c.last_obj_index - u.obj_index);
  return (
    <span class="count" aria-label={`${n} unread${u.direct_mention ? ', mentions you' : ''}`}>
      {u.direct_mention ? '@ ' : ''}
      {n}
    </span>
  );
}

// --- The list ------------------------------------------------------------------------

function ConversationList({ ws }: { ws: number }) {
  const conversations = useSelect(app, (s) => s.conversations);
  const unread = useSelect(app, (s) => s.unreadConversations);
  const loaded = useSelect(app, (s) => Object.keys(s.users).length > 0);
  const list = conversations.filter((c) => !c.archived).sort((a, b) => b.last_active_ts - a.last_active_ts);
  const me = useSelect(app, (s) => s.me?.id);
  // Everyone shown carries their time: the other person of each direct conversation, in one call.
  const directs = [...new Set(list.flatMap((c) => (c.user_ids.length === 2 ? c.user_ids.filter((id) => id !== me) : [])))].sort((a, b) => a - b);
  const availability = useAvailability(ws, directs);
  return (
    <section class="view" aria-label="Your conversations">
      <ViewHeader title="Conversations" actions={<NewConversationButton ws={ws} variant="button" />} />
      {!loaded && <ListSkeleton />}
      {loaded && list.length === 0 && (
        <Empty icon="chat" title="No conversations yet">
          A conversation is for the quick things between one or a few people; anything the team may need later belongs
          in a thread. Start one with <strong>New conversation</strong>.
        </Empty>
      )}
      {list.length > 0 && (
        <ul class="rows" data-nav-scope aria-label="Conversations">
          {list.map((c) => (
            <ConversationRow key={c.id} ws={ws} c={c} unread={unread[c.id]} availability={availability} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConversationRow({ ws, c, unread, availability }: { ws: number; c: Conversation; unread: UnreadConversation | undefined; availability: Record<number, Availability> }) {
  const title = useSelect(app, (s) => conversationTitle(s, c));
  const me = useSelect(app, (s) => s.me?.id);
  const others = c.user_ids.filter((id) => id !== me);
  const whoId = c.snippet_creators[0];
  const who = useSelect(app, (s) => (whoId === undefined ? '' : whoId === me ? 'You' : userName(s, whoId)));
  const avatarId = others.length === 1 ? others[0]! : c.id;
  const a = others.length === 1 ? availability[others[0]!] : undefined;
  const words = a ? describeAvailability(a) : null;
  return (
    <li class={`row ${unread ? 'is-unread' : ''}`} data-nav-item data-id={c.id} tabIndex={-1}>
      <a class="row-link" href={href.conversation(ws, c.id)} data-nav-open>
        {others.length > 1 ? (
          <span class={`avatar avatar-md tint-${c.id % 8} group-avatar`} aria-hidden="true" title={`${others.length + 1} people`}>
            <Icon name="chat" size={16} />
          </span>
        ) : (
          <Avatar id={avatarId} name={title} />
        )}
        <div class="row-body">
          <div class="row-top">
            <span class="row-title">{title}</span>
            {words && (
              <span class={`row-presence status-${words.state}`} title="Their local time">
                <span class="status-dot" aria-hidden="true" /> {words.short}
              </span>
            )}
            <span class="row-time">
              <Time ts={c.last_active_ts} />
            </span>
          </div>
          <div class="row-meta">
            <span class="row-snippet">
              {c.snippet ? (
                <>
                  {who && <span class="row-who">{who}:</span>} {c.snippet}
                </>
              ) : (
                'No messages yet'
              )}
            </span>
            {unread && <UnreadCount c={c} u={unread} />}
          </div>
        </div>
      </a>
    </li>
  );
}

// --- One conversation ----------------------------------------------------------------

/** The others' availability, refreshed every minute (their clocks move). */
function useAvailability(ws: number, ids: number[]): Record<number, Availability> {
  const [found, setFound] = useState<Record<number, Availability>>({});
  const key = ids.join(',');
  useEffect(() => {
    if (ids.length === 0) return;
    let live = true;
    const load = () =>
      call('availability/get', { workspace_id: ws, user_ids: ids.slice(0, 200) })
        .then((list) => live && setFound(Object.fromEntries(list.map((a) => [a.user_id, a]))))
        .catch(() => undefined);
    void load();
    const timer = window.setInterval(load, 60_000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [ws, key]);
  return found;
}

function useVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const changed = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, []);
  return visible;
}

function ConversationChat({ ws, conversationId, messageId }: { ws: number; conversationId: number; messageId: number | undefined }) {
  const t = useConversation(conversationId, messageId);
  const { conversation, messages } = t;
  const me = useSelect(app, (s) => s.me!);
  const title = useSelect(app, (s) => (conversation ? conversationTitle(s, conversation) : 'Conversation'));
  const others = conversation ? conversation.user_ids.filter((id) => id !== me.id) : [];
  const availability = useAvailability(ws, others);
  const visible = useVisible();
  const [highlight, setHighlight] = useState<number | undefined>(messageId);
  const [searching, setSearching] = useState(false);
  const [dialog, setDialog] = useState<'rename' | 'add' | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const keepBottomGap = useRef<number | null>(null);
  const atBottom = useRef(true);
  const positioned = useRef(false);

  const back = () => navigate(href.conversations(ws));

  // Viewing it marks it read: on opening, and as messages arrive while I look.
  const lastIndex = conversation?.last_obj_index;
  useEffect(() => {
    if (!conversation || !visible) return;
    if (conversation.last_read_obj_index >= conversation.last_obj_index) return;
    const upTo = conversation.last_obj_index;
    patch({ unreadConversations: withItem(app.get().unreadConversations, conversation.id, undefined) });
    patch({ conversations: app.get().conversations.map((c) => (c.id === conversation.id ? { ...c, last_read_obj_index: Math.max(c.last_read_obj_index, upTo) } : c)) });
    call('conversations/mark_read', { id: conversation.id, obj_index: upTo })
      .then(() => {
        t.setConversation((c) => (c ? { ...c, last_read_obj_index: Math.max(c.last_read_obj_index, upTo) } : c));
        void refreshUnread();
      })
      .catch(() => undefined);
  }, [conversation?.id, lastIndex, visible]);

  // A new message/m/{id} address (a search hit) positions the view again.
  useEffect(() => {
    setHighlight(messageId);
    if (messageId && !showPost(`message-${messageId}`)) positioned.current = false;
  }, [messageId]);

  // First view: at the message asked for, else at the "new" divider, else at the bottom.
  useLayoutEffect(() => {
    if (!conversation || positioned.current || !scroller.current) return;
    positioned.current = true;
    const target = (messageId && document.getElementById(`message-${messageId}`)) || document.getElementById('unread-divider');
    if (target) {
      target.scrollIntoView({ block: messageId ? 'center' : 'start' });
      // Opened from the find bar: the focus stays in its box.
      if (messageId && !document.activeElement?.closest('.find-bar')) target.focus({ preventScroll: true });
    } else scroller.current.scrollTop = scroller.current.scrollHeight;
    // Known now, not at the next scroll event: the effects below keep the bottom only if I am there.
    const el = scroller.current;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }, [conversation, messages.length]);

  // Earlier pages keep what I was reading in place.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && keepBottomGap.current !== null) {
      el.scrollTop = el.scrollHeight - keepBottomGap.current;
      keepBottomGap.current = null;
    }
  }, [messages]);
  const loadEarlier = () => {
    const el = scroller.current;
    if (el) keepBottomGap.current = el.scrollHeight - el.scrollTop;
    void t.loadEarlier();
  };
  useEffect(() => {
    const el = topSentinel.current;
    if (!el || !t.hasEarlier) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && positioned.current && loadEarlier(), {
      root: scroller.current,
      rootMargin: '200px 0px 0px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [t.hasEarlier, messages[0]?.id]);

  // Keep the newest in view when something arrives and I was already at the bottom; else
  // count what arrived below, for the "↓ n new messages" button (as in a thread).
  const [newBelow, setNewBelow] = useState(0);
  const seenNewest = useRef(0);
  useLayoutEffect(() => {
    const el = scroller.current;
    const newest = messages[messages.length - 1]?.id ?? 0;
    const arrived = positioned.current && keepBottomGap.current === null && newest !== seenNewest.current && seenNewest.current !== 0;
    seenNewest.current = newest;
    if (!el || !positioned.current || keepBottomGap.current !== null) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    else if (arrived) setNewBelow((n) => n + 1);
  }, [messages.length, t.pending.length]);
  const toNewest = () => {
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight, behavior: 'smooth' });
    setNewBelow(0);
  };

  // The footer grows (availability lines, a longer draft) and content renders late: at the
  // bottom, stay at the bottom.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current && positioned.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    return () => ro.disconnect();
  }, [conversation !== null]);

  useShortcuts({
    r: () => document.getElementById(`chat-box-${conversationId}`)?.focus(),
    Escape: () => {
      if (searching) setSearching(false);
      else back();
    },
  });

  if (t.error || t.gone) {
    return (
      <section class="view">
        <ViewHeader title="Conversation" back={{ label: 'Back to conversations', onBack: back }} />
        <Empty icon={t.gone ? 'lock' : 'alert'} title={t.gone ? 'You are no longer in this conversation' : 'This conversation cannot be shown'}>
          {t.gone ? 'You were removed from it, so its messages are no longer yours to read.' : `${t.error}.`}{' '}
          <a href={href.conversations(ws)}>Back to your conversations</a>
        </Empty>
      </section>
    );
  }
  if (!conversation) return <ListSkeleton />;

  const react = (m: Message, emoji: string, on: boolean) => {
    const apply = (add: boolean) => t.setMessages((list) => list.map((x) => (x.id === m.id ? { ...x, reactions: withReaction(x.reactions, emoji, me.id, add) } : x)));
    apply(on);
    call(on ? 'reactions/add' : 'reactions/remove', { message_id: m.id, reaction: emoji }).catch((e) => {
      apply(!on);
      announce(`Could not react: ${describeError(e)}`);
    });
  };
  const edit = async (m: Message, content: string) => {
    try {
      const updated = await call('conversation_messages/update', { id: m.id, content });
      t.setMessages((list) => list.map((x) => (x.id === m.id ? { ...x, ...updated, reactions: x.reactions } : x)));
      announce('Message saved');
      return true;
    } catch (e) {
      announce(`Could not save: ${describeError(e)}`);
      return false;
    }
  };
  const remove = async (m: Message) => {
    if (!window.confirm('Delete this message? This cannot be undone.')) return;
    try {
      await call('conversation_messages/remove', { id: m.id });
      t.setMessages((list) => list.filter((x) => x.id !== m.id));
      announce('Message deleted');
    } catch (e) {
      announce(`Could not delete: ${describeError(e)}`);
    }
  };
  const mute = async (minutes: number | null) => {
    try {
      const updated = minutes ? await call('conversations/mute', { id: conversation.id, minutes }) : await call('conversations/unmute', { id: conversation.id });
      t.setConversation((c) => (c ? { ...c, muted_until_ts: updated.muted_until_ts } : c));
      announce(minutes ? `Muted until ${absoluteTime(nowSeconds() + minutes * 60)}` : 'Unmuted');
    } catch (e) {
      announce(`Could not do that: ${describeError(e)}`);
    }
  };

  const readAt = t.readAt ?? Number.MAX_SAFE_INTEGER;
  const firstUnread = messages.find((m) => m.obj_index > readAt && m.creator !== me.id)?.id;
  const direct = others.length === 1 ? others[0]! : undefined;
  const directWords = direct !== undefined && availability[direct] ? describeAvailability(availability[direct]!) : null;
  const notNow = others
    .map((id) => ({ id, words: availability[id] ? describeAvailability(availability[id]!) : null }))
    .filter((x) => x.words && x.words.state !== 'working');
  const muted = !!conversation.muted_until_ts && conversation.muted_until_ts > nowSeconds();

  return (
    <section class="view chat-view" aria-labelledby="chat-title">
      <ViewHeader
        title={<span id="chat-title">{title}</span>}
        subtitle={
          direct !== undefined ? (
            directWords ? (
              <span class={`chat-presence status-${directWords.state}`}>
                <span class="status-dot" aria-hidden="true" /> {directWords.short}
                <span class="sr-only"> (their local time)</span>
              </span>
            ) : undefined
          ) : (
            `${others.length + 1} people: you, ${others.map((id) => userName(app.get(), id)).join(', ')}`
          )
        }
        back={{ label: 'Back to conversations', onBack: back }}
        actions={
          <>
            {muted && <span class="tag">Muted</span>}
            <FindToggle open={searching} label="Search in this conversation" onToggle={() => setSearching(!searching)} />
            <Popover label="Conversation actions" button={<Icon name="more" />}>
              {(close) => (
                <div class="menu-list">
                  {direct === undefined && (
                    <>
                      <button type="button" class="menu-item" onClick={() => { close(); setDialog('rename'); }}>
                        <Icon name="edit" size={16} /> Rename…
                      </button>
                      <button type="button" class="menu-item" onClick={() => { close(); setDialog('add'); }}>
                        <Icon name="plus" size={16} /> Add people…
                      </button>
                    </>
                  )}
                  {muted ? (
                    <button type="button" class="menu-item" onClick={() => { close(); void mute(null); }}>
                      <Icon name="bell" size={16} /> Unmute
                    </button>
                  ) : (
                    <>
                      <button type="button" class="menu-item" onClick={() => { close(); void mute(60); }}>
                        <Icon name="mute" size={16} /> Mute for an hour
                      </button>
                      <button type="button" class="menu-item" onClick={() => { close(); void mute(24 * 60); }}>
                        <Icon name="mute" size={16} /> Mute for a day
                      </button>
                      <button type="button" class="menu-item" onClick={() => { close(); void mute(7 * 24 * 60); }}>
                        <Icon name="mute" size={16} /> Mute for a week
                      </button>
                    </>
                  )}
                  {direct === undefined && (
                    <button type="button" class="menu-item menu-danger" onClick={() => { close(); void leaveConversation(ws, conversation); }}>
                      <Icon name="back" size={16} /> Leave conversation…
                    </button>
                  )}
                </div>
              )}
            </Popover>
            {dialog === 'rename' && <RenameDialog conversation={conversation} setConversation={t.setConversation} onClose={() => setDialog(null)} />}
            {dialog === 'add' && <AddPeopleDialog conversation={conversation} setConversation={t.setConversation} onClose={() => setDialog(null)} />}
          </>
        }
      />
      {searching && (
        <FindInPlace
          label="Find in this conversation"
          find={(query) => call('search/conversation', { conversation_id: conversation.id, query }).then((r) => r.message_ids)}
          anchor={(id) => `message-${id}`}
          open={(id) => navigate(href.conversation(ws, conversation.id, id), { replace: true })}
          onMatch={setHighlight}
          onClose={() => setSearching(false)}
        />
      )}
      <div
        class="chat-scroll"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          if (atBottom.current && newBelow) setNewBelow(0);
        }}
        data-nav-scope
      >
        <div class="chat-content" role="log" aria-label={`Messages with ${title}`} aria-live="off">
          {t.hasEarlier ? (
            <div class="show-earlier" ref={topSentinel}>
              <button type="button" class="btn btn-quiet" onClick={loadEarlier} disabled={t.loadingEarlier}>
                {t.loadingEarlier ? 'Loading…' : 'Show earlier messages'}
              </button>
            </div>
          ) : (
            <div class="chat-start">
              {messages.length === 0 ? (
                <p>No messages yet. Say hello — they will see it in their own time.</p>
              ) : (
                <p>
                  This is the start of your conversation with <strong>{title}</strong>.
                </p>
              )}
            </div>
          )}
          <MessageList
            messages={messages}
            firstUnread={firstUnread}
            highlighted={highlight}
            editing={editing}
            onEditing={() => setEditing(null)}
            onReact={react} onEdit={edit} onDelete={(m) => void remove(m)} />
          <PendingMessages pending={t.pending} onRetry={t.retry} onDiscard={t.discard} />
        </div>
        {newBelow > 0 && (
          <button type="button" class="new-below" onClick={toNewest}>
            ↓ {newBelow} new {newBelow === 1 ? 'message' : 'messages'}
          </button>
        )}
      </div>
      <div class="chat-footer">
        {notNow.length > 0 && (
          <ul class="availability-list chat-availability" aria-label="When they will see it">
            {notNow.slice(0, 4).map(({ id, words }) => (
              <li key={id} class={`availability status-${words!.state}`}>
                <span class="status-dot" aria-hidden="true" />
                <span>
                  <strong>{userName(app.get(), id)}</strong> — {words!.long}
                </span>
              </li>
            ))}
          </ul>
        )}
        <AskedHere ws={ws} conversation={conversation.id} />
        <ScheduledHere ws={ws} conversation={conversation.id} />
        <ChatComposer
          conversationId={conversation.id}
          placeholder={`Message ${title}`}
          others={others}
          onSend={(content, attachments, ask, later) => void t.send(content, attachments, ask, later)}
          onEditLast={() => {
            const last = [...messages].reverse().find((m) => m.creator === me.id);
            if (last) {
              setEditing(last.id);
              document.getElementById(`message-${last.id}`)?.scrollIntoView({ block: 'nearest' });
            }
          }}
        />
      </div>
    </section>
  );
}
