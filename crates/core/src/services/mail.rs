//! Email. Every `push` a person gets on their stream — one at a time, an hourly batch, the
//! daily digest, the emergency lane, coverage — becomes at most one email. The mailer reads
//! the pushes from the event log in order, behind a cursor, and writes each email to a
//! durable outbox in the same transaction that moves the cursor: on several nodes, and
//! across restarts, each push is turned into an email once. Sending, retrying and parking
//! work on the outbox rows.

use super::notifications;
use crate::error::{Error, NotFound, Result};
use crate::event::Event;
use crate::ids::*;
use crate::mail::{Email, Item, Occasion};
use crate::model::{Notification, User};
use crate::store::{MailOutcome, NewMail, OutboxMail, Tx};
use serde_json::Value;
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
/// Pushes the cursor may fall behind the log's head before it is moved on anyway.
const CURSOR_SLACK: i64 = 5000;

/// Whether `enqueue` has work: a push not yet read, or a cursor to set up or move on.
pub fn enqueue_due(tx: &mut dyn Tx) -> Result<bool> {
    let Some(cursor) = tx.mail_cursor()? else { return Ok(true) };
    Ok(!tx.events_of_kind_after("push", cursor, 1)?.is_empty() || tx.event_head()? - cursor > CURSOR_SLACK)
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
    let pushes = tx.events_of_kind_after("push", cursor, ENQUEUE_BATCH)?;
    let next = match pushes.last() {
        Some(last) if pushes.len() as i64 == ENQUEUE_BATCH => last.seq,
        // Every push up to the head has been read.
        _ => tx.event_head()?,
    };
    for push in pushes.iter().filter(|p| p.created_ts >= now - MAX_AGE_S) {
        if let Some(mail) = compose(tx, push, base_url)? {
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

/// Whose unsubscribe link this is (the person and the workspace), if it is one.
pub fn link_owner(tx: &mut dyn Tx, token: &str) -> Result<(UserId, WorkspaceId)> {
    let valid_shape = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    let owner = if valid_shape { tx.mail_token_owner(token)? } else { None };
    owner.ok_or(Error::NotFound(NotFound::Resource))
}

/// The unsubscribe link's action: no more email from that workspace for its owner.
pub fn unsubscribe(tx: &mut dyn Tx, token: &str) -> Result<(UserId, WorkspaceId)> {
    let (user, ws) = link_owner(tx, token)?;
    notifications::stop_email(tx, user, ws)?;
    Ok((user, ws))
}

/// The email for one push, or None when nothing in it is to be mailed (email settings off,
/// the items gone or no longer visible, the account removed).
fn compose(tx: &mut dyn Tx, push: &Event, base_url: &str) -> Result<Option<NewMail>> {
    let Some(user_id) = push.audience.user_id else { return Ok(None) };
    let Some(user) = tx.user(user_id)?.filter(|u| !u.removed) else { return Ok(None) };
    let Some(occasion) = push.data["delivery"].as_str().and_then(Occasion::parse) else { return Ok(None) };
    let ws = push.workspace_id;
    let settings = notifications::effective(tx, user_id, ws)?;
    let raw_items: Vec<&Value> = push.data["items"].as_array().map(|a| a.iter().collect()).unwrap_or_default();

    // Which items the person wants by email: the emergency lane always gets through.
    let note_ids: Vec<i64> = raw_items.iter().filter_map(|i| i["notification_id"].as_i64()).collect();
    let notes: HashMap<i64, Notification> =
        tx.notifications_by_ids(user_id, &note_ids)?.into_iter().map(|n| (n.id, n)).collect();
    let mut wanted: Vec<Wanted> = Vec::new();
    for item in raw_items {
        let covering: Vec<UserId> = ids_in(&item["covering_for"]).into_iter().map(UserId).collect();
        if let Some(emergency) = item["emergency_id"].as_i64() {
            wanted.push(Wanted {
                thread: item["thread_id"].as_i64().map(ThreadId),
                comment: item["comment_id"].as_i64().map(CommentId),
                channel: None,
                by: None,
                type_id: if item["comment_id"].is_i64() { 1 } else { 2 },
                covering,
                emergency: Some(emergency),
                message: None,
            });
        } else if let Some(n) = item["notification_id"].as_i64().and_then(|id| notes.get(&id))
            && notifications::enabled(&settings, &notifications::setting_for("email", n.type_id))
        {
            wanted.push(Wanted {
                thread: n.thread_id,
                comment: n.comment_id,
                channel: n.channel_id,
                by: Some(n.by_user_id),
                type_id: n.type_id,
                covering,
                emergency: None,
                message: n.conversation_id.zip(n.message_id),
            });
        }
    }
    if wanted.is_empty() {
        return Ok(None);
    }

    // Everything the items refer to, a query per kind of thing.
    let thread_ids: Vec<ThreadId> = wanted.iter().filter_map(|w| w.thread).collect();
    let threads: HashMap<ThreadId, _> =
        tx.threads_by_ids(&thread_ids, user_id)?.into_iter().map(|t| (t.id, t)).collect();
    let comment_ids: Vec<CommentId> = wanted.iter().filter_map(|w| w.comment).collect();
    let comments: HashMap<CommentId, _> = tx.comments_by_ids(&comment_ids)?.into_iter().map(|c| (c.id, c)).collect();
    // What they may still see: a thread is mailed only if its channel is visible to them now.
    let role = tx.membership(ws, user_id)?.filter(|m| !m.removed).map(|m| m.user_type);
    let mut channels: HashMap<ChannelId, String> = HashMap::new();
    let mut visible: Vec<ChannelId> = Vec::new();
    for c in tx.channels_in(ws, user_id)? {
        if role.is_some_and(|r| crate::policy::can_see_channel(r, &c, user_id)) {
            visible.push(c.id);
        }
        channels.insert(c.id, c.name);
    }
    let people_ids: Vec<UserId> =
        wanted.iter().flat_map(|w| w.by.into_iter().chain(w.covering.iter().copied())).collect();
    let people: HashMap<UserId, User> = tx.users_by_ids(&people_ids)?.into_iter().map(|u| (u.id, u)).collect();
    let name = |u: UserId| people.get(&u).map_or("Someone".to_string(), |p| p.name.clone());
    // Direct messages: only in conversations they are still in.
    let message_ids: Vec<MessageId> = wanted.iter().filter_map(|w| w.message.map(|(_, m)| m)).collect();
    let conversations: HashMap<ConversationId, Option<String>> = if message_ids.is_empty() {
        HashMap::new()
    } else {
        tx.conversations_of(ws, user_id)?.into_iter().map(|c| (c.id, c.title)).collect()
    };
    let messages: HashMap<MessageId, _> = tx.messages_by_ids(&message_ids)?.into_iter().map(|m| (m.id, m)).collect();
    let Some(workspace) = tx.workspace(ws)? else { return Ok(None) };

    let mut items = Vec::new();
    for w in &wanted {
        let ws_url = format!("{base_url}/a/{ws}");
        if let Some((c, m)) = w.message {
            let (Some(title), Some(message)) = (conversations.get(&c), messages.get(&m)) else { continue };
            let author = message.creator_name.clone().unwrap_or_else(|| name(message.creator));
            let headline = match title {
                Some(t) if !t.is_empty() => format!("{author} wrote in \"{t}\""),
                _ => format!("{author} wrote to you"),
            };
            let excerpt = crate::text::snippet(&message.content, 600);
            items.push(Item { headline, excerpt, url: format!("{ws_url}/msg/{c}/m/{m}") });
            continue;
        }
        let item = match w.thread {
            Some(t) => {
                // Gone, or no longer visible to them: not mailed.
                let Some(thread) = threads.get(&t).filter(|t| visible.contains(&t.channel_id)) else { continue };
                let channel = channels.get(&thread.channel_id).cloned().unwrap_or_default();
                let thread_url = format!("{ws_url}/ch/{}/t/{}", thread.channel_id, thread.id);
                let comment = w.comment.and_then(|c| comments.get(&c)).filter(|c| c.thread_id == thread.id);
                let (author, verb, excerpt, url) = match comment {
                    Some(c) => (
                        c.creator_name.clone().unwrap_or_else(|| name(c.creator)),
                        "commented on",
                        &c.content,
                        format!("{thread_url}/c/{}", c.id),
                    ),
                    None if w.comment.is_some() => continue,
                    None => (
                        thread.creator_name.clone().unwrap_or_else(|| name(thread.creator)),
                        if w.emergency.is_some() { "raised" } else { "started" },
                        &thread.content,
                        thread_url,
                    ),
                };
                let mut headline = format!("{author} {verb} \"{}\" in #{channel}", thread.title);
                if !w.covering.is_empty() {
                    let names: Vec<String> = w.covering.iter().map(|u| name(*u)).collect();
                    headline = format!("Covering for {}: {headline}", names.join(", "));
                }
                Item { headline, excerpt: crate::text::snippet(excerpt, 600), url }
            }
            None => {
                let by = w.by.map(name).unwrap_or_else(|| "Someone".to_string());
                let channel = w.channel.and_then(|c| channels.get(&c).map(|n| (c, n)));
                let (headline, url) = match (w.type_id, channel) {
                    (5, Some((c, n))) => (format!("{by} added you to #{n}"), format!("{ws_url}/ch/{c}")),
                    (6, Some((_, n))) => (format!("{by} removed you from #{n}"), ws_url.clone()),
                    (4, _) => (format!("{by} removed you from {}", workspace.name), base_url.to_string()),
                    _ => (format!("{by} added you to {}", workspace.name), ws_url.clone()),
                };
                Item { headline, excerpt: String::new(), url }
            }
        };
        items.push(item);
    }
    if items.is_empty() {
        return Ok(None);
    }
    let token = unsubscribe_token(tx, user_id, ws)?;
    let email = Email {
        occasion,
        workspace: workspace.name,
        items,
        settings_url: format!("{base_url}/a/{ws}/settings/notifications"),
        unsubscribe_url: format!("{base_url}/mail/unsubscribe?token={token}"),
    };
    Ok(Some(NewMail {
        event_seq: push.seq,
        user: user_id,
        workspace: ws,
        to: user.email,
        subject: email.subject(),
        text: email.text(),
        html: email.html(),
        unsubscribe_url: email.unsubscribe_url.clone(),
        created_ts: push.created_ts,
    }))
}

/// One item of a push the person wants by email.
struct Wanted {
    thread: Option<ThreadId>,
    comment: Option<CommentId>,
    channel: Option<ChannelId>,
    by: Option<UserId>,
    type_id: i64,
    covering: Vec<UserId>,
    emergency: Option<i64>,
    /// A direct message: its conversation and itself.
    message: Option<(ConversationId, MessageId)>,
}

fn ids_in(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(a) => a.iter().filter_map(Value::as_i64).collect(),
        other => other.as_i64().into_iter().collect(),
    }
}

/// The secret of a person's unsubscribe link for a workspace, made the first time.
fn unsubscribe_token(tx: &mut dyn Tx, user: UserId, ws: WorkspaceId) -> Result<String> {
    if let Some(t) = tx.mail_token(user, ws)? {
        return Ok(t);
    }
    let (token, _) = super::auth::new_token()?;
    tx.insert_mail_token(user, ws, &token)?;
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
