//! Configuration: one typed struct, layered as defaults → `weft.toml` → `WEFT_*`
//! environment variables → command-line flags.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA: &str = "./weft-data";
pub const DEFAULT_CONFIG_FILE: &str = "weft.toml";
pub const DEFAULT_PASSWORD_HASHES: usize = 4;
pub const DEFAULT_INVITATION_DAYS: i64 = 7;
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
    /// How many days an emailed invitation link works.
    pub invitation_days: i64,
    /// Reverse proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Address ranges outgoing webhooks may reach although they are not public (loopback,
    /// private, link-local …); none by default.
    pub allow_webhooks_to: Vec<crate::webhooks::Cidr>,
    /// `tracing` filter, e.g. `info` or `weft=debug`.
    pub log: String,
    /// How log lines are written: `text` for people, `json` (one object per line) for log
    /// collectors.
    pub log_format: LogFormat,
    /// A second listener that serves `/metrics` alone (e.g. 127.0.0.1:9090).
    pub metrics_listen: Option<SocketAddr>,
    /// With it, `/metrics` is served on the main listener too, to requests bearing it
    /// (`Authorization: Bearer …`); without it (and without `metrics_listen`), not at all.
    pub metrics_token: Option<String>,
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
    /// Requests per minute per person and per address, by kind (`[rate_limits]`).
    pub rates: crate::limits::Rates,
    /// Password hashes computed at once (sign-in, registration, password changes).
    pub password_hashes: usize,
    /// Where attachments are stored, and the largest file an upload may carry.
    pub files: crate::files::FilesConfig,
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
    /// Leaves posts' fan-out to `app.workers().step(Worker::Fanout)`: tests see a post
    /// committed and its people not yet told. Not a setting (a hidden flag of `serve`).
    pub hold_fanout: bool,
    /// The most people one fan-out transaction delivers a post to; `None`: the backend's
    /// (`fanout::people_per_job`). Not a setting: tests make it small to see a post done in
    /// slices.
    pub fanout_slice: Option<usize>,
    /// How long rows that are only kept for a while stay.
    pub retention: Retention,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The shortest `metrics_token` taken: it guards the instance's figures on the public
/// listener.
pub const MIN_METRICS_TOKEN_CHARS: usize = 16;

/// How long each kind of expiring row is kept, in seconds (0: for ever), and how many rows
/// one pruning transaction deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Stored answers of writes retried with the same `temp_id` or `Idempotency-Key`.
    pub idempotency_keys: i64,
    /// Pushes delivered or dropped.
    pub finished_pushes: i64,
    /// Notifications (those a held push still waits for stay).
    pub notifications: i64,
    /// Email once sent: its text and links should not linger.
    pub sent_mail: i64,
    /// Email given up on (parked): kept for an admin to look at and send again.
    pub parked_mail: i64,
    /// Away replies given (one per away person, sender, thread and away period).
    pub away_replies: i64,
    /// Webhook deliveries once finished (the delivery log).
    pub webhook_deliveries: i64,
    /// Rows per pruning transaction: small, so writes queued behind one wait little. Not a
    /// setting.
    pub batch: i64,
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

impl Default for Retention {
    fn default() -> Self {
        Retention {
            idempotency_keys: DAY,
            finished_pushes: 7 * DAY,
            notifications: 90 * DAY,
            sent_mail: DAY,
            parked_mail: 7 * DAY,
            away_replies: 90 * DAY,
            webhook_deliveries: 7 * DAY,
            batch: 500,
        }
    }
}

impl Retention {
    /// How long `what` is kept (0: for ever).
    pub fn of(&self, what: weft_core::store::Expiring) -> i64 {
        use weft_core::store::Expiring;
        match what {
            Expiring::IdempotencyKeys => self.idempotency_keys,
            Expiring::FinishedPushes => self.finished_pushes,
            Expiring::Notifications => self.notifications,
            Expiring::SentMail => self.sent_mail,
            Expiring::ParkedMail => self.parked_mail,
            Expiring::AwayReplies => self.away_replies,
            Expiring::WebhookDeliveries => self.webhook_deliveries,
        }
    }
}

/// A retention period as written in settings: a whole number followed by `s`, `m`, `h` or
/// `d` (`90d`, `24h`), or `0` to keep for ever. Answers seconds.
pub fn parse_period(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(0);
    }
    let bad = || format!("expected a period such as 24h or 90d (or 0 to keep for ever), got {text:?}");
    let unit = match text.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => HOUR,
        Some('d') => DAY,
        _ => return Err(bad()),
    };
    let n: i64 = text[..text.len() - 1].parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    n.checked_mul(unit).ok_or_else(bad)
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
        if let Some((name, _)) = zero.iter().find(|(_, is_zero)| *is_zero) {
            return Err(format!("{name} must be at least 1"));
        }
        if let Some(token) = &self.metrics_token
            && (token.chars().count() < MIN_METRICS_TOKEN_CHARS
                || token.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(format!("metrics_token must be at least {MIN_METRICS_TOKEN_CHARS} characters, without spaces"));
        }
        if self.metrics_listen.is_some_and(|m| m == self.listen) {
            return Err("metrics_listen must differ from listen".into());
        }
        Ok(())
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
            invitation_days: DEFAULT_INVITATION_DAYS,
            trusted_proxies: Vec::new(),
            allow_webhooks_to: Vec::new(),
            log: "info".into(),
            log_format: LogFormat::Text,
            metrics_listen: None,
            metrics_token: None,
            public_url: None,
            smtp_url: None,
            mail_from: None,
            web_dir: None,
            rates: crate::limits::Rates::default(),
            password_hashes: DEFAULT_PASSWORD_HASHES,
            files: crate::files::FilesConfig::default(),
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            max_streams_per_user: DEFAULT_MAX_STREAMS_PER_USER,
            event_feed_bytes: DEFAULT_EVENT_FEED_MB * MB,
            workers: crate::workers::WorkerMode::Background,
            hold_fanout: false,
            fanout_slice: None,
            retention: Retention::default(),
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
    pub invitation_days: Option<i64>,
    pub trusted_proxies: Option<Vec<IpAddr>>,
    pub allow_webhooks_to: Option<Vec<crate::webhooks::Cidr>>,
    pub log: Option<String>,
    pub log_format: Option<LogFormat>,
    pub metrics_listen: Option<SocketAddr>,
    pub metrics_token: Option<String>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub web_dir: Option<PathBuf>,
    pub rate_limits: Option<crate::limits::Rates>,
    pub password_hashes: Option<usize>,
    pub retain_idempotency_keys: Option<String>,
    pub retain_pushes: Option<String>,
    pub retain_notifications: Option<String>,
    pub retain_sent_mail: Option<String>,
    pub retain_parked_mail: Option<String>,
    pub retain_away_replies: Option<String>,
    pub retain_webhook_deliveries: Option<String>,
    pub attachments_url: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub max_upload_bytes: Option<u64>,
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
    pub fn apply(self, mut c: Config) -> Result<Config, String> {
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
        if let Some(v) = self.invitation_days {
            c.invitation_days = v;
        }
        if let Some(v) = self.trusted_proxies {
            c.trusted_proxies = v;
        }
        if let Some(v) = self.allow_webhooks_to {
            c.allow_webhooks_to = v;
        }
        if let Some(v) = self.log {
            c.log = v;
        }
        if let Some(v) = self.log_format {
            c.log_format = v;
        }
        if let Some(v) = self.metrics_listen {
            c.metrics_listen = Some(v);
        }
        if let Some(v) = self.metrics_token {
            c.metrics_token = Some(v);
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
        if let Some(v) = self.rate_limits {
            c.rates = v;
        }
        if let Some(v) = self.password_hashes {
            c.password_hashes = v;
        }
        let f = &mut c.files;
        for (given, setting) in [
            (self.attachments_url, &mut f.url),
            (self.s3_endpoint, &mut f.s3_endpoint),
            (self.s3_region, &mut f.s3_region),
            (self.s3_access_key_id, &mut f.s3_access_key_id),
            (self.s3_secret_access_key, &mut f.s3_secret_access_key),
        ] {
            if given.is_some() {
                *setting = given;
            }
        }
        if let Some(v) = self.max_upload_bytes {
            f.max_upload_bytes = v;
        }
        let r = &mut c.retention;
        for (value, period) in [
            (self.retain_idempotency_keys, &mut r.idempotency_keys),
            (self.retain_pushes, &mut r.finished_pushes),
            (self.retain_notifications, &mut r.notifications),
            (self.retain_sent_mail, &mut r.sent_mail),
            (self.retain_parked_mail, &mut r.parked_mail),
            (self.retain_away_replies, &mut r.away_replies),
            (self.retain_webhook_deliveries, &mut r.webhook_deliveries),
        ] {
            if let Some(v) = value {
                *period = parse_period(&v)?;
            }
        }
        Ok(c)
    }
}

/// `weft config example`: every setting with its default.
pub const EXAMPLE: &str = r#"# weft.toml — every key is optional; flags and WEFT_* variables override it.

# Where the embedded SQLite database lives (WEFT_DATA, --data).
data = "./weft-data"

# PostgreSQL instead of the embedded database (WEFT_DATABASE_URL, --database-url).
# TLS follows the URL's sslmode, as libpq reads it: disable, prefer (the default: TLS if
# the server offers it, certificate not checked), require (TLS, certificate not checked),
# verify-ca (signed by a root of the system's trust store), verify-full (and naming the host).
# database_url = "postgres://weft@localhost/weft?sslmode=verify-full"

# Reader connections to PostgreSQL per node; writes use one more (WEFT_DB_POOL_SIZE).
db_pool_size = 8

# Address to listen on (WEFT_LISTEN, --listen).
listen = "127.0.0.1:8080"

# Let anyone create an account through users/register (WEFT_OPEN_REGISTRATION).
open_registration = false

# How many days an emailed invitation link works (WEFT_INVITATION_DAYS, --invitation-days).
invitation_days = 7

# Reverse proxies whose X-Forwarded-For header is trusted (WEFT_TRUSTED_PROXIES).
trusted_proxies = []

# Address ranges outgoing webhooks may reach although they are not public: loopback,
# private, link-local, shared (CGNAT) and cloud metadata addresses are refused otherwise
# (WEFT_ALLOW_WEBHOOKS_TO, comma-separated; --allow-webhooks-to, repeatable).
# allow_webhooks_to = ["10.20.0.0/16"]

# Log filter (WEFT_LOG), e.g. "info" or "weft=debug,info".
log = "info"

# How log lines are written (WEFT_LOG_FORMAT, --log-format): "text" for people, "json"
# (one JSON object per line) for log collectors.
log_format = "text"

# Metrics in Prometheus' text format, at /metrics (see "Watching an instance" in the
# README). A second listener that serves /metrics alone, kept off the public one
# (WEFT_METRICS_LISTEN, --metrics-listen):
# metrics_listen = "127.0.0.1:9090"
# And/or /metrics on the main listener, for requests with "Authorization: Bearer TOKEN"
# (WEFT_METRICS_TOKEN, --metrics-token; at least 16 characters). With neither, /metrics
# is not served.
# metrics_token = "…"

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

# Password hashes computed at once (sign-in, registration, password changes); each takes
# about 19 MiB and a core for a moment. More wait their turn (WEFT_PASSWORD_HASHES).
password_hashes = 4

# How long rows that are only kept for a while stay: a number and s, m, h or d; 0 keeps
# them for ever. A worker prunes them in small batches.
# Answers stored for writes retried with the same temp_id or Idempotency-Key
# (WEFT_RETAIN_IDEMPOTENCY_KEYS, --retain-idempotency-keys).
retain_idempotency_keys = "24h"
# Pushes delivered or dropped (WEFT_RETAIN_PUSHES, --retain-pushes).
retain_pushes = "7d"
# Notifications (WEFT_RETAIN_NOTIFICATIONS, --retain-notifications).
retain_notifications = "90d"
# Email once sent, with its links (WEFT_RETAIN_SENT_MAIL, --retain-sent-mail).
retain_sent_mail = "24h"
# Email given up on after its tries (parked; `weft admin mail-status` lists it and can
# send it again), by when it was made (WEFT_RETAIN_PARKED_MAIL, --retain-parked-mail).
retain_parked_mail = "7d"
# Away replies given, by when: past it, someone still away answers the same sender in the
# same thread once more (WEFT_RETAIN_AWAY_REPLIES, --retain-away-replies).
retain_away_replies = "90d"
# Webhook deliveries once finished, by when: the delivery log `hooks/get` shows
# (WEFT_RETAIN_WEBHOOK_DELIVERIES, --retain-webhook-deliveries).
retain_webhook_deliveries = "7d"

# Attachments are stored under the data directory (<data>/files) unless this names an
# S3-compatible bucket and key prefix (WEFT_ATTACHMENTS_URL, --attachments-url).
# attachments_url = "s3://weft-files/attachments"
# The object store's endpoint, for stores other than Amazon S3 (WEFT_S3_ENDPOINT), its
# region (WEFT_S3_REGION, default us-east-1) and credentials (WEFT_S3_ACCESS_KEY_ID,
# WEFT_S3_SECRET_ACCESS_KEY).
# s3_endpoint = "http://localhost:9000"
# s3_region = "us-east-1"
# s3_access_key_id = "..."
# s3_secret_access_key = "..."

# The largest file one upload may carry, in bytes (WEFT_MAX_UPLOAD_BYTES); larger ones
# get 413. Default: 100 MiB.
max_upload_bytes = 104857600

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

# (Tables come last: every key after a [table] line belongs to it.)
# Requests per minute, per person and per client address; 0 turns a limit off. Over a
# limit the answer is 429 with Retry-After. Each call inside a batch counts.
# (WEFT_RATE_WRITES, WEFT_RATE_WRITES_PER_ADDRESS, WEFT_RATE_SEARCHES,
# WEFT_RATE_SEARCHES_PER_ADDRESS, WEFT_RATE_SIGN_INS_PER_ADDRESS, or --rate-… flags.)
[rate_limits]
writes_per_user = 300
writes_per_address = 1200
searches_per_user = 60
searches_per_address = 240
sign_ins_per_address = 30
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_parses_to_the_defaults() {
        let file: FileConfig = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(file.apply(Config::default()).unwrap(), Config::default());
    }

    #[test]
    fn retention_periods_read_as_seconds_and_nonsense_is_refused() {
        assert_eq!(parse_period("90d"), Ok(90 * DAY));
        assert_eq!(parse_period("24h"), Ok(DAY));
        assert_eq!(parse_period("15m"), Ok(900));
        assert_eq!(parse_period("0"), Ok(0));
        for bad in ["", "d", "12", "-1d", "1.5h", "1w", "99999999999999999d"] {
            assert!(parse_period(bad).is_err(), "{bad:?} was accepted");
        }
        let file: FileConfig = toml::from_str("retain_notifications = \"30d\"").unwrap();
        assert_eq!(file.apply(Config::default()).unwrap().retention.notifications, 30 * DAY);
        let file: FileConfig = toml::from_str("retain_notifications = \"soon\"").unwrap();
        assert!(file.apply(Config::default()).is_err());
    }

    #[test]
    fn a_short_or_spaced_metrics_token_is_refused() {
        let with = |token: &str| Config { metrics_token: Some(token.into()), ..Config::default() }.check_limits();
        assert!(with("short").is_err());
        assert!(with("sixteen chars ok").is_err(), "a space");
        assert!(with("sixteen-chars-ok").is_ok());
        let file: FileConfig = toml::from_str("log_format = \"json\"\nmetrics_listen = \"127.0.0.1:9090\"").unwrap();
        let c = file.apply(Config::default()).unwrap();
        assert_eq!((c.log_format, c.metrics_listen), (LogFormat::Json, Some("127.0.0.1:9090".parse().unwrap())));
        assert!(toml::from_str::<FileConfig>("log_format = \"xml\"").is_err());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<FileConfig>("listne = \"x\"").is_err());
    }
}
