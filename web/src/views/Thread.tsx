// A thread: its title and state, the opening post, the comments (newest page first,
// earlier ones as you scroll up), a "new" divider at my read position, and the reply
// composer. Opening it marks it read.

import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Comment } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { Markdown } from '../components/Markdown';
import { Icon } from '../components/Icon';
import { ViewHeader } from '../components/ViewHeader';
import { useShortcuts } from '../keyboard';
import { href, navigate } from '../router';
import { app, refreshUnread, userName } from '../state/app';
import { announce } from '../state/announce';
import { useSelect } from '../state/observable';
import { Composer, type Post as PostInput } from './composer/Composer';
import { ListSkeleton } from '../components/ListSkeleton';
import { Post } from './thread/Post';
import { withReaction } from './thread/Reactions';
import { ThreadMenu } from './thread/ThreadMenu';
import { useThread, type Pending } from './thread/useThread';

interface Props {
  ws: number;
  channelId: number;
  threadId: number;
  commentId?: number | undefined;
}

export function ThreadView({ ws, channelId, threadId, commentId }: Props) {
  const t = useThread(threadId, commentId);
  const { thread, comments } = t;
  const channel = useSelect(app, (s) => s.channels[thread?.channel_id ?? channelId]);
  const me = useSelect(app, (s) => s.me!);
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const keepBottomGap = useRef<number | null>(null);

  const back = () => navigate(href.channel(ws, thread?.channel_id ?? channelId));

  // Moved to another channel: follow it.
  useEffect(() => {
    if (t.movedTo) navigate(href.thread(ws, t.movedTo, threadId, commentId), { replace: true });
  }, [t.movedTo]);

  // Opening the thread, and every comment that arrives while I look at it, marks it read.
  const lastIndex = thread?.last_obj_index;
  useEffect(() => {
    if (!thread || document.visibilityState !== 'visible') return;
    if (thread.last_read_obj_index >= thread.last_obj_index) return;
    call('threads/mark_read', { id: thread.id, obj_index: thread.last_obj_index })
      .then(() => {
        t.setThread((x) => (x ? { ...x, last_read_obj_index: Math.max(x.last_read_obj_index, thread.last_obj_index) } : x));
        void refreshUnread();
      })
      .catch(() => undefined);
  }, [thread?.id, lastIndex]);

  // First view: at the comment asked for, else at the "new" divider, else at the bottom.
  const positioned = useRef(false);
  useLayoutEffect(() => {
    if (!thread || positioned.current || !scroller.current) return;
    positioned.current = true;
    const target =
      (commentId && document.getElementById(`comment-${commentId}`)) || document.getElementById('unread-divider');
    if (target) {
      target.scrollIntoView({ block: commentId ? 'center' : 'start' });
      if (commentId) target.focus({ preventScroll: true });
    } else scroller.current.scrollTop = scroller.current.scrollHeight;
  }, [thread, comments.length]);

  // Earlier pages keep what I was reading in place.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && keepBottomGap.current !== null) {
      el.scrollTop = el.scrollHeight - keepBottomGap.current;
      keepBottomGap.current = null;
    }
  }, [comments]);
  const loadEarlier = () => {
    const el = scroller.current;
    if (el) keepBottomGap.current = el.scrollHeight - el.scrollTop;
    void t.loadEarlier();
  };
  useEffect(() => {
    const el = topSentinel.current;
    if (!el || !t.hasEarlier) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && positioned.current && loadEarlier(), { root: scroller.current, rootMargin: '200px 0px 0px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [t.hasEarlier, comments[0]?.id]);

  // Keep the newest in view when something arrives and I was already at the bottom.
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current && positioned.current && keepBottomGap.current === null) el.scrollTop = el.scrollHeight;
  }, [comments.length, t.pending.length]);

  useShortcuts({
    r: () => document.getElementById('reply-box')?.focus(),
    Escape: back,
  });

  if (t.error) {
    return (
      <section class="view">
        <ViewHeader title="Thread" back={{ label: 'Back to the channel', onBack: back }} />
        <Empty icon="alert" title="This thread cannot be shown">
          {t.error}. <a href={href.channel(ws, channelId)}>Back to the channel</a>
        </Empty>
      </section>
    );
  }
  if (t.gone) {
    return (
      <section class="view">
        <ViewHeader title={thread?.title ?? 'Thread'} back={{ label: 'Back to the inbox', onBack: () => navigate(href.inbox(ws)) }} />
        <Empty icon={t.gone === 'deleted' ? 'trash' : 'lock'} title={t.gone === 'deleted' ? 'This thread was deleted' : 'You no longer have access'}>
          {t.gone === 'deleted' ? 'Its author or an admin removed it.' : 'You were removed from this channel, or it was made private or deleted.'}{' '}
          <a href={href.inbox(ws)}>Back to your inbox</a>
        </Empty>
      </section>
    );
  }
  if (!thread || !channel) return <ListSkeleton />;

  const react = (target: { thread_id: number } | { comment_id: number }, emoji: string, on: boolean) => {
    const apply = (add: boolean) => {
      if ('thread_id' in target) t.setThread((x) => (x ? { ...x, reactions: withReaction(x.reactions, emoji, me.id, add) } : x));
      else t.setComments((list) => list.map((c) => (c.id === target.comment_id ? { ...c, reactions: withReaction(c.reactions, emoji, me.id, add) } : c)));
    };
    apply(on);
    call(on ? 'reactions/add' : 'reactions/remove', { ...target, reaction: emoji }).catch((e) => {
      apply(!on);
      announce(`Could not react: ${describeError(e)}`);
    });
  };

  const editComment = (c: Comment) => async (content: string) => {
    try {
      const updated = await call('comments/update', { id: c.id, content });
      t.setComments((list) => list.map((x) => (x.id === c.id ? { ...x, ...updated } : x)));
      return true;
    } catch (e) {
      announce(`Could not save: ${describeError(e)}`);
      return false;
    }
  };
  const deleteComment = (c: Comment) => async () => {
    if (!window.confirm('Delete this comment? This cannot be undone.')) return;
    try {
      await call('comments/remove', { id: c.id });
      t.setComments((list) => list.filter((x) => x.id !== c.id));
      announce('Comment deleted');
    } catch (e) {
      announce(`Could not delete: ${describeError(e)}`);
    }
  };
  const markUnreadFrom = (objIndex: number) => async () => {
    try {
      await call('threads/mark_unread', { id: thread.id, obj_index: objIndex });
      announce('Marked unread');
      void refreshUnread();
      navigate(href.inbox(ws));
    } catch (e) {
      announce(`Could not mark unread: ${describeError(e)}`);
    }
  };
  const editThread = async (content: string, title?: string) => {
    try {
      const updated = await call('threads/update', { id: thread.id, content, ...(title ? { title } : {}) });
      t.setThread((x) => (x ? { ...x, ...updated, starred: x.starred, last_read_obj_index: x.last_read_obj_index } : x));
      return true;
    } catch (e) {
      announce(`Could not save: ${describeError(e)}`);
      return false;
    }
  };

  const readAt = t.readAt ?? -2;
  const firstUnread = readAt >= -1 ? comments.find((c) => c.obj_index > readAt && c.creator !== me.id) : undefined;
  const closedBy = (c: Comment) => (c.thread_action === 'close' ? 'closed' : c.thread_action === 'reopen' ? 'reopened' : null);

  return (
    <section class="view thread-view" aria-labelledby="thread-title">
      <ViewHeader
        title={<span id="thread-title">{thread.title}</span>}
        subtitle={
          <span class="thread-subtitle">
            <a href={href.channel(ws, channel.id)}>
              {channel.public ? '#' : <Icon name="lock" size={12} />}
              {channel.name}
            </a>
            {thread.closed && <span class="tag">Closed</span>}
            {thread.pinned && <span class="tag">Pinned</span>}
            {thread.muted_until_ts && thread.muted_until_ts > Date.now() / 1000 && <span class="tag">Muted</span>}
          </span>
        }
        back={{ label: `Back to #${channel.name}`, onBack: back }}
        actions={<ThreadMenu ws={ws} thread={thread} setThread={t.setThread} />}
      />
      <div class="thread-scroll" ref={scroller} onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }} data-nav-scope>
        <div class="thread-content">
          {t.hasEarlier ? (
            <div class="show-earlier" ref={topSentinel}>
              <button type="button" class="btn btn-quiet" onClick={loadEarlier} disabled={t.loadingEarlier}>
                {t.loadingEarlier ? 'Loading…' : 'Show earlier comments'}
              </button>
            </div>
          ) : (
            <Post
              post={thread}
              kind="thread"
              title={thread.title}
              onReact={(emoji, on) => react({ thread_id: thread.id }, emoji, on)}
              onEdit={editThread}
              onDelete={async () => {
                if (!window.confirm('Delete this thread and all its comments? This cannot be undone.')) return;
                try {
                  await call('threads/remove', { id: thread.id });
                  announce('Thread deleted');
                  navigate(href.channel(ws, channel.id));
                } catch (e) {
                  announce(`Could not delete: ${describeError(e)}`);
                }
              }}
              onMarkUnread={markUnreadFrom(-1)}
            />
          )}
          {!t.hasEarlier && comments.length > 0 && <div class="comments-start" aria-hidden="true" />}
          {comments.map((c, i) => (
            <Fragment key={c.id}>
              {c === firstUnread && (
                <div class="unread-divider" id="unread-divider" role="separator" tabIndex={-1}>
                  <span>New since your last visit</span>
                </div>
              )}
              {closedBy(c) && (
                <div class="system-line">
                  <Icon name={c.thread_action === 'close' ? 'check' : 'undo'} size={14} /> {c.creator_name ?? userName(app.get(), c.creator)}{' '}
                  {closedBy(c)} the thread
                </div>
              )}
              {(c.content.trim() !== '' || !closedBy(c)) && (
                <Post
                  post={c}
                  kind="comment"
                  anchorId={`comment-${c.id}`}
                  compact={i > 0 && c !== firstUnread && !closedBy(c) && sameAuthorSoon(comments[i - 1]!, c)}
                  highlighted={c.id === commentId}
                  onReact={(emoji, on) => react({ comment_id: c.id }, emoji, on)}
                  onEdit={editComment(c)}
                  onDelete={deleteComment(c)}
                  onMarkUnread={markUnreadFrom(c.obj_index)}
                />
              )}
            </Fragment>
          ))}
          {t.pending.map((p) => (
            <PendingPost key={p.tempId} pending={p} onRetry={() => t.retry(p)} onDiscard={() => t.discard(p)} />
          ))}
        </div>
        <div class="reply">
          {thread.closed && <p class="muted reply-note">This thread is closed. A reply does not reopen it; use “Reopen” in the menu for that.</p>}
          <Composer ws={ws} place={`reply:${thread.id}`} channel={channel} thread={thread} textareaId="reply-box" onSend={(post: PostInput) => (void t.send(post), true)} />
        </div>
      </div>
    </section>
  );
}

function PendingPost({ pending, onRetry, onDiscard }: { pending: Pending; onRetry: () => void; onDiscard: () => void }) {
  const me = useSelect(app, (s) => s.me!);
  return (
    <article class={`post post-pending ${pending.state === 'failed' ? 'is-failed' : ''}`}>
      <Avatar id={me.id} name={me.name} />
      <div class="post-main">
        <header class="post-header">
          <span class="post-author">{me.name}</span>
          <span class="post-time">{pending.state === 'sending' ? 'Sending…' : 'Not sent'}</span>
        </header>
        <Markdown text={pending.post.content} />
        {pending.state === 'failed' && (
          <div class="pending-error" role="alert">
            <span>{pending.error}</span>
            <button type="button" class="btn btn-small" onClick={onRetry}>
              Retry
            </button>
            <button type="button" class="btn btn-quiet btn-small" onClick={onDiscard}>
              Discard
            </button>
          </div>
        )}
      </div>
    </article>
  );
}


/** Two comments read as one stretch: same person, five minutes apart at most. */
function sameAuthorSoon(previous: Comment, next: Comment): boolean {
  return previous.creator === next.creator && !previous.thread_action && next.posted_ts - previous.posted_ts < 300;
}
