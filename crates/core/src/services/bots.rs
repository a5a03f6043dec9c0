//! Bots: accounts with `bot: true` that scripts act as. An admin makes one for a workspace
//! (it becomes an active member there, owned by the admin who made it) and gets its first
//! API token — a write token kept to that workspace. A bot signs in only by its tokens (it
//! has no password), is added to channels like anyone, and every access rule applies to it;
//! its posts show its name, and clients see `bot: true` on its User object.

use super::{access, api_tokens, emit};
use crate::error::{Error, NotFound, Result};
use crate::event::Audience;
use crate::ids::*;
use crate::model::{ApiToken, Bot, TokenScope, User, UserType};
use crate::store::{Membership, NewUser, Tx};

/// The most bots one workspace may have.
pub const MAX_PER_WORKSPACE: usize = 100;

/// A bot's address: unique, never deliverable (`.invalid` is reserved), never a person's.
fn bot_email(n: u64) -> String {
    format!("bot-{n:016x}@bots.invalid")
}

fn random_u64() -> Result<u64> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(u64::from_le_bytes(b))
}

fn require_admin(tx: &mut dyn Tx, ws: WorkspaceId, actor: UserId) -> Result<()> {
    match access::role_in(tx, ws, actor)? {
        UserType::Admin => Ok(()),
        _ => Err(Error::forbidden("only the workspace's admins manage bots")),
    }
}

/// Makes a bot account in `ws`, an active member there, owned by `owner` (checked by the
/// caller), with no token.
pub(crate) fn make(tx: &mut dyn Tx, ws: WorkspaceId, name: &str, owner: UserId, now: i64) -> Result<User> {
    if tx.bots_of(ws)?.len() >= MAX_PER_WORKSPACE {
        return Err(Error::LimitReached(format!("{MAX_PER_WORKSPACE} bots per workspace; remove one first")));
    }
    let id = tx.insert_user(&NewUser {
        email: bot_email(random_u64()?),
        name: name.to_string(),
        // Not an argon2 hash: no password ever matches it.
        password_hash: "!".into(),
        timezone: "UTC".into(),
        bot: true,
        now,
    })?;
    tx.put_membership(ws, id, Membership::active(UserType::User), now)?;
    tx.insert_bot(id, ws, owner, now)?;
    let wu = tx.workspace_user(ws, id)?.ok_or(Error::Internal("bot member vanished".into()))?;
    emit(tx, ws, "workspace_user_added", Audience::workspace().and_user(id), &wu, now)?;
    tx.user(id)?.ok_or(Error::Internal("bot vanished".into()))
}

/// `bots/add`: an admin makes a bot and gets its first token (shown once).
pub fn add(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId, name: &str, now: i64) -> Result<(Bot, ApiToken)> {
    require_admin(tx, ws, actor)?;
    let user = make(tx, ws, name, actor, now)?;
    let token = api_tokens::add(tx, user.id, "bot", TokenScope::Write, Some(ws), now)?;
    let bot = tx.bot(user.id)?.ok_or(Error::Internal("bot vanished".into()))?;
    Ok((bot, token))
}

/// `bots/get`: a workspace's bots, for its members.
pub fn list(tx: &mut dyn Tx, actor: UserId, ws: WorkspaceId) -> Result<Vec<Bot>> {
    access::role_in(tx, ws, actor)?;
    tx.bots_of(ws)
}

/// The bot `id`, if the actor may manage it: its owner or an admin of its workspace.
fn managed(tx: &mut dyn Tx, actor: UserId, id: UserId) -> Result<Bot> {
    let bot = tx.bot(id)?.filter(|b| !b.user.removed).ok_or(Error::NotFound(NotFound::User))?;
    // Only members of its workspace learn that it exists.
    let role = access::role_in(tx, bot.workspace_id, actor).map_err(|_| Error::NotFound(NotFound::User))?;
    if bot.owner_id != actor && role != UserType::Admin {
        return Err(Error::forbidden("only the bot's owner or an admin manages it"));
    }
    Ok(bot)
}

/// `bots/new_token`: a new token for the bot; its earlier ones stop working. Answers the
/// token and the hashes of the revoked ones (for caches to forget).
pub fn new_token(tx: &mut dyn Tx, actor: UserId, id: UserId, now: i64) -> Result<(ApiToken, Vec<String>)> {
    let bot = managed(tx, actor, id)?;
    let mut revoked = Vec::new();
    for t in tx.api_tokens_of(id)? {
        revoked.extend(tx.delete_api_token(id, t.id)?);
    }
    let token = api_tokens::add(tx, id, "bot", TokenScope::Write, Some(bot.workspace_id), now)?;
    Ok((token, revoked))
}

/// `bots/remove`: the bot leaves its workspace for good and its tokens stop working; its
/// posts stay, under its name.
pub fn remove(tx: &mut dyn Tx, actor: UserId, id: UserId, now: i64) -> Result<()> {
    let bot = managed(tx, actor, id)?;
    retire(tx, &bot, now)
}

/// Ends a bot: out of its workspace, no tokens, its account closed (its name kept).
pub(crate) fn retire(tx: &mut dyn Tx, bot: &Bot, now: i64) -> Result<()> {
    tx.erase_user(bot.user.id, &super::users::deleted_email(bot.user.id), &bot.user.name)?;
    if let Some(m) = tx.membership(bot.workspace_id, bot.user.id)? {
        super::workspace_users::depart(tx, bot.workspace_id, bot.user.id, m, None, now)?;
    }
    tx.delete_bot(bot.user.id)
}
