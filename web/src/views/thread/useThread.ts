// A thread's data while it is open: the thread, a window of its comments (the newest
// first, earlier pages on demand), my pending replies, and the stream's changes to all of
// it. A reply shows at once (pending, with its temp_id) and is reconciled with the
// server's answer or the stream's comment_added, whichever comes first — never twice.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import { objects } from '../../api/lists';
import type { Comment, StreamEvent, Thread } from '../../api/types';
import { prerender } from '../../markdown';
import { app } from '../../state/app';
import { announce } from '../../state/announce';
import { onLiveEvent } from '../../state/live';
import type { Post as PostInput } from '../composer/Composer';
import { withReaction } from './Reactions';
import { askParams } from '../composer/AskReply';
import { isScheduled, laterParams, reportScheduled } from '../composer/SendLater';
import { reportPosted } from '../composer/sharing';

export const PAGE = 50;

export interface Pending {
  tempId: number;
  post: PostInput;
  state: 'sending' | 'failed';
  error?: string;
  postedTs: number;
}

export type Gone = null | 'deleted' | 'no_access';

/** The fields of a thread that are mine alone; events from others carry theirs. */
/** A comment moves its thread's newest index and activity time (the server sends no
 * thread_updated for a plain reply); my own comment is read by definition. */
function withComment(t: Thread | null, c: Comment, me: number | undefined): Thread | null {
  if (!t) return t;
  return {
    ...t,
    last_obj_index: Math.max(t.last_obj_index, c.obj_index),
    last_updated_ts: Math.max(t.last_updated_ts, c.posted_ts),
    last_read_obj_index: c.creator === me ? Math.max(t.last_read_obj_index, c.obj_index) : t.last_read_obj_index,
  };
}

function keepMine(fresh: Thread, old: Thread | null): Thread {
  if (!old) return fresh;
  const { starred, is_saved, is_archived, muted_until_ts, last_read_obj_index } = old;
  return { ...fresh, starred, is_saved, is_archived, muted_until_ts, last_read_obj_index };
}

export function useThread(threadId: number, commentId: number | undefined) {
  const [thread, setThread] = useState<Thread | null>(null);
  const [comments, setComments] = useState<Comment[]>([]);
  const [hasEarlier, setHasEarlier] = useState(false);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [pending, setPending] = useState<Pending[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState<Gone>(null);
  const [movedTo, setMovedTo] = useState<number | null>(null);
  /** My read position when I opened the thread: where the "new" divider goes. */
  const [readAt, setReadAt] = useState<number | null>(null);
  const threadRef = useRef<Thread | null>(null);
  threadRef.current = thread;

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        // The thread and its newest comments in parallel: one round trip, then one render call.
        const pageOf = async (): Promise<Comment[]> => {
          if (!commentId) return objects(await call('comments/get', { thread_id: threadId, order_by: 'desc', limit: PAGE })).reverse();
          // Open at that comment: from a little before it to the newest.
          const target = (await call('comments/getone', { id: commentId })).comment;
          return objects(await call('comments/get', { thread_id: threadId, from_obj_index: Math.max(0, target.obj_index - 10), limit: 500 }));
        };
        const [t, page] = await Promise.all([call('threads/getone', { id: threadId }), pageOf()]);
        await prerender([t.content, ...page.map((c) => c.content)]);
        if (!live) return;
        setThread(t);
        setReadAt(t.last_read_obj_index);
        setComments(page);
        setHasEarlier((page[0]?.obj_index ?? 0) > 0);
      } catch (e) {
        if (live) setError(describeError(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [threadId, commentId]);

  const loadEarlier = async () => {
    const first = comments[0];
    if (!first || loadingEarlier) return;
    setLoadingEarlier(true);
    try {
      const page = objects(await call('comments/get', { thread_id: threadId, to_obj_index: first.obj_index - 1, order_by: 'desc', limit: PAGE })).reverse();
      await prerender(page.map((c) => c.content));
      setComments((list) => [...page.filter((c) => !list.some((x) => x.id === c.id)), ...list]);
      setHasEarlier((page[0]?.obj_index ?? 0) > 0);
    } catch (e) {
      announce(`Could not load earlier comments: ${describeError(e)}`);
    } finally {
      setLoadingEarlier(false);
    }
  };

  // Follow the stream.
  useEffect(
    () =>
      onLiveEvent((event: StreamEvent) => {
        const d = event.data as Record<string, unknown>;
        const me = app.get().me?.id;
        switch (event.type) {
          case 'comment_added': {
            const c = d as unknown as Comment;
            if (c.thread_id !== threadId) return;
            setComments((list) => (list.some((x) => x.id === c.id) ? list : [...list, c]));
            setThread((t) => withComment(t, c, me));
            // My own reply coming back through the stream: its pending twin goes — also one
            // marked failed, whose request reached Weft though its answer was lost.
            if (c.creator === me) setPending((list) => dropFirst(list, (p) => p.post.content === c.content));
            else announce(`New comment from ${c.creator_name ?? 'someone'}`);
            break;
          }
          case 'comment_updated': {
            const c = d as unknown as Comment;
            if (c.thread_id === threadId) setComments((list) => list.map((x) => (x.id === c.id ? c : x)));
            break;
          }
          case 'comment_deleted':
            if (d.thread_id === threadId) setComments((list) => list.filter((x) => x.id !== d.id));
            break;
          case 'thread_updated':
          case 'thread_added': // the thread arriving in the channel it was moved to
            if (d.id === threadId) setThread((old) => keepMine(d as unknown as Thread, old));
            break;
          case 'thread_state_updated':
            if (d.thread_id === threadId) setThread((old) => (old ? { ...old, ...(d as Partial<Thread>) } : old));
            break;
          case 'thread_deleted':
            if (d.id !== threadId) return;
            if (typeof d.moved_to === 'number') {
              const to = d.moved_to;
              setThread((t) => (t ? { ...t, channel_id: to } : t));
              setMovedTo(to);
            } else setGone('deleted');
            break;
          case 'reaction_added':
          case 'reaction_removed': {
            const on = event.type === 'reaction_added';
            const emoji = d.reaction as string;
            const user = d.user_id as number;
            if (user === me) return; // Mine are applied when I click.
            if (d.thread_id === threadId) setThread((t) => (t ? { ...t, reactions: withReaction(t.reactions, emoji, user, on) } : t));
            if (typeof d.comment_id === 'number') {
              setComments((list) => list.map((c) => (c.id === d.comment_id ? { ...c, reactions: withReaction(c.reactions, emoji, user, on) } : c)));
            }
            break;
          }
          case 'channel_user_removed':
          case 'channel_deleted': {
            const channelId = (d.channel_id ?? d.id) as number;
            const t = threadRef.current;
            if (!t || t.channel_id !== channelId) return;
            if (event.type === 'channel_deleted' || d.user_id === me) {
              // Public channels stay readable; the shared state knows whether I still see it.
              queueMicrotask(() => {
                if (!app.get().channels[channelId]) setGone('no_access');
              });
            }
            break;
          }
        }
      }),
    [threadId],
  );

  // --- Replies, optimistic -----------------------------------------------------------

  const send = async (post: PostInput, tempId = Math.floor(Math.random() * 2 ** 31)) => {
    setPending((list) => [...list.filter((p) => p.tempId !== tempId), { tempId, post, state: 'sending', postedTs: Math.floor(Date.now() / 1000) }]);
    try {
      const c = await call('comments/add', {
        thread_id: threadId,
        content: post.content,
        recipients: post.recipients,
        groups: post.groups,
        ...(post.attachments.length ? { attachments: post.attachments } : {}),
        temp_id: tempId,
        ...(post.urgent ? { urgent: true } : {}),
        ...askParams(post.ask),
        ...laterParams(post.later),
      });
      if (isScheduled(c)) {
        setPending((list) => list.filter((p) => p.tempId !== tempId));
        announce('Reply scheduled');
        reportScheduled(c);
        return;
      }
      setComments((list) => (list.some((x) => x.id === c.id) ? list : [...list, c]));
      setThread((t) => withComment(t, c, app.get().me?.id));
      setPending((list) => list.filter((p) => p.tempId !== tempId));
      announce('Reply sent');
      reportPosted(c);
    } catch (e) {
      const message = describeError(e);
      setPending((list) => list.map((p) => (p.tempId === tempId ? { ...p, state: 'failed', error: message } : p)));
      announce(`Your reply was not sent: ${message}`);
    }
  };

  // Retrying with the same temp_id: if the first try did reach the server, nothing doubles.
  const retry = (p: Pending) => void send(p.post, p.tempId);
  const discard = (p: Pending) => setPending((list) => list.filter((x) => x.tempId !== p.tempId));

  return {
    thread, setThread, comments, setComments, hasEarlier, loadingEarlier, loadEarlier,
    pending, send, retry, discard, error, gone, movedTo, readAt, setReadAt,
  };
}

function dropFirst<T>(list: T[], match: (x: T) => boolean): T[] {
  const i = list.findIndex(match);
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)];
}
