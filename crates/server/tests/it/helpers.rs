use serde_json::Value;
use std::sync::Arc;
use tempfile::TempDir;
use weft::limits::Rates;
use weft::{App, Config, Server, WorkerMode};
use weft_client::Client;
use weft_core::FakeClock;
use weft_core::model::User;
use weft_core::services::{auth, users};

/// The storage backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests may use (each test makes its own database in it).
pub fn postgres_url() -> Option<String> {
    match std::env::var("WEFT_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("WEFT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("WEFT_REQUIRE_POSTGRES=1 but WEFT_TEST_DATABASE_URL is not set");
            }
            None
        }
    }
}

/// Declares each test twice: on SQLite (always) and on PostgreSQL (when
/// `WEFT_TEST_DATABASE_URL` is set; required when `WEFT_REQUIRE_POSTGRES=1`).
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($b:ident: Backend) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($b: Backend) $body
            #[tokio::test]
            async fn sqlite() {
                run(Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_some() {
                    run(Backend::Postgres).await
                }
            }
        }
    )*};
}

/// 2026-11-23 09:00 UTC, a Monday.
pub const START: i64 = 1_795_424_400;

pub struct TestApp {
    pub server: Option<Server>,
    /// The scratch PostgreSQL database of this test, dropped at the end.
    pub database_url: Option<String>,
    pub base: String,
    pub clock: Arc<FakeClock>,
    pub dir: TempDir,
    /// A client without a token.
    pub anon: Client,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let base = postgres_url().expect("WEFT_TEST_DATABASE_URL");
                Some(weft_store::pg::create_scratch_database(&base).expect("create a scratch database"))
            }
        };
        let mut config = Config {
            data: dir.path().to_path_buf(),
            database_url: database_url.clone(),
            db_pool_size: 4,
            listen: "127.0.0.1:0".parse().unwrap(),
            workers: WorkerMode::OnDemand,
            // The test clock stands still unless a test moves it, so rate buckets would
            // never refill: no limits, but in the tests of the limits themselves.
            rates: Rates::off(),
            ..Config::default()
        };
        configure(&mut config);
        let store = config.open_store().expect("open store");
        let clock = Arc::new(FakeClock::at(START));
        let server = Server::start(config, store, clock.clone()).await.expect("server starts");
        let base = format!("http://{}", server.addr);
        TestApp { anon: Client::new(&base), server: Some(server), database_url, base, clock, dir }
    }

    /// The running node.
    pub fn node(&self) -> &Arc<App> {
        &self.server.as_ref().expect("the server is running").app
    }

    /// The pushes held for `user`, read once the fan-out has done every post so far.
    pub async fn pending_pushes(&self, user: i64) -> usize {
        self.node().fanned_out().await;
        let store = self.node().store.clone();
        store.read(move |tx| tx.pending_pushes_of(weft_core::UserId(user))).await.unwrap().len()
    }

    /// What every node does each tick (the scheduler, the mailer, retention), once. Test servers
    /// run their workers only when stepped: nothing runs meanwhile.
    pub async fn step_workers(&self) {
        self.node().workers().step_all().await.expect("a step of the workers");
    }

    /// Creates an account (password hashed with production parameters) and signs it in.
    pub async fn user(&self, name: &str) -> (Client, User) {
        let email = format!("{}@example.test", name.to_lowercase().replace(' ', "."));
        let password = format!("password-{name}");
        let hash = auth::hash_password(&password).unwrap();
        let store = self.server.as_ref().unwrap().app.store.clone();
        let account = users::NewAccount {
            email: weft_core::input::Email::parse(&email).unwrap(),
            name: name.to_string(),
            password_hash: hash,
            timezone: None,
        };
        let now = START;
        store.write(move |tx| users::create(tx, account, now)).await.expect("create user");
        self.anon.login(&email, &password).await.expect("login")
    }

    /// Creates an account without signing it in (no password hashing: fast). Its password
    /// hash is not a valid argon2 hash, so nobody can sign in with a password.
    pub async fn account(&self, name: &str) -> User {
        let email = format!("{}@example.test", name.to_lowercase().replace(' ', "."));
        let store = self.server.as_ref().unwrap().app.store.clone();
        let account = users::NewAccount {
            email: weft_core::input::Email::parse(&email).unwrap(),
            name: name.to_string(),
            password_hash: "!".to_string(),
            timezone: None,
        };
        store.write(move |tx| users::create(tx, account, START)).await.expect("create user")
    }

    /// A new session of an existing account, issued directly by the store (no password check).
    pub async fn session(&self, user_id: i64) -> Client {
        let (token, hash) = auth::new_token().unwrap();
        let store = self.server.as_ref().unwrap().app.store.clone();
        let t = token.clone();
        store
            .write(move |tx| users::issue_token(tx, weft_core::UserId(user_id), &t, &hash, START))
            .await
            .expect("issue token");
        self.anon.with_token(&token)
    }

    /// Makes an existing account an active member: the admin invites them, they accept
    /// (through a session of their own). Answers their membership.
    pub async fn join(&self, admin: &Client, ws: i64, user_id: i64, role: &str) -> Value {
        let session = self.session(user_id).await;
        let user = session.get("users/get_session_user", serde_json::json!({})).await.expect("session user");
        let email = user["email"].as_str().expect("email").to_string();
        admin.add_member(ws, &email, role).await.expect("invite");
        session.post("workspace_users/accept_invite", serde_json::json!({"id": ws})).await.expect("accept");
        admin.get("workspace_users/getone", serde_json::json!({"id": ws, "user_id": user_id})).await.expect("member")
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let (Some(base), Some(url)) = (postgres_url(), &self.database_url) {
            weft_store::pg::drop_scratch_database(&base, url);
        }
    }
}

/// Sends one API call the way Twist clients do: GET parameters in the query string (lists
/// comma-joined), POST parameters as a JSON body. Answers the status and the body (JSON if
/// it parses, else a string); status 0 means the connection failed or was dropped.
pub async fn call(client: &Client, verb: weft::api::Verb, path: &str, params: &Value) -> (u16, Value) {
    let http = client.http();
    if path == "attachments/upload" {
        // A file travels in a multipart body: `file` is its content, the rest text parts.
        let mut parts: Vec<(String, Part)> = Vec::new();
        for (k, v) in flat_params(params) {
            let part = if k == "file" {
                Part::file("upload.bin", "application/octet-stream", v.into_bytes())
            } else {
                Part::text(&v)
            };
            parts.push((k, part));
        }
        return upload_parts(client, &parts).await;
    }
    let req = match verb {
        weft::api::Verb::Get => http.get(client.url(path)).query(&flat_params(params)),
        weft::api::Verb::Post => http.post(client.url(path)).json(params),
    };
    client.send(req).await.unwrap_or_else(|e| (0, e.body))
}

/// Parameters as strings, as a query string or a form carries them.
pub fn flat_params(params: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Value::Object(map) = params {
        for (k, v) in map {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) if items.iter().all(|i| i.is_number()) => {
                    items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
                }
                Value::Null => continue,
                other => other.to_string(),
            };
            out.push((k.clone(), s));
        }
    }
    out
}

/// The id field of a JSON object.
pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A small team: Ana (admin, creator), Bo (member), Gus (guest, only in #guests),
/// and Oz, who belongs to another workspace.
pub struct Team {
    pub app: TestApp,
    pub ana: Client,
    pub bo: Client,
    pub gus: Client,
    pub oz: Client,
    pub ana_id: i64,
    pub bo_id: i64,
    pub gus_id: i64,
    pub oz_id: i64,
    pub ws: i64,
    pub other_ws: i64,
    /// #general: public, everyone but the guest.
    pub general: i64,
    /// #private: private, only Ana.
    pub private: i64,
    /// #guests: private, Ana and Gus.
    pub guests: i64,
}

impl Team {
    pub async fn on(backend: Backend) -> Team {
        Self::on_with(backend, |_| {}).await
    }

    /// The team on a server configured by `configure`.
    pub async fn on_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Team {
        let app = TestApp::spawn_with(backend, configure).await;
        let (ana, a) = app.user("Ana").await;
        let (bo, b) = app.user("Bo").await;
        let (gus, g) = app.user("Gus").await;
        let (oz, o) = app.user("Oz").await;
        let ws = ana.add_workspace("Acme").await.unwrap();
        let other = oz.add_workspace("Elsewhere").await.unwrap();
        app.join(&ana, ws.id.0, b.id.0, "USER").await;
        app.join(&ana, ws.id.0, g.id.0, "GUEST").await;
        let private = ana.add_channel(ws.id.0, "private", false, &[]).await.unwrap();
        let guests = ana.add_channel(ws.id.0, "guests", false, &[g.id.0]).await.unwrap();
        Team {
            ana_id: a.id.0,
            bo_id: b.id.0,
            gus_id: g.id.0,
            oz_id: o.id.0,
            ws: ws.id.0,
            other_ws: other.id.0,
            general: ws.default_channel.unwrap().0,
            private: private.id.0,
            guests: guests.id.0,
            app,
            ana,
            bo,
            gus,
            oz,
        }
    }
}

impl TestApp {
    /// Another Weft node on the same PostgreSQL database, as behind a load balancer.
    pub async fn second_node(&self) -> Server {
        self.second_node_with(|_| {}).await
    }

    /// A second node configured by `configure`.
    pub async fn second_node_with(&self, configure: impl FnOnce(&mut Config)) -> Server {
        let mut config = Config {
            data: self.dir.path().join("node2"),
            database_url: self.database_url.clone(),
            db_pool_size: 4,
            listen: "127.0.0.1:0".parse().unwrap(),
            workers: WorkerMode::OnDemand,
            rates: Rates::off(),
            ..Config::default()
        };
        configure(&mut config);
        let store = config.open_store().expect("open store");
        Server::start(config, store, self.clock.clone()).await.expect("second node starts")
    }
}

/// A TCP proxy in front of PostgreSQL that a test can cut and restore, to play a database
/// outage without touching the real server. It runs on its own runtime: the store's
/// synchronous client may block the test's runtime while it connects.
pub struct Proxy {
    pub addr: std::net::SocketAddr,
    up: Arc<std::sync::atomic::AtomicBool>,
    links: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    pub fn start(target: String) -> Proxy {
        use std::sync::atomic::Ordering;
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let up = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let links: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>> = Default::default();
        let (up2, links2) = (up.clone(), links.clone());
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection close at once
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                links2.lock().unwrap().push(task.abort_handle());
            }
        });
        Proxy { addr, up, links, runtime: Some(runtime) }
    }

    /// Drops every open connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    pub fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// `host:port` of a postgres:// URL (5432 when absent).
pub fn host_port(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let rest = rest.rsplit('@').next().unwrap_or(rest);
    let hp = rest.split(['/', '?']).next().unwrap_or(rest);
    if hp.contains(':') { hp.to_string() } else { format!("{hp}:5432") }
}

/// One part of a multipart/form-data body.
pub struct Part {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Part {
    pub fn text(value: &str) -> Part {
        Part { file_name: None, content_type: None, bytes: value.as_bytes().to_vec() }
    }
    pub fn file(name: &str, content_type: &str, bytes: Vec<u8>) -> Part {
        Part { file_name: Some(name.into()), content_type: Some(content_type.into()), bytes }
    }
}

pub const BOUNDARY: &str = "weft-test-boundary-7d1c9a";

/// A multipart/form-data body of these parts.
pub fn multipart_body(parts: &[(String, Part)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, p) in parts {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        if let Some(f) = &p.file_name {
            body.extend(format!("; filename=\"{f}\"").as_bytes());
        }
        body.extend(b"\r\n");
        if let Some(ct) = &p.content_type {
            body.extend(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        body.extend(b"\r\n");
        body.extend(&p.bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart body to attachments/upload.
pub async fn upload_parts(client: &Client, parts: &[(String, Part)]) -> (u16, Value) {
    let req = client
        .http()
        .post(client.url("attachments/upload"))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(multipart_body(parts));
    client.send(req).await.unwrap_or_else(|e| (0, e.body))
}

/// Uploads a file as Twist's clients do; answers the Attachment object (panics otherwise).
pub async fn upload(client: &Client, id: &str, name: &str, content_type: &str, bytes: Vec<u8>) -> Value {
    let parts = vec![
        ("attachment_id".to_string(), Part::text(id)),
        ("file_name".to_string(), Part::text(name)),
        ("file".to_string(), Part::file(name, content_type, bytes)),
    ];
    match upload_parts(client, &parts).await {
        (200, v) => v,
        (status, body) => panic!("upload of {name} failed: {status} {body}"),
    }
}

/// Every text stored in `app`'s database, joined: a secret must be found nowhere in it.
pub async fn database_text(app: &TestApp) -> String {
    let location = app.node().config.location();
    tokio::task::spawn_blocking(move || weft_store::stored_text(&location)).await.unwrap().unwrap()
}
