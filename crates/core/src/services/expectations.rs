//! Reply expectations: a post may ask people for an answer (`request_reply`). Each request
//! is tracked until it is met — the person posts in the thread or conversation after it, or
//! resolves it — or the requester withdraws it. Its due time counts the expected response
//! time in the *asked person's* working hours (nights, weekends, days off and away days do
//! not count; do-not-disturb does: it is working time, only not for interruptions), or is
//! the `reply_by_ts` the requester set. One reminder goes to the person shortly before it
//! is due, through quiet delivery; past due, both sides see it overdue, and nothing more.

use super::{access, emit, notify, schedules};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::schedule::{self, Schedule};
use crate::services::delivery::PushOf;
use crate::store::{ExpectationRole, Tx};
use std::collections::{HashMap, HashSet};

/// The longest expected response time: four working weeks.
pub const MAX_RESPONSE_HOURS: i64 = 160;
/// The most people one post asks for an answer.
pub const MAX_ASKED: usize = 50;
/// The furthest ahead a `reply_by_ts` may be.
pub const MAX_REPLY_BY_S: i64 = 366 * 86_400;
/// The reminder comes when this much of the person's working time is left (or a quarter of
/// the whole time, when that is shorter).
pub const REMIND_BEFORE_S: i64 = 3600;
/// The most resolved expectations a list answers; open ones are all answered (up to
/// `OPEN_LIMIT`), so the sidebar's counts are right.
pub const DONE_LIMIT: i64 = 200;
pub const OPEN_LIMIT: i64 = 1000;
/// The most expectations one step of the scheduler acts on.
pub const BATCH: i64 = 200;

pub fn check_response_hours(h: i64) -> Result<()> {
    if !(1..=MAX_RESPONSE_HOURS).contains(&h) {
        return Err(Error::invalid(
            "expected_response_hours",
            format!("expected 1 to {MAX_RESPONSE_HOURS} working hours"),
        ));
    }
    Ok(())
}

/// What a post asks: whose answer, and by when if the requester says so.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub users: Vec<UserId>,
    pub reply_by_ts: Option<i64>,
}

impl Request {
    /// Checks the request before anything is written: nobody asks themselves, a bounded
    /// number of people, a due time in the future (and within a year). The people must be
    /// in the workspace (`access::require_members`, by the caller). `field` names the people
    /// in errors.
    pub fn check(&self, field: &str, actor: UserId, now: i64) -> Result<()> {
        if self.users.contains(&actor) {
            return Err(Error::invalid(field, "you cannot ask yourself for an answer"));
        }
        if self.users.len() > MAX_ASKED {
            return Err(Error::invalid(field, format!("at most {MAX_ASKED} people at once")));
        }
        if let Some(by) = self.reply_by_ts {
            if self.users.is_empty() {
                return Err(Error::invalid("reply_by_ts", "only with request_reply"));
            }
            if by <= now {
                return Err(Error::invalid("reply_by_ts", "the due time has passed"));
            }
            if by > now + MAX_REPLY_BY_S {
                return Err(Error::invalid("reply_by_ts", "at most a year ahead"));
            }
        }
        Ok(())
    }
}

/// Where an answer is asked for: the asking post.
#[derive(Debug, Clone, Copy)]
pub enum Asked<'a> {
    Thread { channel: &'a Channel, thread: ThreadId, comment: Option<CommentId>, index: i64 },
    Conversation { workspace: WorkspaceId, conversation: ConversationId, message: MessageId, index: i64 },
}

/// When an answer from someone with schedule `s` (away as `away`) asked for at `from` is
/// due, and when they are reminded: `hours` of their working time, or the requester's
/// `reply_by`. No working time at all ahead: the hours count as plain hours, unreminded.
fn due_times(
    s: &Schedule,
    away: Option<&AwayMode>,
    from: i64,
    hours: i64,
    reply_by: Option<i64>,
) -> (i64, Option<i64>) {
    let lead = |total: i64| REMIND_BEFORE_S.min(total / 4);
    match reply_by {
        Some(by) => {
            let total = schedule::working_between(s, away, from, by);
            let remind = (total > 0).then(|| schedule::after_working(s, away, from, total - lead(total))).flatten();
            (by, remind)
        }
        None => {
            let total = hours * 3600;
            match schedule::after_working(s, away, from, total) {
                Some(due) => (due, schedule::after_working(s, away, from, total - lead(total))),
                None => (from + total, None),
            }
        }
    }
}

/// The expected response time where the answer is asked for: the channel's own, else the
/// workspace's.
fn response_hours(tx: &mut dyn Tx, ws: WorkspaceId, channel: Option<&Channel>) -> Result<i64> {
    if let Some(h) = channel.and_then(|c| c.expected_response_hours) {
        return Ok(h);
    }
    Ok(tx.workspace(ws)?.map_or(8, |w| w.expected_response_hours))
}

/// Records what a post asks (`users`: the people asked who can see it) and tells both sides.
/// A person the requester already waits for in the same place keeps that expectation, which
/// the answer gives again.
pub fn ask(
    tx: &mut dyn Tx,
    requester: UserId,
    at: Asked,
    users: &[UserId],
    reply_by_ts: Option<i64>,
    now: i64,
) -> Result<Vec<Expectation>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let (ws, channel) = match at {
        Asked::Thread { channel, .. } => (channel.workspace_id, Some(channel)),
        Asked::Conversation { workspace, .. } => (workspace, None),
    };
    let hours = response_hours(tx, ws, channel)?;
    let mut out = Vec::new();
    // People the requester already waits for here, with their schedule and away time.
    let mut already: Vec<(UserId, Schedule, Option<AwayMode>)> = Vec::new();
    for (user, stored) in tx.users_with_schedules(users)? {
        let s = schedules::effective_from(stored, &user, now);
        let (due_ts, remind_ts) = due_times(&s, user.away_mode.as_ref(), now, hours, reply_by_ts);
        let mut e = Expectation {
            id: 0,
            kind: ExpectationKind::Reply,
            workspace_id: ws,
            requester_id: requester,
            user_id: user.id,
            channel_id: channel.map(|c| c.id),
            thread_id: None,
            comment_id: None,
            conversation_id: None,
            message_id: None,
            asked_index: -1,
            requested_ts: now,
            due_ts,
            reply_by_ts,
            state: ExpectationState::Open,
            resolution: None,
            resolved_by: None,
            resolved_ts: None,
            working_minutes_left: None,
            title: None,
            remind_ts,
            overdue_ts: None,
        };
        match at {
            Asked::Thread { thread, comment, index, .. } => {
                (e.thread_id, e.comment_id, e.asked_index) = (Some(thread), comment, index);
            }
            Asked::Conversation { conversation, message, index, .. } => {
                (e.conversation_id, e.message_id, e.asked_index) = (Some(conversation), Some(message), index);
            }
        }
        match tx.insert_expectation(&e)? {
            Some(id) => {
                e.id = id;
                e.working_minutes_left = Some(schedule::working_between(&s, user.away_mode.as_ref(), now, due_ts) / 60);
                tell(tx, "expectation_created", &e, now)?;
                out.push(e);
            }
            None => already.push((user.id, s, user.away_mode)),
        }
    }
    if !already.is_empty() {
        // Their open expectations, looked up once for all of them.
        let (threads, conversations): (Vec<ThreadId>, Vec<ConversationId>) = match at {
            Asked::Thread { thread, .. } => (vec![thread], vec![]),
            Asked::Conversation { conversation, .. } => (vec![], vec![conversation]),
        };
        for mut kept in tx.open_expectations_in(&threads, &conversations)? {
            if kept.kind != ExpectationKind::Reply {
                continue;
            }
            let Some((_, s, away)) =
                already.iter().find(|(u, ..)| kept.requester_id == requester && kept.user_id == *u)
            else {
                continue;
            };
            kept.working_minutes_left = Some(schedule::working_between(s, away.as_ref(), now, kept.due_ts) / 60);
            out.push(kept);
        }
    }
    out.sort_by_key(|e| e.user_id);
    Ok(out)
}

/// A decision or a meeting's outcomes expected of `user` in a thread by `due_ts`, from
/// `from_ts` on (a meeting's end, for its outcomes).
pub struct InThread<'a> {
    pub kind: ExpectationKind,
    pub requester: UserId,
    pub user: UserId,
    pub channel: &'a Channel,
    pub thread: ThreadId,
    pub from_ts: i64,
    pub due_ts: i64,
}

/// Records what `x` expects, telling both sides. One reminder before it is due, unless the
/// person expects it of themselves. None when the same is already expected.
pub fn expect_in_thread(tx: &mut dyn Tx, x: InThread, now: i64) -> Result<Option<Expectation>> {
    let InThread { kind, requester, user, channel, thread, from_ts, due_ts } = x;
    let Some((u, stored)) = tx.users_with_schedules(&[user])?.pop() else { return Ok(None) };
    let s = schedules::effective_from(stored, &u, now);
    let (_, remind_ts) = due_times(&s, u.away_mode.as_ref(), from_ts.max(now), 0, Some(due_ts));
    let mut e = Expectation {
        id: 0,
        kind,
        workspace_id: channel.workspace_id,
        requester_id: requester,
        user_id: user,
        channel_id: Some(channel.id),
        thread_id: Some(thread),
        comment_id: None,
        conversation_id: None,
        message_id: None,
        asked_index: -1,
        requested_ts: from_ts,
        due_ts,
        reply_by_ts: Some(due_ts),
        state: ExpectationState::Open,
        resolution: None,
        resolved_by: None,
        resolved_ts: None,
        working_minutes_left: None,
        title: None,
        remind_ts: remind_ts.filter(|_| requester != user),
        overdue_ts: None,
    };
    let Some(id) = tx.insert_expectation(&e)? else { return Ok(None) };
    e.id = id;
    tell(tx, "expectation_created", &e, now)?;
    Ok(Some(e))
}

/// Meets (or, `Withdrawn`, drops) the open expectations of one kind in a thread: a decision
/// was marked, a meeting's outcomes posted, the DRI or due date changed.
pub fn settle_in_thread(
    tx: &mut dyn Tx,
    kind: ExpectationKind,
    thread: ThreadId,
    resolution: Resolution,
    by: UserId,
    now: i64,
) -> Result<()> {
    for e in tx.open_expectations_in(&[thread], &[])?.into_iter().filter(|e| e.kind == kind) {
        if tx.resolve_expectations(&[e.id], resolution, by, now)? > 0 {
            close_told(tx, e, resolution, by, now)?;
        }
    }
    Ok(())
}

fn close_told(
    tx: &mut dyn Tx,
    mut e: Expectation,
    resolution: Resolution,
    by: UserId,
    now: i64,
) -> Result<Expectation> {
    (e.state, e.resolution, e.resolved_by, e.resolved_ts, e.remind_ts) =
        (ExpectationState::Done, Some(resolution), Some(by), Some(now), None);
    tell(tx, "expectation_met", &e, now)?;
    Ok(e)
}

/// Tells both sides of an expectation (`kind`: created, due soon, overdue, met, updated).
fn tell(tx: &mut dyn Tx, kind: &'static str, e: &Expectation, now: i64) -> Result<()> {
    let audience = match kind {
        // The reminder is the asked person's alone.
        "expectation_due_soon" => Audience::user(e.user_id),
        _ => Audience::user(e.requester_id).and_user(e.user_id),
    };
    emit(tx, e.workspace_id, kind, audience, e, now).map(drop)
}

/// A post by `author` at position `index` of a thread or conversation: what may answer.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub thread: Option<ThreadId>,
    pub conversation: Option<ConversationId>,
    pub author: UserId,
    pub index: i64,
    /// When it was posted: the expectation is met as of then.
    pub at: i64,
}

impl Answer {
    pub fn comment(c: &Comment) -> Answer {
        Answer { thread: Some(c.thread_id), conversation: None, author: c.creator, index: c.obj_index, at: c.posted_ts }
    }
    pub fn message(m: &Message) -> Answer {
        Answer {
            thread: None,
            conversation: Some(m.conversation_id),
            author: m.creator,
            index: m.obj_index,
            at: m.posted_ts,
        }
    }
}

/// Meets the open expectations these posts answer: a post by the person asked, after the
/// asking post, in the same thread or conversation. One query for all the posts (of a
/// fan-out job), which finds nothing in the common case.
pub fn answered(tx: &mut dyn Tx, posts: &[Answer], now: i64) -> Result<()> {
    let threads: Vec<ThreadId> = posts.iter().filter_map(|p| p.thread).collect();
    let conversations: Vec<ConversationId> = posts.iter().filter_map(|p| p.conversation).collect();
    if threads.is_empty() && conversations.is_empty() {
        return Ok(());
    }
    let open = tx.open_expectations_in(&threads, &conversations)?;
    meet(tx, posts, open, now)
}

/// `answered`, the open expectations in the posts' threads already read (the fan-out reads
/// them with its posts: `Tx::posts_and_places`).
pub fn answered_in_threads_read(
    tx: &mut dyn Tx,
    posts: &[Answer],
    in_threads: Vec<Expectation>,
    now: i64,
) -> Result<()> {
    let conversations: Vec<ConversationId> = posts.iter().filter_map(|p| p.conversation).collect();
    let mut open = in_threads;
    if !conversations.is_empty() {
        open.extend(tx.open_expectations_in(&[], &conversations)?);
    }
    meet(tx, posts, open, now)
}

fn meet(tx: &mut dyn Tx, posts: &[Answer], open: Vec<Expectation>, now: i64) -> Result<()> {
    for mut e in open.into_iter().filter(|e| e.kind == ExpectationKind::Reply) {
        let answer = posts.iter().find(|p| {
            p.author == e.user_id
                && p.index > e.asked_index
                && ((p.thread.is_some() && p.thread == e.thread_id)
                    || (p.conversation.is_some() && p.conversation == e.conversation_id))
        });
        let Some(answer) = answer else { continue };
        if tx.resolve_expectations(&[e.id], Resolution::Answered, e.user_id, answer.at)? > 0 {
            (e.state, e.resolution, e.resolved_by, e.resolved_ts, e.remind_ts) =
                (ExpectationState::Done, Some(Resolution::Answered), Some(e.user_id), Some(answer.at), None);
            tell(tx, "expectation_met", &e, now)?;
        }
    }
    Ok(())
}

/// An expectation the actor is a side of, still in their sight; otherwise not found.
fn own(tx: &mut dyn Tx, actor: UserId, id: i64) -> Result<Expectation> {
    let e = tx.expectation(id)?.ok_or(Error::NotFound(NotFound::Resource))?;
    if e.user_id != actor && e.requester_id != actor {
        return Err(Error::NotFound(NotFound::Resource));
    }
    let seen = match (e.thread_id, e.conversation_id) {
        (Some(t), _) => access::thread(tx, t, actor).is_ok(),
        (_, Some(c)) => access::conversation(tx, c, actor).is_ok(),
        _ => false,
    };
    if !seen {
        return Err(Error::NotFound(NotFound::Resource));
    }
    Ok(e)
}

fn close(tx: &mut dyn Tx, e: Expectation, resolution: Resolution, actor: UserId, now: i64) -> Result<Expectation> {
    if e.resolution.is_some() {
        return Err(Error::AlreadyExists("this expectation is already resolved".into()));
    }
    tx.resolve_expectations(&[e.id], resolution, actor, now)?;
    close_told(tx, e, resolution, actor, now)
}

/// `expectations/resolve`: the person asked says they answered (elsewhere, say) or that no
/// answer is needed.
pub fn resolve(tx: &mut dyn Tx, actor: UserId, id: i64, resolution: Resolution, now: i64) -> Result<Expectation> {
    let e = own(tx, actor, id)?;
    if e.user_id != actor {
        return Err(Error::forbidden("only the person asked resolves it; the person who asked may withdraw it"));
    }
    if resolution == Resolution::Withdrawn {
        return Err(Error::invalid("resolution", "expected answered or no_reply_needed"));
    }
    close(tx, e, resolution, actor, now)
}

/// `expectations/withdraw`: the requester no longer waits for the answer.
pub fn withdraw(tx: &mut dyn Tx, actor: UserId, id: i64, now: i64) -> Result<Expectation> {
    let e = own(tx, actor, id)?;
    if e.requester_id != actor {
        return Err(Error::forbidden("only the person who asked can withdraw it"));
    }
    close(tx, e, Resolution::Withdrawn, actor, now)
}

/// How many expectations are open and overdue, on each side (the sidebar's counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Counts {
    /// Answers the person owes, not yet due.
    pub owed_open: i64,
    /// Answers the person owes, past due.
    pub owed_overdue: i64,
    /// Answers the person waits for, not yet due.
    pub waiting_open: i64,
    /// Answers the person waits for, past due.
    pub waiting_overdue: i64,
}

/// Which expectations a list wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    /// Not yet due.
    Open,
    /// Past due, not resolved.
    Overdue,
    /// Resolved (the newest `DONE_LIMIT`).
    Done,
    /// Open or overdue: everything not resolved.
    Pending,
}

/// `expectations/get`: what the actor owes or waits for in a workspace, in one state,
/// newest first — only what they still see — with the counts of both sides.
pub fn list(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    role: ExpectationRole,
    state: StateFilter,
    now: i64,
) -> Result<(Vec<Expectation>, Counts)> {
    let kind = access::role_in(tx, ws, actor)?;
    let owed = tx.expectations_of(ws, actor, ExpectationRole::Owed, true, OPEN_LIMIT)?;
    let mut waiting = tx.expectations_of(ws, actor, ExpectationRole::Waiting, true, OPEN_LIMIT)?;
    let mut done = match state {
        StateFilter::Done => tx.expectations_of(ws, actor, role, false, DONE_LIMIT)?,
        _ => Vec::new(),
    };
    if role == ExpectationRole::Waiting {
        done.retain(|e| e.user_id != actor);
    }
    waiting.retain(|e| e.user_id != actor);
    let any = !(owed.is_empty() && waiting.is_empty() && done.is_empty());
    // What the actor sees: the channels' threads, and their own conversations.
    let (channels, conversations): (HashSet<ChannelId>, HashMap<ConversationId, Option<String>>) = if any {
        let channels = tx.channels_in(ws, actor)?;
        let seen = channels.iter().filter(|c| policy::can_see_channel(kind, c, actor)).map(|c| c.id).collect();
        let conversations = tx.conversations_of(ws, actor)?.into_iter().map(|c| (c.id, c.title)).collect();
        (seen, conversations)
    } else {
        Default::default()
    };
    // A meeting's outcomes are owed once it has ended; what a person expects of themselves
    // (a decision due they set as the DRI, outcomes) is not something they wait for.
    let visible = |e: &Expectation| {
        let seen = match (e.channel_id, e.conversation_id) {
            (Some(c), _) => channels.contains(&c),
            (_, Some(c)) => conversations.contains_key(&c),
            _ => false,
        };
        seen && e.requested_ts <= now
    };
    let mut counts = Counts::default();
    for (list, open, overdue) in [
        (&owed, &mut counts.owed_open, &mut counts.owed_overdue),
        (&waiting, &mut counts.waiting_open, &mut counts.waiting_overdue),
    ] {
        for e in list.iter().filter(|e| visible(e)) {
            *(if e.due_ts <= now { &mut *overdue } else { &mut *open }) += 1;
        }
    }
    let mut out: Vec<Expectation> = match state {
        StateFilter::Done => done,
        StateFilter::Open | StateFilter::Overdue | StateFilter::Pending => {
            let open = if role == ExpectationRole::Owed { owed } else { waiting };
            let wanted = |e: &Expectation| match state {
                StateFilter::Open => e.due_ts > now,
                StateFilter::Overdue => e.due_ts <= now,
                _ => true,
            };
            open.into_iter().filter(wanted).collect()
        }
    };
    out.retain(|e| visible(e));
    describe(tx, &mut out, &conversations, now)?;
    Ok((out, counts))
}

/// Fills in what lists show: the state as of `now`, the working time left of open ones (in
/// the asked person's schedule) and the thread's or conversation's title.
fn describe(
    tx: &mut dyn Tx,
    list: &mut [Expectation],
    conversations: &HashMap<ConversationId, Option<String>>,
    now: i64,
) -> Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    let mut threads: Vec<ThreadId> = list.iter().filter_map(|e| e.thread_id).collect();
    threads.sort_unstable();
    threads.dedup();
    let titles: HashMap<ThreadId, String> =
        tx.threads_by_ids(&threads, UserId(0))?.into_iter().map(|t| (t.id, t.title)).collect();
    let mut people: Vec<UserId> = list.iter().filter(|e| e.resolution.is_none()).map(|e| e.user_id).collect();
    people.sort_unstable();
    people.dedup();
    let plans: HashMap<UserId, (Schedule, Option<AwayMode>)> = tx
        .users_with_schedules(&people)?
        .into_iter()
        .map(|(u, stored)| (u.id, (schedules::effective_from(stored, &u, now), u.away_mode.clone())))
        .collect();
    for e in list {
        e.title = match (e.thread_id, e.conversation_id) {
            (Some(t), _) => titles.get(&t).cloned(),
            (_, Some(c)) => conversations.get(&c).cloned().flatten(),
            _ => None,
        };
        if e.resolution.is_none() {
            e.state = if e.due_ts <= now { ExpectationState::Overdue } else { ExpectationState::Open };
            e.working_minutes_left = match (e.state, plans.get(&e.user_id)) {
                (ExpectationState::Open, Some((s, away))) => {
                    Some(schedule::working_between(s, away.as_ref(), now, e.due_ts) / 60)
                }
                _ => None,
            };
        }
    }
    Ok(())
}

/// When an answer would be due from each of these people, were the actor to ask them now
/// (`expectations/preview`: the composer shows it before sending).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DueTime {
    pub user_id: UserId,
    pub due_ts: i64,
    /// How much of the person's working time that is, in minutes.
    pub working_minutes: i64,
}

/// Where a preview is for: a channel (its own response time) or a conversation.
#[derive(Debug, Clone, Copy)]
pub enum Where {
    Channel(ChannelId),
    Conversation(ConversationId),
}

pub fn preview(
    tx: &mut dyn Tx,
    actor: UserId,
    place: Where,
    users: &[UserId],
    reply_by_ts: Option<i64>,
    now: i64,
) -> Result<Vec<DueTime>> {
    Request { users: users.to_vec(), reply_by_ts }.check("user_ids", actor, now)?;
    let (ws, channel) = match place {
        Where::Channel(id) => {
            let (ch, _) = access::channel(tx, id, actor)?;
            (ch.workspace_id, Some(ch))
        }
        Where::Conversation(id) => (access::conversation(tx, id, actor)?.0.workspace_id, None),
    };
    access::require_members(tx, ws, users)?;
    let hours = response_hours(tx, ws, channel.as_ref())?;
    let mut out: Vec<DueTime> = tx
        .users_with_schedules(users)?
        .into_iter()
        .map(|(u, stored)| {
            let s = schedules::effective_from(stored, &u, now);
            let (due_ts, _) = due_times(&s, u.away_mode.as_ref(), now, hours, reply_by_ts);
            let working_minutes = schedule::working_between(&s, u.away_mode.as_ref(), now, due_ts) / 60;
            DueTime { user_id: u.id, due_ts, working_minutes }
        })
        .collect();
    out.sort_by_key(|d| d.user_id);
    Ok(out)
}

/// One step of the scheduler: sends the reminders that have come (a notification, pushed
/// when the person is available, never through do-not-disturb) and marks what has turned
/// overdue, telling both sides. Answers how many it acted on.
pub fn run_due(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let due = tx.due_expectations(now, BATCH)?;
    let n = due.len();
    // No reminder once it is due ("overdue" says enough), nor to someone no longer an active
    // member: who still is, looked up once per workspace.
    let mut to_remind: HashMap<WorkspaceId, Vec<UserId>> = HashMap::new();
    for e in due.iter().filter(|e| e.remind_ts.is_some_and(|t| t <= now) && e.due_ts > now) {
        to_remind.entry(e.workspace_id).or_default().push(e.user_id);
    }
    let mut active: HashSet<(WorkspaceId, UserId)> = HashSet::new();
    for (ws, users) in to_remind {
        active.extend(tx.active_members(ws, &users)?.into_iter().map(|u| (ws, u)));
    }
    for mut e in due {
        if e.remind_ts.is_some_and(|t| t <= now) {
            e.remind_ts = None;
            if e.due_ts > now && active.contains(&(e.workspace_id, e.user_id)) {
                remind(tx, &e, now)?;
            }
        }
        if e.overdue_ts.is_none() && e.due_ts <= now {
            e.overdue_ts = Some(now);
            e.state = ExpectationState::Overdue;
            tell(tx, "expectation_overdue", &e, now)?;
        }
        tx.set_expectation_times(&e)?;
    }
    Ok(n)
}

fn remind(tx: &mut dyn Tx, e: &Expectation, now: i64) -> Result<()> {
    let n = Notification {
        channel_id: e.channel_id,
        thread_id: e.thread_id,
        comment_id: e.comment_id,
        conversation_id: e.conversation_id,
        message_id: e.message_id,
        ..Notification::new(e.workspace_id, NotifyReason::ReplyDue, e.comment_id.is_some(), e.requester_id, now)
    };
    let push = PushOf {
        workspace: e.workspace_id,
        thread: e.thread_id,
        conversation: e.conversation_id,
        obj_index: e.asked_index,
        at: now,
    };
    notify::one(tx, e.user_id, n, push, now)?;
    tell(tx, "expectation_due_soon", e, now)
}

/// A person's schedule and away time before a change, kept to move the due times of the
/// answers they owe: the working time each had left is counted again in the new schedule,
/// so time already passed stays passed and an away period pauses the clock.
pub struct Before {
    user: UserId,
    schedule: Schedule,
    away: Option<AwayMode>,
    owed: Vec<Expectation>,
}

impl Before {
    /// None when the person owes no counted answer (nothing to move).
    pub fn of(tx: &mut dyn Tx, user: UserId, now: i64) -> Result<Option<Before>> {
        let owed = tx.counted_expectations_owed_by(user, now)?;
        if owed.is_empty() {
            return Ok(None);
        }
        let Some(u) = tx.user(user)? else { return Ok(None) };
        let schedule = schedules::effective(tx, &u, now)?;
        Ok(Some(Before { user, schedule, away: u.away_mode, owed }))
    }

    /// After the change: each answer's due time and reminder counted again.
    pub fn replan(self, tx: &mut dyn Tx, now: i64) -> Result<()> {
        let Some(u) = tx.user(self.user)? else { return Ok(()) };
        let after = schedules::effective(tx, &u, now)?;
        let (old, new) = ((&self.schedule, self.away.as_ref()), (&after, u.away_mode.as_ref()));
        let moved = |t: i64| {
            let left = schedule::working_between(old.0, old.1, now, t);
            schedule::after_working(new.0, new.1, now, left).unwrap_or(now + left)
        };
        for mut e in self.owed {
            let (due, remind) = (moved(e.due_ts), e.remind_ts.map(|t| if t > now { moved(t) } else { t }));
            if (due, remind) != (e.due_ts, e.remind_ts) {
                (e.due_ts, e.remind_ts) = (due, remind);
                tx.set_expectation_times(&e)?;
                tell(tx, "expectation_updated", &e, now)?;
            }
        }
        Ok(())
    }
}
