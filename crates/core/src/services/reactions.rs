//! Emoji reactions on threads, comments and messages.

use super::{access, emit};
use crate::error::Result;
use crate::event::Audience;
use crate::ids::*;
use crate::model::{ReactionTarget, Reactions};
use crate::store::Tx;

/// Checks the actor can see the target; answers its workspace and who sees reactions on it.
fn audience(tx: &mut dyn Tx, actor: UserId, target: ReactionTarget) -> Result<(WorkspaceId, Audience)> {
    Ok(match target {
        ReactionTarget::Thread(id) => {
            let (t, _, _) = access::thread(tx, id, actor)?;
            (t.workspace_id, Audience::channel(t.channel_id))
        }
        ReactionTarget::Comment(id) => {
            let (c, _, _, _) = access::comment(tx, id, actor)?;
            (c.workspace_id, Audience::channel(c.channel_id))
        }
        ReactionTarget::Message(id) => {
            let (m, _) = access::message(tx, id, actor)?;
            (m.workspace_id, Audience::conversation(m.conversation_id))
        }
    })
}

fn payload(target: ReactionTarget, actor: UserId, emoji: &str) -> serde_json::Value {
    let mut p = serde_json::json!({"reaction": emoji, "user_id": actor});
    p[format!("{}_id", target.kind())] = serde_json::json!(target.id());
    p
}

pub fn add(tx: &mut dyn Tx, actor: UserId, target: ReactionTarget, emoji: &str, now: i64) -> Result<()> {
    let (ws, aud) = audience(tx, actor, target)?;
    if tx.add_reaction(target, actor, emoji, now)? {
        emit(tx, ws, "reaction_added", aud, &payload(target, actor, emoji), now)?;
    }
    Ok(())
}

pub fn remove(tx: &mut dyn Tx, actor: UserId, target: ReactionTarget, emoji: &str, now: i64) -> Result<()> {
    let (ws, aud) = audience(tx, actor, target)?;
    if tx.remove_reaction(target, actor, emoji)? {
        emit(tx, ws, "reaction_removed", aud, &payload(target, actor, emoji), now)?;
    }
    Ok(())
}

/// `None` when the object has no reactions (the API answers `null`).
pub fn get(tx: &mut dyn Tx, actor: UserId, target: ReactionTarget) -> Result<Option<Reactions>> {
    audience(tx, actor, target)?;
    Ok(tx.reactions(target.kind(), &[target.id()])?.remove(&target.id()).filter(|r| !r.is_empty()))
}
