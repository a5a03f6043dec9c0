//! `access/*`: sharing checks — who can see a channel, thread or conversation, and why not.

use crate::api::Cx;
use schemars::JsonSchema;
use serde::Deserialize;
use weft_core::model::AccessCheck;
use weft_core::services::access::{self, Shared};
use weft_core::{ChannelId, ConversationId, Error, Result, ThreadId, UserId, input};

/// `access/check`: exactly one of `channel_id`, `thread_id`, `conversation_id`, and the
/// people to check.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("oneOf" = [{"required": ["channel_id"]}, {"required": ["thread_id"]}, {"required": ["conversation_id"]}]))]
pub struct Check {
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
    #[serde(default)]
    pub thread_id: Option<ThreadId>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    /// The people to share it with.
    #[schemars(length(min = 1))]
    pub user_ids: input::List<UserId>,
}

impl Check {
    fn shared(&self) -> Result<Shared> {
        let given = [
            self.channel_id.map(Shared::Channel),
            self.thread_id.map(Shared::Thread),
            self.conversation_id.map(Shared::Conversation),
        ];
        let mut present = given.into_iter().flatten();
        match (present.next(), present.next()) {
            (Some(s), None) => Ok(s),
            (None, _) => Err(Error::missing("channel_id")),
            (Some(_), Some(_)) => {
                Err(Error::invalid("channel_id", "give only one of channel_id, thread_id, conversation_id"))
            }
        }
    }
}

/// Who of `user_ids` can see it, and who cannot and why (not in the workspace, invited,
/// deactivated, a guest outside the channel, not in the private channel or conversation).
/// The caller must see it themselves.
pub async fn check(cx: Cx, p: Check) -> Result<AccessCheck> {
    let actor = cx.actor()?.id;
    let shared = p.shared()?;
    let users: Vec<UserId> = p.user_ids.into();
    if users.is_empty() {
        return Err(Error::missing("user_ids"));
    }
    cx.read(move |tx| access::check(tx, actor, shared, &users)).await
}
