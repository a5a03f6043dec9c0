//! `weft admin backup` and `weft admin restore`.
//!
//! A backup is a directory: the database (`weft.db`, a consistent copy taken while the
//! server keeps writing, or `weft.pgdump` from `pg_dump` for PostgreSQL), the attachments'
//! files the database names (`files/blobs/`, when they are stored under the data
//! directory), and `backup.json`, written last: a directory without it is an unfinished
//! backup, and restore refuses it. The manifest records the database's SHA-256, so a copy
//! damaged on its way back is refused too.

use crate::cli::DataArgs;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use weft_store::backup as db;
use weft_store::sqlite::DB_FILE;

pub const MANIFEST: &str = "backup.json";
const FORMAT: &str = "weft-backup";
const VERSION: u32 = 1;
const PG_DUMP_FILE: &str = "weft.pgdump";

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Directory to write the backup to (created; it must not exist yet, or be empty)
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A directory `weft admin backup` wrote
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// Replace the database that is there (it is moved aside, not deleted; for PostgreSQL,
    /// its Weft tables are dropped)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    weft_version: String,
    created_ts: i64,
    created: String,
    /// `sqlite` or `postgresql`.
    database: String,
    /// The database's file in the backup directory.
    file: String,
    sha256: String,
    schema_version: i64,
    attachments: Attachments,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Attachments {
    /// Whether the files are in the backup (`files/blobs/`): not when they live in an
    /// object store, which has its own backups.
    pub(crate) included: bool,
    pub(crate) files: u64,
    pub(crate) bytes: u64,
    /// Files the database names that were already gone when the backup copied them.
    pub(crate) missing: u64,
}

/// A line that redraws itself on a terminal and is printed once, finished, elsewhere.
pub(crate) struct Progress {
    tty: bool,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Progress { tty: std::io::stderr().is_terminal() }
    }
    pub(crate) fn show(&self, line: &str, done: bool) {
        if self.tty {
            eprint!("\r{line}\x1b[K");
            if done {
                eprintln!();
            }
            let _ = std::io::stderr().flush();
        } else if done {
            eprintln!("{line}");
        }
    }
}

pub(crate) fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

fn sha256_of(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut h = Sha256::new();
    std::io::copy(&mut file, &mut h).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A blob's name as the database holds it: 64 hex digits, nothing a path could climb with.
fn blob_name(sha: &str) -> Result<&str, String> {
    if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        Ok(sha)
    } else {
        Err(format!("the database names an attachment file {sha:?}, which is not a SHA-256"))
    }
}

fn blob_path(root: &Path, sha: &str) -> PathBuf {
    root.join(&sha[..2]).join(sha)
}

pub(crate) fn now() -> i64 {
    weft_core::Clock::now(&weft_core::SystemClock)
}

fn prepare_out(out: &Path) -> Result<(), String> {
    if out.exists() {
        let empty = std::fs::read_dir(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?.next().is_none();
        if !empty {
            return Err(format!("{} exists and is not empty: back up into a new directory", out.display()));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))
}

/// Copies the blobs the snapshot names from `root` into `out/files/blobs`.
pub(crate) fn copy_blobs(blobs: &[String], root: &Path, out: &Path) -> Result<Attachments, String> {
    let progress = Progress::new();
    let mut copied = Attachments { included: true, files: 0, bytes: 0, missing: 0 };
    let target = out.join("files").join("blobs");
    for (i, sha) in blobs.iter().enumerate() {
        let sha = blob_name(sha)?;
        let from = blob_path(root, sha);
        let to = blob_path(&target, sha);
        std::fs::create_dir_all(to.parent().expect("a blob path has a parent"))
            .map_err(|e| format!("cannot create {}: {e}", target.display()))?;
        match std::fs::copy(&from, &to) {
            Ok(n) => {
                copied.files += 1;
                copied.bytes += n;
            }
            // Swept (deleted as unused) between the snapshot and now: no post of the
            // snapshot can still show it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => copied.missing += 1,
            Err(e) => return Err(format!("cannot copy {}: {e}", from.display())),
        }
        if i % 64 == 0 || i + 1 == blobs.len() {
            let line = format!("  attachments {:>7}/{} files, {}", i + 1, blobs.len(), mib(copied.bytes));
            progress.show(&line, i + 1 == blobs.len());
        }
    }
    Ok(copied)
}

fn write_manifest(out: &Path, manifest: &Manifest) -> Result<(), String> {
    let path = out.join(MANIFEST);
    let text = serde_json::to_string_pretty(manifest).map_err(|e| e.to_string())?;
    let staged = out.join(format!("{MANIFEST}.partial"));
    std::fs::write(&staged, text + "\n").map_err(|e| format!("cannot write {}: {e}", staged.display()))?;
    std::fs::rename(&staged, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Copies the attachments' files the database names, unless they live in a bucket.
fn backup_attachments(
    config: &crate::Config,
    blobs: impl FnOnce() -> Result<Vec<String>, String>,
    out: &Path,
) -> Result<Attachments, String> {
    match &config.files.url {
        None => copy_blobs(&blobs()?, &config.data.join("files").join("blobs"), out),
        Some(url) => {
            eprintln!("  attachments: in {url}, not copied (back the bucket up with its own tools)");
            Ok(Attachments { included: false, files: 0, bytes: 0, missing: 0 })
        }
    }
}

pub async fn backup(args: BackupArgs) -> Result<(), String> {
    let config = crate::cli::resolve(&args.data)?;
    let out = args.out;
    prepare_out(&out)?;
    let started = now();
    // The database's copy: its kind, file and schema version, and the attachments.
    let (database, file, schema_version, attachments) = match &config.database_url {
        None => {
            eprintln!("Backing up the SQLite database in {} to {}", config.data.display(), out.display());
            let data = config.data.clone();
            let db_out = out.join(DB_FILE);
            let snap = tokio::task::spawn_blocking(move || db::snapshot(&data, &db_out))
                .await
                .map_err(|e| e.to_string())??;
            eprintln!("  database: {} (schema version {})", mib(snap.bytes), snap.schema_version);
            let attachments = backup_attachments(&config, || Ok(snap.blobs), &out)?;
            ("sqlite", DB_FILE, snap.schema_version, attachments)
        }
        Some(url) => {
            eprintln!("Backing up {} with pg_dump to {}", weft_store::redact(url), out.display());
            run_tool(
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                    .arg(out.join(PG_DUMP_FILE))
                    .arg("--dbname")
                    .arg(url),
                "pg_dump",
            )?;
            let attachments = backup_attachments(&config, || postgres_blobs(url), &out)?;
            ("postgresql", PG_DUMP_FILE, postgres_schema_version(url)?, attachments)
        }
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        weft_version: env!("CARGO_PKG_VERSION").into(),
        created_ts: started,
        created: timestamp(started),
        database: database.into(),
        file: file.into(),
        sha256: sha256_of(&out.join(file))?,
        schema_version,
        attachments,
    };
    write_manifest(&out, &manifest)?;
    let a = &manifest.attachments;
    println!(
        "Backed up to {}: the {} database as of {} (schema version {}){}.",
        out.display(),
        manifest.database,
        manifest.created,
        manifest.schema_version,
        if a.included { format!(" and {} attachment files ({})", a.files, mib(a.bytes)) } else { String::new() }
    );
    if a.missing > 0 {
        println!("  {} attachment files were deleted as unused while the backup ran; no post needs them.", a.missing);
    }
    println!("Restore it with: weft admin restore {} --data DIR", out.display());
    Ok(())
}

fn timestamp(ts: i64) -> String {
    jiff::Timestamp::from_second(ts).map(|t| t.to_string()).unwrap_or_default()
}

/// Runs an external tool (pg_dump, pg_restore), with a clear error when it is missing.
fn run_tool(cmd: &mut Command, name: &str) -> Result<(), String> {
    let output = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("{name} was not found: install PostgreSQL's client tools (the version of your server or newer)")
        }
        _ => format!("cannot run {name}: {e}"),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(format!("{name} failed ({}): {}", output.status, stderr.trim()))
}

fn postgres_schema_version(url: &str) -> Result<i64, String> {
    postgres_query(url, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .and_then(|rows| rows.first().map_or(Ok(0), |r| r.i64(0)).map_err(|e| e.to_string()))
}

fn postgres_blobs(url: &str) -> Result<Vec<String>, String> {
    let rows = postgres_query(url, "SELECT sha256 FROM attachment_blobs ORDER BY sha256")?;
    rows.iter().map(|r| r.text(0).map_err(|e| e.to_string())).collect()
}

fn postgres_query(url: &str, sql: &str) -> Result<Vec<weft_store::sql::Row>, String> {
    use weft_store::sql::Conn;
    weft_store::pg::off_runtime(|| weft_store::pg::PgConn::new(url, std::time::Duration::from_secs(5)).query(sql, &[]))
        .map_err(|e| e.to_string())
}

fn read_manifest(input: &Path) -> Result<Manifest, String> {
    let path = input.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("{} has no {MANIFEST}: it is not a Weft backup, or its backup did not finish", input.display())
        }
        _ => format!("cannot read {}: {e}", path.display()),
    })?;
    let m: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{} is not a Weft backup manifest: {e}", path.display()))?;
    if m.format != FORMAT || m.version != VERSION {
        return Err(format!(
            "{} is {} version {}; this Weft reads {FORMAT} version {VERSION}",
            path.display(),
            m.format,
            m.version
        ));
    }
    if m.file.contains(['/', '\\']) || m.file.starts_with('.') {
        return Err(format!("{} names its database file {:?}", path.display(), m.file));
    }
    let file = input.join(&m.file);
    eprintln!("Checking {}…", file.display());
    if sha256_of(&file)? != m.sha256 {
        return Err(format!(
            "{} differs from the backup's record of it (SHA-256): the copy is damaged",
            file.display()
        ));
    }
    Ok(m)
}

pub async fn restore(args: RestoreArgs) -> Result<(), String> {
    let config = crate::cli::resolve(&args.data)?;
    let input = args.input;
    let m = read_manifest(&input)?;
    let file = input.join(&m.file);
    match (&config.database_url, m.database.as_str()) {
        (None, "sqlite") => restore_sqlite(&config, &m, &input, &file, args.force).await?,
        (Some(url), "postgresql") => restore_postgres(&config, &m, &input, url, &file, args.force)?,
        (None, other) => {
            return Err(format!("this is a backup of a {other} database: restore it with --database-url"));
        }
        (Some(_), other) => {
            return Err(format!(
                "this is a backup of a {other} database: restore it with --data DIR (then `weft admin migrate` copies it into PostgreSQL)"
            ));
        }
    }
    println!("Restored the backup of {}. Start Weft on it as usual.", m.created);
    Ok(())
}

/// Puts the backup's attachment files where this instance keeps them, before the database
/// that names them: adding a content-addressed file never hurts.
fn restore_attachments(config: &crate::Config, m: &Manifest, input: &Path) -> Result<(), String> {
    match &config.files.url {
        _ if !m.attachments.included => Ok(()),
        None => restore_blobs(input, &config.data.join("files").join("blobs")),
        Some(url) => {
            println!(
                "  attachments: this instance keeps them in {url}; copy {} there",
                input.join("files").join("blobs").display()
            );
            Ok(())
        }
    }
}

async fn restore_sqlite(
    config: &crate::Config,
    m: &Manifest,
    input: &Path,
    file: &Path,
    force: bool,
) -> Result<(), String> {
    let snap = db::inspect(file)?;
    if snap.schema_version > db::latest_schema_version() {
        return Err(format!(
            "the backup's schema (version {}) is newer than this Weft knows ({}): restore it with a newer Weft",
            snap.schema_version,
            db::latest_schema_version()
        ));
    }
    // Held until the new database is in place: no server can start on it meanwhile.
    let _lock = db::lock_data_dir(&config.data)?;
    let existing = config.data.join(DB_FILE);
    if existing.exists() && !force {
        return Err(format!(
            "{} already has a database; add --force to replace it (it is moved aside, not deleted)",
            config.data.display()
        ));
    }
    eprintln!("Restoring {} into {}", input.display(), config.data.display());
    restore_attachments(config, m, input)?;
    let (file, data) = (file.to_path_buf(), config.data.clone());
    let aside =
        tokio::task::spawn_blocking(move || db::install(&file, &data, now())).await.map_err(|e| e.to_string())??;
    if let Some(old) = aside {
        println!("  the database that was there is now {}", old.display());
    }
    println!("  database: {} (schema version {})", mib(snap.bytes), snap.schema_version);
    Ok(())
}

fn restore_postgres(
    config: &crate::Config,
    m: &Manifest,
    input: &Path,
    url: &str,
    file: &Path,
    force: bool,
) -> Result<(), String> {
    let has_schema = db::postgres_has_schema(url)?;
    if has_schema && !force {
        return Err(format!(
            "{} already holds a Weft database; add --force to replace it (stop every Weft node on it first)",
            weft_store::redact(url)
        ));
    }
    eprintln!("Restoring {} into {} with pg_restore", file.display(), weft_store::redact(url));
    restore_attachments(config, m, input)?;
    let mut cmd = Command::new("pg_restore");
    // One transaction: a failure leaves the database as it was.
    cmd.args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]);
    if has_schema {
        cmd.args(["--clean", "--if-exists"]);
    }
    run_tool(cmd.arg("--dbname").arg(url).arg(file), "pg_restore")
}

/// Copies the backup's attachment files into the store, checking each against its name.
pub(crate) fn restore_blobs(input: &Path, root: &Path) -> Result<(), String> {
    let from_root = input.join("files").join("blobs");
    let mut names = Vec::new();
    if from_root.is_dir() {
        for dir in std::fs::read_dir(&from_root).map_err(|e| format!("cannot read {}: {e}", from_root.display()))? {
            let dir = dir.map_err(|e| e.to_string())?.path();
            for f in std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))? {
                let name = f.map_err(|e| e.to_string())?.file_name().to_string_lossy().into_owned();
                names.push(blob_name(&name)?.to_string());
            }
        }
    }
    let progress = Progress::new();
    let mut bytes = 0;
    for (i, sha) in names.iter().enumerate() {
        let from = blob_path(&from_root, sha);
        if sha256_of(&from)? != *sha {
            return Err(format!("{} is damaged (its content does not match its name)", from.display()));
        }
        let to = blob_path(root, sha);
        if !to.exists() {
            std::fs::create_dir_all(to.parent().expect("a blob path has a parent"))
                .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
            let staged = to.with_extension("restoring");
            bytes += std::fs::copy(&from, &staged).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
            std::fs::rename(&staged, &to).map_err(|e| format!("cannot write {}: {e}", to.display()))?;
        }
        if i % 64 == 0 || i + 1 == names.len() {
            progress.show(
                &format!("  attachments {:>7}/{} files, {}", i + 1, names.len(), mib(bytes)),
                i + 1 == names.len(),
            );
        }
    }
    Ok(())
}
