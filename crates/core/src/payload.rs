//! Typed payloads of the events that several places build or read, serialized exactly as the log stores them and streams send them.

use crate::event::Audience;
use crate::ids::*;
use crate::model::InboxState;
use crate::rotation::Rotation;
use serde::{Deserialize, Serialize};

/// A `push` event: what reaches a person's devices (and their email). Addressed to that
/// person alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Push {
    pub delivery: PushDelivery,
    pub items: Vec<PushItem>,
}

impl Push {
    /// The event's type.
    pub const KIND: &'static str = "push";

    /// A push of one item.
    pub fn one(delivery: PushDelivery, item: PushItem) -> Push {
        Push { delivery, items: vec![item] }
    }
}

/// Why a push goes out now; also what the email of it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushDelivery {
    /// One notification, sent when it happened (or when the person became available).
    Each,
    /// What gathered during an hour.
    Hourly,
    /// The digest at the start of the working day.
    Daily,
    /// The emergency lane.
    Urgent,
    /// On duty in a rotation, for someone who is not available.
    Covering,
}

impl From<crate::schedule::Delivery> for PushDelivery {
    fn from(d: crate::schedule::Delivery) -> Self {
        match d {
            crate::schedule::Delivery::Each => PushDelivery::Each,
            crate::schedule::Delivery::Hourly => PushDelivery::Hourly,
            crate::schedule::Delivery::Daily => PushDelivery::Daily,
        }
    }
}

/// One thing a push tells of. Each kind has its own fields on the wire (no tag): a reader
/// tells them apart by `emergency_id` and `covering_for`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PushItem {
    /// An urgent post in an emergency channel (or its escalation to the admins).
    Urgent { emergency_id: i64, thread_id: ThreadId, comment_id: Option<CommentId>, created_ts: i64 },
    /// A post for people who are not available, to the person on duty who covers for them.
    Covering { notification_id: i64, thread_id: ThreadId, obj_index: i64, created_ts: i64, covering_for: Vec<UserId> },
    /// A notification: about a thread or comment (`thread_id`), a direct message
    /// (`conversation_id`), or neither (added to or removed from a workspace or channel).
    Notification {
        notification_id: i64,
        thread_id: Option<ThreadId>,
        conversation_id: Option<ConversationId>,
        obj_index: i64,
        created_ts: i64,
    },
}

/// `inbox_updated` with a thread's whole inbox state, after the person changed it or a
/// snooze ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxUpdated {
    pub thread_id: ThreadId,
    /// None: the thread is no longer there for them.
    pub channel_id: Option<ChannelId>,
    pub in_inbox: bool,
    pub is_archived: bool,
    pub snoozed_until_ts: Option<i64>,
    pub is_reminder: bool,
    pub activity_ts: i64,
}

impl InboxUpdated {
    pub fn new(thread_id: ThreadId, channel_id: Option<ChannelId>, s: &InboxState) -> Self {
        InboxUpdated {
            thread_id,
            channel_id,
            in_inbox: !s.archived && s.snoozed_until.is_none(),
            is_archived: s.archived,
            snoozed_until_ts: s.snoozed_until,
            is_reminder: s.reminder,
            activity_ts: s.activity_ts,
        }
    }
}

/// Someone joined or left a channel, a conversation or a group:
/// `{channel,conversation,group}_user_{added,removed}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberChange {
    #[serde(flatten)]
    pub of: Members,
    pub user_id: UserId,
}

/// Whose members changed; on the wire, the key names the kind (`channel_id`, …).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Members {
    #[serde(rename = "channel_id")]
    Channel(ChannelId),
    #[serde(rename = "conversation_id")]
    Conversation(ConversationId),
    #[serde(rename = "group_id")]
    Group(GroupId),
}

impl MemberChange {
    /// The event's type.
    pub fn kind(&self, added: bool) -> &'static str {
        match (self.of, added) {
            (Members::Channel(_), true) => "channel_user_added",
            (Members::Channel(_), false) => "channel_user_removed",
            (Members::Conversation(_), true) => "conversation_user_added",
            (Members::Conversation(_), false) => "conversation_user_removed",
            (Members::Group(_), true) => "group_user_added",
            (Members::Group(_), false) => "group_user_removed",
        }
    }

    /// Who hears of it: whoever sees the channel or is in the conversation, and the person
    /// concerned even if they just left; a group's changes are the workspace's.
    pub fn audience(&self) -> Audience {
        match self.of {
            Members::Channel(id) => Audience::channel(id).and_user(self.user_id),
            Members::Conversation(id) => Audience::conversation(id).and_user(self.user_id),
            Members::Group(_) => Audience::workspace(),
        }
    }
}

/// `conversation_state_updated`: where the person has read a conversation up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationRead {
    pub conversation_id: ConversationId,
    pub last_read_obj_index: i64,
}

/// `thread_deleted`: removed, or moved to another channel (`moved_to`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadDeleted {
    pub id: ThreadId,
    pub channel_id: ChannelId,
    pub workspace_id: WorkspaceId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<ChannelId>,
}

/// `rotation_updated`: a channel's rotation, set or removed (`null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RotationUpdated<'a> {
    pub channel_id: ChannelId,
    pub rotation: Option<&'a Rotation>,
}

/// An object as an event carries it to everyone who may see it (`thread_added`,
/// `channel_updated`, `conversation_updated` …): the shared fields only. Whether a thread is
/// starred or read, a channel a favourite, a conversation muted is each person's own
/// business; the person whose action emitted the event must not tell everyone theirs, so
/// those fields are left out (clients keep their own).
pub struct Shared<'a, T>(pub &'a T);

/// An object with fields that belong to whoever looks at it.
pub trait PerViewer: Serialize {
    const VIEWER_FIELDS: &'static [&'static str];
}

impl PerViewer for crate::model::Thread {
    const VIEWER_FIELDS: &'static [&'static str] =
        &["starred", "is_saved", "is_archived", "muted_until_ts", "last_read_obj_index"];
}

impl PerViewer for crate::model::Channel {
    const VIEWER_FIELDS: &'static [&'static str] = &["is_favorited", "notifications"];
}

impl PerViewer for crate::model::Conversation {
    const VIEWER_FIELDS: &'static [&'static str] = &["archived", "muted_until_ts", "last_read_obj_index"];
}

impl<T: PerViewer> Serialize for Shared<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        if let serde_json::Value::Object(fields) = &mut value {
            for name in T::VIEWER_FIELDS {
                fields.remove(*name);
            }
        }
        value.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn wire<T: Serialize>(v: &T) -> Value {
        serde_json::to_value(v).unwrap()
    }

    /// The shapes the log held before these types existed (built with `json!`): stored
    /// rows and stream clients see no difference, and old rows read back.
    #[test]
    fn pushes_keep_their_wire_shape_and_read_back() {
        let cases = [
            (
                Push::one(
                    PushDelivery::Each,
                    PushItem::Notification {
                        notification_id: 7,
                        thread_id: Some(ThreadId(3)),
                        conversation_id: None,
                        obj_index: -1,
                        created_ts: 100,
                    },
                ),
                json!({"delivery": "each", "items": [{"notification_id": 7, "thread_id": 3, "conversation_id": null,
                    "obj_index": -1, "created_ts": 100}]}),
            ),
            (
                Push {
                    delivery: PushDelivery::Hourly,
                    items: vec![PushItem::Notification {
                        notification_id: 8,
                        thread_id: None,
                        conversation_id: Some(ConversationId(4)),
                        obj_index: 2,
                        created_ts: 90,
                    }],
                },
                json!({"delivery": "hourly", "items": [{"notification_id": 8, "thread_id": null, "conversation_id": 4,
                    "obj_index": 2, "created_ts": 90}]}),
            ),
            (
                Push::one(
                    PushDelivery::Covering,
                    PushItem::Covering {
                        notification_id: 9,
                        thread_id: ThreadId(3),
                        obj_index: 1,
                        created_ts: 100,
                        covering_for: vec![UserId(5), UserId(6)],
                    },
                ),
                json!({"delivery": "covering", "items": [{"notification_id": 9, "thread_id": 3, "obj_index": 1,
                    "created_ts": 100, "covering_for": [5, 6]}]}),
            ),
            (
                Push::one(
                    PushDelivery::Urgent,
                    PushItem::Urgent { emergency_id: 2, thread_id: ThreadId(3), comment_id: None, created_ts: 100 },
                ),
                json!({"delivery": "urgent", "items": [{"emergency_id": 2, "thread_id": 3, "comment_id": null,
                    "created_ts": 100}]}),
            ),
            (
                Push::one(
                    PushDelivery::Urgent,
                    PushItem::Urgent {
                        emergency_id: 2,
                        thread_id: ThreadId(3),
                        comment_id: Some(CommentId(11)),
                        created_ts: 100,
                    },
                ),
                json!({"delivery": "urgent", "items": [{"emergency_id": 2, "thread_id": 3, "comment_id": 11,
                    "created_ts": 100}]}),
            ),
        ];
        for (push, stored) in cases {
            // Events are stored from the `Value` (`services::event`): equal values, equal text.
            assert_eq!(wire(&push), stored);
            assert_eq!(serde_json::from_value::<Push>(stored).unwrap(), push);
        }
        assert!(serde_json::from_value::<Push>(json!({"delivery": "weekly", "items": []})).is_err());
    }

    #[test]
    fn other_shared_payloads_keep_their_wire_shape() {
        let s = InboxState { archived: false, snoozed_until: Some(50), reminder: false, activity_ts: 10 };
        assert_eq!(
            wire(&InboxUpdated::new(ThreadId(3), Some(ChannelId(2)), &s)),
            json!({"thread_id": 3, "channel_id": 2, "in_inbox": false, "is_archived": false,
                "snoozed_until_ts": 50, "is_reminder": false, "activity_ts": 10})
        );
        let back = InboxState { archived: false, snoozed_until: None, reminder: true, activity_ts: 60 };
        assert_eq!(
            wire(&InboxUpdated::new(ThreadId(3), None, &back)),
            json!({"thread_id": 3, "channel_id": null, "in_inbox": true, "is_archived": false,
                "snoozed_until_ts": null, "is_reminder": true, "activity_ts": 60})
        );
        for (of, key) in [
            (Members::Channel(ChannelId(2)), "channel_id"),
            (Members::Conversation(ConversationId(2)), "conversation_id"),
            (Members::Group(GroupId(2)), "group_id"),
        ] {
            let change = MemberChange { of, user_id: UserId(5) };
            assert_eq!(wire(&change), json!({key: 2, "user_id": 5}));
            assert_eq!(serde_json::from_value::<MemberChange>(json!({key: 2, "user_id": 5})).unwrap(), change);
        }
        assert_eq!(
            wire(&ConversationRead { conversation_id: ConversationId(4), last_read_obj_index: -1 }),
            json!({"conversation_id": 4, "last_read_obj_index": -1})
        );
        let deleted =
            ThreadDeleted { id: ThreadId(3), channel_id: ChannelId(2), workspace_id: WorkspaceId(1), moved_to: None };
        assert_eq!(wire(&deleted), json!({"id": 3, "channel_id": 2, "workspace_id": 1}));
        let moved = ThreadDeleted { moved_to: Some(ChannelId(9)), ..deleted };
        assert_eq!(wire(&moved), json!({"id": 3, "channel_id": 2, "workspace_id": 1, "moved_to": 9}));
        assert_eq!(
            wire(&RotationUpdated { channel_id: ChannelId(2), rotation: None }),
            json!({"channel_id": 2, "rotation": null})
        );
    }
}
