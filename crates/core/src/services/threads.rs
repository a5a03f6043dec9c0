//! Threads: titled posts in a channel, the unit of asynchronous discussion.

use super::{access, dedup, emit, emit_member_change, notify, post_event};
use crate::error::{Error, NotFound, Result};
use crate::event::{Audience, Fanout};
use crate::ids::*;
use crate::model::*;
use crate::payload::{Members, Shared, ThreadDeleted};
use crate::policy;
use crate::store::{PostRef, ThreadQuery, ThreadState, Tx, search};
use crate::text;
use serde_json::Value;
use std::collections::HashSet;

pub const SNIPPET_CHARS: usize = 140;

/// A post's preview in lists: the start of its text or, for a post that is only files,
/// their names. Bounded work whatever the post's size (`text::snippet`).
pub fn preview(content: &str, attachments: &[Value]) -> String {
    let text = text::snippet(content, SNIPPET_CHARS);
    let names: Vec<&str> = attachments
        .iter()
        .take(5)
        .filter_map(|a| a.get("file_name").or_else(|| a.get("title")).and_then(Value::as_str))
        .collect();
    if !text.is_empty() || names.is_empty() {
        return text;
    }
    text::snippet(&format!("📎 {}", names.join(", ")), SNIPPET_CHARS)
}

/// Who a post notifies, as the client said it.
#[derive(Debug, Clone, PartialEq)]
pub enum Recipients {
    Everyone,
    Users(Vec<UserId>),
}

/// Fields shared by threads, comments and messages.
#[derive(Debug, Clone, Default)]
pub struct PostInput {
    pub content: String,
    pub attachments: Vec<Value>,
    pub actions: Vec<Value>,
    /// `None` means "the default audience".
    pub recipients: Option<Recipients>,
    pub groups: Option<Vec<i64>>,
    pub direct_mentions: Vec<UserId>,
    pub direct_group_mentions: Vec<GroupId>,
    /// Whose answer it asks for, and by when (`services::expectations`).
    pub request: super::expectations::Request,
}

pub struct NewThreadInput {
    pub channel_id: ChannelId,
    pub title: String,
    pub post: PostInput,
    /// Confirms a post in an emergency channel.
    pub urgent: bool,
}

/// Joins the actor to a public channel they post in without being a member (`ch` may hold
/// the actor alone: `access::channel_to_post`).
pub(crate) fn ensure_member(tx: &mut dyn Tx, ch: &mut Channel, actor: UserId, now: i64) -> Result<()> {
    if !ch.user_ids.contains(&actor) {
        tx.add_channel_members(ch.id, &[actor])?;
        ch.user_ids.push(actor);
        emit_member_change(tx, ch.workspace_id, Members::Channel(ch.id), actor, true, now)?;
    }
    Ok(())
}

/// Expands "EVERYONE" (the channel's members: the one list a post keeps by name, as
/// Twist's clients expect), checks explicit ids and drops the author.
pub(crate) fn resolve_recipients(
    tx: &mut dyn Tx,
    ch: &Channel,
    actor: UserId,
    given: Recipients,
) -> Result<Vec<UserId>> {
    let ids = match given {
        Recipients::Everyone => tx.channel(ch.id, actor)?.map(|c| c.user_ids).unwrap_or_default(),
        Recipients::Users(ids) => {
            access::require_members(tx, ch.workspace_id, &ids)?;
            ids
        }
    };
    Ok(dedup(ids).into_iter().filter(|u| *u != actor).collect())
}

pub(crate) fn check_groups(tx: &mut dyn Tx, ws: WorkspaceId, groups: &[i64]) -> Result<Vec<i64>> {
    for &g in groups {
        if g == GROUP_EVERYONE_IN_CHANNEL || g == GROUP_EVERYONE_IN_THREAD {
            continue;
        }
        match tx.group(GroupId(g))? {
            Some(group) if group.workspace_id == ws => {}
            _ => return Err(Error::NotFound(NotFound::Group)),
        }
    }
    Ok(dedup(groups.iter().copied()))
}

/// The people and groups a post mentions: the ids the client sent (which must exist in the
/// workspace) and those written in the content as mention links (unknown ones are plain
/// text and ignored).
pub(crate) fn mentions(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    content: &str,
    direct: &[UserId],
    groups: &[GroupId],
) -> Result<(Vec<UserId>, Vec<GroupId>)> {
    access::require_members(tx, ws, direct)?;
    if tx.groups_among(ws, groups)?.len() < dedup(groups.iter().copied()).len() {
        return Err(Error::NotFound(NotFound::Group));
    }
    // One look-up for all the mentions a post writes, however many: they are read on the writer.
    let written = text::user_mentions(content);
    let members: HashSet<UserId> = tx.active_members(ws, &written)?.into_iter().collect();
    let users: Vec<UserId> = written.into_iter().filter(|u| members.contains(u)).collect();
    let written = text::group_mentions(content);
    let known: HashSet<GroupId> = tx.groups_among(ws, &written)?.into_iter().collect();
    let written_groups: Vec<GroupId> = written.into_iter().filter(|g| known.contains(g)).collect();
    Ok((
        dedup(users.into_iter().chain(direct.iter().copied())),
        dedup(written_groups.into_iter().chain(groups.iter().copied())),
    ))
}

pub fn add(tx: &mut dyn Tx, actor: &User, input: NewThreadInput, now: i64) -> Result<Posted<Thread>> {
    let (mut ch, role) = access::channel_to_post(tx, input.channel_id, actor.id)?;
    if !policy::can_post_in_channel(role, &ch, actor.id) {
        return Err(Error::forbidden("the channel is archived"));
    }
    super::emergencies::check(&ch, input.urgent)?;
    ensure_member(tx, &mut ch, actor.id, now)?;
    let post = input.post;
    let request = asks(tx, ch.workspace_id, actor.id, post.request, now)?;
    let to_everyone = matches!(post.recipients, Some(Recipients::Everyone));
    let recipients = match post.recipients {
        Some(r) => resolve_recipients(tx, &ch, actor.id, r)?,
        None if ch.use_default_recipients => {
            resolve_recipients(tx, &ch, actor.id, Recipients::Users(ch.default_recipients.clone()))?
        }
        None => Vec::new(),
    };
    // The people asked for an answer are notified of the question.
    let recipients = dedup(recipients.into_iter().chain(request.users.iter().copied()));
    let groups = match post.groups {
        Some(g) => check_groups(tx, ch.workspace_id, &g)?,
        None if ch.use_default_recipients => ch.default_groups.iter().map(|g| g.0).collect(),
        None => Vec::new(),
    };
    let (direct_mentions, direct_group_mentions) =
        mentions(tx, ch.workspace_id, &post.content, &post.direct_mentions, &post.direct_group_mentions)?;
    let mut attachments = post.attachments;
    let carried = super::attachments::resolve(tx, actor.id, &mut attachments)?;
    let snippet = preview(&post.content, &attachments);
    let draft = Thread {
        recipients,
        groups,
        direct_mentions,
        direct_group_mentions,
        attachments,
        actions: post.actions,
        ..Thread::draft((ch.id, ch.workspace_id), actor.id, input.title, post.content, snippet, now)
    };
    let id = tx.insert_thread(&draft)?;
    super::attachments::carry_new(tx, PostRef::Thread(id), &carried)?;
    // The author has read their own post.
    tx.put_thread_state(id, actor.id, ThreadState { last_read_obj_index: -1, ..ThreadState::default() })?;
    let thread = tx.thread(id, actor.id)?.ok_or(Error::Internal("thread vanished".into()))?;
    // Who else it concerns is the fan-out's, after commit; an urgent post reaches them now.
    let fanout = (!input.urgent).then_some(Fanout::Thread { thread_id: thread.id });
    let event = post_event(thread.workspace_id, "thread_added", Audience::channel(ch.id), &Shared(&thread), fanout)?;
    notify::post_with_author(tx, event, &thread, actor.id, now)?;
    if input.urgent {
        super::emergencies::deliver_urgent(tx, &thread, None, now)?;
    }
    let (not_notified, away) = told_about(
        tx,
        actor.id,
        (&ch, &access::Known::default()),
        &thread,
        None,
        to_everyone.then_some(&request.users),
        now,
    )?;
    let asked = super::expectations::Asked::Thread { channel: &ch, thread: thread.id, comment: None, index: -1 };
    let reply_expected = ask_who_see(tx, actor.id, asked, &request, &not_notified, now)?;
    Ok(Posted { item: thread, not_notified, away, reply_expected })
}

/// Checks what a post asks (`expectations::Request::check`; the people must be in the
/// workspace).
pub(crate) fn asks(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    actor: UserId,
    request: super::expectations::Request,
    now: i64,
) -> Result<super::expectations::Request> {
    let request = super::expectations::Request { users: dedup(request.users), ..request };
    request.check("request_reply", actor, now)?;
    access::require_members(tx, ws, &request.users)?;
    Ok(request)
}

/// Records the answers a post asks for, from the people asked who can see it (those who
/// cannot are in `not_notified`).
pub(crate) fn ask_who_see(
    tx: &mut dyn Tx,
    actor: UserId,
    at: super::expectations::Asked,
    request: &super::expectations::Request,
    not_notified: &[CannotSee],
    now: i64,
) -> Result<Vec<Expectation>> {
    let users: Vec<UserId> =
        request.users.iter().copied().filter(|u| !not_notified.iter().any(|n| n.user_id == *u)).collect();
    super::expectations::ask(tx, actor, at, &users, request.reply_by_ts, now)
}

/// What a post's answer tells its author about the people it named: who cannot see it (so
/// was not notified), and the away replies of those who are away. "Everyone in the
/// channel", as recipients (`everyone_but`: the people asked for an answer, whom it still
/// names) or group, names nobody: its people all see it, and an announcement gets no away
/// replies. Who can see the channel is read for the people `known` (read with the thread,
/// `access::thread_to_comment`) does not cover.
pub(crate) fn told_about(
    tx: &mut dyn Tx,
    author: UserId,
    (ch, known): (&Channel, &access::Known),
    thread: &Thread,
    comment: Option<&Comment>,
    everyone_but: Option<&[UserId]>,
    now: i64,
) -> Result<(Vec<CannotSee>, Vec<AwayReply>)> {
    let mut post = notify::Post::of(thread, comment);
    if let Some(asked) = everyone_but {
        // To everyone: only the people asked for an answer are named.
        post.recipients = asked;
    }
    let people = notify::named(tx, &post)?;
    let named = access::Named::load_knowing(tx, ch.workspace_id, Some(ch.id), &people, known)?;
    let not_notified = named.unseen_in_channel(ch);
    let place = super::away::Place::Thread(thread.id, ch);
    let away = super::away::replies(tx, author, ch.workspace_id, place, &named.away_modes(&not_notified), now)?;
    Ok((not_notified, away))
}

pub fn get(tx: &mut dyn Tx, actor: UserId, id: ThreadId) -> Result<Thread> {
    let (mut t, _, _) = access::thread(tx, id, actor)?;
    t.reactions = tx.reactions("thread", &[id.0])?.remove(&id.0).unwrap_or_default();
    Ok(t)
}

pub struct ListInput {
    pub workspace_id: Option<WorkspaceId>,
    pub channel_id: Option<ChannelId>,
    pub query: ThreadQuery,
}

pub fn list(tx: &mut dyn Tx, actor: UserId, input: ListInput) -> Result<Vec<Thread>> {
    let mut q = input.query;
    match (input.channel_id, input.workspace_id) {
        (Some(ch), ws) => {
            let (ch, _) = access::channel(tx, ch, actor)?;
            if ws.is_some_and(|ws| ws != ch.workspace_id) {
                return Err(Error::NotFound(NotFound::Channel));
            }
            q.workspace_id = Some(ch.workspace_id);
            q.channel_ids = vec![ch.id];
        }
        (None, Some(ws)) => {
            let role = access::role_in(tx, ws, actor)?;
            let channels = tx.channels_in(ws, actor)?;
            q.workspace_id = Some(ws);
            q.channel_ids = channels.iter().filter(|c| policy::can_see_channel(role, c, actor)).map(|c| c.id).collect();
        }
        (None, None) => return Err(Error::missing("workspace_id")),
    }
    let mut threads = tx.threads(&q, actor)?;
    fill_reactions(tx, &mut threads)?;
    Ok(threads)
}

fn fill_reactions(tx: &mut dyn Tx, threads: &mut [Thread]) -> Result<()> {
    let ids: Vec<i64> = threads.iter().map(|t| t.id.0).collect();
    let mut all = tx.reactions("thread", &ids)?;
    for t in threads {
        t.reactions = all.remove(&t.id.0).unwrap_or_default();
    }
    Ok(())
}

#[derive(Default)]
pub struct Update {
    pub title: Option<String>,
    pub content: Option<String>,
    pub attachments: Option<Vec<Value>>,
    pub actions: Option<Vec<Value>>,
    pub direct_mentions: Option<Vec<UserId>>,
    pub direct_group_mentions: Option<Vec<GroupId>>,
    /// Who decides and where the decision stands (`services::decisions`).
    pub steer: super::decisions::Steer,
}

impl Update {
    fn edits(&self) -> bool {
        self.title.is_some()
            || self.content.is_some()
            || self.attachments.is_some()
            || self.actions.is_some()
            || self.direct_mentions.is_some()
            || self.direct_group_mentions.is_some()
    }
}

pub fn update(tx: &mut dyn Tx, actor: UserId, id: ThreadId, mut up: Update, now: i64) -> Result<Thread> {
    let (mut t, ch, role) = access::thread(tx, id, actor)?;
    let steer = std::mem::take(&mut up.steer);
    let steering = !steer.is_empty();
    if up.edits() || !steering {
        edit(tx, actor, &mut t, role, up, now)?;
    }
    if steering {
        super::decisions::steer(tx, actor, &mut t, &ch, role, steer, now)?;
    }
    let t = save_and_emit(tx, t, actor, now)?;
    if steering {
        super::decisions::sync_due(tx, &t, &ch, actor, now)?;
    }
    Ok(t)
}

/// The author's (or an admin's) changes to a thread's title, text, files and mentions.
fn edit(tx: &mut dyn Tx, actor: UserId, t: &mut Thread, role: UserType, up: Update, now: i64) -> Result<()> {
    if !policy::can_edit_post(role, t.creator, actor) {
        return Err(Error::forbidden("only the author or an admin can edit a thread"));
    }
    if let Some(title) = up.title {
        t.title = title;
    }
    if let Some(content) = up.content {
        t.content = content;
    }
    if let Some(mut a) = up.attachments {
        let carried = super::attachments::resolve(tx, actor, &mut a)?;
        super::attachments::carry(tx, PostRef::Thread(t.id), &carried)?;
        t.attachments = a;
    }
    if t.comment_count == 0 {
        t.snippet = preview(&t.content, &t.attachments);
    }
    if let Some(a) = up.actions {
        t.actions = a;
    }
    let (m, gm) = mentions(
        tx,
        t.workspace_id,
        &t.content,
        &up.direct_mentions.unwrap_or_default(),
        &up.direct_group_mentions.unwrap_or_default(),
    )?;
    t.direct_mentions = m;
    t.direct_group_mentions = gm;
    t.last_edited_ts = Some(now);
    t.version += 1;
    tx.index_doc(&search::thread_doc(t))?;
    Ok(())
}

/// Writes the shared fields of a thread and tells its channel.
pub(crate) fn save_and_emit(tx: &mut dyn Tx, t: Thread, actor: UserId, now: i64) -> Result<Thread> {
    tx.update_thread(&t)?;
    let t = tx.thread(t.id, actor)?.ok_or(Error::NotFound(NotFound::Thread))?;
    emit(tx, t.workspace_id, "thread_updated", Audience::channel(t.channel_id), &Shared(&t), now)?;
    Ok(t)
}

pub fn remove(tx: &mut dyn Tx, actor: UserId, id: ThreadId, now: i64) -> Result<()> {
    let (t, _, role) = access::thread(tx, id, actor)?;
    if !policy::can_edit_post(role, t.creator, actor) {
        return Err(Error::forbidden("only the author or an admin can remove a thread"));
    }
    let payload = ThreadDeleted { id: t.id, channel_id: t.channel_id, workspace_id: t.workspace_id, moved_to: None };
    emit(tx, t.workspace_id, "thread_deleted", Audience::channel(t.channel_id), &payload, now)?;
    tx.delete_thread(id)
}

pub fn set_pinned(tx: &mut dyn Tx, actor: UserId, id: ThreadId, pinned: bool, now: i64) -> Result<()> {
    let (mut t, ch, role) = access::thread(tx, id, actor)?;
    if !policy::can_post_in_channel(role, &ch, actor) {
        return Err(Error::forbidden("the channel is archived"));
    }
    if t.pinned != pinned {
        t.pinned = pinned;
        t.pinned_ts = pinned.then_some(now);
        t.version += 1;
        save_and_emit(tx, t, actor, now)?;
    }
    Ok(())
}

pub fn move_to_channel(tx: &mut dyn Tx, actor: UserId, id: ThreadId, to: ChannelId, now: i64) -> Result<()> {
    let (mut t, from, role) = access::thread(tx, id, actor)?;
    if !policy::can_edit_post(role, t.creator, actor) {
        return Err(Error::forbidden("only the author or an admin can move a thread"));
    }
    let (target, target_role) =
        access::channel(tx, to, actor).map_err(|_| Error::invalid("to_channel", "channel not found"))?;
    if target.workspace_id != from.workspace_id {
        return Err(Error::invalid("to_channel", "channel is in another workspace"));
    }
    if !policy::can_post_in_channel(target_role, &target, actor) {
        return Err(Error::forbidden("the target channel is archived"));
    }
    if target.id == from.id {
        return Ok(());
    }
    t.channel_id = target.id;
    t.version += 1;
    tx.update_thread(&t)?;
    tx.move_thread_docs(id, target.id)?;
    tx.move_inbox_items(id, target.id)?;
    tx.move_thread_expectations(id, target.id)?;
    tx.move_scheduled_replies(id, target.id)?;
    // Viewers of the old channel see it leave; viewers of the new one see it arrive.
    let t = tx.thread(id, actor)?.ok_or(Error::NotFound(NotFound::Thread))?;
    let gone = ThreadDeleted { id: t.id, channel_id: from.id, workspace_id: t.workspace_id, moved_to: Some(target.id) };
    emit(tx, t.workspace_id, "thread_deleted", Audience::channel(from.id), &gone, now)?;
    emit(tx, t.workspace_id, "thread_added", Audience::channel(target.id), &Shared(&t), now)?;
    Ok(())
}

/// Changes the actor's own state of a thread (star, per-user archive, mute, read position).
pub fn set_state(
    tx: &mut dyn Tx,
    actor: UserId,
    id: ThreadId,
    change: impl FnOnce(&mut ThreadState),
    now: i64,
) -> Result<Thread> {
    let (t, _, _) = access::thread(tx, id, actor)?;
    let mut state = ThreadState {
        starred: t.starred,
        archived: t.is_archived,
        muted_until_ts: t.muted_until_ts,
        last_read_obj_index: t.last_read_obj_index,
    };
    change(&mut state);
    tx.put_thread_state(id, actor, state)?;
    let t = tx.thread(id, actor)?.ok_or(Error::NotFound(NotFound::Thread))?;
    let payload = serde_json::json!({
        "thread_id": t.id,
        "channel_id": t.channel_id,
        "starred": t.starred,
        "is_archived": t.is_archived,
        "muted_until_ts": t.muted_until_ts,
        "last_read_obj_index": t.last_read_obj_index,
    });
    emit(tx, t.workspace_id, "thread_state_updated", Audience::user(actor), &payload, now)?;
    Ok(t)
}
