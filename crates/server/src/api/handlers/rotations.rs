//! `rotations/*`: a channel's rotating coverage — who is on duty, and for how long.

use super::schedules::objects;
use crate::api::{Cx, Status, Stored, ok};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use weft_core::rotation::{Duty, MAX_SHIFT_HOURS, Override, Rotation};
use weft_core::services::rotations::{self, Update as RotationUpdate};
use weft_core::{ChannelId, Error, Result, UserId, input};

/// The time of day shifts change hands, `HH:MM` (`24:00` is not one: use `00:00`).
#[derive(Debug)]
pub struct HandoffTime(String);

impl<'de> Deserialize<'de> for HandoffTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let t = input::time_of_day("", &raw).map_err(input::reject)?;
        if t == "24:00" {
            return Err(input::reject(Error::invalid("", "use 00:00")));
        }
        Ok(HandoffTime(t))
    }
}

impl JsonSchema for HandoffTime {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "HandoffTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"})
    }
}

/// Swaps of one rotation.
pub const MAX_OVERRIDES: usize = 100;

fn overrides<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<Override>>, D::Error> {
    objects(d, "a list of {from_ts, to_ts, user_id}", MAX_OVERRIDES)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    pub channel_id: ChannelId,
    /// The people on duty in turn, in rotation order; all members of the channel.
    #[schemars(length(min = 1))]
    pub user_ids: input::List<UserId>,
    /// The length of a shift.
    #[schemars(range(min = 1, max = MAX_SHIFT_HOURS))]
    pub shift_hours: i64,
    /// When shifts change hands, in `timezone`.
    pub handoff_time: HandoffTime,
    pub timezone: input::Timezone,
    /// The first shift starts that day at the handoff time.
    pub starts_on: input::Date,
    /// Stretches someone else takes (swaps); each starts before it ends.
    #[serde(default, deserialize_with = "overrides")]
    #[schemars(length(max = MAX_OVERRIDES))]
    pub overrides: Option<Vec<Override>>,
}

pub async fn add(cx: Cx, p: Add) -> Result<Stored<Rotation>> {
    let actor = cx.actor()?.id;
    let r = Rotation {
        user_ids: p.user_ids.into(),
        shift_hours: p.shift_hours,
        handoff_time: p.handoff_time.0,
        timezone: p.timezone.into_inner(),
        starts_on: p.starts_on.into_inner(),
        overrides: p.overrides.unwrap_or_default(),
    };
    let (channel, now) = (p.channel_id, cx.now());
    cx.write(move |tx| rotations::add(tx, actor, channel, r, now)).await
}

/// The fields given change; the others stay.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    pub channel_id: ChannelId,
    /// The people on duty in turn, in rotation order; all members of the channel.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub user_ids: Option<input::List<UserId>>,
    /// The length of a shift.
    #[serde(default)]
    #[schemars(range(min = 1, max = MAX_SHIFT_HOURS))]
    pub shift_hours: Option<i64>,
    /// When shifts change hands, in `timezone`.
    #[serde(default)]
    pub handoff_time: Option<HandoffTime>,
    #[serde(default)]
    pub timezone: Option<input::Timezone>,
    /// The first shift starts that day at the handoff time.
    #[serde(default)]
    pub starts_on: Option<input::Date>,
    /// Stretches someone else takes (swaps); each starts before it ends. Replaces the list.
    #[serde(default, deserialize_with = "overrides")]
    #[schemars(length(max = MAX_OVERRIDES))]
    pub overrides: Option<Vec<Override>>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Rotation>> {
    let actor = cx.actor()?.id;
    let up = RotationUpdate {
        user_ids: p.user_ids.map(Into::into),
        shift_hours: p.shift_hours,
        handoff_time: p.handoff_time.map(|t| t.0),
        timezone: p.timezone.map(input::Timezone::into_inner),
        starts_on: p.starts_on.map(input::Date::into_inner),
        overrides: p.overrides,
    };
    let (channel, now) = (p.channel_id, cx.now());
    cx.write(move |tx| rotations::update(tx, actor, channel, up, now)).await
}

/// A channel's rotation.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByChannel {
    pub channel_id: ChannelId,
}

pub async fn remove(cx: Cx, p: ByChannel) -> Result<Status> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| rotations::remove(tx, actor, p.channel_id, now)).await?;
    Ok(ok())
}

/// The channel's rotation, or `null` when it has none (a channel the caller cannot see is
/// not found).
pub async fn get(cx: Cx, p: ByChannel) -> Result<Option<Rotation>> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| rotations::get(tx, actor, p.channel_id)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OnDuty {
    pub channel_id: ChannelId,
    /// The moment asked about (default: now).
    #[serde(default)]
    pub at_ts: Option<i64>,
}

pub async fn on_duty(cx: Cx, p: OnDuty) -> Result<Duty> {
    let actor = cx.actor()?.id;
    let at = p.at_ts.unwrap_or_else(|| cx.now());
    cx.read(move |tx| rotations::on_duty(tx, actor, p.channel_id, at)).await
}
