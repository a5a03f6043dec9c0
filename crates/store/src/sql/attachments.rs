//! `Attachments` in SQL: uploaded files, the posts that carry them, and their blobs.

use super::{Row, SqlTx, Value, args, json, placeholders};
use weft_core::store::{Attachments, PostRef, StoredAttachment};
use weft_core::{CommentId, MessageId, Result, ThreadId, UserId};

const COLS: &str = "attachment_id, uploader, file_name, file_size, content_type, sha256, image_width, image_height, \
     thumbnail_sha256, thumbnail_type, uploaded_ts, object";

fn attachment(r: &Row) -> Result<StoredAttachment> {
    Ok(StoredAttachment {
        attachment_id: r.text(0)?,
        uploader: UserId(r.i64(1)?),
        file_name: r.text(2)?,
        file_size: r.i64(3)?,
        content_type: r.text(4)?,
        sha256: r.text(5)?,
        image_width: r.opt_i64(6)?,
        image_height: r.opt_i64(7)?,
        thumbnail_sha256: r.opt_text(8)?,
        thumbnail_type: r.opt_text(9)?,
        uploaded_ts: r.i64(10)?,
        object: r.json(11)?,
    })
}

/// The column of `attachment_uses` naming a post of this kind, and its id.
fn use_column(post: PostRef) -> (&'static str, i64) {
    match post {
        PostRef::Thread(id) => ("thread_id", id.0),
        PostRef::Comment(id) => ("comment_id", id.0),
        PostRef::Message(id) => ("message_id", id.0),
    }
}

/// No attachment names the blob `b.sha256` (as its file or its thumbnail).
const UNNAMED: &str = "NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256) \
     AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.thumbnail_sha256 = b.sha256)";

impl Attachments for SqlTx<'_> {
    fn put_attachment(&mut self, a: &StoredAttachment) -> Result<()> {
        self.conn.send(
            &format!(
                "INSERT INTO attachments ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (attachment_id) DO UPDATE SET uploader = excluded.uploader, \
                 file_name = excluded.file_name, file_size = excluded.file_size, \
                 content_type = excluded.content_type, sha256 = excluded.sha256, \
                 image_width = excluded.image_width, image_height = excluded.image_height, \
                 thumbnail_sha256 = excluded.thumbnail_sha256, thumbnail_type = excluded.thumbnail_type, \
                 uploaded_ts = excluded.uploaded_ts, object = excluded.object"
            ),
            &[
                (&a.attachment_id).into(),
                a.uploader.into(),
                (&a.file_name).into(),
                a.file_size.into(),
                (&a.content_type).into(),
                (&a.sha256).into(),
                a.image_width.into(),
                a.image_height.into(),
                a.thumbnail_sha256.clone().into(),
                a.thumbnail_type.clone().into(),
                a.uploaded_ts.into(),
                json(&a.object),
            ],
        )?;
        Ok(())
    }

    fn attachment(&mut self, id: &str) -> Result<Option<StoredAttachment>> {
        self.one(&format!("SELECT {COLS} FROM attachments WHERE attachment_id = ?"), args![id])?
            .map(|r| attachment(&r))
            .transpose()
    }

    fn attachments_by_ids(&mut self, ids: &[String]) -> Result<Vec<StoredAttachment>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {COLS} FROM attachments WHERE attachment_id IN ({})", placeholders(ids.len()));
        let params: Vec<Value> = ids.iter().map(Value::from).collect();
        self.conn.query(&sql, &params)?.iter().map(attachment).collect()
    }

    fn attachment_uses(&mut self, id: &str) -> Result<Vec<PostRef>> {
        let rows = self.conn.query(
            "SELECT thread_id, comment_id, message_id FROM attachment_uses WHERE attachment_id = ?",
            args![id],
        )?;
        rows.iter()
            .map(|r| {
                Ok(match (r.opt_i64(0)?, r.opt_i64(1)?, r.opt_i64(2)?) {
                    (Some(t), _, _) => PostRef::Thread(ThreadId(t)),
                    (_, Some(c), _) => PostRef::Comment(CommentId(c)),
                    (_, _, m) => PostRef::Message(MessageId(m.unwrap_or_default())),
                })
            })
            .collect()
    }

    fn set_attachment_uses(&mut self, post: PostRef, ids: &[String]) -> Result<()> {
        let (column, post_id) = use_column(post);
        self.conn.send(&format!("DELETE FROM attachment_uses WHERE {column} = ?"), args![post_id])?;
        for id in ids {
            self.conn.send(
                &format!("INSERT INTO attachment_uses (attachment_id, {column}) VALUES (?, ?)"),
                args![id, post_id],
            )?;
        }
        Ok(())
    }

    fn has_orphan_attachments(&mut self, before_ts: i64) -> Result<bool> {
        let found = self.one(
            "SELECT 1 FROM attachments a WHERE a.uploaded_ts < ? AND NOT EXISTS \
             (SELECT 1 FROM attachment_uses u WHERE u.attachment_id = a.attachment_id) AND NOT EXISTS \
             (SELECT 1 FROM scheduled_attachments s WHERE s.attachment_id = a.attachment_id) LIMIT 1",
            args![before_ts],
        )?;
        Ok(found.is_some())
    }

    fn delete_orphan_attachments(&mut self, before_ts: i64, limit: i64) -> Result<usize> {
        let n = self.conn.execute(
            "DELETE FROM attachments WHERE attachment_id IN (SELECT a.attachment_id FROM attachments a \
             WHERE a.uploaded_ts < ? AND NOT EXISTS \
             (SELECT 1 FROM attachment_uses u WHERE u.attachment_id = a.attachment_id) AND NOT EXISTS \
             (SELECT 1 FROM scheduled_attachments s WHERE s.attachment_id = a.attachment_id) \
             ORDER BY a.uploaded_ts LIMIT ?)",
            args![before_ts, limit],
        )?;
        Ok(n as usize)
    }

    fn claim_blobs(&mut self, sha256: &[String], now: i64) -> Result<()> {
        for sha in sha256 {
            self.conn.send(
                "INSERT INTO attachment_blobs (sha256, claimed_ts) VALUES (?, ?) \
                 ON CONFLICT (sha256) DO UPDATE SET claimed_ts = excluded.claimed_ts",
                args![sha, now],
            )?;
        }
        Ok(())
    }

    fn unused_blobs(&mut self, before_ts: i64, limit: i64) -> Result<Vec<String>> {
        let rows = self.conn.query(
            &format!(
                "SELECT b.sha256 FROM attachment_blobs b WHERE b.claimed_ts < ? AND {UNNAMED} \
                 ORDER BY b.claimed_ts LIMIT ?"
            ),
            args![before_ts, limit],
        )?;
        rows.iter().map(|r| r.text(0)).collect()
    }

    fn forget_blob(&mut self, sha256: &str, before_ts: i64) -> Result<bool> {
        let n = self.conn.execute(
            &format!(
                "DELETE FROM attachment_blobs WHERE sha256 IN (SELECT b.sha256 FROM attachment_blobs b \
                 WHERE b.sha256 = ? AND b.claimed_ts < ? AND {UNNAMED})"
            ),
            args![sha256, before_ts],
        )?;
        Ok(n > 0)
    }
}
