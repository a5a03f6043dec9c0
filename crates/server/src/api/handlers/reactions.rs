use super::workspaces::to_json;
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::model::ReactionTarget;
use weft_core::services::reactions;
use weft_core::{CommentId, Error, MessageId, Result, ThreadId, input};

/// Exactly one of thread_id, comment_id, message_id.
fn target(p: &Params) -> Result<ReactionTarget> {
    let given = [
        p.opt_id("thread_id")?.map(|i| ReactionTarget::Thread(ThreadId(i))),
        p.opt_id("comment_id")?.map(|i| ReactionTarget::Comment(CommentId(i))),
        p.opt_id("message_id")?.map(|i| ReactionTarget::Message(MessageId(i))),
    ];
    let mut present = given.into_iter().flatten();
    match (present.next(), present.next()) {
        (Some(t), None) => Ok(t),
        (None, _) => Err(Error::missing("thread_id")),
        (Some(_), Some(_)) => Err(Error::invalid("thread_id", "give only one of thread_id, comment_id, message_id")),
    }
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let t = target(&p)?;
    let emoji = input::reaction(&p.str("reaction")?)?;
    let now = cx.now();
    cx.write(move |tx| reactions::add(tx, actor, t, &emoji, now)).await?;
    Ok(ok().into())
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let t = target(&p)?;
    let emoji = input::reaction(&p.str("reaction")?)?;
    let now = cx.now();
    cx.write(move |tx| reactions::remove(tx, actor, t, &emoji, now)).await?;
    Ok(ok().into())
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let t = target(&p)?;
    to_json(cx.read(move |tx| reactions::get(tx, actor, t)).await?)
}
