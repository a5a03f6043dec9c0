use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::services::workspaces;
use weft_core::{Error, Result, WorkspaceId, input};

pub async fn get(cx: Cx, _p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    to_json(cx.read(move |tx| workspaces::list(tx, actor)).await?)
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = WorkspaceId(p.id("id")?);
    to_json(cx.read(move |tx| workspaces::get(tx, actor, id)).await?)
}

pub async fn get_default(cx: Cx, _p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    to_json(cx.read(move |tx| workspaces::get_default(tx, &actor)).await?)
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let name = input::name("name", &p.str("name")?)?;
    let color = p.opt_i64("color")?;
    let now = cx.now();
    cx.write(move |tx| workspaces::add(tx, actor, name, color, now)).await
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = WorkspaceId(p.id("id")?);
    let name = p.opt_str("name")?.map(|n| input::name("name", &n)).transpose()?;
    let color = p.opt_i64("color")?;
    let escalation = p.opt_i64("escalation_minutes")?;
    let now = cx.now();
    cx.write(move |tx| workspaces::update(tx, actor, id, name, color, escalation, now)).await
}

/// Deleting a workspace asks for the password again.
pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.clone();
    let id = WorkspaceId(p.id("id")?);
    let password = p.str("current_password")?;
    super::users::check_password(&cx, &actor.email, password).await?;
    let now = cx.now();
    cx.write(move |tx| workspaces::remove(tx, actor.id, id, now)).await?;
    Ok(ok())
}

pub async fn get_public_channels(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = WorkspaceId(p.id("id")?);
    to_json(cx.read(move |tx| workspaces::public_channels(tx, actor, id)).await?)
}

pub(crate) fn to_json<T: serde::Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}
