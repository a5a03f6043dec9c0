//! `weft admin export` and `weft admin import weft`: one workspace, out of one instance and
//! into another, on either backend.
//!
//! The format (version 1) is a directory:
//! - `manifest.json`: format, version, the workspace, when and from what it was exported,
//!   and per table its file, row count and digest;
//! - `tables/<table>.jsonl`: one JSON object per row, keyed by column name; integers are
//!   numbers (flags 0/1, times unix seconds), texts strings (lists and objects stay the
//!   JSON texts they are in the database), absent values `null`;
//! - `files/blobs/<2 hex>/<sha256>`: the attachments' files (written by the caller).
//!
//! A table's digest is the sum, modulo 2^256, of the SHA-256 of each row's canonical JSON
//! (keys sorted): it does not depend on row order, so an export of the imported copy — on
//! either backend — has the same digests exactly when it holds the same rows.
//!
//! What is left out, and why: sign-in tokens, personal API tokens, outgoing webhook subscriptions (they
//! point into this instance's event log), password-reset codes and stored answers to
//! retried requests (they belong to an instance's sessions), the event log and the cursors
//! of the workers that read it (the new instance starts its own log; clients resync), email
//! in flight and the memory of automatic away replies. Each person's account goes with the
//! workspace, password hash included (so people sign in as before): keep an export private.

use crate::sql::{Conn, Dialect, Row, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

/// Errors are sentences for an operator at a shell.
type Result<T> = std::result::Result<T, String>;

pub const FORMAT: &str = "weft-export";
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";

const THREADS: &str = "SELECT id FROM threads WHERE workspace_id = ?";
const CHANNELS: &str = "SELECT id FROM channels WHERE workspace_id = ?";
const CONVERSATIONS: &str = "SELECT id FROM conversations WHERE workspace_id = ?";
const MEMBERS: &str = "SELECT user_id FROM workspace_users WHERE workspace_id = ?";
const SCHEDULED: &str = "SELECT id FROM scheduled_posts WHERE workspace_id = ?";

fn comments() -> String {
    format!("SELECT id FROM comments WHERE thread_id IN ({THREADS})")
}
fn messages() -> String {
    format!("SELECT id FROM messages WHERE conversation_id IN ({CONVERSATIONS})")
}
fn uses() -> String {
    format!("thread_id IN ({THREADS}) OR comment_id IN ({}) OR message_id IN ({})", comments(), messages())
}
fn attachments() -> String {
    format!(
        "SELECT attachment_id FROM attachment_uses WHERE {} \
         UNION SELECT attachment_id FROM scheduled_attachments WHERE scheduled_id IN ({SCHEDULED})",
        uses()
    )
}

/// The tables of a workspace, parents before children: name, the columns that order it,
/// and which of its rows belong to the workspace (each `?` is the workspace's id).
fn tables() -> Vec<(&'static str, &'static str, String)> {
    let ws = "workspace_id = ?".to_string();
    vec![
        ("users", "id", format!("id IN ({MEMBERS})")),
        ("user_activity", "user_id, platform", format!("user_id IN ({MEMBERS})")),
        ("schedules", "user_id", format!("user_id IN ({MEMBERS})")),
        ("workspaces", "id", "id = ?".into()),
        ("workspace_users", "workspace_id, user_id", ws.clone()),
        ("bots", "user_id", ws.clone()),
        ("channels", "id", ws.clone()),
        ("channel_users", "channel_id, user_id", format!("channel_id IN ({CHANNELS})")),
        ("channel_favorites", "channel_id, user_id", format!("channel_id IN ({CHANNELS})")),
        ("channel_notification_levels", "channel_id, user_id", format!("channel_id IN ({CHANNELS})")),
        ("rotations", "channel_id", format!("channel_id IN ({CHANNELS})")),
        ("threads", "id", ws.clone()),
        ("thread_states", "thread_id, user_id", format!("thread_id IN ({THREADS})")),
        ("comments", "id", format!("thread_id IN ({THREADS})")),
        ("user_groups", "id", ws.clone()),
        ("group_users", "group_id, user_id", "group_id IN (SELECT id FROM user_groups WHERE workspace_id = ?)".into()),
        ("conversations", "id", ws.clone()),
        ("conversation_users", "conversation_id, user_id", format!("conversation_id IN ({CONVERSATIONS})")),
        ("messages", "id", format!("conversation_id IN ({CONVERSATIONS})")),
        (
            "reactions",
            "target_kind, target_id, emoji, user_id",
            format!(
                "(target_kind = 'thread' AND target_id IN ({THREADS})) OR (target_kind = 'comment' AND target_id IN \
                 ({})) OR (target_kind = 'message' AND target_id IN ({}))",
                comments(),
                messages()
            ),
        ),
        ("inbox_items", "user_id, thread_id", ws.clone()),
        ("notifications", "id", ws.clone()),
        ("notification_settings", "user_id, workspace_id", ws.clone()),
        ("search_docs", "id", ws.clone()),
        ("pushes", "id", ws.clone()),
        ("emergencies", "id", ws.clone()),
        (
            "emergency_acks",
            "emergency_id, user_id",
            "emergency_id IN (SELECT id FROM emergencies WHERE workspace_id = ?)".into(),
        ),
        ("access_requests", "id", ws.clone()),
        ("expectations", "id", ws.clone()),
        ("scheduled_posts", "id", ws.clone()),
        ("scheduled_attachments", "scheduled_id, attachment_id", format!("scheduled_id IN ({SCHEDULED})")),
        ("decisions", "id", ws.clone()),
        ("meetings", "id", ws.clone()),
        ("mail_unsubscribe", "token_hash", ws.clone()),
        ("invitations", "id", ws.clone()),
        // What a Slack import wrote: a rerun of that import on the new instance skips it.
        ("import_map", "source, kind, external_id", ws.clone()),
        // Incoming webhooks keep working after a move: same id, same secret.
        ("incoming_webhooks", "id", ws),
        ("attachments", "attachment_id", format!("attachment_id IN ({})", attachments())),
        (
            "attachment_uses",
            "attachment_id, COALESCE(thread_id, 0), COALESCE(comment_id, 0), COALESCE(message_id, 0)",
            uses(),
        ),
        (
            "attachment_blobs",
            "sha256",
            format!(
                "sha256 IN (SELECT sha256 FROM attachments WHERE attachment_id IN ({0})) \
                 OR sha256 IN (SELECT thumbnail_sha256 FROM attachments WHERE attachment_id IN ({0}))",
                attachments()
            ),
        ),
    ]
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub weft_version: String,
    pub exported_ts: i64,
    pub workspace_id: i64,
    pub workspace_name: String,
    /// `sqlite` or `postgresql`.
    pub source: String,
    pub tables: Vec<TableEntry>,
    /// The attachments' files in `files/blobs/` (filled in by the caller).
    pub attachment_files: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableEntry {
    pub name: String,
    pub file: String,
    pub rows: u64,
    pub digest: String,
}

/// Per-table progress: the table and the rows done so far.
pub type Progress<'a> = &'a mut (dyn FnMut(&str, u64) + Send);

/// A running digest of a table's rows (see the module's notes).
#[derive(Default)]
struct RowDigest([u8; 32]);

impl RowDigest {
    fn add(&mut self, canonical: &str) {
        let h: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
        let mut carry = 0u16;
        for i in (0..32).rev() {
            let sum = u16::from(self.0[i]) + u16::from(h[i]) + carry;
            self.0[i] = sum as u8;
            carry = sum >> 8;
        }
    }
    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn columns(conn: &mut dyn Conn, table: &str) -> Result<Vec<String>> {
    let rows = match conn.dialect() {
        Dialect::Sqlite => conn.query(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"), &[]),
        // `search_docs.tsv` is computed from the other columns.
        Dialect::Postgres => conn.query(
            "SELECT column_name::TEXT FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name = ? AND column_name <> 'tsv' ORDER BY ordinal_position",
            &[Value::Text(table.to_string())],
        ),
    }
    .map_err(|e| format!("cannot read the columns of {table}: {e}"))?;
    rows.iter().map(|r| r.text(0).map_err(|e| e.to_string())).collect()
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Int(i) => (*i).into(),
        Value::Text(s) => s.clone().into(),
    }
}

fn params(sql: &str, ws: i64) -> Vec<Value> {
    vec![Value::Int(ws); sql.matches('?').count()]
}

/// Writes workspace `ws` from `conn` — read inside one snapshot the caller began — into
/// `out/tables/`, and answers the manifest (without the attachments' count).
pub fn export(conn: &mut dyn Conn, ws: i64, out: &Path, now: i64, progress: Progress) -> Result<Manifest> {
    let name = conn
        .query("SELECT name FROM workspaces WHERE id = ?", &[Value::Int(ws)])
        .map_err(|e| e.to_string())?
        .first()
        .map(|r| r.text(0).map_err(|e| e.to_string()))
        .transpose()?
        .ok_or_else(|| format!("there is no workspace {ws}"))?;
    let dir = out.join("tables");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut entries = Vec::new();
    for (table, order, filter) in tables() {
        let cols = columns(conn, table)?;
        let file = format!("tables/{table}.jsonl");
        let path = out.join(&file);
        let mut w =
            BufWriter::new(std::fs::File::create(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?);
        let mut digest = RowDigest::default();
        let mut rows = 0u64;
        // Tables keyed by an integer id are read in pages after the last id (each page an
        // index lookup); the few others, small, in pages by offset.
        let keyset = order == "id";
        let mut after = 0i64;
        loop {
            let (sql, mut args) = if keyset {
                let sql = format!(
                    "SELECT {} FROM {table} WHERE ({filter}) AND id > ? ORDER BY id LIMIT 2000",
                    cols.join(", ")
                );
                let mut args = params(&filter, ws);
                args.push(Value::Int(after));
                (sql, args)
            } else {
                let sql = format!(
                    "SELECT {} FROM {table} WHERE {filter} ORDER BY {order} LIMIT 2000 OFFSET ?",
                    cols.join(", ")
                );
                (sql, params(&filter, ws))
            };
            if !keyset {
                args.push(Value::Int(rows as i64));
            }
            let page = conn.query(&sql, &args).map_err(|e| format!("cannot read {table}: {e}"))?;
            for row in &page {
                let line = canonical(table, &cols, row, ws);
                digest.add(&line);
                writeln!(w, "{line}").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                rows += 1;
            }
            if keyset && let Some(last) = page.last() {
                after = last.i64(cols.iter().position(|c| c == "id").unwrap_or(0)).map_err(|e| e.to_string())?;
            }
            progress(table, rows);
            if page.len() < 2000 {
                break;
            }
        }
        w.flush().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        entries.push(TableEntry { name: table.to_string(), file, rows, digest: digest.hex() });
    }
    let source = match conn.dialect() {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgresql",
    };
    Ok(Manifest {
        format: FORMAT.into(),
        version: VERSION,
        weft_version: env!("CARGO_PKG_VERSION").into(),
        exported_ts: now,
        workspace_id: ws,
        workspace_name: name,
        source: source.into(),
        tables: entries,
        attachment_files: 0,
    })
}

/// A row as one line of JSON, keys sorted. A person's default workspace becomes the
/// exported one: the others are not in the export.
fn canonical(table: &str, cols: &[String], row: &Row, ws: i64) -> String {
    let mut obj: BTreeMap<&str, serde_json::Value> =
        cols.iter().map(String::as_str).zip(row.0.iter().map(to_json)).collect();
    if table == "users" {
        obj.insert("default_workspace", ws.into());
    }
    serde_json::to_string(&obj).expect("a map of JSON values serializes")
}

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("{} has no {MANIFEST}: it is not a Weft export, or its export did not finish", dir.display())
        }
        _ => format!("cannot read {}: {e}", path.display()),
    })?;
    let m: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{} is not a Weft export manifest: {e}", path.display()))?;
    if m.format != FORMAT || m.version != VERSION {
        return Err(format!(
            "{} is {} version {}; this Weft reads {FORMAT} version {VERSION}",
            path.display(),
            m.format,
            m.version
        ));
    }
    let known = tables();
    for t in &m.tables {
        if !known.iter().any(|(name, ..)| *name == t.name) || t.file != format!("tables/{}.jsonl", t.name) {
            return Err(format!(
                "{} lists a table {:?} (file {:?}) that is not part of the format",
                path.display(),
                t.name,
                t.file
            ));
        }
    }
    Ok(m)
}

/// What an import wrote, table by table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub table: String,
    pub rows: u64,
}

/// Reads the export in `dir` into `conn`, inside the one transaction the caller began (and
/// commits only if this answers Ok). Every row must be new to the target: a key that is
/// there already fails the import, and the caller rolls everything back.
pub fn import(conn: &mut dyn Conn, dir: &Path, m: &Manifest, progress: Progress) -> Result<Vec<Imported>> {
    let mut done = Vec::new();
    // In the format's order (parents first), whatever order the manifest lists them in.
    for (table, ..) in tables() {
        let Some(entry) = m.tables.iter().find(|t| t.name == table) else { continue };
        let target_cols = columns(conn, table)?;
        let path = dir.join(&entry.file);
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut digest = RowDigest::default();
        let mut batch: Vec<Vec<Value>> = Vec::new();
        let mut batch_cols: Vec<String> = Vec::new();
        let mut rows = 0u64;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let at = || format!("{} line {}", entry.file, n + 1);
            let line = line.map_err(|e| format!("cannot read {}: {e}", at()))?;
            let obj: BTreeMap<String, serde_json::Value> =
                serde_json::from_str(&line).map_err(|e| format!("{}: not a JSON object: {e}", at()))?;
            digest.add(&serde_json::to_string(&obj).expect("a map of JSON values serializes"));
            let cols: Vec<String> = obj.keys().cloned().collect();
            if let Some(c) = cols.iter().find(|c| !target_cols.contains(c)) {
                return Err(format!(
                    "{}: column {c} of {table} is unknown to this Weft: import with the version that exported it ({}) or newer",
                    at(),
                    m.weft_version
                ));
            }
            let values = obj
                .values()
                .map(|v| match v {
                    serde_json::Value::Null => Ok(Value::Null),
                    serde_json::Value::String(s) => Ok(Value::Text(s.clone())),
                    serde_json::Value::Number(x) => x.as_i64().map(Value::Int).ok_or(()),
                    _ => Err(()),
                })
                .collect::<std::result::Result<Vec<_>, ()>>()
                .map_err(|()| format!("{}: values must be integers, strings or null", at()))?;
            if cols != batch_cols || batch.len() >= 30_000 / cols.len().max(1) {
                insert(conn, table, &batch_cols, &batch)?;
                batch.clear();
                batch_cols = cols;
            }
            batch.push(values);
            rows += 1;
            if rows.is_multiple_of(2000) {
                progress(table, rows);
            }
        }
        insert(conn, table, &batch_cols, &batch)?;
        progress(table, rows);
        if rows != entry.rows || digest.hex() != entry.digest {
            return Err(format!(
                "{} does not match the manifest ({rows} rows read, {} listed, or a different digest): the export is damaged",
                entry.file, entry.rows
            ));
        }
        done.push(Imported { table: table.to_string(), rows });
    }
    Ok(done)
}

fn insert(conn: &mut dyn Conn, table: &str, cols: &[String], rows: &[Vec<Value>]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let one = format!("({})", vec!["?"; cols.len()].join(", "));
    let sql = format!("INSERT INTO {table} ({}) VALUES {}", cols.join(", "), vec![one; rows.len()].join(", "));
    let params: Vec<Value> = rows.iter().flatten().cloned().collect();
    conn.execute(&sql, &params).map(|_| ()).map_err(|e| {
        format!("cannot import {table}: {e} (does the target already hold some of this workspace? import into a new instance)")
    })
}

/// After an import into SQLite: the imported posts enter the full-text index.
pub fn index_for_search(conn: &mut dyn Conn, ws: i64) -> Result<()> {
    if conn.dialect() == Dialect::Sqlite {
        let sql = format!("{} WHERE workspace_id = ?", crate::sql::search::FTS_INSERT);
        conn.execute(&sql, &[Value::Int(ws)]).map_err(|e| format!("cannot index the imported posts: {e}"))?;
    }
    Ok(())
}

/// Exports workspace `ws` of the instance at `location` into `out` (see `export`), reading
/// one consistent snapshot while a server may keep writing.
pub fn export_from(location: &crate::Location, ws: i64, out: &Path, now: i64, progress: Progress) -> Result<Manifest> {
    match location {
        crate::Location::Sqlite(data) => {
            let path = data.join(crate::sqlite::DB_FILE);
            if !path.is_file() {
                return Err(format!("no Weft database in {}", data.display()));
            }
            let conn = crate::sqlite::open_reader(&path).map_err(|e| e.to_string())?;
            conn.execute_batch("BEGIN").map_err(|e| e.to_string())?;
            export(&mut crate::sqlite::Db(conn, Default::default()), ws, out, now, progress)
        }
        crate::Location::Postgres(url) => crate::pg::off_runtime(|| {
            let mut conn = crate::pg::PgConn::new(url, std::time::Duration::from_secs(10));
            conn.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
            Ok(export(&mut conn, ws, out, now, progress))
        })
        .map_err(|e| e.to_string())?,
    }
}

/// Imports the export in `dir` into the instance at `location` (creating Weft's schema
/// there if needed) in one transaction: all of it, or — on any error — nothing. For SQLite
/// the caller holds the data directory's lock.
pub fn import_into(location: &crate::Location, dir: &Path, progress: Progress) -> Result<(Manifest, Vec<Imported>)> {
    let m = read_manifest(dir)?;
    let done = match location {
        crate::Location::Sqlite(data) => {
            std::fs::create_dir_all(data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
            let conn = crate::sqlite::open_writer(&data.join(crate::sqlite::DB_FILE)).map_err(|e| e.to_string())?;
            crate::sqlite::migrate(&conn).map_err(|e| e.to_string())?;
            conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
            let mut db = crate::sqlite::Db(conn, Default::default());
            let done =
                import(&mut db, dir, &m, progress).and_then(|d| index_for_search(&mut db, m.workspace_id).map(|()| d));
            let end = if done.is_ok() { "COMMIT" } else { "ROLLBACK" };
            db.0.execute_batch(end).map_err(|e| e.to_string())?;
            done?
        }
        crate::Location::Postgres(url) => crate::pg::off_runtime(|| {
            let mut conn = crate::pg::PgConn::new(url, std::time::Duration::from_secs(10));
            crate::pg::migrate(&mut conn)?;
            // Under the writers' lock: running nodes wait rather than interleave.
            conn.batch(&format!("BEGIN; SELECT pg_advisory_xact_lock({})", crate::pg::WRITE_LOCK))?;
            let done = import(&mut conn, dir, &m, progress)
                .and_then(|d| crate::copy::reset_identities(&mut conn).map(|()| d).map_err(|e| e.to_string()));
            conn.batch(if done.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
            Ok(done)
        })
        .map_err(|e| e.to_string())??,
    };
    Ok((m, done))
}
