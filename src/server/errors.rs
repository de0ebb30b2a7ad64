//! Error responses made by the layers rather than by a page: panics, timeouts, refused cross-site
//! requests and oversize bodies. A browser gets a translated page; a server-function caller gets
//! the wire form of `AppError`. Neither ever sees the cause, which is logged with the request id.
use crate::error::AppError;
use crate::i18n::td_string;
use crate::web::respond::{bare, error_response, locale_from_headers};
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderMap};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;

/// Who is asking: a server-function call (from our bundle or a script) wants JSON.
fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    let accepts_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"));
    accepts_json || path == "/health"
}

/// A panic in a handler becomes a 500 page instead of a dropped connection.
pub async fn contain_panics(request: Request, next: Next) -> Response {
    let locale = locale_from_headers(request.headers());
    let json = wants_json(request.uri().path(), request.headers());
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-text panic payload".into());
            tracing::error!(panic = %detail, "handler panicked");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, &AppError::Internal, locale, json, "")
        }
    }
}

/// Layers answer timeouts (503) and oversize bodies (413) with an empty body; give the user a
/// message in their language instead.
pub async fn explain_layer_failures(request: Request, next: Next) -> Response {
    let locale = locale_from_headers(request.headers());
    let json = wants_json(request.uri().path(), request.headers());
    let response = next.run(request).await;
    let has_body_type = response.headers().contains_key(header::CONTENT_TYPE);
    if has_body_type {
        return response;
    }
    match response.status() {
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => {
            tracing::warn!("request timed out");
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &AppError::Unavailable,
                locale,
                json,
                if json { "" } else { td_string!(locale, err_timeout) },
            )
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            error_response(StatusCode::PAYLOAD_TOO_LARGE, &AppError::PayloadTooLarge, locale, json, "")
        }
        _ => response,
    }
}

/// Server functions answer every `Err` with 500; this gives the answer the status its `AppError`
/// stands for (401, 403, 404, 422, 429 …), in one place for every server function.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return bare(StatusCode::INTERNAL_SERVER_ERROR);
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
