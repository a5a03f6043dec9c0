//! What an operator watches: the figures of the database that say whether the background
//! work keeps up (read in one transaction, `Health::health_figures`), the counters the
//! writer keeps as it commits (`WriterStats`), and the one rule that calls an instance
//! unhealthy (`HealthFigures::problems`), shared by `/metrics` and `weft admin status`.

use crate::error::Result;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// The database's figures at one moment, from one read transaction. Times are Unix seconds;
/// a lag is 0 when nothing waits.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HealthFigures {
    /// The newest migration applied.
    pub schema_version: i64,
    /// The sequence number of the newest event.
    pub event_head: i64,
    /// The database's size in bytes (SQLite: its pages; PostgreSQL: `pg_database_size`).
    pub database_bytes: i64,
    /// Events after the last one the fan-out finished (posts whose people are not told yet
    /// are among them).
    pub fanout_behind_events: i64,
    /// How long the oldest post not yet fanned out has waited.
    pub fanout_lag_s: i64,
    /// Events after the mail cursor (None: email was never turned on).
    pub mail_behind_events: Option<i64>,
    /// How long the oldest push not yet turned into email has waited (0 without a cursor).
    pub mail_lag_s: i64,
    /// How late the scheduler is: the oldest held push or scheduled post that is due and
    /// not yet sent.
    pub scheduler_lag_s: i64,
    /// Emails waiting to be sent (or retried), being sent, and given up on.
    pub mail_queued: i64,
    pub mail_sending: i64,
    pub mail_parked: i64,
    /// When the oldest queued email was made.
    pub oldest_queued_mail_ts: Option<i64>,
    /// How long the most overdue queued email has been due (a retry not yet due is not).
    pub mail_overdue_s: i64,
    /// Pushes held until their person is available.
    pub pushes_held: i64,
    /// Of those, the ones due now.
    pub pushes_due: i64,
    /// Scheduled posts waiting, and those of them whose time has come.
    pub scheduled_posts_waiting: i64,
    pub scheduled_posts_due: i64,
}

/// Past these, `HealthFigures::problems` calls the instance unhealthy. Each worker runs
/// every second, so a lag of minutes means it is stopped or failing.
pub const MAX_FANOUT_LAG_S: i64 = 60;
pub const MAX_SCHEDULER_LAG_S: i64 = 300;
pub const MAX_MAIL_LAG_S: i64 = 600;
/// A queued email overdue this long: the mailer is not sending.
pub const MAX_MAIL_OVERDUE_S: i64 = 1800;
/// SQLite's WAL is rewound past 64 MiB and truncated past 256 MiB; this size means
/// checkpoints stopped (a reader that never ends, a full disk).
pub const MAX_WAL_BYTES: u64 = 1024 * 1024 * 1024;

impl HealthFigures {
    /// What is clearly wrong, in words (empty: healthy). `mail_on`: whether this instance
    /// sends email (without it nothing turns pushes into email, and that is no fault).
    /// `wal_bytes`: the WAL's size where there is one to measure.
    pub fn problems(&self, mail_on: bool, wal_bytes: Option<u64>) -> Vec<String> {
        let mut out = Vec::new();
        if self.fanout_lag_s > MAX_FANOUT_LAG_S {
            out.push(format!("the fan-out is {} s behind (more than {MAX_FANOUT_LAG_S} s)", self.fanout_lag_s));
        }
        if self.scheduler_lag_s > MAX_SCHEDULER_LAG_S {
            out.push(format!("the scheduler is {} s late (more than {MAX_SCHEDULER_LAG_S} s)", self.scheduler_lag_s));
        }
        if mail_on && self.mail_lag_s > MAX_MAIL_LAG_S {
            out.push(format!("pushes wait {} s to become email (more than {MAX_MAIL_LAG_S} s)", self.mail_lag_s));
        }
        if mail_on && self.mail_overdue_s > MAX_MAIL_OVERDUE_S {
            out.push(format!("queued email is {} s overdue (more than {MAX_MAIL_OVERDUE_S} s)", self.mail_overdue_s));
        }
        if let Some(wal) = wal_bytes
            && wal > MAX_WAL_BYTES
        {
            out.push(format!("the WAL holds {wal} bytes (more than {MAX_WAL_BYTES}): checkpoints are not keeping up"));
        }
        out
    }
}

/// Reading the figures an operator watches.
pub trait Health {
    /// Every figure of `HealthFigures` at `now`, with a fixed number of statements.
    /// Without `mail_on` the mail lag is not looked for (it would walk the log from a
    /// cursor nothing moves).
    fn health_figures(&mut self, now: i64, mail_on: bool) -> Result<HealthFigures>;
}

/// The upper bounds of the writer's batch sizes (jobs per commit; `writer::MAX_BATCH` is
/// the largest).
pub const BATCH_SIZE_BOUNDS: [u64; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/// The upper bounds of commit latency, in microseconds: 1 ms to 10 s.
pub const COMMIT_MICROS_BOUNDS: [u64; 13] = [
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
];

/// A histogram of whole numbers kept in atomics: the writer thread records into it without
/// locks, and whoever watches reads it at any time.
#[derive(Debug)]
pub struct Counts {
    bounds: &'static [u64],
    /// One more than the bounds: the last counts what is past them all.
    buckets: Vec<AtomicU64>,
    sum: AtomicU64,
    count: AtomicU64,
}

/// A histogram as read: per bucket (not cumulative), with their upper bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct CountsSnapshot {
    pub buckets: Vec<(u64, u64)>,
    pub sum: u64,
    pub count: u64,
}

impl Counts {
    pub fn new(bounds: &'static [u64]) -> Self {
        Counts {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    pub fn record(&self, value: u64) {
        let i = self.bounds.partition_point(|b| *b < value);
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.sum.fetch_add(value, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The buckets within the bounds (what is past them is `count` minus their total).
    pub fn snapshot(&self) -> CountsSnapshot {
        let buckets = self.bounds.iter().zip(&self.buckets).map(|(b, n)| (*b, n.load(Ordering::Relaxed))).collect();
        CountsSnapshot { buckets, sum: self.sum.load(Ordering::Relaxed), count: self.count.load(Ordering::Relaxed) }
    }
}

/// What the group-commit writer counts as it goes.
#[derive(Debug)]
pub struct WriterStats {
    /// Jobs per committed batch.
    pub batch_sizes: Counts,
    /// From a batch's start (its `BEGIN`) to its commit's return, in microseconds.
    pub commit_micros: Counts,
    /// Answers the writer waited for from a database server (PostgreSQL; SQLite runs in
    /// the process and has none): what a write costs beyond its statements' own work.
    pub round_trips: std::sync::atomic::AtomicU64,
}

impl Default for WriterStats {
    fn default() -> Self {
        WriterStats {
            batch_sizes: Counts::new(&BATCH_SIZE_BOUNDS),
            commit_micros: Counts::new(&COMMIT_MICROS_BOUNDS),
            round_trips: Default::default(),
        }
    }
}

impl WriterStats {
    pub fn record_batch(&self, jobs: usize, took: std::time::Duration) {
        self.batch_sizes.record(jobs as u64);
        self.commit_micros.record(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fall_in_the_first_bucket_that_holds_them() {
        let c = Counts::new(&BATCH_SIZE_BOUNDS);
        for v in [1, 2, 3, 512, 513] {
            c.record(v);
        }
        let s = c.snapshot();
        assert_eq!(s.buckets[0], (1, 1));
        assert_eq!(s.buckets[1], (2, 1));
        assert_eq!(s.buckets[2], (4, 1));
        assert_eq!(s.buckets[9], (512, 1));
        assert_eq!((s.count, s.sum), (5, 1031));
        assert_eq!(s.buckets.iter().map(|b| b.1).sum::<u64>(), 4, "513 is past every bound");
    }

    #[test]
    fn the_rule_names_what_is_late() {
        let fine = HealthFigures::default();
        assert!(fine.problems(true, Some(0)).is_empty());
        let late = HealthFigures { fanout_lag_s: 61, mail_lag_s: 601, ..Default::default() };
        assert_eq!(late.problems(true, None).len(), 2);
        assert_eq!(late.problems(false, None).len(), 1, "without email, pushes not mailed are no fault");
        assert_eq!(fine.problems(false, Some(MAX_WAL_BYTES + 1)).len(), 1);
    }
}
