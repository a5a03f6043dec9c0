//! The event log: every change's event, numbered without gaps.

use crate::error::Result;
use crate::event::{Event, Fanout, NewEvent};
use crate::ids::{UserId, WorkspaceId};

/// How far the fan-out has got: every post event before `seq` is done, and `seq` itself
/// whole — or, while its people are done in slices, for those up to `after_user`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FanoutCursor {
    pub seq: i64,
    pub after_user: Option<UserId>,
}

/// A post event the fan-out has still to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingFanout {
    pub seq: i64,
    pub workspace_id: WorkspaceId,
    pub fanout: Fanout,
}

/// The event log. Appending also moves each addressed person's event head (their inbox
/// version, see `Inbox::inbox_version`).
pub trait Events {
    fn append_event(&mut self, e: &NewEvent, now: i64) -> Result<()>;
    /// Several events at once, in order. They are numbered as the transaction commits: in a
    /// workspace's job (`WriteScope::Workspace`), only then.
    fn append_events(&mut self, events: &[NewEvent], now: i64) -> Result<()>;
    fn events_after(&mut self, after: i64, limit: i64) -> Result<Vec<Event>>;
    /// The events of workspace `ws` in `(after, through]` that are not addressed to
    /// someone other than `user`, in order: at most `limit`, and no more than `max_bytes`
    /// of payload but always at least one. Through an index on the workspace: other
    /// workspaces' events are not read.
    fn workspace_events_after(
        &mut self,
        ws: WorkspaceId,
        user: UserId,
        after: i64,
        through: i64,
        limit: i64,
        max_bytes: i64,
    ) -> Result<Vec<Event>>;
    fn event_head(&mut self) -> Result<i64>;
    /// Rewrites `ws`'s earlier events that name `user` (`event::PERSON_KINDS`) as
    /// `event::erase_person` says: after their account was deleted. Reads the workspace's
    /// log through its index, once.
    fn erase_person_from_events(&mut self, ws: WorkspaceId, user: UserId) -> Result<()>;
    /// Takes the fan-out's turn until the transaction ends: other nodes' fan-out jobs wait,
    /// even those of other workspaces, which no other lock would hold back.
    fn lock_fanout(&mut self) -> Result<()>;
    fn set_fanout_cursor(&mut self, cursor: FanoutCursor) -> Result<()>;
    /// Where the fan-out is (the start of the log before it first ran), and the post events
    /// that still wait for it, in order, at most `limit`: from the cursor's own event while
    /// it is done only in part, else from the next. Through an index of those events only;
    /// one round trip.
    fn fanout_pending(&mut self, limit: i64) -> Result<(FanoutCursor, Vec<PendingFanout>)>;
    /// Events of one kind after `after`, in order.
    fn events_of_kind_after(&mut self, kind: &str, after: i64, limit: i64) -> Result<Vec<Event>>;
}
