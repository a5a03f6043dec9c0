//! `scheduled/*`: posts to be sent later — listed, edited and cancelled by their author
//! alone. They are made by `threads/add`, `comments/add` and `conversation_messages/add`
//! with `send_at_ts` or `send_at`.

use super::SendLater;
use crate::api::{Cx, Stored};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::ScheduledPost;
use weft_core::services::scheduled;
use weft_core::{Error, Result, WorkspaceId, input};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    /// The newest sent, failed and cancelled ones instead of those waiting (default false).
    #[serde(default)]
    pub finished: Option<bool>,
}

/// The caller's posts waiting to be sent, soonest first (at most 200).
pub async fn get(cx: Cx, p: Get) -> Result<Vec<ScheduledPost>> {
    let actor = cx.actor()?.id;
    let finished = p.finished.unwrap_or(false);
    cx.read(move |tx| scheduled::list(tx, actor, p.workspace_id, finished)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    pub id: i64,
    /// A thread's title.
    #[serde(default)]
    pub title: Option<input::Title>,
    #[serde(default)]
    pub content: Option<input::Content>,
    /// A new time.
    #[serde(default)]
    pub send_at_ts: Option<i64>,
    /// Or: the start of the next working period of the person it goes to.
    #[serde(default)]
    pub send_at: Option<SendLater>,
    /// Or: send it now (within a second).
    #[serde(default)]
    pub send_now: Option<bool>,
}

/// Edits a waiting post's text or time (only its author can).
pub async fn update(cx: Cx, p: Update) -> Result<Stored<ScheduledPost>> {
    let actor = cx.actor()?.clone();
    let when = match (super::send_when(p.send_at_ts, p.send_at)?, p.send_now.unwrap_or(false)) {
        (when, false) => when,
        (None, true) => Some(scheduled::When::Now),
        (Some(_), true) => return Err(Error::invalid("send_now", "give a time or send_now, not both")),
    };
    let content = match p.content {
        Some(c) => Some(input::content("content", c.as_str(), false)?),
        None => None,
    };
    let up = scheduled::Update { title: p.title.map(input::Title::into_inner), content, when };
    let now = cx.now();
    cx.write(move |tx| scheduled::update(tx, &actor, p.id, up, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Cancel {
    pub id: i64,
}

/// Cancels a waiting post (only its author can): it is never sent.
pub async fn cancel(cx: Cx, p: Cancel) -> Result<Stored<ScheduledPost>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| scheduled::cancel(tx, actor, p.id, now)).await
}
