// Members, their roles and their state (invited, active, deactivated). Admins manage the
// workspace, members take part, guests see only the channels they are added to. Adding
// someone by email sends them an invitation; a deactivated member keeps their channels but
// sees and hears nothing until reactivated. The last admin cannot step down or leave (the
// server says so, and the error is shown here).

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import type { Channel, WorkspaceUser } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { ListSkeleton } from '../../components/ListSkeleton';
import { app, byId, patch } from '../../state/app';
import { showToast } from '../../state/toast';
import { SaveStatus, useSave } from '../settings/shared';

type Role = WorkspaceUser['user_type'];

export const ROLES: Array<[Role, string, string]> = [
  ['ADMIN', 'Admin', 'Manages the workspace, its people and channels'],
  ['USER', 'Member', 'Sees public channels and the private ones they are in'],
  ['GUEST', 'Guest', 'Sees only the channels they are added to'],
];

/** A member's state, as the list shows it. */
export function memberState(m: WorkspaceUser): ['invited' | 'active' | 'deactivated', string] {
  if (m.invite_pending) return ['invited', 'Invited'];
  if (m.deactivated) return ['deactivated', 'Deactivated'];
  return ['active', 'Active'];
}

export function MembersSection({ ws }: { ws: number }) {
  const [members, setMembers] = useState<WorkspaceUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const me = app.get().me;

  useEffect(() => {
    call('workspace_users/get', { id: ws })
      .then((list) => {
        setMembers(list);
        patch({ users: byId(list) });
      })
      .catch((e) => setError(describeError(e)));
  }, [ws, version]);

  const current = members?.filter((m) => !m.removed).sort((a, b) => a.name.localeCompare(b.name)) ?? [];
  const removed = members?.filter((m) => m.removed) ?? [];

  const setRole = async (m: WorkspaceUser, role: Role) => {
    try {
      await call('workspace_users/update', { id: ws, user_id: m.id, user_type: role });
      showToast(`${m.name} is now ${ROLES.find(([r]) => r === role)![1].toLowerCase()}`);
    } catch (e) {
      showToast(`Could not change ${m.name}’s role: ${describeError(e)}`);
    }
    setVersion((v) => v + 1);
  };
  const resend = async (m: WorkspaceUser) => {
    try {
      await call('workspace_users/resend_invite', { id: ws, user_id: m.id });
      showToast(`A new invitation went to ${m.email}; the old link no longer works`);
    } catch (e) {
      showToast(`Could not resend the invitation: ${describeError(e)}`);
    }
  };
  const remove = async (m: WorkspaceUser) => {
    const question = m.invite_pending
      ? `Cancel the invitation of ${m.email}? Their link stops working.`
      : `Remove ${m.name} from the workspace? They lose access to every channel and conversation in it.`;
    if (!window.confirm(question)) return;
    try {
      await call('workspace_users/remove', { id: ws, user_id: m.id });
      showToast(`${m.name} was removed`);
    } catch (e) {
      showToast(`Could not remove ${m.name}: ${describeError(e)}`);
    }
    setVersion((v) => v + 1);
  };

  const setActive = async (m: WorkspaceUser, active: boolean) => {
    const question = active
      ? `Reactivate ${m.name}? They see the workspace again, with the channels and conversations they had.`
      : `Deactivate ${m.name}? They keep their channels but cannot open the workspace and are notified of nothing until you reactivate them.`;
    if (!window.confirm(question)) return;
    try {
      await call(active ? 'workspace_users/reactivate' : 'workspace_users/deactivate', { id: ws, user_id: m.id });
      showToast(active ? `${m.name} is active again` : `${m.name} was deactivated`);
    } catch (e) {
      showToast(`Could not ${active ? 'reactivate' : 'deactivate'} ${m.name}: ${describeError(e)}`);
    }
    setVersion((v) => v + 1);
  };

  return (
    <>
      <Invite ws={ws} onInvited={() => setVersion((v) => v + 1)} />
      <JoinLinks ws={ws} />
      <section class="settings-card" aria-labelledby="members-title">
        <h2 id="members-title">Members{members ? ` (${current.length})` : ''}</h2>
        {error && (
          <p class="error-banner" role="alert">
            Could not load the members: {error}
          </p>
        )}
        {!members && !error && <ListSkeleton />}
        {members && (
          <ul class="admin-list" aria-label="Members">
            {current.map((m) => (
              <li key={m.id} class="admin-row">
                <Avatar id={m.id} name={m.name} />
                <span class="admin-who">
                  <strong>
                    {m.name}
                    {m.id === me?.id && <span class="muted"> (you)</span>}
                    <span class={`tag state-${memberState(m)[0]}`}>{memberState(m)[1]}</span>
                  </strong>
                  <span class="muted">{m.email}</span>
                </span>
                <span class="admin-controls">
                <label class="sr-only" for={`role-${m.id}`}>
                  Role of {m.name}
                </label>
                <select id={`role-${m.id}`} value={m.user_type} onChange={(e) => void setRole(m, e.currentTarget.value as Role)}>
                  {ROLES.map(([role, label]) => (
                    <option key={role} value={role}>
                      {label}
                    </option>
                  ))}
                </select>
                {m.invite_pending && (
                  <button type="button" class="btn btn-quiet btn-small" onClick={() => void resend(m)}>
                    Resend invitation<span class="sr-only"> to {m.name}</span>
                  </button>
                )}
                {!m.invite_pending && m.id !== me?.id && (
                  <button type="button" class="btn btn-quiet btn-small" onClick={() => void setActive(m, !!m.deactivated)} aria-label={`${m.deactivated ? 'Reactivate' : 'Deactivate'} ${m.name}`}>
                    {m.deactivated ? 'Reactivate' : 'Deactivate'}
                  </button>
                )}
                <button type="button" class="btn btn-quiet btn-small" onClick={() => void remove(m)} aria-label={m.invite_pending ? `Cancel the invitation of ${m.name}` : `Remove ${m.name}`}>
                  {m.invite_pending ? 'Cancel invitation' : 'Remove'}
                </button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {removed.length > 0 && (
          <details class="admin-removed">
            <summary>Removed ({removed.length})</summary>
            <ul class="admin-list">
              {removed.map((m) => (
                <li key={m.id} class="admin-row">
                  <Avatar id={m.id} name={m.name} />
                  <span class="admin-who">
                    <strong>{m.name}</strong>
                    <span class="muted">{m.deleted ? 'Deleted their account' : m.email}</span>
                  </span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
    </>
  );
}

/** Adds someone by email, with a role and the channels they start in. */
function Invite({ ws, onInvited }: { ws: number; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('USER');
  const [channels, setChannels] = useState<Channel[]>([]);
  const [chosen, setChosen] = useState<number[]>([]);
  const save = useSave();
  useEffect(() => {
    call('channels/get', { workspace_id: ws, archived: false })
      .then((list) => setChannels(list.sort((a, b) => a.name.localeCompare(b.name))))
      .catch(() => setChannels([]));
  }, [ws]);
  const general = app.get().workspaces.find((w) => w.id === ws)?.default_channel ?? null;
  // Everyone but a guest starts in the workspace's default channel anyway.
  const choices = channels.filter((c) => role === 'GUEST' || c.id !== general);
  const toggle = (id: number, on: boolean) => setChosen((ids) => (on ? [...ids, id] : ids.filter((i) => i !== id)));
  const submit = async () => {
    const address = email.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) return save.fail('Enter an email address, like maria@example.com.');
    const channel_ids = chosen.filter((id) => choices.some((c) => c.id === id));
    const ok = await save.run(() => call('workspace_users/add', { id: ws, email: address, user_type: role, channel_ids }), `Invitation sent to ${address}`);
    if (ok) {
      setEmail('');
      setChosen([]);
      onInvited();
    }
  };
  return (
    <section class="settings-card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite people</h2>
      <p class="settings-intro">They get an email with a link that works once, for a week. Until they accept, they see nothing.</p>
      <form
        class="invite-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="settings-row">
          <div class="settings-field grow">
            <label for="invite-email">Email</label>
            <input id="invite-email" type="email" autocomplete="off" value={email} aria-describedby="invite-status" onInput={(e) => setEmail(e.currentTarget.value)} />
          </div>
          <div class="settings-field">
            <label for="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.map(([r, label]) => (
                <option key={r} value={r}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p class="settings-hint">{ROLES.find(([r]) => r === role)![2]}.</p>
        {choices.length > 0 && (
          <fieldset class="invite-channels">
            <legend>{role === 'GUEST' ? 'Channels they start in' : 'Channels they start in, besides the default one'}</legend>
            {choices.map((c) => (
              <label key={c.id} class="invite-channel">
                <input type="checkbox" checked={chosen.includes(c.id)} onChange={(e) => toggle(c.id, e.currentTarget.checked)} />
                <span>
                  #{c.name}
                  {!c.public && <span class="muted"> (private)</span>}
                </span>
              </label>
            ))}
          </fieldset>
        )}
        <div class="settings-actions">
          <button type="submit" class="btn btn-primary" disabled={save.saving}>
            Invite
          </button>
        </div>
      </form>
      <SaveStatus id="invite-status" state={save.state} />
    </section>
  );
}

type JoinLink = components['schemas']['JoinLink'];

/** Reusable links to join the workspace: made with a role, an expiry and a use limit;
 * the address shows once, when made (the server keeps only its hash). */
function JoinLinks({ ws }: { ws: number }) {
  const [links, setLinks] = useState<JoinLink[] | null>(null);
  const [fresh, setFresh] = useState<JoinLink | null>(null);
  const [role, setRole] = useState<Role>('USER');
  const [days, setDays] = useState('7');
  const [uses, setUses] = useState('');
  const save = useSave();
  const load = () => void call('join_links/get', { workspace_id: ws }).then(setLinks).catch(() => setLinks([]));
  useEffect(load, [ws]);

  const make = async () => {
    const d = Number(days);
    if (!Number.isInteger(d) || d < 1 || d > 365) return save.fail('A link works 1 to 365 days.');
    const max = uses.trim() === '' ? undefined : Number(uses);
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) return save.fail('Leave the number of people empty, or give a whole number.');
    await save.run(async () => {
      const link = await call('join_links/add', { workspace_id: ws, user_type: role, days: d, ...(max ? { max_uses: max } : {}) });
      setFresh(link);
      load();
    }, 'Join link made');
  };
  const revoke = async (link: JoinLink) => {
    if (!window.confirm('Revoke this link? Nobody can join with it any more.')) return;
    try {
      await call('join_links/revoke', { id: link.id });
      if (fresh?.id === link.id) setFresh(null);
      showToast('Join link revoked');
      load();
    } catch (e) {
      showToast(`Could not revoke the link: ${describeError(e)}`);
    }
  };
  const now = Date.now() / 1000;
  const active = links?.filter((l) => !l.revoked && l.expires_ts > now && (l.max_uses == null || l.uses < l.max_uses)) ?? [];
  return (
    <section class="settings-card" aria-labelledby="links-title">
      <h2 id="links-title">Join links</h2>
      <p class="settings-intro">One link for many people, e.g. in a welcome email. Whoever opens it signed out gives their email and gets a personal invitation.</p>
      <form
        class="settings-row"
        onSubmit={(e) => {
          e.preventDefault();
          void make();
        }}
      >
        <div class="settings-field">
          <label for="link-role">They join as</label>
          <select id="link-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map(([r, label]) => (
              <option key={r} value={r}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="settings-field">
          <label for="link-days">Works for (days)</label>
          <input id="link-days" type="number" min={1} max={365} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
        </div>
        <div class="settings-field">
          <label for="link-uses">At most (people)</label>
          <input id="link-uses" type="number" min={1} placeholder="No limit" value={uses} onInput={(e) => setUses(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn btn-primary" disabled={save.saving}>
          Make a link
        </button>
      </form>
      <SaveStatus state={save.state} />
      {fresh?.url && (
        <div class="fresh-link">
          <label for="fresh-link">Copy it now: it is not shown again</label>
          <div class="settings-row">
            <input id="fresh-link" type="text" readOnly value={fresh.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" class="btn btn-quiet" onClick={() => void navigator.clipboard?.writeText(fresh.url!).then(() => showToast('Link copied'))}>
              Copy
            </button>
          </div>
        </div>
      )}
      {active.length > 0 && (
        <ul class="admin-list" aria-label="Join links in use">
          {active.map((l) => (
            <li key={l.id} class="admin-row">
              <span class="admin-who">
                <strong>Joins as {ROLES.find(([r]) => r === l.user_type)?.[1].toLowerCase() ?? l.user_type}</strong>
                <span class="muted">
                  {l.uses} joined{l.max_uses ? ` of ${l.max_uses}` : ''} · until {new Date(l.expires_ts * 1000).toLocaleDateString()}
                </span>
              </span>
              <span class="admin-controls">
                <button type="button" class="btn btn-quiet btn-small" onClick={() => void revoke(l)}>
                  Revoke
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
