//! `emergencies/*`: the log of the emergency lane, and acknowledging an emergency.

use crate::api::{Cx, Stored};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use weft_core::model::Emergency;
use weft_core::services::emergencies;
use weft_core::{Result, WorkspaceId};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
}

pub async fn get(cx: Cx, p: Get) -> Result<Vec<Emergency>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| emergencies::list(tx, actor, p.workspace_id)).await
}

/// An emergency's id: a positive integer, like every id.
#[derive(Debug, Clone, Copy)]
pub struct EmergencyId(pub i64);

impl<'de> Deserialize<'de> for EmergencyId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let id = i64::deserialize(d)?;
        if id > 0 { Ok(EmergencyId(id)) } else { Err(serde::de::Error::custom("expected a positive id")) }
    }
}

impl JsonSchema for EmergencyId {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        weft_core::ids::id_schema()
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Ack {
    /// The emergency's id.
    pub id: EmergencyId,
}

pub async fn ack(cx: Cx, p: Ack) -> Result<Stored<Emergency>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| emergencies::ack(tx, actor, p.id.0, now)).await
}
