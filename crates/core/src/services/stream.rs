//! What the event stream needs: who may see what, and the missed events to replay.

use super::access;
use crate::error::Result;
use crate::event::Event;
use crate::ids::*;
use crate::policy::{self, StreamAccess};
use crate::store::Tx;

/// Loads what `user` may see of `ws` right now: ids only, never whole channels with their
/// members. Someone no longer a member gets an access that still lets through the events
/// addressed to them by name.
pub fn access(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId) -> Result<StreamAccess> {
    let Ok(role) = access::role_in(tx, ws, user) else {
        return Ok(StreamAccess { user, workspace: ws, is_member: false, ..Default::default() });
    };
    let channels = tx.visible_channel_ids(ws, user, policy::sees_public_channels(role))?.into_iter().collect();
    let conversations = tx.conversation_ids_of(ws, user)?.into_iter().collect();
    Ok(StreamAccess { user, workspace: ws, is_member: true, channels, conversations })
}

/// Every workspace's events after `after`: what the feed reads once for all streams.
pub fn events_after(tx: &mut dyn Tx, after: i64, limit: i64) -> Result<Vec<Event>> {
    tx.events_after(after, limit)
}

/// A page of the log replayed for one stream.
#[derive(Debug)]
pub struct Replay {
    /// The events of the stream's workspace that may concern its user (access is
    /// checked by the stream, which knows where access changed).
    pub events: Vec<Event>,
    /// Every event up to here has been read: the next page starts after it.
    pub through: i64,
}

/// The next page of `ws`'s log after `after` for `user`, read through the workspace's
/// index: at most `limit` events and about `max_bytes` of payload (always at least one).
/// An empty page reaches the log's head as this read saw it.
pub fn replay(
    tx: &mut dyn Tx,
    user: UserId,
    ws: WorkspaceId,
    after: i64,
    limit: i64,
    max_bytes: i64,
) -> Result<Replay> {
    let head = tx.event_head()?;
    let events = tx.workspace_events_after(ws, user, after, head, limit, max_bytes)?;
    let through = events.last().map_or(head.max(after), |e| e.seq);
    Ok(Replay { events, through })
}
