use super::user_ids;
use super::workspaces::to_json;
use crate::api::Cx;
use crate::api::params::Params;
use serde::de::DeserializeOwned;
use serde_json::Value;
use weft_core::schedule::Delivery;
use weft_core::services::schedules::{self, Update};
use weft_core::{Error, Result, WorkspaceId, input};

/// A list of objects of a known shape, or a 400 that shows the shape.
fn list<T: DeserializeOwned>(p: &Params, name: &str, shape: &str) -> Result<Option<Vec<T>>> {
    let Some(items) = p.opt_objects(name)? else { return Ok(None) };
    serde_json::from_value(Value::Array(items)).map(Some).map_err(|_| Error::invalid(name, format!("expected {shape}")))
}

pub async fn get(cx: Cx, _p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    to_json(cx.read(move |tx| schedules::get(tx, actor)).await?)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let interval = "a list of {weekday: 1–7, start: \"HH:MM\", end: \"HH:MM\"}";
    let up = Update {
        timezone: p.opt_str("timezone")?.map(|t| input::timezone(&t)).transpose()?,
        working_hours: list(&p, "working_hours", interval)?,
        dnd: list(&p, "dnd", interval)?,
        dnd_ranges: list(&p, "dnd_ranges", "a list of {from_ts, to_ts}")?,
        delivery: match p.opt_str("delivery")?.as_deref() {
            None => None,
            Some("each") => Some(Delivery::Each),
            Some("hourly") => Some(Delivery::Hourly),
            Some("daily") => Some(Delivery::Daily),
            Some(_) => return Err(Error::invalid("delivery", "expected each, hourly or daily")),
        },
        focus_minutes: p.opt_i64("focus_minutes")?,
    };
    let now = cx.now();
    let out = cx.write(move |tx| schedules::update(tx, actor, up, now)).await?;
    cx.forget_cached_tokens();
    Ok(out.into())
}

pub async fn availability(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let ws = WorkspaceId(p.id("workspace_id")?);
    let users = user_ids(p.ids("user_ids")?);
    let now = cx.now();
    to_json(cx.read(move |tx| schedules::availability(tx, actor, ws, &users, now)).await?)
}
