//! Posts to be sent later: their author's alone until sent.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;

pub trait ScheduledPosts {
    fn insert_scheduled(&mut self, p: &ScheduledPost) -> Result<i64>;
    fn scheduled(&mut self, id: i64) -> Result<Option<ScheduledPost>>;
    /// An author's scheduled posts in a workspace: those still waiting (soonest first), or
    /// with `finished`, the newest finished ones too.
    fn scheduled_of(
        &mut self,
        ws: WorkspaceId,
        author: UserId,
        finished: bool,
        limit: i64,
    ) -> Result<Vec<ScheduledPost>>;
    /// Stores everything about it that may change.
    fn update_scheduled(&mut self, p: &ScheduledPost) -> Result<()>;
    /// The ids of the waiting posts whose time has come, soonest first.
    fn due_scheduled(&mut self, now: i64, limit: i64) -> Result<Vec<i64>>;
    /// A thread moved to another channel: replies scheduled in it follow.
    fn move_scheduled_replies(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()>;
    /// The uploads a waiting post carries (kept from the sweep); empty once it is done.
    fn set_scheduled_attachments(&mut self, id: i64, attachment_ids: &[String]) -> Result<()>;
}
