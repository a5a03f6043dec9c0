//! Deciding in writing: decisions marked in threads, and meetings with their outcomes.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

/// Which decisions a log wants.
#[derive(Debug, Clone, Default)]
pub struct DecisionQuery {
    pub workspace: WorkspaceId,
    /// The channels the reader sees (only their threads' decisions are answered).
    pub channels: Vec<ChannelId>,
    pub thread: Option<ThreadId>,
    /// Marked at or after / before.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Words the thread's title or the decision contains (case-insensitive).
    pub query: Option<String>,
    /// Earlier decisions too, not only each thread's current one.
    pub history: bool,
    /// Older than this decision id (the next page).
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub trait Decisions {
    /// Marks a comment as its thread's decision, ending the current one (kept in the history).
    fn mark_decision(
        &mut self,
        ws: WorkspaceId,
        thread: ThreadId,
        comment: CommentId,
        by: UserId,
        meeting: Option<i64>,
        now: i64,
    ) -> Result<i64>;
    /// Ends a thread's current decision, if it has one; answers whether it had.
    fn end_decision(&mut self, thread: ThreadId, by: UserId, now: i64) -> Result<bool>;
    /// Decisions newest first.
    fn decisions(&mut self, q: &DecisionQuery) -> Result<Vec<Decision>>;

    fn insert_meeting(&mut self, m: &Meeting) -> Result<i64>;
    fn meeting(&mut self, id: i64) -> Result<Option<Meeting>>;
    /// A workspace's meetings starting in `[from, to)`, soonest first.
    fn meetings_between(&mut self, ws: WorkspaceId, from: i64, to: i64, limit: i64) -> Result<Vec<Meeting>>;
    /// The meetings whose agenda threads these are.
    fn meetings_of_threads(&mut self, threads: &[ThreadId]) -> Result<Vec<Meeting>>;
    /// Stores a meeting's outcomes and cancellation.
    fn update_meeting(&mut self, m: &Meeting) -> Result<()>;
}
