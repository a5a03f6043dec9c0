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

/// Minutes since midnight of an `HH:MM` that is valid (the stored schedule was validated).
fn parse_minutes(hhmm: &str) -> Option<i32> {
    minutes("", hhmm).ok()
}

/// A schedule made ready for questions: the zone looked up once, each weekday's blocks as
/// sorted, merged minute spans, the DND ranges sorted and merged. Building it is n log n in
/// the schedule's size and every "is it … at t" is a binary search, so no answer costs the
/// square of a long list (a person's schedule is read inside other people's writes).
struct Plan {
    tz: TimeZone,
    /// Per weekday (Monday first), working spans in local minutes.
    work: [Vec<(i32, i32)>; 7],
    dnd: [Vec<(i32, i32)>; 7],
    ranges: Vec<(i64, i64)>,
}

/// `spans` sorted and merged: overlapping or touching spans become one.
fn merged<T: Ord + Copy>(mut spans: Vec<(T, T)>) -> Vec<(T, T)> {
    crate::work::step(spans.len());
    spans.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn by_weekday(blocks: &[Interval]) -> [Vec<(i32, i32)>; 7] {
    let mut days: [Vec<(i32, i32)>; 7] = Default::default();
    for i in blocks {
        if let (1..=7, Some(s), Some(e)) = (i.weekday, parse_minutes(&i.start), parse_minutes(&i.end))
            && s < e
        {
            days[(i.weekday - 1) as usize].push((s, e));
        }
    }
    days.map(merged)
}

/// Whether sorted, disjoint `spans` cover `x` (binary search).
fn covers<T: Ord + Copy>(spans: &[(T, T)], x: T) -> bool {
    let (mut lo, mut hi) = (0, spans.len());
    while lo < hi {
        crate::work::step(1);
        let mid = (lo + hi) / 2;
        if spans[mid].0 <= x { lo = mid + 1 } else { hi = mid }
    }
    lo > 0 && x < spans[lo - 1].1
}

impl Plan {
    fn of(s: &Schedule) -> Plan {
        Plan {
            tz: TimeZone::get(&s.timezone).unwrap_or(TimeZone::UTC),
            work: by_weekday(&s.working_hours),
            dnd: by_weekday(&s.dnd),
            ranges: merged(s.dnd_ranges.iter().filter(|r| r.from_ts < r.to_ts).map(|r| (r.from_ts, r.to_ts)).collect()),
        }
    }

    fn zoned(&self, at: i64) -> Zoned {
        Timestamp::from_second(at).unwrap_or(Timestamp::UNIX_EPOCH).to_zoned(self.tz.clone())
    }

    /// The weekday index (Monday = 0) and minute of the local clock at `local`.
    fn clock(local: &Zoned) -> (usize, i32) {
        let day = local.weekday().to_monday_zero_offset() as usize;
        (day, i32::from(local.hour()) * 60 + i32::from(local.minute()))
    }

    fn working(&self, at: i64) -> bool {
        let (day, m) = Self::clock(&self.zoned(at));
        covers(&self.work[day], m)
    }

    fn in_dnd(&self, at: i64) -> bool {
        let (day, m) = Self::clock(&self.zoned(at));
        covers(&self.ranges, at) || covers(&self.dnd[day], m)
    }

    fn is_away(&self, away: Option<&AwayMode>, at: i64) -> bool {
        let Some((from, to)) = away.and_then(away_days) else { return false };
        let today = self.zoned(at).date();
        from.is_none_or(|f| f <= today) && today <= to
    }

    fn available(&self, away: Option<&AwayMode>, at: i64) -> bool {
        self.working(at) && !self.in_dnd(at) && !self.is_away(away, at)
    }

    /// The instant a local day starts (its midnight, or the first moment after it when a
    /// daylight-saving gap skips midnight).
    fn day_start(&self, day: Date) -> Option<i64> {
        day.to_zoned(self.tz.clone()).ok().map(|z| z.timestamp().as_second())
    }

    /// The instants of one local day where the person's state may change: every moment the
    /// day's block edges happen on the clock — both times when the clock is set back and
    /// repeats them —, the zone's own transitions that day (a block edge inside a skipped
    /// hour takes effect when the clock jumps, and a repeated hour restarts the blocks in
    /// it), and the day's midnight.
    fn day_boundaries(&self, day: Date, day_start: i64, day_end: i64) -> Vec<i64> {
        let wd = day.weekday().to_monday_zero_offset() as usize;
        let mut out = Vec::new();
        let mut push = |m: i32| {
            let dt = if m >= 1440 {
                day.tomorrow().map(|d| d.to_datetime(Time::midnight()))
            } else {
                Ok(DateTime::from_parts(
                    day,
                    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or(Time::midnight()),
                ))
            };
            if let Ok(dt) = dt {
                let ambiguous = self.tz.to_ambiguous_timestamp(dt);
                out.extend(ambiguous.earlier().ok().map(|t| t.as_second()));
                out.extend(ambiguous.later().ok().map(|t| t.as_second()));
            }
        };
        for &(s, e) in self.work[wd].iter().chain(self.dnd[wd].iter()) {
            crate::work::step(1);
            push(s);
            push(e);
        }
        out.push(day_start);
        let from = Timestamp::from_second(day_start - 1).unwrap_or(Timestamp::UNIX_EPOCH);
        for t in self.tz.following(from).map(|t| t.timestamp().as_second()).take_while(|t| *t < day_end) {
            crate::work::step(1);
            out.push(t);
        }
        out
    }

    /// The first instant after `at` where a person's state may change (a block edge, a
    /// midnight, a do-not-disturb range's edge, the end of an away period) and `wanted`
    /// holds, looking `HORIZON_DAYS` ahead. Days are looked at one by one, so the common
    /// answer — later today or tomorrow — costs a handful of time-zone conversions.
    fn first_boundary(&self, away: Option<&AwayMode>, at: i64, wanted: impl Fn(i64) -> bool) -> Option<i64> {
        let mut fixed: Vec<i64> = self.ranges.iter().flat_map(|r| [r.0, r.1]).filter(|t| *t > at).collect();
        if let Some((_, to)) = away.and_then(away_days)
            && let Some(t) = to.tomorrow().ok().and_then(|d| self.day_start(d))
            && t > at
        {
            fixed.push(t);
        }
        crate::work::step(fixed.len());
        fixed.sort_unstable();
        let mut fixed = fixed.into_iter().peekable();
        let mut day = self.zoned(at).date();
        for _ in 0..=HORIZON_DAYS {
            let next_day = day.tomorrow().ok();
            let day_start = self.day_start(day).unwrap_or(at);
            let day_end = next_day.and_then(|d| self.day_start(d)).unwrap_or(i64::MAX);
            let mut points = self.day_boundaries(day, day_start, day_end);
            while let Some(t) = fixed.next_if(|t| *t < day_end) {
                points.push(t);
            }
            points.retain(|t| *t > at);
            points.sort_unstable();
            points.dedup();
            for t in points {
                crate::work::step(1);
                if wanted(t) {
                    return Some(t);
                }
            }
            match next_day {
                Some(d) => day = d,
                None => break,
            }
        }
        fixed.find(|t| {
            crate::work::step(1);
            wanted(*t)
        })
    }

    /// The first moment after `at` when a working period starts: inside working hours and
    /// not away, just after a moment that was not (a block's start, the first working day
    /// back). Do-not-disturb does not matter here: it is working time.
    fn next_working_start(&self, away: Option<&AwayMode>, at: i64) -> Option<i64> {
        let working = |t: i64| self.working(t) && !self.is_away(away, t);
        self.first_boundary(away, at, |t| working(t) && !working(t - 1))
    }

    /// Visits, in order from `from` on, the spans of time that count as working time for an
    /// answer — inside working hours (do-not-disturb included: it is working time, only not
    /// for interruptions) and not away — until `visit` answers true or
    /// `DEADLINE_HORIZON_DAYS` have been looked at. A span is cut at every point the state
    /// may change (`day_boundaries`), so it is working or not all along.
    fn walk_working(&self, away: Option<&AwayMode>, from: i64, mut visit: impl FnMut(i64, i64) -> bool) {
        let mut t = from;
        let mut day = self.zoned(from).date();
        for _ in 0..DEADLINE_HORIZON_DAYS {
            let next_day = day.tomorrow().ok();
            let day_start = self.day_start(day).unwrap_or(t);
            let day_end = next_day.and_then(|d| self.day_start(d)).unwrap_or(i64::MAX);
            let mut points = self.day_boundaries(day, day_start, day_end);
            points.push(day_end);
            points.retain(|p| *p > t && *p <= day_end);
            points.sort_unstable();
            points.dedup();
            for p in points {
                crate::work::step(1);
                if self.working(t) && !self.is_away(away, t) && visit(t, p) {
                    return;
                }
                t = p;
            }
            match next_day {
                Some(d) => day = d,
                None => return,
            }
        }
    }

    /// The moment `seconds` of working time have passed from `from` (`walk_working`).
    fn after_working(&self, away: Option<&AwayMode>, from: i64, seconds: i64) -> Option<i64> {
        let mut left = seconds.max(0);
        let mut out = None;
        self.walk_working(away, from, |a, b| {
            if b - a >= left {
                out = Some(a + left);
                return true;
            }
            left -= b - a;
            false
        });
        out
    }

    /// How much working time lies between `from` and `to`.
    fn working_between(&self, away: Option<&AwayMode>, from: i64, to: i64) -> i64 {
        let mut total = 0;
        if to > from {
            self.walk_working(away, from, |a, b| {
                if a >= to {
                    return true;
                }
                total += b.min(to) - a;
                false
            });
        }
        total
    }

    fn next_available(&self, away: Option<&AwayMode>, at: i64) -> Option<i64> {
        if self.available(away, at) {
            return Some(at);
        }
        self.first_boundary(away, at, |t| self.available(away, t))
    }

    /// The first moment from `at` on when `holds` stops being true (None if it holds all
    /// along the horizon).
    fn until_not(&self, away: Option<&AwayMode>, at: i64, holds: impl Fn(i64) -> bool) -> Option<i64> {
        if !holds(at) {
            return Some(at);
        }
        self.first_boundary(away, at, |t| !holds(t))
    }
}

/// A schedule prepared once to judge many moments (analytics reads thousands of events).
pub struct Prepared(Plan);

impl Prepared {
    pub fn of(s: &Schedule) -> Prepared {
        Prepared(Plan::of(s))
    }
    pub fn working(&self, at: i64) -> bool {
        self.0.working(at)
    }
    pub fn in_dnd(&self, at: i64) -> bool {
        self.0.in_dnd(at)
    }
    pub fn is_away(&self, away: Option<&AwayMode>, at: i64) -> bool {
        self.0.is_away(away, at)
    }
}

/// Whether a person is inside working hours at `at`.
pub fn working(s: &Schedule, at: i64) -> bool {
    Plan::of(s).working(at)
}

/// Whether a do-not-disturb block or range covers `at`.
pub fn in_dnd(s: &Schedule, at: i64) -> bool {
    Plan::of(s).in_dnd(at)
}

/// The first and last local day of an away period, if it is valid.
fn away_days(away: &AwayMode) -> Option<(Option<Date>, Date)> {
    let to: Date = away.date_to.parse().ok()?;
    let from = away.date_from.as_deref().and_then(|d| d.parse().ok());
    Some((from, to))
}

pub fn is_away(s: &Schedule, away: Option<&AwayMode>, at: i64) -> bool {
    Plan::of(s).is_away(away, at)
}

/// Reachable for a push: working, not in DND, not away.
pub fn available(s: &Schedule, away: Option<&AwayMode>, at: i64) -> bool {
    Plan::of(s).available(away, at)
}

/// The first moment from `at` on when the person is available (`at` itself if they are),
/// within `HORIZON_DAYS`.
pub fn next_available(s: &Schedule, away: Option<&AwayMode>, at: i64) -> Option<i64> {
    Plan::of(s).next_available(away, at)
}

/// How far ahead a due time is looked for: a request to someone away for months still
/// gets one.
pub const DEADLINE_HORIZON_DAYS: i32 = 400;

/// The moment `seconds` of the person's working time (working hours, do-not-disturb
/// included, away days skipped) have passed from `from`; `None` when their schedule has no
/// such time within `DEADLINE_HORIZON_DAYS`.
pub fn after_working(s: &Schedule, away: Option<&AwayMode>, from: i64, seconds: i64) -> Option<i64> {
    Plan::of(s).after_working(away, from, seconds)
}

/// The start of the person's next working period after `at` ("their morning"), within
/// `HORIZON_DAYS`.
pub fn next_working_start(s: &Schedule, away: Option<&AwayMode>, at: i64) -> Option<i64> {
    Plan::of(s).next_working_start(away, at)
}

/// How many seconds of the person's working time (as `after_working` counts it) lie
/// between `from` and `to`.
pub fn working_between(s: &Schedule, away: Option<&AwayMode>, from: i64, to: i64) -> i64 {
    Plan::of(s).working_between(away, from, to)
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
    let plan = Plan::of(s);
    let local = plan.zoned(at);
    let dnd_until = plan.in_dnd(at).then(|| plan.until_not(away, at, |t| plan.in_dnd(t))).flatten();
    let away_until = plan.is_away(away, at).then(|| plan.until_not(away, at, |t| plan.is_away(away, t))).flatten();
    Availability {
        user_id: user,
        local_time: local.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        timezone: s.timezone.clone(),
        working_now: plan.working(at),
        available_now: plan.available(away, at),
        dnd_until_ts: dnd_until,
        away_until_ts: away_until,
        away_note: away.filter(|_| away_until.is_some()).and_then(|a| a.note.clone()),
        next_available_ts: plan.next_available(away, at),
    }
}

/// When a push held from `now` goes out, by the person's delivery preference: at the next
/// moment they are available (each); at the first full hour of their local clock from
/// then (hourly batch); or at the start of their next working day (daily digest). `None`
/// when they are not available within the horizon.
pub fn push_due(s: &Schedule, away: Option<&AwayMode>, now: i64) -> Option<i64> {
    let plan = Plan::of(s);
    let next = plan.next_available(away, now)?;
    match s.delivery {
        Delivery::Each => Some(next),
        Delivery::Hourly => {
            let local = plan.zoned(next);
            let on_the_hour = local.minute() == 0 && local.second() == 0;
            let hour = if on_the_hour {
                next
            } else {
                let start = local.date().to_datetime(Time::new(local.hour(), 0, 0, 0).ok()?);
                start.to_zoned(plan.tz.clone()).ok()?.timestamp().as_second() + 3600
            };
            plan.next_available(away, hour)
        }
        Delivery::Daily => {
            let mut day = plan.zoned(next).date();
            for _ in 0..HORIZON_DAYS {
                let wd = day.weekday().to_monday_zero_offset() as usize;
                if let Some(&(m, _)) = plan.work[wd].first() {
                    let time = Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).ok()?;
                    let start = day.to_datetime(time).to_zoned(plan.tz.clone()).ok()?.timestamp().as_second();
                    if start >= next {
                        return plan.next_available(away, start);
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
            #![proptest_config(ProptestConfig { cases: crate::work::fuzz_cases(200), ..ProptestConfig::default() })]

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

            /// With working hours and nothing in the way, the next available moment is
            /// within a week (and a day: a block inside the hour the clocks skip happens a
            /// week later); with DND ranges and blocks too, it is available and in the
            /// future, and the work grows linearly with the schedule.
            #[test]
            fn next_available_is_soon_and_cheap(
                s in schedule(),
                minute in 0i64..(366 * 24 * 60),
                ranges in proptest::collection::vec((0i64..(14 * 86_400), 1i64..(2 * 86_400)), 0..64),
            ) {
                let at = ts("2026-01-01T00:00:00Z") + minute * 60;
                let free = Schedule { dnd: vec![], ..s.clone() };
                let next = next_available(&free, None, at);
                prop_assert!(next.is_some_and(|n| n >= at && n <= at + 8 * 86_400), "{next:?}");
                let busy = Schedule {
                    dnd_ranges: ranges.iter().map(|&(from, len)| Range { from_ts: at + from, to_ts: at + from + len }).collect(),
                    ..s
                };
                let size = busy.working_hours.len() + busy.dnd.len() + busy.dnd_ranges.len();
                let mut next = None;
                let work = crate::work::steps(|| next = next_available(&busy, None, at));
                if let Some(n) = next {
                    prop_assert!(n >= at && available(&busy, None, n));
                }
                prop_assert!(work <= 40 * (HORIZON_DAYS as u64 + 1) * (size as u64 + 8), "{work} steps for {size}");
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

    /// Working hours from 02:30 on the Sunday the clocks skip 02:00–03:00: the person is
    /// working from the jump (03:00), not from 03:30 — the edge inside the skipped hour
    /// takes effect when the clock jumps over it.
    #[test]
    fn a_block_edge_in_a_skipped_hour_takes_effect_at_the_jump() {
        for (zone, before, jump) in [
            ("America/St_Johns", "2026-03-08T04:00:00Z", "2026-03-08T05:30:00Z"),
            ("America/New_York", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"),
        ] {
            let s = Schedule {
                working_hours: vec![Interval { weekday: 7, start: "02:30".into(), end: "04:00".into() }],
                ..Schedule::default_in(zone)
            };
            assert!(!available(&s, None, ts(before)), "{zone}");
            assert!(available(&s, None, ts(jump)), "{zone}");
            assert_eq!(next_available(&s, None, ts(before)), Some(ts(jump)), "{zone}");
        }
    }

    /// When the clocks go back (02:00 → 01:00), the hour from 01:00 happens twice, and so
    /// do the blocks in it: someone working 01:00–01:30 on that Sunday is reachable again
    /// when the clock comes back to 01:00.
    #[test]
    fn a_repeated_hour_repeats_its_blocks() {
        for (zone, after_first, second) in [
            // St John's: 01:45 NDT is 04:15 UTC; 02:00 NDT becomes 01:00 NST at 04:30 UTC.
            ("America/St_Johns", "2026-11-01T04:15:00Z", "2026-11-01T04:30:00Z"),
            ("America/New_York", "2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z"),
        ] {
            let s = Schedule {
                working_hours: vec![Interval { weekday: 7, start: "01:00".into(), end: "01:30".into() }],
                ..Schedule::default_in(zone)
            };
            assert!(!available(&s, None, ts(after_first)), "{zone}");
            assert_eq!(next_available(&s, None, ts(after_first)), Some(ts(second)), "{zone}");
        }
    }

    /// A schedule of `n` overlapping working blocks and DND blocks a day and `n` DND ranges
    /// chained over the next three days: the shape that made every answer walk every edge
    /// and test it against every block and range.
    fn crowded(n: usize, at: i64) -> Schedule {
        let step = 3 * 86_400 / n as i64;
        let block = |k: usize| {
            let start = (k * 7) % 600;
            Interval { weekday: (k % 7) as i8 + 1, start: hhmm_of(start as i32), end: hhmm_of(start as i32 + 600) }
        };
        Schedule {
            timezone: "America/St_Johns".into(),
            working_hours: (0..n).map(block).collect(),
            dnd: (0..n).map(|k| block(k + 3)).collect(),
            dnd_ranges: (0..n as i64).map(|k| Range { from_ts: at + k * step, to_ts: at + (k + 2) * step }).collect(),
            delivery: Delivery::Daily,
        }
    }

    fn hhmm_of(m: i32) -> String {
        format!("{:02}:{:02}", m / 60, m % 60)
    }

    #[test]
    fn working_time_skips_nights_weekends_and_off_days() {
        let mut s = Schedule::default_in("Europe/Lisbon");
        let h = 3600;
        // Friday 15:00 + 8 working hours: 2 on Friday, 6 on Monday → Monday 15:00.
        let fri = ts("2026-11-27T15:00:00Z");
        assert_eq!(after_working(&s, None, fri, 8 * h), Some(ts("2026-11-30T15:00:00Z")));
        assert_eq!(working_between(&s, None, fri, ts("2026-11-30T15:00:00Z")), 8 * h);
        // Asked on Saturday: the clock starts Monday 09:00.
        assert_eq!(after_working(&s, None, ts("2026-11-28T11:00:00Z"), h), Some(ts("2026-11-30T10:00:00Z")));
        // Mondays off: the same request from Friday ends on Tuesday.
        s.working_hours.retain(|i| i.weekday != 1);
        assert_eq!(after_working(&s, None, fri, 8 * h), Some(ts("2026-12-01T15:00:00Z")));
        // Do-not-disturb is working time (only not for interruptions).
        let mut focus = Schedule::default_in("Europe/Lisbon");
        focus.dnd = vec![Interval { weekday: 3, start: "09:00".into(), end: "12:00".into() }];
        let wed = ts("2026-11-25T09:00:00Z");
        assert_eq!(after_working(&focus, None, wed, 4 * h), Some(ts("2026-11-25T13:00:00Z")));
        // Nobody working, ever: no due time.
        let mut never = Schedule::default_in("UTC");
        never.working_hours.clear();
        assert_eq!(after_working(&never, None, wed, h), None);
    }

    #[test]
    fn an_away_period_pauses_working_time() {
        let s = Schedule::default_in("America/New_York");
        let away = AwayMode {
            kind: "vacation".into(),
            date_from: Some("2026-12-01".into()),
            date_to: "2026-12-04".into(),
            note: None,
        };
        // Monday 2026-11-30 16:00 New York (21:00 UTC): one hour that day, then away
        // Tuesday to Friday, back Monday 12-07: 3 more hours → 12:00 New York (17:00 UTC).
        let mon = ts("2026-11-30T21:00:00Z");
        assert_eq!(after_working(&s, Some(&away), mon, 4 * 3600), Some(ts("2026-12-07T17:00:00Z")));
        assert_eq!(after_working(&s, None, mon, 4 * 3600), Some(ts("2026-12-01T17:00:00Z")));
        assert_eq!(working_between(&s, Some(&away), mon, ts("2026-12-07T17:00:00Z")), 4 * 3600);
    }

    #[test]
    fn the_next_working_period_starts_after_nights_weekends_and_away_days() {
        let s = Schedule::default_in("Asia/Tokyo");
        // Monday 2026-11-30 10:00 in Tokyo (01:00 UTC), working: the next start is Tuesday
        // 09:00 (00:00 UTC), not now.
        assert_eq!(next_working_start(&s, None, ts("2026-11-30T01:00:00Z")), Some(ts("2026-12-01T00:00:00Z")));
        // Friday evening: Monday.
        assert_eq!(next_working_start(&s, None, ts("2026-12-04T10:00:00Z")), Some(ts("2026-12-07T00:00:00Z")));
        // A split day: the afternoon block starts its own period.
        let mut split = Schedule::default_in("UTC");
        split.working_hours = vec![
            Interval { weekday: 1, start: "08:00".into(), end: "12:00".into() },
            Interval { weekday: 1, start: "14:00".into(), end: "18:00".into() },
        ];
        assert_eq!(next_working_start(&split, None, ts("2026-11-30T09:00:00Z")), Some(ts("2026-11-30T14:00:00Z")));
        // Away until Wednesday: Thursday morning.
        let away = AwayMode { kind: "vacation".into(), date_from: None, date_to: "2026-12-02".into(), note: None };
        assert_eq!(next_working_start(&s, Some(&away), ts("2026-11-30T01:00:00Z")), Some(ts("2026-12-03T00:00:00Z")));
        // Across a daylight-saving change: Friday 2027-03-12 in New York, Monday 09:00 is
        // already EDT (13:00 UTC, not 14:00).
        let ny = Schedule::default_in("America/New_York");
        assert_eq!(next_working_start(&ny, None, ts("2027-03-12T20:00:00Z")), Some(ts("2027-03-15T13:00:00Z")));
    }

    #[test]
    fn working_time_across_daylight_saving_changes() {
        let s = Schedule::default_in("America/New_York");
        // Friday 2026-03-06 16:00 EST (21:00 UTC) + 2 working hours: 1 on Friday, 1 on
        // Monday 03-09 after DST began: 10:00 EDT = 14:00 UTC.
        assert_eq!(after_working(&s, None, ts("2026-03-06T21:00:00Z"), 7200), Some(ts("2026-03-09T14:00:00Z")));
        // A night shift over the autumn change (Sunday 2026-11-01, 01:00 happens twice):
        // 00:00–04:00 local is five real hours that night.
        let mut night = Schedule::default_in("America/New_York");
        night.working_hours = vec![Interval { weekday: 7, start: "00:00".into(), end: "04:00".into() }];
        let start = ts("2026-11-01T04:00:00Z"); // 00:00 EDT
        assert_eq!(working_between(&night, None, start, ts("2026-11-01T09:00:00Z")), 5 * 3600);
        assert_eq!(after_working(&night, None, start, 5 * 3600), Some(ts("2026-11-01T09:00:00Z")));
    }

    #[test]
    fn answers_cost_work_linear_in_the_schedule() {
        let at = ts("2026-11-25T10:00:00Z");
        crate::work::assert_linear("next_available", &[100, 400], |n| {
            let s = crowded(n, at);
            crate::work::steps(|| next_available(&s, None, at))
        });
        crate::work::assert_linear("availability", &[100, 400], |n| {
            let s = crowded(n, at);
            crate::work::steps(|| availability(crate::ids::UserId(1), &s, None, at))
        });
        crate::work::assert_linear("push_due", &[100, 400], |n| {
            let s = crowded(n, at);
            crate::work::steps(|| push_due(&s, None, at))
        });
        // The answers are still right: in DND for the three days of ranges.
        let s = crowded(400, at);
        let next = next_available(&s, None, at).unwrap();
        assert!(next >= at + 3 * 86_400 && available(&s, None, next));
    }
}
