//! `workspaces/*`: the teams a person belongs to.

use crate::api::{Cx, NoParams, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{Channel, Workspace};
use weft_core::services::{expectations, workspaces};
use weft_core::{Result, WorkspaceId, input};

pub async fn get(cx: Cx, _: NoParams) -> Result<Vec<Workspace>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| workspaces::list(tx, actor)).await
}

/// An object named by its `id`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    pub id: WorkspaceId,
}

pub async fn getone(cx: Cx, p: ById) -> Result<Workspace> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| workspaces::get(tx, actor, p.id)).await
}

pub async fn get_default(cx: Cx, _: NoParams) -> Result<Workspace> {
    let actor = cx.actor()?.clone();
    cx.read(move |tx| workspaces::get_default(tx, &actor)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    pub name: input::Name,
    #[serde(default)]
    pub color: Option<i64>,
    /// The client's id for this object: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
}

pub async fn add(cx: Cx, p: Add) -> Result<Stored<Workspace>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| workspaces::add(tx, actor, p.name.into_inner(), p.color, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    pub id: WorkspaceId,
    #[serde(default)]
    pub name: Option<input::Name>,
    #[serde(default)]
    pub color: Option<i64>,
    /// Minutes before an unacknowledged emergency goes to the admins.
    #[serde(default)]
    #[schemars(range(min = 1, max = workspaces::MAX_ESCALATION_MINUTES))]
    pub escalation_minutes: Option<i64>,
    /// Weft: how long an answer someone asks for may take, in the working hours of the person
    /// asked (8: one working day). Channels may set their own.
    #[serde(default)]
    #[schemars(range(min = 1, max = expectations::MAX_RESPONSE_HOURS))]
    pub expected_response_hours: Option<i64>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Workspace>> {
    let actor = cx.actor()?.id;
    let up = workspaces::Update {
        name: p.name.map(input::Name::into_inner),
        color: p.color,
        escalation_minutes: p.escalation_minutes,
        expected_response_hours: p.expected_response_hours,
    };
    let now = cx.now();
    cx.write(move |tx| workspaces::update(tx, actor, p.id, up, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Remove {
    pub id: WorkspaceId,
    /// Deleting a workspace asks for the password again.
    pub current_password: input::Short,
}

pub async fn remove(cx: Cx, p: Remove) -> Result<Status> {
    let actor = cx.actor()?.clone();
    super::users::check_password(&cx, &actor.email, p.current_password.into()).await?;
    let now = cx.now();
    cx.write(move |tx| workspaces::remove(tx, actor.id, p.id, now)).await?;
    Ok(ok())
}

pub async fn get_public_channels(cx: Cx, p: ById) -> Result<Vec<Channel>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| workspaces::public_channels(tx, actor, p.id)).await
}
