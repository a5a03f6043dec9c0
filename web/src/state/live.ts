// Follows the workspace's event stream: keeps the shared state (channels, people, unread,
// conversations) current, and hands every event to the views that listen (a thread view
// applies its comments' events, the inbox refreshes itself).

import { call } from '../api/client';
import { LiveStream } from '../api/stream';
import type { Channel, Conversation, Group, Meeting, StreamEvent, WorkspaceUser } from '../api/types';
import { app, patch, refreshExpectations, refreshScheduled, refreshUnread, rememberMeeting, withItem } from './app';
import { announce } from './announce';
import { notifyPush } from './notify';

type Listener = (event: StreamEvent) => void;
const listeners = new Set<Listener>();

/** Calls `listener` with every event of the stream; answers the unsubscribe function. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let stream: LiveStream | null = null;

/** Starts following a workspace's events from the log's current head; answers once that
 * head is known, so data loaded afterwards cannot miss an event. */
export async function followWorkspace(ws: number): Promise<void> {
  stream?.stop();
  // events/get with no `after` and no wait answers at once with the head as `last_seq`.
  const head = await call('events/get', { workspace_id: ws, timeout: 0, limit: 1 })
    .then((page) => page.last_seq)
    .catch(() => null);
  if (app.get().ws !== ws) return;
  stream = new LiveStream(ws, dispatch, (status) => patch({ stream: status }), head);
  stream.start();
  startHeartbeat(ws);
}

/** While the tab is in front, tells the server every few minutes that I use Weft, for the
 * "last active" my colleagues can look up (no live presence: nothing is pushed). */
const HEARTBEAT_MS = 5 * 60_000;
let heartbeatTimer: number | undefined;
function startHeartbeat(ws: number): void {
  window.clearInterval(heartbeatTimer);
  const beat = () => {
    if (document.visibilityState !== 'visible' || app.get().ws !== ws) return;
    const platform = window.matchMedia('(max-width: 719px)').matches ? 'mobile' : 'desktop';
    void call('users/heartbeat', { workspace_id: ws, platform }).catch(() => undefined);
  };
  beat();
  heartbeatTimer = window.setInterval(beat, HEARTBEAT_MS);
}

/** Coalesces bursts of expectation events (a post asking several people) into one reload. */
let expectationsTimer: number | undefined;
function refreshExpectationsSoon(): void {
  window.clearTimeout(expectationsTimer);
  expectationsTimer = window.setTimeout(() => void refreshExpectations().catch(() => undefined), 300);
}

/** Coalesces bursts of events (a busy thread) into one refresh of the unread state. */
let unreadTimer: number | undefined;
function refreshUnreadSoon(): void {
  window.clearTimeout(unreadTimer);
  unreadTimer = window.setTimeout(() => void refreshUnread().catch(() => undefined), 400);
}

function dispatch(event: StreamEvent): void {
  if (event.workspace_id !== app.get().ws) return;
  apply(event);
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (e) {
      console.error('live listener failed', e);
    }
  }
}

const data = <T>(event: StreamEvent) => event.data as T;

function apply(event: StreamEvent): void {
  const s = app.get();
  const me = s.me?.id;
  switch (event.type) {
    case 'channel_added':
    case 'channel_updated': {
      // Events to everyone leave out my own fields (favourite, notification level): keep mine,
      // or the defaults for a channel new to me.
      const channel = data<Channel>(event);
      const mine = s.channels[channel.id] ?? { is_favorited: false, notifications: 'all' as const };
      patch({ channels: withItem(s.channels, channel.id, { ...mine, ...channel }) });
      break;
    }
    case 'channel_deleted': {
      const { id } = data<{ id: number }>(event);
      patch({ channels: withItem(s.channels, id, undefined) });
      break;
    }
    case 'channel_user_added':
    case 'channel_user_removed': {
      const { channel_id, user_id } = data<{ channel_id: number; user_id: number }>(event);
      const channel = s.channels[channel_id];
      if (channel) {
        const others = channel.user_ids.filter((u) => u !== user_id);
        const user_ids = event.type === 'channel_user_added' ? [...others, user_id] : others;
        const stillVisible = channel.public || user_ids.includes(me ?? -1);
        patch({ channels: withItem(s.channels, channel_id, stillVisible ? { ...channel, user_ids } : undefined) });
        // Answers owed in a channel I can no longer see leave my lists.
        if (!stillVisible) refreshExpectationsSoon();
      } else if (event.type === 'channel_user_added' && user_id === me) {
        // Added to a private channel I could not see (an access request let in, say): it
        // comes whole, as I see it now.
        call('channels/getone', { id: channel_id })
          .then((c) => patch({ channels: withItem(app.get().channels, c.id, c) }))
          .catch(() => undefined);
      }
      if (user_id === me) refreshUnreadSoon();
      break;
    }
    case 'workspace_user_added':
    case 'workspace_user_updated': {
      const user = data<WorkspaceUser>(event);
      if (user && typeof user.id === 'number') patch({ users: withItem(s.users, user.id, user) });
      if (user?.id === me && user.deactivated) leaveWorkspace();
      break;
    }
    case 'workspace_user_removed': {
      const user = data<Partial<WorkspaceUser> & { user_id?: number }>(event);
      const id = user.id ?? user.user_id;
      // Keep the member known by name: a deleted account's posts show "Deleted user".
      if (typeof user.id === 'number' && typeof user.name === 'string') patch({ users: withItem(s.users, user.id, user as WorkspaceUser) });
      if (id === me) {
        // I was removed from this workspace: nothing here is mine to see any more.
        patch({ channels: {}, conversations: [], unreadThreads: {}, unreadConversations: {}, inboxCount: 0 });
      }
      break;
    }
    case 'group_added':
    case 'group_updated': {
      const group = data<Group>(event);
      patch({ groups: [...s.groups.filter((g) => g.id !== group.id), group] });
      break;
    }
    case 'group_deleted': {
      const { id } = data<{ id: number }>(event);
      patch({ groups: s.groups.filter((g) => g.id !== id) });
      break;
    }
    case 'conversation_added':
    case 'conversation_updated': {
      const c = data<Conversation>(event);
      patch({ conversations: [c, ...s.conversations.filter((x) => x.id !== c.id)] });
      break;
    }
    case 'conversation_user_removed': {
      const { conversation_id, user_id } = data<{ conversation_id: number; user_id: number }>(event);
      if (user_id === me) patch({ conversations: s.conversations.filter((c) => c.id !== conversation_id) });
      break;
    }
    case 'message_added': {
      // The sidebar orders conversations by their last activity.
      const m = data<{ conversation_id: number; creator: number; posted_ts: number; obj_index: number; content: string }>(event);
      const known = s.conversations.some((c) => c.id === m.conversation_id);
      if (known) {
        patch({
          conversations: s.conversations.map((c) =>
            c.id === m.conversation_id ? { ...c, last_active_ts: Math.max(c.last_active_ts, m.posted_ts), last_obj_index: Math.max(c.last_obj_index, m.obj_index), snippet: m.content, snippet_creators: [m.creator, ...c.snippet_creators.filter((u) => u !== m.creator)] } : c,
          ),
        });
      }
      refreshUnreadSoon();
      break;
    }
    case 'inbox_updated': {
      const { thread_id, in_inbox } = data<{ thread_id: number; in_inbox: boolean }>(event);
      patch({ inboxIds: withItem(s.inboxIds, thread_id, in_inbox ? true : undefined) });
      refreshUnreadSoon();
      break;
    }
    case 'thread_added':
    case 'comment_added':
    case 'thread_deleted':
    case 'thread_state_updated':
    case 'threads_marked_read':
    case 'conversation_state_updated':
    case 'conversations_marked_read':
      refreshUnreadSoon();
      break;
    case 'push':
      notifyPush(event);
      break;
    case 'expectation_created':
    case 'expectation_updated':
    case 'expectation_due_soon':
    case 'expectation_overdue':
    case 'expectation_met':
      refreshExpectationsSoon();
      break;
    case 'scheduled_added':
    case 'scheduled_updated':
      void refreshScheduled().catch(() => undefined);
      break;
    case 'meeting_added':
    case 'meeting_updated': {
      const m = data<Meeting>(event);
      if (m && typeof m.id === 'number') rememberMeeting(m);
      break;
    }
    case 'emergency_raised':
      announce('An emergency was raised in this workspace');
      break;
  }
}

/** An admin deactivated me in this workspace: nothing here is mine to see any more. The
 * app starts again from the top, in a workspace I am still in, if any. */
function leaveWorkspace(): void {
  patch({ channels: {}, conversations: [], unreadThreads: {}, unreadConversations: {}, inboxCount: 0 });
  window.location.assign('/');
}
