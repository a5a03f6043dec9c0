use super::conversations::conversation_id;
use super::workspaces::to_json;
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::{Value, json};
use weft_core::services::clamp_limit;
use weft_core::services::inbox::{self, ListInput, Position};
use weft_core::store::ArchiveFilter;
use weft_core::{ChannelId, CommentId, Error, MessageId, Result, ThreadId, WorkspaceId};

/// `inbox/get` cursors are `<activity_ts>:<thread id>` of the last item seen.
fn cursor(p: &Params) -> Result<Option<(i64, ThreadId)>> {
    let Some(raw) = p.opt_str("cursor")?.filter(|c| !c.is_empty()) else { return Ok(None) };
    let bad = || Error::invalid("cursor", "expected the cursor of a previous page (activity_ts:thread_id)");
    let (ts, id) = raw.split_once(':').ok_or_else(bad)?;
    Ok(Some((ts.parse().map_err(|_| bad())?, ThreadId(id.parse().map_err(|_| bad())?))))
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let filter = match p.opt_str("archive_filter")?.as_deref() {
        None | Some("") | Some("active") => ArchiveFilter::Active,
        Some("archived") => ArchiveFilter::Archived,
        Some("all") => ArchiveFilter::All,
        Some(_) => return Err(Error::invalid("archive_filter", "expected active, archived or all")),
    };
    let input = ListInput {
        workspace_id: WorkspaceId(p.id("workspace_id")?),
        filter,
        newer_than_ts: p.opt_i64("newer_than_ts")?,
        older_than_ts: p.opt_i64("older_than_ts")?,
        cursor: cursor(&p)?,
        limit: clamp_limit(p.opt_i64("limit")?, inbox::DEFAULT_LIMIT, inbox::MAX_LIMIT),
    };
    to_json(cx.read(move |tx| inbox::get(tx, actor, input)).await?)
}

pub async fn get_count(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let (count, version) = cx.read(move |tx| inbox::count(tx, actor, ws)).await?;
    Ok(json!({"data": count, "version": version}))
}

pub async fn archive(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| inbox::archive(tx, actor, id, now)).await?;
    Ok(ok().into())
}

pub async fn unarchive(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| inbox::unarchive(tx, actor, id, now)).await?;
    Ok(ok().into())
}

pub async fn archive_all(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let channels = p.opt_ids("channel_ids")?.map(|v| v.into_iter().map(ChannelId).collect());
    let older = p.opt_i64("older_than_ts")?;
    let now = cx.now();
    cx.write(move |tx| inbox::archive_all(tx, actor, ws, channels, older, now)).await?;
    Ok(ok().into())
}

pub async fn mark_all_read(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = p.opt_id("workspace_id")?.map(WorkspaceId);
    let channel = if p.declares("channel_id") { p.opt_id("channel_id")?.map(ChannelId) } else { None };
    if ws.is_none() && channel.is_none() {
        return Err(Error::missing("workspace_id"));
    }
    let now = cx.now();
    cx.write(move |tx| inbox::mark_all_read(tx, actor, ws, channel, now)).await?;
    Ok(ok().into())
}

/// Weft: `inbox/snooze {id, until_ts}` or `{id, until: "next_workday"}`.
pub async fn snooze(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    let until = match (p.opt_i64("until_ts")?, p.opt_str("until")?.as_deref()) {
        (Some(ts), None) => Some(ts),
        (None, Some("next_workday")) => None,
        (None, Some(_)) => return Err(Error::invalid("until", "expected next_workday")),
        (Some(_), Some(_)) => return Err(Error::invalid("until", "give until_ts or until, not both")),
        (None, None) => return Err(Error::missing("until_ts")),
    };
    let state = cx
        .write(move |tx| {
            let s = match until {
                Some(ts) => inbox::snooze(tx, actor.id, id, ts, now)?,
                None => inbox::snooze_until_next_workday(tx, &actor, id, now)?,
            };
            Ok(s.snoozed_until)
        })
        .await?;
    Ok(json!({"status": "ok", "snoozed_until_ts": state}))
}

pub async fn unsnooze(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| inbox::unsnooze(tx, actor, id, now).map(drop)).await?;
    Ok(ok().into())
}

pub async fn mark_read(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let at = p.i64("obj_index")?;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_read(tx, actor, id, at, now)).await?;
    Ok(ok().into())
}

pub async fn mark_unread(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let at = p.i64("obj_index")?;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_unread(tx, actor, id, at, now)).await?;
    Ok(ok().into())
}

pub async fn mark_unread_for_others(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ThreadId(p.id("id")?);
    let at = p.i64("obj_index")?;
    let now = cx.now();
    cx.write(move |tx| inbox::mark_unread_for_others(tx, actor, id, at, now)).await?;
    Ok(ok().into())
}

pub async fn get_unread(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    to_json(cx.read(move |tx| inbox::unread_threads(tx, actor, ws)).await?)
}

/// `comments/mark_position`: the caller has read up to this comment.
pub async fn mark_position(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let thread = ThreadId(p.id("thread_id")?);
    let comment = CommentId(p.id("comment_id")?);
    let now = cx.now();
    cx.write(move |tx| {
        let c = weft_core::services::comments::get(tx, actor, comment)?;
        if c.thread_id != thread {
            return Err(Error::invalid("comment_id", "not a comment of this thread"));
        }
        inbox::mark_read(tx, actor, thread, c.obj_index, now)
    })
    .await?;
    Ok(ok().into())
}

fn position(p: &Params) -> Result<Position> {
    Ok(match (p.opt_i64("obj_index")?, p.opt_id("message_id")?) {
        (Some(i), None) => Position::ObjIndex(i),
        (None, Some(m)) => Position::Message(MessageId(m)),
        (None, None) => Position::End,
        (Some(_), Some(_)) => return Err(Error::invalid("obj_index", "give obj_index or message_id, not both")),
    })
}

pub async fn conversation_mark_read(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    let at = position(&p)?;
    let now = cx.now();
    cx.write(move |tx| inbox::conversation_mark_read(tx, actor, id, at, now)).await?;
    Ok(ok().into())
}

pub async fn conversation_mark_unread(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = conversation_id(&p)?;
    let at = position(&p)?;
    let now = cx.now();
    cx.write(move |tx| inbox::conversation_mark_unread(tx, actor, id, at, now)).await?;
    Ok(ok().into())
}

pub async fn conversation_get_unread(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    to_json(cx.read(move |tx| inbox::unread_conversations(tx, actor, ws)).await?)
}

pub async fn conversations_mark_all_read(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let now = cx.now();
    cx.write(move |tx| inbox::conversations_mark_all_read(tx, actor, ws, now)).await?;
    Ok(ok().into())
}
