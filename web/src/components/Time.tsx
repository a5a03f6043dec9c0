import { absoluteTime, postTime, relativeTime } from '../time';

/** A moment shown short ("3 h ago", "14:05"), with the exact time on hover. */
export function Time({ ts, style = 'relative' }: { ts: number; style?: 'relative' | 'post' }) {
  const iso = new Date(ts * 1000).toISOString();
  return (
    <time dateTime={iso} title={absoluteTime(ts)}>
      {style === 'relative' ? relativeTime(ts) : postTime(ts)}
    </time>
  );
}
