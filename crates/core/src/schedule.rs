//! When a person can be reached: working hours in their time zone, do-not-disturb blocks
//! and ranges, away periods. Pure functions of the schedule and the time, so every rule can
//! be tested across weekends, odd time zones and daylight-saving changes.
//!
//! A schedule belongs to the person, not to a workspace: one person has one working life,
//! and someone who is off is off for every team they are in.

use crate::error::{Error, Result};
use crate::model::AwayMode;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};

/// How far ahead "next available" looks.
pub const HORIZON_DAYS: i32 = 21;

/// A weekly block: ISO weekday (1 = Monday … 7 = Sunday), start and end as `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    pub weekday: i8,
    pub start: String,
    pub end: String,
}

/// A one-off range, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Range {
    pub from_ts: i64,
    pub to_ts: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// Push each notification when the person is available.
    #[default]
    Each,
    /// One batch an hour.
    Hourly,
    /// One digest at the start of the working day.
    Daily,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Schedule {
    pub timezone: String,
    pub working_hours: Vec<Interval>,
    pub dnd: Vec<Interval>,
    pub dnd_ranges: Vec<Range>,
    pub delivery: Delivery,
}

impl Schedule {
    /// Monday to Friday, 09:00–17:00, in `timezone`.
    pub fn default_in(timezone: &str) -> Self {
        Schedule {
            timezone: timezone.to_string(),
            working_hours: (1..=5)
                .map(|d| Interval { weekday: d, start: "09:00".into(), end: "17:00".into() })
                .collect(),
            dnd: vec![],
            dnd_ranges: vec![],
            delivery: Delivery::Each,
        }
    }

    /// Days with no working hours (Twist's `off_days`).
    pub fn off_days(&self) -> Vec<i64> {
        (1..=7).filter(|d| !self.working_hours.iter().any(|i| i.weekday == *d)).map(i64::from).collect()
    }
}

/// Minutes since midnight of an `HH:MM` (24:00 = 1440).
fn minutes(field: &str, hhmm: &str) -> Result<i32> {
    crate::input::time_of_day(field, hhmm)?;
    let (h, m) = hhmm.split_once(':').expect("validated");
    Ok(h.parse::<i32>().expect("validated") * 60 + m.parse::<i32>().expect("validated"))
}

/// Checks a list of weekly blocks: known weekdays, start before end, inside one day.
pub fn validate_intervals(field: &str, list: &[Interval]) -> Result<()> {
    for i in list {
        if !(1..=7).contains(&i.weekday) {
            return Err(Error::invalid(field, format!("weekday {} is not 1 (Monday) to 7 (Sunday)", i.weekday)));
        }
        let (s, e) = (minutes(field, &i.start)?, minutes(field, &i.end)?);
        if s >= e {
            return Err(Error::invalid(field, format!("{}–{} does not start before it ends", i.start, i.end)));
        }
    }
    Ok(())
}

pub fn validate_ranges(field: &str, list: &[Range]) -> Result<()> {
    if let Some(r) = list.iter().find(|r| r.from_ts >= r.to_ts) {
        return Err(Error::invalid(field, format!("{}–{} does not start before it ends", r.from_ts, r.to_ts)));
    }
    Ok(())
}

fn zone(s: &Schedule) -> TimeZone {
    TimeZone::get(&s.timezone).unwrap_or(TimeZone::UTC)
}

fn zoned(s: &Schedule, at: i64) -> Zoned {
    Timestamp::from_second(at).unwrap_or(Timestamp::UNIX_EPOCH).to_zoned(zone(s))
}

fn in_blocks(blocks: &[Interval], local: &Zoned) -> bool {
    let day = local.weekday().to_monday_one_offset();
    let m = i32::from(local.hour()) * 60 + i32::from(local.minute());
    blocks.iter().any(|i| {
        i.weekday == day && minutes("", &i.start).is_ok_and(|s| s <= m) && minutes("", &i.end).is_ok_and(|e| m < e)
    })
}

/// Whether a person is inside working hours at `at`.
pub fn working(s: &Schedule, at: i64) -> bool {
    in_blocks(&s.working_hours, &zoned(s, at))
}

/// Whether a do-not-disturb block or range covers `at`.
pub fn in_dnd(s: &Schedule, at: i64) -> bool {
    s.dnd_ranges.iter().any(|r| r.from_ts <= at && at < r.to_ts) || in_blocks(&s.dnd, &zoned(s, at))
}

/// The first and last local day of an away period, if it is valid.
fn away_days(away: &AwayMode) -> Option<(Option<Date>, Date)> {
    let to: Date = away.date_to.parse().ok()?;
    let from = away.date_from.as_deref().and_then(|d| d.parse().ok());
    Some((from, to))
}

pub fn is_away(s: &Schedule, away: Option<&AwayMode>, at: i64) -> bool {
    let Some((from, to)) = away.and_then(away_days) else { return false };
    let today = zoned(s, at).date();
    from.is_none_or(|f| f <= today) && today <= to
}

/// Reachable for a push: working, not in DND, not away.
pub fn available(s: &Schedule, away: Option<&AwayMode>, at: i64) -> bool {
    working(s, at) && !in_dnd(s, at) && !is_away(s, away, at)
}

/// The local wall-clock instants of one day where a person's state may change (block
/// edges and the day's midnight), as Unix seconds.
fn day_boundaries(s: &Schedule, tz: &TimeZone, day: Date) -> Vec<i64> {
    let wd = day.weekday().to_monday_one_offset();
    let mut out = Vec::new();
    let mut push = |hhmm: &str| {
        if let Ok(m) = minutes("", hhmm) {
            let dt = if m >= 1440 {
                day.tomorrow().map(|d| d.to_datetime(Time::midnight()))
            } else {
                Ok(DateTime::from_parts(
                    day,
                    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or(Time::midnight()),
                ))
            };
            if let Ok(z) = dt.and_then(|dt| dt.to_zoned(tz.clone())) {
                out.push(z.timestamp().as_second());
            }
        }
    };
    for i in s.working_hours.iter().chain(s.dnd.iter()).filter(|i| i.weekday == wd) {
        push(&i.start);
        push(&i.end);
    }
    push("00:00");
    out
}

/// The first instant after `at` where a person's state may change (a block edge, a
/// midnight, a do-not-disturb range's edge, the end of an away period) and `wanted`
/// holds, looking `HORIZON_DAYS` ahead. Days are looked at one by one, so the common
/// answer — later today or tomorrow — costs a handful of time-zone conversions.
fn first_boundary(s: &Schedule, away: Option<&AwayMode>, at: i64, wanted: impl Fn(i64) -> bool) -> Option<i64> {
    let tz = zone(s);
    let mut fixed: Vec<i64> = s.dnd_ranges.iter().flat_map(|r| [r.from_ts, r.to_ts]).collect();
    if let Some((_, to)) = away.and_then(away_days)
        && let Ok(z) = to.tomorrow().and_then(|d| d.to_zoned(tz.clone()))
    {
        fixed.push(z.timestamp().as_second());
    }
    fixed.retain(|t| *t > at);
    fixed.sort_unstable();
    let mut fixed = fixed.into_iter().peekable();
    let mut day = zoned(s, at).date();
    for _ in 0..=HORIZON_DAYS {
        let next_day = day.tomorrow().ok();
        let day_end =
            next_day.and_then(|d| d.to_zoned(tz.clone()).ok()).map_or(i64::MAX, |z| z.timestamp().as_second());
        let mut points = day_boundaries(s, &tz, day);
        while let Some(t) = fixed.next_if(|t| *t < day_end) {
            points.push(t);
        }
        points.retain(|t| *t > at);
        points.sort_unstable();
        points.dedup();
        if let Some(t) = points.into_iter().find(|t| wanted(*t)) {
            return Some(t);
        }
        match next_day {
            Some(d) => day = d,
            None => break,
        }
    }
    fixed.find(|t| wanted(*t))
}

/// The first moment from `at` on when the person is available (`at` itself if they are),
/// within `HORIZON_DAYS`.
pub fn next_available(s: &Schedule, away: Option<&AwayMode>, at: i64) -> Option<i64> {
    if available(s, away, at) {
        return Some(at);
    }
    first_boundary(s, away, at, |t| available(s, away, t))
}

/// The first moment from `at` on when `holds` stops being true (None if it holds all along
/// the horizon).
fn until_not(s: &Schedule, away: Option<&AwayMode>, at: i64, holds: impl Fn(i64) -> bool) -> Option<i64> {
    if !holds(at) {
        return Some(at);
    }
    first_boundary(s, away, at, |t| !holds(t))
}

/// What `availability/get` answers about one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Availability {
    pub user_id: crate::ids::UserId,
    /// `YYYY-MM-DD HH:MM:SS` in their time zone.
    pub local_time: String,
    pub timezone: String,
    pub working_now: bool,
    pub available_now: bool,
    pub dnd_until_ts: Option<i64>,
    pub away_until_ts: Option<i64>,
    pub away_note: Option<String>,
    pub next_available_ts: Option<i64>,
}

pub fn availability(user: crate::ids::UserId, s: &Schedule, away: Option<&AwayMode>, at: i64) -> Availability {
    let local = zoned(s, at);
    let dnd_until = in_dnd(s, at).then(|| until_not(s, away, at, |t| in_dnd(s, t))).flatten();
    let away_until = is_away(s, away, at).then(|| until_not(s, away, at, |t| is_away(s, away, t))).flatten();
    Availability {
        user_id: user,
        local_time: local.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        timezone: s.timezone.clone(),
        working_now: working(s, at),
        available_now: available(s, away, at),
        dnd_until_ts: dnd_until,
        away_until_ts: away_until,
        away_note: away.filter(|_| away_until.is_some()).and_then(|a| a.note.clone()),
        next_available_ts: next_available(s, away, at),
    }
}

/// When a push held from `now` goes out, by the person's delivery preference: at the next
/// moment they are available (each); at the first full hour of their local clock from
/// then (hourly batch); or at the start of their next working day (daily digest). `None`
/// when they are not available within the horizon.
pub fn push_due(s: &Schedule, away: Option<&AwayMode>, now: i64) -> Option<i64> {
    let next = next_available(s, away, now)?;
    match s.delivery {
        Delivery::Each => Some(next),
        Delivery::Hourly => {
            let local = zoned(s, next);
            let on_the_hour = local.minute() == 0 && local.second() == 0;
            let hour = if on_the_hour {
                next
            } else {
                let start = local.date().to_datetime(Time::new(local.hour(), 0, 0, 0).ok()?);
                start.to_zoned(zone(s)).ok()?.timestamp().as_second() + 3600
            };
            next_available(s, away, hour)
        }
        Delivery::Daily => {
            let mut day = zoned(s, next).date();
            for _ in 0..HORIZON_DAYS {
                let wd = day.weekday().to_monday_one_offset();
                let first =
                    s.working_hours.iter().filter(|i| i.weekday == wd).filter_map(|i| minutes("", &i.start).ok()).min();
                if let Some(m) = first {
                    let time = Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).ok()?;
                    let start = day.to_datetime(time).to_zoned(zone(s)).ok()?.timestamp().as_second();
                    if start >= next {
                        return next_available(s, away, start);
                    }
                }
                day = day.tomorrow().ok()?;
            }
            None
        }
    }
}

/// Adds "focus for N minutes" from `now`.
pub fn focus(s: &mut Schedule, now: i64, minutes: i64) {
    s.dnd_ranges.retain(|r| r.to_ts > now);
    s.dnd_ranges.push(Range { from_ts: now, to_ts: now + minutes * 60 });
}

/// Days of the week, for messages: 1 → "Monday".
pub fn weekday_name(d: i8) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][((d - 1).clamp(0, 6)) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    #[test]
    fn a_default_week_in_lisbon() {
        let s = Schedule::default_in("Europe/Lisbon");
        assert!(working(&s, ts("2026-11-25T10:00:00Z")), "Wednesday 10:00");
        assert!(!working(&s, ts("2026-11-25T17:00:00Z")), "17:00 is after hours");
        assert!(!working(&s, ts("2026-11-28T10:00:00Z")), "Saturday");
        // Friday evening: next available is Monday 09:00.
        assert_eq!(next_available(&s, None, ts("2026-11-27T18:00:00Z")), Some(ts("2026-11-30T09:00:00Z")));
        assert_eq!(s.off_days(), vec![6, 7]);
    }

    #[test]
    fn half_hour_zones_and_dnd_blocks() {
        let mut s = Schedule::default_in("Asia/Kolkata");
        s.dnd = (1..=5).map(|d| Interval { weekday: d, start: "09:00".into(), end: "12:00".into() }).collect();
        // Wednesday 10:00 in Kolkata = 04:30 UTC: working, but in focus until 12:00 (06:30 UTC).
        let at = ts("2026-11-25T04:30:00Z");
        let a = availability(crate::ids::UserId(1), &s, None, at);
        assert!(a.working_now && !a.available_now);
        assert_eq!(a.dnd_until_ts, Some(ts("2026-11-25T06:30:00Z")));
        assert_eq!(a.next_available_ts, Some(ts("2026-11-25T06:30:00Z")));
        assert_eq!(a.local_time, "2026-11-25 10:00:00");
    }

    #[test]
    fn away_until_the_day_after_the_last_day() {
        let s = Schedule::default_in("America/New_York");
        let away = AwayMode {
            kind: "vacation".into(),
            date_from: Some("2026-12-01".into()),
            date_to: "2026-12-04".into(),
            note: Some("Back Monday".into()),
        };
        let at = ts("2026-12-02T15:00:00Z");
        let a = availability(crate::ids::UserId(1), &s, Some(&away), at);
        assert_eq!(a.away_until_ts, Some(ts("2026-12-05T05:00:00Z")));
        assert_eq!(a.away_note.as_deref(), Some("Back Monday"));
        // Saturday and Sunday are off: back Monday 09:00 New York.
        assert_eq!(a.next_available_ts, Some(ts("2026-12-07T14:00:00Z")));
    }

    #[test]
    fn daylight_saving_changes_move_the_working_day() {
        let s = Schedule::default_in("America/New_York");
        // Friday 2026-03-06 18:00 EST; DST starts Sunday 03-08; Monday 09:00 is EDT (13:00 UTC).
        assert_eq!(next_available(&s, None, ts("2026-03-06T23:00:00Z")), Some(ts("2026-03-09T13:00:00Z")));
        let syd = Schedule::default_in("Australia/Sydney");
        // DST ends Sunday 2026-04-05 in Sydney; Monday 09:00 AEST = Sunday 23:00 UTC.
        assert_eq!(next_available(&syd, None, ts("2026-04-03T08:00:00Z")), Some(ts("2026-04-05T23:00:00Z")));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const ZONES: [&str; 7] = [
            "UTC",
            "Europe/Lisbon",
            "America/New_York",
            "Australia/Sydney",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "America/St_Johns",
        ];

        fn hhmm(m: i32) -> String {
            format!("{:02}:{:02}", m / 60, m % 60)
        }

        prop_compose! {
            fn block()(weekday in 1i8..=7, start in 0i32..(24 * 4 - 1), len in 1i32..(12 * 4)) -> Interval {
                let s = start * 15;
                let e = (s + len * 15).min(1440);
                Interval { weekday, start: hhmm(s), end: hhmm(e) }
            }
        }

        prop_compose! {
            fn schedule()(
                zone in 0usize..ZONES.len(),
                work in proptest::collection::vec(block(), 1..8),
                dnd in proptest::collection::vec(block(), 0..4),
            ) -> Schedule {
                Schedule { timezone: ZONES[zone].into(), working_hours: work, dnd, dnd_ranges: vec![], delivery: Delivery::Each }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

            /// "Next available" is available, and nothing before it is (sampled every 7 minutes),
            /// across weekends, odd offsets and both hemispheres' DST changes of 2026.
            #[test]
            fn next_available_is_the_first_available_moment(s in schedule(), minute in 0i64..(366 * 24 * 60)) {
                let at = ts("2026-01-01T00:00:00Z") + minute * 60;
                if let Some(next) = next_available(&s, None, at) {
                    prop_assert!(next >= at);
                    prop_assert!(available(&s, None, next), "{next} is not available");
                    let mut t = at;
                    while t < next.min(at + 8 * 86_400) {
                        prop_assert!(!available(&s, None, t), "available at {t}, before {next}");
                        t += 7 * 60;
                    }
                }
            }

            /// Whatever the preference, a push is due at a moment the person is available.
            #[test]
            fn pushes_are_due_only_when_available(s in schedule(), minute in 0i64..(366 * 24 * 60), pref in 0usize..3) {
                let at = ts("2026-01-01T00:00:00Z") + minute * 60;
                let mut s = s;
                s.delivery = [Delivery::Each, Delivery::Hourly, Delivery::Daily][pref];
                if let Some(due) = push_due(&s, None, at) {
                    prop_assert!(due >= at && available(&s, None, due));
                }
            }

            /// A DND answer always ends: dnd_until is after now and outside DND.
            #[test]
            fn dnd_until_leaves_dnd(s in schedule(), minute in 0i64..(366 * 24 * 60)) {
                let at = ts("2026-01-01T00:00:00Z") + minute * 60;
                let a = availability(crate::ids::UserId(1), &s, None, at);
                if let Some(until) = a.dnd_until_ts {
                    prop_assert!(until > at && !in_dnd(&s, until));
                }
            }
        }
    }

    #[test]
    fn pushes_wait_for_the_person_and_batch_by_preference() {
        let mut s = Schedule::default_in("Europe/Lisbon");
        // Wednesday 10:20: each → now; hourly → 11:00; daily → Thursday 09:00.
        let at = ts("2026-11-25T10:20:00Z");
        assert_eq!(push_due(&s, None, at), Some(at));
        s.delivery = Delivery::Hourly;
        assert_eq!(push_due(&s, None, at), Some(ts("2026-11-25T11:00:00Z")));
        s.delivery = Delivery::Daily;
        assert_eq!(push_due(&s, None, at), Some(ts("2026-11-26T09:00:00Z")));
        // Friday evening, any preference: Monday morning.
        for d in [Delivery::Each, Delivery::Hourly, Delivery::Daily] {
            s.delivery = d;
            assert_eq!(push_due(&s, None, ts("2026-11-27T19:00:00Z")), Some(ts("2026-11-30T09:00:00Z")), "{d:?}");
        }
        // Hourly in a half-hour zone: full hours of the local clock.
        let mut k = Schedule::default_in("Asia/Kolkata");
        k.delivery = Delivery::Hourly;
        assert_eq!(push_due(&k, None, ts("2026-11-25T04:40:00Z")), Some(ts("2026-11-25T05:30:00Z")));
    }

    #[test]
    fn intervals_are_validated() {
        let bad = |w: i8, s: &str, e: &str| {
            validate_intervals("x", &[Interval { weekday: w, start: s.into(), end: e.into() }])
        };
        assert!(bad(1, "09:00", "17:00").is_ok());
        assert!(bad(0, "09:00", "17:00").is_err());
        assert!(bad(8, "09:00", "17:00").is_err());
        assert!(bad(1, "17:00", "09:00").is_err());
        assert!(bad(1, "09:00", "25:00").is_err());
        assert!(bad(1, "9", "17:00").is_err());
        assert!(bad(1, "22:00", "24:00").is_ok());
    }
}
