//! `reactions/*`: emoji reactions to threads, comments and messages.

use crate::api::decode::Joined;
use crate::api::{Cx, Status, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{ReactionTarget, Reactions};
use weft_core::services::reactions;
use weft_core::{CommentId, MessageId, Result, ThreadId, input};

/// What a reaction is attached to: exactly one of `thread_id`, `comment_id`, `message_id`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("oneOf" = [{"required": ["thread_id"]}, {"required": ["comment_id"]}, {"required": ["message_id"]}]))]
pub struct Target {
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
    #[serde(default)]
    pub comment_id: Option<CommentId>,
    #[serde(default)]
    pub message_id: Option<MessageId>,
}

impl Target {
    fn target(&self) -> Result<ReactionTarget> {
        let given = [
            self.thread_id.map(ReactionTarget::Thread),
            self.comment_id.map(ReactionTarget::Comment),
            self.message_id.map(ReactionTarget::Message),
        ];
        super::exactly_one(given, ["thread_id", "comment_id", "message_id"])
    }
}

/// The emoji of `reactions/add` and `reactions/remove`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Emoji {
    /// One emoji.
    pub reaction: input::Reaction,
}

/// `reactions/add` and `reactions/remove`: an emoji and what it is attached to.
pub type React = Joined<Emoji, Target>;

pub async fn add(cx: Cx, Joined(Emoji { reaction: emoji }, target): React) -> Result<Status> {
    let actor = cx.actor()?.id;
    let t = target.target()?;
    let now = cx.now();
    cx.write(move |tx| reactions::add(tx, actor, t, emoji.as_str(), now)).await?;
    Ok(ok())
}

pub async fn remove(cx: Cx, Joined(Emoji { reaction: emoji }, target): React) -> Result<Status> {
    let actor = cx.actor()?.id;
    let t = target.target()?;
    let now = cx.now();
    cx.write(move |tx| reactions::remove(tx, actor, t, emoji.as_str(), now)).await?;
    Ok(ok())
}

/// The reactions of an object: each emoji with the people who reacted with it; null when none.
pub async fn get(cx: Cx, p: Target) -> Result<Option<Reactions>> {
    let actor = cx.actor()?.id;
    let t = p.target()?;
    cx.read(move |tx| reactions::get(tx, actor, t)).await
}
