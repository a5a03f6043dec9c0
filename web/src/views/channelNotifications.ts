// How much of a channel's activity notifies me: one list of levels in my words, and one
// way to change it (optimistic, put back if the server refuses), shared by the channel's
// header and the settings page.

import { call, describeError } from '../api/client';
import type { Channel } from '../api/types';
import { announce } from '../state/announce';
import { app, patch, withItem } from '../state/app';
import { showToast } from '../state/toast';

export type Level = Channel['notifications'];

export const LEVELS: Array<[Level, string, string]> = [
  ['all', 'All notifications', 'Every post that notifies you: by name, by a group or everyone in the thread or channel.'],
  ['direct', 'Only when named', 'Posts that @mention you or pick you. Posts to a group or to everyone reach your inbox quietly.'],
  ['none', 'Nothing', 'No notifications and nothing new in your inbox. Urgent posts in an emergency channel still reach you.'],
];

export function levelTitle(level: Level): string {
  return LEVELS.find(([l]) => l === level)?.[1] ?? 'All notifications';
}

export async function setChannelNotifications(channel: Channel, level: Level): Promise<boolean> {
  if (channel.notifications === level) return true;
  patch({ channels: withItem(app.get().channels, channel.id, { ...channel, notifications: level }) });
  try {
    await call('channels/set_notifications', { id: channel.id, level });
    showToast(`#${channel.name}: ${levelTitle(level).toLowerCase()}`);
    return true;
  } catch (e) {
    const current = app.get().channels[channel.id];
    if (current) patch({ channels: withItem(app.get().channels, channel.id, { ...current, notifications: channel.notifications }) });
    announce(`Could not change notifications for #${channel.name}: ${describeError(e)}`);
    showToast(`Could not change notifications for #${channel.name}: ${describeError(e)}`);
    return false;
  }
}
