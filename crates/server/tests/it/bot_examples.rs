//! The example bots in `examples/` (Python, standard library only), run against a server:
//! mentioned in a thread, they get the post on their event stream and answer in it.
//! Skipped when `python3` is missing, unless `WEFT_REQUIRE_BROWSER=1` (CI, which has it).

use crate::helpers::*;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running example bot, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn python() -> Option<&'static str> {
    let found = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found && std::env::var("WEFT_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("python3 is needed for the example bots' test");
    }
    found.then_some("python3")
}

/// Starts `examples/<script>` as the bot `token`, and waits until its stream is open.
async fn start(script: &str, base: &str, token: &str, ws: i64) -> Running {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut child = Command::new(python().unwrap())
        .arg(examples.join(script))
        .env("WEFT_URL", base)
        .env("WEFT_TOKEN", token)
        .env("WEFT_WORKSPACE", ws.to_string())
        .env("PYTHONUNBUFFERED", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let stderr = child.stderr.take().unwrap();
    let ready = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stderr).lines();
        let found = lines.by_ref().map_while(Result::ok).any(|l| l.contains("is listening"));
        // Keep reading so the bot never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        found
    });
    assert!(tokio::time::timeout(Duration::from_secs(20), ready).await.unwrap().unwrap(), "{script} did not start");
    Running(child)
}

/// Waits, on `stream`, for a comment by `author` in `thread`, and answers its text.
async fn comment_by(stream: &mut weft_client::EventStream, author: i64, thread: i64) -> String {
    loop {
        let e = stream.next(Duration::from_secs(20)).await.expect("the bot answers within 20 s");
        if e.event == "comment_added" && e.data["data"]["creator"] == author && e.data["data"]["thread_id"] == thread {
            return e.data["data"]["content"].as_str().unwrap_or_default().to_string();
        }
    }
}

#[tokio::test]
async fn the_example_bots_answer_when_mentioned() {
    if python().is_none() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let t = Team::on(Backend::Sqlite).await;
    let mut watch = t.bo.stream(t.ws, None).await.unwrap();
    for (name, script) in [("Echo", "echo_bot.py"), ("Reminders", "remind_bot.py")] {
        let made = t.ana.post("bots/add", json!({"workspace_id": t.ws, "name": name})).await.unwrap();
        let bot_id = made["user"]["id"].as_i64().unwrap();
        t.ana.post("channels/add_users", json!({"id": t.general, "user_ids": [bot_id]})).await.unwrap();
        let _bot = start(script, &t.app.base, made["token"].as_str().unwrap(), t.ws).await;
        let th = t.bo.add_thread(t.general, &format!("Trying {name}"), "x").await.unwrap();
        let ask = if name == "Echo" { "hello there" } else { "in 1s stretch your legs" };
        t.bo.post(
            "comments/add",
            json!({"thread_id": th.id.0, "content": format!("[{name}](twist-mention://{bot_id}) {ask}"), "direct_mentions": [bot_id]}),
        )
        .await
        .unwrap();
        let first = comment_by(&mut watch, bot_id, th.id.0).await;
        if name == "Echo" {
            assert!(first.ends_with("said: hello there"), "{first}");
            assert!(first.contains(&format!("twist-mention://{}", t.bo_id)), "it mentions who asked: {first}");
        } else {
            assert_eq!(first, "Will do: in 1s.");
            let reminder = comment_by(&mut watch, bot_id, th.id.0).await;
            assert!(reminder.ends_with(": stretch your legs"), "{reminder}");
            assert!(reminder.contains(&format!("twist-mention://{}", t.bo_id)), "it mentions who asked: {reminder}");
        }
    }
}
