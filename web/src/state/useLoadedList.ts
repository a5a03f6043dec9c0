// A list a view loads only while it is shown (a tab of it), and loads again when the
// stream says it changed.

import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/client';
import { onLiveEvent } from './live';

export function useLoadedList<T>(
  shown: boolean,
  load: () => Promise<T[]>,
  changedBy: readonly string[],
  deps: readonly unknown[],
): { list: T[] | null; error: string | null } {
  const [list, setList] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!shown) return;
    let live = true;
    const reload = () =>
      load()
        .then((l) => live && setList(l))
        .catch((e) => live && setError(describeError(e)));
    void reload();
    const stop = onLiveEvent((e) => {
      if (changedBy.includes(e.type)) void reload();
    });
    return () => {
      live = false;
      stop();
    };
  }, [shown, ...deps]);
  return { list, error };
}
