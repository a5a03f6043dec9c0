//! What the event stream needs: who may see what, and the missed events to replay.

use super::access;
use crate::error::Result;
use crate::event::Event;
use crate::ids::*;
use crate::policy::{self, StreamAccess};
use crate::store::Tx;

/// Loads what `user` may see of `ws` right now. Errors with `NotFound` if they are not a member.
pub fn access(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId) -> Result<StreamAccess> {
    let Ok(role) = access::role_in(tx, ws, user) else {
        // Someone just removed still receives the events addressed to them by name.
        return Ok(StreamAccess { user, workspace: ws, is_member: false, ..Default::default() });
    };
    let channels = tx
        .channels_in(ws, user)?
        .into_iter()
        .filter(|c| policy::can_see_channel(role, c, user))
        .map(|c| c.id)
        .collect();
    let conversations = tx.conversations_of(ws, user)?.into_iter().map(|c| c.id).collect();
    Ok(StreamAccess { user, workspace: ws, is_member: true, channels, conversations })
}

/// Checks that `user` may open a stream on `ws`.
pub fn open(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId) -> Result<StreamAccess> {
    access::role_in(tx, ws, user)?;
    access(tx, user, ws)
}

pub fn events_after(tx: &mut dyn Tx, after: i64, limit: i64) -> Result<Vec<Event>> {
    tx.events_after(after, limit)
}
