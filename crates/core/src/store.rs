//! What the services need from storage. `Tx` is the data access of one transaction;
//! `Store` runs jobs (closures over a `Tx`) as write or read transactions. Backends live in
//! the `weft-store` crate and pass the same contract suite.

use crate::error::Result;
use crate::event::{Event, NewEvent};
use crate::ids::*;
use crate::model::*;
use serde_json::Value;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub type AnyBox = Box<dyn Any + Send>;
pub type Job = Box<dyn FnOnce(&mut dyn Tx) -> Result<AnyBox> + Send>;

pub trait Store: Send + Sync {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// Runs `job` in a write transaction. The future resolves after the transaction is
    /// durably committed (or rolled back if the job failed).
    fn write_job(&self, job: Job) -> BoxFuture<Result<AnyBox>>;
    /// Runs `job` in a read-only transaction (one consistent snapshot).
    fn read_job(&self, job: Job) -> BoxFuture<Result<AnyBox>>;
    /// The sequence number of the newest committed event; changes after each commit.
    fn head(&self) -> tokio::sync::watch::Receiver<i64>;
    /// Finishes queued writes and closes the database cleanly.
    fn close(&self) -> BoxFuture<()>;
    /// How many SQL statements this store has run: tests use it to prove that a list
    /// costs a fixed number of queries whatever its length.
    fn statements(&self) -> u64;
}

impl dyn Store {
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let out = self.write_job(Box::new(move |tx| f(tx).map(|v| Box::new(v) as AnyBox))).await?;
        Ok(*out.downcast::<T>().expect("a job returns the type it was built with"))
    }

    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Tx) -> Result<T> + Send + 'static,
    {
        let out = self.read_job(Box::new(move |tx| f(tx).map(|v| Box::new(v) as AnyBox))).await?;
        Ok(*out.downcast::<T>().expect("a job returns the type it was built with"))
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub timezone: String,
    pub bot: bool,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub user_type: UserType,
    pub removed: bool,
}

#[derive(Debug, Clone)]
pub struct NewChannel {
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub creator: UserId,
    pub public: bool,
    pub color: Option<i64>,
    pub icon: Option<i64>,
    pub default_groups: Vec<GroupId>,
    pub default_recipients: Vec<UserId>,
    pub use_default_recipients: bool,
    pub emergency: bool,
    pub now: i64,
}

/// A viewer's own state of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadState {
    pub starred: bool,
    pub archived: bool,
    pub muted_until_ts: Option<i64>,
    pub last_read_obj_index: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ThreadQuery {
    pub workspace_id: Option<WorkspaceId>,
    /// Only threads in these channels (the caller passes what the viewer may see).
    pub channel_ids: Vec<ChannelId>,
    pub newer_than_ts: Option<i64>,
    pub older_than_ts: Option<i64>,
    pub before_id: Option<ThreadId>,
    pub after_id: Option<ThreadId>,
    pub exclude_ids: Vec<ThreadId>,
    pub pinned: Option<bool>,
    pub starred: Option<bool>,
    /// Per-viewer archived state: `Some(false)` hides archived threads.
    pub archived: Option<bool>,
    pub ascending: bool,
    pub limit: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    pub newer_than_ts: Option<i64>,
    pub older_than_ts: Option<i64>,
    pub from_obj_index: Option<i64>,
    pub to_obj_index: Option<i64>,
    pub ascending: bool,
    pub limit: i64,
}

#[derive(Debug, Clone)]
pub struct NewConversation {
    pub workspace_id: WorkspaceId,
    pub creator: UserId,
    pub user_ids: Vec<UserId>,
    pub title: Option<String>,
    pub private: bool,
    /// The sorted participant ids: one conversation per set of people.
    pub key: Option<String>,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConversationState {
    pub archived: bool,
    pub muted_until_ts: Option<i64>,
    pub last_read_obj_index: i64,
}

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

/// What search indexes of one thread, comment or message.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// "thread", "comment" or "message".
    pub kind: &'static str,
    pub obj_id: i64,
    pub workspace_id: WorkspaceId,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub thread_id: Option<ThreadId>,
    pub author_id: UserId,
    pub posted_ts: i64,
    pub title: String,
    pub body: String,
    pub mentions: Vec<UserId>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub workspace_id: WorkspaceId,
    /// The words to find; the last one also matches as a prefix.
    pub words: Vec<String>,
    pub title_only: bool,
    /// Where the searcher may look: these channels and these conversations.
    pub channels: Vec<ChannelId>,
    pub conversations: Vec<ConversationId>,
    pub kinds: Vec<&'static str>,
    pub thread_id: Option<ThreadId>,
    pub author_ids: Vec<UserId>,
    pub mentioning: Option<UserId>,
    pub from_ts: Option<i64>,
    pub to_ts: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub kind: String,
    pub obj_id: i64,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub thread_id: Option<ThreadId>,
    pub author_id: UserId,
    pub posted_ts: i64,
    pub title: String,
    pub body: String,
}

/// A push waiting for (or done with) its moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Push {
    pub id: i64,
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub notification_id: i64,
    pub thread: Option<ThreadId>,
    /// Or the conversation of a direct message.
    pub conversation: Option<ConversationId>,
    /// Where the notified item sits in its thread or conversation (-1: a thread's own post).
    pub obj_index: i64,
    pub created_ts: i64,
    /// None: no time within the planning horizon; planned again when the schedule changes.
    pub due_ts: Option<i64>,
}

/// An email to write to the outbox: the rendering of one `push` event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMail {
    /// The push it carries: an email per push, never two.
    pub event_seq: i64,
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
    pub created_ts: i64,
}

/// An email taken from the outbox to be sent now.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMail {
    pub id: i64,
    pub event_seq: i64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// What became of one try to send an email.
#[derive(Debug, Clone, PartialEq)]
pub enum MailOutcome {
    Sent,
    /// Try again at this time.
    Retry {
        at: i64,
        error: String,
    },
    /// Given up: an admin has to look (`weft admin mail-status`).
    Parked {
        error: String,
    },
}

/// The outbox at a glance, for admins.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct MailStatus {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub parked: i64,
    pub oldest_queued_ts: Option<i64>,
    pub last_sent_ts: Option<i64>,
    /// The newest parked emails (or, with retries pending, the ones that failed last).
    pub problems: Vec<MailProblem>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MailProblem {
    pub id: i64,
    pub state: String,
    pub to: String,
    pub subject: String,
    pub attempts: i64,
    pub last_error: String,
    pub created_ts: i64,
    pub next_attempt_ts: i64,
}

/// The data access of one transaction. Lookups return `Ok(None)` for a missing row and
/// keep `Err` for real storage failures.
pub trait Tx {
    // accounts
    fn insert_user(&mut self, user: &NewUser) -> Result<UserId>;
    fn user(&mut self, id: UserId) -> Result<Option<User>>;
    fn user_by_email(&mut self, email: &str) -> Result<Option<User>>;
    fn users_by_ids(&mut self, ids: &[UserId]) -> Result<Vec<User>>;
    fn update_user(&mut self, user: &User) -> Result<()>;
    fn user_count(&mut self) -> Result<i64>;
    fn password_hash(&mut self, id: UserId) -> Result<Option<String>>;
    fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()>;
    fn insert_token(&mut self, user: UserId, token_hash: &str, now: i64) -> Result<()>;
    fn user_by_token(&mut self, token_hash: &str) -> Result<Option<User>>;
    fn delete_token(&mut self, token_hash: &str) -> Result<()>;
    fn delete_tokens_of(&mut self, user: UserId) -> Result<()>;

    // workspaces and their members
    fn insert_workspace(&mut self, name: &str, color: Option<i64>, creator: UserId, now: i64) -> Result<WorkspaceId>;
    fn workspace(&mut self, id: WorkspaceId) -> Result<Option<Workspace>>;
    fn workspaces_of(&mut self, user: UserId) -> Result<Vec<Workspace>>;
    fn update_workspace(&mut self, ws: &Workspace) -> Result<()>;
    fn delete_workspace(&mut self, id: WorkspaceId) -> Result<()>;
    fn membership(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<Membership>>;
    fn workspace_users(&mut self, ws: WorkspaceId) -> Result<Vec<WorkspaceUser>>;
    fn workspace_user(&mut self, ws: WorkspaceId, user: UserId) -> Result<Option<WorkspaceUser>>;
    fn put_membership(&mut self, ws: WorkspaceId, user: UserId, m: Membership, now: i64) -> Result<()>;
    fn admin_count(&mut self, ws: WorkspaceId) -> Result<i64>;

    // channels
    fn insert_channel(&mut self, ch: &NewChannel) -> Result<ChannelId>;
    fn channel(&mut self, id: ChannelId, viewer: UserId) -> Result<Option<Channel>>;
    fn channels_in(&mut self, ws: WorkspaceId, viewer: UserId) -> Result<Vec<Channel>>;
    fn update_channel(&mut self, ch: &Channel) -> Result<()>;
    fn delete_channel(&mut self, id: ChannelId) -> Result<()>;
    fn add_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()>;
    fn remove_channel_members(&mut self, ch: ChannelId, users: &[UserId]) -> Result<()>;
    fn set_channel_favorite(&mut self, ch: ChannelId, user: UserId, favorite: bool) -> Result<()>;

    // threads
    fn insert_thread(&mut self, thread: &Thread) -> Result<ThreadId>;
    fn thread(&mut self, id: ThreadId, viewer: UserId) -> Result<Option<Thread>>;
    fn threads(&mut self, q: &ThreadQuery, viewer: UserId) -> Result<Vec<Thread>>;
    fn update_thread(&mut self, thread: &Thread) -> Result<()>;
    fn delete_thread(&mut self, id: ThreadId) -> Result<()>;
    fn put_thread_state(&mut self, thread: ThreadId, user: UserId, state: ThreadState) -> Result<()>;

    // comments
    fn insert_comment(&mut self, c: &Comment) -> Result<CommentId>;
    fn comment(&mut self, id: CommentId) -> Result<Option<Comment>>;
    fn comments(&mut self, thread: ThreadId, q: &ItemQuery) -> Result<Vec<Comment>>;
    fn last_comment(&mut self, thread: ThreadId) -> Result<Option<Comment>>;
    fn comments_by_ids(&mut self, ids: &[CommentId]) -> Result<Vec<Comment>>;
    fn update_comment(&mut self, c: &Comment) -> Result<()>;
    fn delete_comment(&mut self, id: CommentId) -> Result<()>;

    // groups
    fn insert_group(&mut self, ws: WorkspaceId, name: &str, description: &str, color: Option<i64>) -> Result<GroupId>;
    fn group(&mut self, id: GroupId) -> Result<Option<Group>>;
    fn groups_in(&mut self, ws: WorkspaceId) -> Result<Vec<Group>>;
    fn update_group(&mut self, g: &Group) -> Result<()>;
    fn delete_group(&mut self, id: GroupId) -> Result<()>;
    fn add_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()>;
    fn remove_group_members(&mut self, id: GroupId, users: &[UserId]) -> Result<()>;

    // conversations and their messages
    fn conversation_by_key(&mut self, ws: WorkspaceId, key: &str) -> Result<Option<ConversationId>>;
    fn insert_conversation(&mut self, c: &NewConversation) -> Result<ConversationId>;
    fn conversation(&mut self, id: ConversationId, viewer: UserId) -> Result<Option<Conversation>>;
    fn conversations_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<Vec<Conversation>>;
    /// Writes the shared fields (title, counters, snippet, version).
    fn update_conversation(&mut self, c: &Conversation) -> Result<()>;
    fn set_conversation_key(&mut self, id: ConversationId, key: Option<&str>) -> Result<()>;
    fn put_conversation_state(&mut self, c: ConversationId, user: UserId, s: ConversationState) -> Result<()>;
    fn add_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()>;
    fn remove_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()>;
    fn insert_message(&mut self, m: &Message) -> Result<MessageId>;
    fn message(&mut self, id: MessageId) -> Result<Option<Message>>;
    fn messages_by_ids(&mut self, ids: &[MessageId]) -> Result<Vec<Message>>;
    fn messages(&mut self, c: ConversationId, q: &ItemQuery) -> Result<Vec<Message>>;
    fn last_message(&mut self, c: ConversationId) -> Result<Option<Message>>;
    fn update_message(&mut self, m: &Message) -> Result<()>;
    fn delete_message(&mut self, id: MessageId) -> Result<()>;

    // reactions
    fn add_reaction(&mut self, target: ReactionTarget, user: UserId, emoji: &str, now: i64) -> Result<bool>;
    fn remove_reaction(&mut self, target: ReactionTarget, user: UserId, emoji: &str) -> Result<bool>;
    /// Reactions of many objects of one kind ("thread", "comment" or "message") at once.
    fn reactions(&mut self, kind: &str, ids: &[i64]) -> Result<HashMap<i64, Reactions>>;

    // the event log
    fn append_event(&mut self, e: &NewEvent, now: i64) -> Result<i64>;
    /// Several events at once, in order; answers their sequence numbers.
    fn append_events(&mut self, events: &[NewEvent], now: i64) -> Result<Vec<i64>>;
    fn events_after(&mut self, after: i64, limit: i64) -> Result<Vec<Event>>;
    fn event_head(&mut self) -> Result<i64>;
    /// Events of one kind after `after`, in order.
    fn events_of_kind_after(&mut self, kind: &str, after: i64, limit: i64) -> Result<Vec<Event>>;

    // the inbox
    /// Records that a thread concerns each toucher now (one touch per person). `bring_back`
    /// takes it out of Done (not for a muted thread); `mention_obj_index` notes a direct
    /// mention at that position.
    fn touch_inboxes(&mut self, touches: &[InboxTouch]) -> Result<()>;
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
    /// Of these users, those who muted the thread until after `now`.
    fn muted_users(&mut self, thread: ThreadId, users: &[UserId], now: i64) -> Result<Vec<UserId>>;
    fn threads_by_ids(&mut self, ids: &[ThreadId], viewer: UserId) -> Result<Vec<Thread>>;
    /// Snoozed items whose time has come: (user, thread, workspace).
    fn due_snoozes(&mut self, now: i64, limit: i64) -> Result<Vec<(UserId, ThreadId, WorkspaceId)>>;
    /// The last comment of each of these threads.
    fn last_comments(&mut self, threads: &[ThreadId]) -> Result<HashMap<ThreadId, Comment>>;
    fn move_inbox_items(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()>;

    // read state
    fn unread_threads(&mut self, user: UserId, ws: WorkspaceId, guest: bool) -> Result<Vec<UnreadThread>>;
    /// Moves the user's read position to the end of every thread of their inbox in `ws`
    /// (or of every thread of `channel`); answers the threads it changed.
    fn mark_threads_read(&mut self, user: UserId, ws: WorkspaceId, channel: Option<ChannelId>)
    -> Result<Vec<ThreadId>>;
    /// Moves everyone else's read position back to just before `obj_index`.
    fn mark_unread_for_others(&mut self, thread: ThreadId, actor: UserId, obj_index: i64) -> Result<Vec<UserId>>;
    fn unread_conversations(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<UnreadConversation>>;
    fn note_conversation_mentions(&mut self, c: ConversationId, users: &[UserId], obj_index: i64) -> Result<()>;
    fn mark_conversations_read(&mut self, user: UserId, ws: WorkspaceId) -> Result<Vec<ConversationId>>;

    // notifications
    fn insert_notification(&mut self, user: UserId, n: &Notification) -> Result<i64>;
    /// Several people's notifications at once (one each); answers their ids in order.
    fn insert_notifications(&mut self, items: &[(UserId, Notification)]) -> Result<Vec<i64>>;
    fn notifications(&mut self, user: UserId, limit: i64) -> Result<Vec<Notification>>;
    /// Some of a person's notifications.
    fn notifications_by_ids(&mut self, user: UserId, ids: &[i64]) -> Result<Vec<Notification>>;
    fn mark_notification_read(&mut self, user: UserId, id: Option<i64>) -> Result<u64>;
    fn notification_settings(&mut self, user: UserId, ws: WorkspaceId) -> Result<Option<Value>>;
    fn put_notification_settings(&mut self, user: UserId, ws: WorkspaceId, settings: &Value) -> Result<()>;

    // search
    fn index_doc(&mut self, doc: &SearchDoc) -> Result<()>;
    fn unindex_doc(&mut self, kind: &str, obj_id: i64) -> Result<()>;
    /// Removes a thread's own document and its comments'.
    fn unindex_thread(&mut self, thread: ThreadId) -> Result<()>;
    fn move_thread_docs(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()>;
    fn search(&mut self, q: &SearchQuery) -> Result<Vec<SearchHit>>;

    // schedules
    fn schedule(&mut self, user: UserId) -> Result<Option<crate::schedule::Schedule>>;
    /// Many people's accounts and stored schedules at once.
    fn users_with_schedules(&mut self, ids: &[UserId]) -> Result<Vec<(User, Option<crate::schedule::Schedule>)>>;
    /// A person's read positions in these threads (absent: never opened).
    fn read_positions(&mut self, user: UserId, threads: &[ThreadId]) -> Result<HashMap<ThreadId, i64>>;
    /// A person's read positions in these conversations.
    fn conversation_read_positions(
        &mut self,
        user: UserId,
        conversations: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>>;
    /// Of these members, those who muted the conversation until after `now`.
    fn conversation_muted_users(&mut self, c: ConversationId, users: &[UserId], now: i64) -> Result<Vec<UserId>>;
    fn put_schedule(&mut self, user: UserId, s: &crate::schedule::Schedule, now: i64) -> Result<()>;

    // pushes waiting for their person
    fn insert_pushes(&mut self, pushes: &[Push]) -> Result<()>;
    /// Pending pushes due at `now`, oldest first.
    fn due_pushes(&mut self, now: i64, limit: i64) -> Result<Vec<Push>>;
    fn pending_pushes_of(&mut self, user: UserId) -> Result<Vec<Push>>;
    fn set_push_due(&mut self, id: i64, due_ts: Option<i64>) -> Result<()>;
    /// Marks pushes "delivered" or "dropped".
    fn finish_pushes(&mut self, ids: &[i64], state: &str, now: i64) -> Result<()>;

    // the emergency lane
    fn insert_emergency(&mut self, e: &Emergency) -> Result<i64>;
    fn emergency(&mut self, id: i64) -> Result<Option<Emergency>>;
    fn emergencies(&mut self, ws: WorkspaceId, limit: i64) -> Result<Vec<Emergency>>;
    /// Records an acknowledgement; false if that person had already acknowledged.
    fn ack_emergency(&mut self, id: i64, user: UserId, ts: i64) -> Result<bool>;
    /// Emergencies whose escalation time has passed and that were not escalated yet.
    fn due_escalations(&mut self, now: i64) -> Result<Vec<Emergency>>;
    /// Closes the escalation: to these people (empty: it was not needed) at `ts`.
    fn set_escalated(&mut self, id: i64, to: &[UserId], ts: i64) -> Result<()>;

    // rotations
    fn rotation(&mut self, channel: ChannelId) -> Result<Option<crate::rotation::Rotation>>;
    fn put_rotation(&mut self, channel: ChannelId, r: &crate::rotation::Rotation, now: i64) -> Result<()>;
    fn delete_rotation(&mut self, channel: ChannelId) -> Result<bool>;

    // email
    /// How far the event log has been turned into email (None: never, mail was just set up).
    fn mail_cursor(&mut self) -> Result<Option<i64>>;
    fn set_mail_cursor(&mut self, seq: i64) -> Result<()>;
    /// False if that push already has its email.
    fn insert_mail(&mut self, m: &NewMail) -> Result<bool>;
    /// Whether some email is due to be sent at `now`.
    fn mail_due(&mut self, now: i64) -> Result<bool>;
    /// Takes the emails due at `now` (and those whose sender vanished: lease over) and
    /// leases them until `lease_until`, counting the attempt.
    fn claim_mail(&mut self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxMail>>;
    fn finish_mail(&mut self, id: i64, outcome: &MailOutcome, now: i64) -> Result<()>;
    fn mail_status(&mut self, problems: i64) -> Result<MailStatus>;
    /// Puts parked emails back in the queue, due at once; answers how many.
    fn requeue_parked_mail(&mut self) -> Result<u64>;
    fn mail_token(&mut self, user: UserId, ws: WorkspaceId) -> Result<Option<String>>;
    fn insert_mail_token(&mut self, user: UserId, ws: WorkspaceId, token: &str) -> Result<()>;
    fn mail_token_owner(&mut self, token: &str) -> Result<Option<(UserId, WorkspaceId)>>;

    // idempotent retries
    fn idempotent_response(&mut self, user: UserId, key: &str) -> Result<Option<Value>>;
    fn save_idempotent_response(&mut self, user: UserId, key: &str, response: &Value, now: i64) -> Result<()>;
}
