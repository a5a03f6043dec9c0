// Decisions: the log of what was decided, newest first — each thread's decision with its
// thread, channel, who wrote it and who marked it when, and the DRI — searchable (as you
// type), by channel and dates, and exported as Markdown or CSV.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Decision } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { Markdown } from '../components/Markdown';
import { Time } from '../components/Time';
import { ViewHeader } from '../components/ViewHeader';
import { downloadTextFile } from '../download';
import { useShortcuts } from '../keyboard';
import { prerender } from '../markdown';
import { href } from '../router';
import { app, sidebarChannels, userName } from '../state/app';
import { announce } from '../state/announce';
import { onLiveEvent } from '../state/live';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';
import { absoluteTime, fromZoned } from '../time';
import '../styles/deciding.css';

const PAGE = 50;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Filters {
  query: string;
  channel: number | null;
  /** YYYY-MM-DD, in my zone: from the start of that day … */
  from: string;
  /** … to the end of this one. */
  to: string;
  replaced: boolean;
}

/** The start of a day in my zone (or of the next one), as the API's `from`/`to`. */
function dayStart(day: string, next = false): number | null {
  const m = DATE.exec(day);
  if (!m) return null;
  return fromZoned(Number(m[1]), Number(m[2]), Number(m[3]) + (next ? 1 : 0), 0, 0);
}

function params(ws: number, f: Filters) {
  const from = dayStart(f.from);
  const to = dayStart(f.to, true);
  return {
    workspace_id: ws,
    ...(f.query.trim() ? { query: f.query.trim() } : {}),
    ...(f.channel ? { channel_id: f.channel } : {}),
    ...(from !== null ? { from } : {}),
    ...(to !== null ? { to } : {}),
    ...(f.replaced ? { include_replaced: true } : {}),
  };
}

export function DecisionsView({ ws }: { ws: number }) {
  const channelMap = useSelect(app, (s) => s.channels);
  const channels = sidebarChannels({ ...app.get(), channels: channelMap });
  const [text, setText] = useState('');
  const [filters, setFilters] = useState<Filters>({ query: '', channel: null, from: '', to: '', replaced: false });
  const [list, setList] = useState<Decision[] | null>(null);
  const [more, setMore] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<'markdown' | 'csv' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const key = JSON.stringify(filters);

  // Typing searches once it pauses.
  useEffect(() => {
    const timer = window.setTimeout(() => setFilters((f) => (f.query === text ? f : { ...f, query: text })), 250);
    return () => window.clearTimeout(timer);
  }, [text]);

  const load = async (before?: number) => {
    const page = await call('decisions/get', { ...params(ws, filters), limit: PAGE, ...(before ? { before_id: before } : {}) });
    await prerender(page.map((d) => d.content));
    return page;
  };

  useEffect(() => {
    let live = true;
    setError(null);
    const reload = () =>
      load()
        .then((page) => {
          if (!live) return;
          setList(page);
          setMore(page.length >= PAGE);
        })
        .catch((e) => live && setError(describeError(e)));
    void reload();
    // A decision marked, unmarked or replaced changes its thread.
    let timer: number | undefined;
    const stop = onLiveEvent((e) => {
      if (e.type !== 'thread_updated' && e.type !== 'meeting_updated') return;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void reload(), 300);
    });
    return () => {
      live = false;
      window.clearTimeout(timer);
      stop();
    };
  }, [ws, key]);

  useEffect(() => {
    if (list && filters.query) announce(list.length === 0 ? 'No decisions match' : `${list.length}${more ? ' or more' : ''} decisions`);
  }, [list]);

  const loadMore = async () => {
    const last = list?.[list.length - 1];
    if (!last || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await load(last.id);
      setList((l) => [...(l ?? []), ...page.filter((d) => !l?.some((x) => x.id === d.id))]);
      setMore(page.length >= PAGE);
    } catch (e) {
      announce(`Could not load more: ${describeError(e)}`);
    } finally {
      setLoadingMore(false);
    }
  };

  const exportAs = async (format: 'markdown' | 'csv') => {
    setExporting(format);
    try {
      const file = await call('decisions/export', { ...params(ws, filters), format });
      downloadTextFile(file);
      showToast(`Downloaded ${file.file_name}`);
    } catch (e) {
      showToast(`Could not export: ${describeError(e)}`);
    } finally {
      setExporting(null);
    }
  };

  useShortcuts({
    '/': () => {
      input.current?.focus();
      input.current?.select();
    },
  });

  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const filtered = !!(filters.query || filters.channel || filters.from || filters.to);
  const dateError = filters.from && filters.to && filters.from > filters.to ? 'The first day is after the last one.' : null;

  return (
    <section class="view decisions-view">
      <ViewHeader
        title="Decisions"
        subtitle="What was decided, where, by whom — newest first"
        actions={
          <div class="export-buttons" role="group" aria-label="Export">
            <button type="button" class="btn btn-small" disabled={exporting !== null} onClick={() => void exportAs('markdown')} title="Download the decisions shown as a Markdown file">
              <Icon name="download" size={15} />
              <span class="sr-only">Export as </span>Markdown
            </button>
            <button type="button" class="btn btn-small" disabled={exporting !== null} onClick={() => void exportAs('csv')} title="Download the decisions shown as a CSV file (a spreadsheet)">
              <Icon name="download" size={15} />
              <span class="sr-only">Export as </span>CSV
            </button>
          </div>
        }
      />
      <form class="search-bar decisions-bar" role="search" aria-label="Find decisions" onSubmit={(e) => e.preventDefault()}>
        <div class="search-query">
          <Icon name="search" size={16} />
          <label class="sr-only" for="decisions-query">
            Search decisions
          </label>
          <input
            id="decisions-query"
            ref={input}
            type="search"
            placeholder="Search the decisions and their threads’ titles"
            value={text}
            autocomplete="off"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setFilters((f) => ({ ...f, query: text }));
              if (e.key === 'ArrowDown') {
                const first = document.querySelector<HTMLElement>('.decision-log [data-nav-item]');
                if (first) {
                  e.preventDefault();
                  first.focus();
                }
              }
            }}
          />
        </div>
        <fieldset class="search-filters">
          <legend class="sr-only">Filters</legend>
          <label class="search-filter">
            <span>Channel</span>
            <select aria-label="Channel" value={filters.channel ?? ''} onChange={(e) => set({ channel: Number(e.currentTarget.value) || null })}>
              <option value="">All channels</option>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  #{c.name}
                </option>
              ))}
            </select>
          </label>
          <label class="search-filter">
            <span>From</span>
            <input type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.currentTarget.value })} />
          </label>
          <label class="search-filter">
            <span>Until</span>
            <input type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.currentTarget.value })} />
          </label>
          <label class="search-check">
            <input type="checkbox" checked={filters.replaced} onChange={(e) => set({ replaced: e.currentTarget.checked })} />
            <span>Replaced ones too</span>
          </label>
          {filtered && (
            <button
              type="button"
              class="btn btn-quiet btn-small"
              onClick={() => {
                setText('');
                setFilters({ query: '', channel: null, from: '', to: '', replaced: filters.replaced });
              }}
            >
              Clear
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
          {error}
        </p>
      )}
      {list === null && !error && <ListSkeleton />}
      {list !== null && list.length === 0 && (
        filtered ? (
          <Empty icon="search" title="No decision matches">
            <p>Try other words, another channel or other days: every word has to match the decision or its thread’s title.</p>
          </Empty>
        ) : (
          <Empty icon="decision" title="No decisions yet">
            <p>When a thread reaches its decision, its DRI (or its author) marks that comment as the decision, from the comment’s ⋯ menu. Every decision is kept here, with who made it and when.</p>
          </Empty>
        )
      )}
      {list !== null && list.length > 0 && (
        <ul class="decision-log" data-nav-scope aria-label="Decisions">
          {list.map((d) => (
            <DecisionEntry key={d.id} ws={ws} d={d} />
          ))}
        </ul>
      )}
      {more && (
        <div class="list-footer">
          <button type="button" class="btn btn-quiet" onClick={() => void loadMore()} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Older decisions'}
          </button>
        </div>
      )}
    </section>
  );
}

function DecisionEntry({ ws, d }: { ws: number; d: Decision }) {
  const author = useSelect(app, (s) => userName(s, d.author_id));
  const marker = useSelect(app, (s) => userName(s, d.marked_by));
  const dri = useSelect(app, (s) => (d.dri_id != null ? userName(s, d.dri_id) : null));
  const replaced = d.replaced_ts != null;
  return (
    <li class={`decision-entry ${replaced ? 'is-replaced' : ''}`} data-nav-item data-id={d.id} tabIndex={-1}>
      <div class="decision-head">
        <a class="decision-title" href={href.thread(ws, d.channel_id, d.thread_id, d.comment_id)} data-nav-open>
          {d.thread_title}
        </a>
        {replaced && (
          <span class="tag" title={d.replaced_ts ? `Replaced ${absoluteTime(d.replaced_ts)}` : undefined}>
            Replaced
          </span>
        )}
        {d.meeting_id != null && <span class="tag">From a meeting</span>}
        <span class="decision-time">
          <Time ts={d.marked_ts} />
        </span>
      </div>
      <div class="decision-meta">
        <span class="row-channel">#{d.channel_name}</span>
        <span>
          {d.marked_by === d.author_id ? `Decided by ${author}` : `Written by ${author}, marked by ${marker}`}, {absoluteTime(d.marked_ts)}
        </span>
        {dri !== null && d.dri_id != null && (
          <span class="decision-dri">
            <abbr title="Directly responsible individual: the one person who decides">DRI</abbr> <Avatar id={d.dri_id} name={dri} size="sm" /> {dri}
          </span>
        )}
      </div>
      <Markdown text={d.content} class="decision-content" />
    </li>
  );
}
