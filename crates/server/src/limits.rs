//! Rate limits: for each kind of request that costs the server (writes, searches,
//! sign-ins), a token bucket per person and one per client address. A bucket holds up to a
//! minute's worth of requests and refills continuously; a request takes one token from
//! every bucket it falls in, or none when any is empty (answered 429 with `Retry-After`).
//! Kept in memory, per node: a restart or another node starts with full buckets, which is
//! acceptable for a brake on floods.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use weft_core::{Error, Result, UserId};

/// What a request costs, as the route table says (`Endpoint::limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// A change: every POST but sign-ins and `batch` itself (its calls count one by one).
    Write,
    Search,
    /// Signing in or anything else that checks a password or a secret without a session.
    SignIn,
}

/// Requests per minute; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rates {
    pub writes_per_user: u32,
    pub writes_per_address: u32,
    pub searches_per_user: u32,
    pub searches_per_address: u32,
    pub sign_ins_per_address: u32,
}

impl Default for Rates {
    /// Far above what a person does by hand (a busy one writes a few times a minute), low
    /// enough that one account or address cannot flood the writer or the search index.
    fn default() -> Self {
        Rates {
            writes_per_user: 300,
            writes_per_address: 1200,
            searches_per_user: 60,
            searches_per_address: 240,
            sign_ins_per_address: 30,
        }
    }
}

impl Rates {
    /// No limits at all (load tests, fuzzing).
    pub fn off() -> Self {
        Rates {
            writes_per_user: 0,
            writes_per_address: 0,
            searches_per_user: 0,
            searches_per_address: 0,
            sign_ins_per_address: 0,
        }
    }

    fn per_minute(&self, limit: Limit) -> (u32, u32) {
        match limit {
            Limit::Write => (self.writes_per_user, self.writes_per_address),
            Limit::Search => (self.searches_per_user, self.searches_per_address),
            Limit::SignIn => (0, self.sign_ins_per_address),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    User(UserId),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
}

/// Bounds memory under a flood of distinct addresses: full buckets are forgotten first
/// (a full bucket is the same as none).
const MAX_BUCKETS: usize = 200_000;

pub struct RateLimiter {
    rates: Rates,
    buckets: Mutex<HashMap<(Limit, Who), Bucket>>,
}

impl RateLimiter {
    pub fn new(rates: Rates) -> Self {
        RateLimiter { rates, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for this request from the caller's bucket and the address's, or
    /// refuses it (taking nothing) with the seconds until both have one again.
    pub fn take(&self, limit: Limit, user: Option<UserId>, ip: IpAddr, now_ms: i64) -> Result<()> {
        let (per_user, per_address) = self.rates.per_minute(limit);
        let mut rules: Vec<(Who, u32)> = Vec::with_capacity(2);
        if let Some(u) = user.filter(|_| per_user > 0) {
            rules.push((Who::User(u), per_user));
        }
        if per_address > 0 {
            rules.push((Who::Address(ip), per_address));
        }
        if rules.is_empty() {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.len() >= MAX_BUCKETS {
            let rates = self.rates;
            buckets.retain(|(limit, who), b| {
                let (u, a) = rates.per_minute(*limit);
                let per_minute = if matches!(who, Who::User(_)) { u } else { a };
                refilled(*b, per_minute, now_ms).tokens < f64::from(per_minute)
            });
        }
        let mut wait_ms = 0.0_f64;
        let mut next = Vec::with_capacity(rules.len());
        for (who, per_minute) in rules {
            let full = Bucket { tokens: f64::from(per_minute), at_ms: now_ms };
            let b = buckets.get(&(limit, who)).map_or(full, |b| refilled(*b, per_minute, now_ms));
            if b.tokens < 1.0 {
                wait_ms = wait_ms.max((1.0 - b.tokens) * 60_000.0 / f64::from(per_minute));
            }
            next.push(((limit, who), b));
        }
        if wait_ms > 0.0 {
            let retry_after_secs = (wait_ms / 1000.0).ceil().max(1.0) as i64;
            return Err(Error::TooManyRequests { retry_after_secs });
        }
        for (key, b) in next {
            buckets.insert(key, Bucket { tokens: b.tokens - 1.0, at_ms: b.at_ms });
        }
        Ok(())
    }
}

/// The bucket at `now_ms`, refilled at `per_minute` tokens a minute up to `per_minute`.
fn refilled(b: Bucket, per_minute: u32, now_ms: i64) -> Bucket {
    let elapsed = (now_ms - b.at_ms).max(0) as f64;
    let cap = f64::from(per_minute);
    Bucket { tokens: (b.tokens + elapsed * cap / 60_000.0).min(cap), at_ms: now_ms.max(b.at_ms) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: &str = "192.0.2.1";

    fn limiter(writes_per_user: u32, writes_per_address: u32) -> RateLimiter {
        RateLimiter::new(Rates { writes_per_user, writes_per_address, ..Rates::default() })
    }

    #[test]
    fn a_minutes_worth_passes_then_the_bucket_refills_at_the_rate() {
        let l = limiter(60, 0);
        let (u, ip) = (Some(UserId(1)), IP.parse().unwrap());
        for _ in 0..60 {
            l.take(Limit::Write, u, ip, 0).unwrap();
        }
        let Err(Error::TooManyRequests { retry_after_secs }) = l.take(Limit::Write, u, ip, 0) else {
            panic!("the 61st write in the same instant is refused")
        };
        assert_eq!(retry_after_secs, 1, "one token a second at 60 a minute");
        assert!(l.take(Limit::Write, Some(UserId(2)), ip, 0).is_ok(), "another person has their own bucket");
        assert!(l.take(Limit::Write, u, ip, 1_000).is_ok(), "a second later one more");
        assert!(l.take(Limit::Write, u, ip, 1_000).is_err());
    }

    #[test]
    fn an_address_limits_everyone_behind_it_and_a_refusal_takes_nothing() {
        let l = limiter(10, 15);
        let ip: IpAddr = IP.parse().unwrap();
        for _ in 0..10 {
            l.take(Limit::Write, Some(UserId(1)), ip, 0).unwrap();
        }
        // User 1 is empty: refused, and the address's tokens are not spent on it.
        for _ in 0..100 {
            assert!(l.take(Limit::Write, Some(UserId(1)), ip, 0).is_err());
        }
        for _ in 0..5 {
            l.take(Limit::Write, Some(UserId(2)), ip, 0).unwrap();
        }
        assert!(l.take(Limit::Write, Some(UserId(3)), ip, 0).is_err(), "the address's 15 are spent");
        assert!(l.take(Limit::Write, Some(UserId(3)), "192.0.2.2".parse().unwrap(), 0).is_ok());
    }

    #[test]
    fn zero_is_no_limit_and_kinds_are_separate() {
        let l = RateLimiter::new(Rates { searches_per_user: 1, searches_per_address: 0, ..Rates::off() });
        let ip: IpAddr = IP.parse().unwrap();
        for _ in 0..1000 {
            l.take(Limit::Write, Some(UserId(1)), ip, 0).unwrap();
            l.take(Limit::SignIn, None, ip, 0).unwrap();
        }
        l.take(Limit::Search, Some(UserId(1)), ip, 0).unwrap();
        assert!(l.take(Limit::Search, Some(UserId(1)), ip, 0).is_err());
    }
}
