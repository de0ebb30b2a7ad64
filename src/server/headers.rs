//! Security headers on every response (see SECURITY.md).
use super::AppState;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::{provide_nonce, Nonce};
use leptos::prelude::with_context;

/// For responses that are not pages (JSON, files, errors): nothing may load or frame them.
const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of a rendered page. Scripts need the per-response nonce (the hydration scripts are
/// inline) and 'wasm-unsafe-eval' to compile the bundle; nothing else is inline.
fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of the page a request may render, made before anything renders (see
/// [`security_headers`]).
#[derive(Debug, Clone)]
pub struct PageNonce(pub std::sync::Arc<str>);

/// Called by the shell while rendering a page: hands the request's nonce to the hydration
/// scripts. The policy that names it is set on the response by [`security_headers`], so it always
/// travels with the page it belongs to (setting it through the render's response options once put
/// a page's policy on another, concurrent response).
pub fn attach_page_csp() {
    let nonce =
        with_context::<axum::http::request::Parts, _>(|parts| parts.extensions.get::<PageNonce>().cloned()).flatten();
    match nonce {
        Some(PageNonce(nonce)) => leptos::prelude::provide_context(Nonce::from_value(nonce)),
        None => provide_nonce(),
    }
}

pub async fn security_headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new().as_inner().clone();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()");
    set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    if is_html {
        set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    }
    if state.config.public_url.starts_with("https://") {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    // Always this response's own policy: a page's names the nonce its scripts were rendered with.
    let policy = if is_html { HeaderValue::from_str(&page_csp(&nonce)).ok() } else { None };
    headers.insert(header::CONTENT_SECURITY_POLICY, policy.unwrap_or(HeaderValue::from_static(STRICT_CSP)));
    response
}
