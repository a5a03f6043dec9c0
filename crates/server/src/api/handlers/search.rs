use super::user_ids;
use super::workspaces::to_json;
use crate::api::Cx;
use crate::api::params::Params;
use serde_json::{Value, json};
use weft_core::services::clamp_limit;
use weft_core::services::search::{self, Input, Kind};
use weft_core::{ChannelId, ConversationId, Error, Result, ThreadId, UserId, WorkspaceId, input};

/// `cursor` / `cursor_mark`: the offset a previous page handed out.
fn offset(p: &Params) -> Result<i64> {
    let mark = if p.declares("cursor_mark") { p.opt_str("cursor_mark")? } else { None };
    let raw = match mark {
        Some(c) => Some(c),
        None => p.opt_str("cursor")?,
    };
    match raw.filter(|c| !c.is_empty() && c != "*") {
        None => Ok(0),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| Error::invalid("cursor", "not a cursor of this search")),
    }
}

/// The start of a day (`YYYY-MM-DD`) in the searcher's time zone.
fn day_start(date: &str, field: &str, tz: &str) -> Result<i64> {
    let day: jiff::civil::Date = input::date(field, date)?.parse().map_err(|_| Error::invalid(field, "bad date"))?;
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    day.to_zoned(zone).map(|z| z.timestamp().as_second()).map_err(|_| Error::invalid(field, "bad date"))
}

pub async fn search(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    let kind = match p.opt_str("type")?.as_deref() {
        None | Some("") | Some("all") => Kind::All,
        Some("threads") => Kind::Threads,
        Some("messages") => Kind::Messages,
        Some(_) => return Err(Error::invalid("type", "expected threads, messages or all")),
    };
    let mut from_ts = p.opt_i64("after_ts")?;
    let mut to_ts = p.opt_i64("before_ts")?;
    if let Some(d) = p.opt_str("date_from")?.filter(|d| !d.is_empty()) {
        from_ts = Some(day_start(&d, "date_from", &actor.timezone)?);
    }
    if let Some(d) = p.opt_str("date_to")?.filter(|d| !d.is_empty()) {
        // Through the end of that day.
        to_ts = Some(day_start(&d, "date_to", &actor.timezone)? + 86_400);
    }
    let mut authors = user_ids(p.opt_ids("author_ids")?.unwrap_or_default());
    authors.extend(p.opt_id("from_user_id")?.map(UserId));
    let input = Input {
        workspace_id: WorkspaceId(p.id("workspace_id")?),
        query: p.opt_str("query")?.unwrap_or_default(),
        title_only: p.opt_bool("title")?.unwrap_or(false),
        kind,
        channel_ids: p.opt_ids("channel_ids")?.map(|v| v.into_iter().map(ChannelId).collect()),
        conversation_ids: p.opt_ids("conversation_ids")?.map(|v| v.into_iter().map(ConversationId).collect()),
        author_ids: authors,
        mention_self: p.opt_bool("mention_self")?.unwrap_or(false),
        to_user: p.opt_id("to_user_id")?.map(UserId),
        from_ts,
        to_ts,
        offset: offset(&p)?,
        limit: clamp_limit(p.opt_i64("limit")?, search::DEFAULT_LIMIT, search::MAX_LIMIT),
    };
    to_json(cx.read(move |tx| search::search(tx, actor.id, input)).await?)
}

pub async fn in_thread(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let thread = ThreadId(p.id("thread_id")?);
    let query = p.str("query")?;
    let (offset, limit) = (offset(&p)?, clamp_limit(p.opt_i64("limit")?, 100, 500));
    let ids = cx.read(move |tx| search::in_thread(tx, actor, thread, &query, offset, limit)).await?;
    Ok(json!({"comment_ids": ids}))
}

pub async fn in_conversation(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let conversation = ConversationId(p.id("conversation_id")?);
    let query = p.str("query")?;
    let (offset, limit) = (offset(&p)?, clamp_limit(p.opt_i64("limit")?, 100, 500));
    let ids = cx.read(move |tx| search::in_conversation(tx, actor, conversation, &query, offset, limit)).await?;
    Ok(json!({"message_ids": ids}))
}
