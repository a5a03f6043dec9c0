//! `comments/*`: replies in a thread.

use super::{ListOrIds, NotifyList, Order, PostExtras, PostOptions, objects, post_input};
use crate::api::decode::Joined;
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::model::{Comment, PostedOrScheduled, Thread};
use weft_core::services::comments::{self, NewCommentInput, ThreadAction, Update as CommentUpdate};
use weft_core::services::{clamp_limit, decisions, scheduled};
use weft_core::store::{ItemQuery, ObjectKind};
use weft_core::{CommentId, Error, Result, ThreadId, input};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 500;

/// A page of a thread's comments or a conversation's messages: oldest first unless
/// `order_by` is `desc`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ItemPage {
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
    /// Answer only the ids.
    #[serde(default)]
    pub as_ids: Option<bool>,
}

impl ItemPage {
    pub fn query(&self) -> ItemQuery {
        ItemQuery {
            newer_than_ts: self.newer_than_ts,
            older_than_ts: self.older_than_ts,
            from_obj_index: self.from_obj_index,
            to_obj_index: self.to_obj_index,
            ascending: self.order_by != Some(Order::Desc),
            limit: clamp_limit(self.limit, DEFAULT_LIMIT, MAX_LIMIT),
        }
    }

    /// The items found, or their ids if the page asked for ids.
    pub fn answer<T: Serialize, Id>(&self, found: Vec<T>, id: impl Fn(&T) -> Id) -> ListOrIds<T, Id> {
        if self.as_ids == Some(true) {
            return ListOrIds::Ids(found.iter().map(id).collect());
        }
        ListOrIds::Items(super::within_page_bytes(found))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OfThread {
    pub thread_id: ThreadId,
}

pub async fn get(cx: Cx, Joined(p, page): Joined<OfThread, ItemPage>) -> Result<ListOrIds<Comment, CommentId>> {
    let actor = cx.actor()?.id;
    let (thread, q) = (p.thread_id, page.query());
    let found = cx.read(move |tx| comments::list(tx, actor, thread, q)).await?;
    Ok(page.answer(found, |c| c.id))
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

/// `comments/add`: the reply, its extras, who it notifies and whose answer it asks.
pub type Add = Joined<Joined<NewComment, PostExtras>, Joined<NotifyList, PostOptions>>;

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [
    {"required": ["thread_action"]},
    {"required": ["content"]},
]))]
pub struct NewComment {
    pub thread_id: ThreadId,
    /// Required unless `thread_action` closes or reopens the thread; blank only then or
    /// when the comment carries attachments.
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
}

pub async fn add(
    cx: Cx,
    Joined(Joined(p, extras), Joined(notify, options)): Add,
) -> Result<Stored<PostedOrScheduled<Comment>>> {
    let actor = cx.actor()?.clone();
    let urgent = notify.urgent.unwrap_or(false);
    let thread_action = p.thread_action.map(|a| match a {
        ThreadActionInput::Close => ThreadAction::Close,
        ThreadActionInput::Reopen => ThreadAction::Reopen,
    });
    // A file alone is a reply; otherwise a reply says something.
    let with_files = extras.attachments.as_ref().is_some_and(|a| !a.is_empty());
    let content = match (p.content, thread_action) {
        (Some(c), None) if !with_files => input::content("content", c.as_str(), false)?,
        (None, None) => return Err(Error::missing("content")),
        (c, _) => c.map(input::Content::into_inner).unwrap_or_default(),
    };
    let later = options.when()?;
    let new = NewCommentInput {
        thread_id: p.thread_id,
        post: post_input(content, extras, notify, &options),
        thread_action,
        mark_thread_position: p.mark_thread_position.unwrap_or(true),
        urgent,
    };
    let now = cx.now();
    let thread = (ObjectKind::Thread, new.thread_id.0);
    cx.write_in_workspace_of(thread, move |tx| match later {
        None => comments::add(tx, &actor, new, now).map(PostedOrScheduled::Posted),
        Some(when) if !new.urgent && new.thread_action.is_none() => {
            let draft = scheduled::Draft::comment(new.thread_id, &new.post);
            scheduled::schedule(tx, &actor, draft, when, now).map(|p| PostedOrScheduled::Scheduled(Box::new(p)))
        }
        Some(_) => {
            Err(Error::invalid("send_at", "an urgent post, or one that closes or reopens the thread, cannot wait"))
        }
    })
    .await
}

/// `comments/update`: what to change of a comment.
pub type Update = Joined<Edit, PostExtras>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Edit {
    pub id: CommentId,
    #[serde(default)]
    pub content: Option<input::Text>,
}

pub async fn update(cx: Cx, Joined(p, extras): Update) -> Result<Stored<Comment>> {
    let actor = cx.actor()?.id;
    let up = CommentUpdate {
        content: p.content.map(input::Text::into_inner),
        attachments: objects(extras.attachments),
        actions: objects(extras.actions),
        direct_mentions: extras.direct_mentions.map(Vec::from).unwrap_or_default(),
        direct_group_mentions: extras.direct_group_mentions.map(Vec::from).unwrap_or_default(),
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

/// Marks the comment as its thread's decision (the DRI or an admin; while the thread has no
/// DRI, its author). It replaces the decision before, which stays in the log's history; an
/// open thread becomes decided.
pub async fn mark_decision(cx: Cx, p: ById) -> Result<Stored<Thread>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| decisions::mark(tx, actor, p.id, None, now)).await
}

/// Takes back the mark: the thread has no decision (a decided thread is open again).
pub async fn unmark_decision(cx: Cx, p: ById) -> Result<Stored<Thread>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| decisions::unmark(tx, actor, p.id, now)).await
}
