//! Retention: what is kept only for a while, pruned in small batches by a worker.

use crate::error::Result;

/// Rows that are only kept for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiring {
    /// Stored answers of writes, by when they were stored: a retry comes soon or never.
    IdempotencyKeys,
    /// Pushes delivered or dropped, by when.
    FinishedPushes,
    /// Notifications, by when their post was made (unless a push still waits for one).
    Notifications,
    /// Email sent, by when: its text and links should not linger.
    SentMail,
    /// Email given up on (parked), by when it was made: an admin had time to look.
    ParkedMail,
    /// Away replies given, by when: past it, someone still away answers the same sender in
    /// the same thread once more.
    AwayReplies,
    /// Webhook deliveries finished (delivered, dropped, abandoned), by when: the delivery
    /// log shows the recent ones.
    WebhookDeliveries,
}

impl Expiring {
    pub const ALL: [Expiring; 7] = [
        Expiring::IdempotencyKeys,
        Expiring::FinishedPushes,
        Expiring::Notifications,
        Expiring::SentMail,
        Expiring::ParkedMail,
        Expiring::AwayReplies,
        Expiring::WebhookDeliveries,
    ];
}

pub trait Retention {
    /// Deletes up to `limit` rows of `what` older than `before` (a timestamp, seconds);
    /// answers how many it deleted.
    fn prune(&mut self, what: Expiring, before: i64, limit: i64) -> Result<usize>;
}
