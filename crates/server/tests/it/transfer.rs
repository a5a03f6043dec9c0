//! `weft admin export` / `weft admin import weft`, through the real binary: a workspace
//! read into another instance — SQLite and PostgreSQL — is the same by every table's
//! digest, people sign in there as before and find their posts and files, nothing of another
//! workspace comes along, and a damaged or repeated import changes nothing.

use crate::attachments::download;
use crate::backup::{admin, text};
use crate::helpers::*;
use serde_json::{Value, json};
use std::path::Path;
use weft::{Config, Server, WorkerMode};
use weft_client::Client;

/// Each table's name, rows and digest, as the manifest lists them.
fn digests(dir: &Path) -> Vec<(String, u64, String)> {
    let m: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    m["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (t["name"].as_str().unwrap().into(), t["rows"].as_u64().unwrap(), t["digest"].as_str().unwrap().into())
        })
        .collect()
}

both_backends! {
async fn a_workspace_moves_to_another_instance_on_either_backend_unchanged(b: Backend) {
    let t = Team::on(b).await;
    let th = t.ana.add_thread(t.general, "Quarterly kickoff", "the plan for the quarter").await.unwrap();
    t.bo.add_comment(th.id.0, "sounds good").await.unwrap();
    t.ana.post("reactions/add", json!({"thread_id": th.id.0, "reaction": "👍"})).await.unwrap();
    let file = upload(&t.ana, "0b6f1c1e-plan", "plan.txt", "text/plain", b"the plan".to_vec()).await;
    t.ana.post("comments/add", json!({"thread_id": th.id.0, "content": "attached", "attachments": [file]})).await.unwrap();
    let decision = t.bo.add_comment(th.id.0, "We ship in March").await.unwrap();
    t.ana.post("comments/mark_decision", json!({"id": decision.id.0})).await.unwrap();
    t.ana.add_thread(t.private, "Only Ana", "private notes").await.unwrap();
    let conv: Value =
        t.ana.post("conversations/get_or_create", json!({"workspace_id": t.ws, "user_ids": [t.bo_id]})).await.unwrap();
    t.ana.post("conversation_messages/add", json!({"conversation_id": conv["id"], "content": "lunch?"})).await.unwrap();
    t.ana.post("groups/add", json!({"workspace_id": t.ws, "name": "Design", "user_ids": [t.bo_id]})).await.unwrap();
    // Another workspace's post: never part of this export.
    let oz_general = t.oz.get("workspaces/getone", json!({"id": t.other_ws})).await.unwrap()["default_channel"].as_i64().unwrap();
    t.oz.add_thread(oz_general, "Elsewhere", "not yours").await.unwrap();

    let data = t.app.dir.path().to_path_buf();
    let url = t.app.database_url.clone();
    let out = data.join("export");
    let ws = t.ws.to_string();
    let o = admin(&["export", "--workspace", &ws, out.to_str().unwrap()], &data, url.as_deref()).await;
    assert!(o.status.success(), "export failed: {}", text(&o));
    let original = digests(&out);
    let rows = |name: &str| original.iter().find(|(n, ..)| n == name).unwrap().1;
    assert_eq!((rows("workspaces"), rows("users"), rows("comments"), rows("messages")), (1, 3, 3, 1));
    assert_eq!(rows("attachment_blobs"), 1);
    assert!(!std::fs::read_to_string(out.join("tables/threads.jsonl")).unwrap().contains("Elsewhere"));
    assert!(!std::fs::read_to_string(out.join("tables/users.jsonl")).unwrap().contains("oz@example.test"));

    // Into a new SQLite instance and, when there is one, a new PostgreSQL database.
    let targets = tempfile::tempdir().unwrap();
    let mut places: Vec<(std::path::PathBuf, Option<String>)> = vec![(targets.path().join("sqlite"), None)];
    if let Some(base) = postgres_url() {
        places.push((targets.path().join("pg"), Some(weft_store::pg::create_scratch_database(&base).unwrap())));
    }
    for (dir, target_url) in &places {
        let o = admin(&["import", "weft", out.to_str().unwrap()], dir, target_url.as_deref()).await;
        assert!(o.status.success(), "import failed: {}", text(&o));
        // The same rows, table by table, read back out of the new instance.
        let again = dir.join("export-again");
        let o = admin(&["export", "--workspace", &ws, again.to_str().unwrap()], dir, target_url.as_deref()).await;
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(digests(&again), original, "a round trip through {target_url:?} changed a table");
        // Importing it once more would duplicate it: refused, and nothing changes.
        let o = admin(&["import", "weft", out.to_str().unwrap()], dir, target_url.as_deref()).await;
        assert!(!o.status.success() && text(&o).contains("new instance"), "{}", text(&o));
        let third = dir.join("export-third");
        assert!(admin(&["export", "--workspace", &ws, third.to_str().unwrap()], dir, target_url.as_deref()).await.status.success());
        assert_eq!(digests(&third), original);

        // Bo signs in with his password and finds what he could see before, and no more.
        let config = Config {
            data: dir.clone(),
            database_url: target_url.clone(),
            listen: "127.0.0.1:0".parse().unwrap(),
            workers: WorkerMode::OnDemand,
            ..Config::default()
        };
        let store = config.open_store().unwrap();
        let server = Server::start(config, store, t.app.clock.clone()).await.unwrap();
        let (bo, _) = Client::new(&format!("http://{}", server.addr)).login("bo@example.test", "password-Bo").await.unwrap();
        let spaces = bo.get("workspaces/get", json!({})).await.unwrap();
        assert_eq!(spaces.as_array().unwrap().iter().map(|w| w["id"].as_i64().unwrap()).collect::<Vec<_>>(), [t.ws]);
        let found = bo.get("search", json!({"workspace_id": t.ws, "query": "quarter"})).await.unwrap();
        assert_eq!(found["items"][0]["thread_id"].as_i64(), Some(th.id.0), "search finds imported posts: {found}");
        let comments = bo.get("comments/get", json!({"thread_id": th.id.0})).await.unwrap();
        let url = comments.as_array().unwrap().iter().find_map(|c| c["attachments"][0]["url"].as_str()).unwrap().to_string();
        assert_eq!(download(&bo, &url).await.2, b"the plan".to_vec());
        let private = bo.get("threads/get", json!({"channel_id": t.private})).await;
        assert!(private.is_err(), "Bo still cannot read #private");
        let decisions = bo.get("decisions/get", json!({"workspace_id": t.ws})).await.unwrap();
        assert_eq!(decisions.as_array().map(Vec::len), Some(1), "{decisions}");
        // New posts there get new ids, after the imported ones.
        let new = bo.add_thread(t.general, "After the move", "x").await.unwrap();
        assert!(new.id.0 > th.id.0);
        server.stop().await;
    }
    for (_, target_url) in places {
        if let (Some(base), Some(u)) = (postgres_url(), target_url) {
            weft_store::pg::drop_scratch_database(&base, &u);
        }
    }
}
}

#[tokio::test]
async fn a_damaged_export_is_refused_and_nothing_is_imported() {
    let t = Team::on(Backend::Sqlite).await;
    t.ana.add_thread(t.general, "Kept", "x").await.unwrap();
    let data = t.app.dir.path().to_path_buf();
    let out = data.join("export");
    let ws = t.ws.to_string();
    assert!(admin(&["export", "--workspace", &ws, out.to_str().unwrap()], &data, None).await.status.success());
    // One changed value in the last table written: the digest finds it, after every
    // table before it was already inserted — and rolled back.
    let threads = out.join("tables/threads.jsonl");
    let changed = std::fs::read_to_string(&threads).unwrap().replace("\"Kept\"", "\"Changed\"");
    std::fs::write(&threads, changed).unwrap();
    let target = tempfile::tempdir().unwrap();
    let o = admin(&["import", "weft", out.to_str().unwrap()], target.path(), None).await;
    assert!(!o.status.success() && text(&o).contains("damaged"), "{}", text(&o));
    let stored = weft_store::stored_text(&weft_store::Location::Sqlite(target.path().to_path_buf())).unwrap();
    assert!(!stored.contains("ana@example.test"), "nothing of a refused import is written");
    // A workspace that does not exist: a clear error.
    let o = admin(&["export", "--workspace", "999", data.join("none").to_str().unwrap()], &data, None).await;
    assert!(!o.status.success() && text(&o).contains("no workspace 999"), "{}", text(&o));
}
