//! Reply expectations: answers someone asked for, until they come.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

/// Which side of an expectation a person is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpectationRole {
    /// Asked to answer.
    Owed,
    /// Asked for the answer.
    Waiting,
}

pub trait Expectations {
    /// Records a new open expectation; `None` when the requester already waits for this
    /// person's answer in the same thread or conversation.
    fn insert_expectation(&mut self, e: &Expectation) -> Result<Option<i64>>;
    fn expectation(&mut self, id: i64) -> Result<Option<Expectation>>;
    /// A person's expectations in a workspace on one side, open or resolved, newest first.
    fn expectations_of(
        &mut self,
        ws: WorkspaceId,
        user: UserId,
        role: ExpectationRole,
        open: bool,
        limit: i64,
    ) -> Result<Vec<Expectation>>;
    /// The open expectations in these threads and conversations (what posts there may meet).
    fn open_expectations_in(
        &mut self,
        threads: &[ThreadId],
        conversations: &[ConversationId],
    ) -> Result<Vec<Expectation>>;
    /// The open expectations a person owes whose due time was counted (no `reply_by_ts`)
    /// and lies after `now`: they move when the person's schedule does.
    fn counted_expectations_owed_by(&mut self, user: UserId, now: i64) -> Result<Vec<Expectation>>;
    /// Open expectations whose reminder or due time has come (and was not yet acted on).
    fn due_expectations(&mut self, now: i64, limit: i64) -> Result<Vec<Expectation>>;
    /// Stores an open expectation's times: due, reminder (None once sent), seen overdue.
    fn set_expectation_times(&mut self, e: &Expectation) -> Result<()>;
    /// A thread moved to another channel: its expectations follow (their channel decides
    /// who sees them).
    fn move_thread_expectations(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()>;
    /// Resolves open expectations; answers how many were still open.
    fn resolve_expectations(&mut self, ids: &[i64], resolution: Resolution, by: UserId, now: i64) -> Result<usize>;
}
