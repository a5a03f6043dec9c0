//! Who a post concerns, and what that does: it lands in their inbox (unless they muted the
//! thread), a notification is recorded with the reason, and they hear of it on their stream.
//! Delivery *rules* (quiet hours, pushes) build on these records.

use super::delivery::{self, PushOf};
use super::{dedup, emit};
use crate::error::Result;
use crate::event::{Audience, NewEvent};
use crate::ids::*;
use crate::model::*;
use crate::payload::{PushDelivery, PushItem};
use crate::policy;
use crate::store::{InboxTouch, Tx};
use std::collections::{HashMap, HashSet};

/// What a post asked for: its notify list as stored on the thread or comment.
pub struct Post<'a> {
    pub author: UserId,
    pub recipients: &'a [UserId],
    pub groups: &'a [i64],
    pub mentions: &'a [UserId],
    pub group_mentions: &'a [GroupId],
}

impl<'a> Post<'a> {
    /// What a thread's own post (`comment` None) or one of its comments asked for.
    pub fn of(thread: &'a Thread, comment: Option<&'a Comment>) -> Self {
        match comment {
            Some(c) => Post {
                author: c.creator,
                recipients: &c.recipients,
                groups: &c.groups,
                mentions: &c.direct_mentions,
                group_mentions: &c.direct_group_mentions,
            },
            None => Post {
                author: thread.creator,
                recipients: &thread.recipients,
                groups: &thread.groups,
                mentions: &thread.direct_mentions,
                group_mentions: &thread.direct_group_mentions,
            },
        }
    }
}

/// The people a post asks to notify, each with the strongest reason, in a stable order,
/// not yet checked against who can see it (`able`); never the author. `channel_members`
/// are the channel's members a post to everyone in it asks (all, or the next slice's).
pub fn asked(
    tx: &mut dyn Tx,
    channel_members: &[UserId],
    participants: &[UserId],
    post: &Post,
) -> Result<Vec<(UserId, NotifyReason)>> {
    let mut reasons: Vec<(UserId, NotifyReason)> = Vec::new();
    let mut seen = std::collections::HashSet::from([post.author]);
    let mut add = |users: &[UserId], reason: NotifyReason| {
        for &u in users {
            if seen.insert(u) {
                reasons.push((u, reason));
            }
        }
    };
    add(post.mentions, NotifyReason::Mention);
    for &g in post.group_mentions {
        if let Some(group) = tx.group(g)? {
            add(&group.user_ids, NotifyReason::GroupMention);
        }
    }
    add(post.recipients, NotifyReason::Recipient);
    for &g in post.groups {
        match g {
            GROUP_EVERYONE_IN_THREAD => add(participants, NotifyReason::EveryoneInThread),
            GROUP_EVERYONE_IN_CHANNEL => add(channel_members, NotifyReason::EveryoneInChannel),
            id => {
                if let Some(group) = tx.group(GroupId(id))? {
                    add(&group.user_ids, NotifyReason::Group);
                }
            }
        }
    }
    Ok(reasons)
}

/// The people a post names — its recipients, mentions and named groups' members, not
/// "everyone in the channel or thread" — but its author: those its answer tells about when
/// they cannot see it (`Posted::not_notified`).
pub fn named(tx: &mut dyn Tx, post: &Post) -> Result<Vec<UserId>> {
    Ok(asked(tx, &[], &[], post)?.into_iter().map(|(u, _)| u).collect())
}

/// What deciding who hears of a post reads about its people: their roles, channel
/// memberships, mutes of the thread and levels in the channel. The fan-out looks them up
/// once for all the posts of a job — a few statements whatever their number — the urgent
/// path and coverage for their one post.
#[derive(Default)]
pub struct Facts {
    roles: HashMap<(WorkspaceId, UserId), UserType>,
    members: HashSet<(ChannelId, UserId)>,
    muted_until: HashMap<(ThreadId, UserId), i64>,
    levels: HashMap<(ChannelId, UserId), ChannelNotifications>,
    accounts: delivery::Accounts,
}

impl Facts {
    /// What is needed about each thread's people, looked up for them alone: `ch.user_ids`
    /// need not be loaded.
    pub fn load(tx: &mut dyn Tx, posts: &[(&Thread, &[UserId])]) -> Result<Facts> {
        let users: Vec<UserId> = posts.iter().flat_map(|(_, people)| people.iter().copied()).collect();
        if users.is_empty() {
            return Ok(Facts::default());
        }
        let workspaces: Vec<WorkspaceId> = posts.iter().map(|(t, _)| t.workspace_id).collect();
        let channels: Vec<ChannelId> = posts.iter().map(|(t, _)| t.channel_id).collect();
        let threads: Vec<ThreadId> = posts.iter().map(|(t, _)| t.id).collect();
        let known = tx.people_facts(&workspaces, &channels, &threads, &users)?;
        Ok(Facts {
            roles: known.roles.into_iter().map(|(w, u, role)| ((w, u), role)).collect(),
            members: known.members.into_iter().collect(),
            muted_until: known.mutes.into_iter().map(|(t, u, until)| ((t, u), until)).collect(),
            levels: known.levels.into_iter().map(|(c, u, l)| ((c, u), l)).collect(),
            accounts: known.accounts.into_iter().map(|(a, stored)| (a.id, (a, stored))).collect(),
        })
    }

    /// Of the people asked, those who may hear of a post in `ch`: active members of the
    /// workspace (a deactivated member keeps their channels but hears nothing) who can see
    /// the channel — its members, and non-guests of a public one.
    pub fn able(&self, ch: &Channel, reasons: Vec<(UserId, NotifyReason)>) -> Vec<(UserId, NotifyReason)> {
        let sees = |u: UserId| {
            self.roles
                .get(&(ch.workspace_id, u))
                .is_some_and(|role| policy::sees_channel(*role, ch, self.members.contains(&(ch.id, u))))
        };
        reasons.into_iter().filter(|(u, _)| sees(*u)).collect()
    }

    fn muted(&self, thread: ThreadId, user: UserId, at: i64) -> bool {
        self.muted_until.get(&(thread, user)).is_some_and(|until| *until > at)
    }

    fn level(&self, channel: ChannelId, user: UserId) -> ChannelNotifications {
        self.levels.get(&(channel, user)).copied().unwrap_or_default()
    }
}

/// A thread or comment's own event, then the thread (back) in its author's inbox: the part
/// of a post in its own transaction, its events appended together.
pub fn post_with_author(tx: &mut dyn Tx, event: NewEvent, thread: &Thread, author: UserId, now: i64) -> Result<()> {
    let mut out = Deliveries { events: vec![event], ..Deliveries::default() };
    out.touch(thread, &[Touch { user: author, bring_back: true, mention: None }], now)?;
    out.write(tx, None, now)
}

/// What delivering writes, gathered so that many posts (a fan-out job's) take a statement
/// per table between them rather than several per post: inbox touches (merged per person
/// and thread), their events, and notifications with the pushes to plan for them.
#[derive(Default)]
pub struct Deliveries {
    touches: Vec<InboxTouch>,
    events: Vec<NewEvent>,
    notes: Vec<(UserId, Notification, Option<PushOf>)>,
}

impl Deliveries {
    /// Puts a thread in these people's inboxes and tells each of them on their stream.
    fn touch(&mut self, t: &Thread, touches: &[Touch], now: i64) -> Result<()> {
        for p in touches {
            self.touches.push(InboxTouch {
                user: p.user,
                thread: t.id,
                workspace: t.workspace_id,
                channel: t.channel_id,
                now,
                bring_back: p.bring_back,
                mention_obj_index: p.mention,
            });
            let payload = serde_json::json!({
                "thread_id": t.id, "channel_id": t.channel_id, "activity_ts": now, "muted": !p.bring_back,
            });
            self.events.push(super::event(t.workspace_id, "inbox_updated", Audience::user(p.user), &payload)?);
        }
        Ok(())
    }

    /// A notification for `user`, pushed as `push` says (never, for the emergency lane's).
    fn note(&mut self, user: UserId, n: Notification, push: Option<PushOf>) {
        self.notes.push((user, n, push));
    }

    /// Writes it all: a statement per table (per few hundred rows). The accounts of `facts`
    /// (of the people notified) need not be read again to plan their pushes.
    pub fn write(self, tx: &mut dyn Tx, facts: Option<&Facts>, now: i64) -> Result<()> {
        tx.touch_inboxes(&merged(self.touches))?;
        tx.append_events(&self.events, now)?;
        let (notes, pushes): (Vec<(UserId, Notification)>, Vec<Option<PushOf>>) =
            self.notes.into_iter().map(|(u, n, p)| ((u, n), p)).unzip();
        let ids = tx.insert_notifications(&notes)?;
        let planned: Vec<delivery::Planned> = notes
            .iter()
            .zip(ids)
            .zip(pushes)
            .filter_map(|(((user, _), notification_id), of)| {
                of.map(|of| delivery::Planned { user: *user, notification_id, of })
            })
            .collect();
        let known = facts.map(|f| &f.accounts);
        delivery::plan(tx, &planned, known, now)
    }
}

/// One touch per person and thread (a statement may touch a row once): the latest
/// activity, out of Done if any brought it back, the furthest mention.
fn merged(touches: Vec<InboxTouch>) -> Vec<InboxTouch> {
    let mut at: std::collections::HashMap<(UserId, ThreadId), usize> = Default::default();
    let mut out: Vec<InboxTouch> = Vec::with_capacity(touches.len());
    for t in touches {
        match at.get(&(t.user, t.thread)) {
            Some(&i) => {
                let m = &mut out[i];
                m.now = m.now.max(t.now);
                m.bring_back |= t.bring_back;
                m.mention_obj_index = m.mention_obj_index.max(t.mention_obj_index);
            }
            None => {
                at.insert((t.user, t.thread), out.len());
                out.push(t);
            }
        }
    }
    out
}

/// Puts a thread or comment into the inboxes of `notified` (some or all of the people it
/// concerns, not its author) and records their notifications: what the fan-out does after
/// the post committed (an urgent post does it in its own transaction). `comment` is
/// `None` for the thread's own post. An `urgent` post's pushes are the emergency lane's (at
/// once, for everyone): none are planned here. Coverage is `cover`'s, for everyone at once.
/// `facts` hold at least the preferences of the people notified (`Facts::load`).
pub fn deliver(
    facts: &Facts,
    out: &mut Deliveries,
    thread: &Thread,
    comment: Option<&Comment>,
    notified: &[(UserId, NotifyReason)],
    urgent: bool,
) -> Result<()> {
    if notified.is_empty() {
        return Ok(());
    }
    // Everything here is as of the post's time, however late the fan-out runs: the mutes it
    // finds, the times inboxes and notifications carry, when pushes are due.
    let posted = comment.map_or(thread.posted_ts, |c| c.posted_ts);
    let (author, obj_index, mentioned) = match comment {
        Some(c) => (c.creator, c.obj_index, &c.direct_mentions),
        None => (thread.creator, -1, &thread.direct_mentions),
    };
    let mentioned: HashSet<UserId> = mentioned.iter().copied().collect();
    // An urgent post is the emergency lane's and notifies whatever the level.
    let level_of = |u: UserId| if urgent { ChannelNotifications::default() } else { facts.level(thread.channel_id, u) };
    let touches: Vec<Touch> = notified
        .iter()
        .map(|&(u, _)| Touch {
            user: u,
            bring_back: !facts.muted(thread.id, u, posted) && level_of(u) != ChannelNotifications::None,
            mention: mentioned.contains(&u).then_some(obj_index),
        })
        .collect();
    out.touch(thread, &touches, posted)?;
    // An urgent post's pushes are the emergency lane's.
    let push = (!urgent).then_some(PushOf {
        workspace: thread.workspace_id,
        thread: Some(thread.id),
        conversation: None,
        obj_index,
        at: posted,
    });
    for (u, reason) in heard(notified, level_of) {
        out.note(u, about_post(thread, comment, reason, author, posted), push);
    }
    Ok(())
}

/// Those of `notified` whose level lets them hear of it.
fn heard(
    notified: &[(UserId, NotifyReason)],
    level_of: impl Fn(UserId) -> ChannelNotifications,
) -> Vec<(UserId, NotifyReason)> {
    notified.iter().copied().filter(|&(u, reason)| level_of(u).hears(reason)).collect()
}

/// In a channel with a rotation, the people notified who are not available now (off hours,
/// do-not-disturb, away) are covered: the person on duty — or, if they are unavailable too,
/// the next available member in rotation order — is notified and pushed at once, "covering
/// for" them. The people covered still get their own notification, quietly, later.
/// `asked` is everyone the post asks to notify (`asked`: not only a slice of them, and
/// not yet checked against who can see it: only a channel with a rotation needs that);
/// `now` is the post's time (the fan-out may run later).
pub fn cover(
    tx: &mut dyn Tx,
    thread: &Thread,
    comment: Option<&Comment>,
    channel: &Channel,
    rotation: Option<&crate::rotation::Rotation>,
    asked: &[(UserId, NotifyReason)],
    now: i64,
) -> Result<()> {
    if asked.is_empty() {
        return Ok(());
    }
    let Some(rotation) = rotation else { return Ok(()) };
    let users: Vec<UserId> = asked.iter().map(|(u, _)| *u).collect();
    let facts = Facts::load(tx, &[(thread, &users)])?;
    let notified = &facts.able(channel, asked.to_vec());
    let (author, obj_index) = match comment {
        Some(c) => (c.creator, c.obj_index),
        None => (thread.creator, -1),
    };
    let notified = &heard(notified, |u| facts.level(thread.channel_id, u));
    if notified.is_empty() {
        return Ok(());
    }
    let mut people: Vec<UserId> = notified.iter().map(|(u, _)| *u).collect();
    // Only active members of the workspace are ever on duty.
    let candidates: Vec<UserId> =
        rotation.user_ids.iter().chain(rotation.overrides.iter().map(|o| &o.user_id)).copied().collect();
    let on_rotation: std::collections::HashSet<UserId> =
        tx.active_members(thread.workspace_id, &candidates)?.into_iter().collect();
    people.extend(candidates.iter().copied().filter(|u| on_rotation.contains(u)));
    let accounts: std::collections::HashMap<UserId, _> =
        tx.users_with_schedules(&people)?.into_iter().map(|(a, stored)| (a.id, (a, stored))).collect();
    let available = |u: UserId| {
        accounts.get(&u).is_some_and(|(a, stored)| {
            let s = super::schedules::effective_from(stored.clone(), a, now);
            crate::schedule::available(&s, a.away_mode.as_ref(), now)
        })
    };
    let covered: Vec<UserId> = notified.iter().map(|(u, _)| *u).filter(|u| !available(*u)).collect();
    if covered.is_empty() {
        return Ok(());
    }
    let Some(on_duty) = rotation
        .order_from(now)
        .into_iter()
        .find(|u| *u != author && on_rotation.contains(u) && !covered.contains(u) && available(*u))
    else {
        return Ok(());
    };
    let mut out = Deliveries::default();
    out.touch(thread, &[Touch { user: on_duty, bring_back: true, mention: None }], now)?;
    out.write(tx, None, now)?;
    let id = tx.insert_notification(on_duty, &about_post(thread, comment, NotifyReason::Covering, author, now))?;
    let item = PushItem::Covering {
        notification_id: id,
        thread_id: thread.id,
        obj_index,
        created_ts: now,
        covering_for: covered,
    };
    let payload = crate::payload::Push::one(PushDelivery::Covering, item);
    emit(tx, thread.workspace_id, crate::payload::Push::KIND, Audience::user(on_duty), &payload, now)?;
    Ok(())
}

/// A notification about a thread or one of its comments.
fn about_post(thread: &Thread, comment: Option<&Comment>, reason: NotifyReason, by: UserId, now: i64) -> Notification {
    Notification {
        channel_id: Some(thread.channel_id),
        thread_id: Some(thread.id),
        comment_id: comment.map(|c| c.id),
        ..Notification::new(thread.workspace_id, reason, comment.is_some(), by, now)
    }
}

/// A thread coming to someone's inbox.
struct Touch {
    user: UserId,
    /// Out of Done (not for a muted thread).
    bring_back: bool,
    /// A direct mention at this position.
    mention: Option<i64>,
}

/// Records a change of membership (added to or removed from a channel or workspace).
pub fn membership(
    tx: &mut dyn Tx,
    user: UserId,
    ws: WorkspaceId,
    channel: Option<ChannelId>,
    reason: NotifyReason,
    by: UserId,
    now: i64,
) -> Result<()> {
    if user == by {
        return Ok(());
    }
    let n = Notification { channel_id: channel, ..Notification::new(ws, reason, false, by, now) };
    one(tx, user, n, PushOf { workspace: ws, thread: None, conversation: None, obj_index: -1, at: now }, now)
}

/// Records one notification for one person, its push planned by quiet delivery.
pub fn one(tx: &mut dyn Tx, user: UserId, n: Notification, push: PushOf, now: i64) -> Result<()> {
    let mut out = Deliveries::default();
    out.note(user, n, Some(push));
    out.write(tx, None, now)
}

/// A direct message notifies the conversation's other members (but those who muted it):
/// recorded at once, pushed when each is available, like a thread's notifications.
pub fn message(tx: &mut dyn Tx, out: &mut Deliveries, c: &Conversation, m: &Message) -> Result<()> {
    // Only active members: a deactivated one stays in the conversation but hears nothing.
    let others: Vec<UserId> = c.user_ids.iter().copied().filter(|u| *u != m.creator).collect();
    let others = tx.active_members(c.workspace_id, &others)?;
    let muted = tx.conversation_muted_users(c.id, &others, m.posted_ts)?;
    let to: Vec<UserId> = others.into_iter().filter(|u| !muted.contains(u)).collect();
    let note = Notification {
        conversation_id: Some(c.id),
        message_id: Some(m.id),
        ..Notification::new(c.workspace_id, NotifyReason::Message, false, m.creator, m.posted_ts)
    };
    let push = PushOf {
        workspace: c.workspace_id,
        thread: None,
        conversation: Some(c.id),
        obj_index: m.obj_index,
        at: m.posted_ts,
    };
    for u in to {
        out.note(u, note.clone(), Some(push));
    }
    Ok(())
}

/// Direct mentions in a conversation message: noted for the unread list.
pub fn conversation_mentions(tx: &mut dyn Tx, m: &Message, members: &[UserId]) -> Result<()> {
    let mentioned: Vec<UserId> = dedup(m.direct_mentions.iter().copied())
        .into_iter()
        .filter(|u| members.contains(u) && *u != m.creator)
        .collect();
    tx.note_conversation_mentions(m.conversation_id, &mentioned, m.obj_index)
}
