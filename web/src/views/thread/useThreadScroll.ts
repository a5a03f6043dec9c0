// Where an open thread is scrolled: first at the comment asked for, else at the "new"
// divider, else at the newest; earlier pages load as the top comes near and keep what I
// was reading in place; new comments keep the newest in view if I was at the bottom.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Comment } from '../../api/types';

interface Options {
  ready: boolean;
  commentId: number | undefined;
  comments: Comment[];
  pendingCount: number;
  hasEarlier: boolean;
  loadEarlier: () => Promise<void>;
}

export function useThreadScroll({ ready, commentId, comments, pendingCount, hasEarlier, loadEarlier }: Options) {
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  /** Distance from the bottom to keep while an earlier page is added above. */
  const keepBottomGap = useRef<number | null>(null);
  const positioned = useRef(false);
  const atBottom = useRef(true);
  /** Comments that arrived below while I was reading further up. */
  const [newBelow, setNewBelow] = useState(0);
  const seenCount = useRef(0);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!ready || positioned.current || !el) return;
    positioned.current = true;
    const target = (commentId && document.getElementById(`comment-${commentId}`)) || document.getElementById('unread-divider');
    if (target) {
      target.scrollIntoView({ block: commentId ? 'center' : 'start' });
      if (commentId) target.focus({ preventScroll: true });
    } else el.scrollTop = el.scrollHeight;
  }, [ready, comments.length]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && keepBottomGap.current !== null) {
      el.scrollTop = el.scrollHeight - keepBottomGap.current;
      keepBottomGap.current = null;
    }
  }, [comments]);

  const earlier = () => {
    const el = scroller.current;
    if (el) keepBottomGap.current = el.scrollHeight - el.scrollTop;
    void loadEarlier();
  };

  useEffect(() => {
    const el = topSentinel.current;
    if (!el || !hasEarlier) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && positioned.current && earlier(), {
      root: scroller.current,
      rootMargin: '200px 0px 0px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasEarlier, comments[0]?.id]);

  useLayoutEffect(() => {
    const el = scroller.current;
    const newest = comments[comments.length - 1]?.id ?? 0;
    const arrived = positioned.current && keepBottomGap.current === null && newest !== seenCount.current && seenCount.current !== 0;
    seenCount.current = newest;
    if (!el || !positioned.current || keepBottomGap.current !== null) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    else if (arrived) setNewBelow((n) => n + 1);
  }, [comments.length, pendingCount]);

  const onScroll = (e: Event) => {
    const el = e.currentTarget as HTMLElement;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    if (atBottom.current) setNewBelow(0);
  };

  const toNewest = () => {
    const el = scroller.current;
    if (el) el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    setNewBelow(0);
  };

  return { scroller, topSentinel, loadEarlier: earlier, onScroll, newBelow, toNewest };
}
