//! The emergency lane and channel rotations (who covers a channel when).

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

/// The emergency lane (emergencies, their acknowledgements and escalation) and the
/// rotations that say who covers a channel when.
pub trait Emergencies {
    // the emergency lane
    fn insert_emergency(&mut self, e: &Emergency) -> Result<i64>;
    fn emergency(&mut self, id: i64) -> Result<Option<Emergency>>;
    fn emergencies(&mut self, ws: WorkspaceId, limit: i64) -> Result<Vec<Emergency>>;
    /// Records an acknowledgement; false if that person had already acknowledged.
    fn ack_emergency(&mut self, id: i64, user: UserId, ts: i64) -> Result<bool>;
    /// Emergencies whose escalation time has passed and that were not escalated yet.
    fn due_escalations(&mut self, now: i64) -> Result<Vec<Emergency>>;
    /// Closes the escalation: to these people (empty: it was not needed) at `ts`.
    fn set_escalated(&mut self, id: i64, to: &[UserId], ts: i64) -> Result<()>;

    // rotations
    fn rotation(&mut self, channel: ChannelId) -> Result<Option<crate::rotation::Rotation>>;
    fn put_rotation(&mut self, channel: ChannelId, r: &crate::rotation::Rotation, now: i64) -> Result<()>;
    fn delete_rotation(&mut self, channel: ChannelId) -> Result<bool>;
}
