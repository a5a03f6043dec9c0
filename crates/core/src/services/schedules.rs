//! Schedules and availability: what `schedules/*` and `availability/get` do, and how
//! Twist's own fields (`timezone`, `off_days`, `snooze_dnd_start`/`end`, `snooze_until`,
//! `away_mode`) map onto the schedule model:
//!
//! - `timezone` lives in the user row only; the schedule reads it from there.
//! - `off_days` are the weekdays without working hours: kept in step both ways.
//! - `snooze_dnd_start`/`end` are a daily do-not-disturb window, and `snooze_until` a
//!   do-not-disturb range from now: both count as do-not-disturb in the effective schedule.
//! - `away_mode` is the away period (with its note).

use super::{access, emit};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::User;
use crate::schedule::{self, Availability, Delivery, Interval, Range, Schedule};
use crate::store::Tx;

/// The schedule as stored (or the default), with the time zone of the user row.
pub(crate) fn stored(tx: &mut dyn Tx, user: &User) -> Result<Schedule> {
    Ok(with_zone(tx.schedule(user.id)?, user))
}

fn with_zone(stored: Option<Schedule>, user: &User) -> Schedule {
    let mut s = stored.unwrap_or_else(|| Schedule::default_in(&user.timezone));
    s.timezone = user.timezone.clone();
    s
}

/// The schedule rules see: the stored one plus Twist's snooze fields.
pub fn effective(tx: &mut dyn Tx, user: &User, now: i64) -> Result<Schedule> {
    let s = stored(tx, user)?;
    Ok(merge_twist_fields(s, user, now))
}

/// `effective` for a schedule already loaded (`Tx::users_with_schedules`).
pub fn effective_from(stored: Option<Schedule>, user: &User, now: i64) -> Schedule {
    merge_twist_fields(with_zone(stored, user), user, now)
}

fn merge_twist_fields(mut s: Schedule, user: &User, now: i64) -> Schedule {
    if let (Some(a), Some(b)) = (&user.snooze_dnd_start, &user.snooze_dnd_end) {
        let blocks: Vec<(String, String)> = if a < b {
            vec![(a.clone(), b.clone())]
        } else {
            vec![(a.clone(), "24:00".into()), ("00:00".into(), b.clone())]
        };
        for day in 1..=7 {
            for (start, end) in &blocks {
                if start != end {
                    s.dnd.push(Interval { weekday: day, start: start.clone(), end: end.clone() });
                }
            }
        }
    }
    if user.snooze_until > now {
        s.dnd_ranges.push(Range { from_ts: now, to_ts: user.snooze_until });
    }
    s
}

pub fn get(tx: &mut dyn Tx, actor: UserId) -> Result<Schedule> {
    let user = tx.user(actor)?.ok_or(Error::NotFound(NotFound::User))?;
    stored(tx, &user)
}

#[derive(Debug, Default)]
pub struct Update {
    pub timezone: Option<String>,
    pub working_hours: Option<Vec<Interval>>,
    pub dnd: Option<Vec<Interval>>,
    pub dnd_ranges: Option<Vec<Range>>,
    pub delivery: Option<Delivery>,
    /// "Focus for N minutes" from now.
    pub focus_minutes: Option<i64>,
}

pub fn update(tx: &mut dyn Tx, actor: UserId, up: Update, now: i64) -> Result<Schedule> {
    if let Some(w) = &up.working_hours {
        schedule::validate_intervals("working_hours", w)?;
    }
    if let Some(d) = &up.dnd {
        schedule::validate_intervals("dnd", d)?;
    }
    if let Some(r) = &up.dnd_ranges {
        schedule::validate_ranges("dnd_ranges", r)?;
    }
    if let Some(m) = up.focus_minutes
        && !(1..=24 * 60).contains(&m)
    {
        return Err(Error::invalid("focus_minutes", "expected 1 to 1440 minutes"));
    }
    let owed_before = super::expectations::Before::of(tx, actor, now)?;
    let mut user = tx.user(actor)?.ok_or(Error::NotFound(NotFound::User))?;
    let mut s = stored(tx, &user)?;
    if let Some(tz) = up.timezone {
        user.timezone = tz.clone();
        s.timezone = tz;
    }
    if let Some(w) = up.working_hours {
        s.working_hours = w;
    }
    if let Some(d) = up.dnd {
        s.dnd = d;
    }
    if let Some(r) = up.dnd_ranges {
        s.dnd_ranges = r;
    }
    if let Some(d) = up.delivery {
        s.delivery = d;
    }
    if let Some(m) = up.focus_minutes {
        schedule::focus(&mut s, now, m);
    }
    // Ranges that have ended are history.
    s.dnd_ranges.retain(|r| r.to_ts > now);
    user.off_days = s.off_days();
    tx.update_user(&user)?;
    tx.put_schedule(actor, &s, now)?;
    announce(tx, actor, now)?;
    super::delivery::replan(tx, actor, now)?;
    if let Some(before) = owed_before {
        before.replan(tx, now)?;
    }
    Ok(s)
}

/// After `users/update` changed the days off: those days lose their hours, and days no
/// longer off get the default hours.
pub fn sync_off_days(tx: &mut dyn Tx, user: &User, now: i64) -> Result<()> {
    let mut s = stored(tx, user)?;
    s.working_hours.retain(|i| !user.off_days.contains(&i64::from(i.weekday)));
    for day in 1..=7i8 {
        let off = user.off_days.contains(&i64::from(day));
        if !off && !s.working_hours.iter().any(|i| i.weekday == day) {
            s.working_hours.push(Interval { weekday: day, start: "09:00".into(), end: "17:00".into() });
        }
    }
    s.working_hours.sort_by(|a, b| (a.weekday, &a.start).cmp(&(b.weekday, &b.start)));
    tx.put_schedule(user.id, &s, now)
}

/// Tells every workspace of the user that their availability changed.
fn announce(tx: &mut dyn Tx, user: UserId, now: i64) -> Result<()> {
    for ws in tx.workspaces_of(user)? {
        emit(tx, ws.id, "availability_updated", Audience::workspace(), &serde_json::json!({"user_id": user}), now)?;
    }
    Ok(())
}

pub const MAX_USERS: usize = 200;

/// `availability/get`: for each person, their local time, whether they are working, until
/// when they are in do-not-disturb or away, and when they will next be available. A person
/// named twice is answered once: repeats would only multiply the work.
pub fn availability(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    users: &[UserId],
    now: i64,
) -> Result<Vec<Availability>> {
    access::role_in(tx, ws, actor)?;
    if users.len() > MAX_USERS {
        return Err(Error::invalid("user_ids", format!("at most {MAX_USERS} people at once")));
    }
    let mut seen = std::collections::HashSet::new();
    let users: Vec<UserId> = users.iter().copied().filter(|u| seen.insert(*u)).collect();
    access::require_members(tx, ws, &users)?;
    let mut loaded: std::collections::HashMap<UserId, (crate::model::User, Option<Schedule>)> =
        tx.users_with_schedules(&users)?.into_iter().map(|(u, s)| (u.id, (u, s))).collect();
    users
        .iter()
        .map(|id| {
            let (user, stored) = loaded.remove(id).ok_or(Error::NotFound(NotFound::User))?;
            let s = effective_from(stored, &user, now);
            Ok(schedule::availability(*id, &s, user.away_mode.as_ref(), now))
        })
        .collect()
}
