//! Watching an instance: `/metrics` in Prometheus' text format, and the health summary
//! `weft admin status` prints. Requests are counted as they are answered (`track`); the
//! rest is read when scraped: the writer's counters, open streams, and the database's
//! figures in one read transaction (`status`, the same function the command calls).

use crate::app::App;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;
use weft_core::store::{CountsSnapshot, HealthFigures, Store};

/// Request latency buckets, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The label of a request whose path is no route of ours: one label for all of them, so
/// probes of random URLs cannot grow the metrics.
const UNKNOWN: &str = "unknown";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The API method from the route table (`threads/add`), else the route's pattern
    /// (`/health`, `/files/{id}/{name}`), else `unknown`.
    endpoint: String,
    status: u16,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The metrics one node keeps as it goes (the rest is read at scrape time).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: LatencyFamily = Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        let mut registry = Registry::default();
        registry.register("weft_http_requests", "HTTP requests answered, by endpoint and status", requests.clone());
        registry.register(
            "weft_http_request_duration_seconds",
            "Time from a request's arrival to its answer's head, by endpoint and status",
            latency.clone(),
        );
        Metrics { registry, requests, latency }
    }
}

impl Metrics {
    fn observe(&self, endpoint: String, status: u16, seconds: f64) {
        let labels = RequestLabels { endpoint, status };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }
}

/// Counts every request with its endpoint, status and latency (middleware of the whole
/// router; for a stream, the latency is until its head went out).
pub async fn track(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let endpoint = endpoint_label(&app, &req);
    let started = Instant::now();
    let response = next.run(req).await;
    app.metrics.observe(endpoint, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// The route table's name of an API call, never the raw URL (bounded cardinality).
fn endpoint_label(app: &App, req: &Request) -> String {
    let Some(matched) = req.extensions().get::<MatchedPath>() else { return UNKNOWN.into() };
    let pattern = matched.as_str();
    if pattern == "/api/{version}/{*path}" {
        let rest = req.uri().path().splitn(4, '/').nth(3).unwrap_or_default().trim_end_matches('/');
        return app.api.find(rest).map_or(UNKNOWN, |e| e.path).to_string();
    }
    match pattern.strip_prefix("/api/v3/").or_else(|| pattern.strip_prefix("/api/v4/")) {
        Some(method) => method.to_string(),
        None => pattern.to_string(),
    }
}

/// `/metrics` on the public listener: only with `--metrics-token`, and only for a request
/// that bears it; without the setting the path does not exist.
pub async fn public(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(expected) = app.config.metrics_token.as_deref() else {
        return crate::api::unknown_endpoint("/metrics");
    };
    let given = crate::api::bearer(&headers).unwrap_or_default();
    if !same_secret(given, expected) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "a metrics token is required\n")
            .into_response();
    }
    scrape(&app).await
}

/// `/metrics` on the separate listener (`--metrics-listen`), which serves nothing else.
pub async fn private(State(app): State<Arc<App>>) -> Response {
    scrape(&app).await
}

/// Compares digests, so the time taken says nothing about how much of the token matched.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

async fn scrape(app: &App) -> Response {
    match render(app).await {
        Ok(text) => {
            ([(header::CONTENT_TYPE, prometheus_client::encoding::prometheus_text::CONTENT_TYPE)], text).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot encode the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The health summary: the database's figures, the WAL's size and what the one rule finds
/// wrong with them. `/metrics` and `weft admin status` both read it here.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    #[serde(flatten)]
    pub figures: HealthFigures,
    pub wal_bytes: Option<u64>,
    pub problems: Vec<String>,
}

pub async fn status(store: &Arc<dyn Store>, now: i64, mail_on: bool) -> weft_core::Result<Status> {
    let figures = store.read(move |tx| tx.health_figures(now, mail_on)).await?;
    let wal_bytes = store.wal_bytes();
    let problems = figures.problems(mail_on, wal_bytes);
    Ok(Status { figures, wal_bytes, problems })
}

/// A histogram read from the writer's counters at scrape time.
#[derive(Debug)]
struct Snapshot {
    counts: CountsSnapshot,
    /// Units of the counts per unit of the metric (1e6 microseconds per second, or 1).
    /// Dividing keeps the bounds exact (0.025, not 0.024999999999999998).
    units_per: f64,
}

impl EncodeMetric for Snapshot {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        let buckets: Vec<(f64, u64)> =
            self.counts.buckets.iter().map(|(bound, n)| (*bound as f64 / self.units_per, *n)).collect();
        encoder.encode_histogram::<NoLabelSet>(
            self.counts.sum as f64 / self.units_per,
            self.counts.count,
            &buckets,
            None,
        )
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Histogram
    }
}

fn gauge(r: &mut Registry, name: &str, help: &str, value: i64) {
    r.register(name, help, ConstGauge::new(value));
}

fn as_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Everything, as Prometheus' text format: the counters kept as requests were answered,
/// then what is read now.
async fn render(app: &App) -> Result<String, std::fmt::Error> {
    let mail_on = app.mailer.is_some();
    let status = status(&app.store, app.clock.now(), mail_on).await;
    let mut now = Registry::default();
    let r = &mut now;
    gauge(
        r,
        "weft_open_streams",
        "Event streams and waiting long polls open on this node",
        as_i64(app.streams.open_count() as u64),
    );
    gauge(
        r,
        "weft_writer_queue_depth",
        "Write jobs waiting for the writer, not counting the batch it runs",
        as_i64(app.store.queued_writes() as u64),
    );
    if let Some(stats) = app.store.writer_stats() {
        r.register(
            "weft_writer_batch_size",
            "Jobs committed together in one transaction (group commit)",
            Snapshot { counts: stats.batch_sizes.snapshot(), units_per: 1.0 },
        );
        r.register(
            "weft_writer_commit_duration_seconds",
            "Time from a batch's start to its commit's return",
            Snapshot { counts: stats.commit_micros.snapshot(), units_per: 1e6 },
        );
        if app.store.backend() == "postgres" {
            let trips = stats.round_trips.load(std::sync::atomic::Ordering::Relaxed);
            r.register(
                "weft_writer_round_trips",
                "Answers the writer waited for from PostgreSQL",
                ConstCounter::new(trips),
            );
        }
    }
    gauge(r, "weft_database_up", "Whether the database answered this scrape's read", i64::from(status.is_ok()));
    if let Ok(s) = &status {
        let f = &s.figures;
        gauge(r, "weft_health_problems", "Problems weft admin status reports (0: healthy)", s.problems.len() as i64);
        gauge(r, "weft_schema_version", "The newest migration applied", f.schema_version);
        gauge(r, "weft_event_head", "Sequence number of the newest event", f.event_head);
        gauge(r, "weft_database_bytes", "Size of the database", f.database_bytes);
        if let Some(wal) = s.wal_bytes {
            gauge(r, "weft_wal_bytes", "Size of SQLite's write-ahead log", as_i64(wal));
        }
        gauge(
            r,
            "weft_fanout_behind_events",
            "Events after the last post the fan-out finished",
            f.fanout_behind_events,
        );
        gauge(r, "weft_fanout_lag_seconds", "How long the oldest post not yet fanned out has waited", f.fanout_lag_s);
        if let Some(n) = f.mail_behind_events {
            gauge(r, "weft_mail_behind_events", "Events after the mail cursor", n);
        }
        gauge(
            r,
            "weft_mail_lag_seconds",
            "How long the oldest push not yet turned into email has waited",
            f.mail_lag_s,
        );
        gauge(
            r,
            "weft_scheduler_lag_seconds",
            "How late the oldest due held push or scheduled post is",
            f.scheduler_lag_s,
        );
        gauge(r, "weft_mail_queued", "Emails in the outbox waiting to be sent or retried", f.mail_queued);
        gauge(r, "weft_mail_sending", "Emails being sent (leased by a mailer)", f.mail_sending);
        gauge(r, "weft_mail_parked", "Emails given up on after their tries", f.mail_parked);
        gauge(r, "weft_mail_overdue_seconds", "How long the most overdue queued email has been due", f.mail_overdue_s);
        gauge(r, "weft_pushes_held", "Pushes held until their person is available", f.pushes_held);
        gauge(r, "weft_pushes_due", "Held pushes whose time has come", f.pushes_due);
        gauge(r, "weft_scheduled_posts_waiting", "Scheduled posts not yet sent", f.scheduled_posts_waiting);
        gauge(r, "weft_scheduled_posts_due", "Scheduled posts whose time has come", f.scheduled_posts_due);
    }
    let mut out = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut out, &app.metrics.registry)?;
    prometheus_client::encoding::prometheus_text::encode(&mut out, &now)?;
    Ok(out)
}

/// Serves `/metrics` alone on `listener` until shutdown.
pub(crate) async fn serve_private(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()> {
    let router = axum::Router::new().route("/metrics", axum::routing::get(private)).with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
}
