//! `weft admin backup` and `restore`, through the real binary: a backup taken while a
//! server keeps writing holds every write acknowledged before it began, with the files
//! those posts carry, and the restored instance answers the same session as before.

use crate::attachments::download;
use crate::helpers::*;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use weft::{Config, Server, WorkerMode};
use weft_client::Client;

/// `weft admin <args>` on a data directory (the export tests use it too) (and a database URL for PostgreSQL).
pub async fn admin(args: &[&str], data: &Path, database_url: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_weft"));
    cmd.env_clear().arg("admin").args(args).arg("--data").arg(data);
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("weft runs")).await.unwrap()
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

both_backends! {
async fn a_backup_taken_under_writes_restores_every_write_acknowledged_before_it(b: Backend) {
    let t = Team::on(b).await;
    let data = t.app.dir.path().to_path_buf();
    let url = t.app.database_url.clone();
    let notes = b"minutes of the kickoff\n".to_vec();
    let file = upload(&t.ana, "0b6f1c1e-minutes", "minutes.txt", "text/plain", notes.clone()).await;
    let with_file = t
        .ana
        .post("threads/add", json!({"channel_id": t.general, "title": "Kickoff", "content": "see the file",
            "attachments": [file]}))
        .await
        .unwrap();

    // A writer posts without pause; each acknowledged thread is noted with its id.
    let acked: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (ana, acked, stop, channel) = (t.ana.clone(), acked.clone(), stop.clone(), t.general);
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let title = format!("note {n}");
                let thread = ana.add_thread(channel, &title, "written during the backup").await.unwrap();
                acked.lock().unwrap().push((title, thread.id.0));
            }
        })
    };
    while acked.lock().unwrap().len() < 20 {
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before_backup = acked.lock().unwrap().clone();
    let out = data.join("backup-out");
    let o = admin(&["backup", out.to_str().unwrap()], &data, url.as_deref()).await;
    assert!(o.status.success(), "backup failed: {}", text(&o));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.await.unwrap();
    let written = acked.lock().unwrap().len();
    assert!(out.join("backup.json").is_file());

    // Restore into a new place; a second restore there is refused without --force.
    let target = tempfile::tempdir().unwrap();
    let target_url = url.as_ref().map(|_| {
        weft_store::pg::create_scratch_database(&postgres_url().unwrap()).expect("a scratch database")
    });
    let o = admin(&["restore", out.to_str().unwrap()], target.path(), target_url.as_deref()).await;
    assert!(o.status.success(), "restore failed: {}", text(&o));
    let again = admin(&["restore", out.to_str().unwrap()], target.path(), target_url.as_deref()).await;
    assert!(!again.status.success());
    assert!(text(&again).contains("add --force to replace it"), "{}", text(&again));

    // The restored instance answers Ana's session as before.
    let config = Config {
        data: target.path().to_path_buf(),
        database_url: target_url.clone(),
        listen: "127.0.0.1:0".parse().unwrap(),
        workers: WorkerMode::OnDemand,
        ..Config::default()
    };
    let store = config.open_store().unwrap();
    let server = Server::start(config, store, t.app.clock.clone()).await.unwrap();
    let ana = Client::new(&format!("http://{}", server.addr)).with_token(t.ana.token().unwrap());
    for (title, id) in &before_backup {
        let thread = ana.get("threads/getone", json!({"id": id})).await.unwrap_or_else(|e| {
            panic!("{title} (thread {id}) was acknowledged before the backup began and is not in it: {e:?}")
        });
        assert_eq!(thread["title"], title.as_str());
    }
    let kept = ana.get("threads/get", json!({"channel_id": t.general, "limit": 500})).await.unwrap();
    let kept = kept.as_array().unwrap().len();
    assert!(kept > before_backup.len() && kept <= written + 1, "{kept} threads restored; {written} written");
    let restored = ana.get("threads/getone", json!({"id": with_file["id"]})).await.unwrap();
    let (status, _, bytes) = download(&ana, restored["attachments"][0]["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes), (200, notes), "the file a restored post carries comes back with it");
    server.stop().await;
    if let (Some(base), Some(u)) = (postgres_url(), &target_url) {
        weft_store::pg::drop_scratch_database(&base, u);
    }
}
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_whole_backup_and_a_live_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o =
        admin(&["create-user", "--email", "a@example.test", "--name", "Ana", "--password", "password-a"], &data, None)
            .await;
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.path().join("b");
    assert!(admin(&["backup", out.to_str().unwrap()], &data, None).await.status.success());
    // Into a directory that is not empty: refused.
    let o = admin(&["backup", out.to_str().unwrap()], &data, None).await;
    assert!(!o.status.success() && text(&o).contains("not empty"), "{}", text(&o));

    // A damaged database file is found out before anything is replaced.
    let fresh = dir.path().join("fresh");
    let db = out.join("weft.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&db, &bytes).unwrap();
    let o = admin(&["restore", out.to_str().unwrap()], &fresh, None).await;
    assert!(!o.status.success() && text(&o).contains("damaged"), "{}", text(&o));
    assert!(!fresh.join("weft.db").exists());
    // Without its manifest (an unfinished backup): refused.
    std::fs::remove_file(out.join("backup.json")).unwrap();
    let o = admin(&["restore", out.to_str().unwrap()], &fresh, None).await;
    assert!(!o.status.success() && text(&o).contains("did not finish"), "{}", text(&o));

    // Where a server runs, even --force is refused.
    let good = dir.path().join("good");
    assert!(admin(&["backup", good.to_str().unwrap()], &data, None).await.status.success());
    let _server_lock = weft_store::backup::lock_data_dir(&data).unwrap();
    let o = admin(&["restore", good.to_str().unwrap(), "--force"], &data, None).await;
    assert!(!o.status.success() && text(&o).contains("is running"), "{}", text(&o));
}
