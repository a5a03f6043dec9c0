//! Configuration: one typed struct, layered as defaults → `weft.toml` → `WEFT_*`
//! environment variables → command-line flags.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA: &str = "./weft-data";
pub const DEFAULT_CONFIG_FILE: &str = "weft.toml";

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where the embedded database lives.
    pub data: PathBuf,
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Anyone may create an account with `users/register`.
    pub open_registration: bool,
    /// Reverse proxies whose `X-Forwarded-For` header is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// `tracing` filter, e.g. `info` or `weft=debug`.
    pub log: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from(DEFAULT_DATA),
            listen: DEFAULT_LISTEN.parse().expect("valid default address"),
            open_registration: false,
            trusted_proxies: Vec::new(),
            log: "info".into(),
        }
    }
}

/// The optional file, every key optional.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub open_registration: Option<bool>,
    pub trusted_proxies: Option<Vec<IpAddr>>,
    pub log: Option<String>,
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
        c
    }
}

/// `weft config example`: every setting with its default.
pub const EXAMPLE: &str = r#"# weft.toml — every key is optional; flags and WEFT_* variables override it.

# Where the embedded SQLite database lives (WEFT_DATA, --data).
data = "./weft-data"

# Address to listen on (WEFT_LISTEN, --listen).
listen = "127.0.0.1:8080"

# Let anyone create an account through users/register (WEFT_OPEN_REGISTRATION).
open_registration = false

# Reverse proxies whose X-Forwarded-For header is trusted (WEFT_TRUSTED_PROXIES).
trusted_proxies = []

# Log filter (WEFT_LOG), e.g. "info" or "weft=debug,info".
log = "info"
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
