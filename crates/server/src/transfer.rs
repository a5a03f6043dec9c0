//! `weft admin export` and `weft admin import weft`: a workspace out of one instance and
//! into another (either backend). The format is described in `weft_store::transfer`; this
//! adds the attachments' files (`files/blobs/`) and the progress an operator sees.

use crate::backup::{Progress, copy_blobs, mib, now, restore_blobs};
use crate::cli::DataArgs;
use std::path::PathBuf;
use weft_store::transfer;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The workspace's id
    #[arg(long, value_name = "ID")]
    pub workspace: i64,
    /// Directory to write the export to (created; it must not exist yet, or be empty)
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct ImportWeftArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A directory `weft admin export` wrote
    #[arg(value_name = "IN")]
    pub input: PathBuf,
}

/// A progress callback that redraws one line per table.
fn table_progress(verb: &'static str) -> impl FnMut(&str, u64) + Send {
    let progress = Progress::new();
    let mut current = String::new();
    move |table: &str, rows: u64| {
        if current != table && !current.is_empty() {
            progress.show("", false);
        }
        current = table.to_string();
        progress.show(&format!("  {verb} {table:<28} {rows:>9} rows"), false);
    }
}

pub async fn export(args: ExportArgs) -> Result<(), String> {
    let config = crate::cli::resolve(&args.data)?;
    let out = args.out;
    if out.exists()
        && std::fs::read_dir(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?.next().is_some()
    {
        return Err(format!("{} exists and is not empty: export into a new directory", out.display()));
    }
    eprintln!("Exporting workspace {} of the {} to {}", args.workspace, config.location().describe(), out.display());
    let (location, ws, dir) = (config.location(), args.workspace, out.clone());
    let mut manifest = tokio::task::spawn_blocking(move || {
        let mut progress = table_progress("exporting");
        transfer::export_from(&location, ws, &dir, now(), &mut progress)
    })
    .await
    .map_err(|e| e.to_string())??;
    Progress::new().show("", true);
    let blobs = blob_names(&out)?;
    manifest.attachment_files = match &config.files.url {
        None => copy_blobs(&blobs, &config.data.join("files").join("blobs"), &out)?.files,
        Some(url) => {
            eprintln!("  attachments: in {url}, not copied ({} files the export names stay there)", blobs.len());
            0
        }
    };
    // Written last: an export without it did not finish.
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    std::fs::write(out.join(transfer::MANIFEST), text).map_err(|e| format!("cannot write the manifest: {e}"))?;
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "Exported \"{}\" (workspace {}): {rows} rows in {} tables and {} attachment files, to {}.",
        manifest.workspace_name,
        manifest.workspace_id,
        manifest.tables.len(),
        manifest.attachment_files,
        out.display()
    );
    println!(
        "It holds everyone's posts and password hashes: keep it private. Import it with: weft admin import weft {}",
        out.display()
    );
    Ok(())
}

/// The attachments' files an export's `attachment_blobs` table names.
fn blob_names(out: &std::path::Path) -> Result<Vec<String>, String> {
    let path = out.join("tables").join("attachment_blobs.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            row["sha256"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{}: a row without sha256", path.display()))
        })
        .collect()
}

pub async fn import(args: ImportWeftArgs) -> Result<(), String> {
    let config = crate::cli::resolve(&args.data)?;
    let input = args.input;
    let manifest = transfer::read_manifest(&input)?;
    eprintln!(
        "Importing \"{}\" (workspace {}, exported from {} by Weft {}) into the {}",
        manifest.workspace_name,
        manifest.workspace_id,
        manifest.source,
        manifest.weft_version,
        config.location().describe()
    );
    // No server may write the SQLite database meanwhile; PostgreSQL nodes wait for the
    // import's transaction instead.
    let _lock = match &config.database_url {
        None => Some(weft_store::backup::lock_data_dir(&config.data)?),
        Some(_) => None,
    };
    match &config.files.url {
        None => restore_blobs(&input, &config.data.join("files").join("blobs"))?,
        Some(url) if manifest.attachment_files > 0 => {
            eprintln!(
                "  attachments: this instance keeps them in {url}; copy {} there",
                input.join("files/blobs").display()
            );
        }
        Some(_) => {}
    }
    let (location, dir) = (config.location(), input.clone());
    let (m, done) = tokio::task::spawn_blocking(move || {
        let mut progress = table_progress("importing");
        transfer::import_into(&location, &dir, &mut progress)
    })
    .await
    .map_err(|e| e.to_string())??;
    Progress::new().show("", true);
    println!("{:<28} {:>9}", "table", "rows");
    for t in &done {
        println!("{:<28} {:>9}", t.table, t.rows);
    }
    let rows: u64 = done.iter().map(|t| t.rows).sum();
    println!(
        "Imported \"{}\": {rows} rows, each table checked against the export's digest; {} attachment files ({}).",
        m.workspace_name,
        m.attachment_files,
        mib(blob_bytes(&input))
    );
    println!("People sign in with their email and password as before (sessions do not move; apps sign in again).");
    Ok(())
}

fn blob_bytes(input: &std::path::Path) -> u64 {
    let root = input.join("files").join("blobs");
    let Ok(dirs) = std::fs::read_dir(root) else { return 0 };
    dirs.flatten()
        .filter_map(|d| std::fs::read_dir(d.path()).ok())
        .flat_map(|files| files.flatten())
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum()
}
