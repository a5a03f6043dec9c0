// An open thread is read: when it opens, when a comment arrives while I look at it, and
// when I come back to the tab (not while the tab is hidden — I have not seen it then).

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../api/client';
import type { Thread } from '../../api/types';
import { refreshUnread } from '../../state/app';

export function useMarkRead(thread: Thread | null, setThread: (change: (t: Thread | null) => Thread | null) => void): void {
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  useEffect(() => {
    const changed = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, []);

  const last = thread?.last_obj_index;
  const read = thread?.last_read_obj_index;
  useEffect(() => {
    if (!thread || !visible || last === undefined || read === undefined || read >= last) return;
    call('threads/mark_read', { id: thread.id, obj_index: last })
      .then(() => {
        setThread((t) => (t ? { ...t, last_read_obj_index: Math.max(t.last_read_obj_index, last) } : t));
        void refreshUnread();
      })
      .catch(() => undefined);
  }, [thread?.id, last, visible]);
}
