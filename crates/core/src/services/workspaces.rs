//! Workspaces: a team and its members.

use super::{access, emit};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::payload::Shared;
use crate::policy;
use crate::store::{Membership, NewChannel, Tx};

pub const DEFAULT_CHANNEL_NAME: &str = "General";

/// Creates a workspace; its creator becomes its first ADMIN, and a public "General"
/// channel is made its default channel.
/// The longest an emergency may wait for an acknowledgement before it goes to the admins.
pub const MAX_ESCALATION_MINUTES: i64 = 24 * 60;

pub fn add(tx: &mut dyn Tx, actor: UserId, name: String, color: Option<i64>, now: i64) -> Result<Workspace> {
    let id = tx.insert_workspace(&name, color, actor, now)?;
    tx.put_membership(id, actor, Membership::active(UserType::Admin), now)?;
    let general = tx.insert_channel(&NewChannel::plain(id, actor, DEFAULT_CHANNEL_NAME.to_string(), true, now))?;
    tx.add_channel_members(general, &[actor])?;
    let mut ws = tx.workspace(id)?.ok_or(Error::Internal("workspace vanished".into()))?;
    ws.default_channel = Some(general);
    tx.update_workspace(&ws)?;
    let ws = tx.workspace(id)?.ok_or(Error::Internal("workspace vanished".into()))?;
    emit(tx, id, "workspace_added", Audience::workspace(), &ws, now)?;
    if let Some(ch) = tx.channel(general, actor)? {
        emit(tx, id, "channel_added", Audience::channel(general), &Shared(&ch), now)?;
    }
    Ok(ws)
}

pub fn list(tx: &mut dyn Tx, actor: UserId) -> Result<Vec<Workspace>> {
    tx.workspaces_of(actor)
}

pub fn get(tx: &mut dyn Tx, actor: UserId, id: WorkspaceId) -> Result<Workspace> {
    Ok(access::workspace(tx, id, actor)?.0)
}

/// The user's chosen default workspace, or else the first one they joined.
pub fn get_default(tx: &mut dyn Tx, actor: &User) -> Result<Workspace> {
    let all = tx.workspaces_of(actor.id)?;
    let chosen = actor.default_workspace.and_then(|d| all.iter().find(|w| w.id == d).cloned());
    chosen.or_else(|| all.into_iter().next()).ok_or(Error::NotFound(NotFound::Workspace))
}

/// What `workspaces/update` changes (None: left as it is).
#[derive(Debug, Default)]
pub struct Update {
    pub name: Option<String>,
    pub color: Option<i64>,
    pub escalation_minutes: Option<i64>,
    pub expected_response_hours: Option<i64>,
}

pub fn update(tx: &mut dyn Tx, actor: UserId, id: WorkspaceId, up: Update, now: i64) -> Result<Workspace> {
    let Update { name, color, escalation_minutes, expected_response_hours } = up;
    let (mut ws, role) = access::workspace(tx, id, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can change the workspace"));
    }
    if let Some(n) = name {
        ws.name = n;
    }
    if color.is_some() {
        ws.color = color;
    }
    if let Some(m) = escalation_minutes {
        if !(1..=MAX_ESCALATION_MINUTES).contains(&m) {
            return Err(Error::invalid(
                "escalation_minutes",
                format!("expected 1 to {MAX_ESCALATION_MINUTES} minutes"),
            ));
        }
        ws.escalation_minutes = m;
    }
    if let Some(h) = expected_response_hours {
        super::expectations::check_response_hours(h)?;
        ws.expected_response_hours = h;
    }
    tx.update_workspace(&ws)?;
    let ws = tx.workspace(id)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    emit(tx, id, "workspace_updated", Audience::workspace(), &ws, now)?;
    Ok(ws)
}

/// Deletes the workspace and everything in it. The caller has checked the password.
pub fn remove(tx: &mut dyn Tx, actor: UserId, id: WorkspaceId, now: i64) -> Result<()> {
    let (ws, role) = access::workspace(tx, id, actor)?;
    if !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can remove the workspace"));
    }
    emit(tx, id, "workspace_deleted", Audience::workspace(), &ws, now)?;
    tx.delete_workspace(id)
}

pub fn public_channels(tx: &mut dyn Tx, actor: UserId, id: WorkspaceId) -> Result<Vec<Channel>> {
    let role = access::role_in(tx, id, actor)?;
    let mut out = tx.channels_in(id, actor)?;
    out.retain(|c| c.public && !c.archived && policy::can_see_channel(role, c, actor));
    Ok(out)
}
