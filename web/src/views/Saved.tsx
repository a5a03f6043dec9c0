// Saved: the threads I starred, across the workspace.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import { objects } from '../api/lists';
import type { Thread } from '../api/types';
import { Empty } from '../components/Empty';
import { ThreadRow } from '../components/ThreadRow';
import { ViewHeader } from '../components/ViewHeader';
import { onLiveEvent } from '../state/live';
import { ListSkeleton } from '../components/ListSkeleton';

export function SavedView({ ws }: { ws: number }) {
  const [threads, setThreads] = useState<Thread[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef(new Set<number>());
  shown.current = new Set(threads?.map((t) => t.id));
  useEffect(() => {
    const load = () =>
      call('threads/get', { workspace_id: ws, is_starred: true, limit: 200 })
        .then((list) => setThreads(objects(list)))
        .catch((e) => setError(describeError(e)));
    void load();
    return onLiveEvent((e) => {
      const d = e.data as { id?: number; thread_id?: number; starred?: boolean };
      // My stars come as thread_state_updated; others' changes matter for a thread shown.
      if (e.type === 'thread_state_updated') void load();
      else if ((e.type === 'thread_updated' || e.type === 'thread_deleted') && shown.current.has(d.id ?? -1)) void load();
      else if (e.type === 'comment_added' && shown.current.has(d.thread_id ?? -1)) void load();
    });
  }, [ws]);
  return (
    <section class="view">
      <ViewHeader title="Saved" />
      {error && <p class="error-banner" role="alert">{error}</p>}
      {threads === null && !error && <ListSkeleton />}
      {threads?.length === 0 && (
        <Empty icon="bookmark" title="Nothing saved yet">
          Save a thread with the star in its header to keep it here, whatever happens in your inbox.
        </Empty>
      )}
      {threads && threads.length > 0 && (
        <ul class="rows" data-nav-scope aria-label="Saved threads">
          {threads.map((t) => (
            <ThreadRow key={t.id} ws={ws} thread={t} showChannel />
          ))}
        </ul>
      )}
    </section>
  );
}
