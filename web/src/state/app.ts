// The app's shared state: who I am, the workspace I am in, its channels, people, groups,
// conversations and unread state — what the sidebar and every view need. Views keep their
// own lists (a channel's threads, a thread's comments) and follow the stream themselves
// (see live.ts). Updates replace objects; nothing is mutated in place.

import { call } from '../api/client';
import type {
  Channel, Conversation, Expectation, ExpectationCounts, Group, Meeting, ScheduledPost, Thread, UnreadConversation,
  UnreadThread, User, Workspace, WorkspaceUser,
} from '../api/types';
import type { StreamStatus } from '../api/stream';
import { setUserTimeZone } from '../time';
import { Observable } from './observable';

export type ById<T> = Readonly<Record<number, T>>;

export interface AppState {
  me: User | null;
  workspaces: Workspace[];
  /** The workspace being shown; null until the session is loaded. */
  ws: number | null;
  /** Every channel I can see (joined or public). */
  channels: ById<Channel>;
  users: ById<WorkspaceUser>;
  groups: Group[];
  conversations: Conversation[];
  unreadThreads: ById<UnreadThread>;
  unreadConversations: ById<UnreadConversation>;
  inboxCount: number;
  /** Threads known to be in my active inbox (from inbox/get and inbox_updated). */
  inboxIds: ById<true>;
  /** Answers I was asked for and have not given, and answers I wait for (open or overdue). */
  owed: Expectation[];
  waiting: Expectation[];
  expectationCounts: ExpectationCounts;
  /** My posts waiting to be sent, soonest first. */
  scheduled: ScheduledPost[];
  /** Meetings I organize, attend or can see, from a month ago to a year ahead, soonest first. */
  meetings: Meeting[];
  stream: StreamStatus;
  /** Set when the session could not be loaded at all. */
  fatal: string | null;
}

export const app = new Observable<AppState>({
  me: null,
  workspaces: [],
  ws: null,
  channels: {},
  users: {},
  groups: [],
  conversations: [],
  unreadThreads: {},
  unreadConversations: {},
  inboxCount: 0,
  inboxIds: {},
  owed: [],
  waiting: [],
  expectationCounts: { owed_open: 0, owed_overdue: 0, waiting_open: 0, waiting_overdue: 0 },
  scheduled: [],
  meetings: [],
  stream: 'connecting',
  fatal: null,
});

export function patch(change: Partial<AppState>): void {
  app.update((s) => ({ ...s, ...change }));
}

export function byId<T extends { id: number }>(items: readonly T[]): ById<T> {
  const out: Record<number, T> = {};
  for (const item of items) out[item.id] = item;
  return out;
}

export function withItem<T>(map: ById<T>, id: number, item: T | undefined): ById<T> {
  const next: Record<number, T> = { ...map };
  if (item === undefined) delete next[id];
  else next[id] = item;
  return next;
}

/** Loads who I am and my workspaces; answers the workspace to open by default. */
export async function loadSession(): Promise<number | null> {
  const [me, workspaces] = await Promise.all([call('users/get_session_user', {}), call('workspaces/get', {})]);
  setUserTimeZone(me.timezone);
  patch({ me, workspaces });
  if (workspaces.length === 0) return null;
  const preferred = me.default_workspace ?? undefined;
  return workspaces.some((w) => w.id === preferred) ? preferred! : workspaces[0]!.id;
}

/** Loads everything the sidebar shows for one workspace (in parallel: one round trip). */
export async function loadWorkspace(ws: number): Promise<void> {
  const [channels, users, groups, conversations, unreadThreads, unreadConversations, count, inbox, owed, waiting, scheduled] = await Promise.all([
    call('channels/get', { workspace_id: ws, archived: false }),
    call('workspace_users/get', { id: ws }),
    call('groups/get', { workspace_id: ws }),
    call('conversations/get', { workspace_id: ws, archived: false }),
    call('threads/get_unread', { workspace_id: ws }),
    call('conversations/get_unread', { workspace_id: ws }),
    call('inbox/get_count', { workspace_id: ws }),
    // Which threads are in my inbox, so a thread opened by its URL offers Done and snooze.
    call('inbox/get', { workspace_id: ws, limit: 100 }),
    call('expectations/get', { workspace_id: ws, role: 'owed', state: 'pending' }),
    call('expectations/get', { workspace_id: ws, role: 'waiting', state: 'pending' }),
    call('scheduled/get', { workspace_id: ws }),
  ]);
  if (app.get().ws !== ws) return;
  patch({
    scheduled,
    owed: owed.expectations,
    waiting: waiting.expectations,
    expectationCounts: owed.counts,
    inboxIds: Object.fromEntries(inbox.filter((t) => t.in_inbox).map((t) => [t.id, true as const])),
    channels: byId(channels),
    users: byId(users),
    groups,
    conversations,
    unreadThreads: Object.fromEntries(unreadThreads.map((u) => [u.thread_id, u])),
    unreadConversations: Object.fromEntries(unreadConversations.map((u) => [u.conversation_id, u])),
    inboxCount: count.data,
  });
  // Apart: the app works on without them (the agenda thread's card, the Meetings list).
  void refreshMeetings().catch(() => undefined);
}

/** How far back and ahead the shared list of meetings reaches. */
export const MEETINGS_BACK_S = 60 * 86400;
export const MEETINGS_AHEAD_S = 366 * 86400;

/** When the meetings were last loaded (Unix seconds). */
let meetingsLoadedAt = 0;

/** Reloads the meetings I can see (after a meeting_* event, or when the list is opened). */
export async function refreshMeetings(): Promise<void> {
  const ws = app.get().ws;
  if (ws === null) return;
  const now = Math.floor(Date.now() / 1000);
  const meetings = await call('meetings/get', { workspace_id: ws, from: now - MEETINGS_BACK_S, to: now + MEETINGS_AHEAD_S });
  if (app.get().ws !== ws) return;
  meetingsLoadedAt = now;
  patch({ meetings });
}

/** A thread posted since the meetings were loaded may be a new meeting's agenda thread
 * (whose event may not have reached me): look again, once per thread. */
const lookedFor = new Set<number>();
export function findMeetingOf(threadId: number, postedTs: number): void {
  if (postedTs < meetingsLoadedAt - 60 || lookedFor.has(threadId)) return;
  lookedFor.add(threadId);
  void refreshMeetings().catch(() => undefined);
}

/** A meeting as the stream or an answer gives it, in its place in the list (soonest first). */
export function rememberMeeting(m: Meeting): void {
  const s = app.get();
  if (m.workspace_id !== s.ws) return;
  const meetings = [...s.meetings.filter((x) => x.id !== m.id), m].sort((a, b) => a.starts_ts - b.starts_ts || a.id - b.id);
  patch({ meetings });
}

export async function refreshUnread(): Promise<void> {
  const ws = app.get().ws;
  if (ws === null) return;
  const [unreadThreads, unreadConversations, count] = await Promise.all([
    call('threads/get_unread', { workspace_id: ws }),
    call('conversations/get_unread', { workspace_id: ws }),
    call('inbox/get_count', { workspace_id: ws }),
  ]);
  if (app.get().ws !== ws) return;
  patch({
    unreadThreads: Object.fromEntries(unreadThreads.map((u) => [u.thread_id, u])),
    unreadConversations: Object.fromEntries(unreadConversations.map((u) => [u.conversation_id, u])),
    inboxCount: count.data,
  });
}

/** Reloads what I owe and wait for (after an expectation_* event). */
export async function refreshExpectations(): Promise<void> {
  const ws = app.get().ws;
  if (ws === null) return;
  const [owed, waiting] = await Promise.all([
    call('expectations/get', { workspace_id: ws, role: 'owed', state: 'pending' }),
    call('expectations/get', { workspace_id: ws, role: 'waiting', state: 'pending' }),
  ]);
  if (app.get().ws !== ws) return;
  patch({ owed: owed.expectations, waiting: waiting.expectations, expectationCounts: waiting.counts });
}

/** Reloads my posts waiting to be sent (after a scheduled_* event). */
export async function refreshScheduled(): Promise<void> {
  const ws = app.get().ws;
  if (ws === null) return;
  const scheduled = await call('scheduled/get', { workspace_id: ws });
  if (app.get().ws === ws) patch({ scheduled });
}

// --- Reading the state --------------------------------------------------------------

export function isMember(channel: Channel, me: User | null): boolean {
  return me !== null && channel.user_ids.includes(me.id);
}

/** The channels in the sidebar: the ones I joined, favourites first, then by name. */
export function sidebarChannels(s: AppState): Channel[] {
  return Object.values(s.channels)
    .filter((c) => !c.archived && isMember(c, s.me))
    .sort((a, b) => Number(b.is_favorited) - Number(a.is_favorited) || a.name.localeCompare(b.name));
}

/** Whether I administer the workspace shown. */
export function amAdmin(s: AppState): boolean {
  return !!s.me && s.users[s.me.id]?.user_type === 'ADMIN';
}

/** Whether I may set a thread's DRI, status and due date: its author, its DRI, an admin. */
export function canSteer(s: AppState, t: Thread): boolean {
  const me = s.me?.id;
  return me !== undefined && (t.creator === me || t.dri_id === me || amAdmin(s));
}

/** Whether I may mark (or unmark) a thread's decision: its DRI, its author while it has
 * none, an admin. */
export function canDecide(s: AppState, t: Thread): boolean {
  const me = s.me?.id;
  if (me === undefined) return false;
  return t.dri_id != null ? t.dri_id === me || amAdmin(s) : t.creator === me || amAdmin(s);
}

export function userName(s: AppState, id: number | null | undefined, fallback = 'Someone'): string {
  if (id == null) return fallback;
  if (s.me?.id === id) return s.me.name;
  return s.users[id]?.name ?? fallback;
}

export function channelUnread(s: AppState, channelId: number): boolean {
  return Object.values(s.unreadThreads).some((u) => u.channel_id === channelId);
}

/** The people of a conversation other than me, by name: "Ana Lima, Bob". */
export function conversationTitle(s: AppState, c: Conversation): string {
  if (c.title) return c.title;
  const others = c.user_ids.filter((id) => id !== s.me?.id).map((id) => userName(s, id));
  return others.length > 0 ? others.join(', ') : 'Just you';
}
