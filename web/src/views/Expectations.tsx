// Owed and Waiting: the answers I was asked for and have not given, and the answers I asked
// for and wait for — open (not yet due), overdue, done. Due times count the working hours
// of the person asked; I see them in my own time.

import { useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { Expectation } from '../api/types';
import { Avatar } from '../components/Avatar';
import { Empty } from '../components/Empty';
import { ListSkeleton } from '../components/ListSkeleton';
import { ViewHeader } from '../components/ViewHeader';
import { questionHref, standing, whoWords } from '../expectations';
import { meetingOfThread } from '../meetings';
import { href, type ExpectationTab } from '../router';
import { app, refreshExpectations, userName } from '../state/app';
import { useLoadedList } from '../state/useLoadedList';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';
import { setUi } from '../state/ui';

type Role = 'owed' | 'waiting';

const TABS: Array<[ExpectationTab, string]> = [
  ['open', 'Open'],
  ['overdue', 'Overdue'],
  ['done', 'Done'],
];

export function ExpectationsView({ ws, role, tab }: { ws: number; role: Role; tab: ExpectationTab }) {
  const pending = useSelect(app, (s) => (role === 'owed' ? s.owed : s.waiting));
  const counts = useSelect(app, (s) => s.expectationCounts);
  // The newest resolved ones, loaded when the Done tab is shown (and again as they change).
  const done = useLoadedList(tab === 'done', () => call('expectations/get', { workspace_id: ws, role, state: 'done' }).then((r) => r.expectations), ['expectation_met'], [ws, role]);
  const me = useSelect(app, (s) => s.me?.id);
  const mine = (e: Expectation) => role === 'owed' || e.user_id !== me;
  const list = tab === 'done' ? done.list?.filter(mine) ?? null : pending.filter((e) => mine(e) && (e.state === 'overdue') === (tab === 'overdue'));
  const count = (t: ExpectationTab) =>
    t === 'done' ? null : role === 'owed' ? (t === 'open' ? counts.owed_open : counts.owed_overdue) : t === 'open' ? counts.waiting_open : counts.waiting_overdue;
  const title = role === 'owed' ? 'Owed' : 'Waiting';
  return (
    <section class="view expectations-view">
      <ViewHeader
        title={title}
        subtitle={role === 'owed' ? 'Answers people asked you for, decisions due from you, outcomes of your meetings' : 'Answers you asked people for, decisions you wait for'}
      />
      <nav class="view-tabs" aria-label={`${title}: which answers`}>
        {TABS.map(([t, label]) => {
          const n = count(t);
          return (
            <a key={t} class={`tab ${t === tab ? 'is-current' : ''} ${t === 'overdue' && n ? 'is-alert' : ''}`} href={href[role](ws, t)} aria-current={t === tab ? 'page' : undefined}>
              {label}
              {n ? <span class="count">{n}</span> : null}
            </a>
          );
        })}
      </nav>
      {done.error && <p class="error-banner" role="alert">{done.error}</p>}
      {list === null && <ListSkeleton />}
      {list?.length === 0 && <Nothing role={role} tab={tab} />}
      {list && list.length > 0 && (
        <ul class="rows" data-nav-scope aria-label={`${title}, ${tab}`}>
          {list.map((e) => (
            <ExpectationRow key={e.id} ws={ws} e={e} role={role} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Nothing({ role, tab }: { role: Role; tab: ExpectationTab }) {
  if (tab === 'done') {
    return <Empty icon="check" title="Nothing resolved yet">Answers given, withdrawn or not needed are kept here.</Empty>;
  }
  if (role === 'owed') {
    return (
      <Empty icon="check" title={tab === 'overdue' ? 'Nothing overdue' : 'You owe no answers'}>
        When someone asks you for an answer, when you are the DRI of a decision with a due date, or when a meeting you
        organized needs its outcomes written down, it shows here with when it is due — counted in your working hours.
      </Empty>
    );
  }
  return (
    <Empty icon="clock" title={tab === 'overdue' ? 'Nothing overdue' : 'You wait for no answers'}>
      Ask for an answer when you post (“Ask for an answer” in the composer): each answer you wait for shows here.
    </Empty>
  );
}

function ExpectationRow({ ws, e, role }: { ws: number; e: Expectation; role: Role }) {
  const other = role === 'owed' ? e.requester_id : e.user_id;
  const name = useSelect(app, (s) => userName(s, other));
  const channel = useSelect(app, (s) => (e.channel_id != null ? s.channels[e.channel_id] : undefined));
  const where = e.conversation_id != null ? 'Direct conversation' : channel ? `#${channel.name}` : '';
  const who = whoWords(e, role);
  return (
    <li class={`row expectation-row ${e.state === 'overdue' ? 'is-overdue' : ''}`} data-nav-item data-id={e.id} tabIndex={-1}>
      <a class="row-link" href={questionHref(ws, e)} data-nav-open>
        <Avatar id={other} name={name} />
        <div class="row-body">
          <div class="row-top">
            <span class="row-title">{e.title || 'Direct message'}</span>
            {e.kind === 'decision' && <span class="tag">Decision</span>}
            {e.kind === 'outcomes' && <span class="tag">Outcomes</span>}
            {e.state === 'overdue' && <span class="tag tag-alert">Overdue</span>}
          </div>
          <div class="row-meta">
            {where && <span class="row-channel">{where}</span>}
            <span class="row-snippet">
              {who} · {standing(e, role)}
            </span>
          </div>
        </div>
      </a>
      {e.resolution == null && <ExpectationActions ws={ws} e={e} role={role} />}
    </li>
  );
}

/** What each side can do with an open expectation: the person asked resolves it, the
 * person who asked withdraws it. */
export function ExpectationActions({ ws, e, role }: { ws: number; e: Expectation; role: Role }) {
  const [busy, setBusy] = useState(false);
  const meeting = useSelect(app, (s) => (e.kind === 'outcomes' && e.thread_id != null ? meetingOfThread(s, e.thread_id) : undefined));
  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await what();
      showToast(done);
      await refreshExpectations();
    } catch (err) {
      showToast(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  // A decision is made in its thread (a comment marked as the decision, or the thread
  // closed); a meeting's outcomes are written in the outcomes prompt.
  if (e.kind === 'outcomes' && role === 'owed' && meeting) {
    return (
      <div class="row-actions">
        <button type="button" class="btn btn-small" onClick={() => setUi({ outcomesFor: meeting.id })}>
          Post outcomes
        </button>
      </div>
    );
  }
  if (e.kind !== 'reply') {
    if (role === 'waiting') return null;
    return (
      <div class="row-actions">
        <a class="btn btn-small" href={questionHref(ws, e)}>
          Open thread
        </a>
      </div>
    );
  }
  if (role === 'waiting') {
    return (
      <div class="row-actions">
        <button type="button" class="btn btn-small btn-quiet" disabled={busy} onClick={() => void act(() => call('expectations/withdraw', { id: e.id }), 'Request withdrawn')}>
          Withdraw
        </button>
      </div>
    );
  }
  return (
    <div class="row-actions">
      <button type="button" class="btn btn-small" disabled={busy} onClick={() => void act(() => call('expectations/resolve', { id: e.id, resolution: 'answered' }), 'Marked as answered')}>
        Answered
      </button>
      <button type="button" class="btn btn-small btn-quiet" disabled={busy} onClick={() => void act(() => call('expectations/resolve', { id: e.id, resolution: 'no_reply_needed' }), 'Marked: no reply needed')}>
        No reply needed
      </button>
    </div>
  );
}

/** Above the reply box of a thread or conversation: the answers asked for there that I owe
 * (with a way to resolve them) and that I wait for (with a way to withdraw them). */
export function AskedHere({ ws, thread, conversation }: { ws: number; thread?: number; conversation?: number }) {
  const here = (e: Expectation) => (thread !== undefined ? e.thread_id === thread : e.conversation_id === conversation);
  const owed = useSelect(app, (s) => s.owed).filter(here);
  // The decision I wait for shows in the thread's header already (its DRI and due date).
  const waiting = useSelect(app, (s) => s.waiting).filter((e) => here(e) && e.kind === 'reply');
  useSelect(app, (s) => s.users);
  if (owed.length === 0 && waiting.length === 0) return null;
  const state = app.get();
  return (
    <div class="asked-here">
      {owed.map((e) => (
        <div key={e.id} class={`asked-banner ${e.state === 'overdue' ? 'is-overdue' : ''}`} role="note">
          <span class="asked-banner-text">
            {e.kind === 'decision' ? (
              <>
                <strong>You are the DRI.</strong> {standing(e, 'owed')}: mark the comment that decides it (its ⋯ menu), or close the thread.
              </>
            ) : e.kind === 'outcomes' ? (
              <>
                <strong>The meeting has ended.</strong> {standing(e, 'owed')}.
              </>
            ) : (
              <>
                <strong>{userName(state, e.requester_id)}</strong> is waiting for your answer. {standing(e, 'owed')}.
              </>
            )}
          </span>
          {e.kind !== 'decision' && <ExpectationActions ws={ws} e={e} role="owed" />}
        </div>
      ))}
      {waiting.map((e) => (
        <div key={e.id} class={`asked-banner ${e.state === 'overdue' ? 'is-overdue' : ''}`} role="note">
          <span class="asked-banner-text">
            You asked <strong>{userName(state, e.user_id)}</strong> for an answer. {standing(e, 'waiting')}.
          </span>
          <ExpectationActions ws={ws} e={e} role="waiting" />
        </div>
      ))}
    </div>
  );
}
