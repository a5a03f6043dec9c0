//! Each person's inbox and read state: what concerns them, what they have read, what they muted.

use crate::error::Result;
use crate::ids::*;
use crate::model::*;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct InboxTouch {
    pub user: UserId,
    pub thread: ThreadId,
    pub workspace: WorkspaceId,
    pub channel: ChannelId,
    pub now: i64,
    pub bring_back: bool,
    pub mention_obj_index: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFilter {
    Active,
    Archived,
    All,
}

#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub user: UserId,
    pub workspace: WorkspaceId,
    /// Guests see only the channels they are in.
    pub guest: bool,
    pub filter: ArchiveFilter,
    pub newer_than_ts: Option<i64>,
    pub older_than_ts: Option<i64>,
    /// Continue after this (activity_ts, thread id), newest first.
    pub after: Option<(i64, ThreadId)>,
    pub limit: i64,
}

/// Each person's inbox and read state: the threads that concern them (Done, snoozed,
/// mentioned), their read positions in threads and conversations, and who muted what.
pub trait Inbox {
    // the inbox
    /// Records that a thread concerns each toucher now (one touch per person). `bring_back`
    /// takes it out of Done (not for a muted thread); `mention_obj_index` notes a direct
    /// mention at that position.
    fn touch_inboxes(&mut self, touches: &[InboxTouch]) -> Result<()>;
    /// After a comment: the thread is unread again in every inbox that holds it whose
    /// person has not read to its end (one statement, by the fan-out).
    fn flag_unread(&mut self, thread: ThreadId) -> Result<()>;
    fn inbox_state(&mut self, user: UserId, thread: ThreadId) -> Result<Option<InboxState>>;
    fn put_inbox_state(&mut self, user: UserId, thread: ThreadId, state: InboxState) -> Result<()>;
    fn inbox(&mut self, q: &InboxQuery) -> Result<Vec<InboxThread>>;
    fn inbox_unread_count(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<i64>;
    /// Marks Done every active item matching the filter; answers the threads it changed.
    fn archive_inbox(
        &mut self,
        user: UserId,
        ws: WorkspaceId,
        channels: Option<&[ChannelId]>,
        older_than: Option<i64>,
    ) -> Result<Vec<ThreadId>>;
    /// Changes whenever the person's own state in the workspace does: their newest event.
    fn inbox_version(&mut self, user: UserId, ws: WorkspaceId) -> Result<i64>;
    /// Snoozed items whose time has come: (user, thread, workspace).
    fn due_snoozes(&mut self, now: i64, limit: i64) -> Result<Vec<(UserId, ThreadId, WorkspaceId)>>;
    fn move_inbox_items(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()>;

    // read state
    fn unread_threads(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<Vec<UnreadThread>>;
    /// Moves the user's read position to the end of every thread of their inbox in `ws`
    /// (or of every thread of `channel`); answers the threads it changed.
    fn mark_threads_read(&mut self, user: UserId, ws: WorkspaceId, channel: Option<ChannelId>)
    -> Result<Vec<ThreadId>>;
    /// Moves everyone else's read position back to just before `obj_index`.
    fn mark_unread_for_others(&mut self, thread: ThreadId, actor: UserId, obj_index: i64) -> Result<Vec<UserId>>;
    /// A person's read positions in these threads (absent: never opened).
    fn read_positions(&mut self, user: UserId, threads: &[ThreadId]) -> Result<HashMap<ThreadId, i64>>;
    fn unread_conversations(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<UnreadConversation>>;
    fn note_conversation_mentions(&mut self, c: ConversationId, users: &[UserId], obj_index: i64) -> Result<()>;
    fn mark_conversations_read(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<ConversationId>>;
    /// A person's read positions in these conversations.
    fn conversation_read_positions(
        &mut self,
        user: UserId,
        conversations: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>>;
    /// Of these members, those who muted the conversation until after `now`.
    fn conversation_muted_users(&mut self, c: ConversationId, users: &[UserId], now: i64) -> Result<Vec<UserId>>;
}
