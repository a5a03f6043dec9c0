//! `expectations/*`: answers people asked for (`request_reply` on a post) — what the caller
//! owes and waits for, resolving and withdrawing, and the due times a request would get.

use crate::api::{Cx, Stored};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use weft_core::model::{Expectation, Resolution};
use weft_core::services::expectations::{self, Counts, DueTime, StateFilter, Where};
use weft_core::store::ExpectationRole;
use weft_core::{ChannelId, ConversationId, Error, Result, UserId, WorkspaceId, input};

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Get {
    pub workspace_id: WorkspaceId,
    /// `owed`: answers the caller was asked for (default); `waiting`: answers the caller
    /// asked for.
    #[serde(default)]
    pub role: Option<ExpectationRole>,
    /// `open` (not yet due, default), `overdue`, `pending` (open or overdue) or `done` (the
    /// newest 200).
    #[serde(default)]
    pub state: Option<StateFilter>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ExpectationList {
    /// Newest first.
    pub expectations: Vec<Expectation>,
    /// Open and overdue on both sides, for the sidebar.
    pub counts: Counts,
}

/// What the caller owes or waits for in a workspace, with the counts of both sides. Only
/// what they still see: a thread of a channel they left is not listed.
pub async fn get(cx: Cx, p: Get) -> Result<ExpectationList> {
    let actor = cx.actor()?.id;
    let (role, state) = (p.role.unwrap_or(ExpectationRole::Owed), p.state.unwrap_or(StateFilter::Open));
    let now = cx.now();
    let (expectations, counts) =
        cx.read(move |tx| expectations::list(tx, actor, p.workspace_id, role, state, now)).await?;
    Ok(ExpectationList { expectations, counts })
}

/// How the person asked resolves an expectation.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolveAs {
    /// Answered elsewhere (posting in the thread or conversation resolves it by itself).
    Answered,
    NoReplyNeeded,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Resolve {
    pub id: i64,
    pub resolution: ResolveAs,
}

/// The person asked resolves an open expectation; the requester's app hears of it.
pub async fn resolve(cx: Cx, p: Resolve) -> Result<Stored<Expectation>> {
    let actor = cx.actor()?.id;
    let resolution = match p.resolution {
        ResolveAs::Answered => Resolution::Answered,
        ResolveAs::NoReplyNeeded => Resolution::NoReplyNeeded,
    };
    let now = cx.now();
    cx.write(move |tx| expectations::resolve(tx, actor, p.id, resolution, now)).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Withdraw {
    pub id: i64,
}

/// The requester no longer waits for the answer.
pub async fn withdraw(cx: Cx, p: Withdraw) -> Result<Stored<Expectation>> {
    let actor = cx.actor()?.id;
    let now = cx.now();
    cx.write(move |tx| expectations::withdraw(tx, actor, p.id, now)).await
}

/// `expectations/preview`: exactly one of `channel_id`, `conversation_id`, and the people.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("oneOf" = [{"required": ["channel_id"]}, {"required": ["conversation_id"]}]))]
pub struct Preview {
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    /// The people who would be asked.
    #[schemars(length(min = 1, max = expectations::MAX_ASKED))]
    pub user_ids: input::List<UserId>,
    /// A due time the requester would set.
    #[serde(default)]
    pub reply_by_ts: Option<i64>,
}

/// When each person's answer would be due, were the caller to ask them now there: the
/// composer shows it before sending.
pub async fn preview(cx: Cx, p: Preview) -> Result<Vec<DueTime>> {
    let actor = cx.actor()?.id;
    let place = super::exactly_one(
        [p.channel_id.map(Where::Channel), p.conversation_id.map(Where::Conversation)],
        ["channel_id", "conversation_id"],
    )?;
    let users: Vec<UserId> = p.user_ids.into();
    if users.is_empty() {
        return Err(Error::missing("user_ids"));
    }
    let now = cx.now();
    cx.read(move |tx| expectations::preview(tx, actor, place, &users, p.reply_by_ts, now)).await
}
