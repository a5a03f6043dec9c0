//! `channels/*`: the places threads live in, their members and their settings.

use super::{People, Person};
use crate::api::decode::Joined;
use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{Channel, ChannelNotifications};
use weft_core::services::channels::{self, NewChannelInput, Update as ChannelUpdate};
use weft_core::services::expectations;
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

/// A channel's settings, as `channels/add` and `channels/update` take them.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Settings {
    #[serde(default)]
    pub color: Option<i64>,
    #[serde(default)]
    pub icon: Option<i64>,
    /// Anyone in the workspace may see and join it (default false for a new channel).
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub description: Option<input::Description>,
    /// Groups notified by default of new threads (1: everyone in the channel).
    #[serde(default)]
    pub default_groups: Option<input::List<GroupId>>,
    /// People notified by default of new threads.
    #[serde(default)]
    pub default_recipients: Option<input::List<UserId>>,
    /// A favorite of the caller's (default false for a new channel).
    #[serde(default)]
    pub is_favorited: Option<bool>,
    /// Weft: posts here reach people through do-not-disturb (admins only; default false).
    #[serde(default)]
    pub emergency: Option<bool>,
    /// Weft: how long an answer asked for here may take, in the working hours of the person
    /// asked; 0 (in an update) goes back to the workspace's.
    #[serde(default)]
    #[schemars(range(min = 0, max = expectations::MAX_RESPONSE_HOURS))]
    pub expected_response_hours: Option<i64>,
}

/// `channels/add`: a new channel and its settings.
pub type Add = Joined<NewChannel, Settings>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewChannel {
    pub workspace_id: WorkspaceId,
    pub name: input::Name,
    /// The client's id for this object: a retry with the same one creates nothing new.
    #[serde(default)]
    pub temp_id: Option<i64>,
    /// Members besides the creator.
    #[serde(default)]
    pub user_ids: Option<input::List<UserId>>,
}

/// Refuses what the document refuses before anything else — a retry with the same
/// `temp_id` included, which would otherwise answer the stored channel.
fn check_settings(set: &Settings) -> Result<()> {
    match set.expected_response_hours {
        Some(h) if h != 0 => expectations::check_response_hours(h),
        _ => Ok(()),
    }
}

pub async fn add(cx: Cx, Joined(p, set): Add) -> Result<Stored<Channel>> {
    let actor = cx.actor()?.id;
    check_settings(&set)?;
    let new = NewChannelInput {
        workspace_id: p.workspace_id,
        name: p.name.into_inner(),
        description: set.description.map(Into::into),
        public: set.public.unwrap_or(false),
        color: set.color,
        icon: set.icon,
        user_ids: p.user_ids.map(Vec::from).unwrap_or_default(),
        default_groups: set.default_groups.map(Vec::from).unwrap_or_default(),
        default_recipients: set.default_recipients.map(Into::into),
        is_favorited: set.is_favorited.unwrap_or(false),
        emergency: set.emergency.unwrap_or(false),
        expected_response_hours: set.expected_response_hours.filter(|h| *h != 0),
    };
    let now = cx.now();
    cx.write(move |tx| channels::add(tx, actor, new, now)).await
}

/// `channels/update`: the settings to change; what is left out stays.
pub type Update = Joined<Rename, Settings>;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Rename {
    pub id: ChannelId,
    #[serde(default)]
    pub name: Option<input::Name>,
}

pub async fn update(cx: Cx, Joined(p, set): Update) -> Result<Stored<Channel>> {
    let actor = cx.actor()?.id;
    check_settings(&set)?;
    let id = p.id;
    let up = ChannelUpdate {
        name: p.name.map(input::Name::into_inner),
        description: set.description.map(Into::into),
        public: set.public,
        color: set.color,
        icon: set.icon,
        default_groups: set.default_groups.map(Into::into),
        default_recipients: set.default_recipients.map(Into::into),
        is_favorited: set.is_favorited,
        emergency: set.emergency,
        expected_response_hours: set.expected_response_hours,
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

/// `channels/set_notifications` (Weft).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetNotifications {
    pub id: ChannelId,
    /// `all` (the default), `direct` (only posts that name you) or `none`.
    pub level: ChannelNotifications,
}

pub async fn set_notifications(cx: Cx, p: SetNotifications) -> Result<Stored<Channel>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| channels::set_notifications(tx, actor, p.id, p.level, now)).await
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
