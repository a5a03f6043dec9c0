//! Groups: named sets of people (`@design`) usable in notify lists and mentions.

use super::{access, dedup, emit, emit_member_change};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::payload::Members;
use crate::policy;
use crate::store::Tx;

pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<Group>> {
    access::role_in(tx, ws, actor)?;
    tx.groups_in(ws)
}

pub fn get(tx: &mut dyn Tx, actor: UserId, id: GroupId) -> Result<Group> {
    Ok(access::group(tx, id, actor)?.0)
}

pub struct NewGroup {
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub color: Option<i64>,
    pub user_ids: Vec<UserId>,
}

pub fn add(tx: &mut dyn Tx, actor: UserId, new: NewGroup, now: i64) -> Result<Group> {
    let ws = new.workspace_id;
    let role = access::role_in(tx, ws, actor)?;
    if !policy::can_create_in_workspace(role) {
        return Err(Error::forbidden("guests cannot create groups"));
    }
    access::require_members(tx, ws, &new.user_ids)?;
    let id = tx.insert_group(ws, &new.name, &new.description, new.color)?;
    tx.add_group_members(id, &dedup(new.user_ids.iter().copied()))?;
    let g = tx.group(id)?.ok_or(Error::Internal("group vanished".into()))?;
    emit(tx, ws, "group_added", Audience::workspace(), &g, now)?;
    Ok(g)
}

fn managed(tx: &mut dyn Tx, actor: UserId, id: GroupId) -> Result<Group> {
    let (g, role) = access::group(tx, id, actor)?;
    if !policy::can_create_in_workspace(role) {
        return Err(Error::forbidden("guests cannot change groups"));
    }
    Ok(g)
}

pub fn update(
    tx: &mut dyn Tx,
    actor: UserId,
    id: GroupId,
    name: Option<String>,
    description: Option<String>,
    color: Option<i64>,
    now: i64,
) -> Result<Group> {
    let mut g = managed(tx, actor, id)?;
    if let Some(n) = name {
        g.name = n;
    }
    if let Some(d) = description {
        g.description = d;
    }
    if color.is_some() {
        g.color = color;
    }
    tx.update_group(&g)?;
    let g = tx.group(id)?.ok_or(Error::NotFound(NotFound::Group))?;
    emit(tx, g.workspace_id, "group_updated", Audience::workspace(), &g, now)?;
    Ok(g)
}

pub fn remove(tx: &mut dyn Tx, actor: UserId, id: GroupId, now: i64) -> Result<()> {
    let g = managed(tx, actor, id)?;
    emit(tx, g.workspace_id, "group_deleted", Audience::workspace(), &g, now)?;
    tx.delete_group(id)
}

pub fn add_users(tx: &mut dyn Tx, actor: UserId, id: GroupId, users: &[UserId], now: i64) -> Result<()> {
    let g = managed(tx, actor, id)?;
    access::require_members(tx, g.workspace_id, users)?;
    let new: Vec<UserId> = dedup(users.iter().copied()).into_iter().filter(|u| !g.user_ids.contains(u)).collect();
    tx.add_group_members(id, &new)?;
    for u in new {
        emit_member_change(tx, g.workspace_id, Members::Group(id), u, true, now)?;
    }
    Ok(())
}

pub fn remove_users(tx: &mut dyn Tx, actor: UserId, id: GroupId, users: &[UserId], now: i64) -> Result<()> {
    let g = managed(tx, actor, id)?;
    let gone: Vec<UserId> = dedup(users.iter().copied()).into_iter().filter(|u| g.user_ids.contains(u)).collect();
    tx.remove_group_members(id, &gone)?;
    for u in gone {
        emit_member_change(tx, g.workspace_id, Members::Group(id), u, false, now)?;
    }
    Ok(())
}
