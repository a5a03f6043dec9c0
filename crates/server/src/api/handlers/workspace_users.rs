//! `workspace_users/*`: the members of a workspace and their roles.

use super::workspaces::ById;
use crate::api::{Cx, Status, Stored, ok};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use weft_core::model::{UserType, Workspace, WorkspaceUser, WorkspaceUserInfo};
use weft_core::services::{invitations, workspace_users as wu};
use weft_core::{ChannelId, Error, NotFound, Result, UserId, WorkspaceId, input};

/// A role as the API names it: `ADMIN`, `USER` or `GUEST`, in any case.
#[derive(Debug, Clone, Copy)]
pub struct Role(pub(crate) UserType);

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        UserType::parse(&raw).map(Role).ok_or_else(|| serde::de::Error::custom("expected USER, GUEST or ADMIN"))
    }
}

impl JsonSchema for Role {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Role".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // Any case: an enum of the upper-case names would reject what the server accepts.
        json_schema!({
            "type": "string",
            "pattern": "^([Aa][Dd][Mm][Ii][Nn]|[Uu][Ss][Ee][Rr]|[Gg][Uu][Ee][Ss][Tt])$",
            "description": "ADMIN, USER or GUEST (in any case).",
        })
    }
}

/// The member named by `user_id` or, when it is not given, by `email`.
async fn target(cx: &Cx, ws: WorkspaceId, user_id: Option<UserId>, email: Option<input::Email>) -> Result<UserId> {
    if let Some(id) = user_id {
        return Ok(id);
    }
    let email = email.ok_or_else(|| Error::missing("user_id"))?;
    let actor = cx.actor()?.id;
    let found = cx.read(move |tx| wu::get_by_email(tx, actor, ws, email.as_str())).await?;
    Ok(found.id)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub id: WorkspaceId,
    /// Only removed members (true) or only current ones (false); both when not given.
    #[serde(default)]
    pub archived: Option<bool>,
}

pub async fn get(cx: Cx, p: Get) -> Result<Vec<WorkspaceUser>> {
    let actor = cx.actor()?.id;
    let mut all = cx.read(move |tx| wu::list(tx, actor, p.id)).await?;
    if let Some(a) = p.archived {
        all.retain(|u| u.removed == a);
    }
    Ok(all)
}

pub async fn get_ids(cx: Cx, p: ById) -> Result<Vec<UserId>> {
    let actor = cx.actor()?.id;
    let all = cx.read(move |tx| wu::list(tx, actor, p.id)).await?;
    Ok(all.into_iter().filter(|u| !u.removed && !u.invite_pending).map(|u| u.id).collect())
}

/// One member of a workspace.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Member {
    /// The workspace.
    pub id: WorkspaceId,
    pub user_id: UserId,
}

pub async fn getone(cx: Cx, p: Member) -> Result<WorkspaceUser> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| wu::get(tx, actor, p.id, p.user_id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetByEmail {
    /// The workspace.
    pub id: WorkspaceId,
    /// Any string: one that is not a member's email (or not an email) is not found.
    pub email: input::Short,
}

pub async fn get_by_email(cx: Cx, p: GetByEmail) -> Result<WorkspaceUser> {
    let actor = cx.actor()?.id;
    let email = input::Email::parse(&p.email).map_err(|_| Error::NotFound(NotFound::User))?;
    cx.read(move |tx| wu::get_by_email(tx, actor, p.id, email.as_str())).await
}

/// A member's local time, `YYYY-MM-DD HH:MM:SS`.
pub async fn get_local_time(cx: Cx, p: Member) -> Result<String> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.read(move |tx| wu::local_time(tx, actor, p.id, p.user_id, now)).await
}

pub async fn get_info(cx: Cx, p: Member) -> Result<WorkspaceUserInfo> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.read(move |tx| wu::info(tx, actor, p.id, p.user_id, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    /// The workspace.
    pub id: WorkspaceId,
    /// Whom to invite: with an account or not, the answer is the same.
    pub email: input::Email,
    /// What to call them until they accept (someone new starts with it as their name).
    #[serde(default)]
    pub name: Option<input::Name>,
    /// USER when not given.
    #[serde(default)]
    pub user_type: Option<Role>,
    /// Channels of the workspace to put them in when they accept.
    #[serde(default)]
    pub channel_ids: Option<input::List<ChannelId>>,
}

/// Invites someone: a pending member until they accept the emailed invitation.
pub async fn add(cx: Cx, p: Add) -> Result<Stored<WorkspaceUser>> {
    let actor = cx.actor()?.id;
    let kind = p.user_type.map_or(UserType::User, |r| r.0);
    let channels = p.channel_ids.unwrap_or_default();
    let name = p.name.map(input::Name::into_inner);
    let links = cx.app.invitation_links();
    let now = cx.now();
    cx.write(move |tx| {
        wu::add(tx, actor, p.id, &p.email, name.as_deref(), kind, &channels, &links, now).map(|(member, _code)| member)
    })
    .await
}

/// A pending member, by `user_id` or `email`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["user_id"]}, {"required": ["email"]}]))]
pub struct ResendInvite {
    /// The workspace.
    pub id: WorkspaceId,
    #[serde(default)]
    pub email: Option<input::Email>,
    #[serde(default)]
    pub user_id: Option<UserId>,
}

/// A fresh invitation link for a pending member; the old one stops working.
pub async fn resend_invite(cx: Cx, p: ResendInvite) -> Result<Status> {
    let actor = cx.actor()?.id;
    let user = target(&cx, p.id, p.user_id, p.email).await?;
    let links = cx.app.invitation_links();
    let now = cx.now();
    cx.write(move |tx| invitations::resend(tx, actor, p.id, user, &links, now).map(|_code| ())).await?;
    Ok(ok())
}

/// The signed-in person accepts their pending invitation to workspace `id`.
pub async fn accept_invite(cx: Cx, p: ById) -> Result<Stored<Workspace>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| invitations::accept_pending(tx, actor, p.id, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["user_id"]}, {"required": ["email"]}]))]
pub struct Update {
    /// The workspace.
    pub id: WorkspaceId,
    pub user_type: Role,
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// Names the member when `user_id` is not given.
    #[serde(default)]
    pub email: Option<input::Email>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<WorkspaceUser>> {
    let actor = cx.actor()?.id;
    let user = target(&cx, p.id, p.user_id, p.email).await?;
    let (ws, kind) = (p.id, p.user_type.0);
    let now = cx.now();
    cx.write(move |tx| wu::update(tx, actor, ws, user, kind, now)).await
}

/// Removing someone else takes an admin; anyone may remove themselves (leave).
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["user_id"]}, {"required": ["email"]}]))]
pub struct Remove {
    /// The workspace.
    pub id: WorkspaceId,
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// Names the member when `user_id` is not given.
    #[serde(default)]
    pub email: Option<input::Email>,
}

pub async fn remove(cx: Cx, p: Remove) -> Result<Status> {
    let actor = cx.actor()?.id;
    let ws = p.id;
    let user = target(&cx, ws, p.user_id, p.email).await?;
    let now = cx.now();
    cx.write(move |tx| wu::remove(tx, actor, ws, user, now)).await?;
    Ok(ok())
}

/// Weft: deactivates a member (admins): they keep their channels but read nothing of the
/// workspace and are notified of nothing until reactivated.
pub async fn deactivate(cx: Cx, p: Member) -> Result<Stored<WorkspaceUser>> {
    set_active(cx, p, false).await
}

/// Weft: gives a deactivated member their access back, channels and all (admins).
pub async fn reactivate(cx: Cx, p: Member) -> Result<Stored<WorkspaceUser>> {
    set_active(cx, p, true).await
}

async fn set_active(cx: Cx, p: Member, active: bool) -> Result<Stored<WorkspaceUser>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| wu::set_active(tx, actor, p.id, p.user_id, active, now)).await
}
