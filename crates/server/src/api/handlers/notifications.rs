//! `notifications/*` and `notifications_settings/v2/*`: the caller's notification list and
//! per-workspace notification settings.

use crate::api::decode::Given;
use crate::api::{Cx, NoParams, Status, ok};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use weft_core::input::reject;
use weft_core::model::Notification;
use weft_core::services::{clamp_limit, notifications};
use weft_core::{Error, Result, WorkspaceId};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    /// How many, newest first (default 50; values outside 1–200 are clamped into it).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The answer of `notifications/get`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NotificationPage {
    pub notifications: Vec<Notification>,
    /// The id of the newest read notification in the page (0 if none).
    pub last_read: i64,
}

pub async fn get(cx: Cx, p: Get) -> Result<NotificationPage> {
    let actor = cx.actor()?.id;
    let limit = clamp_limit(p.limit, notifications::DEFAULT_LIMIT, notifications::MAX_LIMIT);
    let (notifications, last_read) = cx.read(move |tx| notifications::list(tx, actor, limit)).await?;
    Ok(NotificationPage { notifications, last_read })
}

fn positive_id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<i64, D::Error> {
    let id = i64::deserialize(d)?;
    if id > 0 { Ok(id) } else { Err(serde::de::Error::custom("expected a positive id")) }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MarkRead {
    #[serde(deserialize_with = "positive_id")]
    #[schemars(range(min = 1))]
    pub notification_id: i64,
}

pub async fn mark_read(cx: Cx, p: MarkRead) -> Result<Status> {
    let actor = cx.actor()?.id;
    cx.write(move |tx| notifications::mark_read(tx, actor, p.notification_id)).await?;
    Ok(ok())
}

pub async fn reset(cx: Cx, _: NoParams) -> Result<Status> {
    let actor = cx.actor()?.id;
    cx.write(move |tx| notifications::reset(tx, actor)).await?;
    Ok(ok())
}

/// The names of every notification setting, sorted.
fn setting_names() -> Vec<String> {
    notifications::defaults().into_iter().map(|(k, _)| k).collect()
}

/// The settings of a workspace: every one, each on or off.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct NotificationSettings(Map<String, Value>);

impl JsonSchema for NotificationSettings {
    fn schema_name() -> Cow<'static, str> {
        "NotificationSettings".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names = setting_names();
        let properties: Map<String, Value> =
            names.iter().map(|n| (n.clone(), serde_json::json!({"type": "boolean"}))).collect();
        json_schema!({
            "description": "Every notification setting of the caller in the workspace, each on or off.",
            "type": "object",
            "properties": properties,
            "required": names,
        })
    }
}

/// A workspace's settings.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByWorkspace {
    pub workspace_id: WorkspaceId,
}

pub async fn settings_get(cx: Cx, p: ByWorkspace) -> Result<NotificationSettings> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| notifications::settings(tx, actor, p.workspace_id)).await.map(NotificationSettings)
}

/// The name of a notification setting, e.g. `email_comments`.
#[derive(Debug)]
pub struct Setting(String);

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if notifications::defaults().contains_key(&name) {
            Ok(Setting(name))
        } else {
            Err(serde::de::Error::custom(format!("unknown setting {name}")))
        }
    }
}

impl JsonSchema for Setting {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Setting".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": setting_names()})
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SettingsUpdate {
    pub workspace_id: WorkspaceId,
    pub setting: Setting,
    pub value: bool,
}

pub async fn settings_update(cx: Cx, p: SettingsUpdate) -> Result<Status> {
    let actor = cx.actor()?.id;
    let changes = [(p.setting.0, p.value)];
    cx.write(move |tx| notifications::update(tx, actor, p.workspace_id, &changes)).await?;
    Ok(ok())
}

/// Settings to change, by name: each `true` or `false` (JSON booleans only).
#[derive(Debug)]
pub struct Mapping(Vec<(String, bool)>);

impl<'de> Deserialize<'de> for Mapping {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let bad = || serde::de::Error::custom("expected a JSON object");
        let Given { value, as_text } = Given::deserialize(d)?;
        let raw = match value {
            // A blank form field is no mapping at all.
            Value::String(s) if as_text && s.trim().is_empty() => {
                return Err(serde::de::Error::missing_field("mapping"));
            }
            // JSON inside text (a form field); a JSON body gives the object itself.
            Value::String(s) if as_text => match serde_json::from_str(&s) {
                Ok(Value::Object(o)) => o,
                _ => return Err(bad()),
            },
            Value::Object(o) => o,
            _ => return Err(bad()),
        };
        let mut changes = Vec::with_capacity(raw.len());
        for (k, v) in raw {
            match v {
                Value::Bool(b) => changes.push((k, b)),
                _ => return Err(serde::de::Error::custom(format!("{k} must be true or false"))),
            }
        }
        let known = notifications::defaults();
        if let Some((k, _)) = changes.iter().find(|(k, _)| !known.contains_key(k)) {
            return Err(reject(Error::invalid("setting", format!("unknown setting {k}"))));
        }
        Ok(Mapping(changes))
    }
}

impl JsonSchema for Mapping {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "SettingsMapping".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let properties: Map<String, Value> =
            setting_names().into_iter().map(|n| (n, serde_json::json!({"type": "boolean"}))).collect();
        json_schema!({
            "description": "Settings to change, by name: each true or false.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SettingsUpdateMany {
    pub workspace_id: WorkspaceId,
    pub mapping: Mapping,
}

pub async fn settings_update_many(cx: Cx, p: SettingsUpdateMany) -> Result<Status> {
    let actor = cx.actor()?.id;
    let changes = p.mapping.0;
    cx.write(move |tx| notifications::update(tx, actor, p.workspace_id, &changes)).await?;
    Ok(ok())
}
