use super::comments::item_query;
use super::workspaces::to_json;
use super::{people, post_input, user_ids};
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::services::conversations as conv;
use weft_core::{ConversationId, Error, MessageId, Result, WorkspaceId, input};

/// `id`, or `conversation_id` as older clients send it.
pub(crate) fn conversation_id(p: &Params) -> Result<ConversationId> {
    if p.has("id") {
        return Ok(ConversationId(p.id("id")?));
    }
    p.opt_id("conversation_id")?.map(ConversationId).ok_or_else(|| Error::missing("id"))
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let archived = p.opt_bool("archived")?;
    to_json(cx.read(move |tx| conv::list(tx, actor, ws, archived)).await?)
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    to_json(cx.read(move |tx| conv::get(tx, actor, id)).await?)
}

pub async fn get_or_create(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let users = user_ids(p.ids("user_ids")?);
    let title = p.opt_str("title")?;
    let now = cx.now();
    cx.write(move |tx| conv::get_or_create(tx, actor, ws, &users, title, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    let title = p.opt_str("title")?;
    if title.as_ref().is_some_and(|t| t.chars().count() > input::MAX_TITLE_LEN) {
        return Err(Error::invalid("title", "too long"));
    }
    let archived = p.opt_bool("archived")?;
    let now = cx.now();
    cx.write(move |tx| conv::update(tx, actor, id, title, archived, now)).await.map(Into::into)
}

async fn archive_to(cx: Cx, p: Params, archived: bool) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    cx.write(move |tx| conv::set_state(tx, actor, id, |s| s.archived = archived)).await?;
    Ok(ok().into())
}

pub async fn archive(cx: Cx, p: Params) -> Result<Value> {
    archive_to(cx, p, true).await
}

pub async fn unarchive(cx: Cx, p: Params) -> Result<Value> {
    archive_to(cx, p, false).await
}

pub async fn add_users(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    let users = people(&p)?;
    let now = cx.now();
    cx.write(move |tx| conv::add_users(tx, actor, id, &users, now)).await?;
    Ok(ok().into())
}

pub async fn remove_users(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    let users = people(&p)?;
    let now = cx.now();
    cx.write(move |tx| conv::remove_users(tx, actor, id, &users, now)).await?;
    Ok(ok().into())
}

pub async fn mute(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    let minutes = p.i64("minutes")?;
    if !(1..=super::threads::MAX_MUTE_MINUTES).contains(&minutes) {
        return Err(Error::invalid("minutes", "out of range"));
    }
    let until = cx.now() + minutes * 60;
    cx.write(move |tx| conv::set_state(tx, actor, id, |s| s.muted_until_ts = Some(until))).await.map(Into::into)
}

pub async fn unmute(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    cx.write(move |tx| conv::set_state(tx, actor, id, |s| s.muted_until_ts = None)).await.map(Into::into)
}

pub async fn messages_get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ConversationId(p.id("conversation_id")?);
    let q = item_query(&p)?;
    p.opt_str("cursor")?;
    let as_ids = p.opt_bool("as_ids")?.unwrap_or(false);
    let found = cx.read(move |tx| conv::messages(tx, actor, id, q)).await?;
    if as_ids {
        return to_json(found.iter().map(|m| m.id).collect::<Vec<_>>());
    }
    to_json(found)
}

pub async fn messages_getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = MessageId(p.id("id")?);
    to_json(cx.read(move |tx| conv::get_message(tx, actor, id)).await?)
}

pub async fn messages_add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    let id = ConversationId(p.id("conversation_id")?);
    let post = post_input(&p, true)?;
    // Some clients also send the workspace; it must then be the conversation's.
    let ws = p.opt_id("workspace_id")?.map(WorkspaceId);
    let now = cx.now();
    cx.write(move |tx| {
        if let Some(ws) = ws {
            let c = conv::get(tx, actor.id, id)?;
            if c.workspace_id != ws {
                return Err(Error::invalid("workspace_id", "not the conversation's workspace"));
            }
        }
        conv::add_message(tx, &actor, id, post, now)
    })
    .await
    .map(Into::into)
}

pub async fn messages_update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = MessageId(p.id("id")?);
    let content = p.opt_str("content")?.map(|c| input::content("content", &c, false)).transpose()?;
    let attachments = p.opt_objects("attachments")?;
    let now = cx.now();
    cx.write(move |tx| conv::update_message(tx, actor, id, content, attachments, now)).await.map(Into::into)
}

pub async fn messages_remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = MessageId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| conv::remove_message(tx, actor, id, now)).await?;
    Ok(ok().into())
}
