use super::threads::ascending;
use super::workspaces::to_json;
use super::{post_input, user_ids};
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::{Value, json};
use weft_core::services::clamp_limit;
use weft_core::services::comments::{self, NewCommentInput, ThreadAction, Update};
use weft_core::store::ItemQuery;
use weft_core::{CommentId, Error, GroupId, Result, ThreadId, input};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 500;

pub(crate) fn item_query(p: &Params) -> Result<ItemQuery> {
    Ok(ItemQuery {
        newer_than_ts: p.opt_i64("newer_than_ts")?,
        older_than_ts: p.opt_i64("older_than_ts")?,
        from_obj_index: p.opt_i64("from_obj_index")?,
        to_obj_index: p.opt_i64("to_obj_index")?,
        ascending: ascending(p)?.unwrap_or(true),
        limit: clamp_limit(p.opt_i64("limit")?, DEFAULT_LIMIT, MAX_LIMIT),
    })
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let thread = ThreadId(p.id("thread_id")?);
    let q = item_query(&p)?;
    let as_ids = p.opt_bool("as_ids")?.unwrap_or(false);
    let found = cx.read(move |tx| comments::list(tx, actor, thread, q)).await?;
    if as_ids {
        return to_json(found.iter().map(|c| c.id).collect::<Vec<_>>());
    }
    to_json(found)
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = CommentId(p.id("id")?);
    let c = cx.read(move |tx| comments::get(tx, actor, id)).await?;
    Ok(json!({"comment": to_json(c)?}))
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    let thread_action = match p.opt_str("thread_action")?.as_deref() {
        None | Some("") => None,
        Some("close") => Some(ThreadAction::Close),
        Some("reopen") => Some(ThreadAction::Reopen),
        Some(_) => return Err(Error::invalid("thread_action", "expected close or reopen")),
    };
    let new = NewCommentInput {
        thread_id: ThreadId(p.id("thread_id")?),
        post: post_input(&p, thread_action.is_none())?,
        thread_action,
        mark_thread_position: p.opt_bool("mark_thread_position")?.unwrap_or(true),
        urgent: p.opt_bool("urgent")?.unwrap_or(false),
    };
    p.opt_bool("send_as_integration")?;
    let now = cx.now();
    cx.write(move |tx| comments::add(tx, &actor, new, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = CommentId(p.id("id")?);
    let up = Update {
        content: p.opt_str("content")?.map(|c| input::content("content", &c, false)).transpose()?,
        attachments: p.opt_objects("attachments")?,
        actions: p.opt_objects("actions")?,
        direct_mentions: user_ids(p.opt_ids("direct_mentions")?.unwrap_or_default()),
        direct_group_mentions: p
            .opt_ids("direct_group_mentions")?
            .unwrap_or_default()
            .into_iter()
            .map(GroupId)
            .collect(),
    };
    let now = cx.now();
    cx.write(move |tx| comments::update(tx, actor, id, up, now)).await.map(Into::into)
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = CommentId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| comments::remove(tx, actor, id, now)).await?;
    Ok(ok().into())
}
