//! `/health`: whether this instance can serve, including a round trip to its database. Load
//! balancers take an instance out of rotation on 503.
use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use std::time::Instant;

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let started = Instant::now();
    let result = state.db.ping().await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let backend = state.db.backend.name();
    match result {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
                "database": { "backend": backend, "status": "ok", "latency_ms": (latency_ms * 100.0).round() / 100.0 },
            })),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "version": env!("CARGO_PKG_VERSION"),
                    "database": { "backend": backend, "status": "unreachable" },
                })),
            )
        }
    }
}
