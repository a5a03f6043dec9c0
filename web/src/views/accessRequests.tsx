// Asking to join a channel one cannot see, and deciding: the request form on a channel's
// "No access" page, the requests waiting at the top of a channel for its members, and the
// workspace's list for admins (with the time each took to grant).

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../api/client';
import type { components } from '../api/schema';
import { Time } from '../components/Time';
import { app, userName } from '../state/app';
import { onLiveEvent } from '../state/live';
import { useSelect } from '../state/observable';
import { showToast } from '../state/toast';

type AccessRequest = components['schemas']['AccessRequest'];

/** Requests of the workspace the caller may decide, and their own; again on every change. */
function useRequests(ws: number, pendingOnly: boolean): [AccessRequest[] | null, string | null, () => void] {
  const [list, setList] = useState<AccessRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    call('access/get_requests', { workspace_id: ws, pending_only: pendingOnly })
      .then((l) => {
        setList(l);
        setError(null);
      })
      .catch((e) => setError(describeError(e)));
  };
  useEffect(() => {
    load();
    return onLiveEvent((event) => {
      if (event.type === 'access_requested' || event.type === 'access_request_updated') load();
    });
  }, [ws, pendingOnly]);
  return [list, error, load];
}

/** On a channel the caller cannot see: ask to join, with a note; or see that they asked. */
export function RequestAccess({ ws, channelId }: { ws: number; channelId: number }) {
  const me = useSelect(app, (s) => s.me?.id);
  const [requests] = useRequests(ws, false);
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState<AccessRequest | null>(null);
  const mine = asked ?? requests?.find((r) => r.channel_id === channelId && r.user_id === me);

  const ask = async (e: Event) => {
    e.preventDefault();
    setSending(true);
    try {
      setAsked(await call('access/request', { channel_id: channelId, note: note.trim() || undefined }));
      showToast('Asked to join: its members will decide');
      setError(null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSending(false);
    }
  };

  if (requests === null) return null;
  if (mine && !mine.decision) {
    return (
      <p class="access-asked" role="status">
        You asked to join <Time ts={mine.created_ts} />. Its members will decide, and you will be told when you are in.
      </p>
    );
  }
  return (
    <form class="access-request" onSubmit={ask}>
      {mine?.decision === 'denied' && (
        <p class="muted">
          Your last request was declined <Time ts={mine.decided_ts ?? mine.created_ts} />. You can ask again.
        </p>
      )}
      <label for="access-note">Ask its members to let you in</label>
      <textarea id="access-note" rows={2} maxLength={1000} placeholder="Why you need it (optional)" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      {error && <p class="error-banner" role="alert">{error}</p>}
      <button type="submit" class="btn btn-primary" disabled={sending}>
        {sending ? 'Asking…' : 'Ask to join'}
      </button>
    </form>
  );
}

async function decide(r: AccessRequest, approve: boolean, done: () => void): Promise<void> {
  const who = userName(app.get(), r.user_id);
  try {
    await call(approve ? 'access/approve' : 'access/deny', { id: r.id });
    showToast(approve ? `${who} can see the channel now` : `Declined ${who}’s request`);
  } catch (e) {
    showToast(`Could not decide ${who}’s request: ${describeError(e)}`);
  }
  done();
}

/** "Let … in" and "Decline" for a pending request. */
function Decide({ class: cls, request, letIn, done }: { class: string; request: AccessRequest; letIn: string; done: () => void }) {
  return (
    <span class={cls}>
      <button type="button" class="btn btn-small btn-primary" onClick={() => void decide(request, true, done)}>
        {letIn}
      </button>
      <button type="button" class="btn btn-small btn-quiet" onClick={() => void decide(request, false, done)}>
        Decline
      </button>
    </span>
  );
}

/** At the top of a channel, for the members who decide: who asked to join, and why. */
export function JoinRequests({ ws, channelId }: { ws: number; channelId: number }) {
  const me = useSelect(app, (s) => s.me?.id);
  const state = useSelect(app, (s) => s);
  const [requests, , reload] = useRequests(ws, true);
  const waiting = (requests ?? []).filter((r) => r.channel_id === channelId && r.user_id !== me);
  if (waiting.length === 0) return null;
  return (
    <ul class="join-requests" aria-label="Asked to join">
      {waiting.map((r) => (
        <li key={r.id} class="join-request">
          <span class="join-request-text">
            <strong>{userName(state, r.user_id)}</strong> asked to join <Time ts={r.created_ts} />
            {r.note && <span class="join-request-note">“{r.note}”</span>}
          </span>
          <Decide class="join-request-actions" request={r} letIn={`Let ${userName(state, r.user_id)} in`} done={reload} />
        </li>
      ))}
    </ul>
  );
}

/** The workspace's requests for admins: waiting ones to decide, decided ones with how long. */
export function AccessRequestsSection({ ws }: { ws: number }) {
  const state = useSelect(app, (s) => s);
  const [requests, error, reload] = useRequests(ws, false);
  const channelName = (id: number) => (state.channels[id] ? `#${state.channels[id]!.name}` : 'a channel you are not in');
  return (
    <section class="settings-card" aria-labelledby="requests-title">
      <h2 id="requests-title">Access requests</h2>
      <p class="settings-intro">
        People who asked to join a channel they cannot see. The channel’s members (and admins who are in it) let them in or
        decline; a private channel you are not in stays closed to you.
      </p>
      {error && (
        <p class="error-banner" role="alert">
          Could not load the requests: {error}
        </p>
      )}
      {requests?.length === 0 && <p class="muted">Nobody has asked to join a channel.</p>}
      {requests && requests.length > 0 && (
        <ul class="admin-list" aria-label="Access requests">
          {requests.map((r) => (
            <li key={r.id} class="admin-row">
              <span class="admin-who">
                <strong>
                  {userName(state, r.user_id)} → {channelName(r.channel_id)}
                </strong>
                <span class="muted">
                  asked <Time ts={r.created_ts} />
                  {r.note ? ` · “${r.note}”` : ''}
                  {r.decision && r.decided_ts != null && ` · ${r.decision === 'approved' ? 'let in' : 'declined'} by ${userName(state, r.decided_by)} after ${waited(r.decided_ts - r.created_ts)}`}
                </span>
              </span>
              {!r.decision && r.user_id !== state.me?.id && state.channels[r.channel_id] && (
                <Decide class="admin-controls" request={r} letIn="Let in" done={reload} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "under a minute", "3 h", "2 days": how long a request waited. */
function waited(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
