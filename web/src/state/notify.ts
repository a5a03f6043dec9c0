// Desktop notifications for the pushes Weft decides to send (already filtered by the
// recipient's working hours and do-not-disturb on the server). Permission is asked only
// when the person presses the button in their menu, never on load.

import { call } from '../api/client';
import type { StreamEvent } from '../api/types';
import { href, navigate } from '../router';
import { app, conversationTitle } from './app';

interface PushItem {
  notification_id?: number;
  thread_id?: number | null;
  conversation_id?: number | null;
  emergency_id?: number;
  covering_for?: number[];
}

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

export async function askNotificationPermission(): Promise<NotificationPermission> {
  if (!notificationsSupported()) return 'denied';
  return Notification.requestPermission();
}

export function notifyPush(event: StreamEvent): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  // The open, focused tab already shows everything; notify when the person looks elsewhere.
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  const { delivery, items } = event.data as { delivery: string; items: PushItem[] };
  for (const item of (items ?? []).slice(0, 3)) void show(delivery, item, event.workspace_id);
}

async function show(delivery: string, item: PushItem, ws: number): Promise<void> {
  const urgent = delivery === 'urgent' || item.emergency_id !== undefined;
  let title = urgent ? 'Urgent — emergency lane' : 'New in Weft';
  let body = '';
  let target = href.inbox(ws);
  // What the notification is about says more than "new": a reminder, a request to join.
  const reason = urgent || item.notification_id === undefined ? null : await reasonOf(item.notification_id);
  try {
    if (item.thread_id) {
      const thread = await call('threads/getone', { id: item.thread_id });
      const channel = app.get().channels[thread.channel_id];
      if (!urgent) title = channel ? `#${channel.name}` : 'New in a thread';
      body = thread.title;
      target = href.thread(ws, thread.channel_id, thread.id);
    } else if (item.conversation_id) {
      const c = app.get().conversations.find((x) => x.id === item.conversation_id);
      title = c ? conversationTitle(app.get(), c) : 'New message';
      body = c?.snippet ?? '';
      target = href.conversation(ws, item.conversation_id);
    }
  } catch {
    // Still tell them something arrived, without details.
  }
  if (item.covering_for?.length) body = `Covering for a colleague — ${body}`;
  const said = reason ? REASON_TITLES[reason] : undefined;
  if (said) {
    body = body ? `${title}: ${body}` : '';
    title = said;
    if (reason === 'reply_due') target = href.owed(ws);
    if (reason === 'scheduled_not_sent') target = href.scheduled(ws, true);
  }
  const n = new Notification(title, { body, tag: `weft-${item.thread_id ?? item.conversation_id ?? ''}`, requireInteraction: urgent });
  n.onclick = () => {
    window.focus();
    navigate(target);
    n.close();
  };
}

/** Titles of the pushes that are not simply "new in a thread or conversation". */
const REASON_TITLES: Record<string, string> = {
  reply_due: 'Reminder: an answer you were asked for is due soon',
  scheduled_not_sent: 'A post you scheduled could not be sent',
  dri_assigned: 'You are the DRI of a thread: you decide',
  access_requested: 'Someone asked to join a channel',
  access_denied: 'Your request to join a channel was declined',
  added_to_channel: 'You were added to a channel',
  removed_from_channel: 'You were removed from a channel',
};

/** Why a notification was made (its `reason`), from the newest notifications. */
async function reasonOf(id: number): Promise<string | null> {
  try {
    const page = await call('notifications/get', { limit: 50 });
    return page.notifications.find((n) => n.id === id)?.reason ?? null;
  } catch {
    return null;
  }
}
