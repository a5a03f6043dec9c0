use super::workspaces::to_json;
use super::{post_input, user_ids};
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::services::clamp_limit;
use weft_core::services::threads::{self, ListInput, NewThreadInput, Update};
use weft_core::store::ThreadQuery;
use weft_core::{ChannelId, Error, GroupId, Result, ThreadId, WorkspaceId, input};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 500;

pub(crate) fn ascending(p: &Params) -> Result<Option<bool>> {
    match p.opt_str("order_by")?.map(|s| s.to_ascii_lowercase()) {
        None => Ok(None),
        Some(s) if s == "asc" => Ok(Some(true)),
        Some(s) if s == "desc" => Ok(Some(false)),
        Some(_) => Err(Error::invalid("order_by", "expected asc or desc")),
    }
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let query = ThreadQuery {
        newer_than_ts: p.opt_i64("newer_than_ts")?,
        older_than_ts: p.opt_i64("older_than_ts")?,
        before_id: p.opt_id("before_id")?.map(ThreadId),
        after_id: p.opt_id("after_id")?.map(ThreadId),
        exclude_ids: p.opt_ids("exclude_thread_ids")?.unwrap_or_default().into_iter().map(ThreadId).collect(),
        pinned: p.opt_bool("is_pinned")?,
        starred: p.opt_bool("is_starred")?,
        archived: p.opt_bool("archived")?,
        ascending: ascending(&p)?.unwrap_or(false),
        limit: clamp_limit(p.opt_i64("limit")?, DEFAULT_LIMIT, MAX_LIMIT),
        ..Default::default()
    };
    let list = ListInput {
        workspace_id: p.opt_id("workspace_id")?.map(WorkspaceId),
        channel_id: p.opt_id("channel_id")?.map(ChannelId),
        query,
    };
    let as_ids = p.opt_bool("as_ids")?.unwrap_or(false);
    let found = cx.read(move |tx| threads::list(tx, actor, list)).await?;
    if as_ids {
        return to_json(found.iter().map(|t| t.id).collect::<Vec<_>>());
    }
    to_json(found)
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    to_json(cx.read(move |tx| threads::get(tx, actor, id)).await?)
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    let new = NewThreadInput {
        channel_id: ChannelId(p.id("channel_id")?),
        title: input::title(&p.str("title")?)?,
        post: post_input(&p, false)?,
        urgent: p.opt_bool("urgent")?.unwrap_or(false),
    };
    p.opt_bool("send_as_integration")?;
    let now = cx.now();
    cx.write(move |tx| threads::add(tx, &actor, new, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let up = Update {
        title: p.opt_str("title")?.map(|t| input::title(&t)).transpose()?,
        content: p.opt_str("content")?.map(|c| input::content("content", &c, true)).transpose()?,
        attachments: p.opt_objects("attachments")?,
        actions: p.opt_objects("actions")?,
        direct_mentions: p.opt_ids("direct_mentions")?.map(user_ids),
        direct_group_mentions: p.opt_ids("direct_group_mentions")?.map(|v| v.into_iter().map(GroupId).collect()),
    };
    let now = cx.now();
    cx.write(move |tx| threads::update(tx, actor, id, up, now)).await.map(Into::into)
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| threads::remove(tx, actor, id, now)).await?;
    Ok(ok().into())
}

async fn pin_to(cx: Cx, p: Params, pinned: bool) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| threads::set_pinned(tx, actor, id, pinned, now)).await?;
    Ok(ok().into())
}

pub async fn pin(cx: Cx, p: Params) -> Result<Value> {
    pin_to(cx, p, true).await
}

pub async fn unpin(cx: Cx, p: Params) -> Result<Value> {
    pin_to(cx, p, false).await
}

pub async fn move_to_channel(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let to = ChannelId(p.id("to_channel")?);
    let now = cx.now();
    cx.write(move |tx| threads::move_to_channel(tx, actor, id, to, now)).await?;
    Ok(ok().into())
}

/// Star, unstar, per-user archive and unarchive: the caller's own state of the thread.
async fn state(cx: Cx, p: Params, star: Option<bool>, archive: Option<bool>) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| {
        threads::set_state(
            tx,
            actor,
            id,
            |s| {
                if let Some(v) = star {
                    s.starred = v;
                }
                if let Some(v) = archive {
                    s.archived = v;
                }
            },
            now,
        )
    })
    .await?;
    Ok(ok().into())
}

pub async fn star(cx: Cx, p: Params) -> Result<Value> {
    state(cx, p, Some(true), None).await
}

pub async fn unstar(cx: Cx, p: Params) -> Result<Value> {
    state(cx, p, Some(false), None).await
}

pub async fn archive(cx: Cx, p: Params) -> Result<Value> {
    state(cx, p, None, Some(true)).await
}

pub async fn unarchive(cx: Cx, p: Params) -> Result<Value> {
    state(cx, p, None, Some(false)).await
}

pub const MAX_MUTE_MINUTES: i64 = 60 * 24 * 365;

pub async fn mute(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let minutes = p.i64("minutes")?;
    if !(1..=MAX_MUTE_MINUTES).contains(&minutes) {
        return Err(Error::invalid("minutes", format!("expected 1 to {MAX_MUTE_MINUTES} minutes")));
    }
    let now = cx.now();
    cx.write(move |tx| threads::set_state(tx, actor, id, |s| s.muted_until_ts = Some(now + minutes * 60), now))
        .await
        .map(Into::into)
}

pub async fn unmute(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| threads::set_state(tx, actor, id, |s| s.muted_until_ts = None, now)).await.map(Into::into)
}
