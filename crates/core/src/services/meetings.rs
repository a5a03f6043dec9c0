//! Meetings that justify themselves. Synchronous time is for what writing does badly:
//! relationship building, sensitive feedback, brainstorming with many unknowns, a kickoff,
//! a crisis. A meeting names its reason (anything else is refused, with a thread suggested
//! instead), opens an agenda thread that tells the attendees (through quiet delivery, like
//! any post), gives each attendee a calendar entry in their own time zone, and warns when
//! it falls outside someone's working hours. Once it has ended, its organizer owes the
//! outcomes, written in the agenda thread (`post_outcomes`, which may mark the decision):
//! until then it stays in their Owed view (an expectation of kind `outcomes`).

use super::decisions::{self, TextFile};
use super::scheduled::local_time;
use super::threads::{NewThreadInput, PostInput, Recipients};
use super::{access, comments, emit, expectations, schedules, threads};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ics;
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::schedule;
use crate::store::Tx;
use std::collections::HashMap;

pub const MIN_DURATION_MIN: i64 = 5;
pub const MAX_DURATION_MIN: i64 = 8 * 60;
pub const MAX_ATTENDEES: usize = 100;
/// The furthest ahead a meeting may be planned.
pub const MAX_AHEAD_S: i64 = 366 * 86_400;
/// How long after a meeting ends its outcomes are due.
pub const OUTCOMES_DUE_S: i64 = 86_400;
/// The most meetings a list answers.
pub const LIST_LIMIT: i64 = 500;

/// What `meetings/add` asks for.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub workspace_id: WorkspaceId,
    /// Where the agenda thread goes: the workspace's default channel if not given.
    pub channel_id: Option<ChannelId>,
    pub title: String,
    /// As given: anything but the five reasons gets a suggestion instead.
    pub reason: String,
    pub attendee_ids: Vec<UserId>,
    pub starts_ts: i64,
    pub duration_min: i64,
    pub agenda: String,
}

/// The reason a meeting gives, or the answer that suggests a thread instead.
pub fn reason(raw: &str) -> Result<MeetingReason> {
    MeetingReason::parse(raw.trim()).ok_or_else(|| {
        Error::invalid(
            "reason",
            "a meeting needs a reason that only synchronous time serves: relationship_building, \
             sensitive_feedback, brainstorming (with many unknowns), kickoff or crisis. For anything else, \
             start a thread instead: write the question down, name who decides and ask for answers by a date",
        )
    })
}

/// Checks what needs no storage.
pub fn check(m: &NewMeeting, now: i64) -> Result<MeetingReason> {
    let reason = reason(&m.reason)?;
    if !(MIN_DURATION_MIN..=MAX_DURATION_MIN).contains(&m.duration_min) {
        return Err(Error::invalid(
            "duration_min",
            format!("expected {MIN_DURATION_MIN} to {MAX_DURATION_MIN} minutes"),
        ));
    }
    if m.starts_ts <= now {
        return Err(Error::invalid("starts_ts", "the meeting would start in the past"));
    }
    if m.starts_ts > now + MAX_AHEAD_S {
        return Err(Error::invalid("starts_ts", "at most a year ahead"));
    }
    if m.attendee_ids.is_empty() {
        return Err(Error::invalid("attendee_ids", "a meeting needs someone to meet"));
    }
    if m.attendee_ids.len() > MAX_ATTENDEES {
        return Err(Error::invalid("attendee_ids", format!("at most {MAX_ATTENDEES} people")));
    }
    if m.agenda.trim().is_empty() {
        return Err(Error::invalid("agenda", "a meeting needs an agenda: what it is to settle"));
    }
    Ok(reason)
}

/// Someone for whom the meeting falls outside working hours.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct OutsideHours {
    pub user_id: UserId,
    /// The meeting's start in their time zone, e.g. "Tue 01 Dec 03:00".
    pub local_start: String,
    pub timezone: String,
    /// How many of the meeting's minutes fall in their working hours.
    pub working_minutes: i64,
}

/// A meeting planned: the meeting, who it falls outside working hours for, and who of the
/// attendees the agenda thread could not reach or is away.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Planned {
    pub meeting: Meeting,
    pub outside_working_hours: Vec<OutsideHours>,
    pub away: Vec<AwayReply>,
}

/// `meetings/add`.
pub fn add(tx: &mut dyn Tx, actor: &User, m: NewMeeting, now: i64) -> Result<Planned> {
    let reason = check(&m, now)?;
    let ws = tx.workspace(m.workspace_id)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    access::role_in(tx, ws.id, actor.id)?;
    let channel_id = m
        .channel_id
        .or(ws.default_channel)
        .ok_or_else(|| Error::invalid("channel_id", "the workspace has no default channel: name one"))?;
    let (ch, _) = match access::channel(tx, channel_id, actor.id) {
        Err(Error::NotFound(_)) if m.channel_id.is_none() => {
            return Err(Error::invalid(
                "channel_id",
                "name a channel for the agenda thread: you do not see the workspace's default channel",
            ));
        }
        seen => seen?,
    };
    if ch.workspace_id != ws.id {
        return Err(Error::NotFound(NotFound::Channel));
    }
    let attendees: Vec<UserId> = super::dedup(m.attendee_ids.iter().copied().filter(|u| *u != actor.id));
    if attendees.is_empty() {
        return Err(Error::invalid("attendee_ids", "a meeting needs someone besides its organizer"));
    }
    access::require_members(tx, ws.id, &attendees)?;
    let unseen = access::Named::load(tx, ws.id, Some(ch.id), &attendees)?.unseen_in_channel(&ch);
    if let Some(first) = unseen.first() {
        let name = tx.user(first.user_id)?.map(|u| u.name).unwrap_or_default();
        return Err(Error::invalid(
            "attendee_ids",
            format!("{name} cannot see #{}: pick a channel every attendee sees", ch.name),
        ));
    }
    let ends_ts = m.starts_ts + m.duration_min * 60;
    let when = format!(
        "{} – {} ({}), {} minutes",
        local_time(m.starts_ts, &actor.timezone),
        local_time(ends_ts, &actor.timezone),
        actor.timezone,
        m.duration_min
    );
    let content = format!(
        "**Meeting** · {}\n**When:** {when}\n\n{}\n\n_The organizer posts the outcomes here after the meeting._",
        reason.label(),
        m.agenda.trim()
    );
    let posted = threads::add(
        tx,
        actor,
        NewThreadInput {
            channel_id: ch.id,
            title: m.title.clone(),
            post: PostInput { content, recipients: Some(Recipients::Users(attendees.clone())), ..Default::default() },
            urgent: false,
        },
        now,
    )?;
    let mut meeting = Meeting {
        id: 0,
        workspace_id: ws.id,
        thread_id: Some(posted.item.id),
        channel_id: Some(ch.id),
        organizer_id: actor.id,
        title: m.title,
        reason,
        attendee_ids: attendees.clone(),
        starts_ts: m.starts_ts,
        duration_min: m.duration_min,
        ends_ts,
        agenda: m.agenda,
        created_ts: now,
        outcomes_comment_id: None,
        outcomes_ts: None,
        cancelled_ts: None,
        outcomes_owed: false,
    };
    meeting.id = tx.insert_meeting(&meeting)?;
    let outcomes = expectations::InThread {
        kind: ExpectationKind::Outcomes,
        requester: actor.id,
        user: actor.id,
        channel: &ch,
        thread: posted.item.id,
        from_ts: ends_ts,
        due_ts: ends_ts + OUTCOMES_DUE_S,
    };
    expectations::expect_in_thread(tx, outcomes, now)?;
    tell(tx, "meeting_added", &meeting, now)?;
    let mut everyone = attendees;
    everyone.push(actor.id);
    let outside_working_hours = outside_hours(tx, &everyone, m.starts_ts, ends_ts, now)?;
    Ok(Planned { meeting, outside_working_hours, away: posted.away })
}

/// The people for whom `[start, end)` is not wholly working time (nights, weekends, days
/// off, away days), in the order given.
fn outside_hours(tx: &mut dyn Tx, users: &[UserId], start: i64, end: i64, now: i64) -> Result<Vec<OutsideHours>> {
    let mut by_id: HashMap<UserId, OutsideHours> = HashMap::new();
    for (u, stored) in tx.users_with_schedules(users)? {
        let s = schedules::effective_from(stored, &u, now);
        let working = schedule::working_between(&s, u.away_mode.as_ref(), start, end);
        if working < end - start {
            let timezone = s.timezone.clone();
            by_id.insert(
                u.id,
                OutsideHours {
                    user_id: u.id,
                    local_start: local_time(start, &timezone),
                    timezone,
                    working_minutes: working / 60,
                },
            );
        }
    }
    Ok(users.iter().filter_map(|u| by_id.remove(u)).collect())
}

/// Tells everyone who sees the meeting: the agenda thread's channel (every attendee sees it);
/// without the thread, the organizer and each attendee.
fn tell(tx: &mut dyn Tx, kind: &'static str, m: &Meeting, now: i64) -> Result<()> {
    if let Some(c) = m.channel_id {
        return emit(tx, m.workspace_id, kind, Audience::channel(c), m, now);
    }
    for u in std::iter::once(m.organizer_id).chain(m.attendee_ids.iter().copied()) {
        emit(tx, m.workspace_id, kind, Audience::user(u), m, now)?;
    }
    Ok(())
}

/// A meeting the actor may see: its organizer, an attendee, or someone who sees its agenda
/// thread; otherwise not found.
fn seen(tx: &mut dyn Tx, actor: UserId, id: i64, now: i64) -> Result<(Meeting, UserType)> {
    let mut m = tx.meeting(id)?.ok_or(Error::NotFound(NotFound::Resource))?;
    let role = access::role_in(tx, m.workspace_id, actor).map_err(|_| Error::NotFound(NotFound::Resource))?;
    let involved = m.organizer_id == actor || m.attendee_ids.contains(&actor);
    let sees_thread = m.thread_id.is_some_and(|t| access::thread(tx, t, actor).is_ok());
    if !involved && !sees_thread {
        return Err(Error::NotFound(NotFound::Resource));
    }
    describe(&mut m, now);
    Ok((m, role))
}

fn describe(m: &mut Meeting, now: i64) {
    m.outcomes_owed = m.cancelled_ts.is_none() && m.outcomes_ts.is_none() && m.ends_ts <= now;
}

pub fn getone(tx: &mut dyn Tx, actor: UserId, id: i64, now: i64) -> Result<Meeting> {
    seen(tx, actor, id, now).map(|(m, _)| m)
}

/// `meetings/get`: the workspace's meetings starting in `[from, to)` that the actor sees,
/// soonest first.
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, from: i64, to: i64, now: i64) -> Result<Vec<Meeting>> {
    let role = access::role_in(tx, ws, actor)?;
    let all = tx.meetings_between(ws, from, to, LIST_LIMIT)?;
    if all.is_empty() {
        return Ok(all);
    }
    let channels: std::collections::HashSet<ChannelId> = tx
        .channels_in(ws, actor)?
        .into_iter()
        .filter(|c| policy::can_see_channel(role, c, actor))
        .map(|c| c.id)
        .collect();
    let mut out: Vec<Meeting> = all
        .into_iter()
        .filter(|m| {
            m.organizer_id == actor
                || m.attendee_ids.contains(&actor)
                || m.channel_id.is_some_and(|c| channels.contains(&c))
        })
        .collect();
    for m in &mut out {
        describe(m, now);
    }
    Ok(out)
}

/// `meetings/post_outcomes`: the organizer writes what the meeting settled in its agenda
/// thread (telling the attendees), which meets what they owed; `decision` also marks it as
/// the thread's decision.
pub fn post_outcomes(
    tx: &mut dyn Tx,
    actor: &User,
    id: i64,
    content: String,
    decision: bool,
    now: i64,
) -> Result<(Meeting, Posted<Comment>)> {
    let (mut m, role) = seen(tx, actor.id, id, now)?;
    if m.organizer_id != actor.id && role != UserType::Admin {
        return Err(Error::forbidden("only the organizer (or an admin) posts a meeting's outcomes"));
    }
    if m.cancelled_ts.is_some() {
        return Err(Error::invalid("id", "the meeting was cancelled"));
    }
    if now < m.starts_ts {
        return Err(Error::invalid("id", "the meeting has not started yet"));
    }
    let thread = m.thread_id.ok_or_else(|| Error::invalid("id", "the meeting's agenda thread was deleted"))?;
    if content.trim().is_empty() {
        return Err(Error::invalid("content", "write what the meeting settled"));
    }
    let input = comments::NewCommentInput {
        thread_id: thread,
        post: PostInput {
            content: format!("**Outcomes**\n\n{}", content.trim()),
            recipients: Some(Recipients::Users(m.attendee_ids.clone())),
            ..Default::default()
        },
        thread_action: None,
        mark_thread_position: true,
        urgent: false,
    };
    let posted = comments::add(tx, actor, input, now)?;
    (m.outcomes_comment_id, m.outcomes_ts) = (Some(posted.item.id), Some(now));
    tx.update_meeting(&m)?;
    expectations::settle_in_thread(tx, ExpectationKind::Outcomes, thread, Resolution::Answered, actor.id, now)?;
    if decision {
        decisions::mark(tx, actor.id, posted.item.id, Some(m.id), now)?;
    }
    describe(&mut m, now);
    tell(tx, "meeting_updated", &m, now)?;
    Ok((m, posted))
}

/// `meetings/cancel`: the organizer (or an admin) calls it off; the agenda thread says so.
pub fn cancel(tx: &mut dyn Tx, actor: &User, id: i64, now: i64) -> Result<Meeting> {
    let (mut m, role) = seen(tx, actor.id, id, now)?;
    if m.organizer_id != actor.id && role != UserType::Admin {
        return Err(Error::forbidden("only the organizer (or an admin) cancels a meeting"));
    }
    if m.cancelled_ts.is_some() {
        return Err(Error::AlreadyExists("the meeting is already cancelled".into()));
    }
    if m.outcomes_ts.is_some() {
        return Err(Error::invalid("id", "the meeting took place: its outcomes are posted"));
    }
    m.cancelled_ts = Some(now);
    tx.update_meeting(&m)?;
    if let Some(thread) = m.thread_id {
        expectations::settle_in_thread(tx, ExpectationKind::Outcomes, thread, Resolution::Withdrawn, actor.id, now)?;
        if access::thread_to_post(tx, thread, actor.id).is_ok() {
            let input = comments::NewCommentInput {
                thread_id: thread,
                post: PostInput {
                    content: "**Cancelled** — this meeting will not take place.".into(),
                    recipients: Some(Recipients::Users(m.attendee_ids.clone())),
                    ..Default::default()
                },
                thread_action: None,
                mark_thread_position: true,
                urgent: false,
            };
            comments::add(tx, actor, input, now)?;
        }
    }
    describe(&mut m, now);
    tell(tx, "meeting_updated", &m, now)?;
    Ok(m)
}

/// `meetings/ics`: the calendar entry, its times in the actor's time zone. `base_url`: the
/// web app's, for the link back to the agenda thread.
pub fn ics_for(tx: &mut dyn Tx, actor: &User, id: i64, base_url: Option<&str>, now: i64) -> Result<TextFile> {
    let (m, _) = seen(tx, actor.id, id, now)?;
    let zone = schedules::effective(tx, actor, now)?.timezone;
    Ok(TextFile {
        file_name: format!("meeting-{}.ics", m.id),
        content_type: "text/calendar; charset=utf-8".into(),
        content: calendar(tx, &m, &zone, base_url, now)?,
    })
}

/// The meeting as a calendar in `zone`.
pub fn calendar(tx: &mut dyn Tx, m: &Meeting, zone: &str, base_url: Option<&str>, now: i64) -> Result<String> {
    let mut ids = m.attendee_ids.clone();
    ids.push(m.organizer_id);
    let people: HashMap<UserId, User> = tx.users_by_ids(&ids)?.into_iter().map(|u| (u.id, u)).collect();
    let organizer = people.get(&m.organizer_id).map(|u| (u.name.as_str(), u.email.as_str())).unwrap_or(("", ""));
    let attendees: Vec<(String, String)> =
        m.attendee_ids.iter().filter_map(|u| people.get(u)).map(|u| (u.name.clone(), u.email.clone())).collect();
    let url = match (base_url, m.thread_id, m.channel_id) {
        (Some(base), Some(t), Some(c)) => Some(format!("{base}/a/{}/ch/{}/t/{}", m.workspace_id, c.0, t.0)),
        _ => None,
    };
    let description = format!("Why: {}\n\n{}", m.reason.label(), m.agenda.trim());
    Ok(ics::calendar(
        &ics::Event {
            uid: format!("weft-meeting-{}-{}", m.workspace_id.0, m.id),
            sequence: i64::from(m.cancelled_ts.is_some()),
            starts_ts: m.starts_ts,
            ends_ts: m.ends_ts,
            stamp_ts: now,
            summary: &m.title,
            description: &description,
            url: url.as_deref(),
            organizer,
            attendees: &attendees,
            cancelled: m.cancelled_ts.is_some(),
        },
        zone,
    ))
}
