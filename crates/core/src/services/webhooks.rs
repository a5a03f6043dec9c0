//! Outgoing webhooks: a person subscribes a URL to one kind of event in a place they can
//! see (a workspace, a channel, a thread, a conversation). A worker reads the event log
//! after its own cursor and records a delivery per matching subscription in the same
//! transaction that moves the cursor, then sends them (the server's `webhooks.rs`),
//! retrying with backoff; a subscription that keeps failing is turned off and its owner
//! told. Only what the owner may see is sent — checked when a delivery is recorded and
//! again when it is sent, by the streams' own rule (`policy::can_see_event`).

use super::{access, emit, stream};
use crate::error::{Error, Result};
use crate::event::{Audience, Event};
use crate::ids::*;
use crate::mail::AccountEmail;
use crate::model::{HookEvent, WebhookSubscription};
use crate::policy::{StreamAccess, can_see_event};
use crate::store::{DueHookDelivery, HookOutcome, HookRow, NewHook, NewHookDelivery, NewMail, Tx};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// The most subscriptions one person may hold.
pub const MAX_PER_USER: usize = 50;
/// Events read per write transaction when matching the log against subscriptions.
pub const ENQUEUE_BATCH: i64 = 500;
/// Deliveries leased per round.
pub const SEND_BATCH: i64 = 20;
/// How long a node holds a delivery it is sending (a try takes at most 10 s).
pub const LEASE_S: i64 = 120;
/// Failed tries in a row (over all its deliveries) after which a subscription is turned off.
pub const DISABLE_AFTER: i64 = 8;
/// The waits before the 2nd, 3rd, … try of one delivery; the last one repeats.
pub const BACKOFF_S: [i64; 7] = [60, 300, 1800, 7200, 21_600, 43_200, 86_400];
/// Deliveries `hooks/get` shows per subscription.
pub const LOG_SHOWN: i64 = 20;

/// Where a subscription listens: a workspace, or one channel, thread or conversation in it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place {
    pub workspace: Option<WorkspaceId>,
    pub channel: Option<ChannelId>,
    pub thread: Option<ThreadId>,
    pub conversation: Option<ConversationId>,
}

/// The wait before the try after `attempts` tries.
pub fn backoff(attempts: i64) -> i64 {
    let i = (attempts.max(1) - 1) as usize;
    BACKOFF_S[i.min(BACKOFF_S.len() - 1)]
}

/// `hooks/subscribe`: `user` subscribes `target_url` (already checked by the caller against
/// the addresses webhooks may reach) to `event` in `place`, which they must see. The same
/// URL, kind and place again replaces the earlier subscription (a new secret, on again).
pub fn subscribe(
    tx: &mut dyn Tx,
    user: UserId,
    place: Place,
    event: HookEvent,
    target_url: &str,
    secret: &str,
    now: i64,
) -> Result<WebhookSubscription> {
    let (workspace, channel) = if let Some(id) = place.thread {
        let (thread, ch, _) = access::thread(tx, id, user)?;
        if place.channel.is_some_and(|c| c != thread.channel_id) {
            return Err(Error::invalid("channel_id", "the thread is not in this channel"));
        }
        (ch.workspace_id, Some(thread.channel_id))
    } else if let Some(id) = place.channel {
        let (ch, _) = access::channel(tx, id, user)?;
        (ch.workspace_id, Some(id))
    } else if let Some(id) = place.conversation {
        let (conv, _) = access::conversation(tx, id, user)?;
        (conv.workspace_id, None)
    } else if let Some(ws) = place.workspace {
        access::role_in(tx, ws, user)?;
        (ws, None)
    } else {
        return Err(Error::missing("workspace_id"));
    };
    if place.workspace.is_some_and(|w| w != workspace) {
        return Err(Error::invalid("workspace_id", "the channel, thread or conversation is not in this workspace"));
    }
    if place.conversation.is_some() && (place.channel.is_some() || place.thread.is_some()) {
        return Err(Error::invalid("conversation_id", "a conversation has no channel or thread"));
    }
    let mine = tx.hooks_of(user)?;
    let same = mine.iter().find(|h| {
        h.sub.target_url == target_url
            && h.sub.event_type == event
            && h.sub.workspace_id == workspace
            && h.sub.channel_id == channel
            && h.sub.thread_id == place.thread
            && h.sub.conversation_id == place.conversation
    });
    if let Some(h) = same {
        tx.delete_hook(h.sub.id)?;
    } else if mine.len() >= MAX_PER_USER {
        return Err(Error::LimitReached(format!("{MAX_PER_USER} webhook subscriptions per person; remove one first")));
    }
    let head = tx.event_head()?;
    // The worker reads the log from its cursor; with no subscription on, it does not move,
    // so it jumps to now rather than read the past for a subscription that starts now.
    if tx.webhook_cursor()?.is_none() || !tx.any_active_hook()? {
        tx.set_webhook_cursor(head)?;
    }
    let id = tx.insert_hook(&NewHook {
        user,
        workspace,
        channel,
        thread: place.thread,
        conversation: place.conversation,
        event_type: event.as_str().to_string(),
        target_url: target_url.to_string(),
        secret: secret.to_string(),
        after_seq: head,
        now,
    })?;
    Ok(WebhookSubscription {
        id,
        workspace_id: workspace,
        channel_id: channel,
        thread_id: place.thread,
        conversation_id: place.conversation,
        event_type: event,
        target_url: target_url.to_string(),
        active: true,
        failures: 0,
        created_ts: now,
        disabled_ts: None,
        secret: Some(secret.to_string()),
        deliveries: Vec::new(),
    })
}

/// `hooks/unsubscribe`: removes the caller's subscriptions to `target_url`, with their
/// waiting deliveries. Answers how many there were.
pub fn unsubscribe(tx: &mut dyn Tx, user: UserId, target_url: &str) -> Result<u64> {
    tx.delete_hooks(user, target_url)
}

/// `hooks/get`: the caller's subscriptions with their newest deliveries.
pub fn list(tx: &mut dyn Tx, user: UserId) -> Result<Vec<WebhookSubscription>> {
    let mut out = Vec::new();
    for h in tx.hooks_of(user)? {
        let mut sub = h.sub;
        sub.deliveries = tx.hook_deliveries_of(sub.id, LOG_SHOWN)?;
        out.push(sub);
    }
    Ok(out)
}

/// Whether the log has events the worker has not matched yet (and someone subscribes).
pub fn enqueue_due(tx: &mut dyn Tx) -> Result<bool> {
    let Some(cursor) = tx.webhook_cursor()? else { return Ok(false) };
    Ok(cursor < tx.event_head()? && tx.any_active_hook()?)
}

/// Whether `hook` listens to `ev` (not yet whether its owner may see it).
fn listens(hook: &HookRow, ev: &Event) -> bool {
    let s = &hook.sub;
    let thread_of = || {
        let key = if ev.kind.starts_with("thread_") { "id" } else { "thread_id" };
        ev.data.get(key).and_then(serde_json::Value::as_i64)
    };
    ev.seq > hook.after_seq
        && s.event_type.as_str() == ev.kind
        && s.workspace_id == ev.workspace_id
        && s.channel_id.is_none_or(|c| ev.audience.channel_id == Some(c))
        && s.conversation_id.is_none_or(|c| ev.audience.conversation_id == Some(c))
        && s.thread_id.is_none_or(|t| thread_of() == Some(t.0))
}

/// What each owner may see, read once per owner and workspace within a job.
#[derive(Default)]
struct Sight(HashMap<(UserId, WorkspaceId), StreamAccess>);

impl Sight {
    fn sees(&mut self, tx: &mut dyn Tx, user: UserId, ev: &Event) -> Result<bool> {
        let key = (user, ev.workspace_id);
        let access = match self.0.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(stream::access(tx, user, ev.workspace_id)?),
        };
        Ok(can_see_event(access, ev))
    }
}

/// Reads the events after the cursor (at most `ENQUEUE_BATCH`), records a delivery for
/// each subscription that listens to one and whose owner may see it, and moves the cursor,
/// in the one write transaction: each event is matched once, across crashes and nodes.
/// Answers how many events it read.
pub fn enqueue(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let Some(cursor) = tx.webhook_cursor()? else { return Ok(0) };
    let events = tx.events_after(cursor, ENQUEUE_BATCH)?;
    let Some(last) = events.last().map(|e| e.seq) else { return Ok(0) };
    let places: HashSet<WorkspaceId> =
        events.iter().filter(|e| HookEvent::parse(&e.kind).is_some()).map(|e| e.workspace_id).collect();
    let hooks = tx.active_hooks_in(&places.into_iter().collect::<Vec<_>>())?;
    let mut sight = Sight::default();
    let mut new = Vec::new();
    for ev in &events {
        for h in hooks.iter().filter(|h| listens(h, ev)) {
            if sight.sees(tx, h.user, ev)? {
                new.push(NewHookDelivery {
                    subscription: h.sub.id,
                    event_seq: ev.seq,
                    event_type: ev.kind.clone(),
                    now,
                });
            }
        }
    }
    tx.insert_hook_deliveries(&new)?;
    tx.set_webhook_cursor(last)?;
    Ok(events.len())
}

/// Leases the deliveries due now and fills in each body: the event as the log has it now.
/// One its owner may no longer see (or whose event is gone) is dropped here, unsent.
pub fn claim(tx: &mut dyn Tx, now: i64) -> Result<Vec<DueHookDelivery>> {
    let batch = tx.claim_hook_deliveries(now, now + LEASE_S, SEND_BATCH)?;
    let mut sight = Sight::default();
    let mut out = Vec::with_capacity(batch.len());
    for mut d in batch {
        let ev = tx.events_after(d.event_seq - 1, 1)?.into_iter().next().filter(|e| e.seq == d.event_seq);
        let visible = match &ev {
            Some(ev) => sight.sees(tx, d.user, ev)?,
            None => false,
        };
        match ev {
            Some(ev) if visible => {
                d.body = serde_json::to_string(&ev.data).map_err(|e| Error::Internal(e.to_string()))?;
                out.push(d);
            }
            _ => {
                let error = "its owner may no longer see this event".to_string();
                tx.finish_hook_delivery(d.id, &HookOutcome::Dropped { error }, now)?;
            }
        }
    }
    Ok(out)
}

/// How one try went: the receiver's 2xx status, or its status (if it answered) and why it failed.
pub type TryResult = std::result::Result<i64, (Option<i64>, String)>;

/// Records how each try went. A success clears the subscription's failures; a failure
/// schedules the next try with backoff, and after `DISABLE_AFTER` failures in a row turns
/// the subscription off and tells its owner: an event on their stream, and an email when
/// this server sends email (`mail_to_owner`, with a link to `base_url`).
pub fn finish(
    tx: &mut dyn Tx,
    results: &[(DueHookDelivery, TryResult)],
    mail_to_owner: bool,
    base_url: &str,
    now: i64,
) -> Result<()> {
    for (d, result) in results {
        match result {
            Ok(status) => {
                tx.finish_hook_delivery(d.id, &HookOutcome::Delivered { status: *status }, now)?;
                tx.hook_succeeded(d.subscription)?;
            }
            Err((status, error)) => {
                let outcome =
                    HookOutcome::Retry { at: now + backoff(d.attempts), status: *status, error: error.clone() };
                tx.finish_hook_delivery(d.id, &outcome, now)?;
                if tx.hook_failed(d.subscription)? >= DISABLE_AFTER {
                    disable(tx, d, error, mail_to_owner, base_url, now)?;
                }
            }
        }
    }
    Ok(())
}

fn disable(
    tx: &mut dyn Tx,
    d: &DueHookDelivery,
    error: &str,
    mail_to_owner: bool,
    base_url: &str,
    now: i64,
) -> Result<()> {
    let Some(hook) = tx.hooks_of(d.user)?.into_iter().find(|h| h.sub.id == d.subscription) else { return Ok(()) };
    if !hook.sub.active {
        return Ok(());
    }
    tx.disable_hook(d.subscription, now)?;
    let mut sub = hook.sub;
    sub.active = false;
    sub.disabled_ts = Some(now);
    emit(tx, sub.workspace_id, "webhook_disabled", Audience::user(d.user), &sub, now)?;
    if mail_to_owner && let Some(owner) = tx.user(d.user)?.filter(|u| !u.removed) {
        let mail =
            AccountEmail::webhook_disabled(&sub.target_url, sub.event_type.as_str(), DISABLE_AFTER, error, base_url);
        tx.insert_mail(&NewMail {
            event_seq: None,
            user: owner.id,
            workspace: sub.workspace_id,
            to: owner.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            unsubscribe_url: String::new(),
            created_ts: now,
            secret: false,
            calendar: None,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_then_stays() {
        assert_eq!(super::backoff(1), 60);
        assert_eq!(super::backoff(2), 300);
        assert_eq!(super::backoff(7), 86_400);
        assert_eq!(super::backoff(30), 86_400);
    }
}
