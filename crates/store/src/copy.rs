//! `weft admin migrate`: copies a whole SQLite instance into PostgreSQL, then verifies the
//! copy table by table (row count and a SHA-256 of every row in key order).
//!
//! The source is read in one snapshot, so a server may keep running on it (what it writes
//! afterwards is not copied). Rows are inserted with `ON CONFLICT DO NOTHING` in
//! transactions of a few hundred rows: an interrupted copy can simply be run again and
//! finishes without duplicates.

use crate::pg::{self, PgConn};
use crate::sql::{Conn, Row, Value};
use crate::sqlite::{Db, open_reader, storage_error};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;
use weft_core::{Error, Result};

/// Every table, parents before children, with the columns that order it.
pub const TABLES: &[(&str, &str)] = &[
    ("users", "id"),
    ("tokens", "hash"),
    ("user_activity", "user_id, platform"),
    ("workspaces", "id"),
    ("workspace_users", "workspace_id, user_id"),
    ("bots", "user_id"),
    ("api_tokens", "id"),
    ("channels", "id"),
    ("channel_users", "channel_id, user_id"),
    ("channel_favorites", "channel_id, user_id"),
    ("channel_notification_levels", "channel_id, user_id"),
    ("threads", "id"),
    ("thread_states", "thread_id, user_id"),
    ("comments", "id"),
    ("user_groups", "id"),
    ("group_users", "group_id, user_id"),
    ("conversations", "id"),
    ("conversation_users", "conversation_id, user_id"),
    ("messages", "id"),
    ("reactions", "target_kind, target_id, emoji, user_id"),
    ("events", "seq"),
    ("user_event_heads", "user_id, workspace_id"),
    ("idempotency", "user_id, key"),
    ("inbox_items", "user_id, thread_id"),
    ("notifications", "id"),
    ("notification_settings", "user_id, workspace_id"),
    ("search_docs", "id"),
    ("schedules", "user_id"),
    ("pushes", "id"),
    ("emergencies", "id"),
    ("emergency_acks", "emergency_id, user_id"),
    ("rotations", "channel_id"),
    ("access_requests", "id"),
    ("away_replies", "away_user, sender, place, period"),
    ("expectations", "id"),
    ("scheduled_posts", "id"),
    ("scheduled_attachments", "scheduled_id, attachment_id"),
    ("decisions", "id"),
    ("meetings", "id"),
    ("mail_cursor", "id"),
    ("fanout_cursor", "id"),
    ("mail_outbox", "id"),
    ("mail_unsubscribe", "token_hash"),
    ("webhook_subscriptions", "id"),
    ("webhook_cursor", "id"),
    ("webhook_deliveries", "id"),
    ("invitations", "id"),
    ("password_resets", "code_hash"),
    ("attachments", "attachment_id"),
    ("attachment_uses", "attachment_id, COALESCE(thread_id, 0), COALESCE(comment_id, 0), COALESCE(message_id, 0)"),
    ("attachment_blobs", "sha256"),
    ("incoming_webhooks", "id"),
    ("import_map", "workspace_id, source, kind, external_id"),
];

/// Tables whose `id` comes from an identity column in PostgreSQL, and the lowest value
/// the next id may take.
const IDENTITIES: &[(&str, i64)] = &[
    ("users", 1),
    ("api_tokens", 1),
    ("incoming_webhooks", 1),
    ("workspaces", 1),
    ("channels", 1),
    ("threads", 1),
    ("comments", 1),
    ("user_groups", 3),
    ("conversations", 1),
    ("messages", 1),
    ("notifications", 1),
    ("search_docs", 1),
    ("pushes", 1),
    ("emergencies", 1),
    ("mail_outbox", 1),
    ("invitations", 1),
    ("access_requests", 1),
    ("expectations", 1),
    ("scheduled_posts", 1),
    ("decisions", 1),
    ("meetings", 1),
    ("webhook_subscriptions", 1),
    ("webhook_deliveries", 1),
];

/// Rows read and written per step.
const CHUNK: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: &'static str,
    pub source_rows: i64,
    pub target_rows: i64,
    pub checksums_match: bool,
}

impl TableReport {
    pub fn ok(&self) -> bool {
        self.source_rows == self.target_rows && self.checksums_match
    }
}

pub enum Progress<'a> {
    Copying { table: &'a str, done: i64, total: i64 },
    Verifying { table: &'a str },
}

fn columns(src: &mut Db, table: &str) -> Result<Vec<String>> {
    let rows = src.query(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"), &[])?;
    rows.iter().map(|r| r.text(0)).collect()
}

fn count(c: &mut dyn Conn, table: &str) -> Result<i64> {
    c.query(&format!("SELECT COUNT(*) FROM {table}"), &[])?.first().map_or(Ok(0), |r| r.i64(0))
}

fn hash_row(h: &mut Sha256, row: &Row) {
    for v in &row.0 {
        match v {
            Value::Null => h.update(b"\x00"),
            Value::Int(i) => {
                h.update(b"\x01");
                h.update(i.to_le_bytes());
            }
            Value::Text(s) => {
                h.update(b"\x02");
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
        }
    }
}

/// SHA-256 of every row of `table`, in key order, read in pages.
fn checksum(c: &mut dyn Conn, table: &str, cols: &str, order: &str) -> Result<[u8; 32]> {
    let mut h = Sha256::new();
    let mut offset = 0i64;
    loop {
        let rows = c.query(
            &format!("SELECT {cols} FROM {table} ORDER BY {order} LIMIT ? OFFSET ?"),
            &[Value::Int(CHUNK as i64 * 4), Value::Int(offset)],
        )?;
        for r in &rows {
            hash_row(&mut h, r);
        }
        if rows.len() < CHUNK * 4 {
            return Ok(h.finalize().into());
        }
        offset += rows.len() as i64;
    }
}

/// Makes new ids continue after the highest id of each table (after rows were written with
/// explicit ids).
pub fn reset_identities(dst: &mut PgConn) -> Result<()> {
    for &(table, floor) in IDENTITIES {
        dst.query(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), ?), false)"
            ),
            &[Value::Int(floor)],
        )?;
    }
    Ok(())
}

/// Copies every table from the SQLite database in `from` into the PostgreSQL database at
/// `to` (creating Weft's schema there if needed), then verifies the copy.
pub fn sqlite_to_postgres(from: &Path, to: &str, mut progress: impl FnMut(Progress)) -> Result<Vec<TableReport>> {
    let path = from.join(crate::sqlite::DB_FILE);
    if !path.exists() {
        return Err(Error::invalid("from", format!("no Weft database at {}", path.display())));
    }
    let mut src = Db(open_reader(&path).map_err(storage_error)?, Default::default());
    src.0.execute_batch("BEGIN").map_err(storage_error)?;
    let mut dst = PgConn::new(to, Duration::from_secs(10));
    pg::migrate(&mut dst)?;

    for &(table, order) in TABLES {
        let cols = columns(&mut src, table)?;
        let col_list = cols.join(", ");
        let total = count(&mut src, table)?;
        let per_chunk = CHUNK.min(60_000 / cols.len().max(1));
        let mut done = 0i64;
        progress(Progress::Copying { table, done, total });
        loop {
            let rows = src.query(
                &format!("SELECT {col_list} FROM {table} ORDER BY {order} LIMIT ? OFFSET ?"),
                &[Value::Int(per_chunk as i64), Value::Int(done)],
            )?;
            if rows.is_empty() {
                break;
            }
            let one = format!("({})", vec!["?"; cols.len()].join(", "));
            let sql = format!(
                "INSERT INTO {table} ({col_list}) VALUES {} ON CONFLICT DO NOTHING",
                vec![one; rows.len()].join(", ")
            );
            let params: Vec<Value> = rows.iter().flat_map(|r| r.0.iter().cloned()).collect();
            dst.batch("BEGIN")?;
            if let Err(e) = dst.execute(&sql, &params).and_then(|_| dst.batch("COMMIT")) {
                let _ = dst.batch("ROLLBACK");
                return Err(e);
            }
            done += rows.len() as i64;
            progress(Progress::Copying { table, done, total });
        }
    }
    reset_identities(&mut dst)?;

    let mut reports = Vec::new();
    for &(table, order) in TABLES {
        progress(Progress::Verifying { table });
        let cols = columns(&mut src, table)?.join(", ");
        let source_rows = count(&mut src, table)?;
        let target_rows = count(&mut dst, table)?;
        let checksums_match = checksum(&mut src, table, &cols, order)? == checksum(&mut dst, table, &cols, order)?;
        reports.push(TableReport { table, source_rows, target_rows, checksums_match });
    }
    let _ = src.0.execute_batch("COMMIT");
    Ok(reports)
}
