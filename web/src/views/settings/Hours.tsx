// Working hours (per weekday, one or more blocks; a day without hours is a day off),
// recurring do-not-disturb blocks, and focus now. Notifications reach me only inside my
// hours and outside do-not-disturb — except the emergency lane.

import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { Icon } from '../../components/Icon';
import { absoluteTime } from '../../time';
import { clock, hhmm, minutesOf, SaveStatus, useSave, WEEKDAYS, type Interval, type Schedule } from './shared';

type Block = { start: string; end: string };

/** The API's "24:00" (end of the day) is "00:00" in a time field, and back. */
const fromApi = (t: string) => (t === '24:00' ? '00:00' : t);
const toApi = (start: string, end: string) => (end === '00:00' && start !== '00:00' ? '24:00' : end);
const validBlock = (b: Block) => /^\d{2}:\d{2}$/.test(b.start) && /^\d{2}:\d{2}$/.test(b.end) && minutesOf(b.start) < minutesOf(toApi(b.start, b.end));

function byDay(intervals: Interval[]): Block[][] {
  const days: Block[][] = WEEKDAYS.map(() => []);
  for (const i of intervals.slice().sort((a, b) => a.start.localeCompare(b.start))) days[i.weekday - 1]?.push({ start: i.start, end: fromApi(i.end) });
  return days;
}

function toIntervals(days: Block[][]): Interval[] {
  return days.flatMap((blocks, d) => blocks.map((b) => ({ weekday: d + 1, start: b.start, end: toApi(b.start, b.end) })));
}

interface Props {
  schedule: Schedule;
  setSchedule: (s: Schedule) => void;
}

export function HoursSection({ schedule, setSchedule }: Props) {
  return (
    <>
      <WorkingHours schedule={schedule} setSchedule={setSchedule} />
      <DoNotDisturb schedule={schedule} setSchedule={setSchedule} />
    </>
  );
}

function WorkingHours({ schedule, setSchedule }: Props) {
  const [days, setDays] = useState(() => byDay(schedule.working_hours));
  const save = useSave();
  const change = (d: number, blocks: Block[]) => setDays((all) => all.map((b, i) => (i === d ? blocks : b)));
  const invalid = days.flatMap((blocks, d) => (blocks.some((b) => !validBlock(b)) ? [WEEKDAYS[d]!] : []));
  const working = days.filter((b) => b.length > 0).length;

  const submit = async () => {
    if (invalid.length > 0) return save.fail(`${invalid.join(', ')}: each block has to start before it ends.`);
    await save.run(async () => {
      const updated = await call('schedules/update', { working_hours: toIntervals(days) });
      setSchedule(updated);
      setDays(byDay(updated.working_hours));
    }, 'Working hours saved');
  };

  return (
    <section class="settings-card" aria-labelledby="hours-title">
      <h2 id="hours-title">Working hours</h2>
      <p class="settings-intro">
        Notifications reach you only inside these hours (in your time zone, {schedule.timezone.replace(/_/g, ' ')}); what
        comes outside them waits quietly in your inbox. Colleagues see when you will next be working. A day without hours
        is a day off.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="hours-days">
          {days.map((blocks, d) => {
            const day = WEEKDAYS[d]!;
            const on = blocks.length > 0;
            return (
              <fieldset class={`hours-day ${on ? '' : 'is-off'}`} key={day}>
                <legend class="sr-only">{day}</legend>
                <label class="hours-toggle">
                  <input
                    type="checkbox"
                    checked={on}
                    onChange={(e) => change(d, e.currentTarget.checked ? [{ start: '09:00', end: '17:00' }] : [])}
                  />
                  <span>{day}</span>
                </label>
                <div class="hours-blocks">
                  {!on && <span class="muted hours-off">Day off</span>}
                  {blocks.map((b, j) => (
                    <span class={`hours-block ${validBlock(b) ? '' : 'is-invalid'}`} key={j}>
                      <input
                        type="time"
                        step={300}
                        aria-label={`${day}, from`}
                        value={b.start}
                        aria-invalid={!validBlock(b) || undefined}
                        onChange={(e) => change(d, blocks.map((x, k) => (k === j ? { ...x, start: e.currentTarget.value } : x)))}
                      />
                      <span aria-hidden="true">–</span>
                      <input
                        type="time"
                        step={300}
                        aria-label={`${day}, until`}
                        value={b.end}
                        aria-invalid={!validBlock(b) || undefined}
                        onChange={(e) => change(d, blocks.map((x, k) => (k === j ? { ...x, end: e.currentTarget.value } : x)))}
                      />
                      {blocks.length > 1 && (
                        <button type="button" class="btn-icon btn-small" aria-label={`Remove ${day}’s block ${j + 1}`} title="Remove this block" onClick={() => change(d, blocks.filter((_, k) => k !== j))}>
                          <Icon name="close" size={14} />
                        </button>
                      )}
                    </span>
                  ))}
                  {on && blocks.length < 4 && (
                    <button
                      type="button"
                      class="btn-icon btn-small"
                      aria-label={`Add another block on ${day}`}
                      title="Add another block (e.g. after a break)"
                      onClick={() => {
                        const last = blocks[blocks.length - 1]!;
                        const start = Math.min(minutesOf(toApi(last.start, last.end)) + 60, 22 * 60);
                        change(d, [...blocks, { start: hhmm(start), end: hhmm(Math.min(start + 120, 23 * 60 + 55)) }]);
                      }}
                    >
                      <Icon name="plus" size={14} />
                    </button>
                  )}
                </div>
              </fieldset>
            );
          })}
        </div>
        <p class="settings-hint">An end of {clock('00:00')} means midnight, the end of the day. {working === 0 ? 'With no working day at all, notifications are never pushed.' : ''}</p>
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" disabled={save.saving}>
            Save working hours
          </button>
          <button
            type="button"
            class="btn btn-quiet"
            disabled={days[0]!.length === 0}
            onClick={() => setDays((all) => all.map((b, i) => (i < 5 ? days[0]!.map((x) => ({ ...x })) : b)))}
          >
            Copy Monday to every weekday
          </button>
          <SaveStatus state={save.state} />
        </div>
      </form>
    </section>
  );
}

// --- Do not disturb ---------------------------------------------------------------------

type DndBlock = { days: number[]; start: string; end: string };

/** Weekly blocks with the same times on several days read as one: "Mon–Fri 09:00–10:30". */
function groupDnd(intervals: Interval[]): DndBlock[] {
  const blocks: DndBlock[] = [];
  for (const i of intervals) {
    const end = fromApi(i.end);
    const same = blocks.find((b) => b.start === i.start && b.end === end);
    if (same) same.days = [...same.days, i.weekday].sort();
    else blocks.push({ days: [i.weekday], start: i.start, end });
  }
  return blocks;
}

function DoNotDisturb({ schedule, setSchedule }: Props) {
  const [blocks, setBlocks] = useState(() => groupDnd(schedule.dnd));
  const save = useSave();
  const focus = useSave();
  const change = (i: number, b: DndBlock) => setBlocks((all) => all.map((x, j) => (j === i ? b : x)));
  const now = Math.floor(Date.now() / 1000);
  const ranges = schedule.dnd_ranges.filter((r) => r.to_ts > now);

  const submit = async () => {
    const bad = blocks.findIndex((b) => b.days.length === 0 || !validBlock(b));
    if (bad >= 0) return save.fail(`Block ${bad + 1}: pick at least one day, and a start before its end.`);
    await save.run(async () => {
      const dnd = blocks.flatMap((b) => b.days.map((weekday) => ({ weekday, start: b.start, end: toApi(b.start, b.end) })));
      const updated = await call('schedules/update', { dnd });
      setSchedule(updated);
      setBlocks(groupDnd(updated.dnd));
    }, 'Do-not-disturb blocks saved');
  };

  const focusFor = (minutes: number) =>
    focus.run(async () => setSchedule(await call('schedules/update', { focus_minutes: minutes })), `Focusing for ${minutes < 60 ? `${minutes} minutes` : `${minutes / 60} h`}`);
  const endRange = (from: number) =>
    focus.run(async () => setSchedule(await call('schedules/update', { dnd_ranges: ranges.filter((r) => r.from_ts !== from) })), 'Do not disturb ended');

  return (
    <section class="settings-card" aria-labelledby="dnd-title">
      <h2 id="dnd-title">Do not disturb</h2>
      <p class="settings-intro">
        Recurring focus time: nothing is pushed to you during these blocks, even inside your working hours — only the
        emergency lane gets through.
      </p>

      <div class="focus-now">
        <span class="focus-label">Focus now:</span>
        {[30, 60, 120].map((m) => (
          <button type="button" class="btn btn-small" key={m} disabled={focus.saving} onClick={() => void focusFor(m)}>
            {m < 60 ? `${m} min` : `${m / 60} h`}
          </button>
        ))}
        <SaveStatus state={focus.state} />
      </div>
      {ranges.length > 0 && (
        <ul class="dnd-ranges" aria-label="Do not disturb, one-off">
          {ranges.map((r) => (
            <li key={r.from_ts}>
              <Icon name="mute" size={16} />
              <span>
                {r.from_ts <= now ? 'Now' : absoluteTime(r.from_ts)} until {absoluteTime(r.to_ts)}
              </span>
              <button type="button" class="btn btn-quiet btn-small" onClick={() => void endRange(r.from_ts)}>
                {r.from_ts <= now ? 'End now' : 'Remove'}
              </button>
            </li>
          ))}
        </ul>
      )}

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {blocks.length === 0 && <p class="muted">No recurring blocks. Add one for the hours you keep for deep work.</p>}
        <ul class="dnd-blocks">
          {blocks.map((b, i) => (
            <li class={`dnd-block ${validBlock(b) && b.days.length ? '' : 'is-invalid'}`} key={i}>
              <div class="day-chips" role="group" aria-label={`Block ${i + 1}: days`}>
                {WEEKDAYS.map((day, d) => {
                  const on = b.days.includes(d + 1);
                  return (
                    <button
                      type="button"
                      key={day}
                      class={`day-chip ${on ? 'is-on' : ''}`}
                      aria-pressed={on}
                      aria-label={day}
                      title={day}
                      onClick={() => change(i, { ...b, days: on ? b.days.filter((x) => x !== d + 1) : [...b.days, d + 1].sort() })}
                    >
                      {day.slice(0, 2)}
                    </button>
                  );
                })}
              </div>
              <span class="hours-block">
                <input type="time" step={300} aria-label={`Block ${i + 1}, from`} value={b.start} onChange={(e) => change(i, { ...b, start: e.currentTarget.value })} />
                <span aria-hidden="true">–</span>
                <input type="time" step={300} aria-label={`Block ${i + 1}, until`} value={b.end} onChange={(e) => change(i, { ...b, end: e.currentTarget.value })} />
              </span>
              <span class="muted dnd-summary">{summary(b)}</span>
              <button type="button" class="btn-icon btn-small" aria-label={`Remove block ${i + 1}`} title="Remove this block" onClick={() => setBlocks((all) => all.filter((_, j) => j !== i))}>
                <Icon name="trash" size={16} />
              </button>
            </li>
          ))}
        </ul>
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" disabled={save.saving}>
            Save do-not-disturb
          </button>
          <button type="button" class="btn btn-quiet" onClick={() => setBlocks((all) => [...all, { days: [1, 2, 3, 4, 5], start: '09:00', end: '11:00' }])}>
            <Icon name="plus" size={16} /> Add a block
          </button>
          <SaveStatus state={save.state} />
        </div>
      </form>
    </section>
  );
}

function summary(b: DndBlock): string {
  if (!validBlock(b) || b.days.length === 0) return '';
  const days = b.days.join(',') === '1,2,3,4,5' ? 'Weekdays' : b.days.length === 7 ? 'Every day' : b.days.map((d) => WEEKDAYS[d - 1]!.slice(0, 3)).join(', ');
  return `${days}, ${clock(b.start)}–${clock(toApi(b.start, b.end))}`;
}
