// The thread's own actions: save (star), pin, close or reopen, move, mute, mark unread.

import { useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Thread } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { Popover } from '../../components/Popover';
import { SnoozeMenu, type SnoozeChoice } from '../../components/SnoozeMenu';
import { useShortcuts } from '../../keyboard';
import { useSelect } from '../../state/observable';
import { href, navigate } from '../../router';
import { app, patch, refreshUnread, sidebarChannels, withItem } from '../../state/app';
import { announce } from '../../state/announce';
import { showToast } from '../../state/toast';
import { absoluteTime, nowSeconds } from '../../time';

type SetThread = (f: (t: Thread | null) => Thread | null) => void;

export function ThreadMenu({ ws, thread, setThread }: { ws: number; thread: Thread; setThread: SetThread }) {
  const [moving, setMoving] = useState(false);
  const inInbox = useSelect(app, (s) => thread.id in s.inboxIds);
  const muted = !!thread.muted_until_ts && thread.muted_until_ts > nowSeconds();

  /** Applies a change at once and takes it back if the server refuses. */
  const act = async (change: Partial<Thread>, request: () => Promise<unknown>, done: string) => {
    const before = thread;
    setThread((t) => (t ? { ...t, ...change } : t));
    try {
      await request();
      announce(done);
    } catch (e) {
      setThread(() => before);
      announce(`Could not do that: ${describeError(e)}`);
    }
  };

  const star = () =>
    act({ starred: !thread.starred, is_saved: !thread.starred }, () => call(thread.starred ? 'threads/unstar' : 'threads/star', { id: thread.id }), thread.starred ? 'Removed from Saved' : 'Saved');
  const pin = () => act({ pinned: !thread.pinned }, () => call(thread.pinned ? 'threads/unpin' : 'threads/pin', { id: thread.id }), thread.pinned ? 'Unpinned' : 'Pinned to the channel');
  const closeOrReopen = () =>
    act({ closed: !thread.closed }, () => call('comments/add', { thread_id: thread.id, thread_action: thread.closed ? 'reopen' : 'close' }), thread.closed ? 'Thread reopened' : 'Thread closed');
  const mute = (minutes: number) =>
    act({ muted_until_ts: nowSeconds() + minutes * 60 }, () => call('threads/mute', { id: thread.id, minutes }), `Muted until ${absoluteTime(nowSeconds() + minutes * 60)}`);
  const unmute = () => act({ muted_until_ts: undefined }, () => call('threads/unmute', { id: thread.id }), 'Unmuted');
  const markUnread = async () => {
    try {
      await call('threads/mark_unread', { id: thread.id, obj_index: -1 });
      void refreshUnread();
      announce('Marked unread');
      navigate(href.inbox(ws));
    } catch (e) {
      announce(`Could not mark unread: ${describeError(e)}`);
    }
  };

  /** Done or snoozed: out of the inbox, and back to it for the next one. */
  const leaveInbox = async (request: () => Promise<unknown>, done: string, undo: () => Promise<unknown>) => {
    try {
      await request();
      patch({ inboxIds: withItem(app.get().inboxIds, thread.id, undefined) });
      showToast(done, { label: 'Undo', run: () => void undo().then(() => refreshUnread(), (e) => announce(describeError(e))) });
      void refreshUnread();
      navigate(href.inbox(ws));
    } catch (e) {
      announce(`Could not do that: ${describeError(e)}`);
    }
  };
  const done = () => leaveInbox(() => call('inbox/archive', { id: thread.id }), `Done: ${thread.title}`, () => call('inbox/unarchive', { id: thread.id }));
  const snooze = (choice: SnoozeChoice) =>
    leaveInbox(() => call('inbox/snooze', { id: thread.id, ...choice }), 'Snoozed', () => call('inbox/unsnooze', { id: thread.id }));
  useShortcuts({ e: () => (inInbox ? void done() : false) });

  return (
    <>
      {inInbox && (
        <>
          <button type="button" class="btn btn-quiet btn-small" aria-label="Done" title="Done: out of your inbox until something new (e)" onClick={() => void done()}>
            <Icon name="check" size={16} /> <span class="btn-label">Done</span>
          </button>
          <SnoozeMenu label="Snooze this thread" onSnooze={(c) => void snooze(c)} />
        </>
      )}
      <button type="button" class={`btn-icon ${thread.starred ? 'is-on' : ''}`} aria-pressed={thread.starred} aria-label="Save thread" title={thread.starred ? 'Saved — press to remove' : 'Save (star)'} onClick={star}>
        <Icon name="star" />
      </button>
      <Popover label="Thread actions" button={<Icon name="more" />}>
        {(close) => {
          const run = (f: () => unknown) => () => {
            close();
            void f();
          };
          return (
            <div class="menu-list">
              <button type="button" class="menu-item" onClick={run(pin)}>
                <Icon name="pin" size={16} /> {thread.pinned ? 'Unpin' : 'Pin to the channel'}
              </button>
              <button type="button" class="menu-item" onClick={run(closeOrReopen)}>
                <Icon name={thread.closed ? 'undo' : 'check'} size={16} /> {thread.closed ? 'Reopen thread' : 'Close thread'}
              </button>
              <button type="button" class="menu-item" onClick={run(() => setMoving(true))}>
                <Icon name="move" size={16} /> Move to another channel…
              </button>
              {muted ? (
                <button type="button" class="menu-item" onClick={run(unmute)}>
                  <Icon name="bell" size={16} /> Unmute
                </button>
              ) : (
                <>
                  <button type="button" class="menu-item" onClick={run(() => mute(60))}>
                    <Icon name="mute" size={16} /> Mute for an hour
                  </button>
                  <button type="button" class="menu-item" onClick={run(() => mute(24 * 60))}>
                    <Icon name="mute" size={16} /> Mute for a day
                  </button>
                  <button type="button" class="menu-item" onClick={run(() => mute(7 * 24 * 60))}>
                    <Icon name="mute" size={16} /> Mute for a week
                  </button>
                </>
              )}
              <button type="button" class="menu-item" onClick={run(markUnread)}>
                <Icon name="inbox" size={16} /> Mark unread
              </button>
            </div>
          );
        }}
      </Popover>
      {moving && <MoveDialog ws={ws} thread={thread} onClose={() => setMoving(false)} />}
    </>
  );
}

function MoveDialog({ ws, thread, onClose }: { ws: number; thread: Thread; onClose: () => void }) {
  const channels = sidebarChannels(app.get()).filter((c) => c.id !== thread.channel_id);
  const [target, setTarget] = useState<number | ''>(channels[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const move = async () => {
    if (target === '') return;
    try {
      await call('threads/move_to_channel', { id: thread.id, to_channel: target });
      announce('Thread moved');
      onClose();
      navigate(href.thread(ws, target, thread.id), { replace: true });
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <Dialog title="Move thread" onClose={onClose}>
      {channels.length === 0 ? (
        <p class="muted">You are in no other channel to move it to.</p>
      ) : (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void move();
          }}
        >
          <label class="field">
            <span>Move “{thread.title}” to</span>
            <select value={target} onChange={(e) => setTarget(Number(e.currentTarget.value))}>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  #{c.name}
                </option>
              ))}
            </select>
          </label>
          {error && <p class="error-banner" role="alert">{error}</p>}
          <div class="composer-actions">
            <button type="button" class="btn btn-quiet" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary">
              Move
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
