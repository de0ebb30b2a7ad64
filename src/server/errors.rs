//! Error responses made by the layers rather than by a page: panics, timeouts, refused cross-site
//! requests and oversize bodies. A browser gets a translated page; a server-function caller gets
//! the wire form of `AppError`. Neither ever sees the cause, which is logged with the request id.
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use leptos_i18n::Locale as _;
use std::panic::AssertUnwindSafe;

use crate::i18n::{locale_named, LOCALE_COOKIE};

/// The visitor's language outside the reactive system: the cookie, then `Accept-Language`.
pub fn locale_from_headers(headers: &HeaderMap) -> Locale {
    if let Some(locale) = cookie_value(headers, LOCALE_COOKIE).and_then(locale_named) {
        return locale;
    }
    let accepted: Vec<String> = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .filter_map(|part| part.split(';').next())
                .map(|tag| tag.trim().to_string())
                .filter(|tag| !tag.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Locale::find_locale(&accepted)
}

/// The value of the cookie `name`, read from the request's `Cookie` headers. Byte splits rather than
/// `str` patterns: two layers read a cookie on every request.
pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get_all(header::COOKIE).iter().find_map(|value| {
        value.as_bytes().split(|b| *b == b';').find_map(|pair| {
            let pair = pair.trim_ascii();
            let value = pair.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
            std::str::from_utf8(value).ok()
        })
    })
}

/// Who is asking: a server-function call (from our bundle or a script) wants JSON.
fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    let accepts_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"));
    accepts_json || path == "/health"
}

pub fn error_response(status: StatusCode, error: &AppError, locale: Locale, json: bool, extra_text: &str) -> Response {
    if json {
        let mut response = (status, axum::Json(error)).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let title = td_string!(locale, error_title);
    let message = if extra_text.is_empty() { error.message(locale) } else { extra_text };
    let home = td_string!(locale, back_home);
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · Styk</title>\
         <link rel=\"stylesheet\" href=\"/pkg/styk.css\"></head><body><main id=\"main\" class=\"site-main\">\
         <section class=\"panel panel--narrow\"><h1>{title}</h1><p>{message}</p>\
         <p><a class=\"button\" href=\"/\">{home}</a></p></section></main></body></html>",
        lang = locale.as_str(),
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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

/// The empty body of a response replaced later by `explain_layer_failures`.
pub fn bare(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_cookie_wins_over_the_browser_language() {
        assert_eq!(locale_from_headers(&headers(&[("cookie", "a=b; i18n_pref_locale=ru")])), Locale::ru);
        assert_eq!(
            locale_from_headers(&headers(&[("cookie", "i18n_pref_locale=xx"), ("accept-language", "pl-PL,pl;q=0.9")])),
            Locale::pl
        );
        assert_eq!(locale_from_headers(&headers(&[])), Locale::en);
    }
}

/// A download or form post turned away: recorded on the journal's step with a code from a closed
/// set, answered with the translated error page of its status.
pub fn refuse(parts: &axum::http::request::Parts, error: AppError) -> Response {
    if let Some(note) = crate::touchpoints::layer::StepNote::of(parts) {
        note.error(match error {
            AppError::NotFound => "not_found",
            AppError::Forbidden => "not_allowed",
            AppError::Unauthorized => "sign_in_required",
            _ => "unavailable",
        });
    }
    let locale = locale_from_headers(&parts.headers);
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error_response(status, &error, locale, false, "")
}
