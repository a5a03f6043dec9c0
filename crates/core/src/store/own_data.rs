//! What a person's own export reads (`users/export`): everything they wrote and the settings
//! they made, one statement per area, whatever the amount. Only the caller's rows; others'
//! text only where the caller reads it now (the messages of conversations they are in).

use crate::error::Result;
use crate::ids::*;
use serde_json::Value;

/// How much of one area an export takes: at most `items` rows, oldest first, and rows only
/// while the text before them stays under `text` characters (so a row may pass it by its
/// own length, at most one post's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub items: i64,
    pub text: i64,
}

/// The rows an area gave, and how many it holds in all (more when the budget ran out).
#[derive(Debug, Clone, PartialEq)]
pub struct Taken<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Taken<T> {
    pub fn complete(&self) -> bool {
        self.items.len() as i64 >= self.total
    }
}

/// Where a post was written: the workspace and channel, by id and by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    pub channel_id: ChannelId,
    pub channel_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OwnThread {
    pub id: ThreadId,
    pub place: Place,
    pub title: String,
    pub content: String,
    pub posted_ts: i64,
    pub last_edited_ts: Option<i64>,
    pub status: String,
    pub attachments: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OwnComment {
    pub id: CommentId,
    pub thread_id: ThreadId,
    /// The thread's title where the person wrote the thread or sees its channel now; None
    /// otherwise (a title changed after they lost sight of a private channel is not theirs).
    pub thread_title: Option<String>,
    pub place: Place,
    pub obj_index: i64,
    pub content: String,
    pub posted_ts: i64,
    pub last_edited_ts: Option<i64>,
    pub system_message: Option<String>,
    pub attachments: Value,
}

/// A conversation the person is in or wrote in.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnConversation {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    pub title: Option<String>,
    pub created_ts: i64,
    /// In it now, as an active member of its workspace: it reads like the app shows it (every
    /// message, its members). Otherwise only the person's own messages are taken.
    pub readable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConversationMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub obj_index: i64,
    pub creator: UserId,
    pub creator_name: String,
    pub content: String,
    pub posted_ts: i64,
    pub last_edited_ts: Option<i64>,
    pub system_message: Option<String>,
    pub attachments: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OwnReaction {
    /// "thread", "comment" or "message".
    pub target_kind: String,
    pub target_id: i64,
    pub emoji: String,
    pub created_ts: i64,
}

/// A file the person uploaded: the Attachment object the API answers (name, size, type,
/// download URL) and when.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnUpload {
    pub attachment_id: String,
    pub uploaded_ts: i64,
    pub object: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OwnChannelLevel {
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub level: String,
}

pub trait OwnData {
    /// The person's stored notification settings, per workspace (only what they changed).
    fn own_notification_settings(&mut self, user: UserId) -> Result<Vec<(WorkspaceId, Value)>>;
    /// The person's notification level in each channel where they set one.
    fn own_channel_levels(&mut self, user: UserId) -> Result<Vec<OwnChannelLevel>>;
    /// The threads the person wrote, oldest first.
    fn own_threads(&mut self, user: UserId, budget: Budget) -> Result<Taken<OwnThread>>;
    /// The comments the person wrote, oldest first.
    fn own_comments(&mut self, user: UserId, budget: Budget) -> Result<Taken<OwnComment>>;
    /// The conversations the person is in or wrote in.
    fn own_conversations(&mut self, user: UserId) -> Result<Vec<OwnConversation>>;
    /// The members of the conversations the person reads now (`OwnConversation::readable`):
    /// conversation, member and their name.
    fn own_conversation_members(&mut self, user: UserId) -> Result<Vec<(ConversationId, UserId, String)>>;
    /// The person's own messages, and everyone's in the conversations they read now, by
    /// conversation and then in order.
    fn own_conversation_messages(&mut self, user: UserId, budget: Budget) -> Result<Taken<ConversationMessage>>;
    /// The person's reactions, oldest first.
    fn own_reactions(&mut self, user: UserId, limit: i64) -> Result<Taken<OwnReaction>>;
    /// The files the person uploaded, oldest first.
    fn own_uploads(&mut self, user: UserId, limit: i64) -> Result<Taken<OwnUpload>>;
}
