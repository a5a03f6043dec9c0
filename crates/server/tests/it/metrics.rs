//! Watching an instance: `/metrics` (off without configuration, behind its token on the
//! public listener, open on its own listener), `weft admin status`, and JSON logs.

use crate::helpers::*;
use serde_json::{Value, json};
use std::io::BufRead;

const TOKEN: &str = "a-metrics-token-of-some-length";
const H: i64 = 3600;

async fn scrape(url: &str, token: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The value of the sample `name_and_labels` (exactly as written before the value).
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(name_and_labels)?.strip_prefix(' ')?.parse().ok())
}

/// `weft admin status --json` on the test's data: its exit status and its JSON.
fn admin_status(app: &TestApp) -> (Option<i32>, Value) {
    let config = &app.node().config;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_weft"));
    cmd.env_clear().args(["admin", "status", "--json"]);
    match &config.database_url {
        Some(url) => cmd.args(["--database-url", url]),
        None => cmd.arg("--data").arg(&config.data),
    };
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    (out.status.code(), serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text:?}")))
}

both_backends! {
    async fn metrics_are_not_served_without_configuration_nor_without_the_token(b: Backend) {
        let app = TestApp::spawn(b).await;
        let url = format!("{}/metrics", app.base);
        assert_eq!(scrape(&url, None).await.0, 404);
        assert_eq!(scrape(&url, Some(TOKEN)).await.0, 404);
        app.stop().await;

        let app = TestApp::spawn_with(b, |c| c.metrics_token = Some(TOKEN.into())).await;
        let url = format!("{}/metrics", app.base);
        assert_eq!(scrape(&url, None).await.0, 401);
        assert_eq!(scrape(&url, Some("a-metrics-token-of-some-lengtH")).await.0, 401);
        let (status, text) = scrape(&url, Some(TOKEN)).await;
        assert_eq!(status, 200);
        assert_eq!(sample(&text, "weft_database_up"), Some(1.0), "{text}");
        app.stop().await;
    }

    async fn metrics_show_requests_streams_the_writer_and_the_database(b: Backend) {
        let t = Team::on_with(b, |c| {
            c.metrics_token = Some(TOKEN.into());
            c.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
        })
        .await;
        t.ana.add_thread(t.general, "Hello", "x").await.unwrap();
        t.ana.add_thread(t.general, "Again", "y").await.unwrap();
        // A post for later, then the clock past its time with the scheduler not stepped:
        // the scheduler is an hour late.
        t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Later", "content": "z",
            "send_at_ts": START + H})).await.unwrap();
        assert!(t.ana.get("threads/getone", json!({"id": 999_999})).await.is_err());
        assert_eq!(scrape(&format!("{}/api/v3/no/such/thing", t.app.base), None).await.0, 404);
        t.app.clock.advance_secs(2 * H);
        let stream = t.bo.stream(t.ws, None).await.unwrap();
        t.app.node().fanned_out().await;

        let (status, text) = scrape(&format!("{}/metrics", t.app.base), Some(TOKEN)).await;
        assert_eq!(status, 200);
        let s = |name: &str| sample(&text, name).unwrap_or_else(|| panic!("no {name} in:\n{text}"));
        // Requests by the route table's name and status, with latency buckets.
        assert_eq!(s(r#"weft_http_requests_total{endpoint="threads/add",status="200"}"#), 3.0);
        assert_eq!(s(r#"weft_http_requests_total{endpoint="threads/getone",status="404"}"#), 1.0);
        assert_eq!(s(r#"weft_http_requests_total{endpoint="unknown",status="404"}"#), 1.0);
        assert_eq!(s(r#"weft_http_request_duration_seconds_count{endpoint="threads/add",status="200"}"#), 3.0);
        assert_eq!(
            s(r#"weft_http_request_duration_seconds_bucket{endpoint="threads/add",status="200",le="+Inf"}"#),
            3.0
        );
        assert!(text.contains(r#"weft_http_request_duration_seconds_bucket{endpoint="threads/add",status="200",le="0.001"}"#));
        assert!(!text.contains("no/such"), "a raw URL became a label");
        // The stream Bo holds, the writer, the database.
        assert_eq!(s("weft_open_streams"), 1.0);
        assert_eq!(s("weft_writer_queue_depth"), 0.0);
        assert!(s("weft_writer_batch_size_count") >= 3.0);
        assert!(s(r#"weft_writer_commit_duration_seconds_bucket{le="10"}"#) >= 3.0, "{text}");
        assert!(text.contains(r#"weft_writer_commit_duration_seconds_bucket{le="0.025"}"#), "bounds as written: {text}");
        assert!(s("weft_database_bytes") > 0.0);
        assert!(s("weft_schema_version") >= 25.0);
        let head = t.app.node().store.read(|tx| tx.event_head()).await.unwrap();
        assert_eq!(s("weft_event_head"), head as f64);
        assert_eq!(s("weft_fanout_behind_events"), 0.0);
        assert_eq!((s("weft_scheduled_posts_waiting"), s("weft_scheduled_posts_due")), (1.0, 1.0));
        assert_eq!(s("weft_scheduler_lag_seconds"), H as f64);
        assert_eq!(s("weft_mail_queued"), 0.0);
        assert_eq!(s("weft_health_problems"), 1.0, "an hour late is past the scheduler's threshold");
        match b {
            Backend::Sqlite => {
                assert!(sample(&text, "weft_wal_bytes").is_some());
                assert!(sample(&text, "weft_writer_round_trips_total").is_none(), "SQLite has no round trips");
            }
            Backend::Postgres => {
                assert!(sample(&text, "weft_wal_bytes").is_none());
                // Each batch waits at least for its start and its commit.
                assert!(s("weft_writer_round_trips_total") >= 2.0 * s("weft_writer_batch_size_count"), "{text}");
            }
        }

        // The separate listener serves the same without a token.
        let private = format!("http://{}/metrics", t.app.server.as_ref().unwrap().metrics_addr.unwrap());
        let (status, text) = scrape(&private, None).await;
        assert_eq!(status, 200);
        assert_eq!(sample(&text, "weft_open_streams"), Some(1.0));

        // Once the scheduler has run, nothing is late.
        t.app.step_workers().await;
        let (_, text) = scrape(&private, None).await;
        assert_eq!(sample(&text, "weft_scheduler_lag_seconds"), Some(0.0));
        assert_eq!(sample(&text, "weft_health_problems"), Some(0.0));
        drop(stream);
        t.app.stop().await;
    }

    async fn admin_status_prints_the_figures_and_says_unhealthy_in_its_exit_status(b: Backend) {
        let t = Team::on(b).await;
        t.ana.add_thread(t.general, "Hello", "x").await.unwrap();
        t.app.node().fanned_out().await;
        let (code, v) = admin_status(&t.app);
        assert_eq!(v["healthy"], json!(code == Some(0)), "{v}");
        assert!(v["event_head"].as_i64().unwrap() > 0, "{v}");
        assert!(v["database_bytes"].as_i64().unwrap() > 0, "{v}");
        assert!(v["schema_version"].as_i64().unwrap() >= 25, "{v}");
        assert_eq!(v["fanout_behind_events"], 0);
        assert_eq!(v["backend"], if b == Backend::Sqlite { "sqlite" } else { "postgres" });
        assert_eq!(v["wal_bytes"].is_u64(), b == Backend::Sqlite, "{v}");
        for key in ["mail_lag_s", "scheduler_lag_s", "mail_queued", "mail_parked", "pushes_held", "scheduled_posts_due"] {
            assert!(v[key].is_i64(), "{key} missing: {v}");
        }

        // A post scheduled an hour after the test clock's start is long due by the real
        // clock the command reads, and nothing has sent it: unhealthy, exit status 2.
        t.ana.post("threads/add", json!({"channel_id": t.general, "title": "Later", "content": "z",
            "send_at_ts": START + H})).await.unwrap();
        let (code, v) = admin_status(&t.app);
        assert_eq!(code, Some(2), "{v}");
        assert_eq!((v["healthy"].clone(), v["scheduled_posts_due"].clone()), (json!(false), json!(1)));
        assert!(v["problems"][0].as_str().unwrap().contains("scheduler"), "{v}");
        t.app.stop().await;
    }
}

/// `--log-format json`: each line on stderr is one JSON object.
#[test]
fn json_logs_are_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_weft"))
        .env_clear()
        .env("WEFT_LOG", "info")
        .args(["serve", "--log-format", "json", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A fresh data directory: creating the schema is logged before anything else.
    let mut line = String::new();
    let read = std::io::BufReader::new(child.stderr.take().unwrap()).read_line(&mut line);
    // Only the child this test started, by its handle.
    let _ = child.kill();
    let _ = child.wait();
    read.unwrap();
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    assert_eq!(v["level"], "INFO", "{v}");
    assert_eq!(v["message"], "creating the database schema", "{v}");
    assert!(v["timestamp"].is_string() && v["version"].is_i64(), "{v}");
}
