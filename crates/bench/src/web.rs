//! The `web` scenario: the web app's budgets, in a real browser on the large workspace —
//! JavaScript + CSS shipped, the inbox usable after opening `/`, a thread of 500 comments
//! opened from the app, a comment appearing in another open browser. The browser part is
//! `web/tests/budgets.mjs` (Playwright driving Debian's Chromium); this seeds what it needs
//! and turns its measurements into figures.

use crate::load::{Latencies, percentile};
use crate::report::{Scenario, fig};
use crate::seed::{self, Spec};
use crate::server::Server;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Comments in the long thread the scenario opens.
const LONG_THREAD: usize = 500;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the browser part cannot run here, if it cannot.
fn missing(chromium: &Path) -> Option<String> {
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    if !chromium.exists() {
        return Some(format!("no Chromium at {} (set WEFT_CHROMIUM)", chromium.display()));
    }
    if !repository().join("web/tests/node_modules/playwright-core").exists() {
        return Some("web/tests has no node_modules (cd web/tests && npm ci)".into());
    }
    None
}

async fn api(http: &reqwest::Client, server: &Server, token: &str, path: &str, body: Value) -> Result<Value, String> {
    let r = http
        .post(format!("{}/api/v3/{path}", server.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| format!("{path}: {e}"))?;
    if status.is_success() { Ok(v) } else { Err(format!("{path}: {status} {v}")) }
}

/// The brotli size of the app's script and stylesheet, as the binary serves them.
fn shipped_kib() -> Result<f64, String> {
    let dist = repository().join("web/dist");
    let mut bytes = 0;
    for file in ["app.js.br", "app.css.br"] {
        bytes += std::fs::metadata(dist.join(file)).map_err(|e| format!("web/dist/{file}: {e}"))?.len();
    }
    Ok(bytes as f64 / 1024.0)
}

pub async fn web(
    server: &Server,
    http: &reqwest::Client,
    token: &str,
    big: Spec,
    samples: usize,
    json: Map<String, Value>,
) -> Result<Scenario, String> {
    let chromium = std::env::var_os("WEFT_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if let Some(why) = missing(&chromium) {
        return Err(format!("web: cannot run the browser: {why}"));
    }
    crate::scenarios::step(&format!("web: a thread of {LONG_THREAD} comments, then the app in Chromium"));
    let channel = api(
        http,
        server,
        token,
        "channels/add",
        json!({"workspace_id": seed::WORKSPACE, "name": "web budgets", "user_ids": [2]}),
    )
    .await?;
    let thread = api(
        http,
        server,
        token,
        "threads/add",
        json!({"channel_id": channel["id"], "title": "A long discussion", "content": "Where we are."}),
    )
    .await?;
    let mut last = String::new();
    for i in 1..=LONG_THREAD {
        last = format!("budget comment {i} of the long thread");
        let content = format!("{last}: {}", crate::scenarios::words(20, i as u64));
        api(http, server, token, "comments/add", json!({"thread_id": thread["id"], "content": content})).await?;
    }
    let path = format!("/a/{}/ch/{}/t/{}", seed::WORKSPACE, channel["id"], thread["id"]);
    let script = repository().join("web/tests/budgets.mjs");
    let mut node = std::process::Command::new("node");
    node.arg(&script)
        .current_dir(repository().join("web/tests"))
        .env("WEFT_URL", &server.url)
        .env("WEFT_PASSWORD", seed::PASSWORD)
        .env("WEFT_EMAIL_A", seed::email(1))
        .env("WEFT_EMAIL_B", seed::email(2))
        .env("WEFT_TOKEN", token)
        .env("WEFT_THREAD_ID", thread["id"].to_string())
        .env("WEFT_THREAD_PATH", &path)
        .env("WEFT_THREAD_LAST", &last)
        .env("WEFT_SAMPLES", samples.to_string())
        .env("WEFT_CHROMIUM", &chromium);
    let output = tokio::task::spawn_blocking(move || node.output())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("web: cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("web: the browser run failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    let measured: Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| format!("web: no measurements in the browser run's output:\n{stdout}"))?;
    let series = |name: &str| {
        let values =
            measured[name].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
        Latencies(values).sorted()
    };
    let (inbox, thread_open, live) = (series("inbox_ms"), series("thread_ms"), series("live_ms"));
    let mut json = json;
    json.insert("comments".into(), json!(big.comments));
    Ok(Scenario {
        name: "web",
        how: format!(
            "Chromium (headless, 1280×800) signed in through the sign-in form as user 1 of {} in the workspace of \
             {} comments. inbox: from the start of loading / to the first frame showing inbox rows (cold: a new \
             browser profile; warm: {samples} reloads). thread: from a click on a link in the open app to the first \
             frame showing the newest of {LONG_THREAD} comments ({samples} times). live: user 2 has that thread \
             open; user 1 posts {} comments through the API; from each post's answer to the frame showing it. \
             shipped: brotli size of app.js + app.css.",
            big.users,
            big.comments,
            samples * 2
        ),
        figures: vec![
            fig("shipped_kib", shipped_kib()?, "KiB").at_most(150.0),
            fig("inbox_cold_ms", measured["inbox_cold_ms"].as_f64().unwrap_or(f64::NAN), "ms").at_most(1000.0),
            fig("inbox_p50_ms", percentile(&inbox, 50.0), "ms").at_most(1000.0),
            fig("thread_p50_ms", percentile(&thread_open, 50.0), "ms").at_most(300.0),
            fig("thread_max_ms", percentile(&thread_open, 100.0), "ms"),
            fig("live_p50_ms", percentile(&live, 50.0), "ms").at_most(1000.0),
            fig("live_max_ms", percentile(&live, 100.0), "ms").at_most(1000.0),
        ],
        json,
    })
}
