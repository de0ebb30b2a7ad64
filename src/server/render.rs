//! Renders a page of the app from a handler, with data the handler already has: the feedback of a
//! rejected form or the state of a one-time link. The data is shared with the browser, so
//! hydration renders the same thing. The whole page is rendered before it is sent (as the app's
//! data pages are), so two refusals of the same kind are the same bytes whatever the timing.
use super::AppState;
use crate::app::shell;
use crate::ui::form::{FormFeedback, PostedForm};
use crate::ui::link::{LinkView, ServerLinkView};
use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use leptos::prelude::provide_context;

pub async fn page(
    state: &AppState,
    mut parts: Parts,
    feedback: Option<FormFeedback>,
    link: Option<LinkView>,
    status: StatusCode,
) -> Response {
    let options = state.leptos_options.clone();
    let app_state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(app_state.clone());
            if let Some(feedback) = feedback.clone() {
                provide_context(PostedForm(feedback));
            }
            if let Some(link) = link.clone() {
                provide_context(ServerLinkView(link));
            }
        },
        move || shell(options.clone()),
    );
    // The page is rendered as if it had been fetched: a POST renders the form page it came from.
    parts.method = Method::GET;
    let mut response = render(Request::from_parts(parts, Body::empty())).await;
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
