//! One function per endpoint: turn parameters into domain input, call one service.

pub mod access;
pub mod analytics;
pub mod api_tokens;
pub mod batch;
pub mod channels;
pub mod comments;
pub mod conversations;
pub mod decisions;
pub mod emergencies;
pub mod expectations;
pub mod groups;
pub mod hooks;
pub mod inbox;
pub mod integrations;
pub mod invitations;
pub mod markdown;
pub mod meetings;
pub mod notifications;
pub mod reactions;
pub mod rotations;
pub mod scheduled;
pub mod schedules;
pub mod search;
pub mod threads;
pub mod users;
pub mod workspace_users;
pub mod workspaces;

use crate::api::decode::Given;
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::ids::*;
use weft_core::input;
use weft_core::services::expectations::Request;
use weft_core::services::scheduled::When;
use weft_core::services::threads::{PostInput, Recipients};
use weft_core::{Error, Result};

/// One person added to or removed from the object named by `id` (a channel, a group).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Person<Id> {
    pub id: Id,
    pub user_id: UserId,
}

/// People added to or removed from the object named by `id`: `user_ids`, or `user_id`
/// for one person (which wins when both are given).
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["user_ids"]}, {"required": ["user_id"]}]))]
pub struct People<Id> {
    pub id: Id,
    #[serde(default)]
    pub user_ids: Option<input::List<UserId>>,
    /// One person; used instead of `user_ids` when given.
    #[serde(default)]
    pub user_id: Option<UserId>,
}

impl<Id> People<Id> {
    /// The people named.
    pub fn people(&self) -> Result<Vec<UserId>> {
        match (self.user_id, &self.user_ids) {
            (Some(one), _) => Ok(vec![one]),
            (None, Some(many)) => Ok(many.to_vec()),
            (None, None) => Err(weft_core::Error::missing("user_ids")),
        }
    }
}

impl<Id> From<Person<Id>> for People<Id> {
    fn from(p: Person<Id>) -> Self {
        People { id: p.id, user_ids: None, user_id: Some(p.user_id) }
    }
}

/// Who a thread or comment notifies, as clients send it: a list of people, or `EVERYONE`
/// (everyone in the channel), or `EVERYONE_IN_THREAD` (older clients; the reserved group 2).
#[derive(Debug, Clone, PartialEq)]
pub enum RecipientsInput {
    Everyone,
    EveryoneInThread,
    Users(Vec<UserId>),
}

impl<'de> serde::Deserialize<'de> for RecipientsInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        use serde_json::Value;
        let Given { value, as_text } = Given::deserialize(d)?;
        let bad = || D::Error::custom("expected a list of user ids, EVERYONE or EVERYONE_IN_THREAD");
        // In a JSON body: a JSON array of ids, or one of the words. As text (a query, a
        // form) also comma-joined ids, a JSON array in a string, or a repeated field.
        let ids: Vec<i64> = match value {
            Value::String(w) if w.trim() == "EVERYONE" => return Ok(RecipientsInput::Everyone),
            Value::String(w) if w.trim() == "EVERYONE_IN_THREAD" => return Ok(RecipientsInput::EveryoneInThread),
            Value::String(w) if as_text => crate::api::decode::integers_from_str(&w).map_err(D::Error::custom)?,
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::Number(n) => n.as_i64().ok_or_else(bad),
                    Value::String(s) if as_text => s.trim().parse().map_err(|_| bad()),
                    _ => Err(bad()),
                })
                .collect::<std::result::Result<_, _>>()?,
            _ => return Err(bad()),
        };
        if ids.len() > input::MAX_IDS {
            return Err(input::reject(weft_core::Error::invalid("", format!("more than {} items", input::MAX_IDS))));
        }
        ids.into_iter()
            .map(|id| if id > 0 { Ok(UserId(id)) } else { Err(D::Error::custom("expected a positive id")) })
            .collect::<std::result::Result<_, _>>()
            .map(RecipientsInput::Users)
    }
}

impl schemars::JsonSchema for RecipientsInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Recipients".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids = g.subschema_for::<input::List<UserId>>();
        schemars::json_schema!({
            "description": "People to notify: user ids, or EVERYONE (the channel), or EVERYONE_IN_THREAD",
            "anyOf": [ids, {"type": "string", "enum": ["EVERYONE", "EVERYONE_IN_THREAD"]}],
        })
    }
}

/// What a thread, a comment and a message share besides their text.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PostExtras {
    #[serde(default)]
    pub attachments: Option<input::Objects>,
    #[serde(default)]
    pub actions: Option<input::Objects>,
    #[serde(default)]
    pub direct_mentions: Option<input::List<UserId>>,
    #[serde(default)]
    pub direct_group_mentions: Option<input::List<GroupId>>,
}

/// Who a thread or a comment notifies, and how (a message's audience is its conversation).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NotifyList {
    #[serde(default)]
    pub recipients: Option<RecipientsInput>,
    /// Groups to notify (1: everyone in the channel, 2: everyone in the thread).
    #[serde(default)]
    pub groups: Option<input::List<GroupId>>,
    /// Accepted for compatibility; Weft marks no post as an integration's.
    #[serde(default)]
    pub send_as_integration: Option<bool>,
    /// Required in an emergency channel: the post goes through do-not-disturb.
    #[serde(default)]
    pub urgent: Option<bool>,
}

/// Weft's options of a new post: whose answer it asks for (reply expectations), and when
/// it is sent (scheduled send).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PostOptions {
    /// People asked to answer: each gets a tracked expectation, due after the expected
    /// response time in their own working hours (or at `reply_by_ts`), and is notified.
    #[serde(default)]
    pub request_reply: Option<input::List<UserId>>,
    /// When the answers are due, if not after the expected response time.
    #[serde(default)]
    pub reply_by_ts: Option<i64>,
    /// Send it later, at this time: until then only its author sees it (`scheduled/get`).
    #[serde(default)]
    pub send_at_ts: Option<i64>,
    /// Send it later, at the start of the next working period of the person it goes to (of
    /// most of them, for several); the answer explains the time.
    #[serde(default)]
    pub send_at: Option<SendLater>,
}

/// `send_at`'s one value.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SendLater {
    RecipientMorning,
}

impl PostOptions {
    /// When the post is to be sent: now (None), or later.
    pub fn when(&self) -> Result<Option<When>> {
        send_when(self.send_at_ts, self.send_at)
    }
}

/// `send_at_ts` or `send_at`, as the time to send: None when neither is given.
pub(crate) fn send_when(send_at_ts: Option<i64>, send_at: Option<SendLater>) -> Result<Option<When>> {
    match (send_at_ts, send_at) {
        (None, None) => Ok(None),
        (Some(ts), None) => Ok(Some(When::At(ts))),
        (None, Some(SendLater::RecipientMorning)) => Ok(Some(When::RecipientMorning)),
        (Some(_), Some(_)) => Err(Error::invalid("send_at", "give send_at_ts or send_at, not both")),
    }
}

/// The one of `given` that is present, for calls that name exactly one of several things
/// (`names`, in the same order): none is `names[0]` missing, two or more are refused.
pub(crate) fn exactly_one<T, const N: usize>(given: [Option<T>; N], names: [&'static str; N]) -> Result<T> {
    let mut present = given.into_iter().flatten();
    match (present.next(), present.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(Error::missing(names[0])),
        (Some(_), Some(_)) => Err(Error::invalid(names[0], format!("give only one of {}", names.join(", ")))),
    }
}

pub(crate) fn objects(list: Option<input::Objects>) -> Option<Vec<serde_json::Value>> {
    list.map(input::Objects::into_vec)
}

/// A new post's input for the services.
pub(crate) fn post_input(content: String, extras: PostExtras, notify: NotifyList, ask: &PostOptions) -> PostInput {
    let mut groups = notify.groups.map(|g| g.into_iter().map(|g| g.0).collect::<Vec<_>>());
    let recipients = match notify.recipients {
        None => None,
        Some(RecipientsInput::Everyone) => Some(Recipients::Everyone),
        // Older clients' "everyone in the thread" is the reserved group 2.
        Some(RecipientsInput::EveryoneInThread) => {
            groups.get_or_insert_with(Vec::new).push(GROUP_EVERYONE_IN_THREAD);
            None
        }
        Some(RecipientsInput::Users(ids)) => Some(Recipients::Users(ids)),
    };
    PostInput {
        content,
        attachments: objects(extras.attachments).unwrap_or_default(),
        actions: objects(extras.actions).unwrap_or_default(),
        recipients,
        groups,
        direct_mentions: extras.direct_mentions.map(Vec::from).unwrap_or_default(),
        direct_group_mentions: extras.direct_group_mentions.map(Vec::from).unwrap_or_default(),
        request: Request {
            users: ask.request_reply.clone().map(Vec::from).unwrap_or_default(),
            reply_by_ts: ask.reply_by_ts,
        },
    }
}

/// `asc` or `desc`, in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    Desc,
}

impl<'de> serde::Deserialize<'de> for Order {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match String::deserialize(d)?.to_ascii_lowercase().as_str() {
            "asc" => Ok(Order::Asc),
            "desc" => Ok(Order::Desc),
            _ => Err(serde::de::Error::custom("expected asc or desc")),
        }
    }
}

/// The most a page of posts answers, as JSON: a page ends early, after at least one item,
/// when the next item would pass it (500 threads of 1 MB each would otherwise be one
/// half-gigabyte answer). Clients ask for the next page from the last item they got.
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The first items of `items` that fit in `MAX_PAGE_BYTES` as JSON (at least one).
pub(crate) fn within_page_bytes<T: serde::Serialize>(mut items: Vec<T>) -> Vec<T> {
    /// Counts the bytes written instead of keeping them.
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut total = Count(0);
    let fits = items.iter().position(|item| {
        let _ = serde_json::to_writer(&mut total, item);
        total.0 > MAX_PAGE_BYTES
    });
    if let Some(n) = fits {
        items.truncate(n.max(1));
    }
    items
}

/// A list of things, or of their ids (`as_ids`).
#[derive(serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
#[schemars(inline)]
pub enum ListOrIds<T, Id> {
    Items(Vec<T>),
    Ids(Vec<Id>),
}
