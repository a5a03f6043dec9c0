//! The Weft server under test: a child process on a loopback port, its memory read from
//! /proc.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub url: String,
    child: Option<Child>,
}

/// The `weft` binary beside this one (both are built by `cargo build --release`).
pub fn weft_binary(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let sibling = me.with_file_name("weft");
    if sibling.exists() {
        Ok(sibling)
    } else {
        Err(format!(
            "no weft binary at {}: build both with `cargo build --release -p weft -p weft-bench`",
            sibling.display()
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

impl Server {
    /// Starts `weft serve` and waits for its first answered request; answers the server and
    /// how long that took.
    pub async fn start(binary: &Path, data: &Path, database_url: Option<&str>) -> Result<(Server, Duration), String> {
        let port = free_port()?;
        let mut cmd = Command::new(binary);
        cmd.arg("serve").arg("--listen").arg(format!("127.0.0.1:{port}")).arg("--data").arg(data);
        if let Some(url) = database_url {
            cmd.arg("--database-url").arg(url);
        }
        // The benchmark is one client address holding thousands of streams of a few users:
        // it lifts the caps that keep one client from taking a real server's connections.
        for cap in ["--max-connections", "--max-connections-per-address", "--max-streams-per-user"] {
            cmd.arg(cap).arg("1000000");
        }
        cmd.env("WEFT_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::inherit());
        // A load test is a flood on purpose: the rate limits would measure themselves.
        for limit in ["WRITES", "WRITES_PER_ADDRESS", "SEARCHES", "SEARCHES_PER_ADDRESS", "SIGN_INS_PER_ADDRESS"] {
            cmd.env(format!("WEFT_RATE_{limit}"), "0");
        }
        let started = Instant::now();
        let child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let server = Server { url: format!("http://127.0.0.1:{port}"), child: Some(child) };
        let http = reqwest::Client::new();
        let deadline = started + Duration::from_secs(60);
        loop {
            if let Ok(r) = http.get(format!("{}/health", server.url)).send().await
                && r.status().is_success()
            {
                return Ok((server, started.elapsed()));
            }
            if Instant::now() > deadline {
                return Err("the server did not answer within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub fn attach(url: &str) -> Server {
        Server { url: url.trim_end_matches('/').to_string(), child: None }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok())
    }

    /// Asks the server to stop (SIGTERM) and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            for _ in 0..100 {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
