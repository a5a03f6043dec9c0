//! Attachments: files people upload and then carry in posts. A file is readable by whoever
//! can see a post that carries it, and by its uploader until it is posted; to anyone else
//! it does not exist. The bytes live in the server's blob store; this is the record.

use super::{access, comments, conversations, threads};
use crate::error::{Error, NotFound, Result};
use crate::ids::*;
use crate::store::{PostRef, StoredAttachment, Tx};
use serde_json::Value;

/// How long an upload waits to be posted before the sweep deletes it (and how long a blob
/// an upload claimed is left alone).
pub const ORPHAN_AFTER_SECS: i64 = 24 * 3600;
/// Attachments (and blobs) the sweep deletes per transaction.
pub const SWEEP_BATCH: i64 = 200;

/// Records an upload. An id is the client's choice: the same uploader may upload again
/// under an id that no post carries yet (a retry); any other reuse is refused.
pub fn record(tx: &mut dyn Tx, actor: UserId, upload: StoredAttachment) -> Result<Value> {
    if let Some(existing) = tx.attachment(&upload.attachment_id)?
        && (existing.uploader != actor || !tx.attachment_uses(&existing.attachment_id)?.is_empty())
    {
        return Err(Error::AlreadyExists("an attachment with this attachment_id; choose a new id".into()));
    }
    let mut claimed = vec![upload.sha256.clone()];
    claimed.extend(upload.thumbnail_sha256.clone());
    tx.claim_blobs(&claimed, upload.uploaded_ts)?;
    tx.put_attachment(&upload)?;
    Ok(upload.object)
}

/// Claims blobs before an upload writes them, so the sweep cannot delete them under it.
pub fn claim(tx: &mut dyn Tx, sha256: &[String], now: i64) -> Result<()> {
    tx.claim_blobs(sha256, now)
}

/// Whether `viewer` can see the post.
fn sees(tx: &mut dyn Tx, viewer: UserId, post: PostRef) -> Result<bool> {
    let seen = match post {
        PostRef::Thread(id) => access::thread(tx, id, viewer).map(drop),
        PostRef::Comment(id) => access::comment(tx, id, viewer).map(drop),
        PostRef::Message(id) => access::message(tx, id, viewer).map(drop),
    };
    match seen {
        Ok(()) => Ok(true),
        Err(Error::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `viewer` may read the attachment: its uploader before it is posted, then
/// whoever sees a post that carries it.
fn readable(tx: &mut dyn Tx, viewer: UserId, a: &StoredAttachment) -> Result<bool> {
    let uses = tx.attachment_uses(&a.attachment_id)?;
    if uses.is_empty() {
        return Ok(a.uploader == viewer);
    }
    for post in uses {
        if sees(tx, viewer, post)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The attachment, if `viewer` may read it; otherwise not found, exactly as if it did not
/// exist.
pub fn get(tx: &mut dyn Tx, viewer: UserId, id: &str) -> Result<StoredAttachment> {
    match tx.attachment(id)? {
        Some(a) if readable(tx, viewer, &a)? => Ok(a),
        _ => Err(Error::NotFound(NotFound::Resource)),
    }
}

/// The `attachment_id` of an Attachment object in a post's list.
fn id_of(object: &Value) -> Option<&str> {
    object.get("attachment_id").and_then(Value::as_str)
}

/// Prepares a post's attachment list: each object naming an upload the author may read
/// becomes that upload's own Attachment object (a client cannot alter its URL, type or
/// size); any other object (a link preview, an id that names nothing the author may read)
/// stays as given and grants access to nothing. Answers the uploads the post carries.
pub(crate) fn resolve(tx: &mut dyn Tx, author: UserId, list: &mut [Value]) -> Result<Vec<String>> {
    let ids: Vec<String> = list.iter().filter_map(id_of).map(str::to_string).collect();
    let stored = tx.attachments_by_ids(&ids)?;
    let mut carried = Vec::new();
    for object in list.iter_mut() {
        let Some(a) = id_of(object).and_then(|id| stored.iter().find(|a| a.attachment_id == id)) else { continue };
        if readable(tx, author, a)? {
            *object = a.object.clone();
            if !carried.contains(&a.attachment_id) {
                carried.push(a.attachment_id.clone());
            }
        }
    }
    Ok(carried)
}

/// Records which uploads a post carries.
pub(crate) fn carry(tx: &mut dyn Tx, post: PostRef, ids: &[String]) -> Result<()> {
    tx.set_attachment_uses(post, ids)
}

/// `carry` for a post just written: it has no earlier uses to replace.
pub(crate) fn carry_new(tx: &mut dyn Tx, post: PostRef, ids: &[String]) -> Result<()> {
    if ids.is_empty() { Ok(()) } else { carry(tx, post, ids) }
}

/// `attachments/remove`: takes an attachment off a post (an edit of the post, by whoever
/// may edit it, like one that sends only the new list: mentions are read again from the
/// text). An attachment the post does not carry is not found.
pub fn detach(tx: &mut dyn Tx, actor: &crate::model::User, id: &str, post: PostRef, now: i64) -> Result<()> {
    let keep = |list: &[Value]| -> Result<Vec<Value>> {
        let kept: Vec<Value> = list.iter().filter(|o| id_of(o) != Some(id)).cloned().collect();
        if kept.len() == list.len() {
            return Err(Error::NotFound(NotFound::Resource));
        }
        Ok(kept)
    };
    match post {
        PostRef::Thread(t) => {
            let (thread, _, _) = access::thread(tx, t, actor.id)?;
            let attachments = Some(keep(&thread.attachments)?);
            let up = threads::Update { attachments, ..Default::default() };
            threads::update(tx, actor.id, t, up, now).map(drop)
        }
        PostRef::Comment(c) => {
            let (comment, _, _, _) = access::comment(tx, c, actor.id)?;
            let up = comments::Update {
                content: None,
                attachments: Some(keep(&comment.attachments)?),
                actions: None,
                direct_mentions: Vec::new(),
                direct_group_mentions: Vec::new(),
            };
            comments::update(tx, actor.id, c, up, now).map(drop)
        }
        PostRef::Message(m) => {
            let (message, _) = access::message(tx, m, actor.id)?;
            let attachments = Some(keep(&message.attachments)?);
            conversations::update_message(tx, actor.id, m, None, attachments, now).map(drop)
        }
    }
}

/// Whether the sweep has anything to do (a read, so that most ticks take no writer).
pub fn sweep_due(tx: &mut dyn Tx, now: i64) -> Result<bool> {
    let cutoff = now - ORPHAN_AFTER_SECS;
    Ok(tx.has_orphan_attachments(cutoff)? || !tx.unused_blobs(cutoff, 1)?.is_empty())
}

/// One step of the sweep: deletes uploads never posted (or no longer carried by any post)
/// a day after their upload, and answers the blobs no attachment names any more, for the
/// blob store to delete (then `forget_blob` each).
pub fn sweep(tx: &mut dyn Tx, now: i64) -> Result<(usize, Vec<String>)> {
    let cutoff = now - ORPHAN_AFTER_SECS;
    let deleted = tx.delete_orphan_attachments(cutoff, SWEEP_BATCH)?;
    let blobs = tx.unused_blobs(cutoff, SWEEP_BATCH)?;
    Ok((deleted, blobs))
}

/// After the blob store deleted (set aside) a blob: forgets it, unless an upload claimed
/// it meanwhile (then the blob must be put back).
pub fn forget_blob(tx: &mut dyn Tx, sha256: &str, now: i64) -> Result<bool> {
    tx.forget_blob(sha256, now - ORPHAN_AFTER_SECS)
}
