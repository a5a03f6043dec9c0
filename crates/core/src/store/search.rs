//! Search: the documents the store indexes, and the query.

use crate::error::Result;
use crate::ids::*;

/// What search indexes of one thread, comment or message.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// "thread", "comment" or "message".
    pub kind: &'static str,
    pub obj_id: i64,
    pub workspace_id: WorkspaceId,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub thread_id: Option<ThreadId>,
    pub author_id: UserId,
    pub posted_ts: i64,
    pub title: String,
    pub body: String,
    pub mentions: Vec<UserId>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub workspace_id: WorkspaceId,
    /// The words to find; the last one also matches as a prefix.
    pub words: Vec<String>,
    pub title_only: bool,
    /// Where the searcher may look: these channels and these conversations.
    pub channels: Vec<ChannelId>,
    pub conversations: Vec<ConversationId>,
    pub kinds: Vec<&'static str>,
    pub thread_id: Option<ThreadId>,
    pub author_ids: Vec<UserId>,
    pub mentioning: Option<UserId>,
    pub from_ts: Option<i64>,
    pub to_ts: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub kind: String,
    pub obj_id: i64,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub thread_id: Option<ThreadId>,
    pub author_id: UserId,
    pub posted_ts: i64,
    pub title: String,
    pub body: String,
}

/// Full-text search over the search documents of threads, comments and messages. The store
/// writes and removes those documents itself, with the objects they index (`Posts`,
/// `Conversations`, channel and workspace deletion); these methods are for what changes
/// besides (a thread's own edit, a move) and for the query.
pub trait Search {
    fn index_doc(&mut self, doc: &SearchDoc) -> Result<()>;
    fn unindex_doc(&mut self, kind: &str, obj_id: i64) -> Result<()>;
    /// Removes a thread's own document and its comments'.
    fn unindex_thread(&mut self, thread: ThreadId) -> Result<()>;
    fn move_thread_docs(&mut self, thread: ThreadId, channel: ChannelId) -> Result<()>;
    fn search(&mut self, q: &SearchQuery) -> Result<Vec<SearchHit>>;
}
