//! Channels: public or private places for threads.

use super::{access, dedup, emit, emit_member_change, notify};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::payload::Members;
use crate::payload::Shared;
use crate::policy;
use crate::store::{NewChannel, Tx};

pub struct NewChannelInput {
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: Option<String>,
    pub public: bool,
    pub color: Option<i64>,
    pub icon: Option<i64>,
    pub user_ids: Vec<UserId>,
    pub default_groups: Vec<GroupId>,
    pub default_recipients: Option<Vec<UserId>>,
    pub is_favorited: bool,
    pub emergency: bool,
    /// The channel's own expected response time, in working hours.
    pub expected_response_hours: Option<i64>,
}

pub fn add(tx: &mut dyn Tx, actor: UserId, input: NewChannelInput, now: i64) -> Result<Channel> {
    let ws = input.workspace_id;
    let role = access::role_in(tx, ws, actor)?;
    if !policy::can_create_in_workspace(role) {
        return Err(Error::forbidden("guests cannot create channels"));
    }
    if input.emergency && !policy::can_administer_workspace(role) {
        return Err(Error::forbidden("only admins can make an emergency channel"));
    }
    access::require_members(tx, ws, &input.user_ids)?;
    let defaults = input.default_recipients.clone().unwrap_or_default();
    access::require_members(tx, ws, &defaults)?;
    check_groups(tx, ws, &input.default_groups)?;
    if let Some(h) = input.expected_response_hours {
        super::expectations::check_response_hours(h)?;
    }
    let id = tx.insert_channel(&NewChannel {
        workspace_id: ws,
        name: input.name,
        description: input.description.unwrap_or_default(),
        creator: actor,
        public: input.public,
        color: input.color,
        icon: input.icon,
        use_default_recipients: input.default_recipients.is_some() || !input.default_groups.is_empty(),
        default_groups: input.default_groups,
        default_recipients: defaults,
        emergency: input.emergency,
        expected_response_hours: input.expected_response_hours,
        now,
    })?;
    let members = dedup(std::iter::once(actor).chain(input.user_ids));
    tx.add_channel_members(id, &members)?;
    if input.is_favorited {
        tx.set_channel_favorite(id, actor, true)?;
    }
    let ch = tx.channel(id, actor)?.ok_or(Error::Internal("channel vanished".into()))?;
    emit(tx, ws, "channel_added", Audience::channel(id), &Shared(&ch), now)?;
    Ok(ch)
}

fn check_groups(tx: &mut dyn Tx, ws: WorkspaceId, groups: &[GroupId]) -> Result<()> {
    for &g in groups {
        if g.0 == GROUP_EVERYONE_IN_CHANNEL || g.0 == GROUP_EVERYONE_IN_THREAD {
            continue;
        }
        match tx.group(g)? {
            Some(group) if group.workspace_id == ws => {}
            _ => return Err(Error::NotFound(NotFound::Group)),
        }
    }
    Ok(())
}

pub fn get(tx: &mut dyn Tx, actor: UserId, id: ChannelId) -> Result<Channel> {
    Ok(access::channel(tx, id, actor)?.0)
}

/// The channels the actor can see; `archived` picks archived or active ones.
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, archived: Option<bool>) -> Result<Vec<Channel>> {
    let role = access::role_in(tx, ws, actor)?;
    let mut all = tx.channels_in(ws, actor)?;
    all.retain(|c| policy::can_see_channel(role, c, actor) && archived.is_none_or(|a| c.archived == a));
    Ok(all)
}

#[derive(Default)]
pub struct Update {
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
    pub color: Option<i64>,
    pub icon: Option<i64>,
    pub default_groups: Option<Vec<GroupId>>,
    pub default_recipients: Option<Vec<UserId>>,
    pub is_favorited: Option<bool>,
    pub emergency: Option<bool>,
    /// The channel's own expected response time, in working hours; 0 goes back to the
    /// workspace's.
    pub expected_response_hours: Option<i64>,
}

pub fn update(tx: &mut dyn Tx, actor: UserId, id: ChannelId, up: Update, now: i64) -> Result<Channel> {
    let (mut ch, role) = access::channel(tx, id, actor)?;
    let changes_channel = up.name.is_some()
        || up.description.is_some()
        || up.public.is_some()
        || up.color.is_some()
        || up.icon.is_some()
        || up.default_groups.is_some()
        || up.default_recipients.is_some()
        || up.emergency.is_some()
        || up.expected_response_hours.is_some();
    if changes_channel && !policy::can_manage_channel(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's creator or an admin can change it"));
    }
    if let Some(f) = up.is_favorited {
        tx.set_channel_favorite(id, actor, f)?;
    }
    if !changes_channel {
        return get(tx, actor, id);
    }
    if let Some(v) = up.emergency {
        if !policy::can_administer_workspace(role) {
            return Err(Error::forbidden("only admins can make or unmake an emergency channel"));
        }
        ch.emergency = v;
    }
    if let Some(h) = up.expected_response_hours {
        if h != 0 {
            super::expectations::check_response_hours(h)?;
        }
        ch.expected_response_hours = (h != 0).then_some(h);
    }
    if let Some(v) = up.name {
        ch.name = v;
    }
    if let Some(v) = up.description {
        ch.description = v;
    }
    if let Some(v) = up.public {
        ch.public = v;
    }
    if up.color.is_some() {
        ch.color = up.color;
    }
    if up.icon.is_some() {
        ch.icon = up.icon;
    }
    if let Some(v) = up.default_groups {
        check_groups(tx, ch.workspace_id, &v)?;
        ch.default_groups = v;
        ch.use_default_recipients = true;
    }
    if let Some(v) = up.default_recipients {
        access::require_members(tx, ch.workspace_id, &v)?;
        ch.default_recipients = v;
        ch.use_default_recipients = true;
    }
    changed(tx, ch, actor, now)
}

fn changed(tx: &mut dyn Tx, ch: Channel, actor: UserId, now: i64) -> Result<Channel> {
    tx.update_channel(&ch)?;
    let ch = tx.channel(ch.id, actor)?.ok_or(Error::NotFound(NotFound::Channel))?;
    emit(tx, ch.workspace_id, "channel_updated", Audience::channel(ch.id), &Shared(&ch), now)?;
    Ok(ch)
}

pub fn set_archived(tx: &mut dyn Tx, actor: UserId, id: ChannelId, archived: bool, now: i64) -> Result<Channel> {
    let (mut ch, role) = access::channel(tx, id, actor)?;
    if !policy::can_manage_channel(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's creator or an admin can archive it"));
    }
    ch.archived = archived;
    changed(tx, ch, actor, now)
}

/// Deletes an archived channel with its threads.
pub fn remove(tx: &mut dyn Tx, actor: UserId, id: ChannelId, now: i64) -> Result<()> {
    let (ch, role) = access::channel(tx, id, actor)?;
    if !policy::can_manage_channel(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's creator or an admin can remove it"));
    }
    if !ch.archived {
        return Err(Error::BadRequest("archive the channel before removing it".into()));
    }
    emit(tx, ch.workspace_id, "channel_deleted", Audience::channel(id), &ch, now)?;
    tx.delete_channel(id)
}

pub fn set_favorite(tx: &mut dyn Tx, actor: UserId, id: ChannelId, favorite: bool) -> Result<()> {
    access::channel(tx, id, actor)?;
    tx.set_channel_favorite(id, actor, favorite)
}

/// Sets how much of a channel's activity notifies the caller; their other sessions hear of
/// it (the channel with their own state, to them alone).
pub fn set_notifications(
    tx: &mut dyn Tx,
    actor: UserId,
    id: ChannelId,
    level: ChannelNotifications,
    now: i64,
) -> Result<Channel> {
    access::channel(tx, id, actor)?;
    tx.set_channel_notifications(id, actor, level)?;
    let (ch, _) = access::channel(tx, id, actor)?;
    emit(tx, ch.workspace_id, "channel_updated", Audience::user(actor), &ch, now)?;
    Ok(ch)
}

pub fn add_users(tx: &mut dyn Tx, actor: UserId, id: ChannelId, users: &[UserId], now: i64) -> Result<()> {
    let (ch, role) = access::channel(tx, id, actor)?;
    if !policy::can_add_to_channel(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's members can add people to it"));
    }
    if ch.archived {
        return Err(Error::forbidden("the channel is archived"));
    }
    admit(tx, actor, &ch, users, now)
}

/// Adds active members of the workspace to `ch` (those not in it yet), each told by
/// `actor`; anyone else is not found. The caller checked that `actor` may.
pub(crate) fn admit(tx: &mut dyn Tx, actor: UserId, ch: &Channel, users: &[UserId], now: i64) -> Result<()> {
    access::require_members(tx, ch.workspace_id, users)?;
    let new: Vec<UserId> = dedup(users.iter().copied()).into_iter().filter(|u| !ch.user_ids.contains(u)).collect();
    tx.add_channel_members(ch.id, &new)?;
    for u in new {
        emit_member_change(tx, ch.workspace_id, Members::Channel(ch.id), u, true, now)?;
        notify::membership(tx, u, ch.workspace_id, Some(ch.id), NotifyReason::AddedToChannel, actor, now)?;
    }
    Ok(())
}

pub fn remove_users(tx: &mut dyn Tx, actor: UserId, id: ChannelId, users: &[UserId], now: i64) -> Result<()> {
    let (ch, role) = access::channel(tx, id, actor)?;
    let only_self = users.iter().all(|u| *u == actor);
    if !only_self && !policy::can_manage_channel(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's creator or an admin can remove other people"));
    }
    let gone: Vec<UserId> = dedup(users.iter().copied()).into_iter().filter(|u| ch.user_ids.contains(u)).collect();
    tx.remove_channel_members(id, &gone)?;
    super::rotations::drop_members(tx, &ch, &gone, now)?;
    for u in gone {
        emit_member_change(tx, ch.workspace_id, Members::Channel(id), u, false, now)?;
        notify::membership(tx, u, ch.workspace_id, Some(id), NotifyReason::RemovedFromChannel, actor, now)?;
    }
    Ok(())
}

/// Joining a public channel (or rejoining one the actor can already see).
pub fn join(tx: &mut dyn Tx, actor: UserId, id: ChannelId, now: i64) -> Result<Channel> {
    let (ch, _) = access::channel(tx, id, actor)?;
    if ch.archived {
        return Err(Error::forbidden("the channel is archived"));
    }
    if !ch.user_ids.contains(&actor) {
        tx.add_channel_members(id, &[actor])?;
        emit_member_change(tx, ch.workspace_id, Members::Channel(id), actor, true, now)?;
    }
    get(tx, actor, id)
}

pub fn leave(tx: &mut dyn Tx, actor: UserId, id: ChannelId, now: i64) -> Result<()> {
    remove_users(tx, actor, id, &[actor], now)
}
