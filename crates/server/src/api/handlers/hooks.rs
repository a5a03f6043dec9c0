//! `hooks/*`: outgoing webhooks (`services::webhooks`; the worker and the address checks
//! in `webhooks.rs`). A subscription belongs to the signed-in person who made it and sends
//! only what they may see.

use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{HookEvent, WebhookSubscription};
use weft_core::services::webhooks::{self, Place};
use weft_core::{ChannelId, ConversationId, Error, Result, ThreadId, WorkspaceId, input};

/// `hooks/subscribe`: one of `workspace_id`, `channel_id`, `thread_id`, `conversation_id`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [
    {"required": ["workspace_id"]},
    {"required": ["channel_id"]},
    {"required": ["thread_id"]},
    {"required": ["conversation_id"]},
]))]
pub struct Subscribe {
    /// Where events are POSTed: an http(s) address the server may reach (public, or in a
    /// range its operator allows).
    pub target_url: input::WebhookUrl,
    /// The kind of event (Twist also reads `event`).
    #[serde(alias = "event")]
    pub event_type: HookEvent,
    /// Events of this workspace (one of the four places is needed).
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    /// … or of this channel only.
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    /// … or of this thread only.
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
    /// … or of this conversation only.
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
}

/// Subscribes `target_url` to one kind of event in a place the caller sees. The answer
/// (200, where Twist answers 201) carries the signing `secret`, shown once.
pub async fn subscribe(cx: Cx, p: Subscribe) -> Result<Stored<WebhookSubscription>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    crate::webhooks::check_target(p.target_url.as_str(), &cx.app.config.allow_webhooks_to)
        .await
        .map_err(|why| Error::invalid("target_url", why))?;
    let secret = crate::webhooks::new_secret()?;
    let place = Place {
        workspace: p.workspace_id,
        channel: p.channel_id,
        thread: p.thread_id,
        conversation: p.conversation_id,
    };
    cx.write(move |tx| webhooks::subscribe(tx, actor, place, p.event_type, p.target_url.as_str(), &secret, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Unsubscribe {
    /// The address whose subscriptions (all of the caller's to it) end.
    pub target_url: input::WebhookUrl,
}

/// Ends the caller's subscriptions to `target_url` at once: nothing more is sent to it.
pub async fn unsubscribe(cx: Cx, p: Unsubscribe) -> Result<Status> {
    let actor = cx.actor()?.id;
    cx.app.store.write(move |tx| webhooks::unsubscribe(tx, actor, p.target_url.as_str())).await?;
    Ok(ok())
}

/// The caller's subscriptions, newest first, each with its state and newest deliveries.
pub async fn get(cx: Cx, _: crate::api::NoParams) -> Result<Vec<WebhookSubscription>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| webhooks::list(tx, actor)).await
}
