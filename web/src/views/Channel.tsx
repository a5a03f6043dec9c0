// A channel: its threads (pinned first, then newest activity), and a new thread.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import { objects } from '../api/lists';
import type { Thread } from '../api/types';
import { Empty } from '../components/Empty';
import { Icon } from '../components/Icon';
import { Popover } from '../components/Popover';
import { ThreadRow } from '../components/ThreadRow';
import { ViewHeader } from '../components/ViewHeader';
import { useShortcuts } from '../keyboard';
import { href, navigate } from '../router';
import { app, isMember, patch, refreshUnread, withItem } from '../state/app';
import { announce } from '../state/announce';
import { onLiveEvent } from '../state/live';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';
import { setUi, ui } from '../state/ui';
import { LEVELS, levelTitle, setChannelNotifications } from './channelNotifications';
import { Composer, type Post } from './composer/Composer';
import { ListSkeleton } from '../components/ListSkeleton';
import { askParams } from './composer/AskReply';
import { isScheduled, laterParams, reportScheduled } from './composer/SendLater';
import { reportPosted } from './composer/sharing';
import { JoinRequests, RequestAccess } from './accessRequests';
import { canMakeWebhooks, WebhooksDialog } from './integrations/Webhooks';

const PAGE = 50;

function order(threads: Thread[]): Thread[] {
  return threads.slice().sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.last_updated_ts - a.last_updated_ts);
}

export function ChannelView({ ws, channelId }: { ws: number; channelId: number }) {
  const channel = useSelect(app, (s) => s.channels[channelId]);
  const me = useSelect(app, (s) => s.me);
  const channelsLoaded = useSelect(app, (s) => Object.keys(s.channels).length > 0);
  const [threads, setThreads] = useState<Thread[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [webhooksOpen, setWebhooksOpen] = useState(false);
  const mayWebhooks = useSelect(app, (s) => (s.channels[channelId] ? canMakeWebhooks(s, s.channels[channelId]!) : false));
  const [composing, setComposing] = useState(() => {
    const asked = ui.get().composeIn === channelId;
    if (asked) setUi({ composeIn: null });
    return asked;
  });

  const load = async (older?: number) => {
    try {
      const page = objects(await call('threads/get', { channel_id: channelId, limit: PAGE, ...(older ? { older_than_ts: older } : {}) }));
      setThreads((list) => (older && list ? order([...list, ...page.filter((t) => !list.some((x) => x.id === t.id))]) : order(page)));
      setHasMore(page.length >= PAGE);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };

  useEffect(() => {
    void load();
    return onLiveEvent((event) => {
      const d = event.data as Partial<Thread> & { id?: number; channel_id?: number; thread_id?: number; moved_to?: number };
      switch (event.type) {
        case 'thread_added':
        case 'thread_updated':
          if (d.channel_id !== channelId) return;
          setThreads((list) => {
            if (!list) return list;
            const old = list.find((t) => t.id === d.id);
            // The event carries the thread as its author sees it: keep my own state of it.
            const mine = old ? { starred: old.starred, is_saved: old.is_saved, is_archived: old.is_archived, muted_until_ts: old.muted_until_ts, last_read_obj_index: old.last_read_obj_index } : {};
            const fresh = { ...(d as Thread), ...mine };
            return order([fresh, ...list.filter((t) => t.id !== d.id)]);
          });
          break;
        case 'thread_deleted':
          setThreads((list) => list?.filter((t) => t.id !== d.id) ?? null);
          break;
        case 'thread_state_updated':
          setThreads((list) => list?.map((t) => (t.id === d.thread_id ? { ...t, ...(d as Partial<Thread>) } : t)) ?? null);
          break;
        case 'threads_marked_read':
          void load();
          break;
        case 'comment_added':
          // A reply changes the row (snippet, count, time) but comes without a thread_updated:
          // fetch that one thread, as I see it.
          if (d.channel_id === channelId && d.thread_id) {
            call('threads/getone', { id: d.thread_id })
              .then((fresh) => setThreads((list) => (list ? order([fresh, ...list.filter((t) => t.id !== fresh.id)]) : list)))
              .catch(() => undefined);
          }
          break;
      }
    });
  }, [channelId]);

  useShortcuts({
    c: () => setComposing(true),
    Escape: () => (composing ? setComposing(false) : false),
  });

  if (!channel) {
    if (!channelsLoaded) return <ListSkeleton />;
    return (
      <section class="view">
        <ViewHeader title="No access" />
        <Empty icon="lock" title="You cannot see this channel">
          It is private, or you were removed from it — or it was deleted. <a href={href.inbox(ws)}>Back to your inbox</a>.
        </Empty>
        <RequestAccess ws={ws} channelId={channelId} />
      </section>
    );
  }

  const member = isMember(channel, me);
  const newThread = async (post: Post): Promise<boolean> => {
    try {
      const thread = await call('threads/add', {
        channel_id: channelId,
        title: post.title,
        content: post.content,
        recipients: post.recipients,
        groups: post.groups,
        ...(post.attachments.length ? { attachments: post.attachments } : {}),
        temp_id: Math.floor(Math.random() * 2 ** 31),
        ...(post.urgent ? { urgent: true } : {}),
        ...askParams(post.ask),
        ...laterParams(post.later),
      });
      setComposing(false);
      if (isScheduled(thread)) {
        announce('Thread scheduled');
        reportScheduled(thread);
        return true;
      }
      announce(`Thread “${thread.title}” started`);
      reportPosted(thread);
      navigate(href.thread(ws, channelId, thread.id));
      return true;
    } catch (e) {
      announce(`Could not start the thread: ${describeError(e)}`);
      setError(`Could not start the thread: ${describeError(e)}`);
      return false;
    }
  };

  const toggleFavorite = async () => {
    const path = channel.is_favorited ? 'channels/unfavorite' : 'channels/favorite';
    patch({ channels: withItem(app.get().channels, channel.id, { ...channel, is_favorited: !channel.is_favorited }) });
    try {
      await call(path, { id: channel.id });
    } catch (e) {
      announce(describeError(e));
      patch({ channels: withItem(app.get().channels, channel.id, channel) });
    }
  };

  const markAllRead = async () => {
    try {
      await call('threads/mark_all_read', { channel_id: channel.id });
      setThreads((list) => list?.map((t) => ({ ...t, last_read_obj_index: t.last_obj_index })) ?? null);
      void refreshUnread();
      showToast(`Everything in #${channel.name} is marked read`);
    } catch (e) {
      announce(`Could not mark read: ${describeError(e)}`);
    }
  };

  const leave = async () => {
    if (!window.confirm(`Leave #${channel.name}? ${channel.public ? 'You can join it again from Browse channels.' : 'It is private: someone in it will have to add you back.'}`)) return;
    try {
      await call('channels/leave', { id: channel.id });
      const user_ids = channel.user_ids.filter((id) => id !== me?.id);
      patch({ channels: withItem(app.get().channels, channel.id, channel.public ? { ...channel, user_ids } : undefined) });
      showToast(`You left #${channel.name}`);
      navigate(href.inbox(ws));
    } catch (e) {
      announce(`Could not leave: ${describeError(e)}`);
    }
  };

  const join = async () => {
    try {
      await call('channels/join', { id: channel.id });
      patch({ channels: withItem(app.get().channels, channel.id, { ...channel, user_ids: [...channel.user_ids, me!.id] }) });
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section class="view" aria-labelledby="view-title">
      <ViewHeader
        title={
          <span id="view-title" class="channel-title">
            <Icon name={channel.public ? 'hash' : 'lock'} size={18} />
            {channel.name}
            {channel.emergency && <span class="emergency-tag">urgent lane</span>}
          </span>
        }
        subtitle={channel.description || undefined}
        actions={
          <>
            {member && (
              <button type="button" class={`btn-icon ${channel.is_favorited ? 'is-on' : ''}`} aria-pressed={channel.is_favorited} aria-label="Favourite channel" title={channel.is_favorited ? 'Remove from favourites' : 'Add to favourites'} onClick={toggleFavorite}>
                <Icon name="star" />
              </button>
            )}
            {member && (
              <Popover
                label={`Notifications: ${levelTitle(channel.notifications)}`}
                button={<Icon name={channel.notifications === 'none' ? 'mute' : 'bell'} />}
                buttonClass={`btn-icon ${channel.notifications !== 'all' ? 'is-on' : ''}`}
              >
                {(close) => (
                  <div class="menu-list level-menu" role="group" aria-label={`Notifications from #${channel.name}`}>
                    {LEVELS.map(([level, title, detail]) => (
                      <button
                        key={level}
                        type="button"
                        class={`menu-item level-item ${channel.notifications === level ? 'is-current' : ''}`}
                        aria-pressed={channel.notifications === level}
                        onClick={() => {
                          close();
                          void setChannelNotifications(channel, level);
                        }}
                      >
                        <span class="level-check" aria-hidden="true">
                          {channel.notifications === level && <Icon name="check" size={16} />}
                        </span>
                        <span class="level-text">
                          <span>{title}</span>
                          <span class="muted">{detail}</span>
                        </span>
                      </button>
                    ))}
                  </div>
                )}
              </Popover>
            )}
            {member && (
              <Popover label="Channel actions" button={<Icon name="more" />}>
                {(close) => (
                  <div class="menu-list">
                    <button type="button" class="menu-item" onClick={() => { close(); void markAllRead(); }}>
                      <Icon name="check" size={16} /> Mark all as read
                    </button>
                    {mayWebhooks && (
                      <button type="button" class="menu-item" onClick={() => { close(); setWebhooksOpen(true); }}>
                        <Icon name="globe" size={16} /> Webhooks…
                      </button>
                    )}
                    <button type="button" class="menu-item menu-danger" onClick={() => { close(); void leave(); }}>
                      <Icon name="back" size={16} /> Leave channel
                    </button>
                  </div>
                )}
              </Popover>
            )}
            {member ? (
              <button type="button" class="btn btn-primary btn-new-thread" aria-label="New thread" onClick={() => setComposing(true)} title="New thread (c)">
                <Icon name="plus" size={16} /> <span class="btn-label">New thread</span>
              </button>
            ) : (
              <button type="button" class="btn btn-primary" onClick={join}>
                Join channel
              </button>
            )}
          </>
        }
      />
      {member && <JoinRequests ws={ws} channelId={channelId} />}
      {webhooksOpen && mayWebhooks && <WebhooksDialog channel={channel} onClose={() => setWebhooksOpen(false)} />}
      {composing && (
        <div class="new-thread">
          <Composer
            ws={ws}
            place={`new-thread:${channelId}`}
            channel={channel}
            withTitle
            submitLabel="Start thread"
            autoFocus
            onSend={newThread}
            onCancel={() => setComposing(false)}
          />
        </div>
      )}
      {error && <p class="error-banner" role="alert">{error}</p>}
      {threads === null && !error && <ListSkeleton />}
      {threads?.length === 0 && !composing && (
        <Empty icon="hash" title={`#${channel.name} has no threads yet`}>
          Start one with a clear title, so people can answer in their own time.{' '}
          {member && (
            <button type="button" class="link-button" onClick={() => setComposing(true)}>
              Start a thread
            </button>
          )}
        </Empty>
      )}
      {threads && threads.length > 0 && (
        <ul class="rows" data-nav-scope aria-label={`Threads in ${channel.name}`}>
          {threads.map((t) => (
            <ThreadRow key={t.id} ws={ws} thread={t} />
          ))}
        </ul>
      )}
      {hasMore && threads && (
        <div class="list-footer">
          <button type="button" class="btn btn-quiet" onClick={() => void load(threads[threads.length - 1]!.last_updated_ts)}>
            Show older threads
          </button>
        </div>
      )}
    </section>
  );
}
