//! `groups/*`: named sets of people in a workspace, to notify together.

use super::{People, Person};
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::Group;
use weft_core::services::groups;
use weft_core::{GroupId, Result, UserId, WorkspaceId, input};

/// A group named by its `id`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    pub id: GroupId,
}

/// The groups of a workspace.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByWorkspace {
    pub workspace_id: WorkspaceId,
}

pub async fn get(cx: Cx, p: ByWorkspace) -> Result<Vec<Group>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| groups::list(tx, actor, p.workspace_id)).await
}

pub async fn getone(cx: Cx, p: ById) -> Result<Group> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| groups::get(tx, actor, p.id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    pub workspace_id: WorkspaceId,
    pub name: input::Name,
    #[serde(default)]
    pub description: Option<input::Description>,
    #[serde(default)]
    pub color: Option<i64>,
    #[serde(default)]
    pub user_ids: Option<input::List<UserId>>,
    /// The client's id for this object: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
}

pub async fn add(cx: Cx, p: Add) -> Result<Stored<Group>> {
    let actor = cx.actor()?.id;
    let new = groups::NewGroup {
        workspace_id: p.workspace_id,
        name: p.name.into_inner(),
        description: p.description.map(String::from).unwrap_or_default(),
        color: p.color,
        user_ids: p.user_ids.map(Vec::from).unwrap_or_default(),
    };
    let now = cx.now();
    cx.write(move |tx| groups::add(tx, actor, new, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    pub id: GroupId,
    #[serde(default)]
    pub name: Option<input::Name>,
    #[serde(default)]
    pub description: Option<input::Description>,
    #[serde(default)]
    pub color: Option<i64>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Group>> {
    let actor = cx.actor()?.id;
    let name = p.name.map(input::Name::into_inner);
    let now = cx.now();
    cx.write(move |tx| groups::update(tx, actor, p.id, name, p.description.map(Into::into), p.color, now)).await
}

pub async fn remove(cx: Cx, p: ById) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| groups::remove(tx, actor, p.id, now)).await?;
    Ok(ok())
}

pub async fn add_user(cx: Cx, p: Person<GroupId>) -> Result<Status> {
    add_users(cx, p.into()).await
}

pub async fn add_users(cx: Cx, p: People<GroupId>) -> Result<Status> {
    let actor = cx.actor()?.id;
    let users = p.people()?;
    let now = cx.now();
    cx.write(move |tx| groups::add_users(tx, actor, p.id, &users, now)).await?;
    Ok(ok())
}

pub async fn remove_user(cx: Cx, p: Person<GroupId>) -> Result<Status> {
    remove_users(cx, p.into()).await
}

pub async fn remove_users(cx: Cx, p: People<GroupId>) -> Result<Status> {
    let actor = cx.actor()?.id;
    let users = p.people()?;
    let now = cx.now();
    cx.write(move |tx| groups::remove_users(tx, actor, p.id, &users, now)).await?;
    Ok(ok())
}
