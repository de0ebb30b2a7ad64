//! The answers a handler gives: a page of the app rendered with data the handler already has
//! (`page`), a redirect, a translated error page, a file download.
//!
//! `page` renders a page of the app from a handler, with data the handler already has: the feedback of a
//! rejected form or the state of a one-time link. The data is shared with the browser, so
//! hydration renders the same thing. The whole page is rendered before it is sent (as the app's
//! data pages are), so two refusals of the same kind are the same bytes whatever the timing.
use super::state::AppState;
use crate::error::AppError;
pub use crate::i18n::choice::{cookie_value, locale_from_headers};
use crate::i18n::{td_string, Locale};
use crate::ui::form::FormFeedback;
use crate::ui::link::LinkView;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos_i18n::Locale as _;

pub async fn page(
    state: &AppState,
    mut parts: Parts,
    feedback: Option<FormFeedback>,
    link: Option<LinkView>,
    status: StatusCode,
) -> Response {
    // The page is rendered as if it had been fetched: a POST renders the form page it came from.
    parts.method = Method::GET;
    let mut response = (state.render_page)(state.clone(), parts, feedback, link).await;
    *response.status_mut() = status;
    // A page showing what someone typed is not for caches.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `303 See Other` to a path on this site: the answer to a successful form post.
pub fn see_other(location: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    let location = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    response.headers_mut().insert(header::LOCATION, location);
    response
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

/// The empty body of a response replaced later by `explain_layer_failures`.
pub fn bare(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
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

/// A file to download: never cached, never sniffed as another type, saved under `file_name`
/// (reduced to letters, digits, `.`, `-` and `_`: a name a customer gave could break the header).
pub fn download(body: impl Into<Body>, content_type: &str, file_name: &str) -> Response {
    let mut response = Response::new(body.into());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", safe_file_name(file_name))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A file name safe inside a `Content-Disposition` header.
pub fn safe_file_name(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if safe.trim_matches(['.', '_']).is_empty() {
        "attachment".to_string()
    } else {
        safe
    }
}

/// The sign-in page of a kind of user, which comes back to `back` (a path on this site) afterwards
/// and may show a notice (why the visitor is asked to sign in).
pub fn sign_in_url(kind: super::sessions::PrincipalKind, back: &str, notice: Option<&str>) -> String {
    let page = match kind {
        super::sessions::PrincipalKind::Member => "/sign-in",
        super::sessions::PrincipalKind::Staff => "/staff/sign-in",
    };
    let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    match notice {
        Some(notice) => format!("{page}?next={next}&notice={notice}"),
        None => format!("{page}?next={next}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_inside_their_header() {
        assert_eq!(safe_file_name("zła \"nazwa\".pdf"), "z_a__nazwa_.pdf");
        assert_eq!(safe_file_name("..."), "attachment");
        assert_eq!(safe_file_name("invoices-2025-01-01-2025-12-31.zip"), "invoices-2025-01-01-2025-12-31.zip");
    }
}
