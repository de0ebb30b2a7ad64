//! `/metrics` in the Prometheus text format: the touchpoint queue (nothing is dropped silently)
//! and the mail outbox. Readable with `STYK_METRICS_TOKEN` once one is set, else from loopback only.
use super::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::net::SocketAddr;
use subtle::ConstantTimeEq;

/// Once a token is set it is asked of every scraper, loopback included: a reverse proxy on the
/// same host makes every outside request look local. Without one, only loopback clients may read.
fn allowed(state: &AppState, request: &Request) -> bool {
    let Some(token) = state.config.metrics_token.as_ref() else {
        return request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|ConnectInfo(address)| address.ip().is_loopback());
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compared as digests, in constant time: neither the token's length nor how much of it a
    // guess got right shows in the time the answer takes.
    let digest = |text: &str| Sha256::digest(text.as_bytes());
    bool::from(digest(given).ct_eq(&digest(token.expose_secret())))
}

pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    if !allowed(&state, &request) {
        return crate::web::respond::bare(StatusCode::FORBIDDEN);
    }
    let stats = state.touchpoints.stats();
    let mut text = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    metric("styk_touchpoints_accepted_total", "counter", "Touchpoints queued for the journal.", stats.accepted);
    metric(
        "styk_touchpoints_dropped_total",
        "counter",
        "Touchpoints dropped because the queue was full.",
        stats.dropped,
    );
    metric("styk_touchpoints_written_total", "counter", "Touchpoints written to the database.", stats.written);
    metric("styk_touchpoints_failed_total", "counter", "Touchpoints lost to failed writes.", stats.failed);
    metric("styk_touchpoints_queued", "gauge", "Touchpoints waiting in the queue.", stats.queued);
    match crate::mail::outbox::counts_by_status(&state.db).await {
        Ok(rows) => {
            let _ =
                writeln!(text, "# HELP styk_mail_outbox Mail in the outbox by status.\n# TYPE styk_mail_outbox gauge");
            for status in ["pending", "sent", "dead"] {
                let n = rows.iter().find(|(s, _)| s == status).map(|(_, n)| *n).unwrap_or(0);
                let _ = writeln!(text, "styk_mail_outbox{{status=\"{status}\"}} {n}");
            }
        }
        Err(error) => tracing::warn!(%error, "metrics: cannot count the mail outbox"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
