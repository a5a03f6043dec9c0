use serde_json::Value;
use std::sync::Arc;
use tempfile::TempDir;
use weft::{Config, Server};
use weft_client::Client;
use weft_core::FakeClock;
use weft_core::model::User;
use weft_core::services::{auth, users};

/// 2026-11-23 09:00 UTC, a Monday.
pub const START: i64 = 1_795_424_400;

pub struct TestApp {
    pub server: Option<Server>,
    pub base: String,
    pub clock: Arc<FakeClock>,
    pub dir: TempDir,
    /// A client without a token.
    pub anon: Client,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config { data: dir.path().to_path_buf(), listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() };
        configure(&mut config);
        let store = weft_store::open_sqlite(&config.data).expect("open store");
        let clock = Arc::new(FakeClock::at(START));
        let server = Server::start(config, store, clock.clone()).await.expect("server starts");
        let base = format!("http://{}", server.addr);
        TestApp { anon: Client::new(&base), server: Some(server), base, clock, dir }
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

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
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
    pub async fn new() -> Team {
        let app = TestApp::spawn().await;
        let (ana, a) = app.user("Ana").await;
        let (bo, b) = app.user("Bo").await;
        let (gus, g) = app.user("Gus").await;
        let (oz, o) = app.user("Oz").await;
        let ws = ana.add_workspace("Acme").await.unwrap();
        let other = oz.add_workspace("Elsewhere").await.unwrap();
        ana.add_member(ws.id.0, &b.email, "USER").await.unwrap();
        ana.add_member(ws.id.0, &g.email, "GUEST").await.unwrap();
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
