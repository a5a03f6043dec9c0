//! Rotating coverage of a channel: who is on duty now and next, and the calls that manage
//! a rotation.

use super::{access, emit};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::payload::RotationUpdated;
use crate::policy;
use crate::rotation::{Duty, Override, Rotation};
use crate::store::Tx;

fn managed(tx: &mut dyn Tx, actor: UserId, channel: ChannelId) -> Result<crate::model::Channel> {
    let (ch, role) = access::channel(tx, channel, actor)?;
    if !policy::can_manage_channel(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's creator or an admin can manage its rotation"));
    }
    Ok(ch)
}

fn check_members(ch: &crate::model::Channel, r: &Rotation) -> Result<()> {
    for u in r.user_ids.iter().chain(r.overrides.iter().map(|o| &o.user_id)) {
        if !ch.user_ids.contains(u) {
            return Err(Error::invalid("user_ids", format!("user {u} is not in the channel")));
        }
    }
    Ok(())
}

fn save(tx: &mut dyn Tx, ch: &crate::model::Channel, r: &Rotation, now: i64) -> Result<()> {
    r.validate()?;
    check_members(ch, r)?;
    tx.put_rotation(ch.id, r, now)?;
    let payload = RotationUpdated { channel_id: ch.id, rotation: Some(r) };
    emit(tx, ch.workspace_id, "rotation_updated", Audience::channel(ch.id), &payload, now)?;
    Ok(())
}

pub fn add(tx: &mut dyn Tx, actor: UserId, channel: ChannelId, r: Rotation, now: i64) -> Result<Rotation> {
    let ch = managed(tx, actor, channel)?;
    if tx.rotation(channel)?.is_some() {
        return Err(Error::AlreadyExists(
            "this channel already has a rotation; change it with rotations/update".into(),
        ));
    }
    save(tx, &ch, &r, now)?;
    Ok(r)
}

#[derive(Debug, Default)]
pub struct Update {
    pub user_ids: Option<Vec<UserId>>,
    pub shift_hours: Option<i64>,
    pub handoff_time: Option<String>,
    pub timezone: Option<String>,
    pub starts_on: Option<String>,
    pub overrides: Option<Vec<Override>>,
}

pub fn update(tx: &mut dyn Tx, actor: UserId, channel: ChannelId, up: Update, now: i64) -> Result<Rotation> {
    let ch = managed(tx, actor, channel)?;
    let mut r = tx.rotation(channel)?.ok_or(Error::NotFound(NotFound::Resource))?;
    if let Some(v) = up.user_ids {
        r.user_ids = v;
    }
    if let Some(v) = up.shift_hours {
        r.shift_hours = v;
    }
    if let Some(v) = up.handoff_time {
        r.handoff_time = v;
    }
    if let Some(v) = up.timezone {
        r.timezone = v;
    }
    if let Some(v) = up.starts_on {
        r.starts_on = v;
    }
    if let Some(v) = up.overrides {
        r.overrides = v;
    }
    save(tx, &ch, &r, now)?;
    Ok(r)
}

pub fn remove(tx: &mut dyn Tx, actor: UserId, channel: ChannelId, now: i64) -> Result<()> {
    let ch = managed(tx, actor, channel)?;
    if !tx.delete_rotation(channel)? {
        return Err(Error::NotFound(NotFound::Resource));
    }
    let payload = RotationUpdated { channel_id: channel, rotation: None };
    emit(tx, ch.workspace_id, "rotation_updated", Audience::channel(channel), &payload, now)?;
    Ok(())
}

/// Takes people who left a channel out of its rotation and its swaps, so that nobody who
/// cannot see the channel is shown on duty and the rotation stays one its managers can
/// save. The shifts of those who remain close up; a rotation left with nobody ends.
pub fn drop_members(tx: &mut dyn Tx, ch: &crate::model::Channel, gone: &[UserId], now: i64) -> Result<()> {
    let Some(mut r) = tx.rotation(ch.id)? else { return Ok(()) };
    let before = (r.user_ids.len(), r.overrides.len());
    r.user_ids.retain(|u| !gone.contains(u));
    r.overrides.retain(|o| !gone.contains(&o.user_id));
    if (r.user_ids.len(), r.overrides.len()) == before {
        return Ok(());
    }
    let rotation = if r.user_ids.is_empty() {
        tx.delete_rotation(ch.id)?;
        None
    } else {
        tx.put_rotation(ch.id, &r, now)?;
        Some(&r)
    };
    let payload = RotationUpdated { channel_id: ch.id, rotation };
    emit(tx, ch.workspace_id, "rotation_updated", Audience::channel(ch.id), &payload, now)?;
    Ok(())
}

/// A channel's rotation; `None` when the channel (which the actor sees) has none.
pub fn get(tx: &mut dyn Tx, actor: UserId, channel: ChannelId) -> Result<Option<Rotation>> {
    access::channel(tx, channel, actor)?;
    tx.rotation(channel)
}

pub fn on_duty(tx: &mut dyn Tx, actor: UserId, channel: ChannelId, at: i64) -> Result<Duty> {
    let r = get(tx, actor, channel)?.ok_or(Error::NotFound(NotFound::Resource))?;
    r.on_duty(at).ok_or_else(|| Error::BadRequest(format!("the rotation starts on {}", r.starts_on)))
}
