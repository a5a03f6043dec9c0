//! What calm analytics read: facts from the event log and the records the app keeps
//! (expectations, meetings, emergencies, access requests). Nothing here is a counter kept
//! up to date by posts: figures are computed when asked.

use crate::error::Result;
use crate::ids::*;

/// One event of the log, reduced to what analytics need.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFact {
    pub kind: String,
    pub ts: i64,
    /// The person an event for one person is for (a push's recipient).
    pub user: Option<UserId>,
    /// The author of the post the event adds (None for a thread announced again where it
    /// moved: not a new post).
    pub author: Option<UserId>,
    /// A push through the emergency lane.
    pub urgent: bool,
}

/// An emergency raised, and when someone first acknowledged it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmergencyFact {
    pub raised_by: UserId,
    pub raised_ts: i64,
    pub first_ack_ts: Option<i64>,
}

/// A request to join a channel, and its decision.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRequestFact {
    pub user: UserId,
    pub created_ts: i64,
    /// "approved" or "denied"; None while pending.
    pub decision: Option<String>,
    pub decided_ts: Option<i64>,
}

pub trait Analytics {
    /// The sequence number of the first event at or after `ts` (one past the newest when
    /// none is): the log is in time order, so a time range is a range of the log, found by
    /// bisection over its key instead of an index on time.
    fn event_seq_at(&mut self, ts: i64) -> Result<i64>;
    /// The workspace's events of these kinds with `from <= seq < to`; with `person`, only
    /// the posts they wrote and the events for them.
    fn event_facts(
        &mut self,
        ws: WorkspaceId,
        from: i64,
        to: i64,
        kinds: &[&str],
        person: Option<UserId>,
    ) -> Result<Vec<EventFact>>;
    /// Emergencies raised in `[from, to)`.
    fn emergency_facts(&mut self, ws: WorkspaceId, from: i64, to: i64) -> Result<Vec<EmergencyFact>>;
    /// Requests to join channels made in `[from, to)`.
    fn access_request_facts(&mut self, ws: WorkspaceId, from: i64, to: i64) -> Result<Vec<AccessRequestFact>>;
    /// Expectations asked in `[from, to)`, of every kind.
    fn expectations_asked_between(
        &mut self,
        ws: WorkspaceId,
        from: i64,
        to: i64,
    ) -> Result<Vec<crate::model::Expectation>>;
}
