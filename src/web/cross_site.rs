//! The cross-site request check (CSRF defence) for every state-changing request.
use super::respond::{error_response, locale_from_headers};
use super::state::AppState;
use crate::error::AppError;
use crate::i18n::td_string;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// CSRF defence for every state-changing request, server functions included (they do no origin
/// checks of their own). Browsers send `Sec-Fetch-Site`; older ones send `Origin`, and then
/// `Referer`. A request with none of them did not come from a browser page and carries no
/// ambient credentials worth forging.
pub async fn reject_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_state_changing(request.method()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let allowed = if let Some(site) = header_text("sec-fetch-site") {
        matches!(site.as_str(), "same-origin" | "none")
    } else if let Some(origin) = header_text("origin") {
        origin == state.config.public_url
    } else if let Some(referer) = header_text("referer") {
        url::Url::parse(&referer).is_ok_and(|u| u.origin().ascii_serialization() == state.config.public_url)
    } else {
        true
    };
    if allowed {
        return next.run(request).await;
    }
    tracing::warn!(origin = ?header_text("origin"), fetch_site = ?header_text("sec-fetch-site"), "refused a cross-site request");
    let locale = locale_from_headers(request.headers());
    let json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    error_response(StatusCode::FORBIDDEN, &AppError::Forbidden, locale, json, td_string!(locale, err_cross_site))
}
