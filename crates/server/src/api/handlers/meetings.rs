//! `meetings/*`: meetings that justify themselves — a reason only synchronous time serves,
//! an agenda thread, a calendar entry per attendee, and outcomes written afterwards.

use crate::api::{Cx, Stored};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::model::{Comment, Meeting, Posted};
use weft_core::services::decisions::TextFile;
use weft_core::services::meetings::{self, NewMeeting, Planned};
use weft_core::{ChannelId, Result, UserId, WorkspaceId, input};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Add {
    pub workspace_id: WorkspaceId,
    /// Where the agenda thread goes (default: the workspace's default channel); every
    /// attendee must see it.
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    pub title: input::Title,
    /// Why it needs synchronous time: `relationship_building`, `sensitive_feedback`,
    /// `brainstorming` (with many unknowns), `kickoff` or `crisis`. Anything else is
    /// refused with a thread suggested instead.
    #[schemars(extend("enum" = ["relationship_building", "sensitive_feedback", "brainstorming", "kickoff", "crisis"]))]
    pub reason: input::Short,
    #[schemars(length(min = 1, max = meetings::MAX_ATTENDEES))]
    pub attendee_ids: input::List<UserId>,
    pub starts_ts: i64,
    #[schemars(range(min = meetings::MIN_DURATION_MIN, max = meetings::MAX_DURATION_MIN))]
    pub duration_min: i64,
    /// What the meeting is to settle (markdown): the agenda thread's text.
    pub agenda: input::Text,
}

/// Plans a meeting: opens its agenda thread (which tells the attendees through quiet
/// delivery), answers the meeting and whom its time falls outside working hours for.
pub async fn add(cx: Cx, p: Add) -> Result<Stored<Planned>> {
    let actor = cx.actor()?.clone();
    let m = NewMeeting {
        workspace_id: p.workspace_id,
        channel_id: p.channel_id,
        title: p.title.into_inner(),
        reason: p.reason.into_inner(),
        attendee_ids: p.attendee_ids.into(),
        starts_ts: p.starts_ts,
        duration_min: p.duration_min,
        agenda: p.agenda.into_inner(),
    };
    let now = cx.now();
    // What needs no storage is checked before the write (and its idempotent replay).
    meetings::check(&m, now)?;
    cx.write(move |tx| meetings::add(tx, &actor, m, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    /// Starting at or after (default: 30 days ago).
    #[serde(default)]
    pub from: Option<i64>,
    /// Starting before (default: 90 days ahead).
    #[serde(default)]
    pub to: Option<i64>,
}

/// The meetings the caller organizes, attends or sees the agenda thread of, soonest first.
pub async fn get(cx: Cx, p: Get) -> Result<Vec<Meeting>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    let (from, to) = (p.from.unwrap_or(now - 30 * 86_400), p.to.unwrap_or(now + 90 * 86_400));
    cx.read(move |tx| meetings::list(tx, actor, p.workspace_id, from, to, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    pub id: i64,
}

pub async fn getone(cx: Cx, p: ById) -> Result<Meeting> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.read(move |tx| meetings::getone(tx, actor, p.id, now)).await
}

/// The meeting as an iCalendar file, its times in the caller's time zone.
pub async fn ics(cx: Cx, p: ById) -> Result<TextFile> {
    let actor = cx.actor()?.clone();
    let base = cx.app.base_url.clone();
    let now = cx.now();
    cx.read(move |tx| meetings::ics_for(tx, &actor, p.id, Some(&base), now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Outcomes {
    pub id: i64,
    /// What the meeting settled (markdown), posted in its agenda thread.
    pub content: input::Text,
    /// Also marks it as the thread's decision.
    #[serde(default)]
    pub decision: Option<bool>,
}

/// A meeting's outcomes, and the comment that carries them.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct OutcomesPosted {
    pub meeting: Meeting,
    pub comment: Posted<Comment>,
}

/// The organizer posts what the meeting settled in its agenda thread; it is no longer owed.
pub async fn post_outcomes(cx: Cx, p: Outcomes) -> Result<Stored<OutcomesPosted>> {
    let actor = cx.actor()?.clone();
    let now = cx.now();
    let decision = p.decision.unwrap_or(false);
    cx.write(move |tx| {
        meetings::post_outcomes(tx, &actor, p.id, p.content.into_inner(), decision, now)
            .map(|(meeting, comment)| OutcomesPosted { meeting, comment })
    })
    .await
}

/// The organizer calls the meeting off; its agenda thread says so.
pub async fn cancel(cx: Cx, p: ById) -> Result<Stored<Meeting>> {
    let actor = cx.actor()?.clone();
    let now = cx.now();
    cx.write(move |tx| meetings::cancel(tx, &actor, p.id, now)).await
}
