//! Loaders that fetch an object only if the actor may see it. A missing object and an
//! invisible one give the same `NotFound`, so nobody can probe for private things.

use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::*;
use crate::policy;
use crate::store::{Membership, Sight, Tx};
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

/// `thread` for the post path, its channel as `channel_to_post` loads it, in one lookup
/// (`Posts::thread_seen_by`).
pub fn thread_to_post(tx: &mut dyn Tx, id: ThreadId, user: UserId) -> Result<(Thread, Channel, UserType)> {
    let (t, ch, membership) = tx.thread_seen_by(id, user)?.ok_or(Error::NotFound(NotFound::Thread))?;
    let (ch, role) = thread_seen_as(ch, membership, user)?;
    Ok((t, ch, role))
}

/// `thread_to_post` for a comment, with what its channel knows of the thread's
/// participants (whom a comment names by default: `Named::load_knowing`), in the same
/// lookup (`Posts::thread_and_participants_seen_by`).
pub fn thread_to_comment(tx: &mut dyn Tx, id: ThreadId, user: UserId) -> Result<(Thread, Channel, UserType, Known)> {
    let (t, ch, membership, sight) =
        tx.thread_and_participants_seen_by(id, user)?.ok_or(Error::NotFound(NotFound::Thread))?;
    let (ch, role) = thread_seen_as(ch, membership, user)?;
    let known = Known { of: t.participants.clone(), sight };
    Ok((t, ch, role, known))
}

fn thread_seen_as(ch: Channel, membership: Option<Membership>, user: UserId) -> Result<(Channel, UserType)> {
    let role = active_role(membership).ok_or(Error::NotFound(NotFound::Thread))?;
    seen_as(ch, role, user).map_err(|_| Error::NotFound(NotFound::Thread))
}

/// The sight of people `of`, read already: one of them without a `Sight` has no membership.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub of: Vec<UserId>,
    pub sight: Vec<Sight>,
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

/// People a post names or a check asks about, with what decides whether they can see it
/// (`Channels::channel_sight_among`, one lookup whatever their number).
pub struct Named {
    users: Vec<UserId>,
    sight: HashMap<UserId, Sight>,
}

impl Named {
    /// `users` (repeats dropped) as workspace `ws` and `channel` (if any) know them.
    pub fn load(tx: &mut dyn Tx, ws: WorkspaceId, channel: Option<ChannelId>, users: &[UserId]) -> Result<Named> {
        let users = super::dedup(users.iter().copied());
        let sight = if users.is_empty() {
            HashMap::new()
        } else {
            tx.channel_sight_among(ws, channel, &users)?.into_iter().map(|s| (s.user, s)).collect()
        };
        Ok(Named { users, sight })
    }

    /// `load`, reading only the people `known` does not cover (none, for a comment to the
    /// thread's participants).
    pub fn load_knowing(
        tx: &mut dyn Tx,
        ws: WorkspaceId,
        channel: Option<ChannelId>,
        users: &[UserId],
        known: &Known,
    ) -> Result<Named> {
        let users = super::dedup(users.iter().copied());
        let covers: std::collections::HashSet<UserId> = known.of.iter().copied().collect();
        let unknown: Vec<UserId> = users.iter().copied().filter(|u| !covers.contains(u)).collect();
        let mut named = Named::load(tx, ws, channel, &unknown)?;
        let asked: std::collections::HashSet<UserId> = users.iter().copied().collect();
        named.sight.extend(known.sight.iter().filter(|s| asked.contains(&s.user)).map(|s| (s.user, s.clone())));
        named.users = users;
        Ok(named)
    }

    /// Like `load`, for people who must all have joined `ws` at some time: like a post's
    /// recipients, a stranger is not found.
    fn load_known(tx: &mut dyn Tx, ws: WorkspaceId, channel: Option<ChannelId>, users: &[UserId]) -> Result<Named> {
        let named = Named::load(tx, ws, channel, users)?;
        if named.users.iter().any(|u| !named.sight.contains_key(u)) {
            return Err(Error::NotFound(NotFound::User));
        }
        Ok(named)
    }

    /// Who cannot see `ch` (loaded with it) and its threads, and why, in the order given.
    pub fn unseen_in_channel(&self, ch: &Channel) -> Vec<CannotSee> {
        self.unseen(|s| policy::channel_unseen(s.map(|s| &s.membership), ch, s.is_some_and(|s| s.member)))
    }

    /// Who cannot see conversation `c`, and why, in the order given.
    pub fn unseen_in_conversation(&self, c: &Conversation) -> Vec<CannotSee> {
        self.unseen(|s| {
            policy::conversation_unseen(s.map(|s| &s.membership), s.is_some_and(|s| c.user_ids.contains(&s.user)))
        })
    }

    fn unseen(&self, rule: impl Fn(Option<&Sight>) -> Option<Unseen>) -> Vec<CannotSee> {
        let of = |u: &UserId| rule(self.sight.get(u)).map(|reason| CannotSee { user_id: *u, reason });
        self.users.iter().filter_map(of).collect()
    }

    /// The away modes of those who set one, but for `left_out` (who cannot see the post).
    pub fn away_modes(&self, left_out: &[CannotSee]) -> Vec<(UserId, AwayMode)> {
        let reached = |u: &&UserId| !left_out.iter().any(|c| c.user_id == **u);
        self.users
            .iter()
            .filter(reached)
            .filter_map(|u| self.sight.get(u)?.away_mode.clone().map(|m| (*u, m)))
            .collect()
    }
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
    let (named, cannot_see) = match what {
        Shared::Channel(id) => {
            let (ch, _) = channel(tx, id, actor)?;
            let named = Named::load_known(tx, ch.workspace_id, Some(ch.id), users)?;
            let unseen = named.unseen_in_channel(&ch);
            (named, unseen)
        }
        Shared::Thread(id) => {
            let (_, ch, _) = thread(tx, id, actor)?;
            let named = Named::load_known(tx, ch.workspace_id, Some(ch.id), users)?;
            let unseen = named.unseen_in_channel(&ch);
            (named, unseen)
        }
        Shared::Conversation(id) => {
            let (c, _) = conversation(tx, id, actor)?;
            let named = Named::load_known(tx, c.workspace_id, None, users)?;
            let unseen = named.unseen_in_conversation(&c);
            (named, unseen)
        }
    };
    let can_see = named.users.into_iter().filter(|u| !cannot_see.iter().any(|c| c.user_id == *u)).collect();
    Ok(AccessCheck { can_see, cannot_see })
}
