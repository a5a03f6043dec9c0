//! Search: the documents the store indexes (built here, for the store and the services
//! alike), and the query.

use crate::error::Result;
use crate::ids::*;
use crate::model::{Comment, Message, Thread};

/// Relevance is ranked among this many most recent matches. A very common word matches a
/// large share of everything ever written; scoring all of it made such searches take most
/// of a second at a million comments, and what people look for is almost always recent.
pub const RANK_CANDIDATES: i64 = 1000;

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
    /// The post carries attachments.
    pub has_attachments: bool,
}

/// The search document of a thread: its title and its own post.
pub fn thread_doc(t: &Thread) -> SearchDoc {
    SearchDoc {
        kind: "thread",
        obj_id: t.id.0,
        workspace_id: t.workspace_id,
        channel_id: Some(t.channel_id),
        conversation_id: None,
        thread_id: Some(t.id),
        author_id: t.creator,
        posted_ts: t.posted_ts,
        title: t.title.clone(),
        body: t.content.clone(),
        mentions: t.direct_mentions.clone(),
        has_attachments: !t.attachments.is_empty(),
    }
}

/// The search document of a comment.
pub fn comment_doc(c: &Comment) -> SearchDoc {
    SearchDoc {
        kind: "comment",
        obj_id: c.id.0,
        workspace_id: c.workspace_id,
        channel_id: Some(c.channel_id),
        conversation_id: None,
        thread_id: Some(c.thread_id),
        author_id: c.creator,
        posted_ts: c.posted_ts,
        title: String::new(),
        body: c.content.clone(),
        mentions: c.direct_mentions.clone(),
        has_attachments: !c.attachments.is_empty(),
    }
}

/// The search document of a conversation message.
pub fn message_doc(m: &Message) -> SearchDoc {
    SearchDoc {
        kind: "message",
        obj_id: m.id.0,
        workspace_id: m.workspace_id,
        channel_id: None,
        conversation_id: Some(m.conversation_id),
        thread_id: None,
        author_id: m.creator,
        posted_ts: m.posted_ts,
        title: String::new(),
        body: m.content.clone(),
        mentions: m.direct_mentions.clone(),
        has_attachments: !m.attachments.is_empty(),
    }
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
    /// Only posts that carry attachments.
    pub has_attachments: bool,
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
