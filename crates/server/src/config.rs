//! Configuration: one typed struct, layered as defaults → `weft.toml` → `WEFT_*`
//! environment variables → command-line flags.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA: &str = "./weft-data";
pub const DEFAULT_CONFIG_FILE: &str = "weft.toml";
pub const DEFAULT_PASSWORD_HASHES: usize = 4;

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
    /// Requests per minute per person and per address, by kind (`[rate_limits]`).
    pub rates: crate::limits::Rates,
    /// Password hashes computed at once (sign-in, registration, password changes).
    pub password_hashes: usize,
    /// Where attachments are stored, and the largest file an upload may carry.
    pub files: crate::files::FilesConfig,
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
            rates: crate::limits::Rates::default(),
            password_hashes: DEFAULT_PASSWORD_HASHES,
            files: crate::files::FilesConfig::default(),
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
    pub rate_limits: Option<crate::limits::Rates>,
    pub password_hashes: Option<usize>,
    pub attachments_url: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub max_upload_bytes: Option<u64>,
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

# Password hashes computed at once (sign-in, registration, password changes); each takes
# about 19 MiB and a core for a moment. More wait their turn (WEFT_PASSWORD_HASHES).
password_hashes = 4

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
        assert_eq!(file.apply(Config::default()), Config::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<FileConfig>("listne = \"x\"").is_err());
    }
}
