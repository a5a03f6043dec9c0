// A thread in a list (a channel, Saved): title, who wrote last and what, when, unread.

import type { Thread } from '../api/types';
import { href } from '../router';
import { app, userName } from '../state/app';
import { useSelect } from '../state/observable';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { Time } from './Time';

export function isThreadUnread(t: Thread): boolean {
  return t.last_read_obj_index < t.last_obj_index;
}

export function ThreadRow({ ws, thread, showChannel = false }: { ws: number; thread: Thread; showChannel?: boolean }) {
  const unread = useSelect(app, (s) => thread.id in s.unreadThreads) || isThreadUnread(thread);
  const channel = useSelect(app, (s) => s.channels[thread.channel_id]);
  const whoId = thread.snippet_creator;
  const who = useSelect(app, (s) => userName(s, whoId, thread.last_comment?.creator_name ?? 'Someone'));
  // The server's one-line snippet of the latest post: Markdown is made into text in one place.
  const snippet = thread.snippet;
  return (
    <li class={`row ${unread ? 'is-unread' : ''}`} data-nav-item data-id={thread.id} tabIndex={-1}>
      <a class="row-link" href={href.thread(ws, thread.channel_id, thread.id)} data-nav-open>
        <Avatar id={whoId} name={who} />
        <div class="row-body">
          <div class="row-top">
            {thread.pinned && (
              <span class="row-flag" title="Pinned">
                <Icon name="pin" size={14} />
                <span class="sr-only">Pinned:</span>
              </span>
            )}
            <span class="row-title">{thread.title}</span>
            {thread.closed ? <span class="tag">Closed</span> : thread.status === 'decided' && <span class="tag tag-ok">Decided</span>}
            <span class="row-time">
              <Time ts={thread.last_updated_ts} />
            </span>
          </div>
          <div class="row-meta">
            {showChannel && <span class="row-channel">#{channel?.name ?? 'channel'}</span>}
            <span class="row-snippet">
              <span class="row-who">{who}:</span> {snippet}
            </span>
            {thread.comment_count > 0 && (
              <span class="row-count" title={`${thread.comment_count} ${thread.comment_count === 1 ? 'comment' : 'comments'}`}>
                <Icon name="chat" size={13} />
                {thread.comment_count}
                <span class="sr-only"> comments</span>
              </span>
            )}
          </div>
        </div>
        {unread && <span class="sr-only">(unread)</span>}
      </a>
    </li>
  );
}
