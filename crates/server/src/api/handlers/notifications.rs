use super::workspaces::to_json;
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::{Value, json};
use weft_core::services::{clamp_limit, notifications};
use weft_core::{Error, Result, WorkspaceId};

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let limit = clamp_limit(p.opt_i64("limit")?, notifications::DEFAULT_LIMIT, notifications::MAX_LIMIT);
    let (items, last_read) = cx.read(move |tx| notifications::list(tx, actor, limit)).await?;
    Ok(json!({"notifications": to_json(items)?, "last_read": last_read}))
}

pub async fn mark_read(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = p.id("notification_id")?;
    cx.write(move |tx| notifications::mark_read(tx, actor, id)).await?;
    Ok(ok().into())
}

pub async fn reset(cx: Cx, _p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    cx.write(move |tx| notifications::reset(tx, actor)).await?;
    Ok(ok().into())
}

pub async fn settings_get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    to_json(cx.read(move |tx| notifications::settings(tx, actor, ws)).await?)
}

pub async fn settings_update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let setting = p.str("setting")?;
    let value = p.opt_bool("value")?.ok_or_else(|| Error::missing("value"))?;
    cx.write(move |tx| notifications::update(tx, actor, ws, &[(setting, value)])).await?;
    Ok(ok().into())
}

pub async fn settings_update_many(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let mapping = p.opt_object("mapping")?.flatten().ok_or_else(|| Error::missing("mapping"))?;
    let mut changes = Vec::with_capacity(mapping.len());
    for (k, v) in mapping {
        match v {
            Value::Bool(b) => changes.push((k, b)),
            _ => return Err(Error::invalid("mapping", format!("{k} must be true or false"))),
        }
    }
    cx.write(move |tx| notifications::update(tx, actor, ws, &changes)).await?;
    Ok(ok().into())
}
