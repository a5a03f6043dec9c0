//! What a personal API token may call — the one rule, applied where requests come in
//! (`api::call_inner` for the API, the event stream and file downloads for theirs):
//!
//! - no token manages tokens or the account's security (password, email, deletion):
//!   those need a signed-in session, so a leaked token cannot take the account over;
//! - a read-only token calls only reading endpoints;
//! - a workspace's token reaches only that workspace: every workspace, channel, thread,
//!   comment, conversation, message, group … a request names must be in it (one read,
//!   one statement per kind of object), and endpoints about no single workspace (the
//!   notifications of every workspace, the list of workspaces) are refused, but for the
//!   few that concern only the caller (`users/get_session_user`, `markdown/render`,
//!   uploads, which stay private until posted) and `batch`, whose requests are each
//!   checked.
//!
//! An id that names nothing is let through: the endpoint answers "not found" itself.

use super::{Endpoint, Verb};
use crate::app::App;
use serde_json::{Map, Value};
use std::sync::Arc;
use weft_core::model::TokenScope;
use weft_core::store::{ObjectKind, TokenGrant};
use weft_core::{Error, Result, WorkspaceId};

/// Endpoints a token may never call (prefixes end in `/`).
const SESSION_ONLY: &[&str] = &[
    "api_tokens/",
    "users/update_password",
    "users/set_password",
    "users/update",
    "users/delete",
    "users/invalidate_token",
    "users/logout",
];

/// Endpoints about no one workspace that a workspace's token may still call.
const ANY_WORKSPACE: &[&str] = &["batch", "markdown/render", "users/get_session_user", "attachments/upload"];

/// Parameters that name an object, with its kind.
const NAMED: &[(&str, ObjectKind)] = &[
    ("workspace_id", ObjectKind::Workspace),
    ("channel_id", ObjectKind::Channel),
    ("thread_id", ObjectKind::Thread),
    ("comment_id", ObjectKind::Comment),
    ("conversation_id", ObjectKind::Conversation),
    ("message_id", ObjectKind::Message),
    ("group_id", ObjectKind::Group),
];

/// What an endpoint's `id` parameter names, by the endpoint's area.
fn id_kind(path: &str) -> Option<ObjectKind> {
    let area = path.split('/').next().unwrap_or_default();
    Some(match area {
        "workspaces" | "workspace_users" => ObjectKind::Workspace,
        "channels" => ObjectKind::Channel,
        "threads" | "inbox" => ObjectKind::Thread,
        "comments" => ObjectKind::Comment,
        "conversations" => ObjectKind::Conversation,
        "conversation_messages" => ObjectKind::Message,
        "groups" => ObjectKind::Group,
        "access" => ObjectKind::AccessRequest,
        "expectations" => ObjectKind::Expectation,
        "join_links" => ObjectKind::Invitation,
        "meetings" => ObjectKind::Meeting,
        "scheduled" => ObjectKind::ScheduledPost,
        "emergencies" => ObjectKind::Emergency,
        _ => return None,
    })
}

pub fn may_write(grant: &TokenGrant) -> Result<()> {
    match grant.scope {
        TokenScope::Write => Ok(()),
        TokenScope::Read => Err(Error::forbidden("this API token is read-only")),
    }
}

pub fn may_reach(grant: &TokenGrant, ws: WorkspaceId) -> Result<()> {
    match grant.workspace {
        Some(only) if only != ws => Err(kept_to(only)),
        _ => Ok(()),
    }
}

fn kept_to(ws: WorkspaceId) -> Error {
    Error::forbidden(format!("this API token works only in workspace {}", ws.0))
}

/// An integer id as a JSON body or a query string gives it; anything else is left to the
/// endpoint's own checks (it cannot name another workspace's object).
fn id_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The objects a request names, by kind.
fn named_objects(endpoint: &Endpoint, params: &Map<String, Value>) -> Vec<(ObjectKind, i64)> {
    let mut out: Vec<(ObjectKind, i64)> =
        NAMED.iter().filter_map(|(name, kind)| params.get(*name).and_then(id_of).map(|id| (*kind, id))).collect();
    if let (Some(kind), Some(id)) = (id_kind(endpoint.path), params.get("id").and_then(id_of)) {
        out.push((kind, id));
    }
    out
}

/// Whether a request signed in by a token with `grant` may call `endpoint` with `params`.
pub async fn permit(
    app: &Arc<App>,
    endpoint: &Endpoint,
    params: &Map<String, Value>,
    grant: &TokenGrant,
) -> Result<()> {
    let path = endpoint.path;
    if SESSION_ONLY.iter().any(|p| if p.ends_with('/') { path.starts_with(p) } else { path == *p }) {
        return Err(Error::forbidden(format!("{path} needs a signed-in session, not an API token")));
    }
    if endpoint.verb == Verb::Post && path != "batch" {
        may_write(grant)?;
    }
    let Some(only) = grant.workspace else { return Ok(()) };
    let named = named_objects(endpoint, params);
    if named.is_empty() {
        return match ANY_WORKSPACE.contains(&path) {
            true => Ok(()),
            false => Err(Error::forbidden(format!(
                "this API token works only in workspace {}, and {path} is not about one workspace",
                only.0
            ))),
        };
    }
    let found = app.store.read(move |tx| tx.workspaces_of_objects(&named)).await?;
    match found.iter().all(|ws| *ws == only) {
        true => Ok(()),
        false => Err(kept_to(only)),
    }
}

/// A file download with a workspace's token: the file must be on a post there (or not
/// posted yet: then only its uploader can fetch it anyway).
pub async fn may_read_file(app: &Arc<App>, grant: &TokenGrant, attachment_id: &str) -> Result<()> {
    let Some(only) = grant.workspace else { return Ok(()) };
    let id = attachment_id.to_string();
    let found = app.store.read(move |tx| tx.attachment_workspaces(&id)).await?;
    match found.is_empty() || found.contains(&only) {
        true => Ok(()),
        false => Err(kept_to(only)),
    }
}
