// The period day by day, drawn by hand in SVG (no charting library): a bar of posts per
// day, the part written outside working hours stacked on top in amber, and a line of
// pushes. Every day of the period has its place, quiet ones at zero. Colours are CSS
// variables, so light and dark follow the app. A long period scrolls sideways (the axis
// stays), latest days in view. For screen readers the chart is one image with a summary,
// and the numbers are a table under "The numbers, day by day".

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AnalyticsDay } from '../../api/types';
import { count, dayLabel } from '../../analytics';

const HEIGHT = 200;
const TOP = 12;
const BOTTOM = 28;
const AXIS = 34;
/** The narrowest a day gets before the chart scrolls. */
const MIN_SLOT = 10;
const MAX_BAR = 28;

/** A round step for about four gridlines up to `max` (counts: at least 1). */
function niceStep(max: number): number {
  const raw = max / 4;
  if (raw <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** "Tue 1 Dec: 4 posts (1 outside working hours), 2 pushes (1 during do-not-disturb)". */
export function dayWords(d: AnalyticsDay): string {
  const outside = d.posts_outside_working_hours ? ` (${d.posts_outside_working_hours} outside working hours)` : '';
  const dnd = d.pushes_during_dnd ? ` (${d.pushes_during_dnd} during do-not-disturb)` : '';
  return `${dayLabel(d.date)}: ${count(d.posts, 'post')}${outside}, ${count(d.pushes, 'push', 'pushes')}${dnd}`;
}

/** A heading, shortened on a phone. */
export function Heading({ label, short }: { label: string; short?: string | undefined }) {
  if (!short) return <>{label}</>;
  return (
    <>
      <span class="an-long">{label}</span>
      <span class="an-short" aria-hidden="true">
        {short}
      </span>
    </>
  );
}

export function DayChart({ days, summary }: { days: AnalyticsDay[]; summary: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const n = Math.max(1, days.length);
  const room = width || 640;
  const slot = Math.max(MIN_SLOT, room / n);
  const plotWidth = Math.max(room, Math.ceil(slot * n));
  const scrolls = slot * n > room + 1;

  // The latest days are the ones people look for first.
  useEffect(() => {
    const el = scroller.current;
    if (el && scrolls) el.scrollLeft = el.scrollWidth;
  }, [days, scrolls]);

  const max = Math.max(0, ...days.map((d) => Math.max(d.posts, d.pushes)));
  const step = niceStep(max);
  // An empty period still gets a scale (0 to 4), so its flat line reads as "nothing".
  const yTop = max === 0 ? 4 : step * Math.ceil(max / step);
  const ticks: number[] = [];
  for (let v = 0; v <= yTop; v += step) ticks.push(v);
  const inner = HEIGHT - TOP - BOTTOM;
  const y = (v: number) => TOP + (1 - v / yTop) * inner;
  const bar = Math.max(4, Math.min(slot * 0.62, MAX_BAR));
  const dots = slot >= 14;

  // Day labels: every day when there is room, else every k-th; the month where it changes.
  const wide = slot >= 74;
  const every = wide ? 1 : Math.ceil(42 / slot);
  const labels = days.map((d, i) => {
    if (i % every !== 0) return null;
    if (wide) return dayLabel(d.date);
    const previous = i >= every ? days[i - every] : undefined;
    const newMonth = !previous || previous.date.slice(0, 7) !== d.date.slice(0, 7);
    return newMonth ? dayLabel(d.date, { day: 'numeric', month: 'short' }) : dayLabel(d.date, { day: 'numeric' });
  });
  const center = (i: number) => (i + 0.5) * slot;
  /** Where a day's label goes: under its day, kept inside the chart at either end. */
  const labelAt = (i: number, text: string): { x: number; anchor: 'start' | 'middle' | 'end' } => {
    const half = text.length * 3.4;
    if (center(i) - half < 0) return { x: 1, anchor: 'start' };
    if (center(i) + half > plotWidth) return { x: plotWidth - 1, anchor: 'end' };
    return { x: center(i), anchor: 'middle' };
  };
  const line = days.map((d, i) => `${center(i).toFixed(1)},${y(d.pushes).toFixed(1)}`).join(' ');

  return (
    <figure class="an-chart">
      <div class="an-chart-frame">
        <svg class="an-axis" width={AXIS} height={HEIGHT} aria-hidden="true" focusable="false">
          {ticks.map((v) => (
            <text key={v} x={AXIS - 6} y={y(v)} dy="0.32em" text-anchor="end">
              {v}
            </text>
          ))}
        </svg>
        <div
          class="an-chart-scroll"
          ref={scroller}
          tabIndex={scrolls ? 0 : undefined}
          role={scrolls ? 'group' : undefined}
          aria-label={scrolls ? 'The chart, scrolls sideways' : undefined}
        >
          <svg class="an-plot" width={plotWidth} height={HEIGHT} viewBox={`0 0 ${plotWidth} ${HEIGHT}`} role="img" aria-label={summary}>
            {ticks.map((v) => (
              <line key={v} class={v === 0 ? 'an-baseline' : 'an-grid'} x1={0} x2={plotWidth} y1={y(v)} y2={y(v)} />
            ))}
            {days.map((d, i) => {
              const inHours = d.posts - d.posts_outside_working_hours;
              return (
                <g key={d.date} class="an-day" data-date={d.date}>
                  <title>{dayWords(d)}</title>
                  <rect class="an-hit" x={i * slot} y={TOP} width={slot} height={inner} />
                  {inHours > 0 && <rect class="an-bar-posts" x={center(i) - bar / 2} y={y(d.posts - d.posts_outside_working_hours)} width={bar} height={y(0) - y(inHours)} />}
                  {d.posts_outside_working_hours > 0 && (
                    <rect class="an-bar-outside" x={center(i) - bar / 2} y={y(d.posts)} width={bar} height={y(0) - y(d.posts_outside_working_hours)} />
                  )}
                  {labels[i] != null && (
                    <text class="an-xlabel" x={labelAt(i, labels[i]!).x} y={HEIGHT - 9} text-anchor={labelAt(i, labels[i]!).anchor}>
                      {labels[i]}
                    </text>
                  )}
                </g>
              );
            })}
            {days.length > 1 && <polyline class="an-line-pushes" points={line} />}
            {/* A dot on each day with pushes (where there is room), ringed red when some came
                during do-not-disturb. */}
            {days.map((d, i) =>
              d.pushes > 0 && (dots || d.pushes_during_dnd > 0 || days.length === 1) ? (
                <circle key={d.date} class={`an-dot-pushes ${d.pushes_during_dnd ? 'is-dnd' : ''}`} cx={center(i)} cy={y(d.pushes)} r={d.pushes_during_dnd ? 4 : 3} />
              ) : null,
            )}
          </svg>
        </div>
      </div>
      <figcaption class="an-legend">
        <span class="an-key">
          <span class="an-swatch an-swatch-posts" aria-hidden="true" /> Posts in working hours
        </span>
        <span class="an-key">
          <span class="an-swatch an-swatch-outside" aria-hidden="true" /> Posts outside working hours
        </span>
        <span class="an-key">
          <span class="an-swatch an-swatch-pushes" aria-hidden="true" /> Pushes
        </span>
        <span class="an-key">
          <span class="an-swatch an-swatch-dnd" aria-hidden="true" /> Some pushes during do-not-disturb
        </span>
      </figcaption>
      <details class="an-numbers">
        <summary>The numbers, day by day</summary>
        <div class="an-table-scroll">
          <table class="an-table an-day-table">
            <caption class="sr-only">Posts and pushes day by day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Posts</th>
                <th scope="col">
                  <Heading label="Outside working hours" short="Outside hours" />
                </th>
                <th scope="col">Pushes</th>
                <th scope="col">
                  <Heading label="During do-not-disturb" short="In DND" />
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.date}>
                  <th scope="row">{dayLabel(d.date)}</th>
                  <td>{d.posts}</td>
                  <td>{d.posts_outside_working_hours}</td>
                  <td>{d.pushes}</td>
                  <td>{d.pushes_during_dnd}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
