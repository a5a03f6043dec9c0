//! The `weft` server: configuration, the HTTP API, the event stream and the command line.

pub mod api;
pub mod app;
pub mod backup;
pub mod cli;
pub mod config;
pub mod fanout;
pub mod files;
pub mod import;
pub mod limits;
pub mod mail;
pub mod memory;
pub mod metrics;
pub mod serve;
pub mod stream;
pub mod throttle;
pub mod transfer;
pub mod web;
pub mod webhooks;
pub mod workers;

pub use app::{App, Server};
pub use config::Config;
pub use workers::{Worker, WorkerMode};
