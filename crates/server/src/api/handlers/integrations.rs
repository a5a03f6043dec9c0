//! `bots/*`, `incoming_webhooks/*` and Twist's `integration_incoming/post_data`.

use crate::api::{Cx, Status, ok};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::model::{Bot, IncomingWebhook, User};
use weft_core::services::bots;
use weft_core::services::incoming_webhooks::{self, Delivery, Made};
use weft_core::{ChannelId, CommentId, Error, Result, ThreadId, UserId, WorkspaceId, input};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddBot {
    pub workspace_id: WorkspaceId,
    /// The name its posts show.
    pub name: input::Name,
}

/// A new bot and its first API token (shown once; a write token kept to its workspace).
#[derive(Debug, Serialize, JsonSchema)]
pub struct BotAdded {
    pub user: User,
    pub owner_id: UserId,
    pub workspace_id: WorkspaceId,
    /// For `Authorization: Bearer`.
    pub token: String,
}

pub async fn add_bot(cx: Cx, p: AddBot) -> Result<BotAdded> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    // Not through `cx.write`: an answer carrying a secret is never stored for retries.
    let (bot, token) = cx.app.store.write(move |tx| bots::add(tx, actor, p.workspace_id, p.name.as_str(), now)).await?;
    Ok(BotAdded {
        user: bot.user,
        owner_id: bot.owner_id,
        workspace_id: bot.workspace_id,
        token: token.token.ok_or(Error::Internal("a new token without its secret".into()))?,
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InWorkspace {
    pub workspace_id: WorkspaceId,
}

/// The workspace's bots with their owners.
pub async fn get_bots(cx: Cx, p: InWorkspace) -> Result<Vec<Bot>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| bots::list(tx, actor, p.workspace_id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BotId {
    /// The bot's user id.
    pub id: UserId,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct NewToken {
    pub token: String,
}

/// A new token for a bot; its earlier tokens stop working.
pub async fn new_bot_token(cx: Cx, p: BotId) -> Result<NewToken> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    let (token, revoked) = cx.app.store.write(move |tx| bots::new_token(tx, actor, p.id, now)).await?;
    for hash in revoked {
        cx.app.tokens.forget_token(&hash);
    }
    Ok(NewToken { token: token.token.ok_or(Error::Internal("a new token without its secret".into()))? })
}

/// Removes a bot: it leaves its workspace and its tokens stop working; its posts stay.
pub async fn remove_bot(cx: Cx, p: BotId) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.app.store.write(move |tx| bots::remove(tx, actor, p.id, now)).await?;
    cx.app.tokens.forget_user(p.id);
    Ok(ok())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddWebhook {
    pub channel_id: ChannelId,
    /// Its bot's name, shown on its posts.
    pub name: input::Name,
    /// Post every message as a comment of this thread (default: each opens a thread).
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
}

/// A new incoming webhook; its `url` (with the secret) is in this answer only.
pub async fn add_webhook(cx: Cx, p: AddWebhook) -> Result<IncomingWebhook> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    let base = cx.app.base_url.clone();
    cx.app
        .store
        .write(move |tx| incoming_webhooks::add(tx, actor, p.channel_id, p.thread_id, p.name.as_str(), &base, now))
        .await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InChannel {
    pub channel_id: ChannelId,
}

pub async fn get_webhooks(cx: Cx, p: InChannel) -> Result<Vec<IncomingWebhook>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| incoming_webhooks::list(tx, actor, p.channel_id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WebhookId {
    pub id: i64,
}

/// Revokes a webhook at once; its bot leaves, its posts stay.
pub async fn remove_webhook(cx: Cx, p: WebhookId) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.app.store.write(move |tx| incoming_webhooks::remove(tx, actor, p.id, now)).await?;
    Ok(ok())
}

/// Twist's incoming-webhook call: the secret in the query string, the post in the body —
/// Twist's `{content, title?, thread_id?}` or Slack's `{"text": …}`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PostData {
    pub install_id: i64,
    pub install_token: input::Short,
    /// The text (Markdown).
    #[serde(default)]
    pub content: Option<input::Content>,
    /// Slack's name for the text.
    #[serde(default)]
    pub text: Option<input::Content>,
    /// Opens a thread with this title (default: the text's first line).
    #[serde(default)]
    pub title: Option<input::Title>,
    /// Posts a comment in this thread of the webhook's channel.
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Delivered {
    pub thread_id: ThreadId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<CommentId>,
}

pub async fn post_data(cx: Cx, p: PostData) -> Result<Delivered> {
    let content = match (p.content, p.text) {
        (Some(c), _) | (None, Some(c)) => c.into_inner(),
        (None, None) => return Err(Error::missing("content")),
    };
    let delivery = Delivery { content, title: p.title.map(|t| t.into_inner()), thread: p.thread_id };
    let (id, secret) = (p.install_id, p.install_token.into_inner());
    let now = cx.now();
    let made = cx.app.store.write(move |tx| incoming_webhooks::post(tx, id, &secret, delivery, now)).await?;
    Ok(match made {
        Made::Thread(thread_id) => Delivered { thread_id, comment_id: None },
        Made::Comment(thread_id, comment_id) => Delivered { thread_id, comment_id: Some(comment_id) },
    })
}
