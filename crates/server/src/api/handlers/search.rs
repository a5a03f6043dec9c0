//! `search*`: full-text search over what the caller can see, and within one thread or conversation.

use crate::api::Cx;
use crate::api::decode::Joined;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use weft_core::services::clamp_limit;
use weft_core::services::search::{self, Input, Kind, Page};
use weft_core::{ChannelId, CommentId, ConversationId, Error, MessageId, Result, ThreadId, UserId, WorkspaceId, input};

/// The pattern of a cursor a search hands out: an offset (`*` or empty: the first page).
const CURSOR_PATTERN: &str = r"^(\*|\+?[0-9]{1,18}|-0+)?$";

/// The offset a previous page handed out as its cursor.
fn offset(raw: Option<String>) -> Result<i64> {
    match raw.filter(|c| !c.is_empty() && c != "*") {
        None => Ok(0),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| Error::invalid("cursor", "not a cursor of this search")),
    }
}

/// A calendar date (`YYYY-MM-DD`), or an empty string for none.
#[derive(Debug, Default)]
pub struct DateOrBlank(Option<jiff::civil::Date>);

impl<'de> Deserialize<'de> for DateOrBlank {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if raw.is_empty() {
            return Ok(DateOrBlank(None));
        }
        let date = input::date("", &raw).map_err(input::reject)?;
        date.parse().map(|d| DateOrBlank(Some(d))).map_err(|_| input::reject(Error::invalid("", "bad date")))
    }
}

impl JsonSchema for DateOrBlank {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "DateOrBlank".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]})
    }
}

/// What `search` looks for.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchType {
    #[default]
    All,
    Threads,
    Messages,
    // Empty: the default, `all`.
    #[serde(rename = "")]
    Unset,
}

/// A text with at least one word to find in it: a letter or a digit.
const WORDS_PATTERN: &str = r"[^\W_]";

/// Words to find, or only the posts that mention the caller.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [
    {"required": ["query"], "properties": {"query": {"type": "string", "pattern": WORDS_PATTERN}}},
    {"required": ["mention_self"], "properties": {"mention_self": {"type": "boolean", "enum": [true]}}},
    {"required": ["has_attachments"], "properties": {"has_attachments": {"type": "boolean", "enum": [true]}}},
]))]
pub struct Search {
    pub workspace_id: WorkspaceId,
    /// The words to find (required unless `mention_self` or `has_attachments`).
    #[serde(default)]
    pub query: Option<input::Short>,
    /// Only in these channels.
    #[serde(default)]
    pub channel_ids: Option<input::List<ChannelId>>,
    /// Only posts by these people.
    #[serde(default)]
    pub author_ids: Option<input::List<UserId>>,
    /// Only posts that mention the caller.
    #[serde(default)]
    pub mention_self: Option<bool>,
    /// Only posts that carry attachments (Weft).
    #[serde(default)]
    pub has_attachments: Option<bool>,
    /// From the start of this day in the caller's time zone (overrides `after_ts`).
    #[serde(default)]
    pub date_from: DateOrBlank,
    /// Through the end of this day in the caller's time zone (overrides `before_ts`).
    #[serde(default)]
    pub date_to: DateOrBlank,
    /// At most this many results (default 30, at most 100; other values are clamped).
    #[serde(default)]
    pub limit: Option<i64>,
    /// The `next_cursor_mark` of the previous page.
    #[serde(default)]
    #[schemars(pattern(CURSOR_PATTERN))]
    pub cursor: Option<String>,
    /// The same as `cursor` (it wins when both are given).
    #[serde(default)]
    #[schemars(pattern(CURSOR_PATTERN))]
    pub cursor_mark: Option<String>,
    /// Match titles only.
    #[serde(default)]
    pub title: Option<bool>,
    /// `threads`, `messages` or `all` (the default; also an empty string).
    #[serde(default, rename = "type")]
    pub kind: Option<SearchType>,
    /// Only in these conversations.
    #[serde(default)]
    pub conversation_ids: Option<input::List<ConversationId>>,
    /// Only posts by this person (added to `author_ids`).
    #[serde(default)]
    pub from_user_id: Option<UserId>,
    /// Only messages of conversations with this person.
    #[serde(default)]
    pub to_user_id: Option<UserId>,
    /// Only posts from this time on.
    #[serde(default)]
    pub after_ts: Option<i64>,
    /// Only posts up to this time.
    #[serde(default)]
    pub before_ts: Option<i64>,
}

/// The start of a day in the searcher's time zone.
fn day_start(day: jiff::civil::Date, field: &str, tz: &str) -> Result<i64> {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    day.to_zoned(zone).map(|z| z.timestamp().as_second()).map_err(|_| Error::invalid(field, "bad date"))
}

pub async fn search(cx: Cx, p: Search) -> Result<Page> {
    let actor = cx.actor()?.clone();
    let kind = match p.kind.unwrap_or_default() {
        SearchType::All | SearchType::Unset => Kind::All,
        SearchType::Threads => Kind::Threads,
        SearchType::Messages => Kind::Messages,
    };
    let mut from_ts = p.after_ts;
    let mut to_ts = p.before_ts;
    if let DateOrBlank(Some(d)) = p.date_from {
        from_ts = Some(day_start(d, "date_from", &actor.timezone)?);
    }
    if let DateOrBlank(Some(d)) = p.date_to {
        // Through the end of that day.
        to_ts = Some(day_start(d, "date_to", &actor.timezone)? + 86_400);
    }
    let mut authors: Vec<UserId> = p.author_ids.map(Vec::from).unwrap_or_default();
    authors.extend(p.from_user_id);
    let input = Input {
        workspace_id: p.workspace_id,
        query: p.query.map(String::from).unwrap_or_default(),
        title_only: p.title.unwrap_or(false),
        kind,
        channel_ids: p.channel_ids.map(Into::into),
        conversation_ids: p.conversation_ids.map(Into::into),
        author_ids: authors,
        mention_self: p.mention_self.unwrap_or(false),
        has_attachments: p.has_attachments.unwrap_or(false),
        to_user: p.to_user_id,
        from_ts,
        to_ts,
        offset: {
            // Each is checked; `cursor_mark` wins when both are given.
            let (mark, cursor) = (offset(p.cursor_mark.clone())?, offset(p.cursor)?);
            if p.cursor_mark.is_some_and(|m| !m.is_empty()) { mark } else { cursor }
        },
        limit: clamp_limit(p.limit, search::DEFAULT_LIMIT, search::MAX_LIMIT),
    };
    cx.read(move |tx| search::search(tx, actor.id, input)).await
}

/// What `search/thread` and `search/conversation` look for, and which page.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Within {
    /// The words to find (at least one letter or digit).
    #[schemars(regex(pattern = WORDS_PATTERN))]
    pub query: input::Short,
    /// At most this many ids (default 100, at most 500; other values are clamped).
    #[serde(default)]
    pub limit: Option<i64>,
    /// The offset of the next page: the number of ids already seen.
    #[serde(default)]
    #[schemars(pattern(CURSOR_PATTERN))]
    pub cursor: Option<String>,
}

impl Within {
    /// The words, the offset and the page size.
    fn split(self) -> Result<(String, i64, i64)> {
        Ok((self.query.into(), offset(self.cursor)?, clamp_limit(self.limit, 100, 500)))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OfThread {
    pub thread_id: ThreadId,
}

/// `search/thread`'s answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CommentIds {
    pub comment_ids: Vec<CommentId>,
}

pub async fn in_thread(cx: Cx, Joined(p, within): Joined<OfThread, Within>) -> Result<CommentIds> {
    let actor = cx.actor()?.id;
    let thread = p.thread_id;
    let (query, offset, limit) = within.split()?;
    let comment_ids = cx.read(move |tx| search::in_thread(tx, actor, thread, &query, offset, limit)).await?;
    Ok(CommentIds { comment_ids })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OfConversation {
    pub conversation_id: ConversationId,
}

/// `search/conversation`'s answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MessageIds {
    pub message_ids: Vec<MessageId>,
}

pub async fn in_conversation(cx: Cx, Joined(p, within): Joined<OfConversation, Within>) -> Result<MessageIds> {
    let actor = cx.actor()?.id;
    let conversation = p.conversation_id;
    let (query, offset, limit) = within.split()?;
    let message_ids =
        cx.read(move |tx| search::in_conversation(tx, actor, conversation, &query, offset, limit)).await?;
    Ok(MessageIds { message_ids })
}
