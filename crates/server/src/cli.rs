//! The command line: `weft serve`, `weft admin …`, `weft config example`.

use crate::config::{Config, FileConfig, parse_period};
use clap::{Args, Parser, Subcommand};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use weft_core::SystemClock;
use weft_core::services::{auth, users};

#[derive(Parser, Debug)]
#[command(
    name = "weft",
    version,
    about = "Weft: calm, async-first team communication",
    long_about = "Weft is a self-hosted team communication server: titled threads in channels, an inbox, \
                  direct conversations, and the norms of asynchronous work built in. Its HTTP API is \
                  compatible with Twist's API v3.\n\nStart it with `weft serve`; create the first account \
                  with `weft admin create-user`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (SQLite in ./weft-data by default)
    Serve(Box<ServeArgs>),
    /// Administration tasks that work on the data directly, even while a server runs
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Configuration helpers
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the API's OpenAPI document, as served at /api/v3/openapi.json
    Openapi,
}

#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Data directory holding the embedded database [default: ./weft-data]
    #[arg(long, env = "WEFT_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// PostgreSQL URL, instead of the embedded database (postgres://user@host/db). TLS by its
    /// sslmode: disable, prefer (default), require, verify-ca or verify-full (checked against
    /// the system's trust store), e.g. postgres://weft@db/weft?sslmode=verify-full
    #[arg(long, env = "WEFT_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Configuration file [default: ./weft.toml if present]
    #[arg(long, env = "WEFT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "WEFT_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Let anyone create an account through users/register
    #[arg(long, env = "WEFT_OPEN_REGISTRATION")]
    pub open_registration: bool,
    /// How many days an emailed invitation link works [default: 7]
    #[arg(long, env = "WEFT_INVITATION_DAYS", value_name = "DAYS", value_parser = clap::value_parser!(i64).range(1..=365))]
    pub invitation_days: Option<i64>,
    /// A reverse proxy whose X-Forwarded-For header is trusted (repeatable)
    #[arg(long = "trusted-proxy", env = "WEFT_TRUSTED_PROXIES", value_delimiter = ',', value_name = "IP")]
    pub trusted_proxies: Vec<IpAddr>,
    /// An address range outgoing webhooks may reach although it is not public, e.g.
    /// 10.20.0.0/16 (repeatable)
    #[arg(long = "allow-webhooks-to", env = "WEFT_ALLOW_WEBHOOKS_TO", value_delimiter = ',', value_name = "CIDR")]
    pub allow_webhooks_to: Vec<crate::webhooks::Cidr>,
    /// PostgreSQL reader connections per node [default: 8]
    #[arg(long, env = "WEFT_DB_POOL_SIZE", value_name = "N")]
    pub db_pool_size: Option<usize>,
    /// Log filter, e.g. info or weft=debug [default: info]
    #[arg(long, env = "WEFT_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// How log lines are written: text, or json (one object per line) [default: text]
    #[arg(long, env = "WEFT_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<crate::config::LogFormat>,
    /// Serve /metrics (Prometheus' text format) alone on this second address, e.g.
    /// 127.0.0.1:9090, kept off the public listener
    #[arg(long, env = "WEFT_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Serve /metrics on the main listener too, to requests with
    /// "Authorization: Bearer TOKEN" (at least 16 characters)
    #[arg(long, env = "WEFT_METRICS_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Where people reach Weft, for links in email [default: http://LISTEN]
    #[arg(long, env = "WEFT_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// SMTP server for email: smtp://host:25, smtp://host:587?tls=required (STARTTLS),
    /// smtps://host:465 (TLS), optionally with user:password@ before the host
    #[arg(long, env = "WEFT_SMTP_URL", value_name = "URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender address of email, e.g. "Weft <weft@example.com>"
    #[arg(long, env = "WEFT_MAIL_FROM", value_name = "ADDR")]
    pub mail_from: Option<String>,
    /// Serve the web app from this folder (e.g. web/dist) instead of the built-in copy,
    /// reloading open pages when it changes: for working on the app
    #[arg(long, env = "WEFT_WEB_DIR", value_name = "DIR")]
    pub web_dir: Option<PathBuf>,
    /// Password hashes computed at once; more wait their turn [default: 4]
    #[arg(long, env = "WEFT_PASSWORD_HASHES", value_name = "N")]
    pub password_hashes: Option<usize>,
    /// How long answers of writes are kept for retries with the same temp_id or
    /// Idempotency-Key: a number and s, m, h or d; 0 keeps them for ever [default: 24h]
    #[arg(long, env = "WEFT_RETAIN_IDEMPOTENCY_KEYS", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_idempotency_keys: Option<i64>,
    /// How long delivered or dropped pushes are kept [default: 7d]
    #[arg(long, env = "WEFT_RETAIN_PUSHES", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_pushes: Option<i64>,
    /// How long notifications are kept [default: 90d]
    #[arg(long, env = "WEFT_RETAIN_NOTIFICATIONS", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_notifications: Option<i64>,
    /// How long sent email (its text and links) is kept [default: 24h]
    #[arg(long, env = "WEFT_RETAIN_SENT_MAIL", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_sent_mail: Option<i64>,
    /// How long email given up on (parked) is kept for an admin to look at [default: 7d]
    #[arg(long, env = "WEFT_RETAIN_PARKED_MAIL", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_parked_mail: Option<i64>,
    /// How long an away reply given is remembered (so it is not given twice) [default: 90d]
    #[arg(long, env = "WEFT_RETAIN_AWAY_REPLIES", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_away_replies: Option<i64>,
    /// How long a finished webhook delivery stays in its subscription's log [default: 7d]
    #[arg(long, env = "WEFT_RETAIN_WEBHOOK_DELIVERIES", value_name = "PERIOD", value_parser = parse_period)]
    pub retain_webhook_deliveries: Option<i64>,
    /// Seconds a connection has to send a request's whole head, from opening or from its
    /// previous answer; slow senders and idle keep-alive connections are closed [default: 30]
    #[arg(long, env = "WEFT_HEADER_TIMEOUT_SECS", value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: Option<u64>,
    /// Seconds a request's body has to arrive whole, else 408 [default: 60]
    #[arg(long, env = "WEFT_BODY_TIMEOUT_SECS", value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_secs: Option<u64>,
    /// Open connections at most; keep it below the open-file limit [default: 10000]
    #[arg(long, env = "WEFT_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Open connections at most from one client address; trusted proxies are exempt
    /// [default: 500]
    #[arg(long, env = "WEFT_MAX_CONNECTIONS_PER_ADDRESS", value_name = "N")]
    pub max_connections_per_address: Option<usize>,
    /// Event streams and waiting long polls one user may hold open on this node; the next
    /// is refused with 429 [default: 50]
    #[arg(long, env = "WEFT_MAX_STREAMS_PER_USER", value_name = "N")]
    pub max_streams_per_user: Option<usize>,
    /// MiB of memory for the recent events open streams share; streams further behind
    /// read the database [default: 64]
    #[arg(long, env = "WEFT_EVENT_FEED_MB", value_name = "MIB")]
    pub event_feed_mb: Option<usize>,
    /// Leaves posts' fan-out undone (for crash tests: a post committed, its people not yet
    /// told). Not for use.
    #[arg(long, hide = true)]
    pub hold_fanout: bool,
    #[command(flatten)]
    pub rates: RateArgs,
    #[command(flatten)]
    pub files: FileArgs,
}

/// Where attachments are stored, and how large they may be.
#[derive(Args, Debug)]
#[command(next_help_heading = "Attachments")]
pub struct FileArgs {
    /// Store attachments in an S3-compatible bucket, under a key prefix:
    /// s3://bucket/prefix [default: files under the data directory, DATA/files]
    #[arg(long, env = "WEFT_ATTACHMENTS_URL", value_name = "URL")]
    pub attachments_url: Option<String>,
    /// The object store's endpoint, for stores other than Amazon S3 (e.g. http://minio:9000)
    #[arg(long, env = "WEFT_S3_ENDPOINT", value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// The object store's region [default: us-east-1]
    #[arg(long, env = "WEFT_S3_REGION", value_name = "REGION")]
    pub s3_region: Option<String>,
    /// The object store's access key id
    #[arg(long, env = "WEFT_S3_ACCESS_KEY_ID", value_name = "KEY", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    /// The object store's secret access key
    #[arg(long, env = "WEFT_S3_SECRET_ACCESS_KEY", value_name = "SECRET", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// The largest file one upload may carry, in bytes; larger ones get 413 [default: 104857600, 100 MiB]
    #[arg(long, env = "WEFT_MAX_UPLOAD_BYTES", value_name = "BYTES")]
    pub max_upload_bytes: Option<u64>,
}

impl FileArgs {
    fn apply(&self, f: &mut crate::files::FilesConfig) {
        for (given, setting) in [
            (&self.attachments_url, &mut f.url),
            (&self.s3_endpoint, &mut f.s3_endpoint),
            (&self.s3_region, &mut f.s3_region),
            (&self.s3_access_key_id, &mut f.s3_access_key_id),
            (&self.s3_secret_access_key, &mut f.s3_secret_access_key),
        ] {
            if given.is_some() {
                *setting = given.clone();
            }
        }
        if let Some(n) = self.max_upload_bytes {
            f.max_upload_bytes = n;
        }
    }
}

/// Rate limits, in requests per minute; 0 turns one off. Over a limit: 429 + Retry-After.
#[derive(Args, Debug)]
#[command(next_help_heading = "Rate limits (requests per minute; 0 = no limit)")]
pub struct RateArgs {
    /// Writes per person [default: 300]
    #[arg(long, env = "WEFT_RATE_WRITES", value_name = "N")]
    pub rate_writes: Option<u32>,
    /// Writes per client address [default: 1200]
    #[arg(long, env = "WEFT_RATE_WRITES_PER_ADDRESS", value_name = "N")]
    pub rate_writes_per_address: Option<u32>,
    /// Searches per person [default: 60]
    #[arg(long, env = "WEFT_RATE_SEARCHES", value_name = "N")]
    pub rate_searches: Option<u32>,
    /// Searches per client address [default: 240]
    #[arg(long, env = "WEFT_RATE_SEARCHES_PER_ADDRESS", value_name = "N")]
    pub rate_searches_per_address: Option<u32>,
    /// Sign-in attempts (and other calls without a session) per client address [default: 30]
    #[arg(long, env = "WEFT_RATE_SIGN_INS_PER_ADDRESS", value_name = "N")]
    pub rate_sign_ins_per_address: Option<u32>,
}

impl RateArgs {
    fn apply(&self, r: &mut crate::limits::Rates) {
        let pairs = [
            (self.rate_writes, &mut r.writes_per_user),
            (self.rate_writes_per_address, &mut r.writes_per_address),
            (self.rate_searches, &mut r.searches_per_user),
            (self.rate_searches_per_address, &mut r.searches_per_address),
            (self.rate_sign_ins_per_address, &mut r.sign_ins_per_address),
        ];
        for (given, setting) in pairs {
            if let Some(v) = given {
                *setting = v;
            }
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an account and print its id
    CreateUser(CreateUserArgs),
    /// Copy a whole SQLite instance into PostgreSQL and verify the copy
    #[command(long_about = "Copy a whole SQLite instance (users, workspaces, content, read state, event log) \
        into PostgreSQL, creating Weft's schema there, then verify the copy table by table: row counts and a \
        checksum of every row. Safe to run again after an interruption: rows already copied are skipped. \
        Stop the server first, or what it writes during the copy is not copied.")]
    Migrate(MigrateArgs),
    /// Show the email outbox: queued, sent, and parked after failing
    #[command(long_about = "Show the email outbox: how many emails are queued, being sent, sent and parked, \
        and the ones that failed with the SMTP server's answer. Email that keeps failing (8 tries over about \
        two hours, or a permanent refusal such as an unknown recipient) is parked; fix the cause, then queue \
        it again with --retry-parked.")]
    MailStatus(MailStatusArgs),
    /// Invite someone to a workspace and print the invitation link (no email is sent)
    #[command(long_about = "Invite someone to a workspace and print the invitation link, for instances \
        without email: send it to them yourself. It works once, for invitation_days (default 7). Someone \
        without an account chooses a name and password there; someone with an account signs in to accept. \
        Running it again makes a new link (the old one stops working).")]
    Invite(InviteArgs),
    /// Print a single-use link that lets someone choose a new password (valid one hour)
    ResetPassword(ResetPasswordArgs),
    /// Print the instance's health: database and WAL size, workers' lags, outboxes
    #[command(long_about = "Print the instance's health, read from the database directly (it works while a \
        server runs): database and WAL size, schema version, the event log's head and how far each worker \
        is behind (fan-out, email, scheduler), the email outbox, held pushes and scheduled posts due. The \
        same figures as /metrics. Exit status: 0 healthy, 2 unhealthy (the fan-out more than a minute \
        behind, the scheduler more than 5 minutes late, with email on pushes waiting more than 10 minutes \
        to become email or queued email overdue by 30, a WAL over 1 GiB), 1 when the database cannot be read.")]
    Status(StatusArgs),
    /// Back up the database and attachments into a directory, while the server runs
    #[command(long_about = "Back up the database and the attachments' files into a new directory, while the \
        server keeps running and writing. SQLite: a consistent copy of the database as of the moment the backup \
        begins (every write acknowledged before then is in it), plus the files it names. PostgreSQL \
        (--database-url): pg_dump's custom format, which needs PostgreSQL's client tools. Attachments kept in \
        an S3-compatible bucket are not copied: back the bucket up with its own tools. The directory ends \
        with backup.json; restore it with `weft admin restore`.")]
    Backup(crate::backup::BackupArgs),
    /// Restore a backup made by `weft admin backup` (refuses to replace a database without --force)
    #[command(long_about = "Restore a backup made by `weft admin backup` into a data directory (--data) or a \
        PostgreSQL database (--database-url). The backup is checked first (its manifest, the database's \
        SHA-256 and, for SQLite, its integrity). A data directory where a server is running is refused; \
        one that already has a database is refused unless --force, which moves that database aside \
        (weft.db.before-restore-<time>) instead of deleting it. For PostgreSQL, pg_restore runs in one \
        transaction: if it fails, the database is left as it was.")]
    Restore(crate::backup::RestoreArgs),
    /// Export one workspace (its people, channels, posts, settings and files) into a directory
    #[command(long_about = "Export one workspace into a new directory in Weft's documented, versioned format: \
        one JSON-lines file per table (tables/), the attachments' files (files/blobs/) and manifest.json with \
        each table's row count and digest. It reads one consistent snapshot, so a server may keep running. \
        It holds everyone's posts and password hashes: keep it private. Read it into another instance, on \
        either database, with `weft admin import weft`.")]
    Export(crate::transfer::ExportArgs),
    /// Import data into this instance: a Weft export, or a Slack export
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import a workspace that `weft admin export` wrote (into an instance that does not hold it yet)
    #[command(long_about = "Import a workspace that `weft admin export` wrote. Everything is written in one \
        transaction, each table checked against the export's digest: on any error nothing is imported. \
        Ids are kept, so links and API clients keep working; the target must not already hold any of them \
        (an instance of its own, or a new one). Stop a SQLite server first; PostgreSQL nodes may keep \
        running (they wait for the import to commit).")]
    Weft(crate::transfer::ImportWeftArgs),
    /// Import a Slack export (the zip of Slack's workspace export) into a workspace
    #[command(long_about = "Import a Slack export (the zip Slack's workspace export makes: users.json, \
        channels.json, groups.json, mpims.json, dms.json and a folder of daily JSON files per channel) into a \
        workspace. People are matched by email or created as invited members without a password (they get in \
        through an invitation: `weft admin invite`, or Resend invitation in the workspace's members); public and \
        private channels keep their members, topic and purpose; a Slack thread becomes a thread, and each \
        channel's other messages of a day become one thread of that day; direct and group messages become \
        conversations. Old posts are marked read and notify nobody. The archive is checked whole before \
        anything is written. Safe to run again, or after an interruption: what was imported is skipped. \
        Works while the server runs.")]
    Slack(SlackImportArgs),
}

#[derive(Args, Debug)]
pub struct SlackImportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The export's zip file
    #[arg(value_name = "EXPORT.zip")]
    pub export: PathBuf,
    /// The workspace's id to import into
    #[arg(long, value_name = "ID")]
    pub workspace: i64,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print the status as one JSON object
    #[arg(long)]
    pub json: bool,
    /// The instance's SMTP server, as `serve` takes it: only with email on is late email
    /// a fault
    #[arg(long, env = "WEFT_SMTP_URL", value_name = "URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
}

#[derive(Args, Debug)]
pub struct InviteArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Whom to invite
    #[arg(long)]
    pub email: String,
    /// The workspace's id
    #[arg(long, value_name = "ID")]
    pub workspace: i64,
    /// The role they get: user, guest or admin
    #[arg(long, default_value = "user")]
    pub role: String,
}

#[derive(Args, Debug)]
pub struct ResetPasswordArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The account's email
    #[arg(long)]
    pub email: String,
}

#[derive(Args, Debug)]
pub struct MailStatusArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Print the status as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Queue every parked email again (after fixing what made it fail)
    #[arg(long)]
    pub retry_parked: bool,
    /// How many failed emails to list
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: i64,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// Data directory of the SQLite instance to copy
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// PostgreSQL URL to copy into (postgres://user@host/db)
    #[arg(long, value_name = "URL")]
    pub to: String,
}

#[derive(Args, Debug)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Email address, used to sign in
    #[arg(long)]
    pub email: String,
    /// Full name shown to others
    #[arg(long)]
    pub name: String,
    /// Password (at least 8 characters)
    #[arg(long, env = "WEFT_NEW_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// IANA time zone, e.g. Europe/Lisbon [default: UTC]
    #[arg(long)]
    pub timezone: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print an example weft.toml with every setting and its default
    Example,
}

/// Defaults, then the file, then environment and flags (clap merges those two).
pub fn resolve(data: &DataArgs) -> Result<Config, String> {
    let mut config = FileConfig::load(data.config.as_deref())?.apply(Config::default())?;
    if let Some(d) = &data.data {
        config.data = d.clone();
    }
    if let Some(u) = &data.database_url {
        config.database_url = Some(u.clone());
    }
    if let Some(url) = &config.database_url
        && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
    {
        return Err(format!("--database-url must start with postgres:// (got {})", weft_store::redact(url)));
    }
    Ok(config)
}

pub fn serve_config(args: &ServeArgs) -> Result<Config, String> {
    let mut config = resolve(&args.data)?;
    if let Some(l) = args.listen {
        config.listen = l;
    }
    if args.open_registration {
        config.open_registration = true;
    }
    if let Some(d) = args.invitation_days {
        config.invitation_days = d;
    }
    if !args.trusted_proxies.is_empty() {
        config.trusted_proxies = args.trusted_proxies.clone();
    }
    if !args.allow_webhooks_to.is_empty() {
        config.allow_webhooks_to = args.allow_webhooks_to.clone();
    }
    if let Some(n) = args.db_pool_size {
        config.db_pool_size = n;
    }
    if let Some(l) = &args.log {
        config.log = l.clone();
    }
    if let Some(f) = args.log_format {
        config.log_format = f;
    }
    if let Some(a) = args.metrics_listen {
        config.metrics_listen = Some(a);
    }
    if let Some(t) = &args.metrics_token {
        config.metrics_token = Some(t.clone());
    }
    if let Some(u) = &args.public_url {
        config.public_url = Some(u.clone());
    }
    if let Some(u) = &args.smtp_url {
        config.smtp_url = Some(u.clone());
    }
    if let Some(f) = &args.mail_from {
        config.mail_from = Some(f.clone());
    }
    if let Some(d) = &args.web_dir {
        config.web_dir = Some(d.clone());
    }
    if let Some(n) = args.password_hashes {
        config.password_hashes = n;
    }
    args.rates.apply(&mut config.rates);
    let r = &mut config.retention;
    for (given, period) in [
        (args.retain_idempotency_keys, &mut r.idempotency_keys),
        (args.retain_pushes, &mut r.finished_pushes),
        (args.retain_notifications, &mut r.notifications),
        (args.retain_sent_mail, &mut r.sent_mail),
        (args.retain_parked_mail, &mut r.parked_mail),
        (args.retain_away_replies, &mut r.away_replies),
        (args.retain_webhook_deliveries, &mut r.webhook_deliveries),
    ] {
        if let Some(v) = given {
            *period = v;
        }
    }
    args.files.apply(&mut config.files);
    if let Some(url) = &config.files.url {
        crate::files::parse_s3_url(url)?;
    }
    if let Some(s) = args.header_timeout_secs {
        config.header_timeout = std::time::Duration::from_secs(s);
    }
    if let Some(s) = args.body_timeout_secs {
        config.body_timeout = std::time::Duration::from_secs(s);
    }
    if let Some(n) = args.max_connections {
        config.max_connections = n;
    }
    if let Some(n) = args.max_connections_per_address {
        config.max_connections_per_address = n;
    }
    if let Some(n) = args.max_streams_per_user {
        config.max_streams_per_user = n;
    }
    config.hold_fanout = args.hold_fanout;
    if let Some(n) = args.event_feed_mb {
        config.event_feed_bytes = n * crate::config::MB;
    }
    if let Some(u) = &config.public_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(format!("--public-url must start with http:// or https:// (got {u})"));
    }
    if !(1..=365).contains(&config.invitation_days) {
        return Err(format!("invitation_days must be between 1 and 365 (got {})", config.invitation_days));
    }
    crate::mail::check(&config)?;
    config.check_limits()?;
    Ok(config)
}

pub async fn create_user(args: CreateUserArgs) -> Result<(), String> {
    let config = resolve(&args.data)?;
    let email = weft_core::input::Email::parse(&args.email).map_err(|e| e.to_string())?;
    let name = weft_core::input::name("name", &args.name).map_err(|e| e.to_string())?;
    let password = weft_core::input::Password::parse(&args.password).map_err(|e| e.to_string())?;
    let timezone = args.timezone.map(|t| weft_core::input::timezone(&t)).transpose().map_err(|e| e.to_string())?;
    let store = config.open_store().map_err(|e| e.to_string())?;
    let hash = auth::hash_password(password.expose()).map_err(|e| e.to_string())?;
    let now = weft_core::Clock::now(&SystemClock);
    let result = store
        .write(move |tx| users::create(tx, users::NewAccount { email, name, password_hash: hash, timezone }, now))
        .await;
    store.close().await;
    let user = result.map_err(|e| e.to_string())?;
    println!("{}", user.id);
    eprintln!("Created {} <{}>. Sign in with users/login.", user.name, user.email);
    Ok(())
}

/// The start of links for commands that run without a server: `public_url`, else the
/// listen address.
fn base_url(config: &Config) -> String {
    let url = config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.listen));
    url.trim_end_matches('/').to_string()
}

pub async fn invite(args: InviteArgs) -> Result<(), String> {
    let config = resolve(&args.data)?;
    let email = weft_core::input::Email::parse(&args.email).map_err(|e| e.to_string())?;
    let role = weft_core::model::UserType::parse(&args.role).ok_or("--role must be user, guest or admin")?;
    let ws = weft_core::WorkspaceId(args.workspace);
    let links = weft_core::services::invitations::Links {
        base_url: base_url(&config),
        invitation_ttl_s: config.invitation_days * 86_400,
        send_email: false,
    };
    let store = config.open_store().map_err(|e| e.to_string())?;
    let now = weft_core::Clock::now(&SystemClock);
    let result = store
        .write(move |tx| weft_core::services::invitations::operator_invite(tx, ws, &email, role, &links, now))
        .await;
    store.close().await;
    let url = result.map_err(|e| e.to_string())?;
    println!("{url}");
    eprintln!("Send this link to {}: it works once, for {} days.", args.email.trim(), config.invitation_days);
    Ok(())
}

pub async fn reset_password(args: ResetPasswordArgs) -> Result<(), String> {
    let config = resolve(&args.data)?;
    let email = weft_core::input::Email::parse(&args.email).map_err(|e| e.to_string())?.into_inner();
    let base = base_url(&config);
    let store = config.open_store().map_err(|e| e.to_string())?;
    let now = weft_core::Clock::now(&SystemClock);
    let result =
        store.write(move |tx| weft_core::services::password_reset::request(tx, &email, &base, false, now)).await;
    store.close().await;
    let code = result.map_err(|e| e.to_string())?.ok_or("no account with a password has this email")?;
    println!("{}", weft_core::services::password_reset::reset_url(&base_url(&config), &code));
    eprintln!("The link works once, for an hour, and signs the person out everywhere.");
    Ok(())
}

pub async fn import_slack(args: SlackImportArgs) -> Result<(), String> {
    use std::io::IsTerminal;
    let config = resolve(&args.data)?;
    let mut opts = crate::import::slack::Options::new(weft_core::WorkspaceId(args.workspace));
    opts.progress = std::io::stderr().is_terminal();
    opts.public_url = config.public_url.clone();
    let blobs = crate::files::Files::open(&config.files, &config.data)?;
    let store = config.open_store().map_err(|e| e.to_string())?;
    eprintln!("Importing {} into workspace {}", args.export.display(), args.workspace);
    let result = crate::import::slack::import(store.clone(), &blobs, &args.export, &opts).await;
    store.close().await;
    let s = result?;
    println!("Imported:");
    println!("  people:        {} matched by email, {} created", s.users_matched, s.users_created);
    println!("  channels:      {}", s.channels);
    println!("  threads:       {} with {} comments", s.threads, s.comments);
    println!("  conversations: {} with {} new messages", s.conversations, s.messages);
    println!("  reactions:     {}", s.reactions);
    println!("  files:         {} imported from the archive, {} kept as links", s.files_attached, s.files_linked);
    if !s.skipped.is_empty() {
        println!("Skipped:");
        for (why, n) in &s.skipped {
            println!("  {n:>8}  {why}");
        }
    }
    if !s.invited.is_empty() {
        println!(
            "{} people were added as invited members without a password. They get in through an invitation: \
             an admin resends it from the workspace's members (emailed when email is set up), or run \
             `weft admin invite --workspace {} --email EMAIL` for a link to send them yourself.",
            s.invited.len(),
            args.workspace
        );
    }
    Ok(())
}

pub fn clock() -> Arc<dyn weft_core::Clock> {
    Arc::new(SystemClock)
}

pub async fn migrate(args: MigrateArgs) -> Result<(), String> {
    use std::io::{IsTerminal, Write};
    use weft_store::copy::{self, Progress};
    if !(args.to.starts_with("postgres://") || args.to.starts_with("postgresql://")) {
        return Err("--to must be a postgres:// URL".into());
    }
    eprintln!("Copying {} into {}", args.from.display(), weft_store::redact(&args.to));
    let tty = std::io::stderr().is_terminal();
    let reports = weft_store::pg::off_runtime(move || {
        let mut last_table = String::new();
        copy::sqlite_to_postgres(&args.from, &args.to, |p| match p {
            Progress::Copying { table, done, total } => {
                let line = format!("  copying {table:<20} {done:>9}/{total} rows");
                if tty {
                    eprint!("\r{line}");
                    if done == total {
                        eprintln!();
                    }
                } else if done == total {
                    eprintln!("{line}");
                }
                let _ = std::io::stderr().flush();
                last_table = table.to_string();
            }
            Progress::Verifying { table } => {
                if tty {
                    eprint!("\r  verifying {table:<20}          ");
                    let _ = std::io::stderr().flush();
                }
            }
        })
    })
    .map_err(|e| e.to_string())?;
    if tty {
        eprintln!();
    }
    println!("{:<20} {:>10} {:>10}  checksum", "table", "source", "copied");
    let mut all_ok = true;
    for r in &reports {
        all_ok &= r.ok();
        let mark = if r.checksums_match { "match" } else { "DIFFERS" };
        println!("{:<20} {:>10} {:>10}  {mark}", r.table, r.source_rows, r.target_rows);
    }
    if all_ok {
        println!("Verified: every table was copied exactly. Start Weft with --database-url to use it.");
        Ok(())
    } else {
        Err("the copy differs from the source (see the table above); was the target empty?".into())
    }
}

pub async fn mail_status(args: MailStatusArgs) -> Result<(), String> {
    let config = resolve(&args.data)?;
    let store = config.open_store().map_err(|e| e.to_string())?;
    let now = weft_core::Clock::now(&SystemClock);
    let retried = if args.retry_parked {
        Some(store.write(|tx| tx.requeue_parked_mail()).await.map_err(|e| e.to_string())?)
    } else {
        None
    };
    let limit = args.limit.clamp(1, 1000);
    let status = store.read(move |tx| tx.mail_status(limit)).await;
    store.close().await;
    let status = status.map_err(|e| e.to_string())?;
    if args.json {
        let mut v = serde_json::to_value(&status).map_err(|e| e.to_string())?;
        if let Some(n) = retried {
            v["requeued"] = n.into();
        }
        println!("{v}");
        return Ok(());
    }
    if let Some(n) = retried {
        println!("Queued {n} parked email(s) again; a running server sends them within seconds.");
    }
    let ago = |ts: Option<i64>| ts.map(|t| format!(" ({} ago)", span(now - t))).unwrap_or_default();
    println!(
        "Outbox: {} queued{}, {} sending, {} sent{}, {} parked",
        status.queued,
        ago(status.oldest_queued_ts).replace(" ago)", " ago, oldest)"),
        status.sending,
        status.sent,
        ago(status.last_sent_ts).replace(" ago)", " ago, last)"),
        status.parked,
    );
    if status.problems.is_empty() {
        println!("No failures.");
        return Ok(());
    }
    println!("Failures (parked first):");
    for p in &status.problems {
        let when = if p.state == "parked" {
            "parked".to_string()
        } else {
            format!("next try in {}", span(p.next_attempt_ts - now))
        };
        println!("  #{:<6} to {}  {:?}", p.id, p.to, p.subject);
        println!("          {} tries, {when}; last error: {}", p.attempts, p.last_error);
    }
    if status.parked > 0 {
        println!("Fix the cause (see the errors above), then: weft admin mail-status --retry-parked");
    }
    Ok(())
}

/// `weft admin status`: answers whether the instance is healthy.
pub async fn status(args: StatusArgs) -> Result<bool, String> {
    let config = resolve(&args.data)?;
    let mail_on = args.smtp_url.is_some() || config.smtp_url.is_some();
    let store = config.open_store().map_err(|e| format!("cannot open the database: {e}"))?;
    let now = weft_core::Clock::now(&SystemClock);
    let status = crate::metrics::status(&store, now, mail_on).await;
    let backend = store.backend();
    store.close().await;
    let s = status.map_err(|e| format!("cannot read the database: {e}"))?;
    let healthy = s.problems.is_empty();
    if args.json {
        let mut v = serde_json::to_value(&s).map_err(|e| e.to_string())?;
        v["backend"] = backend.into();
        v["mail_on"] = mail_on.into();
        v["healthy"] = healthy.into();
        println!("{v}");
        return Ok(healthy);
    }
    let f = &s.figures;
    let mib = |b: f64| format!("{:.1} MiB", b / (1024.0 * 1024.0));
    println!("Data: {}", config.location().describe());
    let wal = s.wal_bytes.map(|w| format!(", WAL {}", mib(w as f64))).unwrap_or_default();
    println!("Database: {}{wal}, schema version {}", mib(f.database_bytes as f64), f.schema_version);
    println!("Event log: head {}", f.event_head);
    println!("Fan-out: {} events behind, oldest post waiting {}", f.fanout_behind_events, span(f.fanout_lag_s));
    match (f.mail_behind_events, mail_on) {
        (Some(n), true) => println!("Email: {n} events after the cursor, oldest push waiting {}", span(f.mail_lag_s)),
        (Some(n), false) => println!("Email: off here (no smtp_url); {n} events after the cursor"),
        (None, _) => println!("Email: never turned on"),
    }
    let oldest = f.oldest_queued_mail_ts.map(|t| format!(" (oldest made {} ago)", span(now - t))).unwrap_or_default();
    println!(
        "Outbox: {} queued{oldest}, {} sending, {} parked; most overdue {}",
        f.mail_queued,
        f.mail_sending,
        f.mail_parked,
        span(f.mail_overdue_s)
    );
    println!(
        "Scheduler: {} late; {} pushes held ({} due), {} scheduled posts waiting ({} due)",
        span(f.scheduler_lag_s),
        f.pushes_held,
        f.pushes_due,
        f.scheduled_posts_waiting,
        f.scheduled_posts_due
    );
    if healthy {
        println!("Healthy.");
    } else {
        println!("Unhealthy:");
        for p in &s.problems {
            println!("  - {p}");
        }
    }
    Ok(healthy)
}

/// "3 min", "2 h", "5 s".
fn span(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..120 => format!("{s} s"),
        120..7200 => format!("{} min", s / 60),
        7200..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}
