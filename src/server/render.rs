//! Renders a page of the app from a handler, with data the handler already has: the feedback of a
//! rejected form or the state of a one-time link. The data is shared with the browser, so
//! hydration renders the same thing. The whole page is rendered before it is sent (as the app's
//! data pages are), so two refusals of the same kind are the same bytes whatever the timing.
use crate::app::shell;
use crate::ui::form::{FormFeedback, PostedForm};
use crate::ui::link::{LinkView, ServerLinkView};
use crate::web::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::response::Response;
use futures::future::BoxFuture;
use leptos::prelude::provide_context;

/// The renderer `web::respond::page` calls through the state (`Services::render_page`).
pub fn page(
    state: AppState,
    parts: Parts,
    feedback: Option<FormFeedback>,
    link: Option<LinkView>,
) -> BoxFuture<'static, Response> {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            if let Some(feedback) = feedback.clone() {
                provide_context(PostedForm(feedback));
            }
            if let Some(link) = link.clone() {
                provide_context(ServerLinkView(link));
            }
        },
        move || shell(options.clone()),
    );
    Box::pin(render(Request::from_parts(parts, Body::empty())))
}
