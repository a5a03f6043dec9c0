//! Load generation helpers: timed calls, percentiles, sign-in.

use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted_ms.len() as f64).ceil() as usize;
    sorted_ms[rank.clamp(1, sorted_ms.len()) - 1]
}

pub struct Latencies(pub Vec<f64>);

impl Latencies {
    pub fn sorted(mut self) -> Vec<f64> {
        self.0.sort_by(|a, b| a.total_cmp(b));
        self.0
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A client tuned for many small requests on loopback.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// A client for long-lived event streams: no overall deadline (a stream is meant to stay
/// open for the whole scenario); the reader times its own waits.
pub fn stream_client() -> reqwest::Client {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// Signs a seeded user in; answers their token.
pub async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> Result<String, String> {
    let r = http
        .post(format!("{base}/api/v3/users/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    v["token"].as_str().map(str::to_string).ok_or_else(|| format!("login of {email} failed: {v}"))
}

/// One timed API call; errors count as failures of the scenario.
pub async fn timed_get(http: &reqwest::Client, url: &str, token: &str) -> Result<(f64, Value), String> {
    let t = Instant::now();
    let r = http.get(url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {v}"));
    }
    Ok((ms(t.elapsed()), v))
}
