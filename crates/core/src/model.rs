//! The objects of the API, shaped exactly as Twist's v3 wire format (field names, `*_ts`
//! Unix seconds). Optional fields are left out rather than sent as `null`, because the
//! official SDK's schemas accept a missing optional field but not always a `null` one.

use crate::ids::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// `{"👍": [user ids]}`.
pub type Reactions = BTreeMap<String, Vec<UserId>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// A user's `short_name`: "Ana Lima" → "Ana L."; a single word stays as it is.
pub fn short_name(name: &str) -> String {
    let mut parts = name.split_whitespace();
    match (parts.next(), parts.next_back()) {
        (Some(first), Some(last)) => {
            let initial: String = last.chars().take(1).collect();
            format!("{first} {initial}.")
        }
        (Some(first), None) => first.to_string(),
        _ => String::new(),
    }
}

/// A member as seen inside one workspace (`workspace_users/*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Weft: invited and not accepted yet. Such a member reads nothing of the workspace, and
    /// shows only what the inviter gave (email, name), never the account's own profile.
    #[serde(default)]
    pub invite_pending: bool,
    /// Weft: deactivated by an admin. Such a member reads nothing of the workspace and is
    /// notified of nothing until reactivated; they keep their channels.
    #[serde(default)]
    pub deactivated: bool,
    /// Weft: the person deleted their account (`users/delete`): shown as "Deleted user",
    /// with nothing of their own left but their posts.
    #[serde(default)]
    pub deleted: bool,
}

/// Weft: a reusable link that lets people join a workspace (`join_links/*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JoinLink {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    /// The admin who made it.
    pub creator: UserId,
    /// The role people who join through it get.
    pub user_type: UserType,
    /// Channels they are put in.
    pub channel_ids: Vec<ChannelId>,
    pub created_ts: i64,
    pub expires_ts: i64,
    /// How many people may use it; absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub revoked: bool,
    /// The link itself: only in the answer that made it (the server keeps only a hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Weft: minutes before an unacknowledged emergency goes to the admins.
    #[serde(default)]
    pub escalation_minutes: i64,
    /// Weft: how long an answer may take when someone asks for one, in the working hours of
    /// the person asked (8: one working day). A channel may set its own.
    #[serde(default = "default_response_hours")]
    pub expected_response_hours: i64,
    pub version: i64,
}

fn default_response_hours() -> i64 {
    8
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Weft: posts here reach people through do-not-disturb (`urgent` required).
    #[serde(default)]
    pub emergency: bool,
    /// Weft: the expected response time here, in working hours, when not the workspace's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_response_hours: Option<i64>,
    pub version: i64,
    /// Weft, per viewer: how much of this channel's activity notifies them.
    #[serde(default)]
    pub notifications: ChannelNotifications,
}

/// Weft: how much of a channel's activity notifies one person. Whatever the level, posts
/// still reach their inbox (but for `none`) and an urgent post always notifies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelNotifications {
    /// Every post that notifies them: by name, by a group, everyone in the thread or channel.
    #[default]
    All,
    /// Only posts that name them: a direct mention or being picked as a recipient. Posts
    /// to a group or to everyone reach their inbox quietly.
    Direct,
    /// Nothing: posts neither notify them nor bring threads back to their inbox.
    None,
}

impl ChannelNotifications {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelNotifications::All => "all",
            ChannelNotifications::Direct => "direct",
            ChannelNotifications::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::All, Self::Direct, Self::None].into_iter().find(|l| l.as_str() == s)
    }

    /// Whether a post notifying them for this reason notifies them at this level.
    pub fn hears(self, reason: NotifyReason) -> bool {
        match self {
            ChannelNotifications::All => true,
            ChannelNotifications::Direct => matches!(reason, NotifyReason::Mention | NotifyReason::Recipient),
            ChannelNotifications::None => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The viewer's read position: comments with a greater `obj_index` are unread; -1 means
    /// the thread was read but none of its comments, -2 that it was never opened.
    pub last_read_obj_index: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_comment: Option<Box<Comment>>,
    /// Weft: the directly responsible individual — the one person who decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dri_id: Option<UserId>,
    /// Weft: open, decided or closed (with `closed`), and who set it when.
    #[serde(default)]
    pub status: ThreadStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_by: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_ts: Option<i64>,
    /// Weft: when the DRI's decision is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_due_ts: Option<i64>,
    /// Weft: the comment marked as the thread's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_comment_id: Option<CommentId>,
}

/// Weft: where a thread's discussion stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThreadStatus {
    #[default]
    Open,
    Decided,
    Closed,
}

impl ThreadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ThreadStatus::Open => "open",
            ThreadStatus::Decided => "decided",
            ThreadStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "decided" => ThreadStatus::Decided,
            "closed" => ThreadStatus::Closed,
            _ => ThreadStatus::Open,
        }
    }
}

impl Comment {
    /// A comment as `creator` first posts it at position `obj_index` of thread `thread_id`
    /// at `now`: no id yet (the store gives it one), nobody else's reactions. Posting fills
    /// in whom it concerns and what it carries.
    pub fn draft(
        (thread_id, channel_id, workspace_id): (ThreadId, ChannelId, WorkspaceId),
        creator: UserId,
        obj_index: i64,
        content: String,
        now: i64,
    ) -> Comment {
        Comment {
            id: CommentId(0),
            thread_id,
            channel_id,
            workspace_id,
            obj_index,
            content,
            creator,
            creator_name: None,
            posted_ts: now,
            last_edited_ts: None,
            recipients: vec![],
            groups: vec![],
            direct_mentions: vec![],
            direct_group_mentions: vec![],
            attachments: vec![],
            actions: vec![],
            system_message: None,
            thread_action: None,
            reactions: Reactions::new(),
            deleted: false,
            to_emails: vec![],
            version: 1,
        }
    }
}

impl Thread {
    /// A thread as `creator` first posts it at `now`: no comment, nobody else's state, no id
    /// yet (the store gives it one). Posting fills in whom it concerns (recipients, groups,
    /// mentions) and what it carries (attachments, actions).
    pub fn draft(
        (channel_id, workspace_id): (ChannelId, WorkspaceId),
        creator: UserId,
        title: String,
        content: String,
        snippet: String,
        now: i64,
    ) -> Thread {
        Thread {
            id: ThreadId(0),
            channel_id,
            workspace_id,
            title,
            content,
            creator,
            creator_name: None,
            posted_ts: now,
            last_updated_ts: now,
            last_edited_ts: None,
            comment_count: 0,
            last_obj_index: -1,
            closed: false,
            pinned: false,
            pinned_ts: None,
            participants: vec![creator],
            recipients: vec![],
            groups: vec![],
            direct_mentions: vec![],
            direct_group_mentions: vec![],
            attachments: vec![],
            actions: vec![],
            snippet,
            snippet_creator: creator,
            reactions: Reactions::new(),
            to_emails: vec![],
            version: 1,
            starred: false,
            is_saved: false,
            is_archived: false,
            muted_until_ts: None,
            last_read_obj_index: -1,
            last_comment: None,
            dri_id: None,
            status: ThreadStatus::Open,
            status_by: None,
            status_ts: None,
            decision_due_ts: None,
            decision_comment_id: None,
        }
    }

    /// Sets the status, by whom and when; `closed` (Twist's flag) goes with it.
    pub fn set_status(&mut self, status: ThreadStatus, by: UserId, now: i64) {
        self.status = status;
        self.closed = status == ThreadStatus::Closed;
        (self.status_by, self.status_ts) = (Some(by), Some(now));
    }

    /// The status a thread goes back to when reopened: decided if it has a decision.
    pub fn reopened_status(&self) -> ThreadStatus {
        if self.decision_comment_id.is_some() { ThreadStatus::Decided } else { ThreadStatus::Open }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "ConversationMessage")]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// An item of `inbox/get`: the thread as its viewer sees it, with its place in their inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InboxThread {
    #[serde(flatten)]
    pub thread: Thread,
    /// In the active inbox: not Done, not snoozed.
    pub in_inbox: bool,
    /// Something in it is newer than the viewer's read position.
    pub unread: bool,
    /// Weft: when a snoozed item comes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until_ts: Option<i64>,
    /// Weft: it came back from a snooze and nothing was done with it since.
    pub is_reminder: bool,
    /// When it last concerned the viewer (the inbox's order).
    pub activity_ts: i64,
}

/// The viewer's inbox state of one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InboxState {
    pub archived: bool,
    pub snoozed_until: Option<i64>,
    pub reminder: bool,
    pub activity_ts: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnreadThread {
    pub thread_id: ThreadId,
    pub channel_id: ChannelId,
    /// The reader's position: items with a greater `obj_index` are unread.
    pub obj_index: i64,
    pub direct_mention: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnreadConversation {
    pub conversation_id: ConversationId,
    pub obj_index: i64,
    pub direct_mention: bool,
}

/// Why someone cannot see a channel, a thread in it or a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unseen {
    /// Not a member of the workspace any more: left, or was removed.
    NotInWorkspace,
    /// Invited, and has not joined yet.
    Invited,
    /// Deactivated by an admin.
    Deactivated,
    /// A guest, who sees only the channels they are in, public ones too.
    GuestNotInChannel,
    /// Not a member of the private channel.
    NotInPrivateChannel,
    /// Not in the conversation.
    NotInConversation,
}

/// Someone who cannot see what was shared or posted, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CannotSee {
    pub user_id: UserId,
    pub reason: Unseen,
}

/// `access/check`'s answer: of the people asked about, who can see it, and who cannot and
/// why (each in the order given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccessCheck {
    pub can_see: Vec<UserId>,
    pub cannot_see: Vec<CannotSee>,
}

/// How an access request was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessDecision {
    Approved,
    Denied,
}

impl AccessDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessDecision::Approved => "approved",
            AccessDecision::Denied => "denied",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approved" => Some(AccessDecision::Approved),
            "denied" => Some(AccessDecision::Denied),
            _ => None,
        }
    }
}

/// Someone's request to join a channel they cannot see (`access/request`), and its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccessRequest {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    /// Who asks.
    pub user_id: UserId,
    /// Why, in their words (may be empty).
    pub note: String,
    pub created_ts: i64,
    /// None while pending.
    pub decision: Option<AccessDecision>,
    pub decided_by: Option<UserId>,
    pub decided_ts: Option<i64>,
}

/// The answer of a post (a thread, comment or message): the object, and the people it named
/// who cannot see it, whom it does not notify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Posted{T}")]
pub struct Posted<T> {
    #[serde(flatten)]
    pub item: T,
    /// People the post named (recipients, mentions, named groups) who cannot see it, so were
    /// not notified: share the channel with them, or tell them another way.
    pub not_notified: Vec<CannotSee>,
    /// People it reached who are away: each once per away period and thread (or
    /// conversation), for the sender's eyes only.
    pub away: Vec<AwayReply>,
    /// The answers it asked for (`request_reply`): who, and by when.
    pub reply_expected: Vec<Expectation>,
}

/// Weft: what kind of post a scheduled post will be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScheduledKind {
    Thread,
    Comment,
    Message,
}

/// Where a scheduled post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScheduledState {
    /// Waiting for its time.
    Scheduled,
    /// Posted (`posted_id`).
    Sent,
    /// Not posted, and never will be (`error` says why: the author lost access, say).
    Failed,
    /// Cancelled by its author.
    Cancelled,
}

/// How a scheduled post's time was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SendAt {
    /// The time the author gave (`send_at_ts`).
    Time,
    /// The start of the next working period of the single recipient, or of most of them.
    RecipientMorning,
}

/// The post a scheduled post will make, as its author asked for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScheduledContent {
    /// A thread's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub content: String,
    #[serde(default)]
    pub attachments: Vec<Value>,
    #[serde(default)]
    pub actions: Vec<Value>,
    /// Everyone in the channel.
    #[serde(default)]
    pub everyone: bool,
    /// The people notified (None: the default audience).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<UserId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<i64>>,
    #[serde(default)]
    pub direct_mentions: Vec<UserId>,
    #[serde(default)]
    pub direct_group_mentions: Vec<GroupId>,
    /// Whose answer it asks for, once posted.
    #[serde(default)]
    pub request_reply: Vec<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by_ts: Option<i64>,
}

/// Weft: a post to be sent later, seen by its author alone until it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScheduledPost {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub author_id: UserId,
    pub kind: ScheduledKind,
    /// A thread's channel; a comment's thread (and its channel); a message's conversation.
    pub channel_id: Option<ChannelId>,
    pub thread_id: Option<ThreadId>,
    pub conversation_id: Option<ConversationId>,
    pub post: ScheduledContent,
    /// When it is posted.
    pub send_at_ts: i64,
    pub send_at: SendAt,
    /// Why that time, in words: "Bob Tanaka's next working period starts Tue 1 Dec 09:00
    /// (Asia/Tokyo)".
    pub explained: String,
    pub created_ts: i64,
    pub updated_ts: i64,
    pub state: ScheduledState,
    pub sent_ts: Option<i64>,
    /// The thread, comment or message it became.
    pub posted_id: Option<i64>,
    /// Posted well after its time (the server was down then).
    pub late: bool,
    /// Why it was not posted.
    pub error: Option<String>,
}

/// How an expectation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The person answered: posted in the thread or conversation, or said so.
    Answered,
    /// The person said no answer was needed.
    NoReplyNeeded,
    /// The requester took the request back.
    Withdrawn,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Answered => "answered",
            Resolution::NoReplyNeeded => "no_reply_needed",
            Resolution::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }
}

/// Where an expectation stands: open, past its due time, or resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpectationState {
    Open,
    Overdue,
    Done,
}

/// Weft: what an expectation waits for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpectationKind {
    /// An answer (`request_reply`): met by the person's next post there.
    #[default]
    Reply,
    /// A thread's decision from its DRI, by the thread's `decision_due_ts`: met when a
    /// decision is marked or the thread is closed.
    Decision,
    /// A meeting's outcomes from its organizer, owed once it has ended: met by
    /// `meetings/post_outcomes`.
    Outcomes,
}

impl ExpectationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpectationKind::Reply => "reply",
            ExpectationKind::Decision => "decision",
            ExpectationKind::Outcomes => "outcomes",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "decision" => ExpectationKind::Decision,
            "outcomes" => ExpectationKind::Outcomes,
            _ => ExpectationKind::Reply,
        }
    }
}

/// Weft: an answer someone asked for (`request_reply`), a decision or a meeting's outcomes,
/// tracked until it comes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Expectation {
    pub id: i64,
    #[serde(default)]
    pub kind: ExpectationKind,
    pub workspace_id: WorkspaceId,
    /// Who asked.
    pub requester_id: UserId,
    /// Who is asked to answer.
    pub user_id: UserId,
    /// Where: a thread (and the comment that asked, if it was one) or a conversation and its
    /// message.
    pub channel_id: Option<ChannelId>,
    pub thread_id: Option<ThreadId>,
    pub comment_id: Option<CommentId>,
    pub conversation_id: Option<ConversationId>,
    pub message_id: Option<MessageId>,
    /// The position of the asking post in its thread (-1: the thread itself) or
    /// conversation: a later post of the person asked answers it.
    pub asked_index: i64,
    pub requested_ts: i64,
    /// When the answer is due: `reply_by_ts` if the requester set one, otherwise the
    /// expected response time counted in the person's working hours (nights, weekends,
    /// days off and away days do not count; do-not-disturb does).
    pub due_ts: i64,
    /// The due time the requester set, if any.
    pub reply_by_ts: Option<i64>,
    pub state: ExpectationState,
    pub resolution: Option<Resolution>,
    pub resolved_by: Option<UserId>,
    pub resolved_ts: Option<i64>,
    /// While open: how many minutes of the person's working time are left until it is due.
    pub working_minutes_left: Option<i64>,
    /// The thread's title, or the conversation's (if it has one), for lists.
    pub title: Option<String>,
    /// When the one reminder goes to the person asked (not sent yet).
    #[serde(skip)]
    #[schemars(skip)]
    pub remind_ts: Option<i64>,
    /// When it was seen overdue.
    #[serde(skip)]
    #[schemars(skip)]
    pub overdue_ts: Option<i64>,
}

/// The answer of a new thread, comment or message: posted, or — asked for later with
/// `send_at_ts` or `send_at` — scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "PostedOrScheduled{T}")]
pub enum PostedOrScheduled<T> {
    Posted(Posted<T>),
    Scheduled(Box<ScheduledPost>),
}

/// An automatic reply from someone away, to whoever notified or messaged them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AwayReply {
    pub user_id: UserId,
    /// The last day of their away period, `YYYY-MM-DD`, as they set it.
    pub until: String,
    /// When they are back (the end of that day in their time zone).
    pub until_ts: Option<i64>,
    /// What they left for people who try to reach them.
    pub note: Option<String>,
    /// Who is on duty in the channel's rotation, for what cannot wait (threads only).
    pub covered_by: Option<UserId>,
}

/// Why someone was notified (kept with each notification record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotifyReason {
    Recipient,
    Mention,
    GroupMention,
    Group,
    EveryoneInChannel,
    EveryoneInThread,
    AddedToChannel,
    RemovedFromChannel,
    AddedToWorkspace,
    RemovedFromWorkspace,
    /// On duty in the channel's rotation, for someone who is not available.
    Covering,
    /// A direct message in a conversation they are in.
    Message,
    /// Someone asked to join a channel they decide on (`access/request`).
    AccessRequested,
    /// Their request to join a channel was declined.
    AccessDenied,
    /// An answer they were asked for is due soon (the one reminder).
    ReplyDue,
    /// Their scheduled post could not be sent.
    ScheduledNotSent,
    /// They were made a thread's DRI (the one who decides).
    DriAssigned,
}

impl NotifyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyReason::Recipient => "recipient",
            NotifyReason::Mention => "mention",
            NotifyReason::GroupMention => "group_mention",
            NotifyReason::Group => "group",
            NotifyReason::EveryoneInChannel => "everyone_in_channel",
            NotifyReason::EveryoneInThread => "everyone_in_thread",
            NotifyReason::AddedToChannel => "added_to_channel",
            NotifyReason::RemovedFromChannel => "removed_from_channel",
            NotifyReason::AddedToWorkspace => "added_to_workspace",
            NotifyReason::RemovedFromWorkspace => "removed_from_workspace",
            NotifyReason::Covering => "covering",
            NotifyReason::Message => "message",
            NotifyReason::AccessRequested => "access_requested",
            NotifyReason::AccessDenied => "access_denied",
            NotifyReason::ReplyDue => "reply_due",
            NotifyReason::ScheduledNotSent => "scheduled_not_sent",
            NotifyReason::DriAssigned => "dri_assigned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }

    /// What the notification is about, given whether the post was a comment.
    pub fn type_id(self, is_comment: bool) -> NotificationType {
        match self {
            NotifyReason::Message => NotificationType::Message,
            NotifyReason::AddedToWorkspace => NotificationType::AddedToWorkspace,
            NotifyReason::RemovedFromWorkspace => NotificationType::RemovedFromWorkspace,
            NotifyReason::AddedToChannel => NotificationType::AddedToChannel,
            NotifyReason::RemovedFromChannel => NotificationType::RemovedFromChannel,
            NotifyReason::AccessRequested => NotificationType::AccessRequested,
            NotifyReason::AccessDenied => NotificationType::AccessDenied,
            NotifyReason::ReplyDue => NotificationType::ReplyDue,
            NotifyReason::ScheduledNotSent => NotificationType::ScheduledNotSent,
            NotifyReason::DriAssigned => NotificationType::DriAssigned,
            _ if is_comment => NotificationType::Comment,
            _ => NotificationType::Thread,
        }
    }
}

/// What a notification is about: Twist's `type_id`, a number on the wire and in the
/// database (1 comment, 2 thread, 3/4 added to/removed from a workspace, 5/6 added
/// to/removed from a channel; Weft's 7: a direct message, 8/9: a request to join a channel
/// one decides on, one's own request declined; 10: an answer one was asked for is due soon;
/// 11: one's scheduled post could not be sent; 12: one was made a thread's DRI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationType {
    Comment = 1,
    Thread = 2,
    AddedToWorkspace = 3,
    RemovedFromWorkspace = 4,
    AddedToChannel = 5,
    RemovedFromChannel = 6,
    Message = 7,
    AccessRequested = 8,
    AccessDenied = 9,
    ReplyDue = 10,
    ScheduledNotSent = 11,
    DriAssigned = 12,
}

impl NotificationType {
    const ALL: [NotificationType; 12] = [
        NotificationType::Comment,
        NotificationType::Thread,
        NotificationType::AddedToWorkspace,
        NotificationType::RemovedFromWorkspace,
        NotificationType::AddedToChannel,
        NotificationType::RemovedFromChannel,
        NotificationType::Message,
        NotificationType::AccessRequested,
        NotificationType::AccessDenied,
        NotificationType::ReplyDue,
        NotificationType::ScheduledNotSent,
        NotificationType::DriAssigned,
    ];

    /// The number on the wire.
    pub fn id(self) -> i64 {
        self as i64
    }

    pub fn from_id(id: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }
}

impl Serialize for NotificationType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i64(self.id())
    }
}

impl schemars::JsonSchema for NotificationType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NotificationType".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<i64> = Self::ALL.iter().map(|t| t.id()).collect();
        schemars::json_schema!({
            "type": "integer",
            "enum": ids,
            "description": "1 comment, 2 thread, 3/4 added to/removed from a workspace, 5/6 added to/removed from a channel, 7 a direct message, 8 a request to join a channel, 9 one's request declined, 10 an answer one was asked for is due soon, 11 one's scheduled post could not be sent",
        })
    }
}

impl<'de> Deserialize<'de> for NotificationType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let id = i64::deserialize(d)?;
        Self::from_id(id).ok_or_else(|| serde::de::Error::custom(format!("unknown notification type_id {id}")))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: i64,
    pub type_id: NotificationType,
    pub reason: NotifyReason,
    pub workspace_id: WorkspaceId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ThreadId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<CommentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    pub by_user_id: UserId,
    pub posted_ts: i64,
    pub is_read: bool,
}

impl Notification {
    /// A new, unread notification of `reason` by `by` at `now`; the caller says what it is
    /// about (channel, thread, comment, conversation, message).
    pub fn new(workspace_id: WorkspaceId, reason: NotifyReason, is_comment: bool, by: UserId, now: i64) -> Self {
        Notification {
            id: 0,
            type_id: reason.type_id(is_comment),
            reason,
            workspace_id,
            channel_id: None,
            thread_id: None,
            comment_id: None,
            conversation_id: None,
            message_id: None,
            by_user_id: by,
            posted_ts: now,
            is_read: false,
        }
    }
}

/// One result of `search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SearchResult {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub snippet: String,
    pub snippet_creator_id: UserId,
    pub snippet_last_updated_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ThreadId>,
    /// -1 when the thread itself (its title or body) matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_color: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EmergencyAck {
    pub user_id: UserId,
    pub ts: i64,
}

/// One use of the emergency lane, as the log every member can read shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Emergency {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub thread_id: ThreadId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<CommentId>,
    pub raised_by: UserId,
    pub raised_ts: i64,
    /// Who was pushed at once.
    pub reached: Vec<UserId>,
    /// When it goes to the admins if nobody acknowledged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_ts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_ts: Option<i64>,
    pub escalated_to: Vec<UserId>,
    pub acks: Vec<EmergencyAck>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_names() {
        assert_eq!(super::short_name("Ana Maria Lima"), "Ana L.");
        assert_eq!(super::short_name("Bo"), "Bo");
    }
}

/// Where someone used Weft from, as `users/heartbeat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Desktop,
    Mobile,
    Api,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Desktop, Platform::Mobile, Platform::Api];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Desktop => "desktop",
            Platform::Mobile => "mobile",
            Platform::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// When a member was last active on each platform: a time, or -1 for never (Twist's shape;
/// `email` is always -1: Weft takes no replies by email).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Activity {
    pub desktop: i64,
    pub mobile: i64,
    pub api: i64,
    pub email: i64,
}

/// `workspace_users/get_info`: a member, their local time and when they were last active.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WorkspaceUserInfo {
    /// Whether they are a current member of the workspace (not removed).
    pub is_active: bool,
    /// The platform and time of their latest activity; left out when never active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_activity: Option<LatestActivity>,
    pub activity: Activity,
    /// Their wall-clock time, `YYYY-MM-DD HH:MM:SS`.
    pub local_time: String,
    pub user: WorkspaceUser,
}

/// `[platform, ts]`, as Twist writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestActivity(pub Platform, pub i64);

impl Serialize for LatestActivity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (self.0.as_str(), self.1).serialize(s)
    }
}

impl schemars::JsonSchema for LatestActivity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LatestActivity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`[platform, ts]`: where and when they were last active.",
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"anyOf": [{"type": "string", "enum": ["desktop", "mobile", "api"]}, {"type": "integer"}]}
        })
    }
}

/// What a personal API token may do: read only, or read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// Weft: a personal API token (`api_tokens/*`). Its secret (`token`) is in the answer of
/// `api_tokens/add` only: it is stored as a hash and cannot be shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// The one workspace it works in; none: every workspace of its owner.
    pub workspace_id: Option<WorkspaceId>,
    pub created_ts: i64,
    /// When it last signed a request in (to the minute); none: never used.
    pub last_used_ts: Option<i64>,
    /// The secret, for `Authorization: Bearer`: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Weft: a bot (`bots/*`): a user with `bot: true`, made by an admin for one workspace and
/// owned by a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Bot {
    pub user: User,
    pub workspace_id: WorkspaceId,
    pub owner_id: UserId,
    pub created_ts: i64,
}

/// Weft: an incoming webhook (`incoming_webhooks/*`): a secret URL that posts into a channel
/// (or one thread) as its own bot. `url` is in the answer of `incoming_webhooks/add` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IncomingWebhook {
    pub id: i64,
    pub name: String,
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    /// Posts become comments of this thread; none: each post opens a thread.
    pub thread_id: Option<ThreadId>,
    /// The bot its posts are by.
    pub bot_id: UserId,
    pub creator_id: UserId,
    pub created_ts: i64,
    pub last_used_ts: Option<i64>,
    /// The secret URL to post to: shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Weft: a comment marked as its thread's decision (`comments/mark_decision`). A thread has
/// one current decision; an earlier one stays in the history with `replaced_ts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub thread_id: ThreadId,
    pub thread_title: String,
    pub comment_id: CommentId,
    /// The decision as written (markdown).
    pub content: String,
    /// Who wrote the comment.
    pub author_id: UserId,
    /// The thread's DRI at the time of reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dri_id: Option<UserId>,
    pub marked_by: UserId,
    pub marked_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_ts: Option<i64>,
    /// Marked in a meeting's outcomes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<i64>,
}

/// Weft: why a meeting needs synchronous time. Anything else is better as a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingReason {
    RelationshipBuilding,
    SensitiveFeedback,
    /// Brainstorming with many unknowns.
    Brainstorming,
    Kickoff,
    Crisis,
}

impl MeetingReason {
    pub const ALL: [MeetingReason; 5] = [
        MeetingReason::RelationshipBuilding,
        MeetingReason::SensitiveFeedback,
        MeetingReason::Brainstorming,
        MeetingReason::Kickoff,
        MeetingReason::Crisis,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingReason::RelationshipBuilding => "relationship_building",
            MeetingReason::SensitiveFeedback => "sensitive_feedback",
            MeetingReason::Brainstorming => "brainstorming",
            MeetingReason::Kickoff => "kickoff",
            MeetingReason::Crisis => "crisis",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// In words, for the agenda thread and the calendar entry.
    pub fn label(self) -> &'static str {
        match self {
            MeetingReason::RelationshipBuilding => "Relationship building",
            MeetingReason::SensitiveFeedback => "Sensitive feedback",
            MeetingReason::Brainstorming => "Brainstorming with many unknowns",
            MeetingReason::Kickoff => "Kickoff",
            MeetingReason::Crisis => "Crisis",
        }
    }
}

/// Weft: a meeting that justified itself (`meetings/add`), with its agenda thread and, once
/// it has ended, its outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Meeting {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    /// The agenda thread (None if it was deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ThreadId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    pub organizer_id: UserId,
    pub title: String,
    pub reason: MeetingReason,
    pub attendee_ids: Vec<UserId>,
    pub starts_ts: i64,
    pub duration_min: i64,
    pub ends_ts: i64,
    pub agenda: String,
    pub created_ts: i64,
    /// The comment in the agenda thread that gives the outcomes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes_comment_id: Option<CommentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes_ts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_ts: Option<i64>,
    /// Ended, not cancelled, and no outcomes posted yet.
    pub outcomes_owed: bool,
}

/// The kinds of events an outgoing webhook subscribes to: Twist's hook events (named like
/// the event log's), and Weft's `emergency_raised`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HookEvent {
    ThreadAdded,
    ThreadUpdated,
    ThreadDeleted,
    CommentAdded,
    CommentUpdated,
    CommentDeleted,
    MessageAdded,
    MessageUpdated,
    MessageDeleted,
    ChannelAdded,
    ChannelUpdated,
    ChannelDeleted,
    ChannelUserAdded,
    ChannelUserRemoved,
    WorkspaceUserAdded,
    WorkspaceUserUpdated,
    WorkspaceUserRemoved,
    GroupAdded,
    GroupUpdated,
    GroupDeleted,
    EmergencyRaised,
}

impl HookEvent {
    pub const ALL: [HookEvent; 21] = [
        HookEvent::ThreadAdded,
        HookEvent::ThreadUpdated,
        HookEvent::ThreadDeleted,
        HookEvent::CommentAdded,
        HookEvent::CommentUpdated,
        HookEvent::CommentDeleted,
        HookEvent::MessageAdded,
        HookEvent::MessageUpdated,
        HookEvent::MessageDeleted,
        HookEvent::ChannelAdded,
        HookEvent::ChannelUpdated,
        HookEvent::ChannelDeleted,
        HookEvent::ChannelUserAdded,
        HookEvent::ChannelUserRemoved,
        HookEvent::WorkspaceUserAdded,
        HookEvent::WorkspaceUserUpdated,
        HookEvent::WorkspaceUserRemoved,
        HookEvent::GroupAdded,
        HookEvent::GroupUpdated,
        HookEvent::GroupDeleted,
        HookEvent::EmergencyRaised,
    ];

    /// The event log's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::ThreadAdded => "thread_added",
            HookEvent::ThreadUpdated => "thread_updated",
            HookEvent::ThreadDeleted => "thread_deleted",
            HookEvent::CommentAdded => "comment_added",
            HookEvent::CommentUpdated => "comment_updated",
            HookEvent::CommentDeleted => "comment_deleted",
            HookEvent::MessageAdded => "message_added",
            HookEvent::MessageUpdated => "message_updated",
            HookEvent::MessageDeleted => "message_deleted",
            HookEvent::ChannelAdded => "channel_added",
            HookEvent::ChannelUpdated => "channel_updated",
            HookEvent::ChannelDeleted => "channel_deleted",
            HookEvent::ChannelUserAdded => "channel_user_added",
            HookEvent::ChannelUserRemoved => "channel_user_removed",
            HookEvent::WorkspaceUserAdded => "workspace_user_added",
            HookEvent::WorkspaceUserUpdated => "workspace_user_updated",
            HookEvent::WorkspaceUserRemoved => "workspace_user_removed",
            HookEvent::GroupAdded => "group_added",
            HookEvent::GroupUpdated => "group_updated",
            HookEvent::GroupDeleted => "group_deleted",
            HookEvent::EmergencyRaised => "emergency_raised",
        }
    }

    pub fn parse(s: &str) -> Option<HookEvent> {
        HookEvent::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// An outgoing webhook (`hooks/subscribe`): events of one kind in a workspace, channel,
/// thread or conversation its owner may see, POSTed to `target_url`, signed with its
/// secret (shown once, in the answer of `hooks/subscribe`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookSubscription {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ThreadId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    pub event_type: HookEvent,
    pub target_url: String,
    /// False once it failed too many times in a row (its owner is told); subscribe again
    /// to turn it back on.
    pub active: bool,
    /// Failed tries in a row.
    pub failures: i64,
    pub created_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_ts: Option<i64>,
    /// The signing secret (`whsec_…`, Standard Webhooks): in the answer of
    /// `hooks/subscribe` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The newest deliveries, newest first (`hooks/get`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<WebhookDelivery>,
}

/// One event delivered (or to deliver) to a subscription: its delivery log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookDelivery {
    /// The `webhook-id` header: the same on every try.
    pub id: String,
    pub event_type: String,
    pub event_seq: i64,
    /// `queued`, `sending`, `delivered`, `dropped` (never to be sent: the owner may no longer
    /// see the event, or the address is not allowed) or `abandoned` (the subscription was
    /// turned off).
    pub state: String,
    pub attempts: i64,
    /// The receiver's last HTTP status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_ts: i64,
    pub next_attempt_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_ts: Option<i64>,
}
