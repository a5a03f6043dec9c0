//! Personal API tokens: a person makes named tokens for their scripts and tools, each
//! read-only or read-write and optionally kept to one workspace, sees when each was last
//! used, and revokes them. A token is shown once and stored as its SHA-256. Sign-in
//! sessions are separate: signing out or changing the password ends sessions, not these.
//!
//! What a token may call is decided where requests come in (the API layer), by one rule:
//! a read-only token calls only reading endpoints, a workspace's token only reaches that
//! workspace, and no token manages tokens.

use super::{access, auth};
use crate::error::{Error, Result};
use crate::ids::*;
use crate::model::{ApiToken, TokenScope, User};
use crate::store::{NewApiToken, TokenGrant, Tx};

/// What makes an API token recognizable at a glance (and to secret scanners).
pub const PREFIX: &str = "weft_pat_";
/// The most tokens one person may hold.
pub const MAX_PER_USER: usize = 50;
/// A token's last use is recorded at most this often.
pub const TOUCH_EVERY_S: i64 = 60;

pub fn is_api_token(bearer: &str) -> bool {
    bearer.starts_with(PREFIX)
}

/// Makes a token for `user`; the answer carries its secret, once.
pub fn add(
    tx: &mut dyn Tx,
    user: UserId,
    name: &str,
    scope: TokenScope,
    workspace: Option<WorkspaceId>,
    now: i64,
) -> Result<ApiToken> {
    if let Some(ws) = workspace {
        access::role_in(tx, ws, user)?;
    }
    if tx.api_tokens_of(user)?.len() >= MAX_PER_USER {
        return Err(Error::LimitReached(format!("{MAX_PER_USER} API tokens per person; remove one first")));
    }
    let (secret, _) = auth::new_token()?;
    let token = format!("{PREFIX}{secret}");
    let hash = auth::token_hash(&token);
    let id = tx.insert_api_token(user, &NewApiToken { name: name.to_string(), scope, workspace, hash, now })?;
    Ok(ApiToken {
        id,
        name: name.to_string(),
        scope,
        workspace_id: workspace,
        created_ts: now,
        last_used_ts: None,
        token: Some(token),
    })
}

pub fn list(tx: &mut dyn Tx, user: UserId) -> Result<Vec<ApiToken>> {
    tx.api_tokens_of(user)
}

/// Revokes one of the caller's tokens; answers its hash (for caches to forget).
pub fn remove(tx: &mut dyn Tx, user: UserId, id: i64) -> Result<String> {
    tx.delete_api_token(user, id)?.ok_or(Error::NotFound(crate::error::NotFound::Resource))
}

/// The account an API token signs in and what it may do.
pub fn authenticate(tx: &mut dyn Tx, token_hash: &str) -> Result<(User, TokenGrant)> {
    match tx.user_by_api_token(token_hash)? {
        Some((u, grant)) if !u.removed => Ok((u, grant)),
        _ => Err(Error::InvalidToken),
    }
}
