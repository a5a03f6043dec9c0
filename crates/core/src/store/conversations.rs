//! Conversations (direct messages) and their messages.

use super::ItemQuery;
use crate::error::Result;
use crate::ids::*;
use crate::model::*;

#[derive(Debug, Clone)]
pub struct NewConversation {
    pub workspace_id: WorkspaceId,
    pub creator: UserId,
    pub user_ids: Vec<UserId>,
    pub title: Option<String>,
    pub private: bool,
    /// The sorted participant ids: one conversation per set of people.
    pub key: Option<String>,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConversationState {
    pub archived: bool,
    pub muted_until_ts: Option<i64>,
    pub last_read_obj_index: i64,
}

/// Conversations (direct messages), their members and their messages. Adding, editing or
/// deleting a message also writes its search document (see `search`).
pub trait Conversations {
    fn conversation_by_key(&mut self, ws: WorkspaceId, key: &str) -> Result<Option<ConversationId>>;
    fn insert_conversation(&mut self, c: &NewConversation) -> Result<ConversationId>;
    fn conversation(&mut self, id: ConversationId, viewer: UserId) -> Result<Option<Conversation>>;
    fn conversations_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<Vec<Conversation>>;
    /// The ids of the conversations of `ws` that `user` takes part in.
    fn conversation_ids_of(&mut self, ws: WorkspaceId, user: UserId) -> Result<Vec<ConversationId>>;
    /// Writes the shared fields (title, counters, snippet, version).
    fn update_conversation(&mut self, c: &Conversation) -> Result<()>;
    fn set_conversation_key(&mut self, id: ConversationId, key: Option<&str>) -> Result<()>;
    fn put_conversation_state(&mut self, c: ConversationId, user: UserId, s: ConversationState) -> Result<()>;
    fn add_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()>;
    fn remove_conversation_members(&mut self, c: ConversationId, users: &[UserId]) -> Result<()>;

    // messages
    fn insert_message(&mut self, m: &Message) -> Result<MessageId>;
    fn message(&mut self, id: MessageId) -> Result<Option<Message>>;
    fn messages_by_ids(&mut self, ids: &[MessageId]) -> Result<Vec<Message>>;
    fn messages(&mut self, c: ConversationId, q: &ItemQuery) -> Result<Vec<Message>>;
    fn last_message(&mut self, c: ConversationId) -> Result<Option<Message>>;
    fn update_message(&mut self, m: &Message) -> Result<()>;
    fn delete_message(&mut self, id: MessageId) -> Result<()>;
}
