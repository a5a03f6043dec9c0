//! Connections: what one client can hold open, and for how long, without stalling others.

use crate::helpers::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Long enough for a loaded machine to notice; the server's timeouts in these tests are
/// a fraction of it.
const WAIT: Duration = Duration::from_secs(10);

fn addr(app: &TestApp) -> SocketAddr {
    app.server.as_ref().unwrap().addr
}

/// Whether the server closes `tcp` within `within` (bytes it sends first are read and
/// dropped).
async fn closed_by_server(tcp: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// A connection to the server from a given loopback address (Linux routes all of 127/8).
async fn connect_from(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(to).await.unwrap()
}

#[tokio::test]
async fn a_client_sending_its_header_a_byte_at_a_time_is_cut_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.header_timeout = Duration::from_millis(300)).await;
    let mut tcp = TcpStream::connect(addr(&app)).await.unwrap();
    let request = format!("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: {}\r\n\r\n", "a".repeat(200));
    // One byte every 40 ms: the whole header would take about nine seconds.
    let mut cut_off = false;
    for byte in request.as_bytes() {
        if tcp.write_all(&[*byte]).await.is_err() {
            cut_off = true;
            break;
        }
        let mut buf = [0u8; 1024];
        match tokio::time::timeout(Duration::from_millis(40), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                cut_off = true;
                break;
            }
            Ok(Ok(n)) => {
                let answer = String::from_utf8_lossy(&buf[..n]);
                assert!(!answer.starts_with("HTTP/1.1 2"), "an unfinished header was answered: {answer}");
            }
            Err(_) => {}
        }
    }
    assert!(cut_off, "the server kept a connection whose header trickled in for seconds");
    // Everyone else is served.
    let health = app.anon.http().get(format!("{}/health", app.base)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.header_timeout = Duration::from_millis(300)).await;
    let mut tcp = TcpStream::connect(addr(&app)).await.unwrap();
    tcp.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 4096];
    let n = tcp.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // Kept alive after its answer, then closed for sending nothing more.
    assert!(closed_by_server(&mut tcp, WAIT).await, "an idle connection stayed open");
    app.stop().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_408() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.body_timeout = Duration::from_millis(300)).await;
    let mut tcp = TcpStream::connect(addr(&app)).await.unwrap();
    tcp.write_all(
        b"POST /api/v3/users/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\"",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, tcp.read_to_end(&mut answer)).await.expect("answered and closed in time");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout_secs"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn one_address_cannot_take_every_connection_and_health_keeps_answering() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.max_connections_per_address = 50).await;
    let to = addr(&app);
    // Three hundred idle connections from one address: fifty are kept, the rest refused.
    let mut idle = Vec::new();
    let mut refused = 0;
    for _ in 0..300 {
        let mut tcp = connect_from([127, 0, 0, 2], to).await;
        let mut buf = [0u8; 2048];
        match tokio::time::timeout(Duration::from_millis(20), tcp.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                let answer = String::from_utf8_lossy(&buf[..n]);
                assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
                assert!(answer.contains("max_connections_per_address"), "{answer}");
                refused += 1;
            }
            _ => idle.push(tcp),
        }
    }
    assert!(refused >= 250, "only {refused} of 300 connections from one address were refused");
    // Another address is served at once, every time.
    for _ in 0..5 {
        let health = app.anon.http().get(format!("{}/health", app.base)).send().await.unwrap();
        assert_eq!(health.status(), 200);
    }
    drop(idle);
    app.stop().await;
}

#[tokio::test]
async fn health_answers_with_hundreds_of_idle_connections_open() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let to = addr(&app);
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(connect_from([127, 0, 0, 3], to).await);
    }
    for _ in 0..5 {
        let health = tokio::time::timeout(WAIT, app.anon.http().get(format!("{}/health", app.base)).send())
            .await
            .expect("health answers")
            .unwrap();
        assert_eq!(health.status(), 200);
    }
    drop(idle);
    app.stop().await;
}
