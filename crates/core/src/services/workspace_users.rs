//! Members of a workspace and their roles.

use super::{access, emit, emit_member_change, invitations, notify};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::input::Email;
use crate::model::*;
use crate::payload::Members;
use crate::policy;
use crate::store::{Membership, Tx};

/// Every member, removed ones included (clients filter them).
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<WorkspaceUser>> {
    access::role_in(tx, ws, actor)?;
    tx.workspace_users(ws)
}

pub fn get(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, user: UserId) -> Result<WorkspaceUser> {
    access::role_in(tx, ws, actor)?;
    tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User))
}

pub fn get_by_email(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, email: &str) -> Result<WorkspaceUser> {
    access::role_in(tx, ws, actor)?;
    let u = tx.user_by_email(email)?.ok_or(Error::NotFound(NotFound::User))?;
    tx.workspace_user(ws, u.id)?.ok_or(Error::NotFound(NotFound::User))
}

/// The member's wall-clock time in their own time zone, as `YYYY-MM-DD HH:MM:SS`.
pub fn local_time(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, user: UserId, now: i64) -> Result<String> {
    let wu = get(tx, actor, ws, user)?;
    let tz = jiff::tz::TimeZone::get(&wu.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let ts = jiff::Timestamp::from_second(now).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(ts.to_zoned(tz).strftime("%Y-%m-%d %H:%M:%S").to_string())
}

/// A member with their local time and when they were last active, per platform.
pub fn info(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, user: UserId, now: i64) -> Result<WorkspaceUserInfo> {
    let local_time = local_time(tx, actor, ws, user, now)?;
    let member = get(tx, actor, ws, user)?;
    let seen = tx.activity(user)?;
    let at = |p: Platform| seen.iter().find(|(q, _)| *q == p).map_or(-1, |(_, ts)| *ts);
    let latest = seen.iter().max_by_key(|(_, ts)| *ts).map(|&(p, ts)| LatestActivity(p, ts));
    Ok(WorkspaceUserInfo {
        is_active: tx.membership(ws, user)?.is_some_and(|m| m.is_active()),
        latest_activity: latest,
        activity: Activity {
            desktop: at(Platform::Desktop),
            mobile: at(Platform::Mobile),
            api: at(Platform::Api),
            email: -1,
        },
        local_time,
        user: member,
    })
}

/// `workspace_users/add`: invites `email` to the workspace (admins only). The person is a
/// pending member until they accept (see `invitations`); the answer is the same whether the
/// email has an account or not. An active member is left as they are.
#[allow(clippy::too_many_arguments)]
pub fn add(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    email: &Email,
    name: Option<&str>,
    user_type: UserType,
    channel_ids: &[ChannelId],
    links: &invitations::Links,
    now: i64,
) -> Result<(WorkspaceUser, Option<String>)> {
    let (workspace, role) = access::workspace(tx, ws, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can add people to the workspace"));
    }
    invitations::check_channels(tx, actor, role, ws, channel_ids)?;
    invitations::invite(tx, actor, &workspace, email, name, user_type, channel_ids, links, now)
}

/// Changes a member's role (a pending member's too). The workspace always keeps an admin.
pub fn update(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    user: UserId,
    user_type: UserType,
    now: i64,
) -> Result<WorkspaceUser> {
    let role = access::role_in(tx, ws, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can change roles"));
    }
    let current = match tx.membership(ws, user)? {
        Some(m) if !m.removed => m,
        _ => return Err(Error::NotFound(NotFound::User)),
    };
    if loses_last_admin(tx, ws, current, user_type)? {
        return Err(Error::LastAdmin);
    }
    tx.put_membership(ws, user, Membership { user_type, ..current }, now)?;
    let wu = tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User))?;
    emit(tx, ws, "workspace_user_updated", Audience::workspace(), &wu, now)?;
    Ok(wu)
}

/// The one last-admin rule: a change that takes `current` from being an active admin to
/// anything else (`to`: the new role; None: removed) is refused if they are the last one.
fn loses_last_admin(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    current: Membership,
    to: impl Into<Option<UserType>>,
) -> Result<bool> {
    let stays_admin = to.into() == Some(UserType::Admin);
    Ok(current.is_active() && current.user_type == UserType::Admin && !stays_admin && tx.admin_count(ws)? <= 1)
}

/// Removes a member, or cancels a pending invitation: admins remove anyone, anyone may
/// leave (or decline). The last admin cannot go. The person also leaves every channel,
/// conversation and group of the workspace, and what was held for them is dropped.
pub fn remove(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, user: UserId, now: i64) -> Result<()> {
    let current = tx.membership(ws, user)?;
    // A pending member may decline their own invitation.
    let declining = user == actor && current.is_some_and(|m| m.pending && !m.removed);
    if !declining {
        let role = access::role_in(tx, ws, actor)?;
        if user != actor && !policy::can_administer_workspace(role) {
            return Err(Error::forbidden("only admins can remove other people"));
        }
    }
    let current = match current {
        Some(m) if !m.removed => m,
        _ => return Err(Error::NotFound(NotFound::User)),
    };
    if loses_last_admin(tx, ws, current, None)? {
        return Err(Error::LastAdmin);
    }
    let notice = current.is_active().then_some(actor);
    depart(tx, ws, user, current, notice, now)
}

/// Takes `user` out of `ws` for good (the rules already checked): the membership is marked
/// removed, their invitations go, the workspace hears of it, `notice_by` (if any) is noted
/// as having removed them, and they leave everything in it.
pub(crate) fn depart(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    user: UserId,
    current: Membership,
    notice_by: Option<UserId>,
    now: i64,
) -> Result<()> {
    let gone = Membership { user_type: current.user_type, removed: true, pending: false, deactivated: false };
    tx.put_membership(ws, user, gone, now)?;
    tx.delete_invitations_of(ws, user)?;
    tx.set_invited_name(ws, user, None)?;
    let wu = tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User))?;
    let audience = Audience::workspace().and_user(user);
    emit(tx, ws, "workspace_user_removed", audience, &wu, now)?;
    if let Some(by) = notice_by {
        notify::membership(tx, user, ws, None, NotifyReason::RemovedFromWorkspace, by, now)?;
    }
    // Last: nothing more is pushed to them from this workspace, that notice included.
    leave_everything(tx, ws, user, now)
}

/// Whether deleting `user`'s account would leave a workspace without an active admin:
/// the names of those workspaces (empty: none).
pub(crate) fn last_admin_of(tx: &mut dyn Tx, memberships: &[(Workspace, Membership)]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for (ws, m) in memberships {
        if loses_last_admin(tx, ws.id, *m, None)? {
            names.push(ws.name.clone());
        }
    }
    Ok(names)
}

/// Deactivates (`active` false) or reactivates a member (admins only). A deactivated
/// member keeps their channels, conversations and groups, but reads nothing of the
/// workspace (their open streams of it end), is notified of nothing, and the pushes held
/// for them there are dropped; reactivating gives everything back. Nobody deactivates
/// themselves, and the workspace always keeps an active admin.
pub fn set_active(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    user: UserId,
    active: bool,
    now: i64,
) -> Result<WorkspaceUser> {
    let role = access::role_in(tx, ws, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can deactivate or reactivate members"));
    }
    let current = match tx.membership(ws, user)? {
        Some(m) if !m.removed => m,
        _ => return Err(Error::NotFound(NotFound::User)),
    };
    if current.pending {
        return Err(Error::BadRequest(
            "this person has not accepted their invitation yet: cancel it (workspace_users/remove) instead".into(),
        ));
    }
    if user == actor && !active {
        return Err(Error::BadRequest("you cannot deactivate yourself; leave the workspace instead".into()));
    }
    if current.deactivated != active {
        // Already as asked.
        return tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User));
    }
    if !active && loses_last_admin(tx, ws, current, None)? {
        return Err(Error::LastAdmin);
    }
    tx.put_membership(ws, user, Membership { deactivated: !active, ..current }, now)?;
    let wu = tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User))?;
    // Addressed to them too: their open streams of the workspace hear it, then end.
    emit(tx, ws, "workspace_user_updated", Audience::workspace().and_user(user), &wu, now)?;
    if !active {
        drop_held_pushes(tx, ws, user, now)?;
    }
    Ok(wu)
}

/// Takes someone who left the workspace out of its channels, conversations and groups
/// (with the events others' clients follow), and drops the pushes held for them there.
fn leave_everything(tx: &mut dyn Tx, ws: WorkspaceId, user: UserId, now: i64) -> Result<()> {
    for ch in tx.channels_in(ws, user)? {
        if ch.user_ids.contains(&user) {
            tx.remove_channel_members(ch.id, &[user])?;
            super::rotations::drop_members(tx, &ch, &[user], now)?;
            emit_member_change(tx, ws, Members::Channel(ch.id), user, false, now)?;
        }
    }
    for c in tx.conversations_of(ws, user)? {
        tx.remove_conversation_members(c.id, &[user])?;
        emit_member_change(tx, ws, Members::Conversation(c.id), user, false, now)?;
    }
    for g in tx.groups_in(ws)? {
        if g.user_ids.contains(&user) {
            tx.remove_group_members(g.id, &[user])?;
            emit_member_change(tx, ws, Members::Group(g.id), user, false, now)?;
        }
    }
    drop_held_pushes(tx, ws, user, now)
}

/// The pushes held for `user` in `ws` (until their working hours) will not go out.
fn drop_held_pushes(tx: &mut dyn Tx, ws: WorkspaceId, user: UserId, now: i64) -> Result<()> {
    let held: Vec<i64> = tx.pending_pushes_of(user)?.into_iter().filter(|p| p.workspace == ws).map(|p| p.id).collect();
    if !held.is_empty() {
        tx.finish_pushes(&held, "dropped", now)?;
    }
    Ok(())
}
