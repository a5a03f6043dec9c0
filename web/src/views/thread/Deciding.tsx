// Deciding in writing, in a thread: who decides (the DRI), where it stands (open, decided,
// closed, and who said so when), by when the decision is due (in my time; red once
// overdue), and the decision itself, one click away. The author, the DRI and admins change
// the first three from one small menu.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { Channel, Comment, Thread, ThreadStatus } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { Popover } from '../../components/Popover';
import { dueWhen } from '../../expectations';
import { href } from '../../router';
import { app, canSteer, userName } from '../../state/app';
import { announce } from '../../state/announce';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';
import { absoluteTime, fromLocalInput, nowSeconds, toLocalInput } from '../../time';

type SetThread = (f: (t: Thread | null) => Thread | null) => void;

/** A thread answered by the server, with what only this view knows of it (my own state). */
export function withServerThread(old: Thread | null, fresh: Thread): Thread {
  if (!old) return fresh;
  const { starred, is_saved, is_archived, muted_until_ts, last_read_obj_index } = old;
  return { ...fresh, starred, is_saved, is_archived, muted_until_ts, last_read_obj_index };
}

/** Where the thread stands; `closed` wins (a reopened thread is open whatever it was). */
export function threadStatus(t: Thread): ThreadStatus {
  if (t.closed) return 'closed';
  return t.status === 'decided' ? 'decided' : 'open';
}

const STATUS_WORDS: Record<ThreadStatus, string> = { open: 'Open', decided: 'Decided', closed: 'Closed' };

/** The status as a small pill, with who set it and when on hover. */
export function StatusPill({ thread }: { thread: Thread }) {
  const by = useSelect(app, (s) => (thread.status_by != null ? userName(s, thread.status_by) : null));
  const status = threadStatus(thread);
  const title = by && thread.status_ts ? `${STATUS_WORDS[status]} by ${by}, ${absoluteTime(thread.status_ts)}` : `Status: ${STATUS_WORDS[status]}`;
  return (
    <span class={`tag status-pill status-${status}`} title={title}>
      {STATUS_WORDS[status]}
    </span>
  );
}

/** Markdown as one line of plain text, for a summary (never set as HTML). */
export function plainSnippet(markdown: string, max = 140): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~>#|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

interface BarProps {
  ws: number;
  thread: Thread;
  channel: Channel;
  comments: Comment[];
  setThread: SetThread;
}

/** The line under the thread's header: DRI, due date, the decision. */
export function DecidingBar({ ws, thread, channel, comments, setThread }: BarProps) {
  const allowed = useSelect(app, (s) => canSteer(s, thread));
  const dri = useSelect(app, (s) => (thread.dri_id != null ? userName(s, thread.dri_id) : null));
  const me = useSelect(app, (s) => s.me?.id);
  const status = threadStatus(thread);
  const due = status === 'open' ? thread.decision_due_ts ?? null : null;
  const overdue = due !== null && due <= nowSeconds();

  const who = (
    <>
      <abbr class="deciding-label" title="Directly responsible individual: the one person who decides">
        DRI
      </abbr>
      {dri !== null && thread.dri_id != null ? (
        <>
          <Avatar id={thread.dri_id} name={dri} size="sm" />
          <span class="deciding-name">{thread.dri_id === me ? `${dri} (you)` : dri}</span>
        </>
      ) : (
        <span class="deciding-none">No DRI</span>
      )}
    </>
  );

  return (
    <div class="deciding-bar">
      {allowed ? (
        <Popover
          label="change the DRI, status or due date"
          textButton
          align="left"
          buttonClass="deciding-who deciding-button"
          button={
            <>
              {who}
              <span class="chevron" aria-hidden="true">
                ▾
              </span>
            </>
          }
        >
          {(close) => <DecideMenu thread={thread} channel={channel} setThread={setThread} close={close} />}
        </Popover>
      ) : (
        <span class="deciding-who">{who}</span>
      )}
      {due !== null && (
        <span class={`deciding-due ${overdue ? 'is-overdue' : ''}`} title={absoluteTime(due)}>
          <Icon name="clock" size={14} />
          {overdue ? `Decision overdue since ${dueWhen(due)}` : `Decision due ${dueWhen(due)}`}
        </span>
      )}
      {thread.decision_comment_id != null && <DecisionLink ws={ws} thread={thread} comments={comments} />}
    </div>
  );
}

/** "✓ Decision: …" — jumps to the decision comment (in place when it is on the page). */
function DecisionLink({ ws, thread, comments }: { ws: number; thread: Thread; comments: Comment[] }) {
  const id = thread.decision_comment_id!;
  const loaded = comments.find((c) => c.id === id);
  const [fetched, setFetched] = useState<Comment | null>(null);
  useEffect(() => {
    if (loaded || fetched?.id === id) return;
    let live = true;
    call('comments/getone', { id })
      .then((r) => live && setFetched(r.comment))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id, !!loaded]);
  const comment = loaded ?? (fetched?.id === id ? fetched : null);
  const author = useSelect(app, (s) => (comment ? comment.creator_name ?? userName(s, comment.creator) : null));
  const link = href.thread(ws, thread.channel_id, thread.id, id);
  return (
    <a
      class="deciding-decision"
      href={link}
      title={author ? `The decision, written by ${author}: jump to it` : 'Jump to the decision'}
      onClick={(e) => {
        const el = document.getElementById(`comment-${id}`);
        if (!el) return; // Not on the page: the link opens the thread at it.
        e.preventDefault();
        el.scrollIntoView({ block: 'center', behavior: 'smooth' });
        el.focus({ preventScroll: true });
      }}
    >
      <Icon name="decision" size={15} />
      <span class="deciding-decision-label">Decision:</span>
      <span class="deciding-decision-text">{comment ? plainSnippet(comment.content) : 'see the marked comment'}</span>
    </a>
  );
}

/** The menu: the DRI (from the channel's members), the status, the due date. Each change
 * is applied at once and taken back if the server refuses it. */
function DecideMenu({ thread, channel, setThread, close }: { thread: Thread; channel: Channel; setThread: SetThread; close: () => void }) {
  const users = useSelect(app, (s) => s.users);
  const me = useSelect(app, (s) => s.me!);
  const [dueText, setDueText] = useState(thread.decision_due_ts ? toLocalInput(thread.decision_due_ts) : '');
  const [error, setError] = useState<string | null>(null);
  const status = threadStatus(thread);

  const members = [...new Set([...channel.user_ids, ...(thread.dri_id != null ? [thread.dri_id] : [])])]
    .map((id) => ({ id, name: id === me.id ? me.name : users[id]?.name, gone: !!(users[id]?.removed || users[id]?.deactivated) }))
    .filter((u): u is { id: number; name: string; gone: boolean } => !!u.name && (!u.gone || u.id === thread.dri_id))
    .sort((a, b) => a.name.localeCompare(b.name));

  const update = async (change: { dri_id?: number; status?: ThreadStatus; decision_due_ts?: number }, optimistic: Partial<Thread>, done: string) => {
    const before = thread;
    setError(null);
    setThread((t) => (t ? { ...t, ...optimistic } : t));
    try {
      const fresh = await call('threads/update', { id: thread.id, ...change });
      setThread((t) => withServerThread(t, fresh));
      showToast(done);
    } catch (e) {
      setThread(() => before);
      setError(describeError(e));
      announce(`Could not change it: ${describeError(e)}`);
    }
  };

  const setDri = (id: number) => {
    const name = id === 0 ? null : id === me.id ? 'you' : users[id]?.name ?? 'someone';
    void update({ dri_id: id }, { dri_id: id === 0 ? undefined : id }, name ? `DRI: ${name === 'you' ? 'you decide' : name}` : 'No DRI');
  };
  const setStatus = (s: ThreadStatus) => {
    if (s === status) return;
    void update({ status: s }, { status: s, closed: s === 'closed', status_by: me.id, status_ts: nowSeconds() }, `Status: ${STATUS_WORDS[s]}`);
  };
  const setDue = (ts: number | null) => {
    void update({ decision_due_ts: ts ?? 0 }, { decision_due_ts: ts ?? undefined }, ts ? `Decision due ${dueWhen(ts)}` : 'No due date');
  };

  return (
    <div class="decide-menu">
      <label class="field decide-field">
        <span>DRI — the one person who decides</span>
        <select value={thread.dri_id ?? 0} onChange={(e) => setDri(Number(e.currentTarget.value))}>
          <option value={0}>No DRI</option>
          {members.map((u) => (
            <option key={u.id} value={u.id}>
              {u.id === me.id ? `${u.name} (you)` : u.name}
            </option>
          ))}
        </select>
      </label>
      <div class="field decide-field">
        <span id={`status-label-${thread.id}`}>Status</span>
        <div class="segmented" role="group" aria-labelledby={`status-label-${thread.id}`}>
          {(['open', 'decided', 'closed'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={s === status} onClick={() => setStatus(s)}>
              {STATUS_WORDS[s]}
            </button>
          ))}
        </div>
      </div>
      <form
        class="field decide-field"
        onSubmit={(e) => {
          e.preventDefault();
          const ts = fromLocalInput(dueText);
          if (ts === null) setError('Pick a day and a time.');
          else setDue(ts);
        }}
      >
        <label for={`due-${thread.id}`}>Decision due (your time)</label>
        <div class="decide-due">
          <input id={`due-${thread.id}`} type="datetime-local" value={dueText} onInput={(e) => setDueText(e.currentTarget.value)} />
          <button type="submit" class="btn btn-small" disabled={!dueText}>
            Set due date
          </button>
        </div>
        {thread.decision_due_ts != null && (
          <button
            type="button"
            class="link-button decide-clear"
            onClick={() => {
              setDueText('');
              setDue(null);
            }}
          >
            No due date
          </button>
        )}
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <p class="menu-note">Until it is decided, the DRI sees the due date in their Owed list. Mark the decision in a comment’s ⋯ menu.</p>
      <div class="decide-done">
        <button type="button" class="btn btn-quiet btn-small" onClick={close}>
          Done
        </button>
      </div>
    </div>
  );
}
