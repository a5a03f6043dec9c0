//! Join links (Weft: `join_links/*`) and joining through one (`url_join/join_workspace`,
//! as Twist names it). Personal invitations are `workspace_users/add`.

use super::workspace_users::Role;
use crate::api::{Cx, Stored};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{JoinLink, UserType, Workspace};
use weft_core::services::invitations::{self, NewLink};
use weft_core::{ChannelId, Result, WorkspaceId, input};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddLink {
    pub workspace_id: WorkspaceId,
    /// The role of people who join through it; USER when not given.
    #[serde(default)]
    pub user_type: Option<Role>,
    /// Channels to put them in.
    #[serde(default)]
    pub channel_ids: Option<input::List<ChannelId>>,
    /// Days the link works; 7 when not given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 365))]
    pub days: Option<i64>,
    /// How many people may join through it; no limit when not given.
    #[serde(default)]
    #[schemars(range(min = 1, max = 100000))]
    pub max_uses: Option<i64>,
}

/// Makes a join link (admins). The answer holds its URL; the server keeps only a hash —
/// so the answer is not kept for retries either (a retry makes another link).
pub async fn add(cx: Cx, p: AddLink) -> Result<JoinLink> {
    let actor = cx.actor()?.id;
    let days = p.days.unwrap_or(7);
    if !(1..=365).contains(&days) {
        return Err(weft_core::Error::invalid("days", "between 1 and 365"));
    }
    let max_uses = p.max_uses;
    if max_uses.is_some_and(|m| !(1..=100_000).contains(&m)) {
        return Err(weft_core::Error::invalid("max_uses", "between 1 and 100000"));
    }
    let now = cx.now();
    let link = NewLink {
        user_type: p.user_type.map_or(UserType::User, |r| r.0),
        channel_ids: p.channel_ids.map(input::List::into_vec).unwrap_or_default(),
        expires_ts: now + days * 86_400,
        max_uses,
    };
    let base = cx.app.base_url.clone();
    cx.app.store.write(move |tx| invitations::create_link(tx, actor, p.workspace_id, link, &base, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InWorkspace {
    pub workspace_id: WorkspaceId,
}

/// The workspace's join links, newest first, without their URLs (admins).
pub async fn get(cx: Cx, p: InWorkspace) -> Result<Vec<JoinLink>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| invitations::links(tx, actor, p.workspace_id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LinkId {
    /// The join link.
    #[schemars(range(min = 1))]
    pub id: i64,
}

/// Revokes a join link at once (admins).
pub async fn revoke(cx: Cx, p: LinkId) -> Result<Stored<JoinLink>> {
    let actor = cx.actor()?.id;
    if p.id < 1 {
        return Err(weft_core::Error::invalid("id", "expected a positive id"));
    }
    cx.write(move |tx| invitations::revoke_link(tx, actor, p.id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct JoinWorkspace {
    /// The code at the end of a join link (or of a personal invitation to the caller).
    pub url_invite_code: input::Short,
}

/// Joins the workspace of a join link, or accepts a personal invitation, as the caller.
pub async fn join_workspace(cx: Cx, p: JoinWorkspace) -> Result<Stored<Workspace>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| invitations::accept_as(tx, p.url_invite_code.as_str().trim(), actor, now)).await
}
