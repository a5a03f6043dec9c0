// Search — a placeholder until the search view is built.
// To come here: results of `search` with highlights, filters (channel, person, date),
// and opening a result at its comment (href.thread(ws, channel, thread, comment)).

import { Empty } from '../components/Empty';
import { ViewHeader } from '../components/ViewHeader';

export function SearchView({ query }: { ws: number; query: string }) {
  return (
    <section class="view">
      <ViewHeader title="Search" subtitle={query ? `“${query}”` : undefined} />
      <Empty icon="search" title="Search is coming">
        Full-text search over threads, comments and messages, with filters by channel, person and date, will
        show its results here.
      </Empty>
    </section>
  );
}
