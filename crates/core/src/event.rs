//! The event log: every change appends one event in the same transaction as the change.
//! Streams and workers read the log in sequence order.

use crate::ids::*;
use serde::Serialize;
use serde_json::Value;

/// Who may see an event, besides being a member of its workspace:
/// - `user_id` set: only that user (their own inbox, stars, read state);
/// - `channel_id` set: whoever can see the channel;
/// - `conversation_id` set: the conversation's participants;
/// - none of these: every member of the workspace.
///
/// `also_user_id` is one more person who receives it even if the rest would exclude
/// them — the person just removed from a channel or a workspace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Audience {
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub user_id: Option<UserId>,
    pub also_user_id: Option<UserId>,
}

impl Audience {
    pub fn workspace() -> Self {
        Audience::default()
    }
    pub fn channel(id: ChannelId) -> Self {
        Audience { channel_id: Some(id), ..Default::default() }
    }
    pub fn conversation(id: ConversationId) -> Self {
        Audience { conversation_id: Some(id), ..Default::default() }
    }
    pub fn user(id: UserId) -> Self {
        Audience { user_id: Some(id), ..Default::default() }
    }
    pub fn and_user(mut self, user: UserId) -> Self {
        self.also_user_id = Some(user);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub workspace_id: WorkspaceId,
    /// Named like Twist's hook events: `thread_added`, `comment_updated`, …
    pub kind: &'static str,
    pub audience: Audience,
    pub payload: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub seq: i64,
    pub workspace_id: WorkspaceId,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_ts: i64,
    pub data: Value,
    #[serde(skip)]
    pub audience: Audience,
}

impl Event {
    /// Events after which a stream must reload what its user may see.
    pub fn changes_access(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "channel_added"
                | "channel_updated"
                | "channel_deleted"
                | "channel_user_added"
                | "channel_user_removed"
                | "conversation_added"
                | "conversation_user_added"
                | "conversation_user_removed"
                | "workspace_user_added"
                | "workspace_user_updated"
                | "workspace_user_removed"
                | "workspace_deleted"
        )
    }
}
