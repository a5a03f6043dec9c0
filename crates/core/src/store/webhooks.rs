//! Outgoing webhooks: subscriptions, the cursor of the log they were matched up to, and
//! the deliveries to make (leased like the mail outbox).

use crate::error::Result;
use crate::ids::*;
use crate::model::{WebhookDelivery, WebhookSubscription};

/// A subscription as stored, with what the worker needs (its secret, where it starts).
#[derive(Debug, Clone, PartialEq)]
pub struct HookRow {
    pub sub: WebhookSubscription,
    pub user: UserId,
    pub secret: String,
    /// Only events after this one.
    pub after_seq: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewHook {
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub channel: Option<ChannelId>,
    pub thread: Option<ThreadId>,
    pub conversation: Option<ConversationId>,
    pub event_type: String,
    pub target_url: String,
    pub secret: String,
    pub after_seq: i64,
    pub now: i64,
}

/// A delivery to make: one event for one subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHookDelivery {
    pub subscription: i64,
    pub event_seq: i64,
    pub event_type: String,
    pub now: i64,
}

/// A delivery leased to be sent now, with its subscription's address and secret.
#[derive(Debug, Clone, PartialEq)]
pub struct DueHookDelivery {
    pub id: i64,
    pub subscription: i64,
    pub user: UserId,
    pub workspace: WorkspaceId,
    pub event_seq: i64,
    pub event_type: String,
    /// The `webhook-id` header: the same on every try.
    pub webhook_id: String,
    /// The event's JSON as the log has it now (filled in by the service, not stored).
    pub body: String,
    pub target_url: String,
    pub secret: String,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// What became of one try.
#[derive(Debug, Clone, PartialEq)]
pub enum HookOutcome {
    Delivered {
        status: i64,
    },
    /// Try again at `at` (`status`: the receiver's answer, if it answered).
    Retry {
        at: i64,
        status: Option<i64>,
        error: String,
    },
    /// Not sent and never will be (its owner may no longer see the event; the address is
    /// no longer allowed).
    Dropped {
        error: String,
    },
}

pub trait Webhooks {
    fn insert_hook(&mut self, h: &NewHook) -> Result<i64>;
    /// `user`'s subscriptions, newest first.
    fn hooks_of(&mut self, user: UserId) -> Result<Vec<HookRow>>;
    /// Deletes `user`'s subscriptions to `target_url` (their deliveries with them); answers how many.
    fn delete_hooks(&mut self, user: UserId, target_url: &str) -> Result<u64>;
    fn delete_hook(&mut self, id: i64) -> Result<()>;
    /// Active subscriptions of these workspaces.
    fn active_hooks_in(&mut self, workspaces: &[WorkspaceId]) -> Result<Vec<HookRow>>;
    fn any_active_hook(&mut self) -> Result<bool>;
    /// How far the log has been matched against subscriptions (None: never).
    fn webhook_cursor(&mut self) -> Result<Option<i64>>;
    fn set_webhook_cursor(&mut self, seq: i64) -> Result<()>;
    /// Records deliveries to make (one per subscription and event at most).
    fn insert_hook_deliveries(&mut self, d: &[NewHookDelivery]) -> Result<()>;
    fn hook_deliveries_due(&mut self, now: i64) -> Result<bool>;
    /// Leases up to `limit` due deliveries of active subscriptions until `lease_until`,
    /// counting a try for each.
    fn claim_hook_deliveries(&mut self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<DueHookDelivery>>;
    fn finish_hook_delivery(&mut self, id: i64, outcome: &HookOutcome, now: i64) -> Result<()>;
    /// Counts a failed try against the subscription; answers its failures in a row.
    fn hook_failed(&mut self, subscription: i64) -> Result<i64>;
    fn hook_succeeded(&mut self, subscription: i64) -> Result<()>;
    /// Turns a subscription off and drops its waiting deliveries.
    fn disable_hook(&mut self, subscription: i64, now: i64) -> Result<()>;
    /// The newest deliveries of a subscription, newest first.
    fn hook_deliveries_of(&mut self, subscription: i64, limit: i64) -> Result<Vec<WebhookDelivery>>;
}
