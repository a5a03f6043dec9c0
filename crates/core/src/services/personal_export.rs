//! `users/export`: a person downloads their own data — people own what they wrote.
//!
//! One JSON document, `{"format": "weft-personal-export", "version": 1, …}` (the shape is
//! `Document` below and README's "Your own data"), answered as a `TextFile` like
//! `decisions/export`. It holds the caller's account (never a password hash or token), their
//! settings, every thread and comment they wrote, the conversations they are in with their
//! messages, their reactions and the files they uploaded.
//!
//! **Whose text.** Everything the person wrote, wherever it is, even where they no longer
//! read (a channel they left, a workspace that deactivated them): they wrote it. Other
//! people's text only where the person reads it now: every message of the conversations
//! they are in as an active member of its workspace (the app shows them those anyway), and
//! the title of a thread they commented on if they wrote it or see its channel now. Never a
//! thread or comment of someone else, nor a conversation they are not in.
//!
//! **Size.** Each area of posts (threads, comments, messages) stops, oldest first, once the
//! text it holds passes `MAX_TEXT` characters, or at `MAX_ITEMS` rows (reactions and uploads
//! too); the database cuts it, so nothing past the limit is read. A cut area is listed in
//! `truncated` with its total, and `complete` is false: an admin's workspace export has the
//! rest. Times are Unix seconds (`*_ts`) and ISO 8601 in UTC (`*_at`).

use super::decisions::TextFile;
use super::{notifications, schedules};
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::model::{AwayMode, User, UserType};
use crate::schedule::Schedule;
use crate::store::{Budget, ConversationMessage, OwnChannelLevel, Tx};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

pub const FORMAT: &str = "weft-personal-export";
pub const VERSION: u32 = 1;
/// Characters of text (content, titles, attachments' JSON) one area of posts holds at most.
pub const MAX_TEXT: i64 = 8 * 1024 * 1024;
/// Rows one area holds at most.
pub const MAX_ITEMS: i64 = 50_000;

/// A time as both Unix seconds and ISO 8601 (UTC).
fn iso(ts: i64) -> String {
    jiff::Timestamp::from_second(ts).map(|t| t.to_string()).unwrap_or_default()
}

#[derive(Debug, Serialize)]
pub struct Document {
    pub format: &'static str,
    pub version: u32,
    pub exported_ts: i64,
    pub exported_at: String,
    /// False when an area was cut by the limits (`truncated` says which).
    pub complete: bool,
    pub limits: Limits,
    pub truncated: Vec<Truncated>,
    pub account: Account,
    pub settings: Settings,
    pub workspaces: Vec<WorkspaceEntry>,
    pub threads: Vec<ThreadEntry>,
    pub comments: Vec<CommentEntry>,
    pub conversations: Vec<ConversationEntry>,
    pub reactions: Vec<ReactionEntry>,
    pub uploads: Vec<UploadEntry>,
}

#[derive(Debug, Serialize)]
pub struct Limits {
    pub items_per_area: i64,
    pub text_per_area: i64,
}

#[derive(Debug, Serialize)]
pub struct Truncated {
    pub area: &'static str,
    pub included: usize,
    pub total: i64,
}

/// The profile, without anything that signs in (no password hash, no token).
#[derive(Debug, Serialize)]
pub struct Account {
    pub id: UserId,
    pub name: String,
    pub short_name: String,
    pub email: String,
    pub timezone: String,
    pub lang: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profession: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<String>,
    pub bot: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_workspace: Option<WorkspaceId>,
    pub created_ts: i64,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct Settings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub away_mode: Option<AwayMode>,
    pub off_days: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snooze_dnd_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snooze_dnd_end: Option<String>,
    pub snooze_until: i64,
    /// Working hours, do-not-disturb and delivery (`schedules/get`).
    pub schedule: Schedule,
    /// Per workspace, every setting with the defaults filled in (`notifications_settings/get`).
    pub notifications: Vec<WorkspaceNotifications>,
    /// Levels set per channel (`channels/set_notifications`).
    pub channel_notifications: Vec<ChannelLevel>,
}

#[derive(Debug, Serialize)]
pub struct WorkspaceNotifications {
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    pub settings: Map<String, Value>,
}

#[derive(Debug, Serialize)]
pub struct ChannelLevel {
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub level: String,
}

#[derive(Debug, Serialize)]
pub struct WorkspaceEntry {
    pub id: WorkspaceId,
    pub name: String,
    pub role: UserType,
    /// Invited, not joined yet.
    pub pending: bool,
    pub deactivated: bool,
}

#[derive(Debug, Serialize)]
pub struct ThreadEntry {
    pub id: ThreadId,
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub title: String,
    pub content: String,
    pub posted_ts: i64,
    pub posted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edited_ts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edited_at: Option<String>,
    pub status: String,
    pub attachments: Value,
}

#[derive(Debug, Serialize)]
pub struct CommentEntry {
    pub id: CommentId,
    pub thread_id: ThreadId,
    /// Absent where the thread is someone else's in a channel the person no longer sees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_title: Option<String>,
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    pub channel_id: ChannelId,
    pub channel_name: String,
    pub obj_index: i64,
    pub content: String,
    pub posted_ts: i64,
    pub posted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edited_ts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edited_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_message: Option<String>,
    pub attachments: Value,
}

#[derive(Debug, Serialize)]
pub struct ConversationEntry {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub created_ts: i64,
    pub created_at: String,
    /// In it now, as an active member: every message and the members are here. Otherwise
    /// (left it, deactivated) only the person's own messages.
    pub readable: bool,
    pub members: Vec<Member>,
    pub messages: Vec<MessageEntry>,
}

#[derive(Debug, Serialize)]
pub struct Member {
    pub id: UserId,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct MessageEntry {
    pub id: MessageId,
    pub obj_index: i64,
    pub creator_id: UserId,
    pub creator_name: String,
    pub content: String,
    pub posted_ts: i64,
    pub posted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edited_ts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_edited_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_message: Option<String>,
    pub attachments: Value,
}

#[derive(Debug, Serialize)]
pub struct ReactionEntry {
    pub target_kind: String,
    pub target_id: i64,
    pub emoji: String,
    pub created_ts: i64,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct UploadEntry {
    pub attachment_id: String,
    pub uploaded_ts: i64,
    pub uploaded_at: String,
    /// The Attachment object the API answers: name, size, type, `url` to download it.
    pub attachment: Value,
}

fn edited(ts: Option<i64>) -> (Option<i64>, Option<String>) {
    (ts, ts.map(iso))
}

/// The caller's own data as a document (a handful of statements, whatever its size).
pub fn document(tx: &mut dyn Tx, actor: UserId, now: i64) -> Result<Document> {
    document_within(tx, actor, now, Budget { items: MAX_ITEMS, text: MAX_TEXT })
}

/// `document` with each area cut at `budget` (tests use small ones).
pub fn document_within(tx: &mut dyn Tx, actor: UserId, now: i64, budget: Budget) -> Result<Document> {
    let user: User = tx.user(actor)?.ok_or(Error::NotFound(NotFound::User))?;
    let schedule = schedules::stored(tx, &user)?;
    let memberships = tx.memberships_of(actor)?;
    let stored_settings: HashMap<WorkspaceId, Value> = tx.own_notification_settings(actor)?.into_iter().collect();
    let levels = tx.own_channel_levels(actor)?;
    let threads = tx.own_threads(actor, budget)?;
    let comments = tx.own_comments(actor, budget)?;
    let conversations = tx.own_conversations(actor)?;
    let members = tx.own_conversation_members(actor)?;
    let messages = tx.own_conversation_messages(actor, budget)?;
    let reactions = tx.own_reactions(actor, budget.items)?;
    let uploads = tx.own_uploads(actor, budget.items)?;

    let mut truncated = Vec::new();
    let mut note = |area: &'static str, included: usize, total: i64, complete: bool| {
        if !complete {
            truncated.push(Truncated { area, included, total });
        }
    };
    note("threads", threads.items.len(), threads.total, threads.complete());
    note("comments", comments.items.len(), comments.total, comments.complete());
    note("messages", messages.items.len(), messages.total, messages.complete());
    note("reactions", reactions.items.len(), reactions.total, reactions.complete());
    note("uploads", uploads.items.len(), uploads.total, uploads.complete());

    let notifications = memberships
        .iter()
        .map(|(ws, _)| {
            let mut all = notifications::defaults();
            if let Some(Value::Object(stored)) = stored_settings.get(&ws.id) {
                for (k, v) in stored {
                    if all.contains_key(k) {
                        all.insert(k.clone(), v.clone());
                    }
                }
            }
            WorkspaceNotifications { workspace_id: ws.id, workspace_name: ws.name.clone(), settings: all }
        })
        .collect();
    let workspaces = memberships
        .iter()
        .map(|(ws, m)| WorkspaceEntry {
            id: ws.id,
            name: ws.name.clone(),
            role: m.user_type,
            pending: m.pending,
            deactivated: m.deactivated,
        })
        .collect();

    let mut members_of: HashMap<ConversationId, Vec<Member>> = HashMap::new();
    for (c, id, name) in members {
        members_of.entry(c).or_default().push(Member { id, name });
    }
    let mut messages_of: HashMap<ConversationId, Vec<MessageEntry>> = HashMap::new();
    for m in messages.items {
        let ConversationMessage {
            id,
            conversation_id,
            obj_index,
            creator,
            creator_name,
            content,
            posted_ts,
            last_edited_ts,
            system_message,
            attachments,
        } = m;
        let (last_edited_ts, last_edited_at) = edited(last_edited_ts);
        messages_of.entry(conversation_id).or_default().push(MessageEntry {
            id,
            obj_index,
            creator_id: creator,
            creator_name,
            content,
            posted_ts,
            posted_at: iso(posted_ts),
            last_edited_ts,
            last_edited_at,
            system_message,
            attachments,
        });
    }

    Ok(Document {
        format: FORMAT,
        version: VERSION,
        exported_ts: now,
        exported_at: iso(now),
        complete: truncated.is_empty(),
        limits: Limits { items_per_area: budget.items, text_per_area: budget.text },
        truncated,
        account: Account {
            id: user.id,
            name: user.name.clone(),
            short_name: user.short_name.clone(),
            email: user.email.clone(),
            timezone: user.timezone.clone(),
            lang: user.lang.clone(),
            profession: user.profession.clone(),
            contact_info: user.contact_info.clone(),
            bot: user.bot,
            default_workspace: user.default_workspace,
            created_ts: user.created_ts,
            created_at: iso(user.created_ts),
        },
        settings: Settings {
            away_mode: user.away_mode.clone(),
            off_days: user.off_days.clone(),
            snooze_dnd_start: user.snooze_dnd_start.clone(),
            snooze_dnd_end: user.snooze_dnd_end.clone(),
            snooze_until: user.snooze_until,
            schedule,
            notifications,
            channel_notifications: levels
                .into_iter()
                .map(|OwnChannelLevel { workspace_id, channel_id, channel_name, level }| ChannelLevel {
                    workspace_id,
                    channel_id,
                    channel_name,
                    level,
                })
                .collect(),
        },
        workspaces,
        threads: threads
            .items
            .into_iter()
            .map(|t| {
                let (last_edited_ts, last_edited_at) = edited(t.last_edited_ts);
                ThreadEntry {
                    id: t.id,
                    workspace_id: t.place.workspace_id,
                    workspace_name: t.place.workspace_name,
                    channel_id: t.place.channel_id,
                    channel_name: t.place.channel_name,
                    title: t.title,
                    content: t.content,
                    posted_ts: t.posted_ts,
                    posted_at: iso(t.posted_ts),
                    last_edited_ts,
                    last_edited_at,
                    status: t.status,
                    attachments: t.attachments,
                }
            })
            .collect(),
        comments: comments
            .items
            .into_iter()
            .map(|c| {
                let (last_edited_ts, last_edited_at) = edited(c.last_edited_ts);
                CommentEntry {
                    id: c.id,
                    thread_id: c.thread_id,
                    thread_title: c.thread_title,
                    workspace_id: c.place.workspace_id,
                    workspace_name: c.place.workspace_name,
                    channel_id: c.place.channel_id,
                    channel_name: c.place.channel_name,
                    obj_index: c.obj_index,
                    content: c.content,
                    posted_ts: c.posted_ts,
                    posted_at: iso(c.posted_ts),
                    last_edited_ts,
                    last_edited_at,
                    system_message: c.system_message,
                    attachments: c.attachments,
                }
            })
            .collect(),
        conversations: conversations
            .into_iter()
            .map(|c| ConversationEntry {
                members: members_of.remove(&c.id).unwrap_or_default(),
                messages: messages_of.remove(&c.id).unwrap_or_default(),
                id: c.id,
                workspace_id: c.workspace_id,
                workspace_name: c.workspace_name,
                title: c.title,
                created_ts: c.created_ts,
                created_at: iso(c.created_ts),
                readable: c.readable,
            })
            .collect(),
        reactions: reactions
            .items
            .into_iter()
            .map(|r| ReactionEntry {
                target_kind: r.target_kind,
                target_id: r.target_id,
                emoji: r.emoji,
                created_ts: r.created_ts,
                created_at: iso(r.created_ts),
            })
            .collect(),
        uploads: uploads
            .items
            .into_iter()
            .map(|u| UploadEntry {
                attachment_id: u.attachment_id,
                uploaded_ts: u.uploaded_ts,
                uploaded_at: iso(u.uploaded_ts),
                attachment: u.object,
            })
            .collect(),
    })
}

/// `users/export`: the document as a file to save.
pub fn export(tx: &mut dyn Tx, actor: UserId, now: i64) -> Result<TextFile> {
    let doc = document(tx, actor, now)?;
    let date = iso(now).get(..10).unwrap_or_default().to_string();
    let content = serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(TextFile {
        file_name: format!("weft-export-{}-{date}.json", actor.0),
        content_type: "application/json; charset=utf-8".into(),
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Taken;

    #[test]
    fn times_are_iso_8601_in_utc() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_796_140_800), "2026-12-01T16:00:00Z");
    }

    #[test]
    fn a_cut_area_says_so() {
        let t: Taken<i64> = Taken { items: vec![1, 2], total: 3 };
        assert!(!t.complete());
        let t: Taken<i64> = Taken { items: vec![], total: 0 };
        assert!(t.complete());
    }
}
