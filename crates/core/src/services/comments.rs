//! Comments: the replies inside a thread. Each takes the next `obj_index` of its thread.

use super::threads::{self, PostInput};
use super::{access, emit, notify, post_event};
use crate::error::{Error, NotFound, Result};
use crate::event::{Audience, Fanout};
use crate::ids::*;
use crate::model::*;
use crate::payload::Shared;
use crate::policy;
use crate::store::{ItemQuery, PostRef, ThreadState, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAction {
    Close,
    Reopen,
}

pub struct NewCommentInput {
    pub thread_id: ThreadId,
    pub post: PostInput,
    pub thread_action: Option<ThreadAction>,
    /// Moves the author's read position to the new comment (default).
    pub mark_thread_position: bool,
    /// Confirms a post in an emergency channel.
    pub urgent: bool,
}

pub fn add(tx: &mut dyn Tx, actor: &User, input: NewCommentInput, now: i64) -> Result<Posted<Comment>> {
    let (mut thread, mut ch, role, participants) = access::thread_to_comment(tx, input.thread_id, actor.id)?;
    if !policy::can_post_in_channel(role, &ch, actor.id) {
        return Err(Error::forbidden("the channel is archived"));
    }
    super::emergencies::check(&ch, input.urgent)?;
    threads::ensure_member(tx, &mut ch, actor.id, now)?;
    let post = input.post;
    let request = threads::asks(tx, ch.workspace_id, actor.id, post.request, now)?;
    let to_everyone = matches!(post.recipients, Some(threads::Recipients::Everyone));
    // By default a comment tells the people who took part in the thread; the people asked
    // for an answer are notified of the question.
    let recipients = match post.recipients {
        Some(r) => threads::resolve_recipients(tx, &ch, actor.id, r)?,
        None => thread.participants.iter().copied().filter(|u| *u != actor.id).collect(),
    };
    let recipients = super::dedup(recipients.into_iter().chain(request.users.iter().copied()));
    let groups = threads::check_groups(tx, ch.workspace_id, &post.groups.unwrap_or_default())?;
    let (direct_mentions, direct_group_mentions) =
        threads::mentions(tx, ch.workspace_id, &post.content, &post.direct_mentions, &post.direct_group_mentions)?;
    let mut attachments = post.attachments;
    let carried = super::attachments::resolve(tx, actor.id, &mut attachments)?;
    let obj_index = thread.last_obj_index + 1;
    let mut comment = Comment {
        creator_name: Some(actor.name.clone()),
        recipients,
        groups,
        direct_mentions,
        direct_group_mentions,
        attachments,
        actions: post.actions,
        thread_action: input.thread_action.map(|a| match a {
            ThreadAction::Close => "close".to_string(),
            ThreadAction::Reopen => "reopen".to_string(),
        }),
        ..Comment::draft((thread.id, thread.channel_id, thread.workspace_id), actor.id, obj_index, post.content, now)
    };
    comment.id = tx.insert_comment(&comment)?;
    super::attachments::carry_new(tx, PostRef::Comment(comment.id), &carried)?;

    thread.last_obj_index = obj_index;
    thread.comment_count += 1;
    thread.last_updated_ts = now;
    if !thread.participants.contains(&actor.id) {
        thread.participants.push(actor.id);
    }
    if !comment.content.trim().is_empty() || !comment.attachments.is_empty() {
        thread.snippet = threads::preview(&comment.content, &comment.attachments);
        thread.snippet_creator = actor.id;
    }
    let was_closed = thread.closed;
    match input.thread_action {
        Some(ThreadAction::Close) if !was_closed => thread.set_status(ThreadStatus::Closed, actor.id, now),
        Some(ThreadAction::Reopen) if was_closed => thread.set_status(thread.reopened_status(), actor.id, now),
        _ => {}
    }
    let state_changed = was_closed != thread.closed;
    thread.version += 1;
    tx.update_thread(&thread)?;
    if input.mark_thread_position {
        let state = ThreadState {
            starred: thread.starred,
            archived: thread.is_archived,
            muted_until_ts: thread.muted_until_ts,
            last_read_obj_index: obj_index,
        };
        tx.put_thread_state(thread.id, actor.id, state)?;
    }
    // Who else it concerns is the fan-out's, after commit; an urgent post reaches them now.
    let fanout = (!input.urgent).then_some(Fanout::Comment { thread_id: thread.id, comment_id: comment.id });
    let event =
        post_event(comment.workspace_id, "comment_added", Audience::channel(comment.channel_id), &comment, fanout)?;
    notify::post_with_author(tx, event, &thread, actor.id, now)?;
    if input.urgent {
        super::emergencies::deliver_urgent(tx, &thread, Some(&comment), now)?;
        // An urgent comment has no fan-out: what it answers is met here.
        super::expectations::answered(tx, &[super::expectations::Answer::comment(&comment)], now)?;
    }
    if state_changed {
        let t = tx.thread(thread.id, actor.id)?.ok_or(Error::NotFound(NotFound::Thread))?;
        emit(tx, t.workspace_id, "thread_updated", Audience::channel(t.channel_id), &Shared(&t), now)?;
        super::decisions::sync_due(tx, &t, &ch, actor.id, now)?;
    }
    let (not_notified, away) = threads::told_about(
        tx,
        actor.id,
        (&ch, &participants),
        &thread,
        Some(&comment),
        to_everyone.then_some(&request.users),
        now,
    )?;
    let asked = super::expectations::Asked::Thread {
        channel: &ch,
        thread: thread.id,
        comment: Some(comment.id),
        index: comment.obj_index,
    };
    let reply_expected = threads::ask_who_see(tx, actor.id, asked, &request, &not_notified, now)?;
    Ok(Posted { item: comment, not_notified, away, reply_expected })
}

pub fn get(tx: &mut dyn Tx, actor: UserId, id: CommentId) -> Result<Comment> {
    let (mut c, _, _, _) = access::comment(tx, id, actor)?;
    c.reactions = tx.reactions("comment", &[id.0])?.remove(&id.0).unwrap_or_default();
    Ok(c)
}

pub fn list(tx: &mut dyn Tx, actor: UserId, thread: ThreadId, q: ItemQuery) -> Result<Vec<Comment>> {
    access::thread(tx, thread, actor)?;
    let mut comments = tx.comments(thread, &q)?;
    let ids: Vec<i64> = comments.iter().map(|c| c.id.0).collect();
    let mut reactions = tx.reactions("comment", &ids)?;
    for c in &mut comments {
        c.reactions = reactions.remove(&c.id.0).unwrap_or_default();
    }
    Ok(comments)
}

pub struct Update {
    pub content: Option<String>,
    pub attachments: Option<Vec<serde_json::Value>>,
    pub actions: Option<Vec<serde_json::Value>>,
    pub direct_mentions: Vec<UserId>,
    pub direct_group_mentions: Vec<GroupId>,
}

pub fn update(tx: &mut dyn Tx, actor: UserId, id: CommentId, up: Update, now: i64) -> Result<Comment> {
    let (mut c, mut thread, _, role) = access::comment(tx, id, actor)?;
    if !policy::can_edit_post(role, c.creator, actor) {
        return Err(Error::forbidden("only the author or an admin can edit a comment"));
    }
    if let Some(content) = up.content {
        c.content = content;
    }
    if let Some(mut a) = up.attachments {
        let carried = super::attachments::resolve(tx, actor, &mut a)?;
        super::attachments::carry(tx, PostRef::Comment(id), &carried)?;
        c.attachments = a;
    }
    if let Some(a) = up.actions {
        c.actions = a;
    }
    let (m, gm) = threads::mentions(tx, c.workspace_id, &c.content, &up.direct_mentions, &up.direct_group_mentions)?;
    c.direct_mentions = m;
    c.direct_group_mentions = gm;
    c.last_edited_ts = Some(now);
    c.version += 1;
    tx.update_comment(&c)?;
    if c.obj_index == thread.last_obj_index {
        thread.snippet = threads::preview(&c.content, &c.attachments);
        tx.update_thread(&thread)?;
    }
    let c = tx.comment(id)?.ok_or(Error::NotFound(NotFound::Comment))?;
    emit(tx, c.workspace_id, "comment_updated", Audience::channel(c.channel_id), &c, now)?;
    Ok(c)
}

pub fn remove(tx: &mut dyn Tx, actor: UserId, id: CommentId, now: i64) -> Result<()> {
    let (c, mut thread, ch, role) = access::comment(tx, id, actor)?;
    if !policy::can_edit_post(role, c.creator, actor) {
        return Err(Error::forbidden("only the author or an admin can remove a comment"));
    }
    let was_decision = thread.decision_comment_id == Some(id);
    tx.delete_comment(id)?;
    // The obj_index sequence keeps its gap: read positions stay meaningful.
    thread.comment_count -= 1;
    super::decisions::comment_removed(&mut thread, id, actor, now);
    match tx.last_comment(thread.id)? {
        Some(last) => {
            thread.snippet = threads::preview(&last.content, &last.attachments);
            thread.snippet_creator = last.creator;
        }
        None => {
            thread.snippet = threads::preview(&thread.content, &thread.attachments);
            thread.snippet_creator = thread.creator;
        }
    }
    thread.version += 1;
    tx.update_thread(&thread)?;
    let payload = serde_json::json!({
        "id": c.id, "thread_id": c.thread_id, "channel_id": c.channel_id, "workspace_id": c.workspace_id,
        "obj_index": c.obj_index,
    });
    emit(tx, c.workspace_id, "comment_deleted", Audience::channel(c.channel_id), &payload, now)?;
    if was_decision {
        let t = tx.thread(thread.id, actor)?.ok_or(Error::NotFound(NotFound::Thread))?;
        emit(tx, t.workspace_id, "thread_updated", Audience::channel(t.channel_id), &Shared(&t), now)?;
        super::decisions::sync_due(tx, &t, &ch, actor, now)?;
    }
    Ok(())
}
