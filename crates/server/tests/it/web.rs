//! The browser surface: first-run setup, sign-in through the real forms, the session
//! cookie with its CSRF defence, security headers, the app's files and `markdown/render`.

use crate::helpers::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

/// A browser-like client that follows no redirects, so each answer can be looked at.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The session cookie a response sets (empty when it clears it).
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.strip_prefix("weft_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_string())
    })
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// The first account and workspace, made through the setup form; answers the session cookie.
async fn set_up(t: &TestApp, b: &reqwest::Client) -> String {
    let r = b
        .post(format!("{}/setup", t.base))
        .form(&[
            ("name", "Ana Lima"),
            ("email", "ana@acme.test"),
            ("password", "correct horse"),
            ("timezone", "Europe/Lisbon"),
            ("workspace", "Acme"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    assert_eq!(location(&r), "/");
    let cookie = session_cookie(&r).expect("a session cookie");
    let header = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(header.contains("HttpOnly") && header.contains("SameSite=Lax"), "{header}");
    assert!(!header.contains("Secure"), "plain HTTP: {header}");
    cookie
}

/// The app's page for a session: its HTML and the CSRF token in it.
async fn app_page(t: &TestApp, b: &reqwest::Client, cookie: &str) -> (String, String) {
    let r = b.get(format!("{}/a/1/inbox", t.base)).header("cookie", format!("weft_session={cookie}")).send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let csrf = html.split("name=\"csrf-token\" content=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (html, csrf)
}

async fn api(
    t: &TestApp,
    b: &reqwest::Client,
    cookie: &str,
    csrf: Option<&str>,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let mut req = b.post(format!("{}/api/v3/{path}", t.base)).header("cookie", format!("weft_session={cookie}"));
    if let Some(c) = csrf {
        req = req.header("x-csrf-token", c);
    }
    let r = req.json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

both_backends! {
    async fn a_fresh_instance_is_set_up_from_the_browser(backend: Backend) {
        let t = TestApp::spawn(backend).await;
        let b = browser();
        for path in ["/", "/a/1/inbox", "/login"] {
            let r = b.get(format!("{}{path}", t.base)).send().await.unwrap();
            assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/setup".into()), "{path}");
        }
        let form = b.get(format!("{}/setup", t.base)).send().await.unwrap().text().await.unwrap();
        assert!(form.contains("<form method=\"post\" action=\"/setup\""), "{form}");

        // A mistake keeps what was typed (but the password) and creates nothing.
        let r = b
            .post(format!("{}/setup", t.base))
            .form(&[("name", "Ana"), ("email", "ana@acme.test"), ("password", "short"), ("workspace", "Acme")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let page = r.text().await.unwrap();
        assert!(page.contains("role=\"alert\"") && page.contains("password"), "{page}");
        assert!(page.contains("value=\"ana@acme.test\""), "{page}");
        assert_eq!(t.node().store.read(|tx| tx.user_count()).await.unwrap(), 0);

        let cookie = set_up(&t, &b).await;
        let (html, csrf) = app_page(&t, &b, &cookie).await;
        assert!(html.contains("<script type=\"module\" src=\"/assets/app."), "{html}");
        let (status, me) = api(&t, &b, &cookie, Some(&csrf), "users/get_session_user", json!({})).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!((me["name"].as_str(), me["timezone"].as_str()), (Some("Ana Lima"), Some("Europe/Lisbon")));
        let (_, workspaces) = api(&t, &b, &cookie, Some(&csrf), "workspaces/get", json!({})).await;
        assert_eq!(workspaces[0]["name"], "Acme");
        let (_, member) =
            api(&t, &b, &cookie, Some(&csrf), "workspace_users/getone", json!({"id": workspaces[0]["id"], "user_id": me["id"]}))
                .await;
        assert_eq!(member["user_type"], "ADMIN", "{member}");

        // Setup is gone once an account exists: no second administrator through it.
        let r = b.get(format!("{}/setup", t.base)).send().await.unwrap();
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/login".into()));
        let r = b
            .post(format!("{}/setup", t.base))
            .form(&[("name", "Eve"), ("email", "eve@evil.test"), ("password", "correct horse"), ("workspace", "X")])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&r), "/login");
        assert!(session_cookie(&r).is_none());
        assert_eq!(t.node().store.read(|tx| tx.user_count()).await.unwrap(), 1);
        t.stop().await;
    }

    async fn signing_in_and_out_through_the_forms(backend: Backend) {
        let t = TestApp::spawn(backend).await;
        let b = browser();
        set_up(&t, &b).await;
        let r = b.get(format!("{}/a/1/ch/2/t/3?x=1", t.base)).send().await.unwrap();
        assert_eq!(location(&r), "/login?next=%2Fa%2F1%2Fch%2F2%2Ft%2F3%3Fx%3D1");

        let wrong = b
            .post(format!("{}/login", t.base))
            .form(&[("email", "ana@acme.test"), ("password", "wrong horse"), ("next", "/a/1")])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        assert!(session_cookie(&wrong).is_none());
        assert!(wrong.text().await.unwrap().contains("Wrong email or password"));

        // Back where the person was going; never to another site.
        let sign_in = |next: &'static str| {
            b.post(format!("{}/login", t.base))
                .form(&[("email", "ana@acme.test"), ("password", "correct horse"), ("next", next)])
                .send()
        };
        let r = sign_in("/a/1/ch/2/t/3").await.unwrap();
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/a/1/ch/2/t/3".into()));
        for hostile in ["//evil.test/x", "https://evil.test/", "/\\evil.test"] {
            assert_eq!(location(&sign_in(hostile).await.unwrap()), "/", "{hostile}");
        }
        let cookie = session_cookie(&sign_in("/").await.unwrap()).unwrap();
        let (_, csrf) = app_page(&t, &b, &cookie).await;

        // Signing out needs the page's token, then the cookie's token works nowhere.
        let forged = b
            .post(format!("{}/logout", t.base))
            .header("cookie", format!("weft_session={cookie}"))
            .form(&[("csrf", "0123")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert_eq!(api(&t, &b, &cookie, Some(&csrf), "users/get_session_user", json!({})).await.0, 200);
        let out = b
            .post(format!("{}/logout", t.base))
            .header("cookie", format!("weft_session={cookie}"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!((out.status(), location(&out)), (StatusCode::SEE_OTHER, "/login".into()));
        assert_eq!(session_cookie(&out).as_deref(), Some(""));
        let (status, body) = api(&t, &b, &cookie, Some(&csrf), "users/get_session_user", json!({})).await;
        assert_eq!((status, body["error_code"].as_i64()), (401, Some(120)), "an ended session: {body}");
        let r = b.get(format!("{}/", t.base)).header("cookie", format!("weft_session={cookie}")).send().await.unwrap();
        assert!(location(&r).starts_with("/login"));
        t.stop().await;
    }

    async fn the_session_cookie_needs_the_csrf_token_and_cross_site_forms_are_refused(backend: Backend) {
        let t = TestApp::spawn(backend).await;
        let b = browser();
        let cookie = set_up(&t, &b).await;
        let (_, csrf) = app_page(&t, &b, &cookie).await;
        let (_, ws) = api(&t, &b, &cookie, Some(&csrf), "workspaces/get", json!({})).await;
        let ws = ws[0]["id"].clone();

        // Without the token (a forged cross-site request), or with another session's: refused, nothing written.
        let add = json!({"workspace_id": ws, "name": "Forged"});
        let (status, body) = api(&t, &b, &cookie, None, "channels/add", add.clone()).await;
        assert_eq!(status, 403, "{body}");
        assert!(body["error_string"].as_str().unwrap().contains("CSRF"), "{body}");
        let other = session_cookie(
            &b.post(format!("{}/login", t.base))
                .form(&[("email", "ana@acme.test"), ("password", "correct horse")])
                .send()
                .await
                .unwrap(),
        )
        .unwrap();
        let (_, other_csrf) = app_page(&t, &b, &other).await;
        assert_ne!(other_csrf, csrf);
        assert_eq!(api(&t, &b, &cookie, Some(&other_csrf), "channels/add", add.clone()).await.0, 403);
        let (_, channels) = api(&t, &b, &cookie, Some(&csrf), "channels/get", json!({"workspace_id": ws})).await;
        assert!(channels.as_array().unwrap().iter().all(|c| c["name"] != "Forged"), "{channels}");
        assert_eq!(api(&t, &b, &cookie, Some(&csrf), "channels/add", add).await.0, 200);

        // A bearer token needs no CSRF token: API clients keep working.
        let (client, _) = t.anon.login("ana@acme.test", "correct horse").await.unwrap();
        client.post("workspaces/get", json!({})).await.unwrap();

        // The sign-in and setup forms refuse posts the browser marks as cross-site.
        for (name, value) in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.test")] {
            let r = b
                .post(format!("{}/login", t.base))
                .header(name, value)
                .form(&[("email", "ana@acme.test"), ("password", "correct horse")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
            assert!(session_cookie(&r).is_none());
        }

        // Nor may another site sign the person out (its post arrives without the cookie).
        let r = b.post(format!("{}/logout", t.base)).header("sec-fetch-site", "cross-site").form(&[("csrf", "x")]).send();
        let r = r.await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(session_cookie(&r).is_none(), "a cross-site post must not clear the cookie");

        // The event stream opens with the cookie alone (EventSource sends no headers).
        let r = b
            .get(format!("{}/api/v3/events/stream?workspace_id={ws}", t.base))
            .header("cookie", format!("weft_session={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "text/event-stream");
        t.stop().await;
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let b = browser();
    let too_large = vec![b'x'; weft::app::MAX_BODY_BYTES + 1];
    for (path, body) in [
        ("/setup", None),
        ("/api/v3/openapi.json", None),
        ("/api/v3/users/get_session_user", None),
        ("/api/v3/users/login", Some(too_large)),
        ("/health", None),
        ("/nowhere", None),
    ] {
        let r = match body {
            Some(bytes) => b.post(format!("{}{path}", t.base)).body(bytes).send().await.unwrap(),
            None => b.get(format!("{}{path}", t.base)).send().await.unwrap(),
        };
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for directive in ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
    }
    t.stop().await;
}

#[tokio::test]
async fn the_app_files_are_compressed_and_cached_for_good() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let b = browser();
    let cookie = set_up(&t, &b).await;
    let (html, _) = app_page(&t, &b, &cookie).await;
    let script = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let style = html.split("rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    for (url, content_type) in [(&script, "text/javascript"), (&style, "text/css")] {
        for (accept, encoding) in [("br, gzip", Some("br")), ("gzip", Some("gzip")), ("identity", None)] {
            let mut headers = HeaderMap::new();
            headers.insert("accept-encoding", HeaderValue::from_static(accept));
            let r = b.get(format!("{}{url}", t.base)).headers(headers).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{url}");
            let h = r.headers();
            assert!(h["content-type"].to_str().unwrap().starts_with(content_type), "{url}");
            assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
            assert_eq!(h.get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{url} {accept}");
        }
    }
    // A name from before an upgrade, or no hash at all: not found rather than the wrong file.
    let stale = script.replace("/assets/app.", "/assets/app.0");
    assert_eq!(b.get(format!("{}{stale}", t.base)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(b.get(format!("{}/assets/app.js", t.base)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn markdown_is_rendered_once_by_the_server() {
    let t = TestApp::spawn(Backend::Sqlite).await;
    let (ana, _) = t.user("Ana").await;
    let texts = json!([
        "**bold** and [a link](https://example.test)",
        "<script>alert(1)</script><img src=x onerror=alert(1)>",
        "`code`"
    ]);
    let out = ana.post("markdown/render", json!({"texts": texts})).await.unwrap();
    let html: Vec<&str> = out["html"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    assert_eq!(html.len(), 3);
    assert!(
        html[0].contains("<strong>bold</strong>") && html[0].contains("rel=\"noopener noreferrer nofollow\""),
        "{}",
        html[0]
    );
    assert!(!html[1].contains("<script") && !html[1].contains("onerror"), "{}", html[1]);
    assert!(html[2].contains("<code>code</code>"));

    let too_many: Vec<&str> = vec!["x"; 501];
    let e = ana.post("markdown/render", json!({"texts": too_many})).await.unwrap_err();
    assert_eq!(e.code(), 20, "{e:?}");
    let e = t.anon.post("markdown/render", json!({"texts": ["x"]})).await.unwrap_err();
    assert_eq!(e.status, 401);
    t.stop().await;
}
