//! Outgoing webhooks, the network side: which addresses a webhook may reach (never this
//! machine, the private network, link-local or cloud metadata addresses unless the operator
//! allows a range, `--allow-webhooks-to`), signing per the Standard Webhooks convention,
//! and the worker's step: match new events to subscriptions (`services::webhooks`), lease
//! the deliveries due, POST them and record how each went.

use crate::app::App;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;
use weft_core::services::webhooks::{self, TryResult};
use weft_core::store::DueHookDelivery;

/// How long one delivery may take, connecting included.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long resolving a webhook's host name may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);
/// What a secret starts with (Standard Webhooks).
pub const SECRET_PREFIX: &str = "whsec_";

/// A range of addresses, `10.1.0.0/16` or `fd00::/8` (a bare address is a range of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| format!("{s:?} is not an address range like 10.0.0.0/8"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be a number from 0 to {max}"))?,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cidr, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl Cidr {
    /// Whether `ip` is in the range; an IPv4 address written as IPv6 counts as itself.
    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(a: IpAddr) -> (u128, u32) {
            match a {
                IpAddr::V4(v) => (u32::from(v) as u128, 32),
                IpAddr::V6(v) => (u128::from(v), 128),
            }
        }
        let (net, width) = bits(canonical(self.addr));
        let (host, host_width) = bits(canonical(ip));
        // A range written as IPv4-mapped IPv6 (::ffff:10.0.0.0/104) is an IPv4 range.
        let prefix = if width == 32 && self.addr.is_ipv6() {
            u32::from(self.prefix).saturating_sub(96)
        } else {
            u32::from(self.prefix)
        };
        if width != host_width {
            return false;
        }
        let shift = width - prefix.min(width);
        shift >= width || (net >> shift) == (host >> shift)
    }
}

/// The address itself, or the IPv4 address an IPv6 one stands for (IPv4-mapped
/// `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`): what a
/// connection would reach.
pub fn canonical(ip: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = ip else { return ip };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return IpAddr::V4(v4);
    }
    let s = v6.segments();
    let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    // IPv4-compatible (deprecated, but some stacks still route it); not :: and ::1.
    if s[..6] == [0; 6] && u32::from(v4) > 1 {
        return IpAddr::V4(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return IpAddr::V4(v4);
    }
    ip
}

/// Why `ip` is not a public address a webhook may reach by default, or None if it is.
pub fn not_public(ip: IpAddr) -> Option<&'static str> {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            if v4 == Ipv4Addr::new(169, 254, 169, 254) {
                Some("a cloud metadata address")
            } else if a == 0 {
                Some("an unspecified address")
            } else if v4.is_loopback() {
                Some("a loopback address")
            } else if v4.is_private() {
                Some("a private address")
            } else if v4.is_link_local() {
                Some("a link-local address")
            } else if a == 100 && (b & 0xc0) == 64 {
                Some("a shared (carrier-grade NAT) address")
            } else if v4.is_broadcast() {
                Some("the broadcast address")
            } else if v4.is_multicast() {
                Some("a multicast address")
            } else if a >= 240 {
                Some("a reserved address")
            } else if a == 192 && b == 0 && c == 0 {
                Some("an IETF protocol address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_unspecified() {
                Some("an unspecified address")
            } else if v6.is_loopback() {
                Some("a loopback address")
            } else if (first & 0xfe00) == 0xfc00 {
                Some("a unique local (private) address")
            } else if (first & 0xffc0) == 0xfe80 || (first & 0xffc0) == 0xfec0 {
                Some("a link-local address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
                Some("a cloud metadata address")
            } else {
                None
            }
        }
    }
}

/// Whether a webhook may reach `ip`: a public address, or one in a range the operator allows.
pub fn allowed(ip: IpAddr, allow: &[Cidr]) -> Result<(), String> {
    match not_public(ip) {
        None => Ok(()),
        Some(_) if allow.iter().any(|c| c.contains(ip)) => Ok(()),
        Some(why) => Err(format!(
            "{ip} is {why}; webhooks reach only public addresses unless the operator allows a range \
             (--allow-webhooks-to)"
        )),
    }
}

/// A webhook's address, checked: the URL, and the one address to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: url::Url,
    /// The host name to pin to `addr` (None: the URL names an address).
    pub domain: Option<String>,
    pub addr: SocketAddr,
}

/// Parses `raw` as a browser would (so `http://2130706433/`, `http://0177.0.0.1/` and
/// `http://0x7f.1/` are all 127.0.0.1), resolves its host and checks every address it
/// resolves to. The request must then connect to `Target::addr` alone (`send` pins it),
/// so a name that resolves differently a moment later cannot reach anything else.
pub async fn check_target(raw: &str, allow: &[Cidr]) -> Result<Target, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("not a valid address: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("use an http:// or https:// address".into());
    }
    let port = url.port_or_known_default().ok_or("the address has no port")?;
    let (domain, addrs) = match url.host() {
        Some(url::Host::Ipv4(v4)) => (None, vec![SocketAddr::new(IpAddr::V4(v4), port)]),
        Some(url::Host::Ipv6(v6)) => (None, vec![SocketAddr::new(IpAddr::V6(v6), port)]),
        Some(url::Host::Domain(d)) => {
            let found = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((d, port)))
                .await
                .map_err(|_| format!("resolving {d} took too long"))?
                .map_err(|e| format!("cannot resolve {d}: {e}"))?
                .collect::<Vec<_>>();
            (Some(d.to_string()), found)
        }
        None => return Err("the address has no host".into()),
    };
    // Every address the name has must be allowed: which one a connection would use is
    // not ours to guess.
    for a in &addrs {
        allowed(a.ip(), allow)?;
    }
    let addr = *addrs.first().ok_or("the host name resolves to no address")?;
    Ok(Target { url, domain, addr })
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> weft_core::Result<String> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| weft_core::Error::Internal(format!("no randomness: {e}")))?;
    Ok(format!("{SECRET_PREFIX}{}", B64.encode(key)))
}

/// The `webhook-signature` of a delivery: HMAC-SHA256 over `id.timestamp.body` with the
/// secret's key (the base64 after `whsec_`), as `v1,<base64>`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = B64.decode(encoded).unwrap_or_else(|_| secret.as_bytes().to_vec());
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = hmac::Hmac::<sha2_11::Sha256>::new_from_slice(&key) else { return String::new() };
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// One try of one delivery: checks its address again, then POSTs it, signed, to exactly
/// the address checked, following no redirect.
pub async fn attempt(d: &DueHookDelivery, allow: &[Cidr], now: i64) -> TryResult {
    let target = check_target(&d.target_url, allow).await.map_err(|e| (None, e))?;
    let mut builder = reqwest13::Client::builder()
        .redirect(reqwest13::redirect::Policy::none())
        .timeout(SEND_TIMEOUT)
        // A proxy would make the connection somewhere else than the address checked.
        .no_proxy()
        .user_agent("Weft-Webhooks");
    if let Some(domain) = &target.domain {
        builder = builder.resolve(domain, target.addr);
    }
    let client = builder.build().map_err(|e| (None, format!("cannot make the HTTP client: {e}")))?;
    let response = client
        .post(target.url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.webhook_id)
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", sign(&d.secret, &d.webhook_id, now, &d.body))
        .header("weft-event-type", &d.event_type)
        .body(d.body.clone())
        .send()
        .await
        .map_err(|e| (None, format!("sending failed: {}", e.without_url())))?;
    let status = i64::from(response.status().as_u16());
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("the receiver answered {status}")))
    }
}

/// One round of the webhook worker: matches new events to subscriptions, then sends the
/// deliveries due, a batch at a time, the tries of a batch at once. Safe on several nodes
/// at once (the cursor moves in the writer; each delivery is leased to one node). Answers
/// how many were delivered.
pub async fn step(app: &App) -> weft_core::Result<usize> {
    let now = app.clock.now();
    let (enqueue, due) =
        app.store.read(move |tx| Ok((webhooks::enqueue_due(tx)?, tx.hook_deliveries_due(now)?))).await?;
    if enqueue {
        loop {
            let read = app.store.write(move |tx| webhooks::enqueue(tx, now)).await?;
            if (read as i64) < webhooks::ENQUEUE_BATCH {
                break;
            }
        }
    }
    if !due && !enqueue {
        return Ok(0);
    }
    // The receivers' TLS goes through rustls with ring, as email and the object store do.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut delivered = 0;
    loop {
        let batch = app.store.write(move |tx| webhooks::claim(tx, now)).await?;
        if batch.is_empty() {
            return Ok(delivered);
        }
        let allow = &app.config.allow_webhooks_to;
        let tries = batch.into_iter().map(|d| async move {
            let result = attempt(&d, allow, now).await;
            if let Err((_, error)) = &result {
                tracing::info!(delivery = %d.webhook_id, attempt = d.attempts, %error, "a webhook delivery failed");
            }
            (d, result)
        });
        let results = futures_util::future::join_all(tries).await;
        delivered += results.iter().filter(|(_, r)| r.is_ok()).count();
        let mail = app.mailer.is_some();
        let base = app.base_url.clone();
        app.store.write(move |tx| webhooks::finish(tx, &results, mail, &base, now)).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    async fn refused(url: &str) -> String {
        check_target(url, &[]).await.expect_err(url)
    }

    #[tokio::test]
    async fn tricky_literals_are_what_they_stand_for() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://017700000001/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
        ] {
            assert!(refused(url).await.contains("loopback"), "{url}");
        }
        assert!(refused("http://169.254.169.254/latest/meta-data/").await.contains("metadata"));
        assert!(refused("http://[::ffff:169.254.169.254]/").await.contains("metadata"));
        assert!(refused("http://0xa9fea9fe/").await.contains("metadata"));
        assert!(refused("http://10.0.0.1/").await.contains("private"));
        assert!(refused("http://012.1/").await.contains("private"), "octal 10.0.0.1");
        assert!(refused("http://[64:ff9b::192.168.1.1]/").await.contains("private"));
        assert!(refused("http://[fd00::1]/").await.contains("unique local"));
        assert!(refused("http://[fe80::1]/").await.contains("link-local"));
        assert!(refused("http://100.64.0.1/").await.contains("carrier-grade"));
        assert!(refused("http://0.0.0.0/").await.contains("unspecified"));
        assert!(refused("http://[::]/").await.contains("unspecified"));
        assert!(refused("http://255.255.255.255/").await.contains("broadcast"));
        assert!(refused("http://224.0.0.1/").await.contains("multicast"));
        assert!(refused("ftp://8.8.8.8/").await.contains("http"));
        // Public literals pass without any lookup.
        let t = check_target("https://8.8.8.8:8443/hook", &[]).await.unwrap();
        assert_eq!((t.addr, t.domain), ("8.8.8.8:8443".parse().unwrap(), None));
        assert!(not_public(ip("2606:4700::1111")).is_none());
        assert!(not_public(ip("100.128.0.1")).is_none());
    }

    #[tokio::test]
    async fn a_name_is_judged_by_what_it_resolves_to() {
        // `localhost` resolves (from the hosts file, no network) to loopback.
        assert!(refused("http://localhost:9/hook").await.contains("loopback"));
        let allow = ["127.0.0.0/8".parse().unwrap(), "::1".parse().unwrap()];
        let t = check_target("http://localhost:9/hook", &allow).await.unwrap();
        assert!(t.addr.ip().is_loopback() && t.domain.as_deref() == Some("localhost"));
    }

    #[test]
    fn ranges_allow_what_they_cover_and_nothing_else() {
        let lo: Cidr = "127.0.0.0/8".parse().unwrap();
        assert!(lo.contains(ip("127.9.9.9")) && lo.contains(ip("::ffff:127.0.0.1")));
        assert!(!lo.contains(ip("128.0.0.1")) && !lo.contains(ip("::1")));
        let one: Cidr = "10.1.2.3".parse().unwrap();
        assert!(one.contains(ip("10.1.2.3")) && !one.contains(ip("10.1.2.4")));
        let mapped: Cidr = "::ffff:10.0.0.0/104".parse().unwrap();
        assert!(mapped.contains(ip("10.200.0.1")) && !mapped.contains(ip("11.0.0.1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("10.0.0.1")) && !all.contains(ip("fd00::1")));
        let ula: Cidr = "fd00::/8".parse().unwrap();
        assert!(ula.contains(ip("fd12::1")) && !ula.contains(ip("fe80::1")));
        assert!(allowed(ip("10.1.2.3"), &[one]).is_ok());
        assert!(allowed(ip("10.1.2.4"), &[one]).unwrap_err().contains("--allow-webhooks-to"));
        for bad in ["10.0.0.0/33", "nonsense", "::/129", "10.0.0.0/x"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert_eq!("10.0.0.0/8".parse::<Cidr>().unwrap().to_string(), "10.0.0.0/8");
    }

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let s = new_secret().unwrap();
        assert!(s.starts_with("whsec_") && B64.decode(&s[6..]).unwrap().len() == 32);
    }
}
