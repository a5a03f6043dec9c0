//! The benchmark must never rot: a tiny run of every scenario, on SQLite and (when the
//! environment provides it) PostgreSQL, must produce every figure other tools read.

use serde_json::Value;
use std::process::Command;

/// Fields of each scenario's JSON line that other tools rely on.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "post",
        &[
            "throughput_per_s",
            "baseline_per_s",
            "ratio",
            "p50_ms",
            "p99_ms",
            "p999_ms",
            "p99_at_25pct_ms",
            "rss_after_mib",
        ],
    ),
    (
        "fanout",
        &["streams", "p50_ms", "p99_ms", "max_ms", "kib_per_stream", "single_p99_ms", "post_p99_during_fanout_ms"],
    ),
    (
        "streams",
        &[
            "streams",
            "kib_per_stream",
            "rss_open_mib",
            "rss_after_changes_mib",
            "cpu_s",
            "change_p99_ms",
            "health_p99_ms",
        ],
    ),
    ("big_channel", &["members", "author_p99_ms", "last_inbox_ms", "others_p99_ms"]),
    ("inbox", &["comments", "p50_ms", "p99_ms"]),
    ("search", &["comments", "p50_ms", "p99_ms"]),
    ("analytics", &["events", "posts", "pushes", "p50_ms", "p99_ms", "person_p99_ms"]),
    ("startup", &["ready_ms", "idle_rss_mib"]),
    (
        "two_nodes",
        &[
            "one_node_posts_per_s",
            "two_nodes_posts_per_s",
            "node_a_posts_per_s",
            "node_b_posts_per_s",
            "same_workspace_posts_per_s",
            "speedup",
            "p99_ms_one_node",
            "p99_ms_two_nodes",
            "events_checked",
        ],
    ),
];

/// Scenarios that need PostgreSQL: on SQLite they say so and report nothing.
const POSTGRES_ONLY: &[&str] = &["two_nodes"];

/// The JSON lines of a quick run of every scenario, and what it wrote to standard error.
fn run(extra: &[&str]) -> (Vec<Value>, String) {
    let bench = env!("CARGO_BIN_EXE_weft-bench");
    let weft = std::path::Path::new(bench).with_file_name("weft");
    assert!(weft.exists(), "the weft binary is built beside weft-bench: {}", weft.display());
    let out = Command::new(bench)
        .args([
            "--quick",
            "--json",
            "--scenarios",
            "startup,post,fanout,streams,big_channel,inbox,search,analytics,two_nodes",
        ])
        .arg("--weft")
        .arg(&weft)
        .args(extra)
        .output()
        .expect("weft-bench runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "weft-bench failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let lines = stdout.lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).expect("a JSON line"));
    (lines.collect(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `low_rate`: the `--low-rate` the run was given, if any; else the `post` scenario's second
/// phase must have run at a quarter of its measured maximum.
fn check((lines, stderr): &(Vec<Value>, String), backend: &str, low_rate: Option<f64>) {
    for (scenario, fields) in FIELDS {
        if backend == "sqlite" && POSTGRES_ONLY.contains(scenario) {
            assert!(!lines.iter().any(|l| l["scenario"] == *scenario), "{scenario} reported on SQLite: {lines:?}");
            let skipped = format!("{scenario} skipped: needs --database-url (PostgreSQL)");
            assert!(stderr.contains(&skipped), "{scenario} did not say it was skipped:\n{stderr}");
            continue;
        }
        let line = lines
            .iter()
            .find(|l| l["scenario"] == *scenario)
            .unwrap_or_else(|| panic!("no {scenario} line in {lines:?}"));
        assert_eq!(line["backend"], backend);
        for f in *fields {
            assert!(line[*f].is_number(), "{scenario}.{f} is not a number: {line}");
        }
        if *scenario == "two_nodes" {
            assert_eq!(line["gap_free"], true, "{line}");
        }
        if *scenario == "post" {
            let rate = line["rate_at_25pct_per_s"].as_f64().expect("rate_at_25pct_per_s");
            let expected = low_rate.unwrap_or_else(|| (line["throughput_per_s"].as_f64().unwrap() * 0.25).max(1.0));
            assert!(
                (rate - expected).abs() <= expected * 0.01 + 0.001,
                "second phase at {rate}/s, not {expected}/s: {line}"
            );
        }
    }
}

#[test]
fn a_quick_run_produces_every_figure_on_sqlite() {
    check(&run(&[]), "sqlite", None);
}

#[test]
fn a_quick_run_produces_every_figure_on_postgres() {
    let url = match std::env::var("WEFT_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                std::env::var("WEFT_REQUIRE_POSTGRES").map_or(true, |v| v != "1"),
                "WEFT_REQUIRE_POSTGRES=1 but WEFT_TEST_DATABASE_URL is not set"
            );
            return;
        }
    };
    // Also the fixed load of `--low-rate` (the SQLite run checks the default).
    check(&run(&["--database-url", &url, "--low-rate", "3"]), "postgres", Some(3.0));
}
