// A thread: its title and state, the opening post, the comments (newest page first,
// earlier ones as you scroll up), a "new" divider at my read position, and the reply
// composer. Opening it marks it read.

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api/client';
import type { Comment } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { FindInPlace, FindToggle } from '../components/FindInPlace';
import { Markdown } from '../components/Markdown';
import { Attachments, attachmentsOf } from '../components/Attachments';
import { Icon } from '../components/Icon';
import { Popover } from '../components/Popover';
import { ViewHeader } from '../components/ViewHeader';
import { useShortcuts } from '../keyboard';
import { href, navigate } from '../router';
import { app, canDecide, findMeetingOf, userName } from '../state/app';
import { meetingOfThread } from '../meetings';
import { useSelect } from '../state/observable';
import { setUi } from '../state/ui';
import { dayHeading } from '../time';
import { AskedHere } from './Expectations';
import { ScheduledHere } from './Scheduled';
import { Composer, type Post as PostInput } from './composer/Composer';
import { ListSkeleton } from '../components/ListSkeleton';
import { Post } from './thread/Post';
import { postActions } from './thread/postActions';
import { ThreadMenu } from './thread/ThreadMenu';
import { DecidingBar, StatusPill } from './thread/Deciding';
import { MeetingCard } from './meetings/MeetingCard';
import '../styles/deciding.css';
import { useMarkRead } from './thread/useMarkRead';
import { useThread, type Pending } from './thread/useThread';
import { useThreadScroll } from './thread/useThreadScroll';

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
  const [finding, setFinding] = useState(false);
  const decider = useSelect(app, (s) => !!thread && canDecide(s, thread));
  const meeting = useSelect(app, (s) => meetingOfThread(s, threadId));

  const back = () => navigate(href.channel(ws, thread?.channel_id ?? channelId));

  // Moved to another channel: follow it.
  useEffect(() => {
    if (t.movedTo) navigate(href.thread(ws, t.movedTo, threadId, commentId), { replace: true });
  }, [t.movedTo]);

  useMarkRead(thread, t.setThread);

  // A new thread may be the agenda of a meeting planned since the meetings were loaded.
  useEffect(() => {
    if (thread && !meeting) findMeetingOf(thread.id, thread.posted_ts);
  }, [thread?.id]);

  const scroll = useThreadScroll({ ready: !!thread, commentId, comments, pendingCount: t.pending.length, hasEarlier: t.hasEarlier, loadEarlier: t.loadEarlier });

  useShortcuts({
    r: () => document.getElementById('reply-box')?.focus(),
    c: () => {
      setUi({ composeIn: thread?.channel_id ?? channelId });
      navigate(href.channel(ws, thread?.channel_id ?? channelId));
    },
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

  const act = postActions(ws, thread, channel.id, me.id, t.setThread, t.setComments);

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
            <StatusPill thread={thread} />
            {thread.pinned && <span class="tag">Pinned</span>}
            {thread.muted_until_ts && thread.muted_until_ts > Date.now() / 1000 && <span class="tag">Muted</span>}
            <Participants ids={thread.participants} />
          </span>
        }
        back={{ label: `Back to #${channel.name}`, onBack: back }}
        actions={
          <>
            <ThreadFiles posts={[thread, ...comments]} />
            <FindToggle open={finding} label="Search in this thread" onToggle={() => setFinding(!finding)} />
            <ThreadMenu ws={ws} thread={thread} setThread={t.setThread} />
          </>
        }
      />
      <DecidingBar ws={ws} thread={thread} channel={channel} comments={comments} setThread={t.setThread} />
      {finding && (
        <FindInPlace
          label="Find in this thread"
          find={(query) => call('search/thread', { thread_id: thread.id, query }).then((r) => r.comment_ids)}
          anchor={(id) => `comment-${id}`}
          open={(id) => navigate(href.thread(ws, channel.id, thread.id, id), { replace: true })}
          onClose={() => setFinding(false)}
        />
      )}
      <div class="thread-scroll" ref={scroll.scroller} onScroll={scroll.onScroll} data-nav-scope>
        <div class="thread-content">
          {meeting && <MeetingCard ws={ws} meeting={meeting} />}
          {t.hasEarlier ? (
            <div class="show-earlier" ref={scroll.topSentinel}>
              <button type="button" class="btn btn-quiet" onClick={scroll.loadEarlier} disabled={t.loadingEarlier}>
                {t.loadingEarlier ? 'Loading…' : 'Show earlier comments'}
              </button>
            </div>
          ) : (
            <Post
              post={thread}
              kind="thread"
              title={thread.title}
              link={href.thread(ws, channel.id, thread.id)}
              onReact={(emoji, on) => act.react({ thread_id: thread.id }, emoji, on)}
              onEdit={act.editThread}
              onDelete={act.deleteThread}
              onMarkUnread={act.markUnreadFrom(-1)}
            />
          )}
          {!t.hasEarlier && comments.length > 0 && <div class="comments-start" aria-hidden="true" />}
          {comments.map((c, i) => (
            <Fragment key={c.id}>
              {(i === 0 ? dayHeading(thread.posted_ts) !== dayHeading(c.posted_ts) : dayHeading(comments[i - 1]!.posted_ts) !== dayHeading(c.posted_ts)) && (
                <div class="day-divider" role="separator">
                  <span>{dayHeading(c.posted_ts)}</span>
                </div>
              )}
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
                  link={href.thread(ws, channel.id, thread.id, c.id)}
                  compact={i > 0 && c !== firstUnread && !closedBy(c) && sameAuthorSoon(comments[i - 1]!, c)}
                  highlighted={c.id === commentId}
                  onReact={(emoji, on) => act.react({ comment_id: c.id }, emoji, on)}
                  onEdit={act.editComment(c)}
                  onDelete={act.deleteComment(c)}
                  onMarkUnread={act.markUnreadFrom(c.obj_index)}
                  decision={c.id === thread.decision_comment_id}
                  onDecide={decider ? (on) => void act.decide(c, on)() : undefined}
                />
              )}
            </Fragment>
          ))}
          {t.pending.map((p) => (
            <PendingPost key={p.tempId} pending={p} onRetry={() => t.retry(p)} onDiscard={() => t.discard(p)} />
          ))}
        </div>
        {scroll.newBelow > 0 && (
          <button type="button" class="new-below" onClick={scroll.toNewest}>
            ↓ {scroll.newBelow} new {scroll.newBelow === 1 ? 'comment' : 'comments'}
          </button>
        )}
        <div class="reply">
          <AskedHere ws={ws} thread={thread.id} />
          <ScheduledHere ws={ws} thread={thread.id} />
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

/** Who takes part in the thread: a few faces and how many in all. */
function Participants({ ids }: { ids: number[] }) {
  const s = useSelect(app, (x) => x);
  if (ids.length === 0) return null;
  const names = ids.map((id) => userName(s, id));
  return (
    <span class="participants" title={names.join(', ')}>
      <span class="avatar-stack" aria-hidden="true">
        {ids.slice(0, 4).map((id, i) => (
          <Avatar key={id} id={id} name={names[i]!} size="sm" />
        ))}
      </span>
      <span>
        {ids.length} {ids.length === 1 ? 'person' : 'people'}
        <span class="sr-only">: {names.join(', ')}</span>
      </span>
    </span>
  );
}

/** Every file of the thread's loaded posts, in one list: the paper clip in the header. */
function ThreadFiles({ posts }: { posts: Array<{ attachments?: unknown[] | null }> }) {
  const files = posts.flatMap(attachmentsOf);
  if (files.length === 0) return null;
  return (
    <Popover label={`Files in this thread (${files.length})`} button={<Icon name="paperclip" />}>
      {() => (
        <div class="thread-files">
          <p class="menu-caption">Files in this thread</p>
          <Attachments items={files} />
        </div>
      )}
    </Popover>
  );
}
