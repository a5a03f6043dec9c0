//! The notification list and per-workspace notification settings.

use super::access;
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::{Notification, NotificationType};
use crate::store::Tx;
use serde_json::{Map, Value};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

const CHANNELS: [&str; 3] = ["desktop", "email", "push"];
const EVENTS: [&str; 11] = [
    "conversations",
    "comments",
    "threads",
    "added_to_ws",
    "added_to_ch",
    "removed_from_ws",
    "removed_from_ch",
    "access_requests",
    "reply_reminders",
    "scheduled_posts",
    "decisions",
];
const OTHERS: [(&str, bool); 3] = [("email_aggregate", false), ("badge_threads", true), ("badge_conversations", true)];

/// Every setting with its default: all notifications on, no email digest.
pub fn defaults() -> Map<String, Value> {
    let mut m = Map::new();
    for c in CHANNELS {
        for e in EVENTS {
            m.insert(format!("{c}_{e}"), Value::Bool(true));
        }
    }
    for (k, v) in OTHERS {
        m.insert(k.to_string(), Value::Bool(v));
    }
    m
}

pub fn list(tx: &mut dyn Tx, actor: UserId, limit: i64) -> Result<(Vec<Notification>, i64)> {
    let items = tx.notifications(actor, limit)?;
    let last_read = items.iter().filter(|n| n.is_read).map(|n| n.id).max().unwrap_or(0);
    Ok((items, last_read))
}

pub fn mark_read(tx: &mut dyn Tx, actor: UserId, id: i64) -> Result<()> {
    if tx.mark_notification_read(actor, Some(id))? == 0 {
        return Err(Error::NotFound(NotFound::Resource));
    }
    Ok(())
}

pub fn reset(tx: &mut dyn Tx, actor: UserId) -> Result<()> {
    tx.mark_notification_read(actor, None).map(drop)
}

pub fn settings(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Map<String, Value>> {
    access::role_in(tx, ws, actor)?;
    effective(tx, actor, ws)
}

/// A person's settings in a workspace, defaults filled in (no access check: for delivery).
pub fn effective(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId) -> Result<Map<String, Value>> {
    let mut all = defaults();
    if let Some(Value::Object(stored)) = tx.notification_settings(user, ws)? {
        for (k, v) in stored {
            if all.contains_key(&k) {
                all.insert(k, v);
            }
        }
    }
    Ok(all)
}

/// Whether a setting is on, e.g. `enabled(&settings, "email_comments")`.
pub fn enabled(settings: &Map<String, Value>, key: &str) -> bool {
    settings.get(key).and_then(Value::as_bool).unwrap_or(true)
}

/// The setting that governs a notification of this type on a delivery channel
/// ("desktop", "email" or "push").
pub fn setting_for(channel: &str, t: NotificationType) -> String {
    let event = match t {
        NotificationType::Comment => "comments",
        NotificationType::Thread => "threads",
        NotificationType::AddedToWorkspace => "added_to_ws",
        NotificationType::RemovedFromWorkspace => "removed_from_ws",
        NotificationType::AddedToChannel => "added_to_ch",
        NotificationType::RemovedFromChannel => "removed_from_ch",
        NotificationType::Message => "conversations",
        NotificationType::AccessRequested | NotificationType::AccessDenied => "access_requests",
        NotificationType::ReplyDue => "reply_reminders",
        NotificationType::ScheduledNotSent => "scheduled_posts",
        NotificationType::DriAssigned => "decisions",
    };
    format!("{channel}_{event}")
}

/// Turns off every email setting of a person in a workspace (the unsubscribe link).
pub fn stop_email(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId) -> Result<()> {
    let mut all = effective(tx, user, ws)?;
    for e in EVENTS {
        all.insert(format!("email_{e}"), Value::Bool(false));
    }
    tx.put_notification_settings(user, ws, &Value::Object(all))
}

/// Sets some settings; every name must be known and every value a boolean. All or nothing.
pub fn update(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    changes: &[(String, bool)],
) -> Result<Map<String, Value>> {
    let mut all = settings(tx, actor, ws)?;
    for (k, v) in changes {
        if !all.contains_key(k) {
            return Err(Error::invalid("setting", format!("unknown setting {k}")));
        }
        all.insert(k.clone(), Value::Bool(*v));
    }
    tx.put_notification_settings(actor, ws, &Value::Object(all.clone()))?;
    Ok(all)
}
