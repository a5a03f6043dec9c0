//! The objects of the API, shaped exactly as Twist's v3 wire format (field names, `*_ts`
//! Unix seconds). Optional fields are left out rather than sent as `null`, because the
//! official SDK's schemas accept a missing optional field but not always a `null` one.

use crate::ids::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `{"👍": [user ids]}`.
pub type Reactions = BTreeMap<String, Vec<UserId>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum UserType {
    Admin,
    User,
    Guest,
}

impl UserType {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "ADMIN" => Some(UserType::Admin),
            "USER" => Some(UserType::User),
            "GUEST" => Some(UserType::Guest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Admin => "ADMIN",
            UserType::User => "USER",
            UserType::Guest => "GUEST",
        }
    }
}

/// Twist's `away_mode`: dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwayMode {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_from: Option<String>,
    pub date_to: String,
    /// Weft: a note shown to people who try to reach the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The signed-in user's own account (`users/login`, `users/get_session_user`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub short_name: String,
    pub email: String,
    pub bot: bool,
    pub timezone: String,
    pub removed: bool,
    pub lang: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profession: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_mode: Option<AwayMode>,
    #[serde(default)]
    pub off_days: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snooze_dnd_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snooze_dnd_end: Option<String>,
    #[serde(default)]
    pub snooze_until: i64,
    #[serde(default)]
    pub snoozed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_workspace: Option<WorkspaceId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default)]
    pub created_ts: i64,
}

/// A member as seen inside one workspace (`workspace_users/*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceUser {
    pub id: UserId,
    pub name: String,
    pub short_name: String,
    pub email: String,
    pub bot: bool,
    pub timezone: String,
    pub removed: bool,
    pub user_type: UserType,
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_mode: Option<AwayMode>,
    #[serde(default)]
    pub off_days: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    pub creator: UserId,
    pub created_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_channel: Option<ChannelId>,
    pub plan: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    pub workspace_id: WorkspaceId,
    pub creator: UserId,
    pub public: bool,
    pub archived: bool,
    pub created_ts: i64,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<i64>,
    pub user_ids: Vec<UserId>,
    pub use_default_recipients: bool,
    pub default_groups: Vec<GroupId>,
    pub default_recipients: Vec<UserId>,
    /// Per viewer.
    pub is_favorited: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub thread_id: ThreadId,
    pub channel_id: ChannelId,
    pub workspace_id: WorkspaceId,
    pub obj_index: i64,
    pub content: String,
    pub creator: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_name: Option<String>,
    pub posted_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edited_ts: Option<i64>,
    pub recipients: Vec<UserId>,
    pub groups: Vec<i64>,
    pub direct_mentions: Vec<UserId>,
    pub direct_group_mentions: Vec<GroupId>,
    pub attachments: Vec<Value>,
    pub actions: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_message: Option<Value>,
    /// "close" or "reopen" when this comment changed the thread's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_action: Option<String>,
    #[serde(default)]
    pub reactions: Reactions,
    pub deleted: bool,
    pub to_emails: Vec<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    pub id: ThreadId,
    pub channel_id: ChannelId,
    pub workspace_id: WorkspaceId,
    pub title: String,
    pub content: String,
    pub creator: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_name: Option<String>,
    pub posted_ts: i64,
    pub last_updated_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edited_ts: Option<i64>,
    pub comment_count: i64,
    pub last_obj_index: i64,
    pub closed: bool,
    pub pinned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_ts: Option<i64>,
    pub participants: Vec<UserId>,
    pub recipients: Vec<UserId>,
    pub groups: Vec<i64>,
    pub direct_mentions: Vec<UserId>,
    pub direct_group_mentions: Vec<GroupId>,
    pub attachments: Vec<Value>,
    pub actions: Vec<Value>,
    pub snippet: String,
    pub snippet_creator: UserId,
    #[serde(default)]
    pub reactions: Reactions,
    pub to_emails: Vec<String>,
    pub version: i64,
    // The viewer's own state of the thread.
    pub starred: bool,
    pub is_saved: bool,
    pub is_archived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted_until_ts: Option<i64>,
    /// The viewer's read position: comments with a greater `obj_index` are unread.
    pub last_read_obj_index: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_comment: Option<Box<Comment>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<i64>,
    pub user_ids: Vec<UserId>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub obj_index: i64,
    pub content: String,
    pub creator: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_name: Option<String>,
    pub posted_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edited_ts: Option<i64>,
    pub direct_mentions: Vec<UserId>,
    pub direct_group_mentions: Vec<GroupId>,
    pub attachments: Vec<Value>,
    pub actions: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_message: Option<Value>,
    #[serde(default)]
    pub reactions: Reactions,
    /// Both spellings are in use by clients (`is_deleted` in the SDK, `deleted` elsewhere).
    pub deleted: bool,
    pub is_deleted: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub user_ids: Vec<UserId>,
    pub creator: UserId,
    pub created_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub private: bool,
    pub message_count: i64,
    pub last_obj_index: i64,
    pub last_active_ts: i64,
    pub snippet: String,
    pub snippet_creators: Vec<UserId>,
    // The viewer's own state.
    pub archived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted_until_ts: Option<i64>,
    pub last_read_obj_index: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Box<Message>>,
    pub version: i64,
}

/// What a reaction is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReactionTarget {
    Thread(ThreadId),
    Comment(CommentId),
    Message(MessageId),
}

impl ReactionTarget {
    pub fn kind(self) -> &'static str {
        match self {
            ReactionTarget::Thread(_) => "thread",
            ReactionTarget::Comment(_) => "comment",
            ReactionTarget::Message(_) => "message",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            ReactionTarget::Thread(id) => id.0,
            ReactionTarget::Comment(id) => id.0,
            ReactionTarget::Message(id) => id.0,
        }
    }
}
