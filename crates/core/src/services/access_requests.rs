//! Asking to join a channel one cannot see, and deciding: `access/request`, `access/approve`,
//! `access/deny`, `access/get_requests`. An approval adds the requester to the channel
//! (which notifies them, as any addition does); the decision and its time are kept, so the
//! time to grant can be measured.

use super::{access, channels, emit, notify};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::store::Tx;

/// How many requests a list answers at most.
pub const LIST_LIMIT: i64 = 500;

/// `actor` asks to join channel `id`. The channel must be in a workspace they are an active
/// member of (otherwise, as for anything they cannot see, it is not found); asking again
/// while a request is pending answers that request.
pub fn request(tx: &mut dyn Tx, actor: UserId, id: ChannelId, note: String, now: i64) -> Result<AccessRequest> {
    let ch = tx.channel(id, actor)?.ok_or(Error::NotFound(NotFound::Channel))?;
    let role = access::role_in(tx, ch.workspace_id, actor).map_err(|_| Error::NotFound(NotFound::Channel))?;
    if policy::can_see_channel(role, &ch, actor) {
        return Err(Error::BadRequest("you can already see this channel".into()));
    }
    if ch.archived {
        return Err(Error::forbidden("the channel is archived"));
    }
    if let Some(pending) = tx.pending_access_request(id, actor)? {
        return Ok(pending);
    }
    let mut r = AccessRequest {
        id: 0,
        workspace_id: ch.workspace_id,
        channel_id: id,
        user_id: actor,
        note,
        created_ts: now,
        decision: None,
        decided_by: None,
        decided_ts: None,
    };
    r.id = tx.insert_access_request(&r)?;
    // The channel's members hear of it (those who may add people decide); so does the
    // requester's own app.
    emit(tx, r.workspace_id, "access_requested", Audience::channel(id).and_user(actor), &r, now)?;
    for decider in deciders(tx, &ch)? {
        notify::membership(tx, decider, ch.workspace_id, Some(id), NotifyReason::AccessRequested, actor, now)?;
    }
    Ok(r)
}

/// Who is told of a request (all of them may decide it): the channel's creator and the
/// admins among those who decide — or, when none of them is left, everyone who decides
/// (a private channel's members).
fn deciders(tx: &mut dyn Tx, ch: &Channel) -> Result<Vec<UserId>> {
    let members = tx.workspace_users(ch.workspace_id)?;
    let active = |u: &&WorkspaceUser| !u.removed && !u.invite_pending && !u.deactivated;
    let deciding: Vec<&WorkspaceUser> =
        members.iter().filter(active).filter(|u| decides(u.user_type, ch, u.id)).collect();
    let first: Vec<UserId> =
        deciding.iter().filter(|u| u.id == ch.creator || u.user_type == UserType::Admin).map(|u| u.id).collect();
    Ok(if first.is_empty() { deciding.iter().map(|u| u.id).collect() } else { first })
}

/// Approves or denies a pending request, by whoever `decides`. Approving adds the requester
/// to the channel.
pub fn decide(tx: &mut dyn Tx, actor: UserId, id: i64, decision: AccessDecision, now: i64) -> Result<AccessRequest> {
    let mut r = tx.access_request(id)?.ok_or(Error::NotFound(NotFound::Resource))?;
    let (ch, role) = access::channel(tx, r.channel_id, actor).map_err(|_| Error::NotFound(NotFound::Resource))?;
    if !decides(role, &ch, actor) {
        return Err(Error::forbidden("only the channel's members (not guests) and admins who see it decide who joins"));
    }
    if r.decision.is_some() {
        return Err(Error::AlreadyExists("this request was already decided".into()));
    }
    if ch.archived {
        return Err(Error::forbidden("the channel is archived"));
    }
    match decision {
        // A requester who left the workspace meanwhile cannot be added: not found. Being
        // added tells them.
        AccessDecision::Approved => channels::admit(tx, actor, &ch, &[r.user_id], now)?,
        AccessDecision::Denied => {
            notify::membership(tx, r.user_id, ch.workspace_id, Some(ch.id), NotifyReason::AccessDenied, actor, now)?
        }
    }
    tx.decide_access_request(id, decision, actor, now)?;
    (r.decision, r.decided_by, r.decided_ts) = (Some(decision), Some(actor), Some(now));
    emit(tx, r.workspace_id, "access_request_updated", Audience::channel(ch.id).and_user(r.user_id), &r, now)?;
    Ok(r)
}

/// The requests of workspace `ws` that `actor` `decides`, and their own, newest first.
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, pending_only: bool) -> Result<Vec<AccessRequest>> {
    let role = access::role_in(tx, ws, actor)?;
    let requests = tx.access_requests_in(ws, pending_only, LIST_LIMIT)?;
    if requests.is_empty() {
        return Ok(requests);
    }
    let channels: std::collections::HashMap<ChannelId, Channel> =
        tx.channels_in(ws, actor)?.into_iter().map(|c| (c.id, c)).collect();
    Ok(requests
        .into_iter()
        .filter(|r| r.user_id == actor || channels.get(&r.channel_id).is_some_and(|c| decides(role, c, actor)))
        .collect())
}

/// Who decides who joins a channel: whoever sees it and may add people to it — its members
/// but guests, and admins of a public one (being an admin does not open private channels).
fn decides(role: UserType, ch: &Channel, actor: UserId) -> bool {
    policy::can_see_channel(role, ch, actor) && policy::can_add_to_channel(role, ch, actor)
}
