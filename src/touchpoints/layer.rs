//! The one mechanism that records touchpoints: a layer around every route.
//!
//! For each request it looks the endpoint up in the catalogue (page, form, server function),
//! lets the handler add what only the handler knows through a [`StepNote`] (which of a page's
//! forms was sent, the reason a form was rejected, who just signed in, the subject), and records
//! the step when the response body has been sent: outcome from the status, duration to the last
//! byte, and the signals one request can show (validation error, denied, failed, slow).
//!
//! It also gives each browser a visit reference: a random first-party cookie that ends when the
//! browser closes, so that a visit's steps (before and after sign-in) can be read as one journey.
use super::catalogue::{is_unrecorded, Catalogue, Endpoint, Journey, RouteStep, StepName};
use super::model::{Channel, Outcome, Signals};
use super::recorder::{Recorder, Touchpoint};
use crate::config::Config;
use crate::i18n::choice::{cookie_value, locale_from_headers};
use crate::kernel::viewer::{Principal, Viewer};
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use leptos_i18n::Locale as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub const VISIT_COOKIE: &str = "styk_visit";

/// Who took a step, when the request's principal does not say it (a sign-in that just succeeded).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub account_id: Option<String>,
    pub member_id: Option<String>,
    pub staff_id: Option<String>,
    pub session_ref: Option<String>,
}

impl Actor {
    pub fn of(principal: &Principal) -> Actor {
        let (member_id, staff_id) = match &principal.viewer {
            Viewer::Member(member) => (Some(member.member_id.clone()), None),
            Viewer::Staff(staff) => (None, Some(staff.staff_id.clone())),
            Viewer::Anonymous => (None, None),
        };
        Actor {
            account_id: principal.account_id.clone(),
            member_id,
            staff_id,
            session_ref: Some(principal.auth_session_id.clone()),
        }
    }
}

#[derive(Debug, Default)]
struct Note {
    form: Option<String>,
    denied: bool,
    error_code: Option<&'static str>,
    subject: Option<(&'static str, String)>,
    actor: Option<Actor>,
}

/// What a handler, page or server function adds to its request's touchpoint. Shared through the
/// request's extensions (leptos hands server functions and pages a copy of the request parts,
/// and the copy shares this note).
#[derive(Debug, Clone, Default)]
pub struct StepNote(Arc<Mutex<Note>>);

impl StepNote {
    /// The note of the request being served, from a page or server function.
    pub fn current() -> Option<StepNote> {
        leptos::prelude::with_context::<Parts, _>(Self::of).flatten()
    }

    pub fn of(parts: &Parts) -> Option<StepNote> {
        parts.extensions.get::<StepNote>().cloned()
    }

    fn update(&self, change: impl FnOnce(&mut Note)) {
        if let Ok(mut note) = self.0.lock() {
            change(&mut note);
        }
    }

    /// Which of the page's forms was sent.
    pub fn form(&self, name: &str) {
        let name = name.to_string();
        self.update(|note| note.form = Some(name));
    }

    /// Why the step did not succeed: a code from a closed set, never text the customer typed.
    pub fn error(&self, code: &'static str) {
        self.update(|note| note.error_code = Some(code));
    }

    /// The request was turned away although its status says otherwise (a redirect to sign-in).
    pub fn denied(&self, code: &'static str) {
        self.update(|note| {
            note.denied = true;
            note.error_code = Some(code);
        });
    }

    pub fn subject(&self, kind: &'static str, id: &str) {
        let id = id.to_string();
        self.update(|note| note.subject = Some((kind, id)));
    }

    pub fn actor(&self, actor: Actor) {
        self.update(|note| note.actor = Some(actor));
    }

    fn take(&self) -> Note {
        self.0.lock().map(|mut note| std::mem::take(&mut *note)).unwrap_or_default()
    }
}

/// The visit reference of the request, for handlers that record on their own (the beacon).
#[derive(Debug, Clone)]
pub struct Visit(pub String);

/// A page nobody declared (a mistyped or stale link): recorded without its path, which could hold
/// anything.
const UNMATCHED: RouteStep = RouteStep {
    endpoint: Endpoint::Page("(unmatched)"),
    journey: Journey::Browse,
    step: StepName::View,
    channel: Channel::Web,
};

fn error_code_of(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        410 => "gone",
        413 => "too_large",
        422 => "invalid",
        429 => "rate_limited",
        500 => "internal",
        503 => "unavailable",
        504 => "timeout",
        _ => "http_error",
    }
}

/// The signals one request shows by itself.
pub fn outcome_signals(outcome: Outcome) -> Signals {
    match outcome {
        Outcome::Invalid => Signals::VALIDATION_ERROR,
        Outcome::Denied => Signals::DENIED,
        Outcome::Failed => Signals::FAILED,
        Outcome::Abandoned => Signals::ABANDONED,
        Outcome::Ok => Signals::default(),
    }
}

fn visit_from(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie_value(headers, VISIT_COOKIE)
        // Our ids only: anything else is replaced, so the column never holds what a client chose.
        .filter(|value| crate::db::ids::looks_like_id(value))
        .map(str::to_string)
}

/// Records the touchpoint when dropped: after the body has been sent, or when the client left.
struct RecordWhenSent {
    recorder: Recorder,
    slow_ms: u32,
    touchpoint: Option<Touchpoint>,
    started: Instant,
}

impl Drop for RecordWhenSent {
    fn drop(&mut self) {
        if let Some(mut touchpoint) = self.touchpoint.take() {
            let elapsed = self.started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
            touchpoint.duration_ms = elapsed;
            if elapsed >= self.slow_ms {
                touchpoint.signals = touchpoint.signals.with(Signals::SLOW);
            }
            self.recorder.record(touchpoint);
        }
    }
}

/// Takes only the parts of the state it needs: axum clones what a middleware extracts for every
/// request, and the whole `AppState` was a measurable part of what recording cost.
pub async fn record_steps(
    State(recorder): State<Recorder>,
    State(config): State<Arc<Config>>,
    State(catalogue): State<Arc<Catalogue>>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if !config.touchpoints.enabled || (is_unrecorded(&path) && path != "/api/beacon") {
        return next.run(request).await;
    }
    let started = Instant::now();
    let (visit, new_visit) = match visit_from(request.headers()) {
        Some(visit) => (visit, false),
        None => (crate::db::ids::new_id(), true),
    };
    if path == "/api/beacon" {
        // Only the beacon reads the visit from the request: it records what the browser saw.
        request.extensions_mut().insert(Visit(visit));
        return next.run(request).await;
    }
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let signed_in = request.extensions().get::<Principal>().map(Actor::of);
    let locale = locale_from_headers(request.headers()).as_str();
    let note = StepNote::default();
    request.extensions_mut().insert(note.clone());

    let mut response = next.run(request).await;

    if new_visit {
        let secure = if config.public_url.starts_with("https://") { "; Secure" } else { "" };
        if let Ok(cookie) =
            HeaderValue::from_str(&format!("{VISIT_COOKIE}={visit}; Path=/; HttpOnly; SameSite=Lax{secure}"))
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    let note = note.take();
    let entry = match route.as_deref() {
        Some(route) => catalogue.lookup(&method, route, &path, note.form.as_deref()),
        None if path.starts_with("/api/") => catalogue.lookup(&method, &path, &path, None),
        None if method == Method::GET => Some(&UNMATCHED),
        None => None,
    };
    let Some(entry) = entry else {
        tracing::debug!(%method, path, "no journey step for this request");
        return response;
    };
    let status = response.status().as_u16();
    let outcome = if note.denied { Outcome::Denied } else { Outcome::from_status(status) };
    let actor = note.actor.or(signed_in).unwrap_or_default();
    let channel =
        if actor.staff_id.is_some() && entry.channel == Channel::Web { Channel::Staff } else { entry.channel };
    let route = entry.pattern();
    let (subject_kind, subject_id) = note.subject.map(|(kind, id)| (Some(kind), Some(id))).unwrap_or((None, None));
    let touchpoint = Touchpoint {
        occurred_at: crate::db::now_ms(),
        account_id: actor.account_id,
        member_id: actor.member_id,
        staff_id: actor.staff_id,
        session_ref: actor.session_ref,
        locale,
        channel,
        journey: entry.journey.as_str(),
        step: entry.step.as_str(),
        route: route.into(),
        outcome,
        subject_kind,
        subject_id,
        error_code: note.error_code.or_else(|| (outcome != Outcome::Ok).then(|| error_code_of(status))),
        signals: outcome_signals(outcome),
        visit_ref: Some(visit),
        ..Touchpoint::default()
    };
    let guard = RecordWhenSent { recorder, slow_ms: config.touchpoints.slow_ms, touchpoint: Some(touchpoint), started };
    let (parts, body) = response.into_parts();
    // `inspect_frame`, not `map_frame`: it passes the body's size on, so a response of known
    // length keeps its Content-Length instead of becoming chunked.
    let body = body.inspect_frame(move |_| {
        let _recorded_when_the_body_is_dropped = &guard;
    });
    Response::from_parts(parts, Body::new(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_visit_ids_are_read_back() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; styk_visit=0123456789abcdefghjk"));
        assert_eq!(visit_from(&headers).as_deref(), Some("0123456789abcdefghjk"));
        headers.insert(header::COOKIE, HeaderValue::from_static("styk_visit=<script>"));
        assert_eq!(visit_from(&headers), None);
        // A cookie whose name only starts like ours is another cookie.
        headers.insert(header::COOKIE, HeaderValue::from_static("styk_visitor=0123456789abcdefghjk"));
        assert_eq!(visit_from(&headers), None);
        headers.insert(header::COOKIE, HeaderValue::from_static("x=1;styk_visit=0123456789abcdefghjk ; y=2"));
        assert_eq!(visit_from(&headers).as_deref(), Some("0123456789abcdefghjk"));
    }
}
