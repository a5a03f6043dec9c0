use super::user_ids;
use super::workspaces::to_json;
use crate::api::params::Params;
use crate::api::{Cx, ok};
use serde_json::Value;
use weft_core::rotation::{Override, Rotation};
use weft_core::services::rotations::{self, Update};
use weft_core::{ChannelId, Error, Result};

fn overrides(p: &Params) -> Result<Option<Vec<Override>>> {
    let Some(items) = p.opt_objects("overrides")? else { return Ok(None) };
    serde_json::from_value(Value::Array(items))
        .map(Some)
        .map_err(|_| Error::invalid("overrides", "expected a list of {from_ts, to_ts, user_id}"))
}

pub async fn add(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let channel = ChannelId(p.id("channel_id")?);
    let r = Rotation {
        user_ids: user_ids(p.ids("user_ids")?),
        shift_hours: p.i64("shift_hours")?,
        handoff_time: p.str("handoff_time")?,
        timezone: p.str("timezone")?,
        starts_on: p.str("starts_on")?,
        overrides: overrides(&p)?.unwrap_or_default(),
    };
    let now = cx.now();
    cx.write(move |tx| rotations::add(tx, actor, channel, r, now)).await.map(Into::into)
}

pub async fn update(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let channel = ChannelId(p.id("channel_id")?);
    let up = Update {
        user_ids: p.opt_ids("user_ids")?.map(user_ids),
        shift_hours: p.opt_i64("shift_hours")?,
        handoff_time: p.opt_str("handoff_time")?,
        timezone: p.opt_str("timezone")?,
        starts_on: p.opt_str("starts_on")?,
        overrides: overrides(&p)?,
    };
    let now = cx.now();
    cx.write(move |tx| rotations::update(tx, actor, channel, up, now)).await.map(Into::into)
}

pub async fn remove(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let channel = ChannelId(p.id("channel_id")?);
    let now = cx.now();
    cx.write(move |tx| rotations::remove(tx, actor, channel, now)).await?;
    Ok(ok().into())
}

pub async fn get(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let channel = ChannelId(p.id("channel_id")?);
    to_json(cx.read(move |tx| rotations::get(tx, actor, channel)).await?)
}

pub async fn on_duty(cx: Cx, p: Params) -> Result<Value> {
    let actor = cx.actor()?.id;
    let channel = ChannelId(p.id("channel_id")?);
    let at = p.opt_i64("at_ts")?.unwrap_or_else(|| cx.now());
    to_json(cx.read(move |tx| rotations::on_duty(tx, actor, channel, at)).await?)
}
