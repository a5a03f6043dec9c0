// Scheduled: my posts waiting to be sent — when each goes and why then, to edit, send now
// or cancel — and the ones already sent, failed or cancelled. Nobody else sees them.

import { useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { ScheduledPost } from '../api/types';
import { Empty } from '../components/Empty';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { ViewHeader } from '../components/ViewHeader';
import { dueWhen } from '../expectations';
import { href } from '../router';
import { app, conversationTitle, refreshScheduled } from '../state/app';
import { useLoadedList } from '../state/useLoadedList';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';

export function ScheduledView({ ws, finished }: { ws: number; finished: boolean }) {
  const waiting = useSelect(app, (s) => s.scheduled);
  const done = useLoadedList(finished, () => call('scheduled/get', { workspace_id: ws, finished: true }), ['scheduled_updated'], [ws]);
  const list = finished ? done.list : waiting;
  return (
    <section class="view scheduled-view">
      <ViewHeader title="Scheduled" subtitle="Your posts waiting for their time — only you see them until then" />
      <nav class="view-tabs" aria-label="Scheduled: which posts">
        <a class={`tab ${!finished ? 'is-current' : ''}`} href={href.scheduled(ws)} aria-current={!finished ? 'page' : undefined}>
          Waiting{waiting.length > 0 && <span class="count">{waiting.length}</span>}
        </a>
        <a class={`tab ${finished ? 'is-current' : ''}`} href={href.scheduled(ws, true)} aria-current={finished ? 'page' : undefined}>
          Sent and cancelled
        </a>
      </nav>
      {done.error && <p class="error-banner" role="alert">{done.error}</p>}
      {list === null && <ListSkeleton />}
      {list?.length === 0 && (
        <Empty icon="clock" title={finished ? 'Nothing sent later yet' : 'Nothing waiting'}>
          To send something later, write it as usual and pick a time with the clock next to Send — or “their morning”, when
          the working day of the people it goes to starts.
        </Empty>
      )}
      {list && list.length > 0 && (
        <ul class="rows" data-nav-scope aria-label={finished ? 'Sent and cancelled' : 'Waiting to be sent'}>
          {list.map((p) => (
            <ScheduledRow key={p.id} ws={ws} p={p} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where it goes, in words: "#Planning", "reply in “Launch order”", "to Bob Tanaka". */
export function whereWords(p: ScheduledPost): string {
  const s = app.get();
  const channel = p.channel_id != null ? s.channels[p.channel_id] : undefined;
  if (p.kind === 'message') {
    const c = s.conversations.find((x) => x.id === p.conversation_id);
    return c ? `to ${conversationTitle(s, c)}` : 'in a conversation';
  }
  if (p.kind === 'comment') return `reply in #${channel?.name ?? 'channel'}`;
  return `new thread in #${channel?.name ?? 'channel'}`;
}

function placeHref(ws: number, p: ScheduledPost): string {
  if (p.kind === 'message' && p.conversation_id != null) return href.conversation(ws, p.conversation_id, p.posted_id ?? undefined);
  if (p.kind === 'comment' && p.channel_id != null && p.thread_id != null) return href.thread(ws, p.channel_id, p.thread_id, p.posted_id ?? undefined);
  if (p.kind === 'thread' && p.channel_id != null) return p.posted_id != null ? href.thread(ws, p.channel_id, p.posted_id) : href.channel(ws, p.channel_id);
  return href.inbox(ws);
}

function stateWords(p: ScheduledPost): string {
  switch (p.state) {
    case 'scheduled':
      return `Sends ${dueWhen(p.send_at_ts)}${p.send_at === 'recipient_morning' ? ` — ${p.explained}` : ''}`;
    case 'sent':
      return `Sent ${p.sent_ts ? dueWhen(p.sent_ts) : ''}${p.late ? ' (late: Weft was not running at its time)' : ''}`;
    case 'failed':
      return `Not sent: ${p.error ?? 'it could not be posted'}`;
    case 'cancelled':
      return 'Cancelled';
  }
}

function ScheduledRow({ ws, p }: { ws: number; p: ScheduledPost }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(p.post.content);
  const [busy, setBusy] = useState(false);
  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await what();
      showToast(done);
      await refreshScheduled();
      setEditing(false);
    } catch (e) {
      showToast(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const title = p.post.title ?? (p.post.content.split('\n')[0] || 'Message');
  return (
    <li class={`row scheduled-row ${p.state === 'failed' ? 'is-overdue' : ''}`} data-nav-item data-id={p.id} tabIndex={-1}>
      <a class="row-link" href={placeHref(ws, p)} data-nav-open>
        <span class="row-icon" aria-hidden="true">
          <Icon name={p.state === 'failed' ? 'alert' : 'clock'} />
        </span>
        <div class="row-body">
          <div class="row-top">
            <span class="row-title">{title}</span>
          </div>
          <div class="row-meta">
            <span class="row-channel">{whereWords(p)}</span>
            <span class="row-snippet">{stateWords(p)}</span>
          </div>
        </div>
      </a>
      {p.state === 'scheduled' && !editing && (
        <div class="row-actions">
          <button type="button" class="btn btn-small" disabled={busy} onClick={() => void act(() => call('scheduled/update', { id: p.id, send_now: true }), 'Sending now')}>
            Send now
          </button>
          <button type="button" class="btn btn-small btn-quiet" disabled={busy} onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" class="btn btn-small btn-quiet" disabled={busy} onClick={() => void act(() => call('scheduled/cancel', { id: p.id }), 'Cancelled: it will not be sent')}>
            Cancel
          </button>
        </div>
      )}
      {editing && (
        <form
          class="scheduled-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => call('scheduled/update', { id: p.id, content: text }), 'Saved');
          }}
        >
          <label class="sr-only" for={`scheduled-text-${p.id}`}>
            Text
          </label>
          <textarea id={`scheduled-text-${p.id}`} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <div class="scheduled-edit-actions">
            <button type="button" class="btn btn-quiet btn-small" onClick={() => setEditing(false)}>
              Keep as it was
            </button>
            <button type="submit" class="btn btn-primary btn-small" disabled={busy || !text.trim()}>
              Save
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

/** Above the reply box: my replies scheduled here, with a way to them. */
export function ScheduledHere({ ws, thread, conversation }: { ws: number; thread?: number; conversation?: number }) {
  const mine = useSelect(app, (s) => s.scheduled).filter((p) =>
    thread !== undefined ? p.kind === 'comment' && p.thread_id === thread : p.kind === 'message' && p.conversation_id === conversation,
  );
  if (mine.length === 0) return null;
  return (
    <div class="asked-here">
      {mine.map((p) => (
        <div key={p.id} class="asked-banner" role="note">
          <span class="asked-banner-text">
            Your reply “{p.post.content.slice(0, 60)}
            {p.post.content.length > 60 ? '…' : ''}” is scheduled. {stateWords(p)}.
          </span>
          <a class="btn btn-small btn-quiet" href={href.scheduled(ws)}>
            See scheduled
          </a>
        </div>
      ))}
    </div>
  );
}
