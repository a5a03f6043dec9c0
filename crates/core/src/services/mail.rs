//! Email. Every `push` a person gets on their stream — one at a time, an hourly batch, the
//! daily digest, the emergency lane, coverage — becomes at most one email. The mailer reads
//! the pushes from the event log in order, behind a cursor, and writes each email to a
//! durable outbox in the same transaction that moves the cursor: on several nodes, and
//! across restarts, each push is turned into an email once. Sending, retrying and parking
//! work on the outbox rows.
//!
//! An email is composed in three steps: `gather` reads the push's recipient and what its
//! items refer to, `check` decides what to send (settings, removed people, things gone or
//! out of sight, nothing left), and `crate::mail` renders the result — a pure function.

use super::{auth, notifications};
use crate::error::{Error, NotFound, Result};
use crate::event::Event;
use crate::ids::*;
use crate::mail::{Draft, Notice};
use crate::model::{Comment, Message, Notification, NotificationType, Thread, User, Workspace};
use crate::payload::{Push, PushItem};
use crate::store::{MailOutcome, NewMail, OutboxMail, Tx};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Pushes turned into email per transaction.
pub const ENQUEUE_BATCH: i64 = 200;
/// Emails leased per transaction to be sent.
pub const SEND_BATCH: i64 = 50;
/// A push older than this when the mailer first reads it is not mailed: mail was off then,
/// and a burst of stale email helps nobody.
pub const MAX_AGE_S: i64 = 24 * 3600;
/// How long a node may take to send an email it leased before another node takes it over.
pub const LEASE_S: i64 = 120;
/// Tries before an email is parked for an admin to look at.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long an unsubscribe link works after its email was made.
pub const UNSUBSCRIBE_LINK_TTL_S: i64 = 90 * 24 * 3600;
/// Pushes the cursor may fall behind the log's head before it is moved on anyway.
const CURSOR_SLACK: i64 = 5000;

/// Whether `enqueue` has work: a push not yet read, or a cursor to set up or move on.
pub fn enqueue_due(tx: &mut dyn Tx) -> Result<bool> {
    let Some(cursor) = tx.mail_cursor()? else { return Ok(true) };
    Ok(!tx.events_of_kind_after(Push::KIND, cursor, 1)?.is_empty() || tx.event_head()? - cursor > CURSOR_SLACK)
}

/// Turns the pushes after the cursor into outbox emails (links start with `base_url`) and
/// moves the cursor past them. The first time (mail just set up) it starts at the head of
/// the log: nothing from before is mailed. Answers how many pushes it read (a full
/// `ENQUEUE_BATCH`: there may be more).
pub fn enqueue(tx: &mut dyn Tx, base_url: &str, now: i64) -> Result<usize> {
    let Some(cursor) = tx.mail_cursor()? else {
        let head = tx.event_head()?;
        tx.set_mail_cursor(head)?;
        return Ok(0);
    };
    let pushes = tx.events_of_kind_after(Push::KIND, cursor, ENQUEUE_BATCH)?;
    let next = match pushes.last() {
        Some(last) if pushes.len() as i64 == ENQUEUE_BATCH => last.seq,
        // Every push up to the head has been read.
        _ => tx.event_head()?,
    };
    for push in pushes.iter().filter(|p| p.created_ts >= now - MAX_AGE_S) {
        if let Some(mail) = compose(tx, push, base_url, now)? {
            tx.insert_mail(&mail)?;
        }
    }
    if next != cursor {
        tx.set_mail_cursor(next)?;
    }
    Ok(pushes.len())
}

/// Leases the emails due now to this node for sending.
pub fn claim(tx: &mut dyn Tx, now: i64) -> Result<Vec<OutboxMail>> {
    tx.claim_mail(now, now + LEASE_S, SEND_BATCH)
}

/// What a failed try leads to: another try later (30 s, 1 min, 2 min … capped at an hour),
/// or, after `MAX_ATTEMPTS` or when the server refused for good, parking.
pub fn after_failure(attempts: i64, permanent: bool, error: &str, now: i64) -> MailOutcome {
    let error = error.to_string();
    if permanent || attempts >= MAX_ATTEMPTS {
        return MailOutcome::Parked { error };
    }
    let backoff = (30i64 << (attempts - 1).clamp(0, 7)).min(3600);
    MailOutcome::Retry { at: now + backoff, error }
}

/// Records how sending went.
pub fn finish(tx: &mut dyn Tx, results: &[(i64, MailOutcome)], now: i64) -> Result<()> {
    for (id, outcome) in results {
        tx.finish_mail(*id, outcome, now)?;
    }
    Ok(())
}

/// Whose unsubscribe link this is (the person and the workspace), if it is one that still
/// works at `now`. Only the secret's hash is stored, as for sign-in tokens.
pub fn link_owner(tx: &mut dyn Tx, token: &str, now: i64) -> Result<(UserId, WorkspaceId)> {
    let valid_shape = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    let owner =
        if valid_shape { tx.mail_token_owner(&auth::token_hash(token), now - UNSUBSCRIBE_LINK_TTL_S)? } else { None };
    owner.ok_or(Error::NotFound(NotFound::Resource))
}

/// The unsubscribe link's action: no more email from that workspace for its owner.
pub fn unsubscribe(tx: &mut dyn Tx, token: &str, now: i64) -> Result<(UserId, WorkspaceId)> {
    let (user, ws) = link_owner(tx, token, now)?;
    notifications::stop_email(tx, user, ws)?;
    Ok((user, ws))
}

/// The email for one push, or None when nothing in it is to be mailed: gathered from the
/// store, checked, rendered. The secret of the unsubscribe link is made only for an email
/// that goes out.
fn compose(tx: &mut dyn Tx, event: &Event, base_url: &str, now: i64) -> Result<Option<NewMail>> {
    let Some(found) = gather(tx, event)? else { return Ok(None) };
    let Some(draft) = check(&found) else { return Ok(None) };
    let user = found.recipient.user;
    let token = unsubscribe_token(tx, user.id, draft.workspace_id, now)?;
    let calendar = meeting_calendar(tx, &draft, &user, base_url, now)?;
    let email = draft.render(base_url, &token);
    Ok(Some(NewMail {
        event_seq: Some(event.seq),
        user: user.id,
        workspace: draft.workspace_id,
        to: user.email,
        subject: email.subject(),
        text: email.text(),
        html: email.html(),
        unsubscribe_url: email.unsubscribe_url,
        created_ts: event.created_ts,
        // The body carries the unsubscribe link's secret.
        secret: true,
        calendar,
    }))
}

/// The calendar entry of the meeting whose agenda thread an email tells of (the thread
/// itself, not a comment in it), in the recipient's time zone.
fn meeting_calendar(tx: &mut dyn Tx, draft: &Draft, user: &User, base_url: &str, now: i64) -> Result<Option<String>> {
    let threads: Vec<ThreadId> = draft
        .notices
        .iter()
        .filter_map(|n| match n {
            Notice::Post { thread, comment: None, .. } => Some(*thread),
            _ => None,
        })
        .collect();
    if threads.is_empty() {
        return Ok(None);
    }
    let Some(m) = tx.meetings_of_threads(&threads)?.into_iter().find(|m| m.cancelled_ts.is_none()) else {
        return Ok(None);
    };
    let zone = super::schedules::effective(tx, user, now)?.timezone;
    super::meetings::calendar(tx, &m, &zone, Some(base_url), now).map(Some)
}

/// What `gather` read for one push.
struct Found {
    recipient: Recipient,
    about: About,
}

/// The person a push is for, and what decides which of its items they want by email.
struct Recipient {
    push: Push,
    workspace_id: WorkspaceId,
    user: User,
    /// Their notification settings in the workspace.
    settings: Map<String, Value>,
    /// The notifications the push's items carry.
    notes: HashMap<i64, Notification>,
}

/// What the items they want refer to, as it is now.
#[derive(Default)]
struct About {
    workspace: Option<Workspace>,
    threads: HashMap<ThreadId, Thread>,
    comments: HashMap<CommentId, Comment>,
    /// The names of the workspace's channels.
    channels: HashMap<ChannelId, String>,
    /// The channels the person may see now.
    visible: Vec<ChannelId>,
    /// Who did what, and who is covered for.
    people: HashMap<UserId, User>,
    /// The conversations the person is still in, with their titles.
    conversations: HashMap<ConversationId, Option<String>>,
    messages: HashMap<MessageId, Message>,
}

/// Step 1: reads the push's recipient, then everything the items they want refer to, a
/// query per kind of thing. None: not a push to a person there is (or not one this
/// version can read).
fn gather(tx: &mut dyn Tx, event: &Event) -> Result<Option<Found>> {
    let Some(user_id) = event.audience.user_id else { return Ok(None) };
    let Ok(push) = Push::deserialize(&event.data) else { return Ok(None) };
    let Some(user) = tx.user(user_id)? else { return Ok(None) };
    let ws = event.workspace_id;
    let settings = notifications::effective(tx, user_id, ws)?;
    let note_ids: Vec<i64> = push.items.iter().filter_map(notification_id).collect();
    let notes = tx.notifications_by_ids(user_id, &note_ids)?.into_iter().map(|n| (n.id, n)).collect();
    let recipient = Recipient { push, workspace_id: ws, user, settings, notes };
    let wanted = wanted(&recipient);
    if wanted.is_empty() {
        return Ok(Some(Found { recipient, about: About::default() }));
    }

    let thread_ids: Vec<ThreadId> = wanted.iter().filter_map(|w| w.thread).collect();
    let threads = tx.threads_by_ids(&thread_ids, user_id)?.into_iter().map(|t| (t.id, t)).collect();
    let comment_ids: Vec<CommentId> = wanted.iter().filter_map(|w| w.comment).collect();
    let comments = tx.comments_by_ids(&comment_ids)?.into_iter().map(|c| (c.id, c)).collect();
    // What they may still see: a thread is mailed only if its channel is visible to them now.
    let role = tx.membership(ws, user_id)?.filter(|m| m.is_active()).map(|m| m.user_type);
    let mut channels = HashMap::new();
    let mut visible = Vec::new();
    for c in tx.channels_in(ws, user_id)? {
        if role.is_some_and(|r| crate::policy::can_see_channel(r, &c, user_id)) {
            visible.push(c.id);
        }
        channels.insert(c.id, c.name);
    }
    let people_ids: Vec<UserId> =
        wanted.iter().flat_map(|w| w.by.into_iter().chain(w.covering.iter().copied())).collect();
    let people = tx.users_by_ids(&people_ids)?.into_iter().map(|u| (u.id, u)).collect();
    // Direct messages: only in conversations they are still in.
    let message_ids: Vec<MessageId> = wanted.iter().filter_map(|w| w.message.map(|(_, m)| m)).collect();
    let conversations = if message_ids.is_empty() {
        HashMap::new()
    } else {
        tx.conversations_of(ws, user_id)?.into_iter().map(|c| (c.id, c.title)).collect()
    };
    let messages = tx.messages_by_ids(&message_ids)?.into_iter().map(|m| (m.id, m)).collect();
    let workspace = tx.workspace(ws)?;
    let about = About { workspace, threads, comments, channels, visible, people, conversations, messages };
    Ok(Some(Found { recipient, about }))
}

fn notification_id(item: &PushItem) -> Option<i64> {
    match item {
        PushItem::Notification { notification_id, .. } | PushItem::Covering { notification_id, .. } => {
            Some(*notification_id)
        }
        PushItem::Urgent { .. } => None,
    }
}

/// One item of a push the person wants by email.
struct Wanted<'a> {
    thread: Option<ThreadId>,
    comment: Option<CommentId>,
    channel: Option<ChannelId>,
    by: Option<UserId>,
    kind: NotificationType,
    covering: &'a [UserId],
    /// The emergency lane's.
    urgent: bool,
    /// A direct message: its conversation and itself.
    message: Option<(ConversationId, MessageId)>,
}

/// Step 2, check: what to send, if anything. The items the person wants by email (their
/// settings; the emergency lane always gets through) that are still there and visible to
/// them, with the names an email shows. None: nothing to send.
fn check(found: &Found) -> Option<Draft> {
    let (r, about) = (&found.recipient, &found.about);
    let workspace = about.workspace.as_ref()?;
    let notices: Vec<Notice> = wanted(r).iter().filter_map(|w| notice(w, about)).collect();
    if notices.is_empty() {
        return None;
    }
    Some(Draft { delivery: r.push.delivery, workspace_id: r.workspace_id, workspace: workspace.name.clone(), notices })
}

/// The items of the push the person wants by email: none once they are removed.
fn wanted(r: &Recipient) -> Vec<Wanted<'_>> {
    if r.user.removed {
        return Vec::new();
    }
    let notified = |id: &i64, covering| {
        let n = r.notes.get(id)?;
        let on = notifications::enabled(&r.settings, &notifications::setting_for("email", n.type_id));
        on.then_some(Wanted {
            thread: n.thread_id,
            comment: n.comment_id,
            channel: n.channel_id,
            by: Some(n.by_user_id),
            kind: n.type_id,
            covering,
            urgent: false,
            message: n.conversation_id.zip(n.message_id),
        })
    };
    let items = r.push.items.iter();
    items
        .filter_map(|item| match item {
            PushItem::Urgent { thread_id, comment_id, .. } => Some(Wanted {
                thread: Some(*thread_id),
                comment: *comment_id,
                channel: None,
                by: None,
                kind: if comment_id.is_some() { NotificationType::Comment } else { NotificationType::Thread },
                covering: &[],
                urgent: true,
                message: None,
            }),
            PushItem::Covering { notification_id, covering_for, .. } => notified(notification_id, covering_for),
            PushItem::Notification { notification_id, .. } => notified(notification_id, &[]),
        })
        .collect()
}

/// What the email says of one wanted item; None when it is gone or out of their sight.
fn notice(w: &Wanted, about: &About) -> Option<Notice> {
    let name = |u: UserId| about.people.get(&u).map_or("Someone".to_string(), |p| p.name.clone());
    if let Some((c, m)) = w.message {
        let (title, message) = (about.conversations.get(&c)?, about.messages.get(&m)?);
        return Some(Notice::Message {
            author: message.creator_name.clone().unwrap_or_else(|| name(message.creator)),
            conversation: c,
            title: title.clone(),
            message: m,
            content: message.content.clone(),
            reminder: w.kind == NotificationType::ReplyDue,
        });
    }
    let Some(thread) = w.thread else {
        return Some(Notice::Membership {
            by: w.by.map(name).unwrap_or_else(|| "Someone".to_string()),
            kind: w.kind,
            // Named when the person sees the channel, or knew it (removed from it); a
            // declined request leaves a private channel unnamed.
            channel: w
                .channel
                .filter(|c| w.kind != NotificationType::AccessDenied || about.visible.contains(c))
                .and_then(|c| about.channels.get(&c).map(|n| (c, n.clone()))),
        });
    };
    let thread = about.threads.get(&thread).filter(|t| about.visible.contains(&t.channel_id))?;
    let (author, content) = match w.comment {
        Some(c) => {
            let c = about.comments.get(&c).filter(|c| c.thread_id == thread.id)?;
            (c.creator_name.clone().unwrap_or_else(|| name(c.creator)), &c.content)
        }
        None => (thread.creator_name.clone().unwrap_or_else(|| name(thread.creator)), &thread.content),
    };
    Some(Notice::Post {
        author,
        channel: (thread.channel_id, about.channels.get(&thread.channel_id).cloned().unwrap_or_default()),
        thread: thread.id,
        title: thread.title.clone(),
        comment: w.comment,
        content: content.clone(),
        urgent: w.urgent,
        covering: w.covering.iter().map(|u| name(*u)).collect(),
        reminder: w.kind == NotificationType::ReplyDue,
        made_dri_by: (w.kind == NotificationType::DriAssigned).then(|| w.by.map(name).unwrap_or_default()),
    })
}

/// A new secret for a person's unsubscribe link in a workspace, one per email: only its
/// hash is stored, so an earlier one cannot be shown again. Their links older than
/// `UNSUBSCRIBE_LINK_TTL_S` are forgotten meanwhile.
fn unsubscribe_token(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId, now: i64) -> Result<String> {
    let (token, hash) = auth::new_token()?;
    tx.insert_mail_token(user, ws, &hash, now, now - UNSUBSCRIBE_LINK_TTL_S)?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_park() {
        let now = 1_000;
        let at = |n| match after_failure(n, false, "421 busy", now) {
            MailOutcome::Retry { at, .. } => at - now,
            other => panic!("attempt {n}: {other:?}"),
        };
        assert_eq!((at(1), at(2), at(3)), (30, 60, 120));
        assert_eq!(at(7), 1920);
        assert!(matches!(after_failure(MAX_ATTEMPTS, false, "x", now), MailOutcome::Parked { .. }));
        assert!(matches!(after_failure(1, true, "550 no such user", now), MailOutcome::Parked { .. }));
    }
}
