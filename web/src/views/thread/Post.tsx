// One post of a thread (its opening post or a comment): who, when, the content rendered
// by the server, edited marker, reactions, and the author's edit and delete.

import { useState } from 'preact/hooks';
import { Attachments, attachmentsOf } from '../../components/Attachments';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { Markdown } from '../../components/Markdown';
import { Popover } from '../../components/Popover';
import { Time } from '../../components/Time';
import { app, userName } from '../../state/app';
import { useSelect } from '../../state/observable';
import { absoluteTime, otherZoneClock } from '../../time';
import { showToast } from '../../state/toast';
import { ReactionPicker, Reactions, type ReactionMap } from './Reactions';

export interface PostData {
  id: number;
  creator: number;
  creator_name?: string | null;
  content: string;
  posted_ts: number;
  last_edited_ts?: number | null;
  reactions?: ReactionMap | null;
  attachments?: unknown[] | null;
}

interface Props {
  post: PostData;
  kind: 'thread' | 'comment';
  highlighted?: boolean;
  anchorId?: string;
  onReact: (emoji: string, on: boolean) => void;
  /** Saves an edit; a thread's opening post edits its title too. */
  onEdit?: ((content: string, title?: string) => Promise<boolean>) | undefined;
  title?: string | undefined;
  onDelete?: (() => void) | undefined;
  onMarkUnread?: (() => void) | undefined;
  /** The post's own address, to copy and share. */
  link?: string | undefined;
  /** A follow-up by the same person moments later: no repeated name and avatar. */
  compact?: boolean;
  /** This comment is its thread's decision. */
  decision?: boolean;
  /** Marks it as the decision, or takes the mark back (for those who may). */
  onDecide?: ((on: boolean) => void) | undefined;
}

export function Post({ post, kind, title, compact = false, highlighted, anchorId, link, onReact, onEdit, onDelete, onMarkUnread, decision = false, onDecide }: Props) {
  const me = useSelect(app, (s) => s.me!);
  const author = useSelect(app, (s) => post.creator_name ?? userName(s, post.creator));
  const authorZone = useSelect(app, (s) => (s.me?.id === post.creator ? undefined : s.users[post.creator]?.timezone));
  const theirClock = otherZoneClock(post.posted_ts, authorZone);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(post.content);
  const [newTitle, setNewTitle] = useState(title ?? '');
  const mine = post.creator === me.id;

  const save = async () => {
    if (!onEdit || !text.trim() || (title !== undefined && !newTitle.trim())) return;
    if (await onEdit(text, title !== undefined ? newTitle.trim() : undefined)) setEditing(false);
  };

  return (
    <article
      class={`post post-${kind} ${highlighted ? 'is-highlighted' : ''} ${compact && !decision ? 'is-compact' : ''} ${decision ? 'is-decision' : ''}`}
      id={anchorId}
      tabIndex={-1}
      data-nav-item
      aria-label={`${author}, ${absoluteTime(post.posted_ts)}${decision ? ', the decision' : ''}`}
    >
      {compact && !decision ? <span class="avatar-space" aria-hidden="true" /> : <Avatar id={post.creator} name={author} />}
      <div class="post-main">
        <header class="post-header">
          <span class="post-byline">
            <span class="post-author">{author}</span>
            <span class="post-time">
              <Time ts={post.posted_ts} style="post" />
            </span>
            {theirClock && (
              <span class="post-their-time" title={`${author}'s local time when posting (${authorZone})`}>
                {/* One of the two shows: the long words on a wide screen, the short on a phone. */}
                <span class="their-time-long">({theirClock} their time)</span>
                <span class="their-time-short">
                  <Icon name="globe" size={12} /> {theirClock} theirs
                </span>
              </span>
            )}
            {post.last_edited_ts && (
              <span class="post-edited" title={`Edited ${absoluteTime(post.last_edited_ts)}`}>
                (edited)
              </span>
            )}
            {decision && (
              <span class="tag tag-decision">
                <Icon name="decision" size={13} /> Decision
              </span>
            )}
          </span>
          <div class="post-actions">
            <ReactionPicker reactions={post.reactions} me={me.id} onToggle={onReact} />
            {(link || onMarkUnread || onDecide || (mine && (onEdit || onDelete))) && (
              <Popover label="More actions" buttonClass="btn-icon btn-small" button={<Icon name="more" size={16} />}>
                {(close) => (
                  <div class="menu-list">
                    {link && (
                      <button
                        type="button"
                        class="menu-item"
                        onClick={() => {
                          close();
                          void navigator.clipboard?.writeText(new URL(link, location.href).href).then(
                            () => showToast('Link copied'),
                            () => showToast('Could not copy the link'),
                          );
                        }}
                      >
                        Copy link
                      </button>
                    )}
                    {onDecide && (
                      <button type="button" class="menu-item" onClick={() => { close(); onDecide(!decision); }}>
                        {decision ? 'Unmark as decision' : 'Mark as decision'}
                      </button>
                    )}
                    {onMarkUnread && (
                      <button type="button" class="menu-item" onClick={() => { close(); onMarkUnread(); }}>
                        Mark unread from here
                      </button>
                    )}
                    {mine && onEdit && (
                      <button type="button" class="menu-item" onClick={() => { close(); setText(post.content); setNewTitle(title ?? ''); setEditing(true); }}>
                        Edit
                      </button>
                    )}
                    {mine && onDelete && (
                      <button type="button" class="menu-item menu-danger" onClick={() => { close(); onDelete(); }}>
                        Delete…
                      </button>
                    )}
                  </div>
                )}
              </Popover>
            )}
          </div>
        </header>
        {editing ? (
          <form
            class="post-edit"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void save();
              } else if (e.key === 'Escape') {
                e.stopPropagation();
                setEditing(false);
              }
            }}
          >
            {title !== undefined && (
              <label class="field">
                <span class="sr-only">Title</span>
                <input type="text" value={newTitle} maxLength={300} onInput={(e) => setNewTitle(e.currentTarget.value)} />
              </label>
            )}
            <label class="sr-only" for={`edit-${kind}-${post.id}`}>
              Edit your post
            </label>
            <textarea id={`edit-${kind}-${post.id}`} rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} ref={focusOnce} />
            <div class="composer-actions">
              <button type="button" class="btn btn-quiet" onClick={() => setEditing(false)}>
                Cancel
              </button>
              <button type="submit" class="btn btn-primary" disabled={!text.trim()}>
                Save
              </button>
            </div>
          </form>
        ) : (
          <Markdown text={post.content} />
        )}
        <Attachments items={attachmentsOf(post)} />
        <Reactions reactions={post.reactions} me={me.id} onToggle={onReact} />
      </div>
    </article>
  );
}

/** Focuses the edit box when it appears, and only then (not on every keystroke's render). */
function focusOnce(el: HTMLTextAreaElement | null): void {
  if (el && el.dataset.focused !== '1') {
    el.dataset.focused = '1';
    el.focus();
  }
}
