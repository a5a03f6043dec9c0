//! Calm analytics: is the team actually working asynchronously? Pushes per person per
//! working day, posts written outside the writer's working hours, interruptions during
//! do-not-disturb, time to answer against expectations, threads against meetings, meetings
//! without outcomes, the emergency lane and access requests.
//!
//! Computed when asked, from the event log (posts and pushes) and the records the app keeps
//! (expectations, meetings, emergencies, access requests): nothing is counted on the post
//! path, so analytics cost posts nothing. Times of day are judged against each person's
//! schedule *as it is now* (the log does not keep past schedules). Admins see the workspace
//! and each person; everyone else sees their own figures only.

use super::{access, schedules};
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::*;
use crate::schedule::{self, Schedule};
use crate::store::Tx;
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The longest period one request covers.
pub const MAX_SPAN_S: i64 = 366 * 86_400;
/// The latest time a period may start (the end of year 9999).
pub const MAX_TS: i64 = 253_402_300_799;
/// The most meetings without outcomes a report lists.
pub const MEETINGS_LISTED: usize = 50;

const POST_KINDS: [&str; 3] = ["thread_added", "comment_added", "message_added"];

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub workspace_id: WorkspaceId,
    pub from: i64,
    pub to: i64,
    /// The one person the figures are of; None: the whole workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The time zone of the `days` (the reader's).
    pub timezone: String,
    /// How many people the figures cover (bots not counted).
    pub people: i64,
    pub pushes: Pushes,
    pub posts: Posts,
    pub answers: Answers,
    /// New threads started, and meetings held (not cancelled), in the period.
    pub threads: i64,
    pub meetings: i64,
    /// Meetings that ended in the period whose outcomes were never posted (at most 50).
    pub meetings_without_outcomes: Vec<MeetingRef>,
    pub meetings_without_outcomes_count: i64,
    pub emergencies: Emergencies,
    pub access_requests: AccessRequests,
    /// Day by day, in `timezone`.
    pub days: Vec<Day>,
    /// Per person (admins, for the whole workspace): who gets the most pushes first.
    pub by_person: Vec<Person>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Pushes {
    pub total: i64,
    /// Through the emergency lane.
    pub urgent: i64,
    /// Days with working time in each person's schedule, added up.
    pub working_days: i64,
    /// `total / working_days`; the calm target is a handful.
    pub per_person_per_working_day: f64,
    /// Pushes that reached someone during their do-not-disturb (only emergencies should).
    pub during_dnd: i64,
    pub during_dnd_urgent: i64,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Posts {
    /// Threads, comments and direct messages.
    pub total: i64,
    /// Written outside the writer's working hours (or on their away days).
    pub outside_working_hours: i64,
    /// `outside_working_hours / total` (0 with no posts).
    pub share_outside: f64,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Answers {
    /// Answers asked for (`request_reply`) in the period.
    pub asked: i64,
    pub answered: i64,
    /// Answered by their due time.
    pub on_time: i64,
    /// Still unanswered past their due time.
    pub overdue_open: i64,
    /// Time from the question to the answer, of those answered, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_minutes: Option<i64>,
    /// The same in the answering person's working time (what the expectation counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_working_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_working_minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Emergencies {
    pub raised: i64,
    pub acknowledged: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ack_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_ack_minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct AccessRequests {
    pub requested: i64,
    pub granted: i64,
    pub denied: i64,
    pub pending: i64,
    /// From the request to access, of those granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_grant_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_grant_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct MeetingRef {
    pub id: i64,
    pub title: String,
    pub organizer_id: UserId,
    pub ends_ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<ThreadId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub posts: i64,
    pub posts_outside_working_hours: i64,
    pub pushes: i64,
    pub pushes_during_dnd: i64,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Person {
    pub user_id: UserId,
    pub pushes: i64,
    pub working_days: i64,
    pub pushes_per_working_day: f64,
    pub pushes_during_dnd: i64,
    pub posts: i64,
    pub posts_outside_working_hours: i64,
}

/// What a report asks for.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    pub workspace: WorkspaceId,
    pub from: i64,
    pub to: i64,
    pub user: Option<UserId>,
}

/// Checks what needs no storage: a period that ends after it starts, at most a year.
pub fn check(from: i64, to: i64) -> Result<()> {
    if !(0..=MAX_TS).contains(&from) {
        return Err(Error::invalid("from", "expected a time in seconds since 1970"));
    }
    if to <= from {
        return Err(Error::invalid("to", "the period must end after it starts"));
    }
    if to.saturating_sub(from) > MAX_SPAN_S {
        return Err(Error::invalid("to", "at most a year at a time"));
    }
    Ok(())
}

/// `analytics/get`.
pub fn report(tx: &mut dyn Tx, actor: &User, q: Query, now: i64) -> Result<Report> {
    check(q.from, q.to)?;
    let role = access::role_in(tx, q.workspace, actor.id)?;
    let admin = role == UserType::Admin;
    // Only admins see other people's figures or the workspace's; others see their own.
    let user = match q.user {
        Some(u) if u != actor.id && !admin => {
            return Err(Error::forbidden("only admins see other people's figures: ask for your own"));
        }
        Some(u) => Some(u),
        None if admin => None,
        None => Some(actor.id),
    };
    let members: Vec<WorkspaceUser> = tx
        .workspace_users(q.workspace)?
        .into_iter()
        .filter(|m| !m.bot && !m.removed && !m.invite_pending && !m.deactivated)
        .collect();
    if let Some(u) = user
        && !members.iter().any(|m| m.id == u)
    {
        return Err(Error::NotFound(NotFound::User));
    }
    let people: Vec<UserId> = match user {
        Some(u) => vec![u],
        None => members.iter().map(|m| m.id).collect(),
    };
    let in_scope: HashSet<UserId> = people.iter().copied().collect();
    let plans: HashMap<UserId, (Schedule, Option<AwayMode>)> = tx
        .users_with_schedules(&people)?
        .into_iter()
        .map(|(u, stored)| (u.id, (schedules::effective_from(stored, &u, now), u.away_mode.clone())))
        .collect();
    // Each schedule prepared once: the log has thousands of moments to judge.
    let prepared: HashMap<UserId, (schedule::Prepared, Option<&AwayMode>)> =
        plans.iter().map(|(u, (s, away))| (*u, (schedule::Prepared::of(s), away.as_ref()))).collect();
    let reader_zone = schedules::effective(tx, actor, now)?.timezone;
    let tz = TimeZone::get(&reader_zone).unwrap_or(TimeZone::UTC);
    // The local date of a moment, worked out once per quarter hour (every zone's offset is a
    // whole number of quarter hours).
    let mut dates: HashMap<i64, String> = HashMap::new();
    let mut day_of = |ts: i64| {
        dates
            .entry(ts.div_euclid(900))
            .or_insert_with(|| {
                jiff::Timestamp::from_second(ts).map(|t| t.to_zoned(tz.clone()).date().to_string()).unwrap_or_default()
            })
            .clone()
    };

    // Posts and pushes: the log between the two times.
    let (first, end) = (tx.event_seq_at(q.from)?, tx.event_seq_at(q.to)?);
    let mut kinds: Vec<&str> = POST_KINDS.to_vec();
    kinds.push(crate::payload::Push::KIND);
    let facts = tx.event_facts(q.workspace, first, end, &kinds, user)?;
    let mut days: BTreeMap<String, Day> = BTreeMap::new();
    let mut per: HashMap<UserId, Person> = HashMap::new();
    let (mut pushes, mut posts, mut threads) = (Pushes::default(), Posts::default(), 0);
    for f in &facts {
        if f.ts < q.from || f.ts >= q.to {
            continue;
        }
        if f.kind == crate::payload::Push::KIND {
            let Some(u) = f.user.filter(|u| in_scope.contains(u)) else { continue };
            let urgent = f.urgent;
            let dnd = prepared.get(&u).is_some_and(|(p, _)| p.in_dnd(f.ts));
            pushes.total += 1;
            pushes.urgent += i64::from(urgent);
            pushes.during_dnd += i64::from(dnd);
            pushes.during_dnd_urgent += i64::from(dnd && urgent);
            let day = days.entry(day_of(f.ts)).or_default();
            day.pushes += 1;
            day.pushes_during_dnd += i64::from(dnd);
            let p = per.entry(u).or_default();
            p.pushes += 1;
            p.pushes_during_dnd += i64::from(dnd);
        } else {
            // (A thread announced again where it moved has no author here: not a new post.)
            let Some(author) = f.author.filter(|u| in_scope.contains(u)) else { continue };
            if f.kind == "thread_added" {
                threads += 1;
            }
            let outside = prepared.get(&author).is_some_and(|(p, away)| !p.working(f.ts) || p.is_away(*away, f.ts));
            posts.total += 1;
            posts.outside_working_hours += i64::from(outside);
            let day = days.entry(day_of(f.ts)).or_default();
            day.posts += 1;
            day.posts_outside_working_hours += i64::from(outside);
            let p = per.entry(author).or_default();
            p.posts += 1;
            p.posts_outside_working_hours += i64::from(outside);
        }
    }
    posts.share_outside = ratio(posts.outside_working_hours, posts.total);
    for (&u, (s, away)) in &plans {
        let p = per.entry(u).or_default();
        // Days still ahead have not been worked.
        p.working_days = working_days(s, away.as_ref(), q.from, q.to.min(now));
        p.pushes_per_working_day = ratio(p.pushes, p.working_days);
        pushes.working_days += p.working_days;
    }
    pushes.per_person_per_working_day = ratio(pushes.total, pushes.working_days);

    let answers = answers(tx, &q, &in_scope, now)?;
    let (meetings, meetings_without_outcomes, meetings_without_outcomes_count) = meetings_held(tx, &q, user, now)?;
    let emergencies = emergencies(tx, &q, user)?;
    let access_requests = access_requests(tx, &q, user)?;

    let mut by_person: Vec<Person> =
        if user.is_none() { per.into_iter().map(|(user_id, p)| Person { user_id, ..p }).collect() } else { Vec::new() };
    by_person
        .sort_by(|a, b| b.pushes_per_working_day.total_cmp(&a.pushes_per_working_day).then(a.user_id.cmp(&b.user_id)));
    Ok(Report {
        workspace_id: q.workspace,
        from: q.from,
        to: q.to,
        user_id: user,
        timezone: reader_zone,
        people: people.len() as i64,
        pushes,
        posts,
        answers,
        threads,
        meetings,
        meetings_without_outcomes,
        meetings_without_outcomes_count,
        emergencies,
        access_requests,
        days: days.into_iter().map(|(date, d)| Day { date, ..d }).collect(),
        by_person,
    })
}

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 { 0.0 } else { ((a as f64 / b as f64) * 1000.0).round() / 1000.0 }
}

/// The days of `[from, to)` (local to the person) with working time in their schedule.
fn working_days(s: &Schedule, away: Option<&AwayMode>, from: i64, to: i64) -> i64 {
    let tz = TimeZone::get(&s.timezone).unwrap_or(TimeZone::UTC);
    let Ok(start) = jiff::Timestamp::from_second(from) else { return 0 };
    let Ok(mut day) = start.to_zoned(tz).start_of_day() else { return 0 };
    let mut n = 0;
    while day.timestamp().as_second() < to {
        let Ok(next) = day.tomorrow() else { break };
        let (a, b) = (day.timestamp().as_second().max(from), next.timestamp().as_second().min(to));
        if a < b && schedule::working_between(s, away, a, b) > 0 {
            n += 1;
        }
        day = next;
    }
    n
}

/// The value below which `q` of the sorted values lie (nearest rank).
fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn answers(tx: &mut dyn Tx, q: &Query, people: &HashSet<UserId>, now: i64) -> Result<Answers> {
    let asked: Vec<Expectation> = tx
        .expectations_asked_between(q.workspace, q.from, q.to)?
        .into_iter()
        .filter(|e| e.kind == ExpectationKind::Reply && people.contains(&e.user_id))
        .collect();
    let mut who: Vec<UserId> = asked.iter().map(|e| e.user_id).collect();
    who.sort_unstable();
    who.dedup();
    let plans: HashMap<UserId, (Schedule, Option<AwayMode>)> = tx
        .users_with_schedules(&who)?
        .into_iter()
        .map(|(u, stored)| (u.id, (schedules::effective_from(stored, &u, now), u.away_mode.clone())))
        .collect();
    let mut out = Answers { asked: asked.len() as i64, ..Answers::default() };
    let (mut minutes, mut working) = (Vec::new(), Vec::new());
    for e in &asked {
        match (e.resolution, e.resolved_ts) {
            (Some(Resolution::Answered), Some(at)) => {
                out.answered += 1;
                out.on_time += i64::from(at <= e.due_ts);
                minutes.push((at - e.requested_ts) / 60);
                if let Some((s, away)) = plans.get(&e.user_id) {
                    working.push(schedule::working_between(s, away.as_ref(), e.requested_ts, at) / 60);
                }
            }
            (None, _) if e.due_ts <= now => out.overdue_open += 1,
            _ => {}
        }
    }
    minutes.sort_unstable();
    working.sort_unstable();
    (out.median_minutes, out.p90_minutes) = (quantile(&minutes, 0.5), quantile(&minutes, 0.9));
    (out.median_working_minutes, out.p90_working_minutes) = (quantile(&working, 0.5), quantile(&working, 0.9));
    Ok(out)
}

/// Meetings held in the period (by their start), and those that ended in it without outcomes.
fn meetings_held(tx: &mut dyn Tx, q: &Query, user: Option<UserId>, now: i64) -> Result<(i64, Vec<MeetingRef>, i64)> {
    // A meeting lasts at most a few hours: those starting a day before may end in the period.
    let all = tx.meetings_between(q.workspace, q.from - 86_400, q.to, i64::MAX)?;
    let concerns = |m: &Meeting| user.is_none_or(|u| m.organizer_id == u || m.attendee_ids.contains(&u));
    let held = all
        .iter()
        .filter(|m| m.cancelled_ts.is_none() && m.starts_ts >= q.from && m.starts_ts < q.to && concerns(m))
        .count() as i64;
    let without: Vec<&Meeting> = all
        .iter()
        .filter(|m| {
            m.cancelled_ts.is_none()
                && m.outcomes_ts.is_none()
                && m.ends_ts >= q.from
                && m.ends_ts < q.to
                && m.ends_ts <= now
                && user.is_none_or(|u| m.organizer_id == u)
        })
        .collect();
    let listed = without
        .iter()
        .take(MEETINGS_LISTED)
        .map(|m| MeetingRef {
            id: m.id,
            title: m.title.clone(),
            organizer_id: m.organizer_id,
            ends_ts: m.ends_ts,
            thread_id: m.thread_id,
            channel_id: m.channel_id,
        })
        .collect();
    Ok((held, listed, without.len() as i64))
}

fn emergencies(tx: &mut dyn Tx, q: &Query, user: Option<UserId>) -> Result<Emergencies> {
    let facts: Vec<_> = tx
        .emergency_facts(q.workspace, q.from, q.to)?
        .into_iter()
        .filter(|e| user.is_none_or(|u| e.raised_by == u))
        .collect();
    let mut ack: Vec<i64> = facts.iter().filter_map(|e| e.first_ack_ts.map(|t| (t - e.raised_ts) / 60)).collect();
    ack.sort_unstable();
    Ok(Emergencies {
        raised: facts.len() as i64,
        acknowledged: ack.len() as i64,
        median_ack_minutes: quantile(&ack, 0.5),
        p90_ack_minutes: quantile(&ack, 0.9),
    })
}

fn access_requests(tx: &mut dyn Tx, q: &Query, user: Option<UserId>) -> Result<AccessRequests> {
    let facts: Vec<_> = tx
        .access_request_facts(q.workspace, q.from, q.to)?
        .into_iter()
        .filter(|r| user.is_none_or(|u| r.user == u))
        .collect();
    let mut out = AccessRequests { requested: facts.len() as i64, ..AccessRequests::default() };
    let mut grant = Vec::new();
    for r in &facts {
        match (r.decision.as_deref(), r.decided_ts) {
            (Some("approved"), Some(at)) => {
                out.granted += 1;
                grant.push((at - r.created_ts) / 60);
            }
            (Some(_), _) => out.denied += 1,
            (None, _) => out.pending += 1,
        }
    }
    grant.sort_unstable();
    (out.median_grant_minutes, out.p90_grant_minutes) = (quantile(&grant, 0.5), quantile(&grant, 0.9));
    Ok(out)
}

/// `analytics/export`: the report as CSV, one figure per row (`scope,user_id,metric,value`),
/// and a row per day and per person, for a spreadsheet's pivot tables.
pub fn csv(r: &Report) -> String {
    let mut out = String::from("scope,user_id,date,metric,value\r\n");
    let scope = if r.user_id.is_some() { "person" } else { "workspace" };
    let uid = r.user_id.map(|u| u.0.to_string()).unwrap_or_default();
    let mut row = |scope: &str, user: &str, date: &str, metric: &str, value: String| {
        out.push_str(&format!("{scope},{user},{date},{metric},{value}\r\n"));
    };
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let figures: Vec<(&str, String)> = vec![
        ("people", r.people.to_string()),
        ("pushes", r.pushes.total.to_string()),
        ("pushes_urgent", r.pushes.urgent.to_string()),
        ("working_days", r.pushes.working_days.to_string()),
        ("pushes_per_person_per_working_day", r.pushes.per_person_per_working_day.to_string()),
        ("pushes_during_dnd", r.pushes.during_dnd.to_string()),
        ("pushes_during_dnd_urgent", r.pushes.during_dnd_urgent.to_string()),
        ("posts", r.posts.total.to_string()),
        ("posts_outside_working_hours", r.posts.outside_working_hours.to_string()),
        ("share_of_posts_outside_working_hours", r.posts.share_outside.to_string()),
        ("answers_asked", r.answers.asked.to_string()),
        ("answers_answered", r.answers.answered.to_string()),
        ("answers_on_time", r.answers.on_time.to_string()),
        ("answers_overdue_open", r.answers.overdue_open.to_string()),
        ("answer_median_minutes", opt(r.answers.median_minutes)),
        ("answer_p90_minutes", opt(r.answers.p90_minutes)),
        ("answer_median_working_minutes", opt(r.answers.median_working_minutes)),
        ("answer_p90_working_minutes", opt(r.answers.p90_working_minutes)),
        ("threads", r.threads.to_string()),
        ("meetings", r.meetings.to_string()),
        ("meetings_without_outcomes", r.meetings_without_outcomes_count.to_string()),
        ("emergencies", r.emergencies.raised.to_string()),
        ("emergencies_acknowledged", r.emergencies.acknowledged.to_string()),
        ("emergency_ack_median_minutes", opt(r.emergencies.median_ack_minutes)),
        ("emergency_ack_p90_minutes", opt(r.emergencies.p90_ack_minutes)),
        ("access_requests", r.access_requests.requested.to_string()),
        ("access_requests_granted", r.access_requests.granted.to_string()),
        ("access_grant_median_minutes", opt(r.access_requests.median_grant_minutes)),
        ("access_grant_p90_minutes", opt(r.access_requests.p90_grant_minutes)),
    ];
    for (metric, value) in figures {
        row(scope, &uid, "", metric, value);
    }
    for d in &r.days {
        row(scope, &uid, &d.date, "posts", d.posts.to_string());
        row(scope, &uid, &d.date, "posts_outside_working_hours", d.posts_outside_working_hours.to_string());
        row(scope, &uid, &d.date, "pushes", d.pushes.to_string());
        row(scope, &uid, &d.date, "pushes_during_dnd", d.pushes_during_dnd.to_string());
    }
    for p in &r.by_person {
        let u = p.user_id.0.to_string();
        row("person", &u, "", "pushes", p.pushes.to_string());
        row("person", &u, "", "working_days", p.working_days.to_string());
        row("person", &u, "", "pushes_per_working_day", p.pushes_per_working_day.to_string());
        row("person", &u, "", "pushes_during_dnd", p.pushes_during_dnd.to_string());
        row("person", &u, "", "posts", p.posts.to_string());
        row("person", &u, "", "posts_outside_working_hours", p.posts_outside_working_hours.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7], 0.9), Some(7));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!((quantile(&v, 0.5), quantile(&v, 0.9)), (Some(5), Some(9)));
    }
}
