//! One function per thing a user does. Each takes the transaction, the acting user, parsed
//! input and the time; checks access through `policy` first; writes; and appends the event.

pub mod access;
pub mod access_requests;
pub mod analytics;
pub mod api_tokens;
pub mod attachments;
pub mod auth;
pub mod away;
pub mod bots;
pub mod channels;
pub mod comments;
pub mod conversations;
pub mod decisions;
pub mod delivery;
pub mod emergencies;
pub mod expectations;
pub mod fanout;
pub mod groups;
pub mod inbox;
pub mod incoming_webhooks;
pub mod invitations;
pub mod mail;
pub mod meetings;
pub mod notifications;
pub mod notify;
pub mod password_reset;
pub mod personal_export;
pub mod reactions;
pub mod rotations;
pub mod scheduled;
pub mod schedules;
pub mod search;
pub mod stream;
pub mod threads;
pub mod users;
pub mod webhooks;
pub mod workspace_users;
pub mod workspaces;

use crate::error::Result;
use crate::event::{Audience, NewEvent};
use crate::ids::WorkspaceId;
use crate::store::Tx;
use serde::Serialize;

/// Appends an event whose payload is `object` as it appears on the wire.
pub(crate) fn emit<T: Serialize>(
    tx: &mut dyn Tx,
    workspace_id: WorkspaceId,
    kind: &'static str,
    audience: Audience,
    object: &T,
    now: i64,
) -> Result<()> {
    tx.append_event(&event(workspace_id, kind, audience, object)?, now)
}

/// A post's event, to append. `fanout` describes who it concerns, for the fan-out to derive
/// after commit (`services::fanout`); `None` for a post delivered in its own transaction.
pub(crate) fn post_event<T: Serialize>(
    workspace_id: WorkspaceId,
    kind: &'static str,
    audience: Audience,
    object: &T,
    fanout: Option<crate::event::Fanout>,
) -> Result<NewEvent> {
    Ok(NewEvent { fanout, ..event(workspace_id, kind, audience, object)? })
}

/// An event whose payload is `object` as it appears on the wire, to append with others.
pub(crate) fn event<T: Serialize>(
    workspace_id: WorkspaceId,
    kind: &'static str,
    audience: Audience,
    object: &T,
) -> Result<NewEvent> {
    let payload = serde_json::to_value(object).map_err(|e| crate::Error::Internal(e.to_string()))?;
    Ok(NewEvent { workspace_id, kind, audience, payload, fanout: None })
}

/// Appends the event of `user` joining (`added`) or leaving a channel, a conversation or a
/// group.
pub(crate) fn emit_member_change(
    tx: &mut dyn Tx,
    workspace_id: WorkspaceId,
    of: crate::payload::Members,
    user: crate::ids::UserId,
    added: bool,
    now: i64,
) -> Result<()> {
    let change = crate::payload::MemberChange { of, user_id: user };
    emit(tx, workspace_id, change.kind(added), change.audience(), &change, now)
}

/// Keeps the first occurrence of each element.
pub(crate) fn dedup<T: Eq + std::hash::Hash + Copy>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|item| seen.insert(*item)).collect()
}

/// Page sizes: the default when absent, clamped to [1, max].
pub fn clamp_limit(limit: Option<i64>, default: i64, max: i64) -> i64 {
    limit.unwrap_or(default).clamp(1, max)
}
