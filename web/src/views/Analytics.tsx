// Analytics: is the team calm? For a period (the last 7 or 30 days, this month, or days of
// one's own choosing) the figures docs/working-async.md describes — pushes per working day,
// posts outside working hours, pushes during do-not-disturb, time to answer, threads
// against meetings, meetings without outcomes, emergencies, access requests — each with
// what calm looks like; the period day by day (a hand-drawn chart); for admins each
// person's figures, and anyone's alone. Everyone else sees their own ("My analytics").
// The period and person are kept in the address. "Export CSV" downloads every figure.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { AnalyticsPerson, AnalyticsReport, MeetingRef } from '../api/types';
import {
  count, dayLabel, DEFAULT_PERIOD, duration, everyDay, oneDecimal, percent, period, periodLabel, PERIODS, today, addDays,
  type PeriodKind,
} from '../analytics';
import { Icon } from '../components/Icon';
import { ListSkeleton } from '../components/ListSkeleton';
import { ViewHeader } from '../components/ViewHeader';
import { downloadTextFile } from '../download';
import { href, navigate } from '../router';
import { amAdmin, app, userName } from '../state/app';
import { announce } from '../state/announce';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';
import { dayAndTime } from '../time';
import { DayChart, Heading } from './analytics/DayChart';
import '../styles/analytics.css';

// ---------------------------------------------------------------- the address

interface Query {
  period: PeriodKind;
  /** A custom period's first and last day, "YYYY-MM-DD". */
  from: string;
  until: string;
  /** One person's figures (admins); null: the whole workspace. */
  person: number | null;
}

function readQuery(search: string): Query {
  const p = new URLSearchParams(search);
  const kind = PERIODS.find(([k]) => k === p.get('period'))?.[0] ?? DEFAULT_PERIOD;
  const person = Number(p.get('person'));
  return {
    period: kind,
    from: p.get('from') ?? '',
    until: p.get('until') ?? '',
    person: Number.isInteger(person) && person > 0 ? person : null,
  };
}

function writeQuery(q: Query): string {
  const p = new URLSearchParams();
  if (q.period !== DEFAULT_PERIOD) p.set('period', q.period);
  if (q.period === 'custom') {
    if (q.from) p.set('from', q.from);
    if (q.until) p.set('until', q.until);
  }
  if (q.person) p.set('person', String(q.person));
  return p.toString();
}

// ---------------------------------------------------------------- the page

export function AnalyticsView({ ws }: { ws: number }) {
  const admin = useSelect(app, amAdmin);
  // Whether I am an admin is known once the workspace's people are loaded: until then
  // nothing is asked for (an admin would first get their own figures, then the team's).
  const known = useSelect(app, (s) => !!s.me && s.users[s.me.id] !== undefined);
  const users = useSelect(app, (s) => s.users);
  const workspace = useSelect(app, (s) => s.workspaces.find((w) => w.id === ws));
  const q = readQuery(location.search);
  const person = admin ? q.person : null;
  const p = period(q.period, { first: q.from, last: q.until });
  const periodError = 'error' in p ? p.error : null;
  const params = 'error' in p || !known ? null : { workspace_id: ws, from: p.from, to: p.to, ...(person ? { user_id: person } : {}) };
  const key = params ? JSON.stringify(params) : '';
  const who = person ? userName({ ...app.get(), users }, person, 'Someone') : null;
  const when = 'error' in p ? '' : periodLabel(p.first, p.last);

  const [report, setReport] = useState<AnalyticsReport | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const loadedOnce = useRef(false);

  useEffect(() => {
    if (!params) return;
    let live = true;
    setLoading(true);
    setError(null);
    call('analytics/get', params)
      .then((r) => {
        if (!live) return;
        // Screen readers hear a change of period or person, not the first load.
        if (loadedOnce.current) announce(`Figures for ${who ?? (admin ? 'the whole workspace' : 'you')}, ${when}`);
        loadedOnce.current = true;
        setReport(r);
      })
      .catch((e) => live && setError(describeError(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [key]);

  const go = (change: Partial<Query>) => navigate(href.analytics(ws, writeQuery({ ...q, ...change })), { replace: true });
  const personUrl = (id: number | null) => href.analytics(ws, writeQuery({ ...q, person: id }));

  const exportCsv = async () => {
    if (!params) return;
    setExporting(true);
    try {
      const file = await call('analytics/export', params);
      downloadTextFile(file);
      showToast(`Downloaded ${file.file_name}`);
    } catch (e) {
      showToast(`Could not export: ${describeError(e)}`);
    } finally {
      setExporting(false);
    }
  };

  const members = Object.values(users)
    .filter((u) => !u.bot && !u.removed && !u.deleted && !u.invite_pending)
    .sort((a, b) => a.name.localeCompare(b.name));
  const title = admin ? 'Analytics' : 'My analytics';
  const scope = !admin ? 'Only you see these' : who ?? `${workspace?.name ?? 'The workspace'}, everyone`;
  // While another period or person loads, the figures shown stay (dimmed, aria-busy); a
  // period that cannot be asked for shows none.
  const shown = periodError ? null : report;

  return (
    <section class="view analytics-view">
      <ViewHeader
        title={known ? title : 'Analytics'}
        subtitle={!known ? when : when ? `${scope} · ${when}` : scope}
        actions={
          <button
            type="button"
            class="btn btn-small"
            disabled={exporting || !params}
            onClick={() => void exportCsv()}
            aria-label="Export CSV"
            title="Download every figure, day and person of this period as a CSV file (a spreadsheet)"
          >
            <Icon name="download" size={15} />
            <span class="btn-label">Export CSV</span>
          </button>
        }
      />
      <div class="an-controls" role="group" aria-label="Which figures">
        <label class="search-filter">
          <span>Period</span>
          <select
            aria-label="Period"
            value={q.period}
            onChange={(e) => {
              const kind = e.currentTarget.value as PeriodKind;
              // A custom period starts from the one shown.
              if (kind === 'custom' && !('error' in p)) go({ period: kind, from: q.from || p.first, until: q.until || p.last });
              else go({ period: kind });
            }}
          >
            {PERIODS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {q.period === 'custom' && (
          <>
            <label class="search-filter">
              <span>From</span>
              <input type="date" aria-label="From" value={q.from} max={q.until || today()} onChange={(e) => go({ from: e.currentTarget.value })} />
            </label>
            <label class="search-filter">
              <span>Until</span>
              <input type="date" aria-label="Until" value={q.until} min={q.from || undefined} max={q.from ? addDays(q.from, 365) : undefined} onChange={(e) => go({ until: e.currentTarget.value })} />
            </label>
          </>
        )}
        {admin && (
          <label class="search-filter">
            <span>Person</span>
            <select aria-label="Person" value={person ?? ''} onChange={(e) => go({ person: Number(e.currentTarget.value) || null })}>
              <option value="">Whole workspace</option>
              {members.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                  {u.deactivated ? ' (deactivated)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {periodError && (
          <p class="field-error an-period-error" role="alert">
            {periodError}
          </p>
        )}
      </div>
      {error && (
        <p class="error-banner" role="alert">
          {error}
        </p>
      )}
      {!shown && !error && !periodError && <ListSkeleton />}
      {shown && (
        <div class={`an-body ${loading ? 'is-loading' : ''}`} aria-busy={loading ? 'true' : undefined}>
          <Report ws={ws} r={shown} personUrl={personUrl} />
        </div>
      )}
    </section>
  );
}

// ---------------------------------------------------------------- the figures

type Tone = 'calm' | 'look' | null;

function Card({ id, title, figure, unit, tone, calm, children }: { id: string; title: string; figure: ComponentChildren; unit?: string; tone: Tone; calm: string; children?: ComponentChildren }) {
  return (
    <section class={`an-card ${tone === 'look' ? 'is-look' : ''}`} aria-labelledby={`an-${id}`}>
      <div class="an-card-head">
        <h2 id={`an-${id}`}>{title}</h2>
        {tone === 'calm' && <span class="tag an-tag-calm">Calm</span>}
        {tone === 'look' && <span class="tag an-tag-look">Worth a look</span>}
      </div>
      <p class="an-figure">
        {figure}
        {unit && <span class="an-unit"> {unit}</span>}
      </p>
      {children && <div class="an-detail">{children}</div>}
      <p class="an-calm">
        <span class="an-calm-label">Calm looks like:</span> {calm}
      </p>
    </section>
  );
}

function Report({ ws, r, personUrl }: { ws: number; r: AnalyticsReport; personUrl: (id: number | null) => string }) {
  const one = r.user_id != null;
  const { pushes, posts, answers, emergencies, access_requests: access } = r;
  const days = everyDay(r.days, r.from, r.to, r.timezone);
  const lastDay = days[days.length - 1]?.date ?? '';
  const label = days.length ? periodLabel(days[0]!.date, lastDay) : '';
  const totalPosts = days.reduce((n, d) => n + d.posts, 0);
  const totalOutside = days.reduce((n, d) => n + d.posts_outside_working_hours, 0);
  const totalPushes = days.reduce((n, d) => n + d.pushes, 0);
  const busiest = days.reduce<(typeof days)[number] | null>((b, d) => (d.posts > (b?.posts ?? 0) ? d : b), null);
  const summary =
    `Posts and pushes day by day, ${label}: ${count(totalPosts, 'post')} (${totalOutside} outside working hours) and ${count(totalPushes, 'push', 'pushes')}` +
    (busiest ? `; most posts on ${dayLabel(busiest.date)} (${busiest.posts}).` : '.');

  const otherDnd = pushes.during_dnd - pushes.during_dnd_urgent;
  const onTimeShare = answers.answered > 0 ? answers.on_time / answers.answered : null;
  const withoutOutcomes = r.meetings_without_outcomes_count;

  return (
    <>
      <div class="an-cards">
        <Card
          id="pushes"
          title={one ? 'Pushes per working day' : 'Pushes per person per working day'}
          figure={pushes.working_days > 0 ? oneDecimal(pushes.per_person_per_working_day) : '—'}
          tone={pushes.working_days === 0 ? null : pushes.per_person_per_working_day > 10 ? 'look' : 'calm'}
          calm="a handful. Many more means people are being pulled out of their work."
        >
          <p>
            {count(pushes.total, 'push', 'pushes')} in {count(pushes.working_days, 'working day')}
            {!one && ` (${count(r.people, 'person', 'people')})`} · {pushes.urgent} urgent
          </p>
        </Card>
        <Card
          id="outside"
          title="Posts outside working hours"
          figure={posts.total > 0 ? percent(posts.share_outside) : '—'}
          tone={posts.total === 0 ? null : posts.share_outside > 0.25 ? 'look' : 'calm'}
          calm="a low share. A high one means people feel they must answer at night; scheduled send helps."
        >
          <p>{posts.total > 0 ? `${posts.outside_working_hours} of ${count(posts.total, 'post')}, by the writer’s own hours` : 'No posts in this period'}</p>
        </Card>
        <Card
          id="dnd"
          title="Pushes during do-not-disturb"
          figure={pushes.during_dnd}
          tone={otherDnd > 0 ? 'look' : pushes.total > 0 ? 'calm' : null}
          calm="only emergencies. Anything else means quiet delivery is being bypassed."
        >
          <p>
            {pushes.during_dnd_urgent} urgent · {otherDnd} other
          </p>
        </Card>
        <Card
          id="answers"
          title="Time to answer"
          figure={answers.answered > 0 ? duration(answers.median_minutes) : '—'}
          unit={answers.answered > 0 ? 'median' : undefined}
          tone={answers.asked === 0 ? null : answers.overdue_open > 0 || (onTimeShare !== null && onTimeShare < 0.8) ? 'look' : 'calm'}
          calm="within the expected response time. Overdue answers are a sign of overload."
        >
          {answers.answered > 0 && (
            <p>
              90th percentile {duration(answers.p90_minutes)} · in working time: median {duration(answers.median_working_minutes)}, 90th percentile{' '}
              {duration(answers.p90_working_minutes)}
            </p>
          )}
          <p>
            {answers.asked === 0
              ? 'No answers asked for in this period'
              : `${answers.answered} of ${answers.asked} asked answered` +
                (onTimeShare !== null ? `, ${answers.on_time} on time (${percent(onTimeShare)})` : '') +
                ` · ${answers.overdue_open} overdue, still open`}
          </p>
        </Card>
        <Card
          id="threads"
          title="Threads and meetings"
          figure={
            <>
              {r.threads}
              <span class="an-unit"> {r.threads === 1 ? 'thread' : 'threads'}</span> · {r.meetings}
              <span class="an-unit"> {r.meetings === 1 ? 'meeting' : 'meetings'}</span>
            </>
          }
          tone={r.threads + r.meetings === 0 ? null : r.meetings > 0 && r.threads < 2 * r.meetings ? 'look' : 'calm'}
          calm="many more threads than meetings."
        >
          <p>
            {r.meetings > 0
              ? `${oneDecimal(r.threads / r.meetings)} threads for every meeting`
              : r.threads > 0
                ? 'No meetings: everything was written down'
                : 'Nothing started in this period'}
          </p>
        </Card>
        <Card
          id="outcomes"
          title="Meetings without outcomes"
          figure={withoutOutcomes}
          tone={withoutOutcomes > 0 ? 'look' : r.meetings > 0 ? 'calm' : null}
          calm="none. A meeting nobody wrote up is lost to everyone who was not there."
        >
          {withoutOutcomes === 0 ? (
            <p>{r.meetings > 0 ? 'Every meeting’s outcomes were written down' : 'No meetings in this period'}</p>
          ) : (
            <MeetingsWithoutOutcomes ws={ws} refs={r.meetings_without_outcomes} total={withoutOutcomes} />
          )}
        </Card>
        <Card
          id="emergencies"
          title="Emergencies"
          figure={emergencies.raised}
          tone={emergencies.raised === 0 ? 'calm' : emergencies.acknowledged < emergencies.raised || (emergencies.median_ack_minutes ?? 0) > 60 ? 'look' : 'calm'}
          calm="rare, and acknowledged quickly."
        >
          <p>
            {emergencies.raised === 0
              ? 'None in this period'
              : `${emergencies.acknowledged} acknowledged` +
                (emergencies.median_ack_minutes != null
                  ? ` · ${duration(emergencies.median_ack_minutes)} to acknowledge (median), ${duration(emergencies.p90_ack_minutes)} (90th percentile)`
                  : '')}
          </p>
        </Card>
        <Card
          id="access"
          title="Access requests"
          figure={access.requested}
          tone={access.requested === 0 ? null : (access.median_grant_minutes ?? 0) >= 24 * 60 ? 'look' : 'calm'}
          calm="granted within hours, not days."
        >
          <p>
            {access.requested === 0
              ? 'None in this period'
              : `${access.granted} granted, ${access.denied} denied, ${access.pending} pending` +
                (access.median_grant_minutes != null
                  ? ` · ${duration(access.median_grant_minutes)} to grant (median), ${duration(access.p90_grant_minutes)} (90th percentile)`
                  : '')}
          </p>
        </Card>
      </div>

      <section class="an-section" aria-labelledby="an-days">
        <h2 id="an-days" class="an-section-title">
          Day by day
        </h2>
        <p class="an-section-note muted">
          {totalPosts + totalPushes === 0 ? 'Nothing was posted or pushed in this period. ' : ''}
          Days in your time zone ({r.timezone}).
        </p>
        <DayChart days={days} summary={summary} />
      </section>

      {!one && r.by_person.length > 0 && <People people={r.by_person} personUrl={personUrl} />}
    </>
  );
}

// ---------------------------------------------------------------- meetings without outcomes

/** Channels of agenda threads not among my meetings, looked up once per thread (the report
 * names only the thread); null: not one I can see. */
const agendaChannels = new Map<number, number | null>();

function MeetingsWithoutOutcomes({ ws, refs, total }: { ws: number; refs: MeetingRef[]; total: number }) {
  const [, setLoaded] = useState(0);
  const meetings = useSelect(app, (s) => s.meetings);
  const channelOf = (threadId: number | undefined): number | null | undefined => {
    if (threadId == null) return null;
    const m = meetings.find((x) => x.thread_id === threadId);
    return m?.channel_id ?? agendaChannels.get(threadId);
  };
  const missing = refs.map((m) => m.thread_id).filter((id): id is number => id != null && channelOf(id) === undefined);
  const missingKey = missing.join(',');
  useEffect(() => {
    if (missing.length === 0) return;
    let live = true;
    void Promise.all(
      missing.map((id) =>
        call('threads/getone', { id })
          .then((t) => agendaChannels.set(id, t.channel_id))
          .catch(() => agendaChannels.set(id, null)),
      ),
    ).then(() => live && setLoaded((n) => n + 1));
    return () => {
      live = false;
    };
  }, [missingKey]);
  const organizer = (id: number) => userName(app.get(), id, 'Someone');

  return (
    <>
      <ul class="an-meetings" aria-label="Meetings without outcomes">
        {refs.map((m) => {
          const channel = channelOf(m.thread_id);
          return (
            <li key={m.id}>
              {channel != null && m.thread_id != null ? <a href={href.thread(ws, channel, m.thread_id)}>{m.title}</a> : <span class="an-meeting-title">{m.title}</span>}
              <span class="muted">
                {' '}
                · ended {dayAndTime(m.ends_ts)} · {organizer(m.organizer_id)}
              </span>
            </li>
          );
        })}
      </ul>
      {total > refs.length && <p class="muted">and {total - refs.length} more</p>}
    </>
  );
}

// ---------------------------------------------------------------- each person

type Column = 'name' | 'per_day' | 'dnd' | 'posts' | 'outside';

/** Each column: its key, its heading, and what a phone shows instead (the heading stays
 * the name screen readers hear). */
const COLUMNS: Array<[Column, string, string?]> = [
  ['name', 'Person'],
  ['per_day', 'Pushes per working day', 'Pushes a day'],
  ['dnd', 'Pushes during do-not-disturb', 'In DND'],
  ['posts', 'Posts'],
  ['outside', 'Outside working hours', 'Outside hours'],
];

function People({ people, personUrl }: { people: AnalyticsPerson[]; personUrl: (id: number | null) => string }) {
  const users = useSelect(app, (s) => s.users);
  // Null: the server's order (most pushes per working day first).
  const [sort, setSort] = useState<{ by: Column; descending: boolean } | null>(null);
  const name = (id: number) => userName({ ...app.get(), users }, id, 'Former member');
  const outside = (p: AnalyticsPerson) => (p.posts > 0 ? p.posts_outside_working_hours / p.posts : -1);
  const value = (p: AnalyticsPerson, c: Column): number | string =>
    c === 'name' ? name(p.user_id) : c === 'per_day' ? p.pushes_per_working_day : c === 'dnd' ? p.pushes_during_dnd : c === 'posts' ? p.posts : outside(p);
  const rows = sort
    ? [...people].sort((a, b) => {
        const x = value(a, sort.by);
        const y = value(b, sort.by);
        const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
        return sort.descending ? -order : order;
      })
    : people;

  return (
    <section class="an-section" aria-labelledby="an-people">
      <h2 id="an-people" class="an-section-title">
        By person
      </h2>
      <p class="an-section-note muted">{sort ? 'Sorted by the column marked.' : 'Most pushes per working day first.'} A name shows that person’s figures alone.</p>
      <div class="an-table-scroll" tabIndex={0} role="region" aria-label="Each person’s figures">
        <table class="an-table an-people-table">
          <thead>
            <tr>
              {COLUMNS.map(([c, label, short]) => {
                const on = sort?.by === c;
                const mark = (
                  <span class="an-sort-mark" aria-hidden="true">
                    {on ? (sort!.descending ? '↓' : '↑') : ''}
                  </span>
                );
                return (
                  <th key={c} scope="col" aria-sort={on ? (sort!.descending ? 'descending' : 'ascending') : undefined}>
                    <button
                      type="button"
                      class="an-sort"
                      onClick={() => setSort(on ? { by: c, descending: !sort!.descending } : { by: c, descending: c !== 'name' })}
                    >
                      {/* The mark goes on the side away from the figures (they are right-aligned). */}
                      {c !== 'name' && mark}
                      <span>
                        <Heading label={label} short={short} />
                      </span>
                      {c === 'name' && mark}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody data-nav-scope>
            {rows.map((p) => (
              <tr key={p.user_id} data-nav-item data-id={p.user_id} tabIndex={-1}>
                <th scope="row">
                  <a href={personUrl(p.user_id)} data-nav-open>
                    {name(p.user_id)}
                  </a>
                </th>
                <td title={`${count(p.pushes, 'push', 'pushes')} in ${count(p.working_days, 'working day')}`}>{p.working_days > 0 ? oneDecimal(p.pushes_per_working_day) : '—'}</td>
                <td>{p.pushes_during_dnd}</td>
                <td>{p.posts}</td>
                <td title={p.posts > 0 ? `${p.posts_outside_working_hours} of ${count(p.posts, 'post')}` : undefined}>{p.posts > 0 ? percent(outside(p)) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
