use super::workspaces::to_json;
use super::{people, user_ids};
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::services::groups;
use weft_core::{GroupId, Result, WorkspaceId, input};

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    to_json(cx.read(move |tx| groups::list(tx, actor, ws)).await?)
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = GroupId(p.id("id")?);
    to_json(cx.read(move |tx| groups::get(tx, actor, id)).await?)
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let new = groups::NewGroup {
        workspace_id: WorkspaceId(p.id("workspace_id")?),
        name: input::name("name", &p.str("name")?)?,
        description: p.opt_str("description")?.unwrap_or_default(),
        color: p.opt_i64("color")?,
        user_ids: user_ids(p.opt_ids("user_ids")?.unwrap_or_default()),
    };
    p.opt_i64("temp_id")?;
    let now = cx.now();
    cx.write(move |tx| groups::add(tx, actor, new, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = GroupId(p.id("id")?);
    let name = p.opt_str("name")?.map(|n| input::name("name", &n)).transpose()?;
    let description = p.opt_str("description")?;
    let color = p.opt_i64("color")?;
    let now = cx.now();
    cx.write(move |tx| groups::update(tx, actor, id, name, description, color, now)).await.map(Into::into)
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = GroupId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| groups::remove(tx, actor, id, now)).await?;
    Ok(ok().into())
}

pub async fn add_users(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = GroupId(p.id("id")?);
    let users = people(&p)?;
    let now = cx.now();
    cx.write(move |tx| groups::add_users(tx, actor, id, &users, now)).await?;
    Ok(ok().into())
}

pub async fn remove_users(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = GroupId(p.id("id")?);
    let users = people(&p)?;
    let now = cx.now();
    cx.write(move |tx| groups::remove_users(tx, actor, id, &users, now)).await?;
    Ok(ok().into())
}
