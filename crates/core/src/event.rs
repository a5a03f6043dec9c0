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
    /// Set on a post's event: what the fan-out derives from it after commit.
    pub fanout: Option<Fanout>,
}

/// A post whose people are found after it committed: the fan-out worker reads it from the
/// log (`events.fanout`) and derives each person's inbox row, notification, held push and
/// event (`services::fanout`). It names the post; who it concerns is read from the post
/// (its recipients, groups and mentions) and the channel or conversation as they are then,
/// so nobody hears of something they can no longer see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "post", rename_all = "snake_case")]
pub enum Fanout {
    Thread { thread_id: ThreadId },
    Comment { thread_id: ThreadId, comment_id: CommentId },
    Message { conversation_id: ConversationId, message_id: MessageId },
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

/// What an event carries the text of: a post, or a conversation (its title and the
/// snippet of its last message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Thread(ThreadId),
    Comment(CommentId),
    Message(MessageId),
    Conversation(ConversationId),
}

impl Subject {
    /// The subject of an event of `kind` with `payload`, if it carries text.
    pub fn of(kind: &str, payload: &Value) -> Option<Subject> {
        let id = id_in(payload, "id")?;
        match kind {
            "thread_added" | "thread_updated" => Some(Subject::Thread(ThreadId(id))),
            "comment_added" | "comment_updated" => Some(Subject::Comment(CommentId(id))),
            "message_added" | "message_updated" => Some(Subject::Message(MessageId(id))),
            "conversation_added" | "conversation_updated" => Some(Subject::Conversation(ConversationId(id))),
            _ => None,
        }
    }

    /// How the log stores it (`events.subject`).
    pub fn key(&self) -> String {
        match self {
            Subject::Thread(id) => format!("thread:{}", id.0),
            Subject::Comment(id) => format!("comment:{}", id.0),
            Subject::Message(id) => format!("message:{}", id.0),
            Subject::Conversation(id) => format!("conversation:{}", id.0),
        }
    }
}

fn id_in(payload: &Value, field: &str) -> Option<i64> {
    payload.get(field).and_then(Value::as_i64)
}

/// Whose earlier events a redaction rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redacted {
    /// The events of one post or conversation.
    One(Subject),
    /// A thread's and all its comments'.
    Thread(ThreadId),
    /// Those of every thread of a channel and of their comments.
    Channel(ChannelId),
}

impl Redacted {
    /// Whether an event of `kind` with `payload` is one of these (for copies held in memory;
    /// the store finds them through its tables).
    pub fn covers(&self, kind: &str, payload: &Value) -> bool {
        self.covers_text_of(&TextOf::of(kind, payload))
    }

    /// The same, from what `TextOf` kept of the event.
    pub fn covers_text_of(&self, of: &TextOf) -> bool {
        match (*self, of.subject) {
            (Redacted::One(s), found) => found == Some(s),
            (Redacted::Thread(t), Some(Subject::Thread(id))) => id == t,
            (Redacted::Thread(t), Some(Subject::Comment(_))) => of.thread_id == Some(t.0),
            (Redacted::Channel(ch), Some(Subject::Thread(_) | Subject::Comment(_))) => of.channel_id == Some(ch.0),
            _ => false,
        }
    }
}

/// What a redaction needs to know of an event, kept by copies that drop the payload
/// itself (the stream's feed keeps only the serialized frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextOf {
    pub subject: Option<Subject>,
    pub thread_id: Option<i64>,
    pub channel_id: Option<i64>,
}

impl TextOf {
    pub fn of(kind: &str, payload: &Value) -> TextOf {
        TextOf {
            subject: Subject::of(kind, payload),
            thread_id: id_in(payload, "thread_id"),
            channel_id: id_in(payload, "channel_id"),
        }
    }
}

/// Which text a redaction removes from an event's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    /// All of it: the payload keeps its shape, with empty text, and says `redacted: true`.
    Text,
    /// The preview of the newest reply (`snippet`), after that reply was edited or deleted.
    Preview,
}

/// What appending an event of `kind` with `payload` removes from the log's earlier events —
/// the one rule of what the log forgets, applied by the store as it appends and by the
/// stream's memory of recent events:
/// - a thread or conversation updated: the text of its earlier events (the new event
///   carries the current text);
/// - an edited or deleted comment or message: its text, and the preview of its thread or
///   conversation, which may quote it;
/// - a deleted thread (not a moved one) or channel: the text of its posts.
pub fn redactions(kind: &str, payload: &Value) -> Vec<(Redacted, Redaction)> {
    use Redaction::{Preview, Text};
    let id = || id_in(payload, "id");
    let reply = |parent: Subject, own: Subject| vec![(Redacted::One(own), Text), (Redacted::One(parent), Preview)];
    match kind {
        "thread_updated" | "conversation_updated" => {
            Subject::of(kind, payload).map(|s| vec![(Redacted::One(s), Text)]).unwrap_or_default()
        }
        "comment_updated" | "comment_deleted" => match (id(), id_in(payload, "thread_id")) {
            (Some(c), Some(t)) => reply(Subject::Thread(ThreadId(t)), Subject::Comment(CommentId(c))),
            _ => vec![],
        },
        "message_updated" | "message_deleted" => match (id(), id_in(payload, "conversation_id")) {
            (Some(m), Some(c)) => reply(Subject::Conversation(ConversationId(c)), Subject::Message(MessageId(m))),
            _ => vec![],
        },
        "thread_deleted" if payload.get("moved_to").is_none_or(Value::is_null) => {
            id().map(|t| vec![(Redacted::Thread(ThreadId(t)), Text)]).unwrap_or_default()
        }
        "channel_deleted" => id().map(|ch| vec![(Redacted::Channel(ChannelId(ch)), Text)]).unwrap_or_default(),
        _ => vec![],
    }
}

/// Fields that hold what people wrote, the preview of the newest reply included.
const TEXT_FIELDS: [&str; 7] =
    ["title", "content", "attachments", "actions", "snippet", "last_comment", "last_message"];
/// Fields that hold a copy of the newest reply.
const PREVIEW_FIELDS: [&str; 3] = ["snippet", "last_comment", "last_message"];

/// The author of the post an event adds, kept in a column of its own for analytics: a new
/// thread, comment or message (`posted_ts` is the event's time), not a thread announced
/// again in the channel it moved to.
pub fn post_author(kind: &str, payload: &Value, now: i64) -> Option<i64> {
    if !matches!(kind, "thread_added" | "comment_added" | "message_added") {
        return None;
    }
    (payload.get("posted_ts")?.as_i64()? == now).then(|| payload.get("creator")?.as_i64()).flatten()
}

/// Removes the text `what` names from an event's payload; answers whether it changed.
pub fn redact(payload: &mut Value, what: Redaction) -> bool {
    let Value::Object(fields) = payload else { return false };
    let names: &[&str] = match what {
        Redaction::Text => &TEXT_FIELDS,
        Redaction::Preview => &PREVIEW_FIELDS,
    };
    let mut changed = false;
    for name in names {
        let blank = match fields.get(*name) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) if s.is_empty() => continue,
            Some(Value::Array(a)) if a.is_empty() => continue,
            Some(Value::String(_)) => Value::String(String::new()),
            Some(Value::Array(_)) => Value::Array(Vec::new()),
            // A copy of a whole reply (`last_comment`): left out.
            Some(_) => {
                fields.remove(*name);
                changed = true;
                continue;
            }
        };
        fields.insert((*name).to_string(), blank);
        changed = true;
    }
    if changed && what == Redaction::Text {
        fields.insert("redacted".to_string(), Value::Bool(true));
    }
    changed
}

/// Kinds of events whose payload may carry a person's name or profile: their member
/// events, and the posts and messages they wrote (`creator_name`).
pub const PERSON_KINDS: [&str; 10] = [
    "workspace_user_added",
    "workspace_user_updated",
    "workspace_user_removed",
    "workspace_user_invited",
    "thread_added",
    "thread_updated",
    "comment_added",
    "comment_updated",
    "message_added",
    "message_updated",
];

/// Whether an event of `kind` with `payload` tells that `user`'s account was deleted
/// (`users/delete`): their earlier events must then forget who they were.
pub fn deleted_person(kind: &str, payload: &Value) -> Option<UserId> {
    let deleted = kind == "workspace_user_removed" && payload.get("deleted").and_then(Value::as_bool) == Some(true);
    deleted.then(|| id_in(payload, "id")).flatten().map(UserId)
}

/// Rewrites an earlier event of a deleted account as it would read now: its member
/// events show "Deleted user" without email or profile, its posts' `creator_name` is
/// "Deleted user". Answers whether the payload changed.
pub fn erase_person(kind: &str, payload: &mut Value, user: UserId) -> bool {
    use crate::services::users::{DELETED_NAME, deleted_email};
    let Value::Object(fields) = payload else { return false };
    let mut changed = false;
    let mut set = |fields: &mut serde_json::Map<String, Value>, name: &str, to: Value| {
        if fields.get(name) != Some(&to) {
            fields.insert(name.to_string(), to);
            changed = true;
        }
    };
    if kind.starts_with("workspace_user_") {
        if fields.get("id").and_then(Value::as_i64) != Some(user.0) {
            return false;
        }
        set(fields, "name", Value::from(DELETED_NAME));
        set(fields, "short_name", Value::from(DELETED_NAME));
        set(fields, "email", Value::from(deleted_email(user)));
        set(fields, "timezone", Value::from("UTC"));
        set(fields, "off_days", Value::Array(Vec::new()));
        set(fields, "deleted", Value::Bool(true));
        if fields.remove("away_mode").is_some() {
            changed = true;
        }
    } else if fields.get("creator").and_then(Value::as_i64) == Some(user.0) && fields.contains_key("creator_name") {
        set(fields, "creator_name", Value::from(DELETED_NAME));
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_deleted_persons_events_forget_who_they_were_and_nobody_elses_change() {
        let bo = UserId(2);
        let mut member = json!({"id": 2, "name": "Bo", "short_name": "Bo", "email": "bo@x.test",
            "timezone": "Europe/Paris", "off_days": [6, 7], "away_mode": {"type": "vacation"}, "user_type": "USER"});
        assert!(erase_person("workspace_user_added", &mut member, bo));
        assert_eq!(member["name"], "Deleted user");
        assert_eq!(member["email"], "deleted-user-2@deleted.invalid");
        assert!(member.get("away_mode").is_none() && member["timezone"] == "UTC");
        assert!(!erase_person("workspace_user_added", &mut member, bo), "a second time changes nothing");
        let mut comment = json!({"id": 9, "creator": 2, "creator_name": "Bo", "content": "hi"});
        assert!(erase_person("comment_added", &mut comment, bo));
        assert_eq!((comment["creator_name"].as_str(), comment["content"].as_str()), (Some("Deleted user"), Some("hi")));
        let mut other = json!({"id": 3, "name": "Ana", "creator": 1, "creator_name": "Ana"});
        assert!(!erase_person("workspace_user_updated", &mut other.clone(), bo));
        assert!(!erase_person("comment_added", &mut other, bo));
        let removal = json!({"id": 2, "deleted": true});
        assert_eq!(deleted_person("workspace_user_removed", &removal), Some(bo));
        assert_eq!(deleted_person("workspace_user_removed", &json!({"id": 2, "deleted": false})), None);
    }

    #[test]
    fn a_redacted_post_keeps_its_shape_without_its_text() {
        let mut thread = json!({"id": 3, "title": "Plans", "content": "secret", "snippet": "secret",
            "attachments": [{"url": "https://example.test/a"}], "actions": [], "pinned": true});
        assert!(redact(&mut thread, Redaction::Text));
        assert_eq!(
            thread,
            json!({"id": 3, "title": "", "content": "", "snippet": "", "attachments": [], "actions": [],
                "pinned": true, "redacted": true})
        );
        assert!(!redact(&mut thread, Redaction::Text), "a second redaction changes nothing");
    }

    #[test]
    fn a_preview_redaction_leaves_the_post_itself() {
        let mut thread = json!({"id": 3, "title": "Plans", "content": "ours", "snippet": "a reply",
            "last_comment": {"content": "a reply"}});
        assert!(redact(&mut thread, Redaction::Preview));
        assert_eq!(thread, json!({"id": 3, "title": "Plans", "content": "ours", "snippet": ""}));
    }

    #[test]
    fn subjects_are_the_posts_and_conversations_events_carry_the_text_of() {
        let p = json!({"id": 5});
        assert_eq!(Subject::of("comment_updated", &p), Some(Subject::Comment(CommentId(5))));
        assert_eq!(Subject::of("thread_added", &p).map(|s| s.key()), Some("thread:5".to_string()));
        assert_eq!(Subject::of("comment_deleted", &p), None, "a deletion carries no text");
        assert_eq!(Subject::of("push", &p), None);
    }

    #[test]
    fn what_each_event_makes_the_log_forget() {
        use Redaction::*;
        let comment = json!({"id": 7, "thread_id": 3, "channel_id": 2});
        assert_eq!(
            redactions("comment_deleted", &comment),
            vec![
                (Redacted::One(Subject::Comment(CommentId(7))), Text),
                (Redacted::One(Subject::Thread(ThreadId(3))), Preview)
            ]
        );
        assert_eq!(redactions("comment_added", &comment), vec![], "a new comment replaces nothing");
        assert_eq!(
            redactions("thread_updated", &json!({"id": 3})),
            vec![(Redacted::One(Subject::Thread(ThreadId(3))), Text)]
        );
        let deleted = json!({"id": 3, "channel_id": 2, "workspace_id": 1});
        assert_eq!(redactions("thread_deleted", &deleted), vec![(Redacted::Thread(ThreadId(3)), Text)]);
        let moved = json!({"id": 3, "channel_id": 2, "workspace_id": 1, "moved_to": 4});
        assert_eq!(redactions("thread_deleted", &moved), vec![], "a moved thread keeps its text");
        assert_eq!(redactions("channel_deleted", &json!({"id": 2})), vec![(Redacted::Channel(ChannelId(2)), Text)]);
        assert!(Redacted::Thread(ThreadId(3)).covers("comment_added", &comment));
        assert!(Redacted::Channel(ChannelId(2)).covers("comment_added", &comment));
        assert!(!Redacted::Thread(ThreadId(4)).covers("comment_added", &comment));
    }
}
