//! `Idempotency` in SQL: stored answers of retried writes.

use super::{SqlTx, args, json};
use serde_json::Value as Json;
use weft_core::store::Idempotency;
use weft_core::{Result, UserId};

impl Idempotency for SqlTx<'_> {
    fn idempotent_response(&mut self, user: UserId, key: &str) -> Result<Option<Json>> {
        self.one("SELECT response FROM idempotency WHERE user_id = ? AND key = ?", args![user, key])?
            .map(|r| r.json(0))
            .transpose()
    }

    fn save_idempotent_response(&mut self, user: UserId, key: &str, response: &Json, now: i64) -> Result<()> {
        self.conn.send(
            // Two workspaces' writes run at once on PostgreSQL: the same key reused across them
            // keeps the first answer instead of failing the second write.
            "INSERT INTO idempotency (user_id, key, response, created_ts) VALUES (?, ?, ?, ?) \
             ON CONFLICT (user_id, key) DO NOTHING",
            &[user.into(), key.into(), json(response), now.into()],
        )?;
        Ok(())
    }
}
