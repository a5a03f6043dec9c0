//! Loaders that fetch an object only if the actor may see it. A missing object and an
//! invisible one give the same `NotFound`, so nobody can probe for private things.

use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::store::{Membership, Tx};
use std::collections::HashMap;

/// The actor's role in a workspace they are an active member of.
pub fn role_in(tx: &mut dyn Tx, ws: WorkspaceId, user: UserId) -> Result<UserType> {
    active_role(tx.membership(ws, user)?).ok_or(Error::NotFound(NotFound::Workspace))
}

/// The role a membership gives, if it lets its member read and act.
fn active_role(m: Option<Membership>) -> Option<UserType> {
    m.filter(Membership::is_active).map(|m| m.user_type)
}

pub fn workspace(tx: &mut dyn Tx, ws: WorkspaceId, user: UserId) -> Result<(Workspace, UserType)> {
    let role = role_in(tx, ws, user)?;
    let w = tx.workspace(ws)?.ok_or(Error::NotFound(NotFound::Workspace))?;
    Ok((w, role))
}

pub fn channel(tx: &mut dyn Tx, id: ChannelId, user: UserId) -> Result<(Channel, UserType)> {
    let ch = tx.channel(id, user)?.ok_or(Error::NotFound(NotFound::Channel))?;
    visible(tx, ch, user)
}

/// The channel and the viewer's role, if they may see it.
fn visible(tx: &mut dyn Tx, ch: Channel, user: UserId) -> Result<(Channel, UserType)> {
    let role = role_in(tx, ch.workspace_id, user).map_err(|_| Error::NotFound(NotFound::Channel))?;
    seen_as(ch, role, user)
}

fn seen_as(ch: Channel, role: UserType, user: UserId) -> Result<(Channel, UserType)> {
    if !policy::can_see_channel(role, &ch, user) {
        return Err(Error::NotFound(NotFound::Channel));
    }
    Ok((ch, role))
}

/// `channel` for the post path, in one lookup: the channel's `user_ids` hold the actor
/// alone, if a member (`Channels::channel_seen_by`), which is all the rules of seeing and
/// posting look at.
pub fn channel_to_post(tx: &mut dyn Tx, id: ChannelId, user: UserId) -> Result<(Channel, UserType)> {
    let (ch, membership) = tx.channel_seen_by(id, user)?.ok_or(Error::NotFound(NotFound::Channel))?;
    let role = active_role(membership).ok_or(Error::NotFound(NotFound::Channel))?;
    seen_as(ch, role, user)
}

/// `thread` for the post path, its channel as `channel_to_post` loads it.
pub fn thread_to_post(tx: &mut dyn Tx, id: ThreadId, user: UserId) -> Result<(Thread, Channel, UserType)> {
    let t = tx.thread(id, user)?.ok_or(Error::NotFound(NotFound::Thread))?;
    let (ch, role) = channel_to_post(tx, t.channel_id, user).map_err(|_| Error::NotFound(NotFound::Thread))?;
    Ok((t, ch, role))
}

pub fn thread(tx: &mut dyn Tx, id: ThreadId, user: UserId) -> Result<(Thread, Channel, UserType)> {
    let t = tx.thread(id, user)?.ok_or(Error::NotFound(NotFound::Thread))?;
    let (ch, role) = channel(tx, t.channel_id, user).map_err(|_| Error::NotFound(NotFound::Thread))?;
    Ok((t, ch, role))
}

pub fn comment(tx: &mut dyn Tx, id: CommentId, user: UserId) -> Result<(Comment, Thread, Channel, UserType)> {
    let c = tx.comment(id)?.ok_or(Error::NotFound(NotFound::Comment))?;
    let (t, ch, role) = thread(tx, c.thread_id, user).map_err(|_| Error::NotFound(NotFound::Comment))?;
    Ok((c, t, ch, role))
}

pub fn conversation(tx: &mut dyn Tx, id: ConversationId, user: UserId) -> Result<(Conversation, UserType)> {
    let c = tx.conversation(id, user)?.ok_or(Error::NotFound(NotFound::Conversation))?;
    if !c.user_ids.contains(&user) {
        return Err(Error::NotFound(NotFound::Conversation));
    }
    let role = role_in(tx, c.workspace_id, user).map_err(|_| Error::NotFound(NotFound::Conversation))?;
    Ok((c, role))
}

pub fn message(tx: &mut dyn Tx, id: MessageId, user: UserId) -> Result<(Message, Conversation)> {
    let m = tx.message(id)?.ok_or(Error::NotFound(NotFound::Message))?;
    let (c, _) = conversation(tx, m.conversation_id, user).map_err(|_| Error::NotFound(NotFound::Message))?;
    Ok((m, c))
}

pub fn group(tx: &mut dyn Tx, id: GroupId, user: UserId) -> Result<(Group, UserType)> {
    let g = tx.group(id)?.ok_or(Error::NotFound(NotFound::Group))?;
    let role = role_in(tx, g.workspace_id, user).map_err(|_| Error::NotFound(NotFound::Group))?;
    Ok((g, role))
}

/// Checks that every one of `users` is an active member of `ws`; someone who is not is
/// not found.
pub fn require_members(tx: &mut dyn Tx, ws: WorkspaceId, users: &[UserId]) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let members: std::collections::HashSet<UserId> = tx.active_members(ws, users)?.into_iter().collect();
    if users.iter().all(|u| members.contains(u)) { Ok(()) } else { Err(Error::NotFound(NotFound::User)) }
}

/// Of `users`, who cannot see `ch` (and its threads), and why, in the order given: one
/// lookup whatever their number.
pub fn cannot_see_channel(tx: &mut dyn Tx, ch: &Channel, users: &[UserId]) -> Result<Vec<CannotSee>> {
    let users = super::dedup(users.iter().copied());
    let sight = sight(tx, ch.workspace_id, Some(ch.id), &users)?;
    Ok(unseen(&users, &sight, |_, m, member| policy::channel_unseen(m, ch, member)))
}

/// Of `users`, who cannot see conversation `c`, and why, in the order given.
pub fn cannot_see_conversation(tx: &mut dyn Tx, c: &Conversation, users: &[UserId]) -> Result<Vec<CannotSee>> {
    let users = super::dedup(users.iter().copied());
    let sight = sight(tx, c.workspace_id, None, &users)?;
    Ok(unseen(&users, &sight, |u, m, _| policy::conversation_unseen(m, c.user_ids.contains(&u))))
}

/// Who of `users` cannot see, and why, given their memberships (`sight`) and the rule.
fn unseen(
    users: &[UserId],
    sight: &HashMap<UserId, (Membership, bool)>,
    rule: impl Fn(UserId, Option<&Membership>, bool) -> Option<Unseen>,
) -> Vec<CannotSee> {
    users
        .iter()
        .filter_map(|&u| {
            let (m, member) = sight.get(&u).map_or((None, false), |(m, member)| (Some(m), *member));
            rule(u, m, member).map(|reason| CannotSee { user_id: u, reason })
        })
        .collect()
}

/// The workspace memberships of `users` who ever joined `ws`, with whether each is in
/// `channel`.
fn sight(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    channel: Option<ChannelId>,
    users: &[UserId],
) -> Result<HashMap<UserId, (Membership, bool)>> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(tx.channel_sight_among(ws, channel, users)?.into_iter().map(|(u, m, member)| (u, (m, member))).collect())
}

/// What `access/check` asks about: a channel, a thread (seen as its channel is) or a
/// conversation.
#[derive(Debug, Clone, Copy)]
pub enum Shared {
    Channel(ChannelId),
    Thread(ThreadId),
    Conversation(ConversationId),
}

/// Who of `users` can see what `actor` would share with them, and who cannot and why. The
/// actor must see it themselves (otherwise it is not found), and `users` must have joined
/// the workspace at some time: like a post's recipients, a stranger is not found.
pub fn check(tx: &mut dyn Tx, actor: UserId, what: Shared, users: &[UserId]) -> Result<AccessCheck> {
    let users = super::dedup(users.iter().copied());
    let cannot_see = match what {
        Shared::Channel(id) => {
            let (ch, _) = channel(tx, id, actor)?;
            unseen_among_known(tx, &ch, &users)?
        }
        Shared::Thread(id) => {
            let (_, ch, _) = thread(tx, id, actor)?;
            unseen_among_known(tx, &ch, &users)?
        }
        Shared::Conversation(id) => {
            let (c, _) = conversation(tx, id, actor)?;
            known(tx, c.workspace_id, None, &users)?;
            cannot_see_conversation(tx, &c, &users)?
        }
    };
    let can_see = users.into_iter().filter(|u| !cannot_see.iter().any(|c| c.user_id == *u)).collect();
    Ok(AccessCheck { can_see, cannot_see })
}

fn unseen_among_known(tx: &mut dyn Tx, ch: &Channel, users: &[UserId]) -> Result<Vec<CannotSee>> {
    let sight = known(tx, ch.workspace_id, Some(ch.id), users)?;
    Ok(unseen(users, &sight, |_, m, member| policy::channel_unseen(m, ch, member)))
}

/// `sight` for people who must all have joined `ws` at some time.
fn known(
    tx: &mut dyn Tx,
    ws: WorkspaceId,
    channel: Option<ChannelId>,
    users: &[UserId],
) -> Result<HashMap<UserId, (Membership, bool)>> {
    let sight = sight(tx, ws, channel, users)?;
    if users.iter().any(|u| !sight.contains_key(u)) {
        return Err(Error::NotFound(NotFound::User));
    }
    Ok(sight)
}
