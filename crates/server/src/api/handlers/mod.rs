//! One function per endpoint: turn parameters into domain input, call one service.

pub mod batch;
pub mod channels;
pub mod comments;
pub mod conversations;
pub mod emergencies;
pub mod groups;
pub mod inbox;
pub mod notifications;
pub mod reactions;
pub mod rotations;
pub mod schedules;
pub mod search;
pub mod threads;
pub mod users;
pub mod workspace_users;
pub mod workspaces;

use super::params::{Params, RecipientsParam};
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::ids::*;
use weft_core::services::threads::{PostInput, Recipients};
use weft_core::{Result, input};

pub(crate) fn user_ids(v: Vec<i64>) -> Vec<UserId> {
    v.into_iter().map(UserId).collect()
}

/// The people an add/remove call names: `user_id` on the single-person endpoints,
/// `user_ids` (or `user_id`) on the plural ones.
pub(crate) fn people(p: &Params) -> Result<Vec<UserId>> {
    if p.declares("user_ids") && !p.has("user_id") {
        return Ok(user_ids(p.ids("user_ids")?));
    }
    Ok(vec![UserId(p.id("user_id")?)])
}

/// One person added to or removed from the object named by `id` (a channel, a group).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Person<Id> {
    pub id: Id,
    pub user_id: UserId,
}

/// People added to or removed from the object named by `id`: `user_ids`, or `user_id`
/// for one person (which wins when both are given).
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("anyOf" = [{"required": ["user_ids"]}, {"required": ["user_id"]}]))]
pub struct People<Id> {
    pub id: Id,
    #[serde(default)]
    pub user_ids: Option<Vec<UserId>>,
    /// One person; used instead of `user_ids` when given.
    #[serde(default)]
    pub user_id: Option<UserId>,
}

impl<Id> People<Id> {
    /// The people named, as the untyped `people` reads them.
    pub fn people(&self) -> Result<Vec<UserId>> {
        match (self.user_id, &self.user_ids) {
            (Some(one), _) => Ok(vec![one]),
            (None, Some(many)) => Ok(many.clone()),
            (None, None) => Err(weft_core::Error::missing("user_ids")),
        }
    }
}

impl<Id> From<Person<Id>> for People<Id> {
    fn from(p: Person<Id>) -> Self {
        People { id: p.id, user_ids: None, user_id: Some(p.user_id) }
    }
}

/// The fields every post (thread, comment, message) shares.
pub(crate) fn post_input(p: &Params, content_required: bool) -> Result<PostInput> {
    let content = match p.opt_str("content")? {
        Some(c) => input::content("content", &c, !content_required)?,
        None if content_required => return Err(weft_core::Error::missing("content")),
        None => String::new(),
    };
    // Messages have no notify list: their audience is the conversation.
    let (recipients, groups) = if p.declares("recipients") {
        let given = p.opt_recipients("recipients")?;
        let mut groups = p.opt_ids("groups")?;
        let recipients = match given {
            None => None,
            Some(RecipientsParam::Everyone) => Some(Recipients::Everyone),
            // Older clients' "everyone in the thread" is the reserved group 2.
            Some(RecipientsParam::EveryoneInThread) => {
                groups.get_or_insert_with(Vec::new).push(GROUP_EVERYONE_IN_THREAD);
                None
            }
            Some(RecipientsParam::Ids(ids)) => Some(Recipients::Users(user_ids(ids))),
        };
        (recipients, groups)
    } else {
        (None, None)
    };
    Ok(PostInput {
        content,
        attachments: p.opt_objects("attachments")?.unwrap_or_default(),
        actions: p.opt_objects("actions")?.unwrap_or_default(),
        recipients,
        groups,
        direct_mentions: user_ids(p.opt_ids("direct_mentions")?.unwrap_or_default()),
        direct_group_mentions: p
            .opt_ids("direct_group_mentions")?
            .unwrap_or_default()
            .into_iter()
            .map(GroupId)
            .collect(),
    })
}
