// A conversation's messages, chat-like: grouped by author (a run of messages by one
// person within a few minutes shows their name and avatar once), a line per day, the
// "new" divider at my read position, and my pending messages at the bottom.

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Message } from '../../api/types';
import { Attachments, attachmentsOf } from '../../components/Attachments';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { Markdown } from '../../components/Markdown';
import { Popover } from '../../components/Popover';
import { Time } from '../../components/Time';
import { app, userName } from '../../state/app';
import { useSelect } from '../../state/observable';
import { absoluteTime, dayHeading, postTime, zonedParts } from '../../time';
import { ReactionPicker, Reactions } from '../thread/Reactions';
import type { PendingMessage } from './useConversation';

/** Messages by one person this close together share one header. */
const GROUP_SECONDS = 5 * 60;

interface Group {
  day: string;
  creator: number;
  name: string;
  messages: Message[];
}

const dayOf = (ts: number) => {
  const p = zonedParts(ts);
  return `${p.year}-${p.month}-${p.day}`;
};

export function groupMessages(messages: Message[]): Group[] {
  const groups: Group[] = [];
  const s = app.get();
  for (const m of messages) {
    const last = groups[groups.length - 1];
    const prev = last?.messages[last.messages.length - 1];
    const day = dayOf(m.posted_ts);
    if (last && prev && last.creator === m.creator && last.day === day && m.posted_ts - prev.posted_ts < GROUP_SECONDS) {
      last.messages.push(m);
    } else {
      groups.push({ day, creator: m.creator, name: m.creator_name ?? userName(s, m.creator), messages: [m] });
    }
  }
  return groups;
}

interface ListProps {
  messages: Message[];
  /** The first message after my read position, if any: the divider goes before it. */
  firstUnread: number | undefined;
  highlighted: number | undefined;
  /** A message to open for editing (Up in the empty composer), and its acknowledgement. */
  editing?: number | null;
  onEditing?: () => void;
  onReact: (m: Message, emoji: string, on: boolean) => void;
  onEdit: (m: Message, content: string) => Promise<boolean>;
  onDelete: (m: Message) => void;
}

export function MessageList({ messages, firstUnread, highlighted, editing, onEditing, onReact, onEdit, onDelete }: ListProps) {
  const groups = groupMessages(messages);
  let lastDay = '';
  return (
    <>
      {groups.map((g) => {
        const first = g.messages[0]!;
        const newDay = g.day !== lastDay;
        lastDay = g.day;
        // The divider splits a group when it falls inside one.
        const split = g.messages.findIndex((m) => m.id === firstUnread);
        const parts = split > 0 ? [g.messages.slice(0, split), g.messages.slice(split)] : [g.messages];
        return (
          <Fragment key={first.id}>
            {newDay && (
              <div class="day-divider" role="separator">
                <span>{dayHeading(first.posted_ts)}</span>
              </div>
            )}
            {parts.map((part, i) => (
              <Fragment key={part[0]!.id}>
                {part[0]!.id === firstUnread && (
                  <div class="unread-divider" id="unread-divider" role="separator" tabIndex={-1}>
                    <span>New</span>
                  </div>
                )}
                <div class="msg-group">
                  <Avatar id={g.creator} name={g.name} />
                  <div class="msg-group-main">
                    <header class="msg-group-header">
                      <span class="post-author">{g.name}</span>
                      <span class="post-time">
                        <Time ts={part[0]!.posted_ts} style="post" />
                      </span>
                      {i > 0 && <span class="sr-only">(continued)</span>}
                    </header>
                    {part.map((m, j) => (
                      <ChatMessage
                        key={m.id}
                        showTime={j > 0}
                        message={m}
                        author={g.name}
                        highlighted={m.id === highlighted}
                        startEditing={m.id === editing}
                        onEditing={onEditing}
                        onReact={(emoji, on) => onReact(m, emoji, on)}
                        onEdit={(content) => onEdit(m, content)}
                        onDelete={() => onDelete(m)}
                      />
                    ))}
                  </div>
                </div>
              </Fragment>
            ))}
          </Fragment>
        );
      })}
    </>
  );
}

interface MessageProps {
  message: Message;
  /** A message after the first of its group shows its time on hover, beside it. */
  showTime: boolean;
  author: string;
  highlighted: boolean;
  startEditing: boolean;
  onEditing: (() => void) | undefined;
  onReact: (emoji: string, on: boolean) => void;
  onEdit: (content: string) => Promise<boolean>;
  onDelete: () => void;
}

function ChatMessage({ message: m, showTime, author, highlighted, startEditing, onEditing, onReact, onEdit, onDelete }: MessageProps) {
  const me = useSelect(app, (s) => s.me!);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(m.content);
  const mine = m.creator === me.id;
  useEffect(() => {
    if (!startEditing || !mine) return;
    setText(m.content);
    setEditing(true);
    onEditing?.();
  }, [startEditing]);
  /** Done editing: back to the message box, ready for the next message. */
  const stop = () => {
    setEditing(false);
    document.getElementById(`chat-box-${m.conversation_id}`)?.focus();
  };
  const save = async () => {
    if (!text.trim()) return;
    if (await onEdit(text)) stop();
  };
  return (
    <article
      class={`msg ${highlighted ? 'is-highlighted' : ''}`}
      id={`message-${m.id}`}
      tabIndex={-1}
      data-nav-item
      aria-label={`${author}, ${absoluteTime(m.posted_ts)}`}
    >
      {showTime && (
        <span class="msg-time" aria-hidden="true" title={absoluteTime(m.posted_ts)}>
          {postTime(m.posted_ts)}
        </span>
      )}
      <div class="msg-actions">
        <ReactionPicker reactions={m.reactions} me={me.id} onToggle={onReact} />
        {mine && (
          <Popover label="More actions" buttonClass="btn-icon btn-small" button={<Icon name="more" size={16} />}>
            {(close) => (
              <div class="menu-list">
                <button type="button" class="menu-item" onClick={() => { close(); setText(m.content); setEditing(true); }}>
                  <Icon name="edit" size={16} /> Edit
                </button>
                <button type="button" class="menu-item menu-danger" onClick={() => { close(); onDelete(); }}>
                  <Icon name="trash" size={16} /> Delete…
                </button>
              </div>
            )}
          </Popover>
        )}
      </div>
      {editing ? (
        <form
          class="post-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void save();
            } else if (e.key === 'Escape') {
              e.stopPropagation();
              stop();
            }
          }}
        >
          <label class="sr-only" for={`edit-message-${m.id}`}>
            Edit your message
          </label>
          <textarea id={`edit-message-${m.id}`} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} ref={(el) => {
              if (el && !el.dataset.focused) {
                el.dataset.focused = '1';
                el.focus();
              }
            }} />
          <div class="composer-actions">
            <span class="muted composer-keys">
              <kbd>Enter</kbd> to save · <kbd>Esc</kbd> to cancel
            </span>
            <button type="button" class="btn btn-quiet btn-small" onClick={stop}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary btn-small" disabled={!text.trim()}>
              Save
            </button>
          </div>
        </form>
      ) : (
        <div class="msg-body">
          <Markdown text={m.content} />
          <Attachments items={attachmentsOf(m)} />
          {m.last_edited_ts ? (
            <span class="post-edited" title={`Edited ${absoluteTime(m.last_edited_ts)}`}>
              (edited)
            </span>
          ) : null}
        </div>
      )}
      <Reactions reactions={m.reactions} me={me.id} onToggle={onReact} />
    </article>
  );
}

export function PendingMessages({ pending, onRetry, onDiscard }: { pending: PendingMessage[]; onRetry: (p: PendingMessage) => void; onDiscard: (p: PendingMessage) => void }) {
  const me = useSelect(app, (s) => s.me!);
  if (pending.length === 0) return null;
  return (
    <div class="msg-group is-pending">
      <Avatar id={me.id} name={me.name} />
      <div class="msg-group-main">
        <header class="msg-group-header">
          <span class="post-author">{me.name}</span>
        </header>
        {pending.map((p) => (
          <div key={p.tempId} class={`msg msg-pending ${p.state === 'failed' ? 'is-failed' : ''}`}>
            <Markdown text={p.content} />
            <Attachments items={p.attachments} />
            {p.state === 'sending' ? (
              <div class="msg-status muted">Sending…</div>
            ) : (
              <div class="pending-error" role="alert">
                <span>Not sent: {p.error}</span>
                <button type="button" class="btn btn-small" onClick={() => onRetry(p)}>
                  Retry
                </button>
                <button type="button" class="btn btn-quiet btn-small" onClick={() => onDiscard(p)}>
                  Discard
                </button>
              </div>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
