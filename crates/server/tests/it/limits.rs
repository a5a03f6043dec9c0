//! Rate limits and the brake on password guessing, as a flood would meet them: 429 with
//! `Retry-After`, nothing done, and the same request accepted once the bucket refilled.

use crate::helpers::*;
use serde_json::json;
use weft::limits::Rates;

both_backends! {
    async fn writes_and_searches_are_limited_per_person_and_per_address(b: Backend) {
        let rates = Rates { writes_per_user: 5, writes_per_address: 8, searches_per_user: 2, ..Rates::off() };
        let app = TestApp::spawn_with(b, |c| c.rates = rates).await;
        let (ana, _) = app.user("Ana").await;
        let (bo, _) = app.user("Bo").await;
        let ws = ana.add_workspace("Acme").await.unwrap().id;
        for i in 0..4 {
            ana.post("users/update", json!({"name": format!("Ana {i}")})).await.unwrap();
        }
        // The sixth write in the same minute: refused, with when to come back, and not done.
        let err = ana.post("users/update", json!({"name": "Ana Six"})).await.unwrap_err();
        assert_eq!((err.status, err.code()), (429, 114), "{err}");
        assert_eq!(err.body["error_extra"]["retry_after"], 12, "one write every 12 s at 5 a minute");
        let raw = ana.http().post(ana.url("users/heartbeat")).bearer_auth(ana.token().unwrap()).send().await.unwrap();
        assert_eq!(raw.status(), 429);
        assert_eq!(raw.headers()["retry-after"], "12");
        let me = ana.get("users/get_session_user", json!({})).await.unwrap();
        assert_eq!(me["name"], "Ana 3", "the refused write changed nothing");
        // Reads are not writes.
        for _ in 0..20 {
            ana.get("users/get_session_user", json!({})).await.unwrap();
        }
        // Bo has his own bucket, but the address they share allows 8 a minute in all.
        for _ in 0..3 {
            bo.post("users/update", json!({"name": "Bo"})).await.unwrap();
        }
        assert_eq!(bo.post("users/update", json!({"name": "Bo"})).await.unwrap_err().status, 429);

        // A minute later, full again; each call in a batch counts against the same bucket.
        app.clock.advance_secs(60);
        let update = |name: &str| json!({"method": "POST", "url": "/api/v3/users/update", "body": format!("name={name}")});
        let requests: Vec<_> = (0..7).map(|i| update(&format!("Batch{i}"))).collect();
        let answers = ana.post("batch", json!({"requests": requests})).await.unwrap();
        let codes: Vec<i64> = answers.as_array().unwrap().iter().map(|a| a["code"].as_i64().unwrap()).collect();
        assert_eq!(codes, [200, 200, 200, 200, 200, 429, 429]);
        assert_eq!(ana.get("users/get_session_user", json!({})).await.unwrap()["name"], "Batch4");

        // Searches have a bucket of their own.
        for _ in 0..2 {
            ana.get("search", json!({"workspace_id": ws, "query": "hello"})).await.unwrap();
        }
        assert_eq!(ana.get("search", json!({"workspace_id": ws, "query": "hello"})).await.unwrap_err().status, 429);
        app.stop().await;
    }

    async fn sign_ins_are_limited_per_address(b: Backend) {
        let app = TestApp::spawn_with(b, |c| c.rates = Rates { sign_ins_per_address: 3, ..Rates::off() }).await;
        let (_, user) = app.user("Ana").await; // one sign-in
        for _ in 0..2 {
            app.anon.login(&user.email, "password-Ana").await.unwrap();
        }
        let err = app.anon.login(&user.email, "password-Ana").await.unwrap_err();
        assert_eq!(err.status, 429, "{err}");
        app.clock.advance_secs(20);
        app.anon.login(&user.email, "password-Ana").await.unwrap();
        app.stop().await;
    }

    async fn a_burst_of_concurrent_guesses_gets_five_password_checks_and_the_owner_still_signs_in(b: Backend) {
        let app = TestApp::spawn(b).await;
        let (_, user) = app.user("Ana").await;
        let guesses = (0..60).map(|i| {
            let anon = app.anon.clone();
            let email = user.email.clone();
            async move { anon.login(&email, &format!("guess-{i}")).await.unwrap_err().status }
        });
        let statuses = futures_join_all(guesses).await;
        let checked = statuses.iter().filter(|s| **s == 400).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!((checked, refused), (5, 55), "only five guesses reach the password check: {statuses:?}");
        // Not a lock: the owner gets in after the short wait.
        app.clock.advance_secs(2);
        app.anon.login(&user.email, "password-Ana").await.unwrap();
        app.stop().await;
    }
}

/// Runs futures concurrently on the test's runtime, answering their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
