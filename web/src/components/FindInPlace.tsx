// Find inside the open thread or conversation (search/thread, search/conversation): the
// matching posts one by one, newest first, each scrolled to and marked (the focus stays in
// the box, so Enter goes on to the next). A match that is not loaded yet is opened by its
// address (…/c/{id}, …/m/{id}) and shown once it renders.

import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api/client';
import { announce } from '../state/announce';
import { Icon } from './Icon';
import '../styles/find.css';

/** Scrolls to the element of a post and focuses it; answers whether it was on screen. */
export function showPost(anchorId: string): boolean {
  const el = document.getElementById(anchorId);
  if (!el) return false;
  el.scrollIntoView({ block: 'center' });
  el.focus({ preventScroll: true });
  return true;
}

/** Scrolls to a match and marks it, leaving the focus in the find box (Enter: the next). */
function showMatch(anchorId: string): boolean {
  const el = document.getElementById(anchorId);
  if (!el) return false;
  for (const old of document.querySelectorAll('.is-found')) old.classList.remove('is-found');
  el.classList.add('is-found');
  el.scrollIntoView({ block: 'center' });
  return true;
}

/** The match once it renders (after its page loaded), for a few seconds at most. */
function showWhenThere(anchorId: string): void {
  const until = Date.now() + 4000;
  const tick = () => {
    if (showMatch(anchorId) || Date.now() > until) return;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

interface Props {
  /** "Find in this conversation". */
  label: string;
  find: (query: string) => Promise<number[]>;
  /** The element id of a post: "message-12", "comment-7". */
  anchor: (id: number) => string;
  /** Opens a post that is not on screen (by its address). */
  open: (id: number) => void;
  onMatch?: (id: number) => void;
  onClose: () => void;
}

export function FindInPlace({ label, find, anchor, open, onMatch, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<number[] | null>(null);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const jump = (id: number) => {
    onMatch?.(id);
    if (showMatch(anchor(id))) return;
    open(id);
    showWhenThere(anchor(id));
  };
  const run = async () => {
    if (!query.trim()) return;
    try {
      // Newest first: the match nearest the bottom, then back in time.
      const ids = (await find(query.trim())).slice().sort((a, b) => b - a);
      setHits(ids);
      setIndex(0);
      setError(null);
      announce(ids.length === 0 ? 'No matches' : `${ids.length} ${ids.length === 1 ? 'match' : 'matches'}`);
      if (ids[0]) jump(ids[0]);
    } catch (e) {
      setError(describeError(e));
    }
  };
  const go = (step: number) => {
    if (!hits?.length) return;
    const next = (index + step + hits.length) % hits.length;
    setIndex(next);
    jump(hits[next]!);
  };

  return (
    <form
      class="find-bar"
      role="search"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        if (hits && hits.length > 0) go(1);
        else void run();
      }}
    >
      <Icon name="search" size={16} />
      <input
        ref={input}
        type="search"
        aria-label={label}
        placeholder={label}
        value={query}
        autocomplete="off"
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setHits(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      />
      <span class="find-count" role="status">
        {error ?? (hits === null ? '' : hits.length === 0 ? 'No matches' : `${index + 1} of ${hits.length}`)}
      </span>
      <button type="button" class="btn-icon btn-small find-older" aria-label="Older match" title="Older match (Enter)" disabled={!hits?.length} onClick={() => go(1)}>
        <Icon name="back" size={16} />
      </button>
      <button type="button" class="btn-icon btn-small find-newer" aria-label="Newer match" title="Newer match" disabled={!hits?.length} onClick={() => go(-1)}>
        <Icon name="back" size={16} />
      </button>
      <button type="button" class="btn-icon btn-small" aria-label="Close search" title="Close (Esc)" onClick={onClose}>
        <Icon name="close" size={16} />
      </button>
    </form>
  );
}

/** The header button that shows or hides the find bar. */
export function FindToggle({ open, label, onToggle }: { open: boolean; label: string; onToggle: () => void }) {
  return (
    <button type="button" class={`btn-icon find-toggle ${open ? 'is-open' : ''}`} aria-label={label} title={label} aria-expanded={open} onClick={onToggle}>
      <Icon name="search" />
    </button>
  );
}
