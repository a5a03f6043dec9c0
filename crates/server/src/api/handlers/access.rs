//! `access/*`: sharing checks — who can see a channel, thread or conversation, and why not —
//! and requests to join a channel one cannot see.

use crate::api::{Cx, Stored};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{AccessCheck, AccessDecision, AccessRequest};
use weft_core::services::access::{self, Shared};
use weft_core::services::access_requests;
use weft_core::{ChannelId, ConversationId, Error, Result, ThreadId, UserId, WorkspaceId, input};

/// `access/check`: exactly one of `channel_id`, `thread_id`, `conversation_id`, and the
/// people to check.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("oneOf" = [{"required": ["channel_id"]}, {"required": ["thread_id"]}, {"required": ["conversation_id"]}]))]
pub struct Check {
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    /// The people to share it with.
    #[schemars(length(min = 1))]
    pub user_ids: input::List<UserId>,
}

impl Check {
    fn shared(&self) -> Result<Shared> {
        let given = [
            self.channel_id.map(Shared::Channel),
            self.thread_id.map(Shared::Thread),
            self.conversation_id.map(Shared::Conversation),
        ];
        super::exactly_one(given, ["channel_id", "thread_id", "conversation_id"])
    }
}

/// Who of `user_ids` can see it, and who cannot and why (not in the workspace, invited,
/// deactivated, a guest outside the channel, not in the private channel or conversation).
/// The caller must see it themselves.
pub async fn check(cx: Cx, p: Check) -> Result<AccessCheck> {
    let actor = cx.actor()?.id;
    let shared = p.shared()?;
    let users: Vec<UserId> = p.user_ids.into();
    if users.is_empty() {
        return Err(Error::missing("user_ids"));
    }
    cx.read(move |tx| access::check(tx, actor, shared, &users)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Request {
    /// A channel of a workspace the caller is in but cannot see (a private one, or any
    /// channel for a guest outside it).
    pub channel_id: ChannelId,
    /// Why, for whoever decides.
    #[serde(default)]
    pub note: Option<input::Description>,
}

/// Asks to join a channel; asking again while a request is pending answers that one.
pub async fn request(cx: Cx, p: Request) -> Result<Stored<AccessRequest>> {
    let actor = cx.actor()?.id;
    let note = p.note.map(input::Description::into_inner).unwrap_or_default();
    let now = cx.now();
    cx.write(move |tx| access_requests::request(tx, actor, p.channel_id, note, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Decide {
    /// The request.
    pub id: i64,
}

/// Approves a pending request (by a member of the channel who is not a guest, or an admin
/// who sees it): the requester joins the channel and is told.
pub async fn approve(cx: Cx, p: Decide) -> Result<Stored<AccessRequest>> {
    decide(cx, p.id, AccessDecision::Approved).await
}

/// Denies a pending request; the requester's app hears of it.
pub async fn deny(cx: Cx, p: Decide) -> Result<Stored<AccessRequest>> {
    decide(cx, p.id, AccessDecision::Denied).await
}

async fn decide(cx: Cx, id: i64, decision: AccessDecision) -> Result<Stored<AccessRequest>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| access_requests::decide(tx, actor, id, decision, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetRequests {
    pub workspace_id: WorkspaceId,
    /// Only those still waiting for a decision (default: all, decided ones too).
    #[serde(default)]
    pub pending_only: Option<bool>,
}

/// The requests the caller may decide, and their own, newest first (at most 500).
pub async fn get_requests(cx: Cx, p: GetRequests) -> Result<Vec<AccessRequest>> {
    let actor = cx.actor()?.id;
    let pending = p.pending_only.unwrap_or(false);
    cx.read(move |tx| access_requests::list(tx, actor, p.workspace_id, pending)).await
}
