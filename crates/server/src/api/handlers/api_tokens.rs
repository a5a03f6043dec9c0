//! `api_tokens/*`: personal API tokens for scripts and tools (`services::api_tokens`).
//! Only a signed-in session manages them (`api::grants`).

use crate::api::{Cx, Status, Stored, ok};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::{ApiToken, TokenScope};
use weft_core::services::api_tokens;
use weft_core::{Result, WorkspaceId, input};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    /// What it is for, e.g. "CI reports".
    pub name: input::Name,
    /// `read`: reading endpoints only; `write`: reading and writing.
    pub scope: TokenScope,
    /// Keep it to this workspace (default: every workspace of its owner).
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
}

/// A new token; its `token` is shown in this answer only.
pub async fn add(cx: Cx, p: Add) -> Result<Stored<ApiToken>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| api_tokens::add(tx, actor, p.name.as_str(), p.scope, p.workspace_id, now)).await
}

/// The caller's tokens, newest first, with their last use (never their secrets).
pub async fn get(cx: Cx, _: crate::api::NoParams) -> Result<Vec<ApiToken>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| api_tokens::list(tx, actor)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Remove {
    pub id: i64,
}

/// Revokes one of the caller's tokens at once (other nodes within seconds).
pub async fn remove(cx: Cx, p: Remove) -> Result<Status> {
    let actor = cx.actor()?.id;
    let hash = cx.app.store.write(move |tx| api_tokens::remove(tx, actor, p.id)).await?;
    cx.app.tokens.forget_token(&hash);
    Ok(ok())
}
