//! The emergency lane: channels where a post reaches its people at once, through
//! do-not-disturb and off-hours, must be acknowledged, and goes to the admins if nobody
//! does. Every use is visible to everyone who sees its channel.

use super::{access, emit, schedules};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::payload::{Push, PushDelivery, PushItem};
use crate::policy;
use crate::schedule;
use crate::store::Tx;
use serde_json::json;
use std::collections::HashSet;

pub const LOG_LIMIT: i64 = 100;

/// A post in an emergency channel must say it is urgent; `urgent` elsewhere is a mistake.
pub fn check(ch: &Channel, urgent: bool) -> Result<()> {
    match (ch.emergency, urgent) {
        (true, false) => Err(Error::invalid(
            "urgent",
            format!(
                "#{} is an emergency channel: a post here reaches people at once, through do-not-disturb and \
                 off-hours, and the whole team sees it. If this is an emergency, send it again with urgent=true; \
                 otherwise post in another channel",
                ch.name
            ),
        )),
        (false, true) => Err(Error::invalid("urgent", format!("#{} is not an emergency channel", ch.name))),
        _ => Ok(()),
    }
}

/// Sends an urgent push to `users`, whatever their schedule.
fn push_urgently(tx: &mut dyn Tx, ws: WorkspaceId, e: &Emergency, users: &[UserId], now: i64) -> Result<()> {
    let item =
        PushItem::Urgent { emergency_id: e.id, thread_id: e.thread_id, comment_id: e.comment_id, created_ts: now };
    let payload = Push::one(PushDelivery::Urgent, item);
    for &u in users {
        emit(tx, ws, Push::KIND, Audience::user(u), &payload, now)?;
    }
    Ok(())
}

/// Whether `user` is away now (their away period, in their time zone).
fn away(tx: &mut dyn Tx, user: UserId, now: i64) -> Result<bool> {
    Ok(tx.user(user)?.is_some_and(|u| {
        let s = schedules::effective_from(None, &u, now);
        schedule::is_away(&s, u.away_mode.as_ref(), now)
    }))
}

/// The workspace's admins who are not away, but for `except`.
fn admins(tx: &mut dyn Tx, ws: WorkspaceId, except: UserId, now: i64) -> Result<Vec<UserId>> {
    let mut out = Vec::new();
    for wu in tx.workspace_users(ws)? {
        let active = !wu.removed && !wu.invite_pending && !wu.deactivated;
        if wu.user_type == UserType::Admin && active && wu.id != except && !away(tx, wu.id, now)? {
            out.push(wu.id);
        }
    }
    Ok(out)
}

/// Raises an emergency for an urgent post: pushes its notified people at once (those away
/// are replaced by the admins), logs it for the team, and sets the escalation time.
/// An urgent post is the emergency lane's: everyone it concerns is reached at once, in the
/// post's own transaction rather than by the fan-out, and an emergency is raised. Rare, and
/// the author learns from the answer whom it reached.
pub(crate) fn deliver_urgent(tx: &mut dyn Tx, thread: &Thread, comment: Option<&Comment>, now: i64) -> Result<()> {
    let ch = tx.channel(thread.channel_id, thread.creator)?.ok_or(Error::NotFound(NotFound::Channel))?;
    let asked =
        super::notify::asked(tx, &ch.user_ids, &thread.participants, &super::notify::Post::of(thread, comment))?;
    let asked_ids: Vec<UserId> = asked.iter().map(|(u, _)| *u).collect();
    let facts = super::notify::Facts::load(tx, &[(thread, &asked_ids)])?;
    let who = facts.able(&ch, asked);
    let mut out = super::notify::Deliveries::default();
    super::notify::deliver(&facts, &mut out, thread, comment, &who, true)?;
    if comment.is_some() {
        // What the fan-out does for every other comment: unread in every inbox holding it.
        tx.flag_unread(thread.id)?;
    }
    out.write(tx, Some(&facts), now)?;
    let users: Vec<UserId> = who.iter().map(|(u, _)| *u).collect();
    raise(tx, thread, comment, &users, now).map(drop)
}

pub fn raise(
    tx: &mut dyn Tx,
    thread: &Thread,
    comment: Option<&Comment>,
    notified: &[UserId],
    now: i64,
) -> Result<Emergency> {
    let ws = tx.workspace(thread.workspace_id)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    let author = comment.map_or(thread.creator, |c| c.creator);
    let mut reached = Vec::new();
    let mut someone_away = false;
    for &u in notified {
        if away(tx, u, now)? { someone_away = true } else { reached.push(u) }
    }
    if someone_away || reached.is_empty() {
        for a in admins(tx, ws.id, author, now)? {
            if !reached.contains(&a) {
                reached.push(a);
            }
        }
    }
    let mut e = Emergency {
        id: 0,
        workspace_id: ws.id,
        channel_id: thread.channel_id,
        thread_id: thread.id,
        comment_id: comment.map(|c| c.id),
        raised_by: author,
        raised_ts: now,
        reached,
        escalate_ts: Some(now + ws.escalation_minutes.max(1) * 60),
        escalated_ts: None,
        escalated_to: vec![],
        acks: vec![],
    };
    e.id = tx.insert_emergency(&e)?;
    push_urgently(tx, ws.id, &e, &e.reached.clone(), now)?;
    emit(tx, ws.id, "emergency_raised", Audience::channel(e.channel_id), &e, now)?;
    Ok(e)
}

/// The log: every use of the lane in the workspace's channels the actor can see, newest
/// first.
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<Emergency>> {
    let role = access::role_in(tx, ws, actor)?;
    let visible: HashSet<ChannelId> =
        tx.channels_in(ws, actor)?.iter().filter(|c| policy::can_see_channel(role, c, actor)).map(|c| c.id).collect();
    let mut log = tx.emergencies(ws, LOG_LIMIT)?;
    log.retain(|e| visible.contains(&e.channel_id));
    Ok(log)
}

/// Acknowledging takes sight of the emergency's channel; one out of sight is not found.
pub fn ack(tx: &mut dyn Tx, actor: UserId, id: i64, now: i64) -> Result<Emergency> {
    let e = tx.emergency(id)?.ok_or(Error::NotFound(NotFound::Resource))?;
    access::channel(tx, e.channel_id, actor).map_err(|_| Error::NotFound(NotFound::Resource))?;
    if tx.ack_emergency(id, actor, now)? {
        let payload = json!({"id": id, "user_id": actor, "ts": now});
        emit(tx, e.workspace_id, "emergency_acknowledged", Audience::channel(e.channel_id), &payload, now)?;
    }
    tx.emergency(id)?.ok_or(Error::NotFound(NotFound::Resource))
}

/// Escalates the emergencies nobody acknowledged in time: the admins are pushed at once.
/// One write transaction, so on several nodes it happens once.
pub fn escalate_due(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let due = tx.due_escalations(now)?;
    for e in &due {
        if !e.acks.is_empty() {
            tx.set_escalated(e.id, &[], now)?;
            continue;
        }
        let to = admins(tx, e.workspace_id, e.raised_by, now)?;
        push_urgently(tx, e.workspace_id, e, &to, now)?;
        tx.set_escalated(e.id, &to, now)?;
        let payload = json!({"id": e.id, "escalated_to": to, "ts": now});
        emit(tx, e.workspace_id, "emergency_escalated", Audience::channel(e.channel_id), &payload, now)?;
    }
    Ok(due.len())
}
