// Members and their roles. Admins manage the workspace, members take part, guests see only
// the channels they are added to. Adding someone by email sends them an invitation; the last
// admin cannot step down or leave (the server says so, and the error is shown here).

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { WorkspaceUser } from '../../api/types';
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
  const remove = async (m: WorkspaceUser) => {
    if (!window.confirm(`Remove ${m.name} from the workspace? They lose access to every channel and conversation in it.`)) return;
    try {
      await call('workspace_users/remove', { id: ws, user_id: m.id });
      showToast(`${m.name} was removed`);
    } catch (e) {
      showToast(`Could not remove ${m.name}: ${describeError(e)}`);
    }
    setVersion((v) => v + 1);
  };

  return (
    <>
      <Invite ws={ws} onInvited={() => setVersion((v) => v + 1)} />
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
                <button type="button" class="btn btn-quiet btn-small" onClick={() => void remove(m)} aria-label={`Remove ${m.name}`}>
                  Remove
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
                    <span class="muted">{m.email}</span>
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
  const save = useSave();
  const submit = async () => {
    const address = email.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) return save.fail('Enter an email address, like maria@example.com.');
    const ok = await save.run(() => call('workspace_users/add', { id: ws, email: address, user_type: role }), `Invitation sent to ${address}`);
    if (ok) {
      setEmail('');
      onInvited();
    }
  };
  return (
    <section class="settings-card" aria-labelledby="invite-title">
      <h2 id="invite-title">Add people</h2>
      <form
        class="settings-row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
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
        <button type="submit" class="btn btn-primary" disabled={save.saving}>
          Add
        </button>
      </form>
      <p class="settings-hint">{ROLES.find(([r]) => r === role)![2]}.</p>
      <SaveStatus id="invite-status" state={save.state} />
    </section>
  );
}
