//! `comments/*`: replies in a thread.

use super::{JsonObject, ListOrIds, Order, PostParts, RecipientsInput, objects};
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::model::Comment;
use weft_core::services::clamp_limit;
use weft_core::services::comments::{self, NewCommentInput, ThreadAction, Update as CommentUpdate};
use weft_core::store::ItemQuery;
use weft_core::{CommentId, Error, GroupId, Result, ThreadId, UserId, input};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 500;

/// The page of a thread's comments or a conversation's messages asked for: oldest first
/// unless `order_by` is `desc`.
pub(crate) fn item_query(
    (newer_than_ts, older_than_ts): (Option<i64>, Option<i64>),
    (from_obj_index, to_obj_index): (Option<i64>, Option<i64>),
    order_by: Option<Order>,
    limit: Option<i64>,
) -> ItemQuery {
    ItemQuery {
        newer_than_ts,
        older_than_ts,
        from_obj_index,
        to_obj_index,
        ascending: order_by != Some(Order::Desc),
        limit: clamp_limit(limit, DEFAULT_LIMIT, MAX_LIMIT),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub thread_id: ThreadId,
    #[serde(default)]
    pub newer_than_ts: Option<i64>,
    #[serde(default)]
    pub older_than_ts: Option<i64>,
    #[serde(default)]
    pub from_obj_index: Option<i64>,
    #[serde(default)]
    pub to_obj_index: Option<i64>,
    #[serde(default)]
    pub order_by: Option<Order>,
    /// At most 500 (larger values are clamped; default 20).
    #[serde(default)]
    pub limit: Option<i64>,
    /// Answer only the comments' ids.
    #[serde(default)]
    pub as_ids: Option<bool>,
}

pub async fn get(cx: Cx, p: Get) -> Result<ListOrIds<Comment, CommentId>> {
    let actor = cx.actor()?.id;
    let q = item_query((p.newer_than_ts, p.older_than_ts), (p.from_obj_index, p.to_obj_index), p.order_by, p.limit);
    let thread = p.thread_id;
    let found = cx.read(move |tx| comments::list(tx, actor, thread, q)).await?;
    if p.as_ids == Some(true) {
        return Ok(ListOrIds::Ids(found.iter().map(|c| c.id).collect()));
    }
    Ok(ListOrIds::Items(found))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    pub id: CommentId,
}

/// `comments/getone` answers the comment wrapped, as Twist does.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CommentWrapper {
    pub comment: Comment,
}

pub async fn getone(cx: Cx, p: ById) -> Result<CommentWrapper> {
    let actor = cx.actor()?.id;
    let comment = cx.read(move |tx| comments::get(tx, actor, p.id)).await?;
    Ok(CommentWrapper { comment })
}

/// What a comment does to its thread besides replying.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ThreadActionInput {
    Close,
    Reopen,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [
    {"required": ["thread_action"]},
    {"required": ["content"], "properties": {"content": {"pattern": "\\S"}}},
]))]
pub struct Add {
    pub thread_id: ThreadId,
    /// Required (and not blank) unless `thread_action` closes or reopens the thread.
    #[serde(default)]
    pub content: Option<input::Content>,
    /// The client's id for this comment: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
    #[serde(default)]
    pub thread_action: Option<ThreadActionInput>,
    /// Move the caller's read position to this comment (default true).
    #[serde(default)]
    pub mark_thread_position: Option<bool>,
    /// Accepted for compatibility; Weft marks no post as an integration's.
    #[serde(default)]
    pub send_as_integration: Option<bool>,
    /// Required in an emergency channel: the post goes through do-not-disturb.
    #[serde(default)]
    pub urgent: Option<bool>,
    #[serde(default)]
    pub attachments: Option<Vec<JsonObject>>,
    #[serde(default)]
    pub actions: Option<Vec<JsonObject>>,
    #[serde(default)]
    pub recipients: Option<RecipientsInput>,
    /// Groups to notify (1: everyone in the channel, 2: everyone in the thread).
    #[serde(default)]
    pub groups: Option<Vec<GroupId>>,
    #[serde(default)]
    pub direct_mentions: Option<Vec<UserId>>,
    #[serde(default)]
    pub direct_group_mentions: Option<Vec<GroupId>>,
}

pub async fn add(cx: Cx, p: Add) -> Result<Stored<Comment>> {
    let actor = cx.actor()?.clone();
    let thread_action = p.thread_action.map(|a| match a {
        ThreadActionInput::Close => ThreadAction::Close,
        ThreadActionInput::Reopen => ThreadAction::Reopen,
    });
    let content = match (p.content, thread_action) {
        (Some(c), None) => input::content("content", c.as_str(), false)?,
        (None, None) => return Err(Error::missing("content")),
        (c, Some(_)) => c.map(input::Content::into_inner).unwrap_or_default(),
    };
    let post = PostParts {
        content,
        attachments: p.attachments,
        actions: p.actions,
        recipients: p.recipients,
        groups: p.groups.map(|g| g.into_iter().map(|g| g.0).collect()),
        direct_mentions: p.direct_mentions,
        direct_group_mentions: p.direct_group_mentions,
    };
    let new = NewCommentInput {
        thread_id: p.thread_id,
        post: post.into_input(),
        thread_action,
        mark_thread_position: p.mark_thread_position.unwrap_or(true),
        urgent: p.urgent.unwrap_or(false),
    };
    let now = cx.now();
    cx.write(move |tx| comments::add(tx, &actor, new, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    pub id: CommentId,
    #[serde(default)]
    pub content: Option<input::Text>,
    #[serde(default)]
    pub attachments: Option<Vec<JsonObject>>,
    #[serde(default)]
    pub actions: Option<Vec<JsonObject>>,
    #[serde(default)]
    pub direct_mentions: Option<Vec<UserId>>,
    #[serde(default)]
    pub direct_group_mentions: Option<Vec<GroupId>>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Comment>> {
    let actor = cx.actor()?.id;
    let up = CommentUpdate {
        content: p.content.map(input::Text::into_inner),
        attachments: objects(p.attachments),
        actions: objects(p.actions),
        direct_mentions: p.direct_mentions.unwrap_or_default(),
        direct_group_mentions: p.direct_group_mentions.unwrap_or_default(),
    };
    let id = p.id;
    let now = cx.now();
    cx.write(move |tx| comments::update(tx, actor, id, up, now)).await
}

pub async fn remove(cx: Cx, p: ById) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| comments::remove(tx, actor, p.id, now)).await?;
    Ok(ok())
}
