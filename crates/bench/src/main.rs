//! `weft-bench`: starts its own Weft server (or targets one with `--url`), seeds realistic
//! data, runs the scenarios, and prints a table plus, with `--json`, one JSON object per
//! scenario. Every figure stands beside a baseline measured in the same run on the same
//! machine, and beside its target. Only loopback traffic; every loop is bounded.

mod big_channel;
mod load;
mod report;
mod scenarios;
mod seed;
mod server;
mod two_nodes;
mod web;

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "weft-bench",
    version,
    about = "Benchmark and load generator for Weft",
    long_about = "Starts Weft (target/release/weft) on a fresh data directory — or uses --database-url, or \
                  targets a running server with --url — seeds realistic data, runs the scenarios and prints \
                  the figures beside baselines of the same run and beside their targets. Defaults are the full \
                  sizes and fit a 2-core machine in a few minutes; --quick runs tiny sizes in seconds."
)]
pub struct Args {
    /// Scenarios to run, comma-separated: startup, post, fanout, streams, big_channel, inbox, search, analytics
    /// (a month's report, ~1-7 s a request today, so not run by default), web (the web app in Chromium;
    /// needs node and web/tests' npm packages, so not run by default), and two_nodes (two weft serve
    /// processes on one PostgreSQL database, one workspace each, then the log checked; needs
    /// --database-url, so not run by default)
    #[arg(long, value_delimiter = ',', default_value = "startup,post,fanout,streams,big_channel,inbox,search")]
    pub scenarios: Vec<String>,
    /// PostgreSQL to benchmark instead of SQLite (a scratch database is made in it)
    #[arg(long, env = "WEFT_BENCH_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// A running server to target instead of starting one (startup and memory figures are skipped;
    /// the server must hold the data of a previous seeding)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The weft binary to start [default: next to this one]
    #[arg(long, value_name = "PATH")]
    pub weft: Option<std::path::PathBuf>,
    /// One JSON object per scenario on standard output, after the table
    #[arg(long)]
    pub json: bool,
    /// Tiny sizes, for a smoke run of a few seconds
    #[arg(long)]
    pub quick: bool,
    /// post and two_nodes: concurrent clients
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
    /// post: seconds of maximum load (and again of 25 % load); two_nodes: seconds of each phase
    #[arg(long, default_value_t = 10)]
    pub post_secs: u64,
    /// post: the fixed load of the second phase, in posts/s, instead of a quarter of the
    /// measured maximum; to compare two binaries under the same load
    #[arg(long, value_name = "POSTS_PER_S")]
    pub low_rate: Option<f64>,
    /// fanout: open event streams
    #[arg(long, default_value_t = 10_000)]
    pub streams: usize,
    /// streams: open event streams of one user
    #[arg(long, default_value_t = 2_000)]
    pub user_streams: usize,
    /// streams: membership changes of that user while they are open
    #[arg(long, default_value_t = 50)]
    pub membership_changes: usize,
    /// fanout: comments whose delivery to every stream is timed
    #[arg(long, default_value_t = 30)]
    pub fanout_posts: usize,
    /// big_channel: members of the channel (seeded)
    #[arg(long, default_value_t = 10_000)]
    pub big_channel_members: usize,
    /// big_channel: threads notifying everyone in it, one after another
    #[arg(long, default_value_t = 10)]
    pub big_channel_threads: usize,
    /// inbox, search and analytics: comments in the seeded workspace
    #[arg(long, default_value_t = 1_000_000)]
    pub comments: i64,
    /// inbox, search and analytics: threads in the seeded workspace
    #[arg(long, default_value_t = 50_000)]
    pub threads: i64,
    /// inbox, search and analytics: requests per measured call
    #[arg(long, default_value_t = 300)]
    pub queries: usize,
    /// Write each request of the `post` scenario's 25 % phase to this file, a line each:
    /// when it left (ms since the phase began) and how long it took (ms)
    #[arg(long, value_name = "FILE")]
    pub latency_log: Option<std::path::PathBuf>,
}

impl Args {
    /// Sizes for `--quick`.
    fn shrink(mut self) -> Self {
        if self.quick {
            self.clients = self.clients.min(8);
            self.post_secs = self.post_secs.min(1);
            self.streams = self.streams.min(50);
            self.fanout_posts = self.fanout_posts.min(5);
            self.user_streams = self.user_streams.min(50);
            self.membership_changes = self.membership_changes.min(6);
            self.big_channel_members = self.big_channel_members.min(200);
            self.big_channel_threads = self.big_channel_threads.min(3);
            self.comments = self.comments.min(2_000);
            self.threads = self.threads.min(100);
            self.queries = self.queries.min(20);
        }
        self
    }
}

fn main() -> ExitCode {
    let args = Args::parse().shrink();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("weft-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(scenarios::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("weft-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
