//! Memory a burst of work freed goes back to the system.
//!
//! The C library's malloc (glibc) keeps what is freed in its arenas for reuse and returns
//! little of it: a server that had checked 64 passwords (each check allocates argon2's
//! 19 MiB, which also raises glibc's threshold for giving large blocks their own mapping)
//! and taken ten seconds of posting stayed at 300–400 MiB resident with nothing in use.
//! When the server goes quiet, the free pages of every arena are handed back (`malloc_trim`),
//! after the caches a burst filled have let go of what a quiet server does not need: the
//! database's idle connections and mappings (`Store::release_idle`) and all but the newest
//! events of the stream's feed (`QUIET_FEED_EVENTS`).
//! Elsewhere (other C libraries, other systems) this is a no-op.

use crate::app::App;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often the server checks whether it has gone quiet.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// The events the stream's feed keeps once the server is quiet (8,192 at most while busy,
/// ≈ 6 MiB after a burst of posting). Every open stream has read them by then.
const QUIET_FEED_EVENTS: usize = 512;

/// HTTP requests this process has received: what "quiet" is measured by (the background
/// workers' own small, steady work does not count).
static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// Counts one request (`serve`).
pub fn note_request() {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
}

/// Returns freed memory to the system once the server goes quiet after some work (no
/// request for `CHECK_EVERY`), until `shutdown` is set. A trim walks every arena under its
/// lock, so it waits for a quiet moment instead of stalling requests.
pub async fn run_trimmer(app: Arc<App>) {
    let mut shutdown = app.shutdown.clone();
    // What starting up left (the API's document being built, migrations) goes at once.
    let _ = tokio::task::spawn_blocking(trim).await;
    let mut seen = REQUESTS.load(Ordering::Relaxed);
    let mut trimmed = seen;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = shutdown.changed() => return,
        }
        let now = REQUESTS.load(Ordering::Relaxed);
        let quiet = now == seen;
        seen = now;
        if !quiet || now == trimmed {
            continue;
        }
        trimmed = now;
        let started = Instant::now();
        let app = app.clone();
        let released = tokio::task::spawn_blocking(move || {
            app.feed.keep_newest(QUIET_FEED_EVENTS);
            app.store.release_idle();
            trim()
        })
        .await
        .unwrap_or(false);
        tracing::debug!(took = ?started.elapsed(), released, "returned freed memory to the system");
    }
}

/// Hands the free pages of malloc's arenas back; answers whether any went.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[expect(unsafe_code, reason = "malloc_trim is a C function; it has no preconditions")]
fn trim() -> bool {
    // SAFETY: malloc_trim only releases pages malloc itself holds free; any thread may call it.
    unsafe { libc::malloc_trim(0) != 0 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() -> bool {
    false
}
