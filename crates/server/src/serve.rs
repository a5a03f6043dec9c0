//! Accepting connections: HTTP/1.1 through hyper, with the limits that keep one client from
//! exhausting the server. Connections are capped overall and per client address; a
//! connection must send a request's whole head within `header_timeout` of opening or of
//! its previous answer, which cuts off slow senders and closes idle keep-alive
//! connections; a request's body must arrive within `body_timeout` (`read_body_in_time`).

use crate::api::error::error_body;
use crate::app::App;
use crate::config::Config;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;
use weft_core::Error;

/// Serves `router` on `listener` until `stop` turns true, then lets in-flight requests
/// finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &Config,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let limits = Arc::new(Limits::new(config));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(config.header_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, or a connection reset while queued: wait a
                    // moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        let admitted = match limits.admit(peer.ip()) {
            Ok(a) => a,
            Err(refusal) => {
                refuse(tcp, refusal);
                continue;
            }
        };
        // Small writes (an event, a short answer) leave at once: without this, Nagle's
        // algorithm and the client's delayed ACK hold them for tens of milliseconds.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            crate::memory::note_request();
            router.clone().oneshot(req.map(Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(admitted);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// How many connections are open, overall and per client address.
struct Limits {
    overall: Arc<Semaphore>,
    max_overall: usize,
    per_address: Mutex<HashMap<IpAddr, usize>>,
    max_per_address: usize,
    /// Reverse proxies carry many clients' connections: they are not capped per address.
    exempt: Vec<IpAddr>,
}

/// One admitted connection; dropping it frees its places.
struct Admitted {
    limits: Arc<Limits>,
    address: Option<IpAddr>,
    _overall: OwnedSemaphorePermit,
}

impl Limits {
    fn new(config: &Config) -> Self {
        Limits {
            overall: Arc::new(Semaphore::new(config.max_connections)),
            max_overall: config.max_connections,
            per_address: Mutex::new(HashMap::new()),
            max_per_address: config.max_connections_per_address,
            exempt: config.trusted_proxies.clone(),
        }
    }

    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, Error> {
        let overall = self.overall.clone().try_acquire_owned().map_err(|_| {
            Error::Unavailable(format!("the server has {} connections open (max_connections)", self.max_overall))
        })?;
        if self.exempt.contains(&ip) {
            return Ok(Admitted { limits: self.clone(), address: None, _overall: overall });
        }
        let mut per_address = self.per_address.lock().expect("connection limits");
        let open = per_address.entry(ip).or_default();
        if *open >= self.max_per_address {
            return Err(Error::LimitReached(format!(
                "at most {} connections from one address may be open at once (max_connections_per_address)",
                self.max_per_address
            )));
        }
        *open += 1;
        Ok(Admitted { limits: self.clone(), address: Some(ip), _overall: overall })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let Some(ip) = self.address else { return };
        let mut per_address = self.limits.per_address.lock().expect("connection limits");
        if let Some(open) = per_address.get_mut(&ip) {
            *open -= 1;
            if *open == 0 {
                per_address.remove(&ip);
            }
        }
    }
}

/// Answers a connection over a limit with the API's JSON error, without reading its
/// request, and closes it. Best effort: a full socket buffer just gets the close.
fn refuse(tcp: TcpStream, refusal: Error) {
    let (status, body) = error_body(&refusal);
    let body = body.to_string();
    let response = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\n\
         connection: close\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    let _ = tcp.try_write(response.as_bytes());
}

/// Reads a request's whole body before the handler runs, within `body_timeout` of its
/// head: a client trickling its body is answered 408 and its connection closed. (Every
/// handler reads the whole body anyway; the size limit is the API's.)
pub async fn read_body_in_time(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let read = axum::body::to_bytes(body, crate::app::MAX_BODY_BYTES);
    let bytes = match tokio::time::timeout(app.config.body_timeout, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) if too_large(&e) => return crate::app::payload_too_large(),
        Ok(Err(e)) => {
            let e = Error::BadRequest(format!("cannot read the body: {e}"));
            return crate::api::error::ApiError(e).into_response();
        }
        Err(_) => {
            let e = Error::BadRequest(format!(
                "the request body did not arrive within {} s (body_timeout_secs)",
                app.config.body_timeout.as_secs_f64()
            ));
            let (_, body) = error_body(&e);
            return (StatusCode::REQUEST_TIMEOUT, [(header::CONNECTION, "close")], axum::Json(body)).into_response();
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn too_large(e: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = c.source();
    }
    false
}
