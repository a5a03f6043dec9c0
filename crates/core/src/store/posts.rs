//! Posts in channels: threads, their comments, and reactions.

use super::{ItemQuery, Membership};
use crate::error::Result;
use crate::ids::*;
use crate::model::*;
use std::collections::HashMap;

/// What the fan-out reads of a job's posts (`Posts::posts_and_places`).
#[derive(Debug, Clone, Default)]
pub struct PostsAndPlaces {
    pub threads: Vec<Thread>,
    pub comments: Vec<Comment>,
    /// The threads' channels, without their member lists, each with its rotation.
    pub channels: Vec<(Channel, Option<crate::rotation::Rotation>)>,
    /// The open expectations in the threads (what the posts may meet).
    pub open_expectations: Vec<Expectation>,
}

/// A viewer's own state of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreadState {
    pub starred: bool,
    pub archived: bool,
    pub muted_until_ts: Option<i64>,
    pub last_read_obj_index: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ThreadQuery {
    pub workspace_id: Option<WorkspaceId>,
    /// Only threads in these channels (the caller passes what the viewer may see).
    pub channel_ids: Vec<ChannelId>,
    pub newer_than_ts: Option<i64>,
    pub older_than_ts: Option<i64>,
    pub before_id: Option<ThreadId>,
    pub after_id: Option<ThreadId>,
    pub exclude_ids: Vec<ThreadId>,
    pub pinned: Option<bool>,
    pub starred: Option<bool>,
    /// Per-viewer archived state: `Some(false)` hides archived threads.
    pub archived: Option<bool>,
    pub ascending: bool,
    pub limit: i64,
}

/// Posts in channels: threads (with each viewer's own state of them), their comments, and
/// reactions — to threads, comments and conversation messages alike. Adding or deleting a
/// thread or a comment, and editing a comment, also write its search document (see
/// `search`); a thread's edit is indexed by the caller (`Search::index_doc`).
pub trait Posts {
    // threads
    fn insert_thread(&mut self, thread: &Thread) -> Result<ThreadId>;
    fn thread(&mut self, id: ThreadId, viewer: UserId) -> Result<Option<Thread>>;
    /// The thread, its channel as `Channels::channel_seen_by` gives it (`user_ids` holds
    /// `viewer` alone, if a member) and `viewer`'s membership of the workspace: one lookup,
    /// for the post path.
    fn thread_seen_by(&mut self, id: ThreadId, viewer: UserId)
    -> Result<Option<(Thread, Channel, Option<Membership>)>>;
    /// `thread_seen_by`, and the sight of the thread's participants in its channel (as
    /// `Channels::channel_sight_among` gives it; one without a membership has none): whom a
    /// comment names by default, read in the same round trip on PostgreSQL.
    #[allow(clippy::type_complexity)]
    fn thread_and_participants_seen_by(
        &mut self,
        id: ThreadId,
        viewer: UserId,
    ) -> Result<Option<(Thread, Channel, Option<Membership>, Vec<super::Sight>)>>;
    fn threads(&mut self, q: &ThreadQuery, viewer: UserId) -> Result<Vec<Thread>>;
    fn threads_by_ids(&mut self, ids: &[ThreadId], viewer: UserId) -> Result<Vec<Thread>>;
    fn update_thread(&mut self, thread: &Thread) -> Result<()>;
    fn delete_thread(&mut self, id: ThreadId) -> Result<()>;
    fn put_thread_state(&mut self, thread: ThreadId, user: UserId, state: ThreadState) -> Result<()>;

    // comments
    fn insert_comment(&mut self, c: &Comment) -> Result<CommentId>;
    fn comment(&mut self, id: CommentId) -> Result<Option<Comment>>;
    fn comments(&mut self, thread: ThreadId, q: &ItemQuery) -> Result<Vec<Comment>>;
    fn last_comment(&mut self, thread: ThreadId) -> Result<Option<Comment>>;
    /// The last comment of each of these threads.
    fn last_comments(&mut self, threads: &[ThreadId]) -> Result<HashMap<ThreadId, Comment>>;
    fn comments_by_ids(&mut self, ids: &[CommentId]) -> Result<Vec<Comment>>;
    /// The threads and comments (of those threads) as nobody in particular sees them, the
    /// threads' channels with their rotations, and the open expectations in the threads:
    /// what the fan-out reads of a job's posts, in one round trip on PostgreSQL.
    fn posts_and_places(&mut self, threads: &[ThreadId], comments: &[CommentId]) -> Result<PostsAndPlaces>;
    fn update_comment(&mut self, c: &Comment) -> Result<()>;
    fn delete_comment(&mut self, id: CommentId) -> Result<()>;

    // reactions
    fn add_reaction(&mut self, target: ReactionTarget, user: UserId, emoji: &str, now: i64) -> Result<bool>;
    fn remove_reaction(&mut self, target: ReactionTarget, user: UserId, emoji: &str) -> Result<bool>;
    /// Reactions of many objects of one kind ("thread", "comment" or "message") at once.
    fn reactions(&mut self, kind: &str, ids: &[i64]) -> Result<HashMap<i64, Reactions>>;
}
