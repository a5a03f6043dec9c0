//! Rotating coverage: who is on duty in a channel at any instant. A pure function of the
//! rotation and the time; shifts that are whole days hand off at the same wall-clock time
//! every day (so a 24-hour shift is 23 or 25 hours across a DST change), other shifts are
//! fixed lengths of real time.

use crate::error::{Error, Result};
use crate::ids::UserId;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

pub const MAX_SHIFT_HOURS: i64 = 24 * 28;

/// Someone else takes a stretch of the rotation (a swap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Override {
    pub from_ts: i64,
    pub to_ts: i64,
    pub user_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rotation {
    /// In rotation order.
    pub user_ids: Vec<UserId>,
    pub shift_hours: i64,
    /// `HH:MM` in `timezone`.
    pub handoff_time: String,
    pub timezone: String,
    /// `YYYY-MM-DD`: the first shift starts that day at the handoff time.
    pub starts_on: String,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// Who is on duty, until when, and who comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Duty {
    pub user_id: UserId,
    pub until_ts: i64,
    pub next_user_id: UserId,
}

impl Rotation {
    pub fn validate(&self) -> Result<()> {
        if self.user_ids.is_empty() {
            return Err(Error::invalid("user_ids", "a rotation needs at least one person"));
        }
        if !(1..=MAX_SHIFT_HOURS).contains(&self.shift_hours) {
            return Err(Error::invalid("shift_hours", format!("expected 1 to {MAX_SHIFT_HOURS}")));
        }
        crate::input::time_of_day("handoff_time", &self.handoff_time)?;
        if self.handoff_time == "24:00" {
            return Err(Error::invalid("handoff_time", "use 00:00"));
        }
        crate::input::timezone(&self.timezone)?;
        crate::input::date("starts_on", &self.starts_on)?;
        if let Some(o) = self.overrides.iter().find(|o| o.from_ts >= o.to_ts) {
            return Err(Error::invalid(
                "overrides",
                format!("{}–{} does not start before it ends", o.from_ts, o.to_ts),
            ));
        }
        Ok(())
    }

    fn zone(&self) -> TimeZone {
        TimeZone::get(&self.timezone).unwrap_or(TimeZone::UTC)
    }

    /// The start of shift `k` (0 = the first).
    fn shift_start(&self, k: i64) -> Option<i64> {
        let day: Date = self.starts_on.parse().ok()?;
        let time: Time = self.handoff_time.parse().ok()?;
        if self.shift_hours % 24 == 0 {
            let days = (self.shift_hours / 24).checked_mul(k)?;
            let date = day.checked_add(jiff::Span::new().try_days(days).ok()?).ok()?;
            Some(date.to_datetime(time).to_zoned(self.zone()).ok()?.timestamp().as_second())
        } else {
            let first = day.to_datetime(time).to_zoned(self.zone()).ok()?.timestamp().as_second();
            first.checked_add(self.shift_hours.checked_mul(3600)?.checked_mul(k)?)
        }
    }

    /// The regular shift at `at`: its index and bounds. None before the rotation starts.
    fn shift_at(&self, at: i64) -> Option<(i64, i64, i64)> {
        let first = self.shift_start(0)?;
        if at < first {
            return None;
        }
        // An estimate from real time, corrected for DST by stepping.
        let mut k = (at - first) / (self.shift_hours * 3600);
        while k > 0 && self.shift_start(k)? > at {
            k -= 1;
        }
        while self.shift_start(k + 1)? <= at {
            k += 1;
        }
        Some((k, self.shift_start(k)?, self.shift_start(k + 1)?))
    }

    fn regular(&self, k: i64) -> UserId {
        self.user_ids[k.rem_euclid(self.user_ids.len() as i64) as usize]
    }

    /// Who is on duty at `at` (None before the first shift).
    pub fn on_duty(&self, at: i64) -> Option<Duty> {
        let (k, _, end) = self.shift_at(at)?;
        if let Some(o) = self.overrides.iter().find(|o| o.from_ts <= at && at < o.to_ts) {
            let next = self.on_duty(o.to_ts).map_or(self.regular(k + 1), |d| d.user_id);
            return Some(Duty { user_id: o.user_id, until_ts: o.to_ts, next_user_id: next });
        }
        // A swap that starts before this shift ends cuts it short.
        let cut = self.overrides.iter().filter(|o| o.from_ts > at && o.from_ts < end).min_by_key(|o| o.from_ts);
        match cut {
            Some(o) => Some(Duty { user_id: self.regular(k), until_ts: o.from_ts, next_user_id: o.user_id }),
            None => Some(Duty { user_id: self.regular(k), until_ts: end, next_user_id: self.regular(k + 1) }),
        }
    }

    /// The members in rotation order starting with whoever is on duty at `at`.
    pub fn order_from(&self, at: i64) -> Vec<UserId> {
        let Some(d) = self.on_duty(at) else { return self.user_ids.clone() };
        let mut out = vec![d.user_id];
        if let Some((k, _, _)) = self.shift_at(at) {
            for i in 1..=self.user_ids.len() as i64 {
                let u = self.regular(k + i);
                if !out.contains(&u) {
                    out.push(u);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ts(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_second()
    }

    fn rot(tz: &str, hours: i64) -> Rotation {
        Rotation {
            user_ids: vec![UserId(1), UserId(2), UserId(3)],
            shift_hours: hours,
            handoff_time: "09:00".into(),
            timezone: tz.into(),
            starts_on: "2026-03-02".into(),
            overrides: vec![],
        }
    }

    #[test]
    fn daily_shifts_hand_off_at_the_same_local_time_across_dst() {
        let r = rot("America/New_York", 24);
        // Saturday 2026-03-07 09:00 EST (14:00 UTC) to Sunday 03-08 09:00 EDT (13:00 UTC): 23 hours.
        let d = r.on_duty(ts("2026-03-07T20:00:00Z")).unwrap();
        assert_eq!(d.until_ts, ts("2026-03-08T13:00:00Z"));
        assert_eq!((d.user_id, d.next_user_id), (UserId(3), UserId(1)));
        assert!(r.on_duty(ts("2026-03-02T13:59:59Z")).is_none(), "before the first shift");
    }

    #[test]
    fn a_swap_takes_over_its_stretch() {
        let mut r = rot("UTC", 24);
        r.overrides.push(Override {
            from_ts: ts("2026-03-03T12:00:00Z"),
            to_ts: ts("2026-03-03T18:00:00Z"),
            user_id: UserId(9),
        });
        let before = r.on_duty(ts("2026-03-03T10:00:00Z")).unwrap();
        assert_eq!(
            (before.user_id, before.until_ts, before.next_user_id),
            (UserId(2), ts("2026-03-03T12:00:00Z"), UserId(9))
        );
        let during = r.on_duty(ts("2026-03-03T13:00:00Z")).unwrap();
        assert_eq!((during.user_id, during.next_user_id), (UserId(9), UserId(2)));
        assert_eq!(r.on_duty(ts("2026-03-03T19:00:00Z")).unwrap().user_id, UserId(2));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Exactly one person is on duty at every instant after the start: the duty holds
        /// up to its end, and the next one takes over there — across DST in both hemispheres.
        #[test]
        fn exactly_one_person_on_duty(
            zone in 0usize..5,
            hours in prop_oneof![Just(24i64), Just(48), Just(168), 1i64..36],
            offset in 0i64..(360 * 86_400),
            members in 1usize..5,
        ) {
            let zones = ["America/New_York", "Australia/Sydney", "Europe/Lisbon", "Asia/Kathmandu", "UTC"];
            let mut r = rot(zones[zone], hours);
            r.user_ids.truncate(members);
            let at = ts("2026-03-03T00:00:00Z") + offset;
            let d = r.on_duty(at).expect("on duty after the start");
            prop_assert!(r.user_ids.contains(&d.user_id));
            prop_assert!(d.until_ts > at);
            prop_assert_eq!(r.on_duty(d.until_ts - 1).unwrap().user_id, d.user_id);
            prop_assert_eq!(r.on_duty(d.until_ts).unwrap().user_id, d.next_user_id);
        }
    }
}
