//! The storage contract, run against every backend: SQLite always, PostgreSQL when
//! `WEFT_TEST_DATABASE_URL` is set (required when `WEFT_REQUIRE_POSTGRES=1`).

use std::collections::BTreeMap;
use std::sync::Arc;
use weft_core::event::{Audience, NewEvent};
use weft_core::store::{NewUser, Store};
use weft_core::{Error, UserId, WorkspaceId};
use weft_store::Location;

fn postgres_url() -> Option<String> {
    match std::env::var("WEFT_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("WEFT_REQUIRE_POSTGRES").map_or(true, |v| v != "1"),
                "WEFT_REQUIRE_POSTGRES=1 but WEFT_TEST_DATABASE_URL is not set"
            );
            None
        }
    }
}

/// A fresh store of each available backend, with what keeps it alive.
struct Fresh {
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    scratch: Option<(String, String)>,
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some((base, url)) = &self.scratch {
            weft_store::pg::drop_scratch_database(base, url);
        }
    }
}

fn backends() -> Vec<Fresh> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = weft_store::open(&Location::Sqlite(dir.path().to_path_buf()), Default::default()).unwrap();
    let mut out = vec![Fresh { store: sqlite, _dir: dir, scratch: None }];
    if let Some(base) = postgres_url() {
        let url = weft_store::pg::create_scratch_database(&base).unwrap();
        let store = weft_store::open(&Location::Postgres(url.clone()), Default::default()).unwrap();
        out.push(Fresh { store, _dir: tempfile::tempdir().unwrap(), scratch: Some((base, url)) });
    }
    out
}

/// Yields until `done` holds (a guard fails the test if it never does).
async fn wait_until(done: impl Fn() -> bool) {
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !done() {
        assert!(std::time::Instant::now() < give_up, "the condition never held");
        tokio::task::yield_now().await;
    }
}

type TestJob = Box<dyn FnOnce(&mut dyn weft_core::store::Tx) -> weft_core::Result<()> + Send>;

/// Commits `first`, then `jobs`, together in one batch and in this order: `first` holds the
/// writer until the others are queued behind it. Answers whether each of `jobs` succeeded.
async fn in_one_batch(s: &Arc<dyn Store>, first: TestJob, jobs: Vec<TestJob>) -> Vec<bool> {
    let (started, holding) = tokio::sync::oneshot::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let held = {
        let s = s.clone();
        tokio::spawn(async move {
            s.write(move |tx| {
                let _ = started.send(());
                released.recv().expect("the test lets the job go");
                first(tx)
            })
            .await
        })
    };
    holding.await.expect("the writer runs the holding job");
    let mut handles = Vec::new();
    for (i, job) in jobs.into_iter().enumerate() {
        let s2 = s.clone();
        handles.push(tokio::spawn(async move { s2.write(move |tx| job(tx)).await }));
        // Queued before the next one is sent: the batch keeps this order.
        wait_until(|| s.queued_writes() == i + 1).await;
    }
    release.send(()).unwrap();
    held.await.unwrap().expect("the holding job commits");
    let mut ok = Vec::new();
    for h in handles {
        ok.push(h.await.unwrap().is_ok());
    }
    ok
}

fn event(n: i64) -> NewEvent {
    NewEvent {
        workspace_id: WorkspaceId(1),
        kind: "test_event",
        audience: Audience::workspace(),
        payload: serde_json::json!({ "n": n }),
        fanout: None,
    }
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        name: "Test Person".into(),
        password_hash: "x".into(),
        timezone: "UTC".into(),
        bot: false,
        now: 1,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_row_is_none_not_an_error() {
    for b in backends() {
        let s = b.store.clone();
        let found = s.read(|tx| tx.user(UserId(424242))).await.unwrap();
        assert!(found.is_none(), "{}", s.backend());
        let found = s.read(|tx| tx.workspace(WorkspaceId(424242))).await.unwrap();
        assert!(found.is_none());
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_rolls_back_alone_and_others_commit() {
    for b in backends() {
        let s = b.store.clone();
        let mut handles = Vec::new();
        for i in 0..20 {
            let s = s.clone();
            handles.push(tokio::spawn(async move {
                s.write(move |tx| {
                    tx.insert_user(&new_user(&format!("u{i}@x.org")))?;
                    tx.append_event(&event(i), 1)?;
                    if i % 5 == 0 { Err(Error::BadRequest("no".into())) } else { Ok(i) }
                })
                .await
            }));
        }
        let mut ok = 0;
        for h in handles {
            if h.await.unwrap().is_ok() {
                ok += 1;
            }
        }
        assert_eq!(ok, 16);
        let users = s.read(|tx| tx.user_count()).await.unwrap();
        assert_eq!(users, 16, "{}: the failed jobs' rows are gone", s.backend());
        // The event log holds exactly the committed jobs' events, numbered 1..=16.
        let events = s.read(|tx| tx.events_after(0, 100)).await.unwrap();
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=16).collect::<Vec<_>>(), "{}", s.backend());
        assert_eq!(*s.head().borrow(), 16);
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_failing_anywhere_in_a_batch_roll_back_alone_the_last_one_too() {
    for b in backends() {
        let s = b.store.clone();
        // Committed together, in order: ok, failing, ok, ok, failing.
        let jobs: Vec<TestJob> = [false, true, false, false, true]
            .into_iter()
            .enumerate()
            .map(|(i, fails)| -> TestJob {
                Box::new(move |tx| {
                    tx.insert_user(&new_user(&format!("b{i}@x.org")))?;
                    tx.append_event(&event(i as i64 + 1), 1)?;
                    if fails { Err(Error::BadRequest("no".into())) } else { Ok(()) }
                })
            })
            .collect();
        let ok = in_one_batch(&s, Box::new(|tx| tx.append_event(&event(0), 1).map(drop)), jobs).await;
        assert_eq!(ok, vec![true, false, true, true, false], "{}", s.backend());
        assert_eq!(s.read(|tx| tx.user_count()).await.unwrap(), 3, "{}", s.backend());
        let events = s.read(|tx| tx.events_after(0, 100)).await.unwrap();
        let kept: Vec<(i64, i64)> = events.iter().map(|e| (e.seq, e.data["n"].as_i64().unwrap())).collect();
        assert_eq!(kept, vec![(1, 0), (2, 1), (3, 3), (4, 4)], "{}: no gaps, no failed job's event", s.backend());
        assert_eq!(*s.head().borrow(), 4, "{}", s.backend());
        // The writer goes on after a batch that ended with a failure.
        s.write(|tx| tx.append_event(&event(9), 1)).await.unwrap();
        assert_eq!(*s.head().borrow(), 5, "{}", s.backend());
        s.close().await;
    }
}

/// A write sent without waiting for its answer (`Conn::send`: PostgreSQL pipelines it) that
/// fails makes its job fail — even a job that returned Ok and had more statements after
/// it, even the batch's last, whose end goes with the commit — and only that job: the
/// batch's other jobs commit, and the log has no gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_fails_after_its_job_went_on_fails_that_job_alone() {
    for b in backends() {
        let s = b.store.clone();
        let user = s.write(|tx| tx.insert_user(&new_user("owner@x.org"))).await.unwrap();
        let jobs: Vec<TestJob> = ["second", "first", "third", "first"]
            .into_iter()
            .enumerate()
            .map(|(i, token)| -> TestJob {
                Box::new(move |tx| {
                    // "first" again: a primary key violation, only known once answered.
                    tx.insert_token(user, token, 2)?;
                    tx.append_event(&event(i as i64 + 1), 1)?;
                    tx.insert_token(user, &format!("{token}-more"), 2)
                })
            })
            .collect();
        let ok = in_one_batch(&s, Box::new(move |tx| tx.insert_token(user, "first", 1)), jobs).await;
        assert_eq!(ok, vec![true, false, true, false], "{}: the batch's last job too", s.backend());
        let live = ["first", "second", "first-more", "second-more", "third", "third-more"].map(String::from);
        let kept = s.read(move |tx| tx.live_tokens(&live)).await.unwrap();
        let mut kept: Vec<&str> = kept.iter().map(String::as_str).collect();
        kept.sort();
        assert_eq!(kept, ["first", "second", "second-more", "third", "third-more"], "{}", s.backend());
        let events = s.read(|tx| tx.events_after(0, 100)).await.unwrap();
        let numbers: Vec<(i64, i64)> = events.iter().map(|e| (e.seq, e.data["n"].as_i64().unwrap())).collect();
        assert_eq!(numbers, vec![(1, 1), (2, 3)], "{}: no gaps, no failed job's event", s.backend());
        s.close().await;
    }
}

/// PostgreSQL aborts a transaction at its first failing statement and then answers COMMIT
/// by rolling back without an error: a job that ignores a failed statement must not be
/// acknowledged unless what it wrote was committed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_is_acknowledged_only_if_its_writes_are_committed_even_if_it_ignores_an_error() {
    for b in backends() {
        let s = b.store.clone();
        s.write(|tx| tx.insert_user(&new_user("same@x.org"))).await.unwrap();
        let answer = s
            .write(|tx| {
                tx.insert_user(&new_user("other@x.org"))?;
                // The first email again: a unique key violation, ignored.
                let _ = tx.insert_user(&new_user("same@x.org"));
                Ok(())
            })
            .await;
        let users = s.read(|tx| tx.user_count()).await.unwrap();
        assert_eq!(answer.is_ok(), users == 2, "{}: acknowledged {answer:?}, {users} users", s.backend());
        s.write(|tx| tx.insert_user(&new_user("third@x.org"))).await.unwrap();
        assert_eq!(s.read(|tx| tx.user_count()).await.unwrap(), users + 1, "{}", s.backend());
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_version_is_the_newest_event_addressed_to_the_person_in_that_workspace() {
    let to = |user: i64, ws: i64| NewEvent {
        workspace_id: WorkspaceId(ws),
        kind: "test_event",
        audience: Audience::user(UserId(user)),
        payload: serde_json::json!({}),
        fanout: None,
    };
    for b in backends() {
        let s = b.store.clone();
        let version = |user: i64, ws: i64| {
            let s = s.clone();
            async move { s.read(move |tx| tx.inbox_version(UserId(user), WorkspaceId(ws))).await.unwrap() }
        };
        assert_eq!(version(7, 1).await, 0, "{}: no events yet", s.backend());
        // 1: to 7 in workspace 1; 2: to everyone; 3: to 8; 4: to 7 in workspace 2; 5: to 7 in 1.
        let batch = vec![to(7, 1), event(0), to(8, 1), to(7, 2), to(7, 1)];
        s.write(move |tx| tx.append_events(&batch, 1)).await.unwrap();
        assert_eq!(version(7, 1).await, 5, "{}", s.backend());
        assert_eq!(version(7, 2).await, 4, "{}", s.backend());
        assert_eq!(version(8, 1).await, 3, "{}", s.backend());
        // A job that fails leaves the versions as they were.
        let failed = s.write(move |tx| {
            tx.append_events(&[to(8, 1)], 1)?;
            Err::<(), _>(Error::BadRequest("no".into()))
        });
        assert!(failed.await.is_err());
        assert_eq!(version(8, 1).await, 3, "{}", s.backend());
        s.write(move |tx| tx.append_events(&[event(1), to(8, 1)], 1)).await.unwrap();
        assert_eq!(version(8, 1).await, 7, "{}", s.backend());
        assert_eq!(version(7, 1).await, 5, "{}: someone else's event", s.backend());
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_job_is_an_internal_error_and_the_store_goes_on() {
    for b in backends() {
        let s = b.store.clone();
        let r: Result<(), Error> = s
            .write(|tx| {
                tx.insert_user(&new_user("p@x.org"))?;
                panic!("boom")
            })
            .await;
        assert!(matches!(r, Err(Error::Internal(_))));
        s.write(|tx| tx.insert_user(&new_user("q@x.org"))).await.unwrap();
        assert_eq!(s.read(|tx| tx.user_count()).await.unwrap(), 1);
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_answers_are_kept_per_user_and_key() {
    for b in backends() {
        let s = b.store.clone();
        let v = serde_json::json!({"id": 7, "title": "ok"});
        let v2 = v.clone();
        s.write(move |tx| tx.save_idempotent_response(UserId(1), "k1", &v2, 1)).await.unwrap();
        assert_eq!(s.read(|tx| tx.idempotent_response(UserId(1), "k1")).await.unwrap(), Some(v));
        assert_eq!(s.read(|tx| tx.idempotent_response(UserId(2), "k1")).await.unwrap(), None);
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_schemas_describe_the_same_tables_and_columns() {
    let Some(base) = postgres_url() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = weft_store::open_sqlite(dir.path()).unwrap();
    sqlite.close().await;
    let sqlite_columns_found = sqlite_columns(&dir.path().join(weft_store::sqlite::DB_FILE));
    let url = weft_store::pg::create_scratch_database(&base).unwrap();
    let pg = weft_store::open(&Location::Postgres(url.clone()), Default::default()).unwrap();
    pg.close().await;
    let pg_columns = postgres_columns(&url);
    weft_store::pg::drop_scratch_database(&base, &url);
    assert_eq!(sqlite_columns_found, pg_columns);
    assert!(sqlite_columns_found.contains_key("events") && sqlite_columns_found.contains_key("comments"));
}

/// Table → sorted column names, from SQLite's catalog.
fn sqlite_columns(path: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    weft_store::sqlite::columns_of(path).unwrap()
}

fn postgres_columns(url: &str) -> BTreeMap<String, Vec<String>> {
    weft_store::pg::columns_of(url).unwrap()
}

/// Search over more matches than are ranked at once: a common word, a rare one, and a
/// filter that only matches old documents (the window has to widen to find them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_ranks_recent_matches_of_common_words_and_widens_for_filters() {
    use weft_core::store::{RANK_CANDIDATES, SearchDoc, SearchQuery};
    use weft_core::{ChannelId, ThreadId};
    let n = RANK_CANDIDATES * 3;
    for b in backends() {
        let s = b.store.clone();
        s.write(move |tx| {
            for i in 1..=n {
                // "budget" is everywhere; "quarterly" in every 500th; author 9 only wrote
                // the first ten; a few titles say "budget".
                let title = if i % 700 == 0 { "Budget review" } else { "Notes" };
                let body = if i % 500 == 0 { "budget for the quarterly plan" } else { "the budget is fine" };
                tx.index_doc(&SearchDoc {
                    kind: "comment",
                    obj_id: i,
                    workspace_id: WorkspaceId(1),
                    channel_id: Some(ChannelId(1 + i % 2)),
                    conversation_id: None,
                    thread_id: Some(ThreadId(1)),
                    author_id: UserId(if i <= 10 { 9 } else { 1 }),
                    posted_ts: 1_000 + i,
                    title: title.into(),
                    body: body.into(),
                    mentions: vec![],
                    has_attachments: i % 3 == 0,
                })?;
            }
            Ok(())
        })
        .await
        .unwrap();
        let search = |words: &[&str], authors: &[i64]| {
            let q = SearchQuery {
                workspace_id: WorkspaceId(1),
                words: words.iter().map(|w| w.to_string()).collect(),
                channels: vec![ChannelId(1), ChannelId(2)],
                author_ids: authors.iter().map(|a| UserId(*a)).collect(),
                limit: 10,
                ..Default::default()
            };
            let s = s.clone();
            async move { s.read(move |tx| tx.search(&q)).await.unwrap() }
        };
        // A common word: a full page, the newest matches with it in their title first.
        let hits = search(&["budget"], &[]).await;
        assert_eq!(hits.len(), 10, "{}", s.backend());
        assert!(hits[0].title.starts_with("Budget"), "{}: {hits:?}", s.backend());
        assert_eq!(hits[0].obj_id, n / 700 * 700, "{}: the newest titled match first", s.backend());
        // A rare word: every match, whatever its age.
        let hits = search(&["quarterly"], &[]).await;
        assert_eq!(hits.len(), (n / 500) as usize, "{}", s.backend());
        // Only old documents pass the filter: found anyway.
        let hits = search(&["budget"], &[9]).await;
        let mut ids: Vec<i64> = hits.iter().map(|h| h.obj_id).collect();
        ids.sort();
        assert_eq!(ids, (1..=10).collect::<Vec<_>>(), "{}", s.backend());
        // The last word also matches as a prefix.
        assert_eq!(search(&["quarter"], &[]).await.len(), (n / 500) as usize, "{}", s.backend());
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_documents_changed_in_the_writing_transaction_are_found_as_committed() {
    use weft_core::store::{SearchDoc, SearchQuery};
    use weft_core::{ChannelId, ThreadId};
    let doc = |obj_id: i64, thread: i64, body: &str| SearchDoc {
        kind: "comment",
        obj_id,
        workspace_id: WorkspaceId(1),
        channel_id: Some(ChannelId(1)),
        conversation_id: None,
        thread_id: Some(ThreadId(thread)),
        author_id: UserId(1),
        posted_ts: 1_000 + obj_id,
        title: String::new(),
        body: body.into(),
        mentions: vec![],
        has_attachments: false,
    };
    for b in backends() {
        let s = b.store.clone();
        s.write(move |tx| tx.index_doc(&doc(1, 1, "alpha first"))).await.unwrap();
        // Several jobs at once, so that the writer is likely to commit them together; each
        // also changes documents it added itself, before they are committed.
        let mut jobs = Vec::new();
        let s2 = s.clone();
        jobs.push(tokio::spawn(async move {
            s2.write(move |tx| {
                tx.index_doc(&doc(2, 1, "alpha second"))?;
                tx.index_doc(&doc(1, 1, "beta edited"))?;
                tx.index_doc(&doc(3, 1, "alpha removed"))?;
                tx.unindex_doc("comment", 3)?;
                tx.index_doc(&doc(5, 2, "alpha elsewhere"))?;
                tx.index_doc(&doc(5, 2, "gamma elsewhere"))?;
                tx.move_thread_docs(ThreadId(1), ChannelId(2))
            })
            .await
        }));
        let s3 = s.clone();
        jobs.push(tokio::spawn(async move {
            s3.write(move |tx| -> Result<(), Error> {
                tx.index_doc(&doc(4, 3, "alpha failed"))?;
                Err(Error::BadRequest("no".into()))
            })
            .await
        }));
        let results: Vec<bool> = futures_join(jobs).await;
        assert_eq!(results, vec![true, false], "{}", s.backend());
        let search = |word: &str, channel: i64| {
            let q = SearchQuery {
                workspace_id: WorkspaceId(1),
                words: vec![word.to_string()],
                channels: vec![ChannelId(channel)],
                limit: 10,
                ..Default::default()
            };
            let s = s.clone();
            async move {
                let mut ids: Vec<i64> =
                    s.read(move |tx| tx.search(&q)).await.unwrap().iter().map(|h| h.obj_id).collect();
                ids.sort();
                ids
            }
        };
        let backend = s.backend();
        assert_eq!(search("alpha", 2).await, vec![2], "{backend}: only the moved, committed, current text");
        assert_eq!(search("beta", 2).await, vec![1], "{backend}: the edit is found in the new channel");
        assert_eq!(search("alpha", 1).await, Vec::<i64>::new(), "{backend}: nothing left in the old channel");
        assert_eq!(search("gamma", 1).await, vec![5], "{backend}: a document edited before it was committed");
        assert_eq!(search("removed", 2).await, Vec::<i64>::new(), "{backend}");
        assert_eq!(search("failed", 1).await, Vec::<i64>::new(), "{backend}: the failed job's document");
        // Later writes see a consistent index: the edited document changes once more.
        s.write(move |tx| tx.index_doc(&doc(2, 1, "delta"))).await.unwrap();
        assert_eq!(search("alpha", 1).await, Vec::<i64>::new(), "{backend}");
        assert_eq!(search("delta", 1).await, vec![2], "{backend}");
        s.close().await;
    }
}

/// Whether each spawned write succeeded, in spawn order.
async fn futures_join(handles: Vec<tokio::task::JoinHandle<Result<(), Error>>>) -> Vec<bool> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap().is_ok());
    }
    out
}

/// A server that answers PostgreSQL's request for TLS with "no", as one without TLS does.
fn server_without_tls() -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut socket, _)) = listener.accept() {
            let mut ssl_request = [0u8; 8];
            if socket.read_exact(&mut ssl_request).is_ok() {
                let _ = socket.write_all(b"N");
            }
        }
    });
    addr
}

/// Whether a connection to `url` is encrypted.
fn encrypted_by(url: &str) -> Result<bool, Error> {
    let mut c = weft_store::pg::open(url, |_| {})?;
    let sql = "SELECT COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)";
    Ok(c.query_one(sql, &[]).unwrap().get(0))
}

#[test]
fn postgres_connections_follow_the_urls_sslmode() {
    // Required TLS from a server without it: no connection, and the error says why.
    let addr = server_without_tls();
    let Err(err) = weft_store::pg::open(&format!("postgres://weft@{addr}/weft?sslmode=require"), |_| {}) else {
        panic!("connected without TLS although the URL requires it");
    };
    assert!(matches!(&err, Error::Unavailable(m) if m.contains("TLS")), "{err:?}");

    let Some(base) = postgres_url() else { return };
    let with = |mode: &str| format!("{base}{}sslmode={mode}", if base.contains('?') { '&' } else { '?' });
    let encrypted = encrypted_by;
    assert_eq!(encrypted(&with("disable")), Ok(false));
    let mut plain = weft_store::pg::open(&with("disable"), |_| {}).unwrap();
    let server_tls: String = plain.query_one("SHOW ssl", &[]).unwrap().get(0);
    if server_tls == "on" {
        assert_eq!(encrypted(&with("require")), Ok(true));
        assert_eq!(encrypted(&base), Ok(true), "prefer is the default");
        // A local server's certificate names a host (`localhost`), never the address the
        // tests connect to: verify-full refuses it, whoever signed it.
        let err = encrypted(&with("verify-full").replace("localhost", "127.0.0.1")).unwrap_err();
        assert!(err.to_string().contains("certificate"), "{err}");
        // verify-ca takes it only if the system trusts its signer (Debian's snakeoil
        // certificate is in /etc/ssl/certs); then verify-full takes it by its name.
        match encrypted(&with("verify-ca")) {
            Ok(encrypted) => {
                assert!(encrypted);
                let by_name = with("verify-full").replace("127.0.0.1", "localhost");
                assert_eq!(encrypted_by(&by_name), Ok(true), "{by_name}");
            }
            Err(e) => assert!(e.to_string().contains("certificate"), "{e}"),
        }
    } else {
        let err = encrypted(&with("require")).unwrap_err();
        assert!(err.to_string().contains("TLS"), "{err}");
        assert_eq!(encrypted(&base), Ok(false), "prefer falls back to plain");
    }
}

/// Retention deletes each kind of expiring row older than its cutoff, a batch at a time,
/// and keeps the rest: newer rows, pushes still waiting, the notification a waiting push is
/// for, and email not sent yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pruning_deletes_expired_rows_in_batches_and_keeps_the_rest() {
    use weft_core::model::{Notification, NotifyReason};
    use weft_core::store::{Expiring, MailOutcome, NewMail, Push};
    for b in backends() {
        let s = b.store.clone();
        let (u, ws) = (UserId(1), WorkspaceId(1));
        s.write(move |tx| {
            for (n, ts) in [(1, 100), (2, 100), (3, 100), (4, 500)] {
                tx.save_idempotent_response(u, &format!("k{n}"), &serde_json::json!({"n": n}), ts)?;
            }
            // Notifications 1-3 old, 4 new; a push still waits for notification 3.
            let mut ids = Vec::new();
            for ts in [100, 100, 100, 500] {
                ids.push(tx.insert_notification(u, &Notification::new(ws, NotifyReason::Mention, false, u, ts))?);
            }
            let push = |id: i64, notification_id: i64| Push {
                id,
                user: u,
                workspace: ws,
                notification_id,
                thread: None,
                conversation: None,
                obj_index: -1,
                created_ts: 100,
                due_ts: Some(100),
            };
            tx.insert_pushes(&[push(0, ids[0]), push(0, ids[1]), push(0, ids[2])])?;
            let pushes = tx.due_pushes(1000, 10)?;
            tx.finish_pushes(&[pushes[0].id], "sent", 100)?;
            tx.finish_pushes(&[pushes[1].id], "dropped", 500)?;
            // Mail: one sent long ago, one sent lately, one still queued, one parked long ago
            // and one parked lately.
            for seq in 1..=5 {
                let mail = NewMail {
                    event_seq: Some(seq),
                    user: u,
                    workspace: ws,
                    to: "a@example.test".into(),
                    subject: "s".into(),
                    text: "t".into(),
                    html: "h".into(),
                    unsubscribe_url: "u".into(),
                    created_ts: if seq == 5 { 400 } else { 100 },
                    secret: false,
                    calendar: None,
                };
                tx.insert_mail(&mail)?;
            }
            let claimed = tx.claim_mail(100, 200, 2)?;
            tx.finish_mail(claimed[0].id, &MailOutcome::Sent, 100)?;
            tx.finish_mail(claimed[1].id, &MailOutcome::Sent, 500)?;
            let claimed = tx.claim_mail(1000, 1100, 5)?;
            let parked = MailOutcome::Parked { error: "550 no such user".into() };
            for m in claimed.iter().filter(|m| m.event_seq >= Some(4)) {
                tx.finish_mail(m.id, &parked, 1000)?;
            }
            Ok(())
        })
        .await
        .unwrap();
        let prune = |what: Expiring, limit: i64| {
            let s = s.clone();
            async move { s.write(move |tx| tx.prune(what, 300, limit)).await.unwrap() }
        };
        assert_eq!(prune(Expiring::IdempotencyKeys, 2).await, 2, "a batch at most");
        assert_eq!(prune(Expiring::IdempotencyKeys, 2).await, 1);
        assert_eq!(prune(Expiring::IdempotencyKeys, 2).await, 0);
        assert!(s.read(move |tx| tx.idempotent_response(u, "k4")).await.unwrap().is_some());
        assert_eq!(prune(Expiring::FinishedPushes, 10).await, 1, "the push finished long ago");
        assert_eq!(s.read(move |tx| tx.pending_pushes_of(u)).await.unwrap().len(), 1, "a waiting push stays");
        assert_eq!(prune(Expiring::Notifications, 10).await, 2, "not the one a push waits for, nor the new one");
        assert_eq!(s.read(move |tx| tx.notifications(u, 10)).await.unwrap().len(), 2);
        assert_eq!(prune(Expiring::SentMail, 10).await, 1);
        assert_eq!(prune(Expiring::ParkedMail, 10).await, 1, "the one parked long ago, by when it was made");
        let status = s.read(|tx| tx.mail_status(0)).await.unwrap();
        assert_eq!((status.sent, status.parked), (1, 1));
        s.close().await;
    }
}

/// The log forgets replaced and deleted text as events are appended: the earlier versions
/// of an updated thread, a deleted comment and the thread preview that quoted it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appending_an_update_or_a_deletion_redacts_the_earlier_events() {
    for b in backends() {
        let s = b.store.clone();
        let ev = |kind: &'static str, payload: serde_json::Value| NewEvent {
            workspace_id: WorkspaceId(1),
            kind,
            audience: Audience::workspace(),
            payload,
            fanout: None,
        };
        let events = vec![
            ev("thread_added", serde_json::json!({"id": 1, "title": "Old title", "content": "old", "snippet": "old"})),
            ev("comment_added", serde_json::json!({"id": 5, "thread_id": 1, "content": "quoted"})),
            ev(
                "thread_updated",
                serde_json::json!({"id": 1, "title": "New title", "content": "new", "snippet": "quoted"}),
            ),
            ev("comment_deleted", serde_json::json!({"id": 5, "thread_id": 1})),
            ev("thread_added", serde_json::json!({"id": 2, "title": "Other", "content": "untouched"})),
        ];
        s.write(move |tx| tx.append_events(&events, 1)).await.unwrap();
        let log = s.read(|tx| tx.events_after(0, 100)).await.unwrap();
        let data: Vec<serde_json::Value> = log.iter().map(|e| e.data.clone()).collect();
        assert_eq!(data[0], serde_json::json!({"id": 1, "title": "", "content": "", "snippet": "", "redacted": true}));
        assert_eq!(data[1], serde_json::json!({"id": 5, "thread_id": 1, "content": "", "redacted": true}));
        assert_eq!(data[2], serde_json::json!({"id": 1, "title": "New title", "content": "new", "snippet": ""}));
        assert_eq!(data[4]["content"], "untouched");
        assert_eq!(log.len(), 5, "the events themselves stay");
        s.close().await;
    }
}

/// A stream resuming from the log reads its own workspace's events, none addressed to
/// someone else, in pages bounded by count and bytes that together miss nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_pages_through_one_workspace_exactly() {
    use weft_core::services::stream::replay;
    for b in backends() {
        let s = b.store.clone();
        let me = UserId(7);
        let mut expected = Vec::new();
        for i in 0..30i64 {
            let (ws, audience) = match i % 5 {
                0 => (2, Audience::workspace()),
                1 => (1, Audience::user(UserId(8))),
                2 => (1, Audience::user(me)),
                3 => (1, Audience::user(UserId(8)).and_user(me)),
                _ => (1, Audience::workspace()),
            };
            let e = NewEvent {
                workspace_id: WorkspaceId(ws),
                kind: "test_event",
                audience,
                payload: serde_json::json!({ "n": i, "filler": "x".repeat(1000) }),
                fanout: None,
            };
            let seq = s
                .write(move |tx| {
                    tx.append_event(&e, 1)?;
                    tx.event_head()
                })
                .await
                .unwrap();
            if ws == 1 && i % 5 != 1 {
                expected.push(seq);
            }
        }
        // Pages of at most 4 events and about 2,500 bytes (two or three of these events).
        let mut got = Vec::new();
        let mut after = 0;
        let mut pages = 0;
        loop {
            let page = s.read(move |tx| replay(tx, me, WorkspaceId(1), after, 4, 2500)).await.unwrap();
            assert!(page.events.len() <= 3, "{}: a page of {} events", s.backend(), page.events.len());
            assert!(page.through > after || page.events.is_empty(), "{}", s.backend());
            got.extend(page.events.iter().map(|e| e.seq));
            pages += 1;
            if page.events.is_empty() {
                assert_eq!(page.through, 30, "{}: an empty page reaches the head", s.backend());
                break;
            }
            after = page.through;
        }
        assert_eq!(got, expected, "{}", s.backend());
        assert!(pages > 5, "{}", s.backend());
        // A single event over the byte budget still comes, alone.
        let page = s.read(move |tx| replay(tx, me, WorkspaceId(1), 0, 4, 1)).await.unwrap();
        assert_eq!(page.events.len(), 1, "{}", s.backend());
        s.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_finds_a_time_by_bisection_and_reads_facts_from_payloads() {
    for b in backends() {
        let s = b.store.clone();
        let times = [10, 10, 20, 30, 30, 30, 40];
        let seqs = s
            .write(move |tx| {
                let mut seqs = Vec::new();
                for (i, t) in times.into_iter().enumerate() {
                    let e = NewEvent {
                        workspace_id: WorkspaceId(1),
                        kind: if i % 2 == 0 { "comment_added" } else { "push" },
                        audience: Audience::user(UserId(7)),
                        payload: serde_json::json!({"creator": 3, "posted_ts": t, "delivery": "urgent", "content": "x"}),
                        fanout: None,
                    };
                    tx.append_event(&e, t)?;
                    seqs.push(tx.event_head()?);
                }
                Ok(seqs)
            })
            .await
            .unwrap();
        let at = |t: i64| {
            let s = s.clone();
            async move { s.read(move |tx| tx.event_seq_at(t)).await.unwrap() }
        };
        assert_eq!(at(5).await, seqs[0], "{}", s.backend());
        assert_eq!(at(10).await, seqs[0]);
        assert_eq!(at(15).await, seqs[2]);
        assert_eq!(at(30).await, seqs[3]);
        assert_eq!(at(35).await, seqs[6]);
        assert_eq!(at(41).await, seqs[6] + 1, "after the newest: one past it");
        let (from, to) = (seqs[2], seqs[6]);
        let facts = s.read(move |tx| tx.event_facts(WorkspaceId(1), from, to, &["push"], None)).await.unwrap();
        assert_eq!(facts.len(), 2, "the pushes at 30 between seq 3 and 6: {facts:?}");
        let f = &facts[0];
        assert_eq!((f.kind.as_str(), f.ts, f.user, f.author, f.urgent), ("push", 30, Some(UserId(7)), None, true));
        // A comment added is a post by its creator (its own time is the event's).
        let posts = s.read(move |tx| tx.event_facts(WorkspaceId(1), from, to, &["comment_added"], None)).await.unwrap();
        assert_eq!(posts.len(), 2);
        assert!(posts.iter().all(|p| p.author == Some(UserId(3)) && !p.urgent), "{posts:?}");
        // One person's: the posts they wrote and the pushes for them.
        let of = |u: i64| {
            let s = s.clone();
            async move {
                s.read(move |tx| {
                    tx.event_facts(WorkspaceId(1), 0, i64::MAX, &["comment_added", "push"], Some(UserId(u)))
                })
                .await
                .unwrap()
                .len()
            }
        };
        assert_eq!(
            (of(3).await, of(7).await, of(9).await),
            (4, 7, 0),
            "3 wrote the 4 comments; all 7 events are for 7"
        );
        let none = s.read(move |tx| tx.event_facts(WorkspaceId(2), 0, i64::MAX, &["push"], None)).await.unwrap();
        assert!(none.is_empty(), "another workspace's");
        s.close().await;
    }
}

fn event_in(ws: i64, n: i64) -> NewEvent {
    NewEvent { workspace_id: WorkspaceId(ws), ..event(n) }
}

/// Jobs that keep to a workspace (`write_in`) have their events numbered as their batch
/// commits, in the jobs' order: still gap-free, a failing job's events gone with it. A job
/// that appends an event of another workspace fails, alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_jobs_are_numbered_at_commit_gap_free_and_kept_to_their_workspace() {
    for b in backends() {
        let s = b.store.clone();
        s.write(|tx| tx.append_event(&event_in(1, 0), 1)).await.unwrap();
        let mut handles = Vec::new();
        for i in 1..=12i64 {
            let s = s.clone();
            let ws = 1 + i % 2;
            handles.push(tokio::spawn(async move {
                s.write_in(WorkspaceId(ws), move |tx| {
                    tx.insert_user(&new_user(&format!("w{i}@x.org")))?;
                    // Job 6 strays into the other workspace; 9 fails by itself.
                    let into = if i == 6 { 3 - ws } else { ws };
                    tx.append_events(&[event_in(into, i), event_in(into, 100 + i)], 1)?;
                    if i == 9 { Err(Error::BadRequest("no".into())) } else { Ok(()) }
                })
                .await
            }));
        }
        let mut failed = Vec::new();
        for (i, h) in (1..).zip(handles) {
            match h.await.unwrap() {
                Ok(()) => {}
                Err(Error::Internal(why)) if i == 6 => {
                    assert!(why.contains("workspace"), "{}: {why}", s.backend());
                    failed.push(i)
                }
                Err(Error::BadRequest(_)) if i == 9 => failed.push(i),
                Err(e) => panic!("{}: job {i}: {e}", s.backend()),
            }
        }
        assert_eq!(failed, [6, 9], "{}", s.backend());
        assert_eq!(s.read(|tx| tx.user_count()).await.unwrap(), 10, "{}", s.backend());
        let events = s.read(|tx| tx.events_after(0, 100)).await.unwrap();
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=21).collect::<Vec<_>>(), "{}: gap-free", s.backend());
        for pair in events[1..].chunks(2) {
            let n = pair[0].data["n"].as_i64().unwrap();
            assert_eq!(pair[1].data["n"].as_i64(), Some(100 + n), "{}: a job's events stay together", s.backend());
            assert_eq!(pair[0].workspace_id, WorkspaceId(1 + n % 2), "{}", s.backend());
            assert!(n != 6 && n != 9, "{}: a failed job's event was kept", s.backend());
        }
        assert_eq!(*s.head().borrow(), 21, "{}", s.backend());
        s.close().await;
    }
}

/// Two nodes on one PostgreSQL database: while one holds a write of workspace 1 open, the
/// other commits a write of workspace 2, and its writes of workspace 1 and of everything
/// wait. The log stays gap-free and in commit order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_write_different_workspaces_at_once_and_one_workspace_in_turn() {
    let Some(base) = postgres_url() else { return };
    let url = weft_store::pg::create_scratch_database(&base).unwrap();
    let open = || weft_store::open(&Location::Postgres(url.clone()), Default::default()).unwrap();
    let (a, b, c) = (open(), open(), open());
    let waiting_locks = {
        let url = url.clone();
        move || {
            let mut c = weft_store::pg::open(&url, |_| {}).unwrap();
            let sql = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted";
            c.query_one(sql, &[]).unwrap().get::<_, i64>(0)
        }
    };
    // Node a: a write of workspace 1 that holds its transaction until let go.
    let (started, holding) = tokio::sync::oneshot::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let held = {
        let a = a.clone();
        tokio::spawn(async move {
            a.write_in(WorkspaceId(1), move |tx| {
                tx.append_event(&event_in(1, 1), 1)?;
                let _ = started.send(());
                released.recv().expect("the test lets the job go");
                Ok(())
            })
            .await
        })
    };
    holding.await.unwrap();
    // Node b writes workspace 2 meanwhile: it does not wait for a.
    let other = b.write_in(WorkspaceId(2), |tx| tx.append_event(&event_in(2, 2), 1));
    tokio::time::timeout(std::time::Duration::from_secs(30), other)
        .await
        .expect("a write of another workspace waited for the held one")
        .unwrap();
    // Its write of workspace 1 waits, and so does a third node's write of everything.
    let wait_for_locks = |n: i64| {
        let waiting_locks = waiting_locks.clone();
        tokio::task::spawn_blocking(move || {
            let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while waiting_locks() < n {
                assert!(std::time::Instant::now() < give_up, "the write never waited");
                std::thread::yield_now();
            }
        })
    };
    let same = tokio::spawn({
        let b = b.clone();
        async move { b.write_in(WorkspaceId(1), |tx| tx.append_event(&event_in(1, 3), 1)).await }
    });
    wait_for_locks(1).await.unwrap();
    let all = tokio::spawn({
        let c = c.clone();
        async move { c.write(|tx| tx.append_event(&event_in(2, 4), 1)).await }
    });
    wait_for_locks(2).await.unwrap();
    assert!(!same.is_finished() && !all.is_finished(), "a write went ahead of the held one");
    release.send(()).unwrap();
    held.await.unwrap().unwrap();
    same.await.unwrap().unwrap();
    all.await.unwrap().unwrap();
    let events = a.read(|tx| tx.events_after(0, 100)).await.unwrap();
    let order: Vec<(i64, i64)> = events.iter().map(|e| (e.seq, e.data["n"].as_i64().unwrap())).collect();
    assert_eq!(order, [(1, 2), (2, 1), (3, 3), (4, 4)], "numbered in commit order, gap-free");
    for node in [a, b, c] {
        node.close().await;
    }
    weft_store::pg::drop_scratch_database(&base, &url);
}

/// What the fan-out looks up about a job's people comes back right part by part, for
/// hundreds of people (each part goes in chunks of 250) and with a part that has nothing
/// to look up (no threads): on PostgreSQL the parts' queries travel together and their
/// answers are split again by count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_facts_answer_each_part_for_hundreds_of_people() {
    use weft_core::ChannelId;
    use weft_core::model::{ChannelNotifications, UserType};
    use weft_core::store::Membership;
    for b in backends() {
        let s = b.store.clone();
        let (people, ws, ch, facts) = s
            .write(move |tx| {
                let owner = tx.insert_user(&new_user("owner@example.test"))?;
                let ws = tx.insert_workspace("W", None, owner, 1)?;
                let mut people = Vec::new();
                for i in 0..600 {
                    let u = tx.insert_user(&new_user(&format!("p{i}@example.test")))?;
                    let user_type = if i % 3 == 0 { UserType::Guest } else { UserType::User };
                    let m = Membership { user_type, removed: false, pending: false, deactivated: i % 5 == 0 };
                    tx.put_membership(ws, u, m, 1)?;
                    people.push(u);
                }
                let ch = tx.insert_channel(&weft_core::store::NewChannel::plain(ws, owner, "c".into(), false, 1))?;
                let every_other: Vec<UserId> = people.iter().copied().step_by(2).collect();
                tx.add_channel_members(ch, &every_other)?;
                for u in people.iter().skip(7).step_by(100) {
                    tx.set_channel_notifications(ch, *u, ChannelNotifications::Direct)?;
                }
                let facts = tx.people_facts(&[ws], &[ch], &[], &people)?;
                Ok((people, ws, ch, facts))
            })
            .await
            .unwrap();
        let mut roles = facts.roles.clone();
        roles.sort_by_key(|(_, u, _)| *u);
        let expected: Vec<(WorkspaceId, UserId, UserType)> = people
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 5 != 0)
            .map(|(i, u)| (ws, *u, if i % 3 == 0 { UserType::Guest } else { UserType::User }))
            .collect();
        assert_eq!(roles, expected, "active members with their roles, deactivated ones left out");
        let mut members = facts.members.clone();
        members.sort();
        let expected: Vec<(ChannelId, UserId)> = people.iter().step_by(2).map(|u| (ch, *u)).collect();
        assert_eq!(members, expected);
        assert!(facts.mutes.is_empty());
        let mut levels = facts.levels.clone();
        levels.sort_by_key(|(_, u, _)| *u);
        let expected: Vec<_> =
            people.iter().skip(7).step_by(100).map(|u| (ch, *u, ChannelNotifications::Direct)).collect();
        assert_eq!(levels, expected);
    }
}

/// The post path's one lookup of a thread, its channel and the poster's membership answers
/// what the separate lookups answer — for a member with their own state of both (a starred
/// thread, a favourite channel, a notification level), a workspace member outside the
/// channel, and a stranger — and nothing for a thread that does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_seen_by_its_poster_is_what_the_separate_lookups_give() {
    use weft_core::ThreadId;
    use weft_core::model::{ChannelNotifications, Thread, UserType};
    use weft_core::store::{Membership, NewChannel, ThreadState};
    for b in backends() {
        let s = b.store.clone();
        s.write(move |tx| {
            let owner = tx.insert_user(&new_user("owner@example.test"))?;
            let outsider = tx.insert_user(&new_user("outsider@example.test"))?;
            let stranger = tx.insert_user(&new_user("stranger@example.test"))?;
            let ws = tx.insert_workspace("W", None, owner, 1)?;
            let admin = Membership { user_type: UserType::Admin, removed: false, pending: false, deactivated: false };
            tx.put_membership(ws, owner, admin, 1)?;
            tx.put_membership(ws, outsider, Membership { user_type: UserType::Guest, ..admin }, 1)?;
            let ch = tx.insert_channel(&NewChannel {
                workspace_id: ws,
                name: "private".into(),
                description: "d".into(),
                creator: owner,
                public: false,
                color: Some(3),
                icon: None,
                default_groups: vec![],
                default_recipients: vec![],
                use_default_recipients: false,
                emergency: false,
                expected_response_hours: Some(24),
                now: 1,
            })?;
            tx.add_channel_members(ch, &[owner])?;
            let thread = Thread {
                recipients: vec![outsider],
                participants: vec![owner, outsider, stranger],
                dri_id: Some(owner),
                ..Thread::draft((ch, ws), owner, "Offsite".into(), "Where?".into(), "Where?".into(), 5)
            };
            let id = tx.insert_thread(&thread)?;
            let state =
                ThreadState { starred: true, archived: false, muted_until_ts: Some(99), last_read_obj_index: -1 };
            tx.put_thread_state(id, owner, state)?;
            tx.set_channel_favorite(ch, owner, true)?;
            tx.set_channel_notifications(ch, owner, ChannelNotifications::Direct)?;
            for viewer in [owner, outsider, stranger] {
                let (t, c, m) = tx.thread_seen_by(id, viewer)?.expect("the thread exists");
                assert_eq!(Some(t.clone()), tx.thread(id, viewer)?, "the thread as {viewer:?} sees it");
                assert_eq!(Some((c.clone(), m)), tx.channel_seen_by(ch, viewer)?, "the channel as {viewer:?} sees it");
                // With the participants' sight: what the separate lookup gives of them (the
                // stranger, with no membership, has none).
                let (t2, c2, m2, sight) = tx.thread_and_participants_seen_by(id, viewer)?.expect("the thread exists");
                assert_eq!((t2, c2, m2), (t, c, m));
                let mut apart = tx.channel_sight_among(ws, Some(ch), &[owner, outsider, stranger])?;
                let mut sight = sight;
                sight.sort_by_key(|s| s.user);
                apart.sort_by_key(|s| s.user);
                assert_eq!(sight, apart);
                assert_eq!(
                    sight.iter().map(|s| (s.user, s.member)).collect::<Vec<_>>(),
                    [(owner, true), (outsider, false)]
                );
            }
            assert!(tx.thread_and_participants_seen_by(ThreadId(id.0 + 1000), owner)?.is_none());
            let (_, c, m) = tx.thread_seen_by(id, owner)?.unwrap();
            assert_eq!(
                (c.user_ids, c.is_favorited, c.notifications, m.map(|m| m.user_type)),
                (vec![owner], true, ChannelNotifications::Direct, Some(UserType::Admin))
            );
            let (_, c, m) = tx.thread_seen_by(id, stranger)?.unwrap();
            assert_eq!((c.user_ids, m), (vec![], None));
            assert!(tx.thread_seen_by(ThreadId(id.0 + 1000), owner)?.is_none());
            Ok(())
        })
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_comment_keeps_the_id_its_insert_answered_across_blocks_failed_jobs_and_nodes() {
    // PostgreSQL takes comment ids from the sequence ahead of the INSERT, a block at a time
    // per connection (`Conn::reserve_id`): more comments than a block, jobs that fail after
    // their insert, and (on PostgreSQL) a second node writing meanwhile must still leave
    // each comment under the id its insert answered, and no two under one.
    use weft_core::model::{Comment, Thread};
    use weft_core::store::ItemQuery;
    use weft_core::{CommentId, ThreadId};
    for b in backends() {
        let s = b.store.clone();
        let (ws, ch, thread, author) = s
            .write(|tx| {
                let author = tx.insert_user(&new_user("author@example.test"))?;
                let ws = tx.insert_workspace("W", None, author, 1)?;
                let ch =
                    tx.insert_channel(&weft_core::store::NewChannel::plain(ws, author, "general".into(), true, 1))?;
                let thread = Thread::draft((ch, ws), author, "T".into(), "x".into(), "x".into(), 1);
                Ok((ws, ch, tx.insert_thread(&thread)?, author))
            })
            .await
            .unwrap();
        let mut nodes = vec![s.clone()];
        if let Some((_, url)) = &b.scratch {
            nodes.push(weft_store::open(&Location::Postgres(url.clone()), Default::default()).unwrap());
        }
        let comment = move |i: i64| Comment::draft((thread, ch, ws), author, i + 1, format!("c{i}"), 2);
        let mut handles = Vec::new();
        for i in 0..150i64 {
            let node = nodes[i as usize % nodes.len()].clone();
            handles.push(tokio::spawn(async move {
                node.write(move |tx| {
                    let id = tx.insert_comment(&comment(i))?;
                    if i % 7 == 0 { Err(Error::BadRequest("rolled back".into())) } else { Ok((id, i)) }
                })
                .await
            }));
        }
        let mut kept = Vec::new();
        for h in handles {
            if let Ok(answer) = h.await.unwrap() {
                kept.push(answer);
            }
        }
        assert_eq!(kept.len(), 150 - 22, "{}: every job but the failing ones", s.backend());
        let ids: std::collections::HashSet<CommentId> = kept.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), kept.len(), "{}: no two comments answered one id", s.backend());
        let stored = s
            .read(move |tx| {
                tx.comments(ThreadId(thread.0), &ItemQuery { limit: 1000, ascending: true, ..Default::default() })
            })
            .await
            .unwrap();
        let mut stored: Vec<(CommentId, String)> = stored.into_iter().map(|c| (c.id, c.content)).collect();
        let mut answered: Vec<(CommentId, String)> = kept.iter().map(|(id, i)| (*id, format!("c{i}"))).collect();
        stored.sort();
        answered.sort();
        assert_eq!(stored, answered, "{}: each comment is under the id its insert answered", s.backend());
        for node in nodes {
            node.close().await;
        }
    }
}
