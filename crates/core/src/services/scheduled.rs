//! Scheduled send: a thread, comment or message written now and posted later — at a time
//! its author gives, or at "their morning", the start of the next working period of the
//! person it goes to (of most of them, for several). Until then it is its author's alone:
//! nobody else sees it, nothing is notified. At its time the scheduler posts it exactly
//! once, as if it were new (notifications, inbox, expectations from that moment); an
//! instance that was down posts what came due on start, marked late. If the author can no
//! longer post there, it is not posted and the author is told.

use super::threads::{self, PostInput, Recipients};
use super::{access, emit, notify};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::schedule;
use crate::services::delivery::PushOf;
use crate::services::expectations::Request;
use crate::store::Tx;

/// Posted this long after its time, a post is marked late.
pub const LATE_AFTER_S: i64 = 120;
/// The furthest ahead a post may be scheduled.
pub const MAX_AHEAD_S: i64 = 366 * 86_400;
/// The most posts a list answers.
pub const LIST_LIMIT: i64 = 200;
/// The most posts one step of the scheduler looks at.
pub const BATCH: i64 = 50;

/// When to send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(i64),
    RecipientMorning,
    /// At the scheduler's next tick (`scheduled/update` with `send_now`).
    Now,
}

/// What is to be posted, and where.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: ScheduledKind,
    /// A thread's channel, a comment's thread, a message's conversation.
    pub channel: Option<ChannelId>,
    pub thread: Option<ThreadId>,
    pub conversation: Option<ConversationId>,
    pub post: ScheduledContent,
}

impl Draft {
    pub fn thread(channel: ChannelId, title: String, post: &PostInput) -> Draft {
        Draft {
            kind: ScheduledKind::Thread,
            channel: Some(channel),
            thread: None,
            conversation: None,
            post: content(Some(title), post),
        }
    }
    pub fn comment(thread: ThreadId, post: &PostInput) -> Draft {
        Draft {
            kind: ScheduledKind::Comment,
            channel: None,
            thread: Some(thread),
            conversation: None,
            post: content(None, post),
        }
    }
    pub fn message(conversation: ConversationId, post: &PostInput) -> Draft {
        Draft {
            kind: ScheduledKind::Message,
            channel: None,
            thread: None,
            conversation: Some(conversation),
            post: content(None, post),
        }
    }
}

/// A post's input, to keep until it is sent.
fn content(title: Option<String>, p: &PostInput) -> ScheduledContent {
    ScheduledContent {
        title,
        content: p.content.clone(),
        attachments: p.attachments.clone(),
        actions: p.actions.clone(),
        everyone: p.recipients == Some(Recipients::Everyone),
        recipients: match &p.recipients {
            Some(Recipients::Users(ids)) => Some(ids.clone()),
            _ => None,
        },
        groups: p.groups.clone(),
        direct_mentions: p.direct_mentions.clone(),
        direct_group_mentions: p.direct_group_mentions.clone(),
        request_reply: p.request.users.clone(),
        reply_by_ts: p.request.reply_by_ts,
    }
}

/// The post to make, back from what was kept.
fn post_input(c: &ScheduledContent) -> PostInput {
    PostInput {
        content: c.content.clone(),
        attachments: c.attachments.clone(),
        actions: c.actions.clone(),
        recipients: if c.everyone { Some(Recipients::Everyone) } else { c.recipients.clone().map(Recipients::Users) },
        groups: c.groups.clone(),
        direct_mentions: c.direct_mentions.clone(),
        direct_group_mentions: c.direct_group_mentions.clone(),
        request: Request { users: c.request_reply.clone(), reply_by_ts: c.reply_by_ts },
    }
}

/// Where a draft goes, checked as posting there now would be: its workspace, the thread's
/// channel, and who it would reach (for "their morning" only: the rest needs nobody's list).
struct Place {
    workspace: WorkspaceId,
    channel: Option<ChannelId>,
    audience: Vec<UserId>,
}

fn place(tx: &mut dyn Tx, actor: &User, d: &Draft, when: When) -> Result<Place> {
    let c = &d.post;
    let wanted = when == When::RecipientMorning;
    let explicit = |tx: &mut dyn Tx, ch: &Channel| -> Result<Option<Vec<UserId>>> {
        Ok(if !wanted {
            Some(Vec::new())
        } else if c.everyone {
            Some(tx.channel(ch.id, actor.id)?.map(|c| c.user_ids).unwrap_or_default())
        } else {
            c.recipients.clone()
        })
    };
    let (workspace, channel, mut audience) = match d.kind {
        ScheduledKind::Thread => {
            let (ch, role) = access::channel_to_post(tx, d.channel.ok_or(Error::missing("channel_id"))?, actor.id)?;
            postable(&ch, role, actor.id)?;
            let audience = match explicit(tx, &ch)? {
                Some(list) => list,
                None if ch.use_default_recipients => ch.default_recipients.clone(),
                None => Vec::new(),
            };
            (ch.workspace_id, Some(ch.id), audience)
        }
        ScheduledKind::Comment => {
            let (t, ch, role) = access::thread_to_post(tx, d.thread.ok_or(Error::missing("thread_id"))?, actor.id)?;
            postable(&ch, role, actor.id)?;
            let audience = explicit(tx, &ch)?.unwrap_or(t.participants);
            (ch.workspace_id, Some(ch.id), audience)
        }
        ScheduledKind::Message => {
            let (conv, _) =
                access::conversation(tx, d.conversation.ok_or(Error::missing("conversation_id"))?, actor.id)?;
            (conv.workspace_id, None, conv.user_ids)
        }
    };
    if !wanted {
        return Ok(Place { workspace, channel, audience: Vec::new() });
    }
    audience.extend(c.request_reply.iter().copied());
    let audience = super::dedup(audience).into_iter().filter(|u| *u != actor.id).collect();
    Ok(Place { workspace, channel, audience })
}

/// A scheduled post may go where its author may post — but not in an emergency channel:
/// what is posted there is urgent, and urgent cannot wait.
fn postable(ch: &Channel, role: UserType, actor: UserId) -> Result<()> {
    if !policy::can_post_in_channel(role, ch, actor) {
        return Err(Error::forbidden("the channel is archived"));
    }
    if ch.emergency {
        return Err(Error::invalid(
            "send_at",
            format!("#{} is an emergency channel: what is posted there cannot wait", ch.name),
        ));
    }
    Ok(())
}

/// The time a post is sent, and why, in words.
fn send_time(tx: &mut dyn Tx, when: When, audience: &[UserId], now: i64) -> Result<(i64, SendAt, String)> {
    match when {
        When::Now => Ok((now, SendAt::Time, "sent at once".to_string())),
        When::At(ts) => {
            if ts <= now {
                return Err(Error::invalid("send_at_ts", "the time has passed"));
            }
            if ts > now + MAX_AHEAD_S {
                return Err(Error::invalid("send_at_ts", "at most a year ahead"));
            }
            Ok((ts, SendAt::Time, "at the time chosen".to_string()))
        }
        When::RecipientMorning => {
            if audience.is_empty() {
                return Err(Error::invalid(
                    "send_at",
                    "the post goes to nobody in particular: give send_at_ts instead",
                ));
            }
            let mut starts: Vec<(i64, User, String)> = Vec::new();
            for (user, stored) in tx.users_with_schedules(audience)? {
                let s = super::schedules::effective_from(stored, &user, now);
                if let Some(t) = schedule::next_working_start(&s, user.away_mode.as_ref(), now) {
                    starts.push((t, user, s.timezone));
                }
            }
            if starts.is_empty() {
                return Err(Error::invalid("send_at", "nobody it goes to has working hours in the next three weeks"));
            }
            starts.sort_by_key(|(t, u, _)| (*t, u.id));
            // The moment more than half of them have started their working period.
            let k = starts.len() / 2;
            let (t, who, zone) = &starts[k];
            let local = local_time(*t, zone);
            let explained = if audience.len() == 1 {
                format!("{}'s next working period starts {local} ({zone})", who.name)
            } else {
                format!(
                    "{} of the {} people it goes to have started their working day by then: {local} for {} ({zone})",
                    k + 1,
                    audience.len(),
                    who.name
                )
            };
            Ok((*t, SendAt::RecipientMorning, explained))
        }
    }
}

/// "Tue 01 Dec 09:00" in `zone`.
pub(crate) fn local_time(ts: i64, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_second(ts).map(|t| t.to_zoned(tz).strftime("%a %d %b %H:%M").to_string()).unwrap_or_default()
}

/// Checks what the post will carry as posting it would — the people and groups it names
/// exist, its files are the author's uploads, what it asks is sound at its time — and
/// answers the uploads it keeps.
fn check_content(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    c: &mut ScheduledContent,
    send_at: i64,
) -> Result<Vec<String>> {
    if let Some(r) = &c.recipients {
        access::require_members(tx, ws, r)?;
    }
    if let Some(g) = &c.groups {
        threads::check_groups(tx, ws, g)?;
    }
    threads::mentions(tx, ws, &c.content, &c.direct_mentions, &c.direct_group_mentions)?;
    let request = Request { users: c.request_reply.clone(), reply_by_ts: c.reply_by_ts };
    c.request_reply = threads::asks(tx, ws, actor, request, send_at)?.users;
    super::attachments::resolve(tx, actor, &mut c.attachments)
}

/// Tells the author's own apps (nobody else's) about their scheduled post.
fn tell(tx: &mut dyn Tx, kind: &'static str, p: &ScheduledPost, now: i64) -> Result<()> {
    emit(tx, p.workspace_id, kind, Audience::user(p.author_id), p, now).map(drop)
}

/// Schedules a post (threads/add, comments/add, conversation_messages/add with send_at_ts
/// or send_at).
pub fn schedule(tx: &mut dyn Tx, actor: &User, mut draft: Draft, when: When, now: i64) -> Result<ScheduledPost> {
    let at = place(tx, actor, &draft, when)?;
    let (send_at_ts, send_at, explained) = send_time(tx, when, &at.audience, now)?;
    let uploads = check_content(tx, actor.id, at.workspace, &mut draft.post, send_at_ts)?;
    let mut p = ScheduledPost {
        id: 0,
        workspace_id: at.workspace,
        author_id: actor.id,
        kind: draft.kind,
        channel_id: at.channel,
        thread_id: draft.thread,
        conversation_id: draft.conversation,
        post: draft.post,
        send_at_ts,
        send_at,
        explained,
        created_ts: now,
        updated_ts: now,
        state: ScheduledState::Scheduled,
        sent_ts: None,
        posted_id: None,
        late: false,
        error: None,
    };
    p.id = tx.insert_scheduled(&p)?;
    tx.set_scheduled_attachments(p.id, &uploads)?;
    tell(tx, "scheduled_added", &p, now)?;
    Ok(p)
}

/// The actor's own scheduled post; anyone else's is not found.
fn own(tx: &mut dyn Tx, actor: UserId, id: i64) -> Result<ScheduledPost> {
    match tx.scheduled(id)? {
        Some(p) if p.author_id == actor => Ok(p),
        _ => Err(Error::NotFound(NotFound::Resource)),
    }
}

fn still_waiting(p: &ScheduledPost) -> Result<()> {
    match p.state {
        ScheduledState::Scheduled => Ok(()),
        ScheduledState::Sent => Err(Error::BadRequest("it was already sent".into())),
        ScheduledState::Failed => Err(Error::BadRequest("it could not be sent, and will not be".into())),
        ScheduledState::Cancelled => Err(Error::BadRequest("it was cancelled".into())),
    }
}

/// `scheduled/get`: the actor's waiting posts in a workspace, soonest first (with
/// `finished`, the newest sent, failed and cancelled ones instead).
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, finished: bool) -> Result<Vec<ScheduledPost>> {
    access::role_in(tx, ws, actor)?;
    tx.scheduled_of(ws, actor, finished, LIST_LIMIT)
}

/// What `scheduled/update` changes (None: left as it is).
#[derive(Debug, Default)]
pub struct Update {
    pub title: Option<String>,
    pub content: Option<String>,
    pub when: Option<When>,
}

/// `scheduled/update`: its author edits a waiting post's text or time.
pub fn update(tx: &mut dyn Tx, actor: &User, id: i64, up: Update, now: i64) -> Result<ScheduledPost> {
    let mut p = own(tx, actor.id, id)?;
    still_waiting(&p)?;
    if let Some(title) = up.title {
        if p.kind != ScheduledKind::Thread {
            return Err(Error::invalid("title", "only a thread has a title"));
        }
        p.post.title = Some(title);
    }
    if let Some(content) = up.content {
        p.post.content = content;
    }
    if let Some(when) = up.when {
        let draft = Draft {
            kind: p.kind,
            channel: p.channel_id,
            thread: p.thread_id,
            conversation: p.conversation_id,
            post: p.post.clone(),
        };
        let at = place(tx, actor, &draft, when)?;
        (p.send_at_ts, p.send_at, p.explained) = send_time(tx, when, &at.audience, now)?;
    }
    let uploads = check_content(tx, actor.id, p.workspace_id, &mut p.post, p.send_at_ts)?;
    p.updated_ts = now;
    tx.update_scheduled(&p)?;
    tx.set_scheduled_attachments(p.id, &uploads)?;
    tell(tx, "scheduled_updated", &p, now)?;
    Ok(p)
}

/// `scheduled/cancel`: its author drops a waiting post.
pub fn cancel(tx: &mut dyn Tx, actor: UserId, id: i64, now: i64) -> Result<ScheduledPost> {
    let mut p = own(tx, actor, id)?;
    still_waiting(&p)?;
    (p.state, p.updated_ts) = (ScheduledState::Cancelled, now);
    tx.update_scheduled(&p)?;
    tx.set_scheduled_attachments(p.id, &[])?;
    tell(tx, "scheduled_updated", &p, now)?;
    Ok(p)
}

/// The waiting posts whose time has come (ids, soonest first).
pub fn due(tx: &mut dyn Tx, now: i64) -> Result<Vec<i64>> {
    tx.due_scheduled(now, BATCH)
}

/// Posts one scheduled post whose time has come, as its author, as if new: in one write
/// transaction with the record that it was sent, so it is posted once whatever runs it (a
/// node that comes second finds it sent). `Ok(None)`: nothing to do. An error leaves
/// nothing behind (the transaction is rolled back): the caller then decides whether it
/// failed for good (`fail`).
pub fn send(tx: &mut dyn Tx, id: i64, now: i64) -> Result<Option<ScheduledPost>> {
    let Some(mut p) = tx.scheduled(id)? else { return Ok(None) };
    if p.state != ScheduledState::Scheduled || p.send_at_ts > now {
        return Ok(None);
    }
    let author = tx.user(p.author_id)?.filter(|u| !u.removed).ok_or(Error::NotFound(NotFound::User))?;
    let input = post_input(&p.post);
    let posted_id = match p.kind {
        ScheduledKind::Thread => {
            let channel_id = p.channel_id.ok_or(Error::NotFound(NotFound::Channel))?;
            let title = p.post.title.clone().unwrap_or_default();
            threads::add(tx, &author, threads::NewThreadInput { channel_id, title, post: input, urgent: false }, now)?
                .item
                .id
                .0
        }
        ScheduledKind::Comment => {
            let thread_id = p.thread_id.ok_or(Error::NotFound(NotFound::Thread))?;
            let new = super::comments::NewCommentInput {
                thread_id,
                post: input,
                thread_action: None,
                mark_thread_position: true,
                urgent: false,
            };
            super::comments::add(tx, &author, new, now)?.item.id.0
        }
        ScheduledKind::Message => {
            let conversation = p.conversation_id.ok_or(Error::NotFound(NotFound::Conversation))?;
            super::conversations::add_message(tx, &author, conversation, input, now)?.item.id.0
        }
    };
    (p.state, p.sent_ts, p.posted_id, p.updated_ts) = (ScheduledState::Sent, Some(now), Some(posted_id), now);
    p.late = now - p.send_at_ts > LATE_AFTER_S;
    tx.update_scheduled(&p)?;
    tx.set_scheduled_attachments(p.id, &[])?;
    tell(tx, "scheduled_updated", &p, now)?;
    Ok(Some(p))
}

/// Whether an error of `send` means the post will never go out (the author lost access,
/// the thread was deleted, what it names is gone), rather than a passing failure of the
/// storage, to be tried again.
pub fn for_good(e: &Error) -> bool {
    !matches!(e, Error::Internal(_) | Error::Unavailable(_))
}

/// Records that a scheduled post could not be sent, and why, and tells its author (their
/// apps, and a notification pushed on the usual quiet terms).
pub fn fail(tx: &mut dyn Tx, id: i64, why: &Error, now: i64) -> Result<()> {
    let Some(mut p) = tx.scheduled(id)? else { return Ok(()) };
    if p.state != ScheduledState::Scheduled {
        return Ok(());
    }
    let reason = match why {
        Error::NotFound(_) | Error::Forbidden(_) => "you can no longer post there".to_string(),
        other => other.to_string(),
    };
    (p.state, p.error, p.updated_ts) = (ScheduledState::Failed, Some(reason), now);
    tx.update_scheduled(&p)?;
    tx.set_scheduled_attachments(p.id, &[])?;
    tell(tx, "scheduled_updated", &p, now)?;
    let n = Notification::new(p.workspace_id, NotifyReason::ScheduledNotSent, false, p.author_id, now);
    let push = PushOf { workspace: p.workspace_id, thread: None, conversation: None, obj_index: -1, at: now };
    notify::one(tx, p.author_id, n, push, now)
}
