//! Throttling of password guessing, per email and per client address. An attempt counts
//! as a failure from the moment it starts, before the password is hashed, so a burst of
//! concurrent guesses cannot slip past the count; a correct password takes it back.
//! An email is slowed, never locked: after `FREE_FAILURES_PER_EMAIL` failures in the window
//! each further attempt must wait 2, 4, 8 … up to `MAX_EMAIL_DELAY_SECS` seconds after the
//! last one, so a stranger cannot lock the owner out and guessing gets about one try a
//! minute. An address with `MAX_FAILURES_PER_ADDRESS` failures is refused until the oldest
//! leaves the window. Kept in memory: a restart forgets it, which is acceptable for a brake.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use weft_core::{Error, Result};

pub const WINDOW_SECS: i64 = 15 * 60;
pub const FREE_FAILURES_PER_EMAIL: usize = 5;
pub const MAX_EMAIL_DELAY_SECS: i64 = 60;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// Requests that email a link (`attempt`), per email in the window.
pub const MAX_REQUESTS_PER_EMAIL: usize = 5;
/// Bounds memory under a flood of distinct keys.
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

fn email_key(email: &str) -> String {
    format!("email:{email}")
}

fn ip_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

/// How long after its last failure an email may be tried again, with `n` failures.
fn email_delay(n: usize) -> i64 {
    if n < FREE_FAILURES_PER_EMAIL {
        return 0;
    }
    let doublings = (n - FREE_FAILURES_PER_EMAIL + 1).min(6) as u32;
    (1_i64 << doublings).min(MAX_EMAIL_DELAY_SECS)
}

impl LoginThrottle {
    /// Starts an attempt: refused (429) while the email must wait or the address is over
    /// its limit; otherwise counted as a failure until `succeeded`.
    pub fn begin(&self, email: &str, ip: IpAddr, now: i64) -> Result<()> {
        let mut map = self.failures.lock().expect("throttle lock");
        if map.len() >= MAX_KEYS {
            map.retain(|_, times| times.back().is_some_and(|t| *t > now - WINDOW_SECS));
        }
        let (email_k, ip_k) = (email_key(email), ip_key(ip));
        for key in [&email_k, &ip_k] {
            if let Some(times) = map.get_mut(key) {
                while times.front().is_some_and(|t| *t <= now - WINDOW_SECS) {
                    times.pop_front();
                }
            }
        }
        if let Some(times) = map.get(&ip_k)
            && times.len() >= MAX_FAILURES_PER_ADDRESS
        {
            let retry = times.front().map_or(WINDOW_SECS, |t| t + WINDOW_SECS - now).max(1);
            return Err(Error::TooManyRequests { retry_after_secs: retry });
        }
        if let Some(times) = map.get(&email_k)
            && let Some(last) = times.back()
        {
            let wait = last + email_delay(times.len()) - now;
            if wait > 0 {
                return Err(Error::TooManyRequests { retry_after_secs: wait });
            }
        }
        for key in [email_k, ip_k] {
            map.entry(key).or_default().push_back(now);
        }
        Ok(())
    }

    /// An attempt that counts whatever its outcome (a password-reset request): refused
    /// when either key is over its limit, else recorded — checked and counted under one
    /// lock, so concurrent requests cannot all slip under the limit.
    pub fn attempt(&self, email: &str, ip: IpAddr, now: i64) -> Result<()> {
        let mut map = self.failures.lock().expect("throttle lock");
        let keys = [(email_key(email), MAX_REQUESTS_PER_EMAIL), (ip_key(ip), MAX_FAILURES_PER_ADDRESS)];
        for (key, limit) in &keys {
            if let Some(times) = map.get_mut(key) {
                while times.front().is_some_and(|t| *t <= now - WINDOW_SECS) {
                    times.pop_front();
                }
                if times.len() >= *limit {
                    let retry = times.front().map_or(WINDOW_SECS, |t| t + WINDOW_SECS - now).max(1);
                    return Err(Error::TooManyRequests { retry_after_secs: retry });
                }
            }
        }
        if map.len() >= MAX_KEYS {
            map.retain(|_, times| times.back().is_some_and(|t| *t > now - WINDOW_SECS));
        }
        for (key, _) in keys {
            map.entry(key).or_default().push_back(now);
        }
        Ok(())
    }

    /// A correct password: the email's failures are cleared and this attempt no longer
    /// counts against the address (its earlier failures still do).
    pub fn succeeded(&self, email: &str, ip: IpAddr, started: i64) {
        let mut map = self.failures.lock().expect("throttle lock");
        map.remove(&email_key(email));
        if let Some(times) = map.get_mut(&ip_key(ip))
            && let Some(i) = times.iter().rposition(|t| *t == started)
        {
            times.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn concurrent_attempts_count_before_any_finishes() {
        let t = LoginThrottle::default();
        let admitted = (0..60).filter(|_| t.begin("a@x.org", ip("10.0.0.1"), 1000).is_ok()).count();
        assert_eq!(admitted, FREE_FAILURES_PER_EMAIL, "60 guesses at once: only 5 get to the password check");
    }

    #[test]
    fn an_email_is_slowed_with_growing_waits_never_locked() {
        let t = LoginThrottle::default();
        let mut now = 1000;
        for _ in 0..FREE_FAILURES_PER_EMAIL {
            t.begin("a@x.org", ip("10.0.0.1"), now).unwrap();
        }
        let mut waits = Vec::new();
        for i in 0..8 {
            let Err(Error::TooManyRequests { retry_after_secs }) = t.begin("a@x.org", ip("10.0.0.2"), now) else {
                panic!("an attempt right after a failure waits")
            };
            waits.push(retry_after_secs);
            now += retry_after_secs;
            t.begin("a@x.org", ip(&format!("10.0.1.{i}")), now).unwrap();
        }
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        // The owner, from anywhere, gets in after at most a minute; success clears it.
        t.begin("a@x.org", ip("192.0.2.9"), now + MAX_EMAIL_DELAY_SECS).unwrap();
        t.succeeded("a@x.org", ip("192.0.2.9"), now + MAX_EMAIL_DELAY_SECS);
        t.begin("a@x.org", ip("192.0.2.9"), now + MAX_EMAIL_DELAY_SECS).unwrap();
        assert!(t.begin("b@x.org", ip("10.0.0.3"), 1000).is_ok(), "another email is not slowed");
    }

    #[test]
    fn an_address_is_refused_after_twenty_failures_across_emails() {
        let t = LoginThrottle::default();
        for i in 0..MAX_FAILURES_PER_ADDRESS {
            t.begin(&format!("u{i}@x.org"), ip("10.0.0.1"), 1000).unwrap();
        }
        assert!(t.begin("new@x.org", ip("10.0.0.1"), 1001).is_err());
        assert!(t.begin("new@x.org", ip("10.0.0.2"), 1001).is_ok());
        assert!(t.begin("new@x.org", ip("10.0.0.1"), 1000 + WINDOW_SECS + 1).is_ok(), "until the window passes");
    }

    #[test]
    fn a_success_does_not_count_against_the_address() {
        let t = LoginThrottle::default();
        for i in 0..100 {
            t.begin("a@x.org", ip("10.0.0.1"), 1000 + i).unwrap();
            t.succeeded("a@x.org", ip("10.0.0.1"), 1000 + i);
        }
        assert!(t.begin("a@x.org", ip("10.0.0.1"), 1200).is_ok());
    }

    #[test]
    fn attempts_count_whatever_their_outcome() {
        let t = LoginThrottle::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for i in 0..MAX_REQUESTS_PER_EMAIL as i64 {
            assert!(t.attempt("a@x.org", ip, 1000 + i).is_ok());
        }
        assert!(matches!(t.attempt("a@x.org", ip, 1010), Err(Error::TooManyRequests { .. })));
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        for i in 0..MAX_FAILURES_PER_ADDRESS as i64 {
            assert!(t.attempt(&format!("u{i}@x.org"), other, 1000).is_ok());
        }
        assert!(t.attempt("fresh@x.org", other, 1000).is_err(), "the address is over its limit");
        assert!(t.attempt("a@x.org", ip, 1000 + WINDOW_SECS + 1).is_ok());
    }
}
