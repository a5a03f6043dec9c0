//! Direct conversations between two or more people, and their messages.

use super::threads::{self, PostInput};
use super::{access, dedup, emit, emit_member_change, notify, post_event};
use crate::error::{Error, NotFound, Result};
use crate::event::{Audience, Fanout};
use crate::ids::*;
use crate::model::*;
use crate::payload::Members;
use crate::payload::Shared;
use crate::policy;
use crate::store::{ConversationState, ItemQuery, NewConversation, PostRef, Tx};

/// One conversation per set of people: the key is their sorted ids.
fn key_of(users: &[UserId]) -> String {
    let mut ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, archived: Option<bool>) -> Result<Vec<Conversation>> {
    access::role_in(tx, ws, actor)?;
    let mut all = tx.conversations_of(ws, actor)?;
    all.retain(|c| archived.is_none_or(|a| c.archived == a));
    Ok(all)
}

pub fn get(tx: &mut dyn Tx, actor: UserId, id: ConversationId) -> Result<Conversation> {
    Ok(access::conversation(tx, id, actor)?.0)
}

pub fn get_or_create(
    tx: &mut dyn Tx,
    actor: UserId,
    ws: WorkspaceId,
    users: &[UserId],
    title: Option<String>,
    now: i64,
) -> Result<Conversation> {
    access::role_in(tx, ws, actor)?;
    access::require_members(tx, ws, users)?;
    let members = dedup(std::iter::once(actor).chain(users.iter().copied()));
    let key = key_of(&members);
    if let Some(id) = tx.conversation_by_key(ws, &key)? {
        return get(tx, actor, id);
    }
    let id = tx.insert_conversation(&NewConversation {
        workspace_id: ws,
        creator: actor,
        user_ids: members,
        title,
        private: true,
        key: Some(key),
        now,
    })?;
    let c = tx.conversation(id, actor)?.ok_or(Error::Internal("conversation vanished".into()))?;
    emit(tx, ws, "conversation_added", Audience::conversation(id), &Shared(&c), now)?;
    Ok(c)
}

pub fn update(
    tx: &mut dyn Tx,
    actor: UserId,
    id: ConversationId,
    title: Option<String>,
    archived: Option<bool>,
    now: i64,
) -> Result<Conversation> {
    let (mut c, _) = access::conversation(tx, id, actor)?;
    if let Some(a) = archived {
        set_state(tx, actor, id, |s| s.archived = a)?;
    }
    if let Some(t) = title {
        c.title = Some(t).filter(|t| !t.trim().is_empty());
        c.version += 1;
        tx.update_conversation(&c)?;
        let c = tx.conversation(id, actor)?.ok_or(Error::NotFound(NotFound::Conversation))?;
        emit(tx, c.workspace_id, "conversation_updated", Audience::conversation(id), &Shared(&c), now)?;
    }
    get(tx, actor, id)
}

/// Changes the actor's own state of a conversation (archive, mute, read position).
pub fn set_state(
    tx: &mut dyn Tx,
    actor: UserId,
    id: ConversationId,
    change: impl FnOnce(&mut ConversationState),
) -> Result<Conversation> {
    let (c, _) = access::conversation(tx, id, actor)?;
    let mut s = ConversationState {
        archived: c.archived,
        muted_until_ts: c.muted_until_ts,
        last_read_obj_index: c.last_read_obj_index,
    };
    change(&mut s);
    tx.put_conversation_state(id, actor, s)?;
    get(tx, actor, id)
}

/// After the set of people changes, the conversation becomes the canonical one for its
/// new set, unless another conversation already is.
fn rekey(tx: &mut dyn Tx, c: &Conversation, members: &[UserId]) -> Result<()> {
    let key = key_of(members);
    let taken = tx.conversation_by_key(c.workspace_id, &key)?.is_some_and(|other| other != c.id);
    tx.set_conversation_key(c.id, if taken { None } else { Some(&key) })?;
    tx.update_conversation(c)
}

pub fn add_users(tx: &mut dyn Tx, actor: UserId, id: ConversationId, users: &[UserId], now: i64) -> Result<()> {
    let (mut c, _) = access::conversation(tx, id, actor)?;
    access::require_members(tx, c.workspace_id, users)?;
    let new: Vec<UserId> = dedup(users.iter().copied()).into_iter().filter(|u| !c.user_ids.contains(u)).collect();
    if new.is_empty() {
        return Ok(());
    }
    tx.add_conversation_members(id, &new)?;
    let members: Vec<UserId> = c.user_ids.iter().copied().chain(new.iter().copied()).collect();
    c.version += 1;
    rekey(tx, &c, &members)?;
    for u in new {
        emit_member_change(tx, c.workspace_id, Members::Conversation(id), u, true, now)?;
    }
    Ok(())
}

pub fn remove_users(tx: &mut dyn Tx, actor: UserId, id: ConversationId, users: &[UserId], now: i64) -> Result<()> {
    let (mut c, _) = access::conversation(tx, id, actor)?;
    let gone: Vec<UserId> = dedup(users.iter().copied()).into_iter().filter(|u| c.user_ids.contains(u)).collect();
    if gone.is_empty() {
        return Ok(());
    }
    let members: Vec<UserId> = c.user_ids.iter().copied().filter(|u| !gone.contains(u)).collect();
    if members.is_empty() {
        return Err(Error::BadRequest("a conversation needs at least one person".into()));
    }
    tx.remove_conversation_members(id, &gone)?;
    c.version += 1;
    rekey(tx, &c, &members)?;
    for u in gone {
        emit_member_change(tx, c.workspace_id, Members::Conversation(id), u, false, now)?;
    }
    Ok(())
}

pub fn add_message(
    tx: &mut dyn Tx,
    actor: &User,
    id: ConversationId,
    post: PostInput,
    now: i64,
) -> Result<Posted<Message>> {
    let (mut c, _) = access::conversation(tx, id, actor.id)?;
    let request = threads::asks(tx, c.workspace_id, actor.id, post.request, now)?;
    let (direct_mentions, direct_group_mentions) =
        threads::mentions(tx, c.workspace_id, &post.content, &post.direct_mentions, &post.direct_group_mentions)?;
    let mut attachments = post.attachments;
    let carried = super::attachments::resolve(tx, actor.id, &mut attachments)?;
    let obj_index = c.last_obj_index + 1;
    let mut m = Message {
        id: MessageId(0),
        conversation_id: id,
        workspace_id: c.workspace_id,
        obj_index,
        content: post.content,
        creator: actor.id,
        creator_name: Some(actor.name.clone()),
        posted_ts: now,
        last_edited_ts: None,
        direct_mentions,
        direct_group_mentions,
        attachments,
        actions: post.actions,
        system_message: None,
        reactions: Reactions::new(),
        deleted: false,
        is_deleted: false,
        version: 1,
    };
    m.id = tx.insert_message(&m)?;
    super::attachments::carry_new(tx, PostRef::Message(m.id), &carried)?;
    c.last_obj_index = obj_index;
    c.message_count += 1;
    c.last_active_ts = now;
    c.snippet = threads::preview(&m.content, &m.attachments);
    c.snippet_creators =
        dedup(std::iter::once(actor.id).chain(c.snippet_creators.iter().copied())).into_iter().take(3).collect();
    c.version += 1;
    tx.update_conversation(&c)?;
    let state = ConversationState { archived: false, muted_until_ts: c.muted_until_ts, last_read_obj_index: obj_index };
    tx.put_conversation_state(id, actor.id, state)?;
    // The other members' notifications and mentions are the fan-out's, after commit.
    let fanout = Some(Fanout::Message { conversation_id: id, message_id: m.id });
    tx.append_event(&post_event(c.workspace_id, "message_added", Audience::conversation(id), &m, fanout)?, now)?;
    // Only the conversation's members hear of it: whoever else it mentions is told about, and
    // members who are away reply.
    let mentioned = notify::Post {
        author: actor.id,
        recipients: &[],
        groups: &[],
        mentions: &m.direct_mentions,
        group_mentions: &m.direct_group_mentions,
    };
    let mentioned = notify::named(tx, &mentioned)?;
    let mentioned = dedup(mentioned.into_iter().chain(request.users.iter().copied()));
    let others = c.user_ids.iter().copied().filter(|u| *u != actor.id);
    let named = access::Named::load(tx, c.workspace_id, None, &dedup(others.chain(mentioned.iter().copied())))?;
    let left_out = named.unseen_in_conversation(&c);
    let away = super::away::replies(
        tx,
        actor.id,
        c.workspace_id,
        super::away::Place::Conversation(id),
        &named.away_modes(&left_out),
        now,
    )?;
    // Members it could not reach (deactivated) are not news on every message: only the
    // people it mentioned or asked.
    let not_notified: Vec<CannotSee> = left_out.into_iter().filter(|u| mentioned.contains(&u.user_id)).collect();
    let asked = super::expectations::Asked::Conversation {
        workspace: c.workspace_id,
        conversation: id,
        message: m.id,
        index: m.obj_index,
    };
    let reply_expected = threads::ask_who_see(tx, actor.id, asked, &request, &not_notified, now)?;
    Ok(Posted { item: m, not_notified, away, reply_expected })
}

pub fn get_message(tx: &mut dyn Tx, actor: UserId, id: MessageId) -> Result<Message> {
    let (mut m, _) = access::message(tx, id, actor)?;
    m.reactions = tx.reactions("message", &[id.0])?.remove(&id.0).unwrap_or_default();
    Ok(m)
}

pub fn messages(tx: &mut dyn Tx, actor: UserId, id: ConversationId, q: ItemQuery) -> Result<Vec<Message>> {
    access::conversation(tx, id, actor)?;
    let mut out = tx.messages(id, &q)?;
    let ids: Vec<i64> = out.iter().map(|m| m.id.0).collect();
    let mut reactions = tx.reactions("message", &ids)?;
    for m in &mut out {
        m.reactions = reactions.remove(&m.id.0).unwrap_or_default();
    }
    Ok(out)
}

pub fn update_message(
    tx: &mut dyn Tx,
    actor: UserId,
    id: MessageId,
    content: Option<String>,
    attachments: Option<Vec<serde_json::Value>>,
    now: i64,
) -> Result<Message> {
    let (mut m, mut c) = access::message(tx, id, actor)?;
    if !policy::can_edit_message(m.creator, actor) {
        return Err(Error::forbidden("only the author can edit a message"));
    }
    if let Some(content) = content {
        m.content = content;
    }
    if let Some(mut a) = attachments {
        let carried = super::attachments::resolve(tx, actor, &mut a)?;
        super::attachments::carry(tx, PostRef::Message(id), &carried)?;
        m.attachments = a;
    }
    let (dm, dgm) = threads::mentions(tx, m.workspace_id, &m.content, &[], &[])?;
    m.direct_mentions = dm;
    m.direct_group_mentions = dgm;
    m.last_edited_ts = Some(now);
    m.version += 1;
    tx.update_message(&m)?;
    if m.obj_index == c.last_obj_index {
        c.snippet = threads::preview(&m.content, &m.attachments);
        tx.update_conversation(&c)?;
    }
    let m = tx.message(id)?.ok_or(Error::NotFound(NotFound::Message))?;
    emit(tx, m.workspace_id, "message_updated", Audience::conversation(m.conversation_id), &m, now)?;
    Ok(m)
}

pub fn remove_message(tx: &mut dyn Tx, actor: UserId, id: MessageId, now: i64) -> Result<()> {
    let (m, mut c) = access::message(tx, id, actor)?;
    if !policy::can_edit_message(m.creator, actor) {
        return Err(Error::forbidden("only the author can remove a message"));
    }
    tx.delete_message(id)?;
    c.message_count -= 1;
    c.snippet = tx.last_message(c.id)?.map(|l| threads::preview(&l.content, &l.attachments)).unwrap_or_default();
    c.version += 1;
    tx.update_conversation(&c)?;
    let payload = serde_json::json!({
        "id": m.id, "conversation_id": m.conversation_id, "workspace_id": m.workspace_id, "obj_index": m.obj_index,
    });
    emit(tx, m.workspace_id, "message_deleted", Audience::conversation(m.conversation_id), &payload, now)?;
    Ok(())
}
