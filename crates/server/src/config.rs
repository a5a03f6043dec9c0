//! Configuration: one typed struct, layered as defaults → `weft.toml` → `WEFT_*`
//! environment variables → command-line flags.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA: &str = "./weft-data";
pub const DEFAULT_CONFIG_FILE: &str = "weft.toml";
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 60;
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: usize = 500;
pub const DEFAULT_MAX_STREAMS_PER_USER: usize = 50;
pub const DEFAULT_EVENT_FEED_MB: usize = 64;
pub const MB: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where the embedded database lives.
    pub data: PathBuf,
    /// PostgreSQL instead of the embedded database, e.g. `postgres://weft@db/weft`.
    pub database_url: Option<String>,
    /// Reader connections to PostgreSQL per node (writes use one more).
    pub db_pool_size: usize,
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Anyone may create an account with `users/register`.
    pub open_registration: bool,
    /// Reverse proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// `tracing` filter, e.g. `info` or `weft=debug`.
    pub log: String,
    /// Where people reach this server, for links in email (default: the listen address).
    pub public_url: Option<String>,
    /// The SMTP server email goes through, e.g. `smtp://mail:587?tls=required`; no email
    /// without it.
    pub smtp_url: Option<String>,
    /// The sender of email, e.g. `Weft <weft@example.com>`.
    pub mail_from: Option<String>,
    /// Serve the web app's files from this folder, read at each request, instead of the
    /// copy built into the binary (for working on the app: `web/dist`).
    pub web_dir: Option<PathBuf>,
    /// A connection must send a request's whole head within this time of opening or of
    /// its previous answer; slow senders and idle keep-alive connections are closed.
    pub header_timeout: Duration,
    /// A request's body must arrive whole within this time of its head (else 408).
    pub body_timeout: Duration,
    /// Open connections at most, overall (keep it below the process's file limit).
    pub max_connections: usize,
    /// Open connections at most from one client address (trusted proxies are exempt).
    pub max_connections_per_address: usize,
    /// Event streams and waiting long polls one user may hold open on a node.
    pub max_streams_per_user: usize,
    /// The memory the feed of recent events may take, in bytes; streams further behind
    /// read the log.
    pub event_feed_bytes: usize,
    /// Whether the background workers (scheduler, mailer) run every tick or only when
    /// stepped. Not a setting: tests step them.
    pub workers: crate::workers::WorkerMode,
}

impl Config {
    /// Where the data lives, as the store needs it.
    pub fn location(&self) -> weft_store::Location {
        match &self.database_url {
            Some(url) => weft_store::Location::Postgres(url.clone()),
            None => weft_store::Location::Sqlite(self.data.clone()),
        }
    }

    pub fn pg_options(&self) -> weft_store::pg::PgOptions {
        weft_store::pg::PgOptions { readers: self.db_pool_size.max(1), ..Default::default() }
    }

    /// Timeouts and caps of zero would refuse everything.
    pub fn check_limits(&self) -> Result<(), String> {
        let zero = [
            ("header_timeout_secs", self.header_timeout.is_zero()),
            ("body_timeout_secs", self.body_timeout.is_zero()),
            ("max_connections", self.max_connections == 0),
            ("max_connections_per_address", self.max_connections_per_address == 0),
            ("max_streams_per_user", self.max_streams_per_user == 0),
            ("event_feed_mb", self.event_feed_bytes == 0),
        ];
        match zero.iter().find(|(_, is_zero)| *is_zero) {
            Some((name, _)) => Err(format!("{name} must be at least 1")),
            None => Ok(()),
        }
    }

    pub fn open_store(&self) -> weft_core::Result<std::sync::Arc<dyn weft_core::store::Store>> {
        weft_store::open(&self.location(), self.pg_options())
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from(DEFAULT_DATA),
            database_url: None,
            db_pool_size: 8,
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            open_registration: false,
            trusted_proxies: Vec::new(),
            log: "info".into(),
            public_url: None,
            smtp_url: None,
            mail_from: None,
            web_dir: None,
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            max_streams_per_user: DEFAULT_MAX_STREAMS_PER_USER,
            event_feed_bytes: DEFAULT_EVENT_FEED_MB * MB,
            workers: crate::workers::WorkerMode::Background,
        }
    }
}

/// The optional file, every key optional.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data: Option<PathBuf>,
    pub database_url: Option<String>,
    pub db_pool_size: Option<usize>,
    pub listen: Option<SocketAddr>,
    pub open_registration: Option<bool>,
    pub trusted_proxies: Option<Vec<IpAddr>>,
    pub log: Option<String>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub web_dir: Option<PathBuf>,
    pub header_timeout_secs: Option<u64>,
    pub body_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
    pub max_connections_per_address: Option<usize>,
    pub max_streams_per_user: Option<usize>,
    pub event_feed_mb: Option<usize>,
}

impl FileConfig {
    /// Reads `path`; a missing default file is fine, a missing named file is an error.
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(FileConfig::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Applies the file over the defaults.
    pub fn apply(self, mut c: Config) -> Config {
        if let Some(v) = self.data {
            c.data = v;
        }
        if let Some(v) = self.database_url {
            c.database_url = Some(v);
        }
        if let Some(v) = self.db_pool_size {
            c.db_pool_size = v;
        }
        if let Some(v) = self.listen {
            c.listen = v;
        }
        if let Some(v) = self.open_registration {
            c.open_registration = v;
        }
        if let Some(v) = self.trusted_proxies {
            c.trusted_proxies = v;
        }
        if let Some(v) = self.log {
            c.log = v;
        }
        if let Some(v) = self.public_url {
            c.public_url = Some(v);
        }
        if let Some(v) = self.smtp_url {
            c.smtp_url = Some(v);
        }
        if let Some(v) = self.mail_from {
            c.mail_from = Some(v);
        }
        if let Some(v) = self.web_dir {
            c.web_dir = Some(v);
        }
        if let Some(v) = self.header_timeout_secs {
            c.header_timeout = Duration::from_secs(v);
        }
        if let Some(v) = self.body_timeout_secs {
            c.body_timeout = Duration::from_secs(v);
        }
        if let Some(v) = self.max_connections {
            c.max_connections = v;
        }
        if let Some(v) = self.max_connections_per_address {
            c.max_connections_per_address = v;
        }
        if let Some(v) = self.max_streams_per_user {
            c.max_streams_per_user = v;
        }
        if let Some(v) = self.event_feed_mb {
            c.event_feed_bytes = v * MB;
        }
        c
    }
}

/// `weft config example`: every setting with its default.
pub const EXAMPLE: &str = r#"# weft.toml — every key is optional; flags and WEFT_* variables override it.

# Where the embedded SQLite database lives (WEFT_DATA, --data).
data = "./weft-data"

# PostgreSQL instead of the embedded database (WEFT_DATABASE_URL, --database-url).
# database_url = "postgres://weft@localhost/weft"

# Reader connections to PostgreSQL per node; writes use one more (WEFT_DB_POOL_SIZE).
db_pool_size = 8

# Address to listen on (WEFT_LISTEN, --listen).
listen = "127.0.0.1:8080"

# Let anyone create an account through users/register (WEFT_OPEN_REGISTRATION).
open_registration = false

# Reverse proxies whose X-Forwarded-For header is trusted (WEFT_TRUSTED_PROXIES).
trusted_proxies = []

# Log filter (WEFT_LOG), e.g. "info" or "weft=debug,info".
log = "info"

# Where people reach Weft, for the links in email (WEFT_PUBLIC_URL, --public-url).
# Defaults to http:// and the listen address.
# public_url = "https://weft.example.com"

# Email goes through this SMTP server (WEFT_SMTP_URL, --smtp-url); no email without it.
# smtp://host:25 plain, smtp://host:587?tls=required STARTTLS, smtps://host:465 TLS,
# smtp://user:password@host:587?tls=required with credentials.
# smtp_url = "smtp://localhost:25"

# The sender of email (WEFT_MAIL_FROM, --mail-from).
# mail_from = "Weft <weft@example.com>"

# Serve the web app from this folder instead of the copy built into the binary, for
# working on the app (WEFT_WEB_DIR, --web-dir); pages reload when it changes.
# web_dir = "web/dist"

# Connections and streams: what one client can hold open.
# A connection must send a request's whole head within this many seconds of opening or
# of its previous answer: slow senders and idle keep-alive connections are closed
# (WEFT_HEADER_TIMEOUT_SECS, --header-timeout-secs).
header_timeout_secs = 30
# A request's body must arrive whole within this many seconds, else 408
# (WEFT_BODY_TIMEOUT_SECS, --body-timeout-secs).
body_timeout_secs = 60
# Open connections at most; keep it below the process's open-file limit
# (WEFT_MAX_CONNECTIONS, --max-connections).
max_connections = 10000
# Open connections at most from one client address; trusted proxies are exempt
# (WEFT_MAX_CONNECTIONS_PER_ADDRESS, --max-connections-per-address).
max_connections_per_address = 500
# Event streams and waiting long polls one user may hold open on a node; the next one is
# refused with 429 (WEFT_MAX_STREAMS_PER_USER, --max-streams-per-user).
max_streams_per_user = 50
# Memory for the feed of recent events that open streams share, in MiB; a stream further
# behind reads the database (WEFT_EVENT_FEED_MB, --event-feed-mb).
event_feed_mb = 64
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_parses_to_the_defaults() {
        let file: FileConfig = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(file.apply(Config::default()), Config::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<FileConfig>("listne = \"x\"").is_err());
    }
}
