//! Members of a workspace and their roles.

use super::{access, emit, emit_member_change, notify};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
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
        is_active: !member.removed,
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

/// Adds an existing account to the workspace (or restores a removed member), joins them
/// to the default channel and to `channel_ids`.
pub fn add(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    email: &str,
    user_type: UserType,
    channel_ids: &[ChannelId],
    now: i64,
) -> Result<WorkspaceUser> {
    let (workspace, role) = access::workspace(tx, ws, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can add people to the workspace"));
    }
    let user = tx.user_by_email(email)?.ok_or_else(|| {
        Error::invalid("email", "no account has this email; create the account first (weft admin create-user)")
    })?;
    let mut channels = Vec::new();
    for &id in channel_ids {
        match tx.channel(id, actor)? {
            Some(ch) if ch.workspace_id == ws && policy::can_see_channel(role, &ch, actor) => channels.push(ch),
            _ => return Err(Error::NotFound(NotFound::Channel)),
        }
    }
    // Everyone but guests joins the default channel.
    let general = match workspace.default_channel {
        Some(id) if user_type != UserType::Guest => tx.channel(id, actor)?,
        _ => None,
    };
    if let Some(general) = general.filter(|g| !channels.iter().any(|c| c.id == g.id)) {
        channels.push(general);
    }
    tx.put_membership(ws, user.id, Membership { user_type, removed: false }, now)?;
    let wu = tx.workspace_user(ws, user.id)?.ok_or(Error::Internal("member vanished".into()))?;
    emit(tx, ws, "workspace_user_added", Audience::workspace(), &wu, now)?;
    notify::membership(tx, user.id, ws, None, NotifyReason::AddedToWorkspace, actor, now)?;
    for ch in channels {
        if !ch.user_ids.contains(&user.id) {
            tx.add_channel_members(ch.id, &[user.id])?;
            emit_member_change(tx, ws, Members::Channel(ch.id), user.id, true, now)?;
        }
    }
    Ok(wu)
}

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
    if current.user_type == UserType::Admin && user_type != UserType::Admin && tx.admin_count(ws)? <= 1 {
        return Err(Error::LastAdmin);
    }
    tx.put_membership(ws, user, Membership { user_type, removed: false }, now)?;
    let wu = tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User))?;
    emit(tx, ws, "workspace_user_updated", Audience::workspace(), &wu, now)?;
    Ok(wu)
}

/// Removes a member: admins remove anyone, anyone may leave. The last admin cannot go.
pub fn remove(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, user: UserId, now: i64) -> Result<()> {
    let role = access::role_in(tx, ws, actor)?;
    if user != actor && !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can remove other people"));
    }
    let current = match tx.membership(ws, user)? {
        Some(m) if !m.removed => m,
        _ => return Err(Error::NotFound(NotFound::User)),
    };
    if current.user_type == UserType::Admin && tx.admin_count(ws)? <= 1 {
        return Err(Error::LastAdmin);
    }
    tx.put_membership(ws, user, Membership { user_type: current.user_type, removed: true }, now)?;
    let wu = tx.workspace_user(ws, user)?.ok_or(Error::NotFound(NotFound::User))?;
    let audience = Audience::workspace().and_user(user);
    emit(tx, ws, "workspace_user_removed", audience, &wu, now)?;
    notify::membership(tx, user, ws, None, NotifyReason::RemovedFromWorkspace, actor, now)?;
    Ok(())
}
