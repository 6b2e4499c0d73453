//! Prometheus metrics, rendered at `GET /metrics` for whoever holds
//! `SWITCHBOARD_METRICS_TOKEN` (the endpoint does not exist without one).
//! They span every tenant, so no tenant's admin token opens them.
//!
//! What is counted: requests by route template, method and status, with
//! their latency; test connections by outcome (ok or the error class);
//! sign-ins by result; vault calls by operation and outcome, with their
//! latency; and, at each scrape, the database pool's connections.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::Instant;

use crate::server::state::AppState;

/// Latency buckets in seconds: sub-millisecond reads to a slow MCP server.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process-wide recorder, installed on first use. `None` if another
/// recorder was installed first (a test harness's): metrics then go there.
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Counts and times every request by its route template (never the raw
/// path, which holds ids), method and status.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status)];
    metrics::counter!("switchboard_http_requests_total", &labels).increment(1);
    metrics::histogram!("switchboard_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `ok`, or the failure's class.
pub fn test_connection(outcome: &'static str) {
    metrics::counter!("switchboard_test_connections_total", "outcome" => outcome).increment(1);
}

/// `ok`, `bad_credentials`, `rate_limited` or `busy`.
pub fn sign_in(result: &'static str) {
    metrics::counter!("switchboard_sign_ins_total", "result" => result).increment(1);
}

/// One vault call: which operation, whether it succeeded, how long it took.
pub fn vault_call(operation: &'static str, ok: bool, started: Instant) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!("switchboard_vault_calls_total", "operation" => operation, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("switchboard_vault_call_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
}

/// One tool call through the agent gateway, per server and outcome (`ok`,
/// `tool_error`, `refused`, or the failure's class).
pub fn gateway_call(server: crate::domain::ServerId, outcome: &'static str, started: Instant) {
    let server = server.to_string();
    metrics::counter!("switchboard_gateway_calls_total", "server" => server.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("switchboard_gateway_call_duration_seconds", "server" => server, "outcome" => outcome)
        .record(started.elapsed().as_secs_f64());
}

/// `GET /metrics`: 404 unless a token is configured, 401 without it.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Digests are compared, so the time taken says nothing about the token.
    if Sha256::digest(presented.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a metrics token is required",
        )
            .into_response();
    }
    let Some(handle) = handle() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics are not being recorded",
        )
            .into_response();
    };
    let (size, idle) = state.ports.store.pool_connections();
    metrics::gauge!("switchboard_db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("switchboard_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}
