// Search: threads, comments and messages by their words (the `search` endpoint), with
// filters — where (channels, one channel, conversations), who wrote it, between which
// days, whether it mentions me — kept in the address (?q=…&where=…&from=…&after=…&before=…
// &mentions=1) so a search can be bookmarked and Back works. Matches are highlighted by
// building <mark> elements around the query's words in the plain-text snippet; nothing
// from a result is ever set as HTML.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { components } from '../api/schema';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { Time } from '../components/Time';
import { ViewHeader } from '../components/ViewHeader';
import { useShortcuts } from '../keyboard';
import { href, navigate } from '../router';
import { app, conversationTitle, sidebarChannels, userName } from '../state/app';
import { announce } from '../state/announce';
import { useSelect } from '../state/observable';
import '../styles/search.css';

type SearchResult = components['schemas']['SearchResult'];
const PAGE = 30;

interface Filters {
  /** "" everywhere, "threads", "messages", or "ch:{id}". */
  where: string;
  from: number | null;
  after: string;
  before: string;
  /** Only posts that mention me (then words are optional). */
  mentions: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  const where = p.get('where') ?? '';
  const from = Number(p.get('from'));
  return {
    where: where === 'threads' || where === 'messages' || /^ch:\d+$/.test(where) ? where : '',
    from: Number.isInteger(from) && from > 0 ? from : null,
    after: DATE.test(p.get('after') ?? '') ? p.get('after')! : '',
    before: DATE.test(p.get('before') ?? '') ? p.get('before')! : '',
    mentions: p.get('mentions') === '1',
  };
}

function searchUrl(ws: number, query: string, f: Filters): string {
  const p = new URLSearchParams();
  if (query) p.set('q', query);
  if (f.where) p.set('where', f.where);
  if (f.from) p.set('from', String(f.from));
  if (f.after) p.set('after', f.after);
  if (f.before) p.set('before', f.before);
  if (f.mentions) p.set('mentions', '1');
  const s = p.toString();
  return `/a/${ws}/search${s ? `?${s}` : ''}`;
}

const hasFilters = (f: Filters) => !!(f.where || f.from || f.after || f.before || f.mentions);
const NO_FILTERS: Filters = { where: '', from: null, after: '', before: '', mentions: false };

/** The words the server matches: letters and digits, lower-cased (as its `words()`). */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 16);
}

/** Text with the query's words wrapped in <mark>: built as nodes, never as HTML. */
export function Highlighted({ text, words }: { text: string; words: string[] }) {
  if (words.length === 0) return <>{text}</>;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length).join('|')})`, 'giu');
  const parts = text.split(pattern);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))}</>;
}

export function SearchView({ ws, query }: { ws: number; query: string }) {
  const filters = readFilters(location.search);
  const filterKey = JSON.stringify(filters);
  const channels = useSelect(app, (s) => s.channels);
  const users = useSelect(app, (s) => s.users);
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState(query);
  const input = useRef<HTMLInputElement>(null);
  const words = queryWords(query);

  useEffect(() => setText(query), [query]);
  // The sidebar's box shows what is being searched.
  useEffect(() => {
    const box = document.getElementById('search-box') as HTMLInputElement | null;
    if (box && document.activeElement !== box) box.value = query;
  }, [query]);

  const params = (after: string | null) => {
    const f = filters;
    const channel = f.where.startsWith('ch:') ? Number(f.where.slice(3)) : null;
    return {
      workspace_id: ws,
      query,
      limit: PAGE,
      ...(f.where === 'threads' || channel ? { type: 'threads' as const } : f.where === 'messages' ? { type: 'messages' as const } : {}),
      ...(channel ? { channel_ids: [channel] } : {}),
      ...(f.from ? { author_ids: [f.from] } : {}),
      ...(f.after ? { date_from: f.after } : {}),
      ...(f.before ? { date_to: f.before } : {}),
      ...(f.mentions ? { mention_self: true } : {}),
      ...(after ? { cursor: after } : {}),
    };
  };

  useEffect(() => {
    setResults(null);
    setCursor(null);
    setError(null);
    if (queryWords(query).length === 0 && !filters.mentions) return;
    let live = true;
    call('search', params(null))
      .then((page) => {
        if (!live) return;
        setResults(page.items);
        setCursor(page.has_more ? page.next_cursor_mark ?? null : null);
        announce(page.items.length === 0 ? 'No results' : `${page.items.length}${page.has_more ? ' or more' : ''} results`);
      })
      .catch((e) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [ws, query, filterKey]);

  const more = async () => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await call('search', params(cursor));
      setResults((list) => [...(list ?? []), ...page.items.filter((r) => !list?.some((x) => x.id === r.id))]);
      setCursor(page.has_more ? page.next_cursor_mark ?? null : null);
      announce(`${page.items.length} more results`);
    } catch (e) {
      announce(`Could not load more results: ${describeError(e)}`);
    } finally {
      setLoadingMore(false);
    }
  };

  const setFilters = (change: Partial<Filters>) => navigate(searchUrl(ws, query, { ...filters, ...change }), { replace: true });

  useShortcuts({
    '/': () => {
      input.current?.focus();
      input.current?.select();
    },
  });

  const state = app.get();
  const people = Object.values(users).filter((u) => !u.removed).sort((a, b) => a.name.localeCompare(b.name));
  const myChannels = sidebarChannels({ ...state, channels });
  const dateError = filters.after && filters.before && filters.after > filters.before ? 'The first day is after the last one.' : null;

  return (
    <section class="view" aria-labelledby="view-title">
      <ViewHeader
        title={<span id="view-title">Search</span>}
        subtitle={query ? `“${query}”${filters.mentions ? ', mentioning you' : ''}` : filters.mentions ? 'Mentioning you' : undefined}
      />
      <form
        class="search-bar"
        role="search"
        aria-label="Search Weft"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(searchUrl(ws, text.trim(), filters));
        }}
      >
        <div class="search-query">
          <Icon name="search" size={16} />
          <label class="sr-only" for="search-query">
            Search for
          </label>
          <input
            id="search-query"
            ref={input}
            type="search"
            placeholder="Words to find"
            value={text}
            autocomplete="off"
            aria-describedby="search-keys"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Down from the box goes to the results (then j/k, Enter).
              if (e.key === 'ArrowDown') {
                const first = document.querySelector<HTMLElement>('.search-results [data-nav-item]');
                if (first) {
                  e.preventDefault();
                  first.focus();
                }
              }
            }}
          />
          <span class="sr-only" id="search-keys">
            Down arrow: to the results
          </span>
          <button type="submit" class="btn btn-primary btn-small">
            Search
          </button>
        </div>
        <fieldset class="search-filters">
          <legend class="sr-only">Filters</legend>
          <label class="search-filter">
            <span>In</span>
            <select value={filters.where} onChange={(e) => setFilters({ where: e.currentTarget.value })}>
              <option value="">Everywhere</option>
              <option value="threads">All channels</option>
              <option value="messages">Conversations</option>
              {myChannels.length > 0 && (
                <optgroup label="One channel">
                  {myChannels.map((c) => (
                    <option key={c.id} value={`ch:${c.id}`}>
                      #{c.name}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          </label>
          <label class="search-filter">
            <span>From</span>
            <select value={filters.from ?? ''} onChange={(e) => setFilters({ from: Number(e.currentTarget.value) || null })}>
              <option value="">Anyone</option>
              {people.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.id === state.me?.id ? `${u.name} (you)` : u.name}
                </option>
              ))}
            </select>
          </label>
          <label class="search-filter">
            <span>After</span>
            <input type="date" value={filters.after} max={filters.before || undefined} onChange={(e) => setFilters({ after: e.currentTarget.value })} />
          </label>
          <label class="search-filter">
            <span>Before</span>
            <input type="date" value={filters.before} min={filters.after || undefined} onChange={(e) => setFilters({ before: e.currentTarget.value })} />
          </label>
          <label class="search-check">
            <input type="checkbox" checked={filters.mentions} onChange={(e) => setFilters({ mentions: e.currentTarget.checked })} />
            <span>Mentioning me</span>
          </label>
          {hasFilters(filters) && (
            <button type="button" class="btn btn-quiet btn-small" onClick={() => navigate(searchUrl(ws, query, NO_FILTERS), { replace: true })}>
              Clear filters
            </button>
          )}
        </fieldset>
        {dateError && (
          <p class="field-error" role="alert">
            {dateError}
          </p>
        )}
      </form>

      {error && (
        <p class="error-banner" role="alert">
          Search failed: {error}
        </p>
      )}
      {words.length === 0 && !filters.mentions && (
        <Empty icon="search" title={query ? 'Type a word to search for' : 'Search threads, comments and messages'}>
          <p>Type a few words above and press Enter — or press <kbd>/</kbd> anywhere in Weft to come here.</p>
          <p>Narrow it down by channel, by who wrote it, or by dates — or tick “Mentioning me” for what named you. Open a result with <kbd>j</kbd>/<kbd>k</kbd> and <kbd>Enter</kbd>.</p>
        </Empty>
      )}
      {(words.length > 0 || filters.mentions) && results === null && !error && <ListSkeleton />}
      {results !== null && results.length === 0 && (
        <Empty icon="search" title={query ? `Nothing matches “${query}”` : 'Nothing mentions you here'}>
          <p>Check the spelling, or try fewer or other words: every word has to match.</p>
          {hasFilters(filters) && (
            <p>
              <button type="button" class="btn" onClick={() => navigate(searchUrl(ws, query, NO_FILTERS), { replace: true })}>
                Search everywhere instead
              </button>
            </p>
          )}
        </Empty>
      )}
      {results !== null && results.length > 0 && (
        <>
          <p class="search-count muted" role="status">
            {results.length}
            {cursor ? '+' : ''} {results.length === 1 ? 'result' : 'results'}
          </p>
          <ul class="rows search-results" data-nav-scope aria-label="Search results">
            {results.map((r) => (
              <ResultRow key={r.id} ws={ws} r={r} words={words} />
            ))}
          </ul>
        </>
      )}
      {cursor && (
        <div class="list-footer">
          <button type="button" class="btn btn-quiet" onClick={() => void more()} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'More results'}
          </button>
        </div>
      )}
    </section>
  );
}

function resultHref(ws: number, r: SearchResult): string | null {
  if (r.thread_id && r.channel_id) return href.thread(ws, r.channel_id, r.thread_id, r.comment_id && r.comment_id > 0 ? r.comment_id : undefined);
  if (r.conversation_id) return href.conversation(ws, r.conversation_id, r.message_id ?? undefined);
  return null;
}

function ResultRow({ ws, r, words }: { ws: number; r: SearchResult; words: string[] }) {
  const who = useSelect(app, (s) => userName(s, r.snippet_creator_id));
  const conversation = useSelect(app, (s) => (r.conversation_id ? s.conversations.find((c) => c.id === r.conversation_id) : undefined));
  const title = r.title ?? (conversation ? conversationTitle(app.get(), conversation) : 'Conversation');
  const link = resultHref(ws, r);
  const kind = r.type === 'message' ? 'Message' : r.type === 'comment' ? 'Comment' : 'Thread';
  // A thread matched by its title shows the title as its snippet: say it once.
  const titleMatch = r.type === 'thread' && r.snippet === r.title;
  return (
    <li class="row search-result" data-nav-item tabIndex={-1}>
      <a class="row-link" href={link ?? undefined} data-nav-open>
        <Avatar id={r.snippet_creator_id} name={who} />
        <div class="row-body">
          <div class="row-top">
            <span class="row-title">
              {r.type === 'message' ? <Icon name="chat" size={14} /> : null}
              <Highlighted text={title} words={words} />
            </span>
            {r.closed && <span class="tag">Closed</span>}
            <span class="row-time">
              <Time ts={r.snippet_last_updated_ts} />
            </span>
          </div>
          <div class="row-meta search-meta">
            <span class="row-channel">{r.channel_name ? `#${r.channel_name}` : 'Conversation'}</span>
            <span class="search-snippet">
              <span class="row-who">{who}</span>
              <span class="search-kind"> · {titleMatch ? 'started the thread' : kind.toLowerCase()}</span>
              {!titleMatch && (
                <>
                  {': '}
                  <Highlighted text={r.snippet} words={words} />
                </>
              )}
            </span>
          </div>
        </div>
      </a>
    </li>
  );
}
