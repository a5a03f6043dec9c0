use super::workspaces::to_json;
use super::{people, user_ids};
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::services::channels::{self, NewChannelInput, Update};
use weft_core::{ChannelId, GroupId, Result, WorkspaceId, input};

fn groups(v: Option<Vec<i64>>) -> Option<Vec<GroupId>> {
    v.map(|v| v.into_iter().map(GroupId).collect())
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let archived = p.opt_bool("archived")?;
    to_json(cx.read(move |tx| channels::list(tx, actor, ws, archived)).await?)
}

pub async fn getone(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    to_json(cx.read(move |tx| channels::get(tx, actor, id)).await?)
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let new = NewChannelInput {
        workspace_id: WorkspaceId(p.id("workspace_id")?),
        name: input::name("name", &p.str("name")?)?,
        description: p.opt_str("description")?,
        public: p.opt_bool("public")?.unwrap_or(false),
        color: p.opt_i64("color")?,
        icon: p.opt_i64("icon")?,
        user_ids: user_ids(p.opt_ids("user_ids")?.unwrap_or_default()),
        default_groups: groups(p.opt_ids("default_groups")?).unwrap_or_default(),
        default_recipients: p.opt_ids("default_recipients")?.map(user_ids),
        is_favorited: p.opt_bool("is_favorited")?.unwrap_or(false),
        emergency: p.opt_bool("emergency")?.unwrap_or(false),
    };
    p.opt_i64("temp_id")?;
    let now = cx.now();
    cx.write(move |tx| channels::add(tx, actor, new, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let up = Update {
        name: p.opt_str("name")?.map(|n| input::name("name", &n)).transpose()?,
        description: p.opt_str("description")?,
        public: p.opt_bool("public")?,
        color: p.opt_i64("color")?,
        icon: p.opt_i64("icon")?,
        default_groups: groups(p.opt_ids("default_groups")?),
        default_recipients: p.opt_ids("default_recipients")?.map(user_ids),
        is_favorited: p.opt_bool("is_favorited")?,
        emergency: p.opt_bool("emergency")?,
    };
    let now = cx.now();
    cx.write(move |tx| channels::update(tx, actor, id, up, now)).await.map(Into::into)
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| channels::remove(tx, actor, id, now)).await?;
    Ok(ok().into())
}

async fn archive_to(cx: Cx, p: Params, archived: bool) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| channels::set_archived(tx, actor, id, archived, now)).await?;
    Ok(ok().into())
}

pub async fn archive(cx: Cx, p: Params) -> Result<Value> {
    archive_to(cx, p, true).await
}

pub async fn unarchive(cx: Cx, p: Params) -> Result<Value> {
    archive_to(cx, p, false).await
}

async fn favorite_to(cx: Cx, p: Params, favorite: bool) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    cx.write(move |tx| channels::set_favorite(tx, actor, id, favorite)).await?;
    Ok(ok().into())
}

pub async fn favorite(cx: Cx, p: Params) -> Result<Value> {
    favorite_to(cx, p, true).await
}

pub async fn unfavorite(cx: Cx, p: Params) -> Result<Value> {
    favorite_to(cx, p, false).await
}

pub async fn add_users(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let users = people(&p)?;
    let now = cx.now();
    cx.write(move |tx| channels::add_users(tx, actor, id, &users, now)).await?;
    Ok(ok().into())
}

pub async fn remove_users(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let users = people(&p)?;
    let now = cx.now();
    cx.write(move |tx| channels::remove_users(tx, actor, id, &users, now)).await?;
    Ok(ok().into())
}

pub async fn join(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| channels::join(tx, actor, id, now)).await.map(Into::into)
}

pub async fn leave(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = ChannelId(p.id("id")?);
    let now = cx.now();
    cx.write(move |tx| channels::leave(tx, actor, id, now)).await?;
    Ok(ok().into())
}
