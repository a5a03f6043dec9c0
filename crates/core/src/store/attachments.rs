//! Uploaded files: their records, the posts that carry them, and the blobs they name.

use crate::error::Result;
use crate::ids::*;
use serde_json::Value;

/// An uploaded file as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAttachment {
    /// The id the client chose.
    pub attachment_id: String,
    pub uploader: UserId,
    pub file_name: String,
    pub file_size: i64,
    /// The MIME type the file is served with (sniffed for images, never the client's word
    /// for inline display).
    pub content_type: String,
    /// The content's SHA-256 (hex): its name in the blob store.
    pub sha256: String,
    pub image_width: Option<i64>,
    pub image_height: Option<i64>,
    pub thumbnail_sha256: Option<String>,
    pub thumbnail_type: Option<String>,
    pub uploaded_ts: i64,
    /// Twist's Attachment object, as `attachments/upload` answered it.
    pub object: Value,
}

/// A post that may carry attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostRef {
    Thread(ThreadId),
    Comment(CommentId),
    Message(MessageId),
}

pub trait Attachments {
    /// Records an upload, replacing the record of the same id.
    fn put_attachment(&mut self, a: &StoredAttachment) -> Result<()>;
    fn attachment(&mut self, id: &str) -> Result<Option<StoredAttachment>>;
    /// The records of these ids that exist (any order).
    fn attachments_by_ids(&mut self, ids: &[String]) -> Result<Vec<StoredAttachment>>;
    /// The posts that carry an attachment.
    fn attachment_uses(&mut self, id: &str) -> Result<Vec<PostRef>>;
    /// Sets the attachments a post carries (its previous ones are forgotten).
    fn set_attachment_uses(&mut self, post: PostRef, ids: &[String]) -> Result<()>;
    /// Whether some attachment uploaded before `before_ts` is carried by no post.
    fn has_orphan_attachments(&mut self, before_ts: i64) -> Result<bool>;
    /// Deletes up to `limit` attachments that no post carries and that were uploaded
    /// before `before_ts`; answers how many.
    fn delete_orphan_attachments(&mut self, before_ts: i64, limit: i64) -> Result<usize>;

    /// Marks blobs as written by an upload now: the sweep leaves them alone for a while.
    fn claim_blobs(&mut self, sha256: &[String], now: i64) -> Result<()>;
    /// Up to `limit` blobs no attachment names, last claimed before `before_ts`.
    fn unused_blobs(&mut self, before_ts: i64, limit: i64) -> Result<Vec<String>>;
    /// Forgets a blob if it is still unused and unclaimed since `before_ts`; false when an
    /// upload claimed it (or an attachment named it) meanwhile.
    fn forget_blob(&mut self, sha256: &str, before_ts: i64) -> Result<bool>;
}
