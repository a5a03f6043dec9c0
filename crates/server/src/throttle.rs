//! Throttling of failed sign-ins, per email and per client address. A sliding window of
//! failures; once a key has too many, further attempts are refused (429) until the oldest
//! failure leaves the window. Kept in memory: a restart forgets it, which is acceptable for
//! a brake on password guessing.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use weft_core::{Error, Result};

pub const WINDOW_SECS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_EMAIL: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
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

impl LoginThrottle {
    /// Refuses the attempt if either the email or the address is over its limit.
    pub fn check(&self, email: &str, ip: IpAddr, now: i64) -> Result<()> {
        let mut map = self.failures.lock().expect("throttle lock");
        for (key, limit) in [(email_key(email), MAX_FAILURES_PER_EMAIL), (ip_key(ip), MAX_FAILURES_PER_ADDRESS)] {
            if let Some(times) = map.get_mut(&key) {
                while times.front().is_some_and(|t| *t <= now - WINDOW_SECS) {
                    times.pop_front();
                }
                if times.len() >= limit {
                    let retry = times.front().map_or(WINDOW_SECS, |t| t + WINDOW_SECS - now).max(1);
                    return Err(Error::TooManyRequests { retry_after_secs: retry });
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, email: &str, ip: IpAddr, now: i64) {
        let mut map = self.failures.lock().expect("throttle lock");
        if map.len() >= MAX_KEYS {
            map.retain(|_, times| times.back().is_some_and(|t| *t > now - WINDOW_SECS));
        }
        for key in [email_key(email), ip_key(ip)] {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// An attempt that counts whatever its outcome (a password-reset request): refused
    /// when either key is over its limit, else recorded — checked and counted under one
    /// lock, so concurrent requests cannot all slip under the limit.
    pub fn attempt(&self, email: &str, ip: IpAddr, now: i64) -> Result<()> {
        let mut map = self.failures.lock().expect("throttle lock");
        let keys = [(email_key(email), MAX_FAILURES_PER_EMAIL), (ip_key(ip), MAX_FAILURES_PER_ADDRESS)];
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

    /// A correct password clears the email's failures (not the address's).
    pub fn succeeded(&self, email: &str) {
        self.failures.lock().expect("throttle lock").remove(&email_key(email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_whatever_their_outcome() {
        let t = LoginThrottle::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for i in 0..MAX_FAILURES_PER_EMAIL as i64 {
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

    #[test]
    fn an_email_is_locked_after_five_failures_until_the_window_passes() {
        let t = LoginThrottle::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for i in 0..5 {
            assert!(t.check("a@x.org", ip, 1000 + i).is_ok());
            t.failed("a@x.org", ip, 1000 + i);
        }
        assert!(matches!(t.check("a@x.org", ip, 1010), Err(Error::TooManyRequests { .. })));
        assert!(t.check("b@x.org", ip, 1010).is_ok(), "another email from the same address is still allowed");
        assert!(t.check("a@x.org", ip, 1000 + WINDOW_SECS + 1).is_ok());
    }

    #[test]
    fn an_address_is_locked_after_twenty_failures_across_emails() {
        let t = LoginThrottle::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..20 {
            t.failed(&format!("u{i}@x.org"), ip, 1000);
        }
        assert!(t.check("new@x.org", ip, 1001).is_err());
        assert!(t.check("new@x.org", "10.0.0.2".parse().unwrap(), 1001).is_ok());
    }
}
