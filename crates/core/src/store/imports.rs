//! Imports from other tools (`weft admin import slack`): history written as it was, without
//! the post path's fan-out (no inbox rows, notifications, pushes or email for old posts),
//! and the map of what an import already wrote, so a rerun skips it.

use crate::error::Result;
use crate::ids::*;

/// One object an import wrote: its id in the source and the row it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMapping {
    pub kind: String,
    pub external_id: String,
    pub weft_id: i64,
}

/// A post as it was: its author, text (Markdown), time, last edit and reactions (emoji and
/// who reacted).
#[derive(Debug, Clone, Default)]
pub struct ImportedPost {
    pub creator: UserId,
    pub content: String,
    pub posted_ts: i64,
    pub last_edited_ts: Option<i64>,
    pub reactions: Vec<(String, Vec<UserId>)>,
    /// The people the text mentions (`twist-mention://` links), for search.
    pub mentions: Vec<UserId>,
    /// The files it carries, recorded already (the post's `attachments` are their objects;
    /// `import_thread` and `import_messages` write their `attachment_uses`).
    pub attachments: Vec<super::StoredAttachment>,
}

/// A thread as it was: `posts[0]` is the thread's own post, the rest its comments in
/// order. `snippet` is the preview of the last post.
#[derive(Debug, Clone)]
pub struct ImportedThread {
    pub workspace_id: WorkspaceId,
    pub channel_id: ChannelId,
    pub title: String,
    pub posts: Vec<ImportedPost>,
    pub snippet: String,
}

pub trait Imports {
    /// Everything already imported into `ws` from `source`.
    fn import_mappings(&mut self, ws: WorkspaceId, source: &str) -> Result<Vec<ImportMapping>>;
    /// Records one imported object (fails if it is already recorded: two imports at once
    /// cannot both write it).
    fn put_import_mapping(&mut self, ws: WorkspaceId, source: &str, m: &ImportMapping) -> Result<()>;
    /// Writes a whole thread — its row with counters, participants and preview, its
    /// comments, reactions and search documents — and marks it read up to its last comment
    /// for every member of its channel. Appends no event.
    fn import_thread(&mut self, t: &ImportedThread) -> Result<ThreadId>;
    /// Appends messages (in order) to a conversation, moving its counters, preview and
    /// last activity, with their reactions and search documents; its participants' read
    /// positions move past them. Appends no event.
    fn import_messages(
        &mut self,
        ws: WorkspaceId,
        conversation: ConversationId,
        posts: &[ImportedPost],
        snippet: &str,
    ) -> Result<()>;
}
