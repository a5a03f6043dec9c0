//! Idempotent retries: the stored answer of each write under its idempotency key.

use crate::error::Result;
use crate::ids::*;
use serde_json::Value;

/// Idempotent retries: the answer of a write, stored per person and idempotency key in the
/// write's own transaction. An area of its own: it belongs to no object, only to requests.
pub trait Idempotency {
    fn idempotent_response(&mut self, user: UserId, key: &str) -> Result<Option<Value>>;
    fn save_idempotent_response(&mut self, user: UserId, key: &str, response: &Value, now: i64) -> Result<()>;
}
