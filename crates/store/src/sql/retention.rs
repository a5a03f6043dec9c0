//! `Retention` in SQL: each kind of expiring row, oldest first, a batch at a time.

use super::{SqlTx, args};
use weft_core::Result;
use weft_core::store::{Expiring, Retention};

impl Retention for SqlTx<'_> {
    fn prune(&mut self, what: Expiring, before: i64, limit: i64) -> Result<usize> {
        // Each selects the batch through the index on its age (migration "retention").
        let sql = match what {
            Expiring::IdempotencyKeys => {
                "DELETE FROM idempotency WHERE (user_id, key) IN \
                 (SELECT user_id, key FROM idempotency WHERE created_ts < ? ORDER BY created_ts LIMIT ?)"
            }
            Expiring::FinishedPushes => {
                "DELETE FROM pushes WHERE id IN \
                 (SELECT id FROM pushes WHERE state <> 'pending' AND done_ts < ? ORDER BY done_ts LIMIT ?)"
            }
            Expiring::Notifications => {
                "DELETE FROM notifications WHERE id IN \
                 (SELECT n.id FROM notifications n WHERE n.posted_ts < ? AND NOT EXISTS \
                  (SELECT 1 FROM pushes p WHERE p.notification_id = n.id AND p.state = 'pending') \
                  ORDER BY n.posted_ts LIMIT ?)"
            }
            Expiring::SentMail => {
                "DELETE FROM mail_outbox WHERE id IN \
                 (SELECT id FROM mail_outbox WHERE state = 'sent' AND sent_ts < ? ORDER BY sent_ts LIMIT ?)"
            }
            // Through the index of migration "mail secrets".
            Expiring::ParkedMail => {
                "DELETE FROM mail_outbox WHERE id IN \
                 (SELECT id FROM mail_outbox WHERE state = 'parked' AND created_ts < ? ORDER BY created_ts LIMIT ?)"
            }
            // Through the index of migration "away reply retention".
            Expiring::AwayReplies => {
                "DELETE FROM away_replies WHERE (away_user, sender, place, period) IN \
                 (SELECT away_user, sender, place, period FROM away_replies WHERE created_ts < ? \
                  ORDER BY created_ts LIMIT ?)"
            }
            // Through the partial index of migration "webhooks".
            Expiring::WebhookDeliveries => {
                "DELETE FROM webhook_deliveries WHERE id IN \
                 (SELECT id FROM webhook_deliveries WHERE finished_ts IS NOT NULL AND finished_ts < ? \
                  ORDER BY finished_ts LIMIT ?)"
            }
        };
        Ok(self.conn.execute(sql, args![before, limit])? as usize)
    }
}
