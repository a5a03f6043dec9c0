//! The scenarios, in the order they run: startup, baselines and post, fanout and streams on
//! a small workspace; a big channel; then inbox, search, analytics and web on a large one.

use crate::Args;
use crate::load::{Latencies, http_client, login, ms, percentile, stream_client, timed_get};
use crate::report::{self, Scenario, fig};
use crate::seed::{self, Spec};
use crate::server::{Server, weft_binary};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use weft_store::sql::Conn;

/// Where the data of one server lives.
enum Place {
    Sqlite(tempfile::TempDir),
    Postgres { base: String, url: String },
}

impl Place {
    fn new(database_url: Option<&str>) -> Result<Place, String> {
        Ok(match database_url {
            Some(base) => {
                let url = weft_store::pg::create_scratch_database(base).map_err(|e| e.to_string())?;
                Place::Postgres { base: base.to_string(), url }
            }
            None => Place::Sqlite(tempfile::tempdir().map_err(|e| e.to_string())?),
        })
    }
    fn dir(&self) -> PathBuf {
        match self {
            Place::Sqlite(d) => d.path().to_path_buf(),
            Place::Postgres { .. } => std::env::temp_dir(),
        }
    }
    fn url(&self) -> Option<&str> {
        match self {
            Place::Postgres { url, .. } => Some(url),
            Place::Sqlite(_) => None,
        }
    }
    fn wal_mib(&self) -> Option<f64> {
        match self {
            Place::Sqlite(d) => {
                std::fs::metadata(d.path().join("weft.db-wal")).ok().map(|m| m.len() as f64 / 1048576.0)
            }
            Place::Postgres { .. } => None,
        }
    }
    /// Where the server's database is, for a reader of its own.
    fn database(&self) -> crate::big_channel::Database {
        match self {
            Place::Sqlite(d) => crate::big_channel::Database::Sqlite(d.path().join("weft.db")),
            Place::Postgres { url, .. } => crate::big_channel::Database::Postgres(url.clone()),
        }
    }
    /// Writes seed data with the server stopped; answers what it wrote and how long it took.
    fn seed(&self, spec: Spec, label: &str) -> Result<(seed::Seeded, f64), String> {
        let hash = weft_core::services::auth::hash_password(seed::PASSWORD).map_err(|e| e.to_string())?;
        let now = weft_core::Clock::now(&weft_core::SystemClock);
        let started = Instant::now();
        let mut progress = |what: &str, done: i64, total: i64| {
            eprint!("\r  seeding {label}: {done}/{total} {what} ({:.0} s)   ", started.elapsed().as_secs_f64());
            let _ = std::io::stderr().flush();
        };
        let result = match self {
            Place::Sqlite(d) => {
                let c = rusqlite::Connection::open(d.path().join("weft.db")).map_err(|e| e.to_string())?;
                c.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
                c.pragma_update(None, "synchronous", "FULL").map_err(|e| e.to_string())?;
                let mut db = weft_store::sqlite::Db(c, Default::default());
                seed::seed(&mut db, spec, &hash, now, true, &mut progress)
            }
            Place::Postgres { url, .. } => weft_store::pg::off_runtime(|| {
                let mut c = weft_store::pg::PgConn::new(url, Duration::from_secs(10));
                let seeded = seed::seed(&mut c, spec, &hash, now, false, &mut progress)?;
                weft_store::copy::reset_identities(&mut c)?;
                Ok(seeded)
            }),
        };
        let secs = started.elapsed().as_secs_f64();
        eprintln!();
        let seeded = result.map_err(|e| format!("seeding failed: {e}"))?;
        eprintln!("  seeded {label} in {secs:.1} s ({} events in the log)", seeded.events);
        Ok((seeded, secs))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Place::Postgres { base, url } = self {
            weft_store::pg::drop_scratch_database(base, url);
        }
    }
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0);
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "memory_gib": (mem_kib as f64 / 1048576.0).round(),
        "os": std::env::consts::OS,
    })
}

pub(crate) fn step(msg: &str) {
    eprintln!("== {msg}");
}

/// The database of a running server, as its `GET /health` says.
async fn backend_of(url: &str) -> Result<String, String> {
    let health: Value = http_client()
        .get(format!("{url}/health"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| format!("{url} does not answer GET /health: {e}"))?
        .json()
        .await
        .map_err(|e| format!("GET /health of {url}: {e}"))?;
    health["backend"].as_str().map(str::to_string).ok_or_else(|| format!("GET /health of {url} names no backend"))
}

/// Runs the chosen scenarios and prints the results.
pub async fn run(args: Args) -> Result<(), String> {
    let backend = match &args.url {
        Some(url) => backend_of(url).await?,
        None if args.database_url.is_some() => "postgres".to_string(),
        None => "sqlite".to_string(),
    };
    let machine = machine();
    eprintln!("weft-bench on {} ({} cores), backend {backend}", machine["cpu"], machine["cores"]);
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("  could not raise the open-file limit: {e}");
    }
    let wants = |s: &str| args.scenarios.iter().any(|x| x == s);
    let mut out: Vec<Scenario> = Vec::new();
    let base_json = |params: Value| -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("backend".into(), json!(backend));
        m.insert("machine".into(), machine.clone());
        m.insert("parameters".into(), params);
        m
    };

    // ---- a small workspace: startup, post, fanout ----
    if wants("startup") || wants("post") || wants("fanout") || wants("streams") {
        let small = Spec {
            users: (args.clients as i64 + 8).max(16),
            channels: 2,
            threads: args.clients as i64,
            comments: args.clients as i64 * 4,
            participants: 5,
        };
        let (place, mut server) = match &args.url {
            Some(url) => (None, Server::attach(url)),
            None => {
                let binary = weft_binary(args.weft.as_deref())?;
                let place = Place::new(args.database_url.as_deref())?;
                step("startup: a fresh data directory");
                let (mut first, ready) = Server::start(&binary, &place.dir(), place.url()).await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
                let idle = first.rss_kib().unwrap_or(0) as f64 / 1024.0;
                first.stop();
                if wants("startup") {
                    out.push(Scenario {
                        name: "startup",
                        how: "process start to the first answered GET /health, on a fresh data directory \
                              (creating the database); resident memory 1 s later"
                            .into(),
                        figures: vec![
                            fig("ready_ms", ms(ready), "ms").at_most(200.0),
                            fig("idle_rss_mib", idle, "MiB").at_most(30.0),
                        ],
                        json: base_json(json!({})),
                    });
                }
                place.seed(small, "small workspace")?;
                let (server, _) = Server::start(&binary, &place.dir(), place.url()).await?;
                (Some(place), server)
            }
        };
        let http = http_client();
        let mut tokens = Vec::new();
        for u in 1..=small.users {
            tokens.push(login(&http, &server.url, &seed::email(u), seed::PASSWORD).await?);
        }
        if wants("post") {
            out.push(post(&args, &server, &http, &tokens, place.as_ref(), small, &base_json).await?);
        }
        if wants("fanout") {
            out.push(fanout(&args, &server, &http, &tokens, &base_json).await?);
        }
        if wants("streams") {
            out.push(streams(&args, &server, &http, &tokens, &base_json).await?);
        }
        server.stop();
        drop(place);
    }

    // ---- a big channel: a workspace of many members, all in one channel ----
    if wants("big_channel") {
        if args.url.is_some() {
            eprintln!("  big_channel skipped: it seeds a server of its own and reads its database (not with --url)");
        } else {
            let members = args.big_channel_members.max(2) as i64;
            let spec = Spec { users: members, channels: 1, threads: 0, comments: 0, participants: 0 };
            let binary = weft_binary(args.weft.as_deref())?;
            let place = Place::new(args.database_url.as_deref())?;
            let (mut first, _) = Server::start(&binary, &place.dir(), place.url()).await?;
            first.stop();
            step(&format!("seeding a channel of {members} members"));
            place.seed(spec, "big channel")?;
            let (server, _) = Server::start(&binary, &place.dir(), place.url()).await?;
            let params = json!({"members": members, "threads": args.big_channel_threads, "others_per_s": 20});
            out.push(
                crate::big_channel::big_channel(&args, &server, place.database(), members, base_json(params)).await?,
            );
            drop(server);
            drop(place);
        }
    }

    // ---- two nodes on one PostgreSQL database, two workspaces ----
    let mut failures = Vec::new();
    if wants("two_nodes") {
        if args.database_url.is_none() {
            eprintln!("two_nodes skipped: needs --database-url (PostgreSQL)");
        } else if args.url.is_some() {
            eprintln!("two_nodes skipped: it starts two servers of its own (not with --url)");
        } else {
            let binary = weft_binary(args.weft.as_deref())?;
            let place = Place::new(args.database_url.as_deref())?;
            // The first start makes the schema; the scenario seeds its accounts with no server running.
            let (mut first, _) = Server::start(&binary, &place.dir(), place.url()).await?;
            first.stop();
            let params = json!({"clients": args.clients.max(2), "seconds": args.post_secs,
                "threads_per_workspace": crate::two_nodes::THREADS, "recipients_per_comment": crate::two_nodes::RECIPIENTS});
            let url = place.url().expect("a PostgreSQL place").to_string();
            let (scenario, wrong) = crate::two_nodes::two_nodes(&args, &binary, &url, base_json(params)).await?;
            for w in &wrong {
                eprintln!("  two_nodes: {w}");
            }
            if !wrong.is_empty() {
                failures.push(format!("two_nodes: the log broke its promises ({})", wrong.join("; ")));
            }
            out.push(scenario);
            drop(place);
        }
    }

    // ---- a large workspace: inbox, search, analytics, the web app ----
    if wants("inbox") || wants("search") || wants("analytics") || wants("web") {
        let big = Spec { users: 200, channels: 20, threads: args.threads, comments: args.comments, participants: 5 };
        let (place, server, seeded) = match &args.url {
            Some(url) => (None, Server::attach(url), None),
            None => {
                let binary = weft_binary(args.weft.as_deref())?;
                let place = Place::new(args.database_url.as_deref())?;
                let (mut first, _) = Server::start(&binary, &place.dir(), place.url()).await?;
                first.stop();
                step(&format!("seeding {} comments in {} threads", big.comments, big.threads));
                let seeded = place.seed(big, "large workspace")?;
                let (server, _) = Server::start(&binary, &place.dir(), place.url()).await?;
                (Some(place), server, Some(seeded))
            }
        };
        let http = http_client();
        let token = login(&http, &server.url, &seed::email(1), seed::PASSWORD).await?;
        let params =
            json!({"comments": big.comments, "threads": big.threads, "users": big.users, "queries": args.queries});
        if wants("inbox") {
            out.push(inbox(&args, &server, &http, &token, big, base_json(params.clone())).await?);
        }
        if wants("search") {
            out.push(search(&args, &server, &http, &token, big, base_json(params.clone())).await?);
        }
        if wants("analytics") {
            let database = place.as_ref().map(Place::database);
            out.push(analytics(&args, &server, &http, &token, big, database, seeded, base_json(params.clone())).await?);
        }
        if wants("web") {
            let samples = if args.quick { 2 } else { 5 };
            out.push(crate::web::web(&server, &http, &token, big, samples, base_json(params)).await?);
        }
        drop(server);
        drop(place);
    }

    report::print_table(&out);
    if args.json {
        for s in &out {
            println!("{}", report::json_line(s));
        }
    }
    // A check that failed fails the run, after its figures are printed.
    if failures.is_empty() { Ok(()) } else { Err(failures.join("\n")) }
}

/// The raw insert rate of the storage engine: comment-sized rows with full-text indexing,
/// the same durability as Weft, in transactions of `batch` rows (what the group-commit
/// writer sees with that many concurrent writers), for `secs` seconds.
fn raw_insert_rate(database_url: Option<&str>, batch: usize, secs: u64) -> Result<f64, String> {
    let text = "a comment of about the usual size in a team thread with a few words about the plan and the numbers";
    let until = Instant::now() + Duration::from_secs(secs);
    match database_url {
        None => {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let c = rusqlite::Connection::open(dir.path().join("raw.db")).map_err(|e| e.to_string())?;
            c.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
            c.pragma_update(None, "synchronous", "FULL").map_err(|e| e.to_string())?;
            c.execute_batch(
                "CREATE TABLE c (id INTEGER PRIMARY KEY, thread_id INTEGER, obj_index INTEGER, content TEXT, creator INTEGER, posted_ts INTEGER);
                 CREATE VIRTUAL TABLE f USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'porter unicode61');",
            )
            .map_err(|e| e.to_string())?;
            let started = Instant::now();
            let mut n = 0u64;
            while Instant::now() < until {
                let tx = c.unchecked_transaction().map_err(|e| e.to_string())?;
                for _ in 0..batch {
                    n += 1;
                    tx.execute(
                        "INSERT INTO c (id, thread_id, obj_index, content, creator, posted_ts) VALUES (?, ?, ?, ?, 1, 0)",
                        rusqlite::params![n as i64, (n % 64) as i64, n as i64, text],
                    )
                    .map_err(|e| e.to_string())?;
                    tx.execute("INSERT INTO f (rowid, body) VALUES (?, ?)", rusqlite::params![n as i64, text])
                        .map_err(|e| e.to_string())?;
                }
                tx.commit().map_err(|e| e.to_string())?;
            }
            Ok(n as f64 / started.elapsed().as_secs_f64())
        }
        Some(base) => weft_store::pg::off_runtime(|| {
            let url = weft_store::pg::create_scratch_database(base)?;
            let result = (|| {
                let mut c = weft_store::pg::PgConn::new(&url, Duration::from_secs(10));
                c.batch(
                    "CREATE TABLE c (id BIGINT PRIMARY KEY, thread_id BIGINT, obj_index BIGINT, content TEXT, creator BIGINT, posted_ts BIGINT,
                     tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED);
                     CREATE INDEX c_tsv ON c USING GIN (tsv);",
                )?;
                let started = Instant::now();
                let mut n = 0i64;
                while Instant::now() < until {
                    c.batch("BEGIN")?;
                    for _ in 0..batch {
                        n += 1;
                        c.execute(
                            "INSERT INTO c (id, thread_id, obj_index, content, creator, posted_ts) VALUES (?, ?, ?, ?, 1, 0)",
                            &[n.into(), (n % 64).into(), n.into(), text.into()],
                        )?;
                    }
                    c.batch("COMMIT")?;
                }
                Ok(n as f64 / started.elapsed().as_secs_f64())
            })();
            weft_store::pg::drop_scratch_database(base, &url);
            result
        })
        .map_err(|e| e.to_string()),
    }
}

/// The rate of a trivial endpoint (`GET /`) with the same concurrency.
async fn trivial_http_rate(http: &reqwest::Client, base: &str, clients: usize, secs: u64) -> f64 {
    let until = Instant::now() + Duration::from_secs(secs);
    let count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, url, count) = (http.clone(), format!("{base}/"), count.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                if let Ok(r) = http.get(&url).send().await {
                    let _ = r.bytes().await;
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

pub(crate) fn words(n: usize, i: u64) -> String {
    let vocab = ["plan", "budget", "review", "numbers", "draft", "launch", "team", "notes", "later", "agree"];
    (0..n).map(|k| vocab[((i as usize) * 7 + k * 3) % vocab.len()]).collect::<Vec<_>>().join(" ")
}

/// How long the server idles after the post load before its resident memory is read.
const RSS_SETTLE_SECS: u64 = 10;

async fn post(
    args: &Args,
    server: &Server,
    http: &reqwest::Client,
    tokens: &[String],
    place: Option<&Place>,
    small: Spec,
    base_json: &dyn Fn(Value) -> Map<String, Value>,
) -> Result<Scenario, String> {
    step(&format!("baselines: raw inserts and a trivial endpoint ({} s each)", args.post_secs.min(5)));
    let raw = raw_insert_rate(args.database_url.as_deref(), args.clients, args.post_secs.min(5))?;
    let trivial = trivial_http_rate(http, &server.url, args.clients, args.post_secs.min(5)).await;
    // What a post could reach if it cost one raw insert and one trivial request, one after
    // the other: 1 / (1/trivial + 1/raw).
    let combined = 1.0 / (1.0 / trivial + 1.0 / raw);
    eprintln!("  raw inserts {raw:.0}/s, trivial HTTP {trivial:.0}/s, together {combined:.0}/s");

    step(&format!("post: {} clients at full speed for {} s", args.clients, args.post_secs));
    let wal_max = Arc::new(std::sync::Mutex::new(0f64));
    let sampling = Arc::new(AtomicBool::new(true));
    let wal_task = place.and_then(|p| p.wal_mib().map(|_| p.dir())).map(|dir| {
        let (wal_max, sampling) = (wal_max.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                if let Ok(m) = std::fs::metadata(dir.join("weft.db-wal")) {
                    let mib = m.len() as f64 / 1048576.0;
                    let mut w = wal_max.lock().unwrap();
                    *w = w.max(mib);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    });
    let url = format!("{}/api/v3/comments/add", server.url);
    let until = Instant::now() + Duration::from_secs(args.post_secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let (http, url, token) = (http.clone(), url.clone(), tokens[c % tokens.len()].clone());
        let thread = 1 + (c as i64 % small.threads);
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut i = 0u64;
            while Instant::now() < until {
                i += 1;
                let body = json!({"thread_id": thread, "content": words(20, i)});
                let t = Instant::now();
                match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(ms(t.elapsed()));
                    }
                    Ok(r) => return Err(format!("comments/add answered {}", r.status())),
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let throughput = all.len() as f64 / elapsed;
    let max_lat = Latencies(all).sorted();
    // The burst leaves inboxes and notifications to write (the fan-out after commit); the
    // fixed load below starts once they are, so that it measures that load alone.
    let drained = Instant::now();
    step("post: waiting for the fan-out to catch up");
    wait_for_fanout(http, &server.url).await?;
    let drain_s = drained.elapsed().as_secs_f64();

    // A fixed offered load of 25 % of the maximum, open loop: requests leave on schedule
    // whether or not earlier ones have answered.
    let rate = args.low_rate.unwrap_or(throughput * 0.25).max(1.0);
    let total = (rate * args.post_secs as f64) as usize;
    let share = if args.low_rate.is_some() { "set by --low-rate" } else { "25 % of the maximum" };
    step(&format!("post: a fixed load of {rate:.0}/s ({share}) for {} s", args.post_secs));
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for k in 0..total {
        tokio::time::sleep_until(start + interval * k as u32).await;
        let (http, url, token) = (http.clone(), url.clone(), tokens[k % tokens.len()].clone());
        let thread = 1 + (k as i64 % small.threads);
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let body = json!({"thread_id": thread, "content": words(20, k as u64)});
            let r = http.post(&url).bearer_auth(&token).json(&body).send().await.map_err(|e| e.to_string())?;
            let ok = r.status().is_success();
            let _ = r.bytes().await;
            if ok {
                Ok((ms(t.duration_since(start.into_std())), ms(t.elapsed())))
            } else {
                Err("comments/add failed".to_string())
            }
        }));
    }
    let mut quarter = Vec::new();
    let mut log = String::new();
    for t in tasks {
        let (left, took) = t.await.map_err(|e| e.to_string())??;
        log.push_str(&format!("{left:.3} {took:.3}\n"));
        quarter.push(took);
    }
    if let Some(path) = &args.latency_log {
        std::fs::write(path, log).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let quarter = Latencies(quarter).sorted();
    sampling.store(false, Ordering::Relaxed);
    if let Some(t) = wal_task {
        let _ = t.join();
    }
    // What the burst leaves behind: resident memory once the server has been idle a while.
    let rss_peak = server.rss_kib();
    let settle = if args.quick { 1 } else { RSS_SETTLE_SECS };
    step(&format!("post: resident memory {settle} s after the load stops"));
    tokio::time::sleep(Duration::from_secs(settle)).await;
    let rss_after = server.rss_kib();
    let mut figures = vec![
        // The targets: on SQLite half of what storage and HTTP allow together, on
        // PostgreSQL a quarter of its raw inserts.
        match args.database_url {
            None => fig("throughput_per_s", throughput, "posts/s").baseline(combined).at_least(combined * 0.5),
            Some(_) => fig("throughput_per_s", throughput, "posts/s").baseline(raw).at_least(raw * 0.25),
        },
        fig("combined_limit_per_s", combined, "posts/s"),
        fig("raw_insert_per_s", raw, "rows/s"),
        fig("p50_ms", percentile(&max_lat, 50.0), "ms"),
        fig("p99_ms", percentile(&max_lat, 99.0), "ms"),
        fig("p999_ms", percentile(&max_lat, 99.9), "ms"),
        fig("p50_at_25pct_ms", percentile(&quarter, 50.0), "ms"),
        fig("p99_at_25pct_ms", percentile(&quarter, 99.0), "ms").at_most(5.0),
        fig("rate_at_25pct_per_s", rate, "posts/s"),
        fig("fanout_drain_s", drain_s, "s"),
        fig("trivial_http_per_s", trivial, "req/s"),
    ];
    if let (Some(peak), Some(after)) = (rss_peak, rss_after) {
        figures.push(fig("rss_at_end_mib", peak as f64 / 1024.0, "MiB"));
        figures.push(fig("rss_after_mib", after as f64 / 1024.0, "MiB").at_most(64.0));
    }
    if place.is_some_and(|p| p.wal_mib().is_some()) {
        figures.push(fig("wal_max_mib", *wal_max.lock().unwrap(), "MiB"));
    }
    let mut json = base_json(json!({"clients": args.clients, "seconds": args.post_secs, "participants_per_thread": 5}));
    json.insert("ratio".into(), json!(((throughput / raw) * 1000.0).round() / 1000.0));
    json.insert("baseline_per_s".into(), json!(raw.round()));
    json.insert("trivial_http_baseline_per_s".into(), json!(trivial.round()));
    Ok(Scenario {
        name: "post",
        how: format!(
            "{} clients, each signed in as its own user, POST comments/add (20 words) in threads of ~5 participants \
             for {} s over keep-alive HTTP; baseline: raw inserts of the same row size into a table with full-text \
             indexing, same durability, {} rows per transaction, and a trivial endpoint (GET /health); the SQLite \
             target is half of both together, 1/(1/trivial + 1/raw), PostgreSQL's a quarter of raw inserts; then an \
             open-loop load of 25 % of the measured maximum (or --low-rate), once the fan-out has caught up with the burst \
             (fanout_drain_s: how long that took after it, from GET /health's fanout_behind); \
             resident memory (VmRSS) at the end and {RSS_SETTLE_SECS} s later (1 s with --quick)",
            args.clients, args.post_secs, args.clients
        ),
        figures,
        json,
    })
}

/// What the stream readers share: how many are connected, and for each timed post how many
/// streams have it and when the last one got it (µs since `base`).
#[derive(Clone)]
struct Arrivals {
    connected: Arc<AtomicUsize>,
    counts: Arc<Vec<AtomicUsize>>,
    last: Arc<Vec<AtomicU64>>,
    base: Instant,
    stop: Arc<AtomicBool>,
}

/// The timed thread's `comment_added` events (fanout).
/// Polls `GET /health` until the server's fan-out has caught up with its log (two
/// minutes at most).
pub(crate) async fn wait_for_fanout(http: &reqwest::Client, base: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let health: Value = http
            .get(format!("{base}/health"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        if health["fanout_behind"].as_i64() == Some(0) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the fan-out did not catch up in 2 minutes: {health}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn is_timed_comment(block: &[u8]) -> bool {
    find(block, b"event: comment_added").is_some() && find(block, TIMED_THREAD_MARK).is_some()
}

/// Membership events (streams).
fn is_membership_change(block: &[u8]) -> bool {
    find(block, b"event: channel_user_added").is_some() || find(block, b"event: channel_user_removed").is_some()
}

/// Reads one event stream, counting in order the events `counted` picks out.
async fn watch_stream(http: reqwest::Client, url: String, token: String, a: Arrivals, counted: fn(&[u8]) -> bool) {
    let Arrivals { connected, counts, last, base, stop } = a;
    let Ok(mut resp) = http.get(&url).bearer_auth(&token).send().await else { return };
    if !resp.status().is_success() {
        return;
    }
    connected.fetch_add(1, Ordering::Relaxed);
    let mut seen = 0usize;
    // Raw bytes: the reader shares the machine with the server, so it stays cheap.
    let mut buf: Vec<u8> = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        match tokio::time::timeout(Duration::from_millis(500), resp.chunk()).await {
            Ok(Ok(Some(bytes))) => {
                buf.extend_from_slice(&bytes);
                // Whole events only.
                let mut start = 0;
                while let Some(end) = find(&buf[start..], b"\n\n") {
                    let block = &buf[start..start + end];
                    if counted(block) {
                        if let (Some(c), Some(l)) = (counts.get(seen), last.get(seen)) {
                            c.fetch_add(1, Ordering::Relaxed);
                            l.fetch_max(base.elapsed().as_micros() as u64, Ordering::Relaxed);
                        }
                        seen += 1;
                    }
                    start += end + 2;
                }
                buf.drain(..start);
            }
            Ok(_) => return,
            Err(_) => {}
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Comments of thread 1 are timed; other traffic (the second poster's) is not counted.
const TIMED_THREAD_MARK: &[u8] = b"\"thread_id\":1,\"";

async fn fanout(
    args: &Args,
    server: &Server,
    http: &reqwest::Client,
    tokens: &[String],
    base_json: &dyn Fn(Value) -> Map<String, Value>,
) -> Result<Scenario, String> {
    // The second poster writes in a private channel of its own: the watchers do not see
    // it, so its posts measure write latency during the fan-out without adding fan-outs.
    let background = Background { token: tokens[1].clone(), thread: private_thread(server, http, &tokens[1]).await? };
    let setup = FanoutSetup {
        stream_url: format!("{}/api/v3/events/stream?workspace_id={}", server.url, seed::WORKSPACE),
        post_url: format!("{}/api/v3/comments/add", server.url),
        poster: tokens[0].clone(),
        // Watchers are the last users: not participants of the thread posted in (thread 1's
        // participants are among the first users), so they get only the channel's events.
        watchers: tokens.iter().rev().take(4).cloned().collect(),
        background,
    };

    // One stream: live delivery to one other client.
    step("fanout: delivery to one stream");
    let single = deliveries(server, http, &setup, 1, 50.min(args.fanout_posts * 10)).await?;

    // Many streams.
    step(&format!("fanout: opening {} streams", args.streams));
    let rss_before = server.rss_kib();
    let many = deliveries(server, http, &setup, args.streams, args.fanout_posts).await?;
    let kib_per_stream = match (rss_before, many.rss_open) {
        (Some(b), Some(a)) => (a as f64 - b as f64) / args.streams as f64,
        _ => f64::NAN,
    };
    let d = Latencies(many.delivery).sorted();
    let post_lat = Latencies(many.post_latency).sorted();
    let single_d = Latencies(single.delivery).sorted();
    Ok(Scenario {
        name: "fanout",
        how: format!(
            "{} SSE streams open on one workspace (4 users); a comment in a public channel; time from the post's \
             response to its arrival at the last stream, over {} posts; memory = server RSS with the streams idle \
             minus before; single = the same with one stream; posts during fan-out from a second poster at 20/s, in a \
             private channel the watchers do not see",
            args.streams, args.fanout_posts
        ),
        figures: vec![
            fig("streams", args.streams as f64, "streams"),
            fig("p50_ms", percentile(&d, 50.0), "ms"),
            fig("p99_ms", percentile(&d, 99.0), "ms").at_most(150.0),
            fig("max_ms", d.last().copied().unwrap_or(f64::NAN), "ms"),
            fig("kib_per_stream", kib_per_stream, "KiB").at_most(24.0),
            fig("single_p99_ms", percentile(&single_d, 99.0), "ms").at_most(5.0),
            fig("post_p99_during_fanout_ms", percentile(&post_lat, 99.0), "ms").at_most(100.0),
        ],
        json: base_json(json!({"streams": args.streams, "posts": args.fanout_posts})),
    })
}

/// What every fan-out measurement uses: where to stream and post, who posts, who watches.
struct FanoutSetup {
    stream_url: String,
    post_url: String,
    poster: String,
    watchers: Vec<String>,
    background: Background,
}

/// Who posts in the background during a fan-out, and where.
struct Background {
    token: String,
    thread: i64,
}

/// A private channel with one thread, for the background poster.
pub(crate) async fn private_thread(server: &Server, http: &reqwest::Client, token: &str) -> Result<i64, String> {
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{}/api/v3/{path}", server.url)).bearer_auth(token).json(&body);
        async move {
            let r = req.send().await.map_err(|e| e.to_string())?;
            let status = r.status();
            let v: Value = r.json().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(format!("{status}: {v}"));
            }
            v["id"].as_i64().ok_or_else(|| format!("no id in {v}"))
        }
    };
    let name = format!("bench-private-{}", std::process::id());
    let channel = post("channels/add", json!({"workspace_id": seed::WORKSPACE, "name": name, "public": false})).await?;
    post("threads/add", json!({"channel_id": channel, "title": "Background", "content": "posts during the fan-out"}))
        .await
}

struct Delivery {
    delivery: Vec<f64>,
    post_latency: Vec<f64>,
    rss_open: Option<u64>,
}

/// Opens `n` streams, then posts `posts` comments one after another and times each
/// comment's arrival at the last of the streams.
async fn deliveries(
    server: &Server,
    http: &reqwest::Client,
    setup: &FanoutSetup,
    n: usize,
    posts: usize,
) -> Result<Delivery, String> {
    let FanoutSetup { stream_url, post_url, poster, watchers, background: bg } = setup;
    let connected = Arc::new(AtomicUsize::new(0));
    let counts: Arc<Vec<AtomicUsize>> = Arc::new((0..posts).map(|_| AtomicUsize::new(0)).collect());
    let last: Arc<Vec<AtomicU64>> = Arc::new((0..posts).map(|_| AtomicU64::new(0)).collect());
    let stop = Arc::new(AtomicBool::new(false));
    let base = Instant::now();
    // A client per few hundred streams: each stream is its own connection.
    let mut tasks = Vec::with_capacity(n);
    let clients: Vec<reqwest::Client> = (0..n.div_ceil(500).max(1)).map(|_| stream_client()).collect();
    for i in 0..n {
        let http = clients[i % clients.len()].clone();
        let token = watchers[i % watchers.len()].clone();
        let shared = Arrivals {
            connected: connected.clone(),
            counts: counts.clone(),
            last: last.clone(),
            base,
            stop: stop.clone(),
        };
        tasks.push(tokio::spawn(watch_stream(http, stream_url.to_string(), token, shared, is_timed_comment)));
        if i % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while connected.load(Ordering::Relaxed) < n {
        if Instant::now() > deadline {
            return Err(format!("only {} of {n} streams connected", connected.load(Ordering::Relaxed)));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        eprint!("\r  {} of {n} streams open   ", connected.load(Ordering::Relaxed));
    }
    eprintln!();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_open = server.rss_kib();

    // A second poster keeps writing in another thread while the fan-out runs.
    let background = {
        let (http, url, token, stop, thread) =
            (http.clone(), post_url.to_string(), bg.token.clone(), stop.clone(), bg.thread);
        tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut k = 0u64;
            while !stop.load(Ordering::Relaxed) {
                k += 1;
                let t = Instant::now();
                let body = json!({"thread_id": thread, "content": words(12, k), "recipients": []});
                if let Ok(r) = http.post(&url).bearer_auth(&token).json(&body).send().await {
                    let _ = r.bytes().await;
                    lat.push(ms(t.elapsed()));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            lat
        })
    };
    let mut delivery = Vec::new();
    let mut post_latency = Vec::new();
    for k in 0..posts {
        let t = Instant::now();
        let body = json!({"thread_id": 1, "content": words(20, k as u64), "recipients": []});
        let r = http.post(post_url).bearer_auth(poster).json(&body).send().await.map_err(|e| e.to_string())?;
        let ok = r.status().is_success();
        let _ = r.bytes().await;
        if !ok {
            return Err("comments/add failed during fan-out".into());
        }
        post_latency.push(ms(t.elapsed()));
        let answered = base.elapsed().as_micros() as u64;
        let wait = Instant::now() + Duration::from_secs(30);
        while counts[k].load(Ordering::Relaxed) < n && Instant::now() < wait {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let got = counts[k].load(Ordering::Relaxed);
        if got < n {
            return Err(format!("post {k} reached {got} of {n} streams in 30 s"));
        }
        let at = last[k].load(Ordering::Relaxed);
        delivery.push(at.saturating_sub(answered) as f64 / 1000.0);
    }
    stop.store(true, Ordering::Relaxed);
    post_latency.extend(background.await.unwrap_or_default());
    for t in tasks {
        let _ = t.await;
    }
    Ok(Delivery { delivery, post_latency, rss_open })
}

async fn inbox(
    args: &Args,
    server: &Server,
    http: &reqwest::Client,
    token: &str,
    big: Spec,
    json: Map<String, Value>,
) -> Result<Scenario, String> {
    step(&format!("inbox: {} × inbox/get and threads/get_unread", args.queries));
    let inbox_url = format!("{}/api/v3/inbox/get?workspace_id={}&limit=30", server.url, seed::WORKSPACE);
    let unread_url = format!("{}/api/v3/threads/get_unread?workspace_id={}", server.url, seed::WORKSPACE);
    let (_, first) = timed_get(http, &inbox_url, token).await?;
    let items = first.as_array().map_or(0, Vec::len);
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut unread_len = 0;
    for _ in 0..args.queries {
        a.push(timed_get(http, &inbox_url, token).await?.0);
        let (t, v) = timed_get(http, &unread_url, token).await?;
        unread_len = v.as_array().map_or(0, Vec::len);
        b.push(t);
    }
    let a = Latencies(a).sorted();
    let b = Latencies(b).sorted();
    let mut json = json;
    json.insert("comments".into(), json!(big.comments));
    Ok(Scenario {
        name: "inbox",
        how: format!(
            "user 1 of {} in a workspace of {} comments in {} threads; inbox/get (30 items, with last comments: \
             {items} returned) and threads/get_unread ({unread_len} unread threads) one after another, {} times each",
            big.users, big.comments, big.threads, args.queries
        ),
        figures: vec![
            fig("comments", big.comments as f64, "comments"),
            fig("p50_ms", percentile(&a, 50.0), "ms"),
            fig("p99_ms", percentile(&a, 99.0), "ms").at_most(10.0),
            fig("unread_p50_ms", percentile(&b, 50.0), "ms"),
            fig("unread_p99_ms", percentile(&b, 99.0), "ms").at_most(10.0),
        ],
        json,
    })
}

async fn search(
    args: &Args,
    server: &Server,
    http: &reqwest::Client,
    token: &str,
    big: Spec,
    json: Map<String, Value>,
) -> Result<Scenario, String> {
    step(&format!("search: {} queries (common words, rare words, filtered)", args.queries));
    let vocab = seed::Vocabulary::new(5000);
    let base = format!("{}/api/v3/search?workspace_id={}&limit=30", server.url, seed::WORKSPACE);
    let mut by_kind: Vec<(&str, Vec<f64>)> = vec![("common", vec![]), ("rare", vec![]), ("filtered", vec![])];
    for i in 0..args.queries {
        let (k, url) = match i % 3 {
            0 => (0, format!("{base}&query={}", vocab.words[i % 3])),
            1 => (1, format!("{base}&query={}", vocab.words[3000 + (i * 7) % 1500])),
            _ => (2, format!("{base}&query={}&channel_ids=1,2&author_ids=1,2,3", vocab.words[10 + i % 50])),
        };
        by_kind[k].1.push(timed_get(http, &url, token).await?.0);
    }
    let all = Latencies(by_kind.iter().flat_map(|(_, v)| v.iter().copied()).collect()).sorted();
    let mut figures = vec![
        fig("comments", big.comments as f64, "comments"),
        fig("p50_ms", percentile(&all, 50.0), "ms"),
        fig("p99_ms", percentile(&all, 99.0), "ms").at_most(50.0),
    ];
    for (kind, v) in by_kind {
        let v = Latencies(v).sorted();
        let name: &'static str = match kind {
            "common" => "common_p99_ms",
            "rare" => "rare_p99_ms",
            _ => "filtered_p99_ms",
        };
        figures.push(fig(name, percentile(&v, 99.0), "ms"));
    }
    let mut json = json;
    json.insert("comments".into(), json!(big.comments));
    Ok(Scenario {
        name: "search",
        how: format!(
            "user 1 searches {} comments: a third the most common words, a third rare words, a third common words \
             filtered by two channels and three authors; 30 results a page; {} queries one after another",
            big.comments, args.queries
        ),
        figures,
        json,
    })
}

/// The log's events of the workspace in `[from, to)`, by kind, read by a connection of the
/// benchmark's own (None when the server's database is not ours to read, with `--url`).
async fn events_by_kind(
    database: Option<crate::big_channel::Database>,
    from: i64,
    to: i64,
) -> Result<Option<std::collections::BTreeMap<String, i64>>, String> {
    let Some(database) = database else { return Ok(None) };
    let count = move || {
        weft_store::pg::off_runtime(|| {
            let mut conn: Box<dyn Conn> = match &database {
                crate::big_channel::Database::Sqlite(path) => {
                    let c = rusqlite::Connection::open(path).map_err(|e| weft_core::Error::Internal(e.to_string()))?;
                    let _ = c.busy_timeout(Duration::from_secs(5));
                    Box::new(weft_store::sqlite::Db(c, Default::default()))
                }
                crate::big_channel::Database::Postgres(url) => {
                    Box::new(weft_store::pg::PgConn::new(url, Duration::from_secs(10)))
                }
            };
            let rows = conn.query(
                "SELECT kind, COUNT(*) FROM events WHERE workspace_id = ? AND created_ts >= ? AND created_ts < ? \
                 GROUP BY kind",
                &[seed::WORKSPACE.into(), from.into(), to.into()],
            )?;
            rows.iter().map(|r| Ok((r.text(0)?, r.i64(1)?))).collect()
        })
    };
    let counted = tokio::task::spawn_blocking(count).await.map_err(|e| e.to_string())?;
    counted.map(Some).map_err(|e| format!("counting the log's events: {e}"))
}

/// Calm analytics of a month: `analytics/get` for the whole workspace (as its admin) and
/// for one person, over the seeded event log.
#[allow(clippy::too_many_arguments)]
async fn analytics(
    args: &Args,
    server: &Server,
    http: &reqwest::Client,
    token: &str,
    big: Spec,
    database: Option<crate::big_channel::Database>,
    seeded: Option<(seed::Seeded, f64)>,
    json: Map<String, Value>,
) -> Result<Scenario, String> {
    let now = weft_core::Clock::now(&weft_core::SystemClock);
    let (from, to) = seed::month(now);
    let person = big.users.min(2);
    step(&format!("analytics: {} × analytics/get of a month, for the workspace and for user {person}", args.queries));
    let url = format!("{}/api/v3/analytics/get?workspace_id={}&from={from}&to={to}", server.url, seed::WORKSPACE);
    let person_url = format!("{url}&user_id={person}");
    let logged = events_by_kind(database, from, to).await?;
    // The first answers are read, not timed: they must show that the report read real data.
    let (_, report) = timed_get(http, &url, token).await?;
    let (posts, pushes) =
        (report["posts"]["total"].as_i64().unwrap_or(0), report["pushes"]["total"].as_i64().unwrap_or(0));
    let people = report["people"].as_i64().unwrap_or(0);
    if posts <= 0 {
        return Err(format!(
            "analytics: the report of {from}..{to} counted no posts (posts {}, pushes {}, people {people}): \
             was the server seeded in the last month?",
            report["posts"], report["pushes"]
        ));
    }
    let (_, own) = timed_get(http, &person_url, token).await?;
    let person_posts = own["posts"]["total"].as_i64().unwrap_or(0);
    let events = logged.as_ref().map_or(f64::NAN, |k| k.values().sum::<i64>() as f64);
    if let Some(k) = &logged {
        let in_log = |kind: &str| k.get(kind).copied().unwrap_or(0);
        let log_posts = in_log("thread_added") + in_log("comment_added") + in_log("message_added");
        if (log_posts, in_log("push")) != (posts, pushes) {
            eprintln!(
                "  analytics: the report counted {posts} posts and {pushes} pushes; the log holds {log_posts} and {}",
                in_log("push")
            );
        }
    }
    let mut a = Vec::new();
    let mut b = Vec::new();
    for _ in 0..args.queries {
        a.push(timed_get(http, &url, token).await?.0);
        b.push(timed_get(http, &person_url, token).await?.0);
    }
    let a = Latencies(a).sorted();
    let b = Latencies(b).sorted();
    let mut json = json;
    json.insert("from".into(), json!(from));
    json.insert("to".into(), json!(to));
    json.insert("events_by_kind".into(), json!(logged));
    json.insert("person_posts".into(), json!(person_posts));
    if let Some((s, secs)) = seeded {
        json.insert("seed_s".into(), json!((secs * 10.0).round() / 10.0));
        json.insert("seeded_events".into(), json!(s.events));
        json.insert("first_post_ts".into(), json!(s.first_post_ts));
        json.insert("last_post_ts".into(), json!(s.last_post_ts));
    }
    let seeding = match seeded {
        Some((s, secs)) => format!(" (seeded in {secs:.0} s, {} events in the whole log)", s.events),
        None => String::new(),
    };
    Ok(Scenario {
        name: "analytics",
        how: format!(
            "user 1 (the admin) asks analytics/get for the 30 UTC days before today ({} events of the workspace's \
             log in it{seeding}; the report counted {posts} posts and {pushes} pushes of {people} people), then \
             user {person}'s own figures ({person_posts} posts), one after another, {} times each; the workspace: \
             {} people writing {} posts each a working day, {} comments in {} threads",
            if events.is_nan() { "?".to_string() } else { format!("{events:.0}") },
            args.queries,
            big.users,
            seed::POSTS_PER_PERSON_PER_DAY,
            big.comments,
            big.threads
        ),
        figures: vec![
            fig("events", events, "events"),
            fig("posts", posts as f64, "posts"),
            fig("pushes", pushes as f64, "pushes"),
            fig("p50_ms", percentile(&a, 50.0), "ms"),
            fig("p99_ms", percentile(&a, 99.0), "ms").at_most(500.0),
            fig("person_p50_ms", percentile(&b, 50.0), "ms"),
            fig("person_p99_ms", percentile(&b, 99.0), "ms"),
        ],
        json,
    })
}

/// The server's CPU time so far (user + system, every thread), from /proc.
fn cpu_secs(server: &Server) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.pid()?)).ok()?;
    // Fields after the command name (which may hold spaces) : utime and stime are the
    // 12th and 13th, in clock ticks of 1/100 s (USER_HZ on Linux).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// One person's many streams (a careless or hostile client) while their access changes:
/// what the server's memory and CPU pay, and whether everyone else is still served.
async fn streams(
    args: &Args,
    server: &Server,
    http: &reqwest::Client,
    tokens: &[String],
    base_json: &dyn Fn(Value) -> Map<String, Value>,
) -> Result<Scenario, String> {
    let n = args.user_streams;
    let changes = args.membership_changes;
    let admin = &tokens[0];
    let (person, person_token) = (tokens.len() as i64, tokens.last().expect("users").clone());
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{}/api/v3/{path}", server.url)).bearer_auth(admin).json(&body);
        async move {
            let r = req.send().await.map_err(|e| e.to_string())?;
            let status = r.status();
            let v: Value = r.json().await.map_err(|e| e.to_string())?;
            if status.is_success() { Ok(v) } else { Err(format!("{status}: {v}")) }
        }
    };
    let name = format!("bench-streams-{}", std::process::id());
    let channel = post("channels/add", json!({"workspace_id": seed::WORKSPACE, "name": name, "public": false})).await?
        ["id"]
        .as_i64()
        .ok_or("channels/add answered no id")?;

    step(&format!("streams: opening {n} streams of one user"));
    let rss_before = server.rss_kib();
    let connected = Arc::new(AtomicUsize::new(0));
    let counts: Arc<Vec<AtomicUsize>> = Arc::new((0..changes).map(|_| AtomicUsize::new(0)).collect());
    let last: Arc<Vec<AtomicU64>> = Arc::new((0..changes).map(|_| AtomicU64::new(0)).collect());
    let stop = Arc::new(AtomicBool::new(false));
    let base = Instant::now();
    let url = format!("{}/api/v3/events/stream?workspace_id={}", server.url, seed::WORKSPACE);
    let clients: Vec<reqwest::Client> = (0..n.div_ceil(500).max(1)).map(|_| stream_client()).collect();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let shared = Arrivals {
            connected: connected.clone(),
            counts: counts.clone(),
            last: last.clone(),
            base,
            stop: stop.clone(),
        };
        let (http, url, token) = (clients[i % clients.len()].clone(), url.clone(), person_token.clone());
        tasks.push(tokio::spawn(watch_stream(http, url, token, shared, is_membership_change)));
        if i % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while connected.load(Ordering::Relaxed) < n {
        if Instant::now() > deadline {
            return Err(format!("only {} of {n} streams connected", connected.load(Ordering::Relaxed)));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_open = server.rss_kib();

    // Meanwhile another client asks /health every 10 ms.
    let health = {
        let (http, url, stop) = (http.clone(), format!("{}/health", server.url), stop.clone());
        tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if let Ok(r) = http.get(&url).send().await {
                    let _ = r.bytes().await;
                    lat.push(ms(t.elapsed()));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            lat
        })
    };

    step(&format!("streams: {changes} membership changes of that user"));
    let cpu_before = cpu_secs(server);
    let started = Instant::now();
    let mut delivery = Vec::new();
    for k in 0..changes {
        let path = if k % 2 == 0 { "channels/add_users" } else { "channels/remove_users" };
        post(path, json!({"id": channel, "user_ids": [person]})).await?;
        let answered = base.elapsed().as_micros() as u64;
        let wait = Instant::now() + Duration::from_secs(60);
        while counts[k].load(Ordering::Relaxed) < n && Instant::now() < wait {
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        let got = counts[k].load(Ordering::Relaxed);
        if got < n {
            return Err(format!("change {k} reached {got} of {n} streams in 60 s"));
        }
        delivery.push(last[k].load(Ordering::Relaxed).saturating_sub(answered) as f64 / 1000.0);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = match (cpu_before, cpu_secs(server)) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    let rss_after = server.rss_kib();
    stop.store(true, Ordering::Relaxed);
    let health = Latencies(health.await.unwrap_or_default()).sorted();
    for t in tasks {
        let _ = t.await;
    }
    let mib = |k: Option<u64>| k.map_or(f64::NAN, |k| k as f64 / 1024.0);
    let kib_per_stream = match (rss_before, rss_open) {
        (Some(b), Some(a)) => (a as f64 - b as f64) / n as f64,
        _ => f64::NAN,
    };
    let d = Latencies(delivery).sorted();
    Ok(Scenario {
        name: "streams",
        how: format!(
            "{n} SSE streams of one user (the server started with its per-user and per-address caps lifted); \
             then {changes} membership changes of that user (added to and removed from a private channel, one after \
             another), each timed from its answer to its arrival at all {n} streams; memory = server RSS (from \
             /proc) after opening, minus before, and after the changes; CPU = the server's user + system time \
             (/proc/PID/stat) during the changes ({elapsed:.1} s); /health asked every 10 ms meanwhile"
        ),
        figures: vec![
            fig("streams", n as f64, "streams"),
            fig("kib_per_stream", kib_per_stream, "KiB").at_most(24.0),
            fig("rss_open_mib", mib(rss_open), "MiB"),
            fig("rss_after_changes_mib", mib(rss_after), "MiB"),
            fig("cpu_s", cpu, "s"),
            fig("change_p50_ms", percentile(&d, 50.0), "ms"),
            fig("change_p99_ms", percentile(&d, 99.0), "ms"),
            fig("health_p99_ms", percentile(&health, 99.0), "ms").at_most(50.0),
            fig("health_max_ms", health.last().copied().unwrap_or(f64::NAN), "ms"),
        ],
        json: base_json(json!({"streams": n, "membership_changes": changes})),
    })
}
