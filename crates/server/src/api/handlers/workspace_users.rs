use super::workspaces::to_json;
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::model::UserType;
use weft_core::services::workspace_users as wu;
use weft_core::{ChannelId, Error, NotFound, Result, UserId, WorkspaceId, input};

fn user_type(p: &Params, required: bool) -> Result<Option<UserType>> {
    match p.opt_str("user_type")? {
        Some(t) => {
            UserType::parse(&t).map(Some).ok_or_else(|| Error::invalid("user_type", "expected USER, GUEST or ADMIN"))
        }
        None if required => Err(Error::missing("user_type")),
        None => Ok(None),
    }
}

/// The member named by `user_id` or `email`.
async fn target(cx: &Cx, p: &Params, ws: WorkspaceId) -> Result<UserId> {
    if let Some(id) = p.opt_id("user_id")? {
        return Ok(UserId(id));
    }
    let email = p.opt_str("email")?.ok_or_else(|| Error::missing("user_id"))?;
    let email = input::Email::parse(&email)?;
    let actor = cx.actor()?.id;
    let found = cx.read(move |tx| wu::get_by_email(tx, actor, ws, email.as_str())).await?;
    Ok(found.id)
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let archived = p.opt_bool("archived")?;
    let mut all = cx.read(move |tx| wu::list(tx, actor, ws)).await?;
    if let Some(a) = archived {
        all.retain(|u| u.removed == a);
    }
    to_json(all)
}

pub async fn get_ids(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let all = cx.read(move |tx| wu::list(tx, actor, ws)).await?;
    to_json(all.into_iter().filter(|u| !u.removed).map(|u| u.id).collect::<Vec<_>>())
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let user = UserId(p.id("user_id")?);
    to_json(cx.read(move |tx| wu::get(tx, actor, ws, user)).await?)
}

pub async fn get_by_email(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let email = input::Email::parse(&p.str("email")?).map_err(|_| Error::NotFound(NotFound::User))?;
    to_json(cx.read(move |tx| wu::get_by_email(tx, actor, ws, email.as_str())).await?)
}

pub async fn get_local_time(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let user = UserId(p.id("user_id")?);
    let now = cx.now();
    to_json(cx.read(move |tx| wu::local_time(tx, actor, ws, user, now)).await?)
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let email = input::Email::parse(&p.str("email")?)?;
    let kind = user_type(&p, false)?.unwrap_or(UserType::User);
    let channels: Vec<ChannelId> = p.opt_ids("channel_ids")?.unwrap_or_default().into_iter().map(ChannelId).collect();
    p.opt_str("name")?;
    let now = cx.now();
    cx.write(move |tx| wu::add(tx, actor, ws, email.as_str(), kind, &channels, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let kind = user_type(&p, true)?.expect("required");
    let user = target(&cx, &p, ws).await?;
    let now = cx.now();
    cx.write(move |tx| wu::update(tx, actor, ws, user, kind, now)).await.map(Into::into)
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("id")?);
    let user = target(&cx, &p, ws).await?;
    let now = cx.now();
    cx.write(move |tx| wu::remove(tx, actor, ws, user, now)).await?;
    Ok(ok().into())
}
