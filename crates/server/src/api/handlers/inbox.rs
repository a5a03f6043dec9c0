//! `inbox/*` and the read state of threads and conversations (`*/mark_*`, `*/get_unread`).

use crate::api::{Cx, Status, StatusOk, Stored, ok};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::model::{InboxThread, UnreadConversation, UnreadThread};
use weft_core::services::clamp_limit;
use weft_core::services::inbox::{self, ListInput, Position};
use weft_core::store::ArchiveFilter;
use weft_core::{ChannelId, CommentId, ConversationId, Error, MessageId, Result, ThreadId, WorkspaceId};

/// A call about one workspace.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByWorkspace {
    pub workspace_id: WorkspaceId,
}

/// A call about one thread.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByThread {
    pub id: ThreadId,
}

/// Which items `inbox/get` lists.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Archived {
    #[default]
    Active,
    Archived,
    All,
    // Empty: the default, `active`.
    #[serde(rename = "")]
    Unset,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    #[serde(default)]
    pub newer_than_ts: Option<i64>,
    #[serde(default)]
    pub older_than_ts: Option<i64>,
    /// At most this many items (default 30, at most 500; other values are clamped).
    #[serde(default)]
    pub limit: Option<i64>,
    /// The cursor of the last item seen: `<activity_ts>:<thread id>`.
    #[serde(default)]
    #[schemars(pattern(r"^([+-]?[0-9]{1,18}:[+-]?[0-9]{1,18})?$"))]
    pub cursor: Option<String>,
    /// `active` (the default; also an empty string), `archived` (Done) or `all`.
    #[serde(default)]
    pub archive_filter: Option<Archived>,
}

/// `inbox/get` cursors are `<activity_ts>:<thread id>` of the last item seen.
fn cursor(raw: Option<String>) -> Result<Option<(i64, ThreadId)>> {
    let Some(raw) = raw.filter(|c| !c.is_empty()) else { return Ok(None) };
    let bad = || Error::invalid("cursor", "expected the cursor of a previous page (activity_ts:thread_id)");
    let (ts, id) = raw.split_once(':').ok_or_else(bad)?;
    Ok(Some((ts.parse().map_err(|_| bad())?, ThreadId(id.parse().map_err(|_| bad())?))))
}

pub async fn get(cx: Cx, p: Get) -> Result<Vec<InboxThread>> {
    let actor = cx.actor()?.id;
    let filter = match p.archive_filter.unwrap_or_default() {
        Archived::Active | Archived::Unset => ArchiveFilter::Active,
        Archived::Archived => ArchiveFilter::Archived,
        Archived::All => ArchiveFilter::All,
    };
    let input = ListInput {
        workspace_id: p.workspace_id,
        filter,
        newer_than_ts: p.newer_than_ts,
        older_than_ts: p.older_than_ts,
        cursor: cursor(p.cursor)?,
        limit: clamp_limit(p.limit, inbox::DEFAULT_LIMIT, inbox::MAX_LIMIT),
    };
    cx.read(move |tx| inbox::get(tx, actor, input)).await.map(super::within_page_bytes)
}

/// `inbox/get_count`'s answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct InboxCount {
    /// Unread items of the inbox.
    pub data: i64,
    /// The inbox's version: it grows with every change.
    pub version: i64,
}

pub async fn get_count(cx: Cx, p: ByWorkspace) -> Result<InboxCount> {
    let actor = cx.actor()?.id;
    let ws = p.workspace_id;
    let (data, version) = cx.read(move |tx| inbox::count(tx, actor, ws)).await?;
    Ok(InboxCount { data, version })
}

pub async fn archive(cx: Cx, p: ByThread) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::archive(tx, actor, p.id, now)).await?;
    Ok(ok())
}

pub async fn unarchive(cx: Cx, p: ByThread) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::unarchive(tx, actor, p.id, now)).await?;
    Ok(ok())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ArchiveAll {
    pub workspace_id: WorkspaceId,
    /// Only the threads of these channels.
    #[serde(default)]
    pub channel_ids: Option<weft_core::input::List<ChannelId>>,
    /// Only the threads whose last activity is older than this.
    #[serde(default)]
    pub older_than_ts: Option<i64>,
}

pub async fn archive_all(cx: Cx, p: ArchiveAll) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| {
        inbox::archive_all(tx, actor, p.workspace_id, p.channel_ids.map(Into::into), p.older_than_ts, now)
    })
    .await?;
    Ok(ok())
}

/// `threads/mark_all_read`: the whole inbox of a workspace, or one channel.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["workspace_id"]}, {"required": ["channel_id"]}]))]
pub struct MarkAllRead {
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    /// Only the threads of this channel.
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
}

pub async fn mark_all_read(cx: Cx, p: MarkAllRead) -> Result<Status> {
    let actor = cx.actor()?.id;
    let (ws, channel) = (p.workspace_id, p.channel_id);
    if ws.is_none() && channel.is_none() {
        return Err(Error::missing("workspace_id"));
    }
    let now = cx.now();
    cx.write(move |tx| inbox::mark_all_read(tx, actor, ws, channel, now)).await?;
    Ok(ok())
}

/// `inbox/mark_all_read`, `threads/clear_unread`: the whole inbox of a workspace.
pub async fn mark_all_read_in(cx: Cx, p: ByWorkspace) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_all_read(tx, actor, Some(p.workspace_id), None, now)).await?;
    Ok(ok())
}

/// `inbox/snooze`'s `until`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
pub enum Until {
    #[serde(rename = "next_workday")]
    NextWorkday,
}

/// Weft: `inbox/snooze {id, until_ts}` or `{id, until: "next_workday"}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("oneOf" = [{"required": ["until_ts"]}, {"required": ["until"]}]))]
pub struct Snooze {
    pub id: ThreadId,
    /// Back in the inbox at this time (in the future).
    #[serde(default)]
    pub until_ts: Option<i64>,
    /// `next_workday`: back at the start of the caller's next working day (instead of `until_ts`).
    #[serde(default)]
    pub until: Option<Until>,
}

/// `inbox/snooze`'s answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SnoozeResult {
    pub status: StatusOk,
    /// When the thread comes back.
    pub snoozed_until_ts: Option<i64>,
}

pub async fn snooze(cx: Cx, p: Snooze) -> Result<Stored<SnoozeResult>> {
    let actor = cx.actor()?.clone();
    let id = p.id;
    let now = cx.now();
    let until = match (p.until_ts, p.until) {
        (Some(ts), None) => Some(ts),
        (None, Some(Until::NextWorkday)) => None,
        (Some(_), Some(_)) => return Err(Error::invalid("until", "give until_ts or until, not both")),
        (None, None) => return Err(Error::missing("until_ts")),
    };
    cx.write(move |tx| {
        let s = match until {
            Some(ts) => inbox::snooze(tx, actor.id, id, ts, now)?,
            None => inbox::snooze_until_next_workday(tx, &actor, id, now)?,
        };
        Ok(SnoozeResult { status: StatusOk::Ok, snoozed_until_ts: s.snoozed_until })
    })
    .await
}

pub async fn unsnooze(cx: Cx, p: ByThread) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::unsnooze(tx, actor, p.id, now).map(drop)).await?;
    Ok(ok())
}

/// A read position in a thread.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ThreadPosition {
    pub id: ThreadId,
    /// The position: -1 is the thread's own post, 0… its comments.
    pub obj_index: i64,
}

pub async fn mark_read(cx: Cx, p: ThreadPosition) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_read(tx, actor, p.id, p.obj_index, now)).await?;
    Ok(ok())
}

pub async fn mark_unread(cx: Cx, p: ThreadPosition) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_unread(tx, actor, p.id, p.obj_index, now)).await?;
    Ok(ok())
}

pub async fn mark_unread_for_others(cx: Cx, p: ThreadPosition) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_unread_for_others(tx, actor, p.id, p.obj_index, now)).await?;
    Ok(ok())
}

pub async fn get_unread(cx: Cx, p: ByWorkspace) -> Result<Vec<UnreadThread>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| inbox::unread_threads(tx, actor, p.workspace_id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MarkPosition {
    pub thread_id: ThreadId,
    /// A comment of that thread: the caller has read up to it.
    pub comment_id: CommentId,
}

/// `comments/mark_position`: the caller has read up to this comment.
pub async fn mark_position(cx: Cx, p: MarkPosition) -> Result<Status> {
    let actor = cx.actor()?.id;
    let (thread, comment) = (p.thread_id, p.comment_id);
    let now = cx.now();
    cx.write(move |tx| {
        let c = weft_core::services::comments::get(tx, actor, comment)?;
        if c.thread_id != thread {
            return Err(Error::invalid("comment_id", "not a comment of this thread"));
        }
        inbox::mark_read(tx, actor, thread, c.obj_index, now)
    })
    .await?;
    Ok(ok())
}

/// A read position in a conversation: up to (or from) `obj_index` or `message_id`, or its
/// end when neither is given.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend(
    "anyOf" = [{"required": ["id"]}, {"required": ["conversation_id"]}],
    "not" = {"required": ["obj_index", "message_id"]}
))]
pub struct ConversationPosition {
    #[serde(default)]
    pub id: Option<ConversationId>,
    /// The conversation, as older clients name it (when `id` is not given).
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    /// -1 (nothing read) to the conversation's last obj_index.
    #[serde(default)]
    pub obj_index: Option<i64>,
    /// A message of the conversation (instead of `obj_index`).
    #[serde(default)]
    pub message_id: Option<MessageId>,
}

impl ConversationPosition {
    /// `id`, or `conversation_id` as older clients send it.
    fn conversation(&self) -> Result<ConversationId> {
        self.id.or(self.conversation_id).ok_or_else(|| Error::missing("id"))
    }

    fn position(&self) -> Result<Position> {
        Ok(match (self.obj_index, self.message_id) {
            (Some(i), None) => Position::ObjIndex(i),
            (None, Some(m)) => Position::Message(m),
            (None, None) => Position::End,
            (Some(_), Some(_)) => return Err(Error::invalid("obj_index", "give obj_index or message_id, not both")),
        })
    }
}

pub async fn conversation_mark_read(cx: Cx, p: ConversationPosition) -> Result<Status> {
    let actor = cx.actor()?.id;
    let (id, at) = (p.conversation()?, p.position()?);
    let now = cx.now();
    cx.write(move |tx| inbox::conversation_mark_read(tx, actor, id, at, now)).await?;
    Ok(ok())
}

pub async fn conversation_mark_unread(cx: Cx, p: ConversationPosition) -> Result<Status> {
    let actor = cx.actor()?.id;
    let (id, at) = (p.conversation()?, p.position()?);
    let now = cx.now();
    cx.write(move |tx| inbox::conversation_mark_unread(tx, actor, id, at, now)).await?;
    Ok(ok())
}

pub async fn conversation_get_unread(cx: Cx, p: ByWorkspace) -> Result<Vec<UnreadConversation>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| inbox::unread_conversations(tx, actor, p.workspace_id)).await
}

pub async fn conversations_mark_all_read(cx: Cx, p: ByWorkspace) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| inbox::conversations_mark_all_read(tx, actor, p.workspace_id, now)).await?;
    Ok(ok())
}
