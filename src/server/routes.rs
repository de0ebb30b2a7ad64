//! The router and its layers.
//!
//! Layers are added with `Router::layer`, which wraps every route after matching, so the trace
//! span can name the matched route rather than the raw path (which would hold ids).
use super::errors::{contain_panics, explain_layer_failures, server_fn_status};
use super::headers::security_headers;
use super::health;
use crate::app::{shell, App};
use crate::web::cross_site::reject_cross_site;
use crate::web::respond::bare;
use crate::web::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

pub fn router(state: AppState, extra: Router<AppState>) -> Router {
    // Pages opened from one-time links are served by their handlers, which check the link first.
    let routes: Vec<_> =
        app_routes().iter().filter(|route| !crate::auth::LINK_PAGES.contains(&route.path())).cloned().collect();
    let options = state.leptos_options.clone();
    let config = state.config.clone();
    let context_state = state.clone();
    let secure = config.public_url.starts_with("https://");
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        // `__Host-` binds the cookie to this exact origin; browsers accept it only when Secure.
        .with_name(if secure { "__Host-styk_session" } else { "styk_session" })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnSessionEnd);
    Router::new()
        .route("/health", get(health::health))
        .route("/metrics", get(super::metrics::metrics))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .merge(crate::auth::routes())
        .merge(crate::accounts::routes())
        .merge(crate::orders::routes())
        .merge(crate::invoices::routes())
        .merge(crate::corrections::routes())
        .merge(crate::cx::routes())
        .merge(crate::staff::routes())
        .route("/api/beacon", axum::routing::post(crate::web::beacon::receive))
        .merge(extra)
        .fallback(files_or_not_found)
        .layer(
            // Outermost first.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<Body>| {
                            let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
                            let request_id = request
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_owned();
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                route = route.as_deref().unwrap_or("(unmatched)"),
                                request_id,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(from_fn_with_state(state.clone(), security_headers))
                .layer(CompressionLayer::new())
                .layer(from_fn(explain_layer_failures))
                .layer(from_fn(contain_panics))
                .layer(from_fn(server_fn_status))
                .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, config.request_timeout))
                .layer(from_fn_with_state(state.clone(), reject_cross_site))
                .layer(from_fn_with_state(state.clone(), limit_body))
                .layer(sessions)
                .layer(from_fn_with_state(state.clone(), crate::web::sessions::resolve_principal))
                .layer(from_fn_with_state(state.clone(), crate::touchpoints::layer::record_steps))
                .layer(from_fn(crate::web::access::require_sign_in_for_pages)),
        )
        .with_state(state)
}

/// Static files (the site root: the wasm bundle, styles, `public/`), else the translated 404 page.
///
/// Files are served here rather than by leptos_axum's `file_and_error_handler`, which extends a
/// file's response with the response options of whatever reactive owner its worker thread last
/// saw — another request's page — and takes them from it: a page lost its security policy (and
/// could lose its status or cookies) to a concurrent `/pkg/styk.wasm`.
async fn files_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    use tower::ServiceExt;
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut probe = Request::builder().method(request.method().clone()).uri(request.uri().clone());
        if let Some(encoding) = request.headers().get(header::ACCEPT_ENCODING) {
            probe = probe.header(header::ACCEPT_ENCODING, encoding);
        }
        if let Ok(probe) = probe.body(Body::empty()) {
            let files = tower_http::services::ServeDir::new(&*state.leptos_options.site_root)
                .precompressed_gzip()
                .precompressed_br();
            let mut response = files.oneshot(probe).await.unwrap_or_else(|never| match never {});
            if response.status() != StatusCode::NOT_FOUND {
                // A precompressed copy (see `assets`) passes the compression layer untouched, and
                // so without the `Vary` that layer adds: a shared cache would hand the Brotli copy
                // to a client that never asked for it.
                if response.headers().contains_key(header::CONTENT_ENCODING) {
                    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
                }
                return response.map(Body::new);
            }
        }
    }
    let uri = request.uri().clone();
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request).await
}

/// The app's page routes, generated once per process.
///
/// Generating them runs the whole app with resource loading suppressed through a process-wide
/// flag (leptos_server's `SuppressResourceLoad`, see leptos issue #4773): a resource first polled
/// by a request rendering meanwhile, on any server of the process, would wait forever. One
/// generation, before any server of the process can serve, closes that window (tests start many
/// servers in one process).
pub fn app_routes() -> &'static [leptos_axum::AxumRouteListing] {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// Request ids from the same generator as other ids: random, so they reveal no request counts.
#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&crate::db::ids::new_id()).ok().map(RequestId::new)
    }
}

/// Bounds every request body. A declared length over the limit is refused before anything is
/// read; a chunked body is cut off at the limit. Server functions read their whole body and would
/// report the cut as a generic error, so the flag turns any such response into 413.
pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The correction form carries files; everything else is small.
    let limit = if request.method() == axum::http::Method::POST
        && crate::corrections::handlers::is_upload_path(request.uri().path())
    {
        crate::corrections::handlers::upload_body_limit(&state)
    } else {
        state.config.body_limit
    };
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return bare(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let exceeded = Arc::new(AtomicBool::new(false));
    let flag = exceeded.clone();
    let (parts, body) = request.into_parts();
    let limited = http_body_util::Limited::new(body, limit).map_err(move |error| {
        flag.store(true, Ordering::Relaxed);
        axum::Error::new(error)
    });
    let response = next.run(Request::from_parts(parts, Body::new(limited))).await;
    if exceeded.load(Ordering::Relaxed) {
        return bare(StatusCode::PAYLOAD_TOO_LARGE);
    }
    response
}
