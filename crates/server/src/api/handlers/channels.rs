//! `channels/*`: the places threads live in, their members and their settings.

use super::{People, Person};
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::Channel;
use weft_core::services::channels::{self, NewChannelInput, Update as ChannelUpdate};
use weft_core::{ChannelId, GroupId, Result, UserId, WorkspaceId, input};

/// A channel named by its `id`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    pub id: ChannelId,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    /// Only archived channels (true) or only active ones (false); both when not given.
    #[serde(default)]
    pub archived: Option<bool>,
}

pub async fn get(cx: Cx, p: Get) -> Result<Vec<Channel>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| channels::list(tx, actor, p.workspace_id, p.archived)).await
}

pub async fn getone(cx: Cx, p: ById) -> Result<Channel> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| channels::get(tx, actor, p.id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    pub workspace_id: WorkspaceId,
    pub name: input::Name,
    /// The client's id for this object: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
    /// Members besides the creator.
    #[serde(default)]
    pub user_ids: Option<Vec<UserId>>,
    #[serde(default)]
    pub color: Option<i64>,
    #[serde(default)]
    pub icon: Option<i64>,
    /// Anyone in the workspace may see and join it (default false).
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    /// Groups notified by default of new threads (1: everyone in the channel).
    #[serde(default)]
    pub default_groups: Option<Vec<GroupId>>,
    /// People notified by default of new threads.
    #[serde(default)]
    pub default_recipients: Option<Vec<UserId>>,
    /// Favorite it for the creator (default false).
    #[serde(default)]
    pub is_favorited: Option<bool>,
    /// Weft: posts here reach people through do-not-disturb (admins only; default false).
    #[serde(default)]
    pub emergency: Option<bool>,
}

pub async fn add(cx: Cx, p: Add) -> Result<Stored<Channel>> {
    let actor = cx.actor()?.id;
    let new = NewChannelInput {
        workspace_id: p.workspace_id,
        name: p.name.into_inner(),
        description: p.description,
        public: p.public.unwrap_or(false),
        color: p.color,
        icon: p.icon,
        user_ids: p.user_ids.unwrap_or_default(),
        default_groups: p.default_groups.unwrap_or_default(),
        default_recipients: p.default_recipients,
        is_favorited: p.is_favorited.unwrap_or(false),
        emergency: p.emergency.unwrap_or(false),
    };
    let now = cx.now();
    cx.write(move |tx| channels::add(tx, actor, new, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    pub id: ChannelId,
    #[serde(default)]
    pub name: Option<input::Name>,
    #[serde(default)]
    pub color: Option<i64>,
    #[serde(default)]
    pub icon: Option<i64>,
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    /// Groups notified by default of new threads (1: everyone in the channel).
    #[serde(default)]
    pub default_groups: Option<Vec<GroupId>>,
    /// People notified by default of new threads.
    #[serde(default)]
    pub default_recipients: Option<Vec<UserId>>,
    /// For the caller.
    #[serde(default)]
    pub is_favorited: Option<bool>,
    /// Weft: posts here reach people through do-not-disturb (admins only).
    #[serde(default)]
    pub emergency: Option<bool>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Channel>> {
    let actor = cx.actor()?.id;
    let id = p.id;
    let up = ChannelUpdate {
        name: p.name.map(input::Name::into_inner),
        description: p.description,
        public: p.public,
        color: p.color,
        icon: p.icon,
        default_groups: p.default_groups,
        default_recipients: p.default_recipients,
        is_favorited: p.is_favorited,
        emergency: p.emergency,
    };
    let now = cx.now();
    cx.write(move |tx| channels::update(tx, actor, id, up, now)).await
}

pub async fn remove(cx: Cx, p: ById) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| channels::remove(tx, actor, p.id, now)).await?;
    Ok(ok())
}

async fn archive_to(cx: Cx, id: ChannelId, archived: bool) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| channels::set_archived(tx, actor, id, archived, now)).await?;
    Ok(ok())
}

pub async fn archive(cx: Cx, p: ById) -> Result<Status> {
    archive_to(cx, p.id, true).await
}

pub async fn unarchive(cx: Cx, p: ById) -> Result<Status> {
    archive_to(cx, p.id, false).await
}

async fn favorite_to(cx: Cx, id: ChannelId, favorite: bool) -> Result<Status> {
    let actor = cx.actor()?.id;
    cx.write(move |tx| channels::set_favorite(tx, actor, id, favorite)).await?;
    Ok(ok())
}

pub async fn favorite(cx: Cx, p: ById) -> Result<Status> {
    favorite_to(cx, p.id, true).await
}

pub async fn unfavorite(cx: Cx, p: ById) -> Result<Status> {
    favorite_to(cx, p.id, false).await
}

pub async fn add_user(cx: Cx, p: Person<ChannelId>) -> Result<Status> {
    add_users(cx, p.into()).await
}

pub async fn add_users(cx: Cx, p: People<ChannelId>) -> Result<Status> {
    let actor = cx.actor()?.id;
    let users = p.people()?;
    let now = cx.now();
    cx.write(move |tx| channels::add_users(tx, actor, p.id, &users, now)).await?;
    Ok(ok())
}

pub async fn remove_user(cx: Cx, p: Person<ChannelId>) -> Result<Status> {
    remove_users(cx, p.into()).await
}

pub async fn remove_users(cx: Cx, p: People<ChannelId>) -> Result<Status> {
    let actor = cx.actor()?.id;
    let users = p.people()?;
    let now = cx.now();
    cx.write(move |tx| channels::remove_users(tx, actor, p.id, &users, now)).await?;
    Ok(ok())
}

pub async fn join(cx: Cx, p: ById) -> Result<Stored<Channel>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| channels::join(tx, actor, p.id, now)).await
}

pub async fn leave(cx: Cx, p: ById) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| channels::leave(tx, actor, p.id, now)).await?;
    Ok(ok())
}
