//! Away replies: someone who notifies or messages a person who is away gets, once per away
//! period and thread (or conversation), a note for their eyes only — "Ana is away until
//! 3 Dec: <note>. Urgent? Bo is on duty" — in the post's answer and on their own stream.

use super::emit;
use crate::error::Result;
use crate::event::Audience;
use crate::ids::*;
use crate::model::{AwayMode, AwayReply, Channel};
use crate::schedule;
use crate::store::Tx;

/// Where a post went: a thread (in its channel, whose rotation may cover) or a conversation.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    Thread(ThreadId, &'a Channel),
    Conversation(ConversationId),
}

impl Place<'_> {
    fn key(&self) -> String {
        match self {
            Place::Thread(id, _) => format!("thread:{id}"),
            Place::Conversation(id) => format!("conversation:{id}"),
        }
    }
}

/// The payload of an `away_reply` event: the replies a post of the sender's got.
#[derive(Debug, serde::Serialize)]
struct AwayReplies<'a> {
    thread_id: Option<ThreadId>,
    conversation_id: Option<ConversationId>,
    replies: &'a [AwayReply],
}

/// The away replies `sender`'s post to `place` gets now, from the people it reached who set
/// an away period (`away`: each person's away mode, as their sight was looked up), and
/// records them so that the next post there gets none from the same period.
pub fn replies(
    tx: &mut dyn Tx,
    sender: UserId,
    ws: WorkspaceId,
    place: Place,
    away: &[(UserId, AwayMode)],
    now: i64,
) -> Result<Vec<AwayReply>> {
    let candidates: Vec<UserId> = away.iter().map(|(u, _)| *u).filter(|u| *u != sender).collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut rotation = None;
    for (user, stored) in tx.users_with_schedules(&candidates)? {
        let Some(mode) = user.away_mode.clone() else { continue };
        let s = super::schedules::effective_from(stored, &user, now);
        if !schedule::is_away(&s, Some(&mode), now) {
            continue;
        }
        let period = format!("{}..{}", mode.date_from.as_deref().unwrap_or(""), mode.date_to);
        if !tx.note_away_reply(user.id, sender, &place.key(), &period, now)? {
            continue;
        }
        let covered_by = match place {
            Place::Thread(_, ch) => {
                if rotation.is_none() {
                    rotation = Some(tx.rotation(ch.id)?);
                }
                rotation
                    .as_ref()
                    .and_then(|r| r.as_ref())
                    .and_then(|r| r.on_duty(now))
                    .and_then(|d| [d.user_id, d.next_user_id].into_iter().find(|u| *u != user.id && *u != sender))
            }
            Place::Conversation(_) => None,
        };
        let availability = schedule::availability(user.id, &s, Some(&mode), now);
        out.push(AwayReply {
            user_id: user.id,
            until: mode.date_to.clone(),
            until_ts: availability.away_until_ts,
            note: mode.note.clone(),
            covered_by,
        });
    }
    if !out.is_empty() {
        out.sort_by_key(|r| r.user_id);
        let (thread_id, conversation_id) = match place {
            Place::Thread(id, _) => (Some(id), None),
            Place::Conversation(id) => (None, Some(id)),
        };
        let payload = AwayReplies { thread_id, conversation_id, replies: &out };
        emit(tx, ws, "away_reply", Audience::user(sender), &payload, now)?;
    }
    Ok(out)
}
