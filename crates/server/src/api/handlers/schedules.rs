//! `schedules/*` and `availability/get`: when a person can be reached.

use crate::api::{Cx, NoParams, Stored};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use weft_core::schedule::{Availability, Delivery, Interval, Range, Schedule};
use weft_core::services::schedules::{self, MAX_USERS, Update as ScheduleUpdate};
use weft_core::{Error, Result, UserId, WorkspaceId, input};

/// Weekly blocks of working hours, or of do-not-disturb, in one list (a few a day).
pub const MAX_WEEKLY_BLOCKS: usize = 50;
/// One-off do-not-disturb ranges in one list.
pub const MAX_DND_RANGES: usize = 100;

/// An optional list of at most `max` objects of a known shape. An error that is not a
/// domain error of an item's field (a wrong type, a missing field) is a 400 for the list
/// that shows the shape.
pub(crate) fn objects<'de, D, T>(d: D, shape: &str, max: usize) -> std::result::Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let list = Option::<Vec<T>>::deserialize(d).map_err(|_| match input::take_rejection() {
        Some(domain) => input::reject(domain),
        None => input::reject(Error::invalid("", format!("expected {shape}"))),
    })?;
    if list.as_ref().is_some_and(|l| l.len() > max) {
        return Err(input::reject(Error::invalid("", format!("more than {max} items"))));
    }
    Ok(list)
}

pub async fn get(cx: Cx, _: NoParams) -> Result<Schedule> {
    let actor = cx.actor()?.id;
    cx.read(move |tx| schedules::get(tx, actor)).await
}

/// A weekly block.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WeeklyBlock {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    #[schemars(range(min = 1, max = 7))]
    pub weekday: i8,
    /// Its start, before its end.
    pub start: input::TimeOfDay,
    /// Its end (`24:00`: the end of the day).
    pub end: input::TimeOfDay,
}

/// A one-off range, in Unix seconds.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct DndRange {
    /// Its start, before its end.
    pub from_ts: i64,
    pub to_ts: i64,
}

fn blocks<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<WeeklyBlock>>, D::Error> {
    objects(d, "a list of {weekday: 1–7, start: \"HH:MM\", end: \"HH:MM\"}", MAX_WEEKLY_BLOCKS)
}

fn ranges<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<DndRange>>, D::Error> {
    objects(d, "a list of {from_ts, to_ts}", MAX_DND_RANGES)
}

fn intervals(list: Option<Vec<WeeklyBlock>>) -> Option<Vec<Interval>> {
    list.map(|l| {
        l.into_iter()
            .map(|b| Interval { weekday: b.weekday, start: b.start.into_inner(), end: b.end.into_inner() })
            .collect()
    })
}

/// How notifications are delivered.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryKind {
    Each,
    Hourly,
    Daily,
}

/// The fields given change; the others stay.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Update {
    /// The caller's time zone (also their profile's).
    #[serde(default)]
    pub timezone: Option<input::Timezone>,
    /// Weekly working hours; days without any are days off.
    #[serde(default, deserialize_with = "blocks")]
    #[schemars(length(max = MAX_WEEKLY_BLOCKS))]
    pub working_hours: Option<Vec<WeeklyBlock>>,
    /// Weekly do-not-disturb blocks.
    #[serde(default, deserialize_with = "blocks")]
    #[schemars(length(max = MAX_WEEKLY_BLOCKS))]
    pub dnd: Option<Vec<WeeklyBlock>>,
    /// One-off do-not-disturb ranges (those already over are dropped).
    #[serde(default, deserialize_with = "ranges")]
    #[schemars(length(max = MAX_DND_RANGES))]
    pub dnd_ranges: Option<Vec<DndRange>>,
    /// `each`: push each notification when available; `hourly`: one batch an hour; `daily`:
    /// one digest at the start of the working day.
    #[serde(default)]
    pub delivery: Option<DeliveryKind>,
    /// Do not disturb for this many minutes from now.
    #[serde(default)]
    #[schemars(range(min = 1, max = 1440))]
    pub focus_minutes: Option<i64>,
}

pub async fn update(cx: Cx, p: Update) -> Result<Stored<Schedule>> {
    let actor = cx.actor()?.id;
    let up = ScheduleUpdate {
        timezone: p.timezone.map(input::Timezone::into_inner),
        working_hours: intervals(p.working_hours),
        dnd: intervals(p.dnd),
        dnd_ranges: p.dnd_ranges.map(|l| l.into_iter().map(|r| Range { from_ts: r.from_ts, to_ts: r.to_ts }).collect()),
        delivery: p.delivery.map(|d| match d {
            DeliveryKind::Each => Delivery::Each,
            DeliveryKind::Hourly => Delivery::Hourly,
            DeliveryKind::Daily => Delivery::Daily,
        }),
        focus_minutes: p.focus_minutes,
    };
    let now = cx.now();
    let out = cx.write(move |tx| schedules::update(tx, actor, up, now)).await?;
    cx.forget_cached_tokens();
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AvailabilityOf {
    pub workspace_id: WorkspaceId,
    /// Members of the workspace.
    #[schemars(length(max = MAX_USERS))]
    pub user_ids: input::List<UserId>,
}

pub async fn availability(cx: Cx, p: AvailabilityOf) -> Result<Vec<Availability>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.read(move |tx| schedules::availability(tx, actor, p.workspace_id, &p.user_ids, now)).await
}
