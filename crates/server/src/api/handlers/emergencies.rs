use super::workspaces::to_json;
use crate::api::Cx;
use crate::api::params::Params;
use serde_json::Value;
use weft_core::services::emergencies;
use weft_core::{Result, WorkspaceId};

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    to_json(cx.read(move |tx| emergencies::list(tx, actor, ws)).await?)
}

pub async fn ack(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let id = p.id("id")?;
    let now = cx.now();
    cx.write(move |tx| emergencies::ack(tx, actor, id, now)).await.map(Into::into)
}
