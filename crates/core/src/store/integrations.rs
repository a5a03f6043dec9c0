//! Integrations: bots (user rows with `bot`, made for one workspace and owned by a person)
//! and incoming webhooks (a secret URL that posts as the webhook's own bot).

use crate::error::Result;
use crate::ids::*;
use crate::model::{Bot, IncomingWebhook};

#[derive(Debug, Clone)]
pub struct NewIncomingWebhook {
    pub workspace: WorkspaceId,
    pub channel: ChannelId,
    pub thread: Option<ThreadId>,
    pub name: String,
    pub bot: UserId,
    pub creator: UserId,
    pub token_hash: String,
    pub now: i64,
}

pub trait Integrations {
    fn insert_bot(&mut self, bot: UserId, ws: WorkspaceId, owner: UserId, now: i64) -> Result<()>;
    /// The bots of a workspace still there (not removed), oldest first.
    fn bots_of(&mut self, ws: WorkspaceId) -> Result<Vec<Bot>>;
    fn bot(&mut self, bot: UserId) -> Result<Option<Bot>>;
    fn delete_bot(&mut self, bot: UserId) -> Result<()>;
    fn insert_incoming_webhook(&mut self, hook: &NewIncomingWebhook) -> Result<i64>;
    fn incoming_webhooks_of(&mut self, channel: ChannelId) -> Result<Vec<IncomingWebhook>>;
    fn incoming_webhook(&mut self, id: i64) -> Result<Option<IncomingWebhook>>;
    /// The webhook `id` if `token_hash` is its secret's.
    fn incoming_webhook_by_secret(&mut self, id: i64, token_hash: &str) -> Result<Option<IncomingWebhook>>;
    fn touch_incoming_webhook(&mut self, id: i64, now: i64) -> Result<()>;
    fn delete_incoming_webhook(&mut self, id: i64) -> Result<()>;
}
