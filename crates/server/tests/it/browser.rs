//! The browser tests (`web/tests/`, JavaScript with playwright-core and axe-core) run in
//! real Chromium against this build of `weft`. They need Node.js, Chromium (Debian's
//! `chromium`, or the one `WEFT_CHROMIUM` names) and `web/tests/node_modules`
//! (`cd web/tests && npm ci`). Without them this test says what is missing and passes,
//! so `cargo test` works anywhere — unless `WEFT_REQUIRE_BROWSER=1` (CI), where a missing
//! piece is a failure.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longer than the whole suite ever takes; a hung run is stopped and fails.
const DEADLINE: Duration = Duration::from_secs(8 * 60);

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// Node.js, if it is there and new enough for the test runner's options (20+).
fn node() -> Result<PathBuf, String> {
    let node = on_path("node").ok_or("Node.js (`node`) is not on PATH")?;
    let out = Command::new(&node).arg("--version").output().map_err(|e| format!("{}: {e}", node.display()))?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let major: u32 = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 {
        return Err(format!("Node.js 20 or newer is needed, {} is {version}", node.display()));
    }
    Ok(node)
}

fn chromium() -> Result<PathBuf, String> {
    let path = std::env::var_os("WEFT_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("Chromium is not at {} (install Debian's `chromium`, or set WEFT_CHROMIUM)", path.display()))
    }
}

fn node_modules(tests: &Path) -> Result<(), String> {
    for package in ["playwright-core", "axe-core"] {
        if !tests.join("node_modules").join(package).join("package.json").is_file() {
            return Err(format!("{package} is not installed in {}/node_modules (run `npm ci` there)", tests.display()));
        }
    }
    Ok(())
}

#[test]
fn the_web_app_works_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository's root");
    let tests = root.join("web/tests");
    let required = std::env::var("WEFT_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let found = (node(), chromium(), node_modules(&tests));
    let (node, chromium) = match found {
        (Ok(node), Ok(chromium), Ok(())) => (node, chromium),
        (node, chromium, modules) => {
            let missing: Vec<String> = [node.err(), chromium.err(), modules.err()].into_iter().flatten().collect();
            let why = missing.join("; ");
            if required {
                panic!("WEFT_REQUIRE_BROWSER=1 but the browser tests cannot run: {why}");
            }
            println!("browser tests skipped: {why} (set WEFT_REQUIRE_BROWSER=1 to make this a failure)");
            return;
        }
    };

    let started = Instant::now();
    let mut child = Command::new(&node)
        .args(["--test", "--test-concurrency=2", "--test-timeout=120000", "--test-reporter=spec"])
        .arg(&tests)
        .current_dir(&root)
        .env("WEFT_BIN", env!("CARGO_BIN_EXE_weft"))
        .env("WEFT_CHROMIUM", &chromium)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > DEADLINE {
            // Only the node process this test started, by its PID; its test files stop
            // their own servers and browsers when it goes.
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
    println!("{stdout}");
    eprintln!("{stderr}");
    println!("browser tests took {:.0} s", started.elapsed().as_secs_f64());
    // Kept for reading after a passing run too (cargo shows a test's output only when it
    // fails): known bugs and skips are listed there.
    let log = root.join("target/browser-tests.log");
    if std::fs::create_dir_all(root.join("target")).is_ok()
        && std::fs::write(&log, format!("{stdout}\n{stderr}")).is_ok()
    {
        println!("output kept in {}", log.display());
    }
    match status {
        None => panic!("the browser tests did not finish in {} s", DEADLINE.as_secs()),
        Some(status) => assert!(status.success(), "the browser tests failed ({status}); their output is above"),
    }
}
