// The live event stream (Server-Sent Events at /api/v3/events/stream), with resume.
//
// Each SSE message's id is the event's sequence number. While an EventSource reconnects
// by itself it sends Last-Event-ID; when we have to make a new one (the browser gave up,
// the network came back, the machine woke from sleep) we pass `after=<last seq>`. Either
// way the server sends exactly what we missed; events at or below the last seq we applied
// are dropped, so a doubled delivery never reaches the store twice.

import type { StreamEvent } from './types';

/** Every event type the server emits (the stream names each SSE message by its type, and
 * EventSource only delivers named messages to listeners registered for that name). */
export const EVENT_TYPES = [
  'access_requested', 'access_request_updated',
  'availability_updated',
  'away_reply',
  'channel_added', 'channel_updated', 'channel_deleted', 'channel_user_added', 'channel_user_removed',
  'comment_added', 'comment_updated', 'comment_deleted',
  'conversation_added', 'conversation_updated', 'conversation_state_updated',
  'conversation_user_added', 'conversation_user_removed', 'conversations_marked_read',
  'emergency_raised', 'emergency_acknowledged', 'emergency_escalated',
  'expectation_created', 'expectation_updated', 'expectation_due_soon', 'expectation_overdue', 'expectation_met',
  'group_added', 'group_updated', 'group_deleted', 'group_user_added', 'group_user_removed',
  'inbox_updated',
  'meeting_added', 'meeting_updated',
  'message_added', 'message_updated', 'message_deleted',
  'push',
  'reaction_added', 'reaction_removed',
  'rotation_updated',
  'scheduled_added', 'scheduled_updated',
  'thread_added', 'thread_updated', 'thread_deleted', 'thread_state_updated', 'threads_marked_read',
  'workspace_added', 'workspace_updated', 'workspace_deleted',
  'workspace_user_added', 'workspace_user_invited', 'workspace_user_updated', 'workspace_user_removed',
] as const;

export type StreamStatus = 'connecting' | 'live' | 'offline';

/** After being hidden this long, a visible tab assumes its connection may have died in sleep. */
const STALE_AFTER_HIDDEN_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

export class LiveStream {
  private source: EventSource | null = null;
  private lastSeq: number | null = null;
  private retryTimer: number | undefined;
  private backoff = 1000;
  private hiddenSince: number | null = null;
  private stopped = false;

  /** `after`: the log's head read before the app loaded its data, so that nothing written
   * between that load and the stream's start is missed (anything read twice is harmless:
   * every event applies idempotently). */
  constructor(
    private readonly workspaceId: number,
    private readonly onEvent: (event: StreamEvent) => void,
    private readonly onStatus: (status: StreamStatus) => void,
    after: number | null = null,
  ) {
    this.lastSeq = after;
  }

  start(): void {
    window.addEventListener('online', this.reopen);
    window.addEventListener('offline', this.markOffline);
    document.addEventListener('visibilitychange', this.visibilityChanged);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reopen);
    window.removeEventListener('offline', this.markOffline);
    document.removeEventListener('visibilitychange', this.visibilityChanged);
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
  }

  private open(): void {
    if (this.stopped) return;
    this.source?.close();
    const query = new URLSearchParams({ workspace_id: String(this.workspaceId) });
    if (this.lastSeq !== null) query.set('after', String(this.lastSeq));
    const source = new EventSource(`/api/v3/events/stream?${query}`);
    this.source = source;
    this.onStatus('connecting');
    source.onopen = () => {
      this.backoff = 1000;
      this.onStatus('live');
    };
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. an HTTP error); try again ourselves, from our cursor.
        this.onStatus('offline');
        this.scheduleRetry();
      } else {
        this.onStatus('connecting');
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, this.received);
  }

  private received = (message: Event): void => {
    const { data, lastEventId } = message as MessageEvent<string>;
    const seq = Number(lastEventId);
    if (this.lastSeq !== null && Number.isFinite(seq) && seq <= this.lastSeq) return;
    let event: StreamEvent;
    try {
      event = JSON.parse(data) as StreamEvent;
    } catch {
      return;
    }
    this.lastSeq = Number.isFinite(seq) ? seq : event.seq;
    this.onEvent(event);
  };

  private scheduleRetry(): void {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.open(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  private reopen = (): void => {
    this.backoff = 1000;
    window.clearTimeout(this.retryTimer);
    this.open();
  };

  private markOffline = (): void => this.onStatus('offline');

  private visibilityChanged = (): void => {
    if (document.visibilityState === 'hidden') {
      this.hiddenSince = Date.now();
      return;
    }
    const hiddenFor = this.hiddenSince === null ? 0 : Date.now() - this.hiddenSince;
    this.hiddenSince = null;
    // A connection that slept may look open and be dead; a fresh one resumes from our cursor.
    if (hiddenFor > STALE_AFTER_HIDDEN_MS || this.source?.readyState !== EventSource.OPEN) this.reopen();
  };
}
