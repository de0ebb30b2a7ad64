//! What only the browser sees, reported by `public/beacon.js` to `POST /api/beacon`: page views
//! after client-side navigation, rage clicks, dead clicks, client errors, abandoned forms and web
//! vitals.
//!
//! Anyone can post here, so everything is checked before anything is stored: the body is small
//! (at most [`MAX_BODY`] bytes, [`MAX_EVENTS`] events), every field has a closed shape (paths of
//! our own pages, forms of those pages, element descriptions made of a tag, an id and a name, never
//! text), numbers are bounded, and each client address has a budget per minute. A beacon with one
//! bad event is refused whole with a 4xx and stores nothing.
use super::respond::{bare, locale_from_headers};
use super::sessions::{Client, Principal};
use super::AppState;
use crate::touchpoints::catalogue::{Catalogue, RouteStep};
use crate::touchpoints::layer::{outcome_signals, Actor, Visit};
use crate::touchpoints::model::{Channel, Outcome, RowKind, Signals, Vitals};
use crate::touchpoints::recorder::Touchpoint;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use leptos_i18n::Locale as _;
use serde::Deserialize;
use std::num::NonZeroU32;
use std::sync::Arc;

pub const MAX_BODY: usize = 16 * 1024;
pub const MAX_EVENTS: usize = 20;

/// Beacons per client address: an in-memory budget per instance (a flood is stopped where it
/// lands; nothing here needs to be shared).
#[derive(Clone)]
pub struct BeaconLimiter(Arc<DefaultKeyedRateLimiter<String>>);

impl BeaconLimiter {
    pub fn per_minute(n: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        BeaconLimiter(Arc::new(RateLimiter::keyed(quota)))
    }

    fn allows(&self, client: &str) -> bool {
        // Forget addresses whose budget is full again, so the table does not grow for ever.
        if self.0.len() > 10_000 {
            self.0.retain_recent();
        }
        self.0.check_key(&client.to_string()).is_ok()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Beacon {
    events: Vec<Event>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Event {
    /// A page shown by client-side navigation (the server saw no request for it).
    View {
        path: String,
        ms: u32,
    },
    RageClick {
        path: String,
        element: String,
        clicks: u32,
    },
    DeadClick {
        path: String,
        element: String,
    },
    ClientError {
        path: String,
        kind: ErrorKind,
    },
    FormAbandoned {
        path: String,
        form: String,
        fields: Vec<String>,
    },
    Vitals {
        path: String,
        lcp_ms: Option<u32>,
        inp_ms: Option<u32>,
        cls: Option<f64>,
    },
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ErrorKind {
    Error,
    Rejection,
    Resource,
}

impl ErrorKind {
    fn code(self) -> &'static str {
        match self {
            ErrorKind::Error => "js_error",
            ErrorKind::Rejection => "promise_rejection",
            ErrorKind::Resource => "resource_error",
        }
    }
}

/// Why a beacon was refused (logged at debug level; the client only gets the status).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    UnknownPage,
    UnknownForm,
    BadElement,
    OutOfRange,
    TooMany,
}

/// A name from our own markup: lower-case letters, digits and a little punctuation.
fn is_markup_name(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-#.[]=:".contains(&b))
}

fn page(catalogue: &Catalogue, path: &str) -> Result<&'static RouteStep, Refusal> {
    if path.len() > 200 || !path.starts_with('/') || path.contains(['?', '#']) {
        return Err(Refusal::UnknownPage);
    }
    catalogue.page_step_for_path(path).ok_or(Refusal::UnknownPage)
}

fn within(value: Option<u32>, max: u32) -> Result<Option<u32>, Refusal> {
    match value {
        Some(v) if v > max => Err(Refusal::OutOfRange),
        other => Ok(other),
    }
}

/// A checked event: the catalogue entry it belongs to and what to record.
struct Checked {
    entry: &'static RouteStep,
    kind: RowKind,
    outcome: Outcome,
    signals: Signals,
    duration_ms: u32,
    element: Option<String>,
    error_code: Option<&'static str>,
    vitals: Option<Vitals>,
}

fn check(catalogue: &Catalogue, event: Event) -> Result<Checked, Refusal> {
    let signal = |entry, signals, element| Checked {
        entry,
        kind: RowKind::Signal,
        outcome: Outcome::Ok,
        signals,
        duration_ms: 0,
        element,
        error_code: None,
        vitals: None,
    };
    Ok(match event {
        Event::View { path, ms } => {
            let entry = page(catalogue, &path)?;
            Checked {
                kind: RowKind::Step,
                duration_ms: within(Some(ms), 600_000)?.unwrap_or(0),
                ..signal(entry, Signals::default(), None)
            }
        }
        Event::RageClick { path, element, clicks } => {
            if !(3..=1_000).contains(&clicks) {
                return Err(Refusal::OutOfRange);
            }
            if !is_markup_name(&element, 80) {
                return Err(Refusal::BadElement);
            }
            signal(page(catalogue, &path)?, Signals::RAGE_CLICK, Some(element))
        }
        Event::DeadClick { path, element } => {
            if !is_markup_name(&element, 80) {
                return Err(Refusal::BadElement);
            }
            signal(page(catalogue, &path)?, Signals::DEAD_CLICK, Some(element))
        }
        Event::ClientError { path, kind } => Checked {
            outcome: Outcome::Failed,
            error_code: Some(kind.code()),
            ..signal(page(catalogue, &path)?, Signals::CLIENT_ERROR, None)
        },
        Event::FormAbandoned { path, form, fields } => {
            page(catalogue, &path)?;
            if !is_markup_name(&form, 40) {
                return Err(Refusal::UnknownForm);
            }
            let entry = catalogue.form_step_for_path(&path, &form).ok_or(Refusal::UnknownForm)?;
            if fields.is_empty() || fields.len() > 30 || !fields.iter().all(|f| is_markup_name(f, 40)) {
                return Err(Refusal::BadElement);
            }
            Checked {
                kind: RowKind::Step,
                outcome: Outcome::Abandoned,
                ..signal(entry, Signals::FORM_ABANDONED, Some(fields.join(",")))
            }
        }
        Event::Vitals { path, lcp_ms, inp_ms, cls } => {
            let cls_milli = match cls {
                Some(c) if !(0.0..=100.0).contains(&c) => return Err(Refusal::OutOfRange),
                Some(c) => Some((c * 1000.0).round() as u32),
                None => None,
            };
            let vitals = Vitals { lcp_ms: within(lcp_ms, 120_000)?, inp_ms: within(inp_ms, 60_000)?, cls_milli };
            if vitals == Vitals::default() {
                return Err(Refusal::Malformed);
            }
            // "Poor" by the Core Web Vitals thresholds is a slow step.
            let poor = vitals.lcp_ms.is_some_and(|v| v > 4_000)
                || vitals.inp_ms.is_some_and(|v| v > 500)
                || vitals.cls_milli.is_some_and(|v| v > 250);
            let signals = if poor { Signals::SLOW } else { Signals::default() };
            Checked { vitals: Some(vitals), ..signal(page(catalogue, &path)?, signals, None) }
        }
    })
}

/// Parses and checks a whole beacon; any bad event refuses all of it.
fn read(catalogue: &Catalogue, body: &[u8]) -> Result<Vec<Checked>, Refusal> {
    let beacon: Beacon = serde_json::from_slice(body).map_err(|_| Refusal::Malformed)?;
    if beacon.events.is_empty() || beacon.events.len() > MAX_EVENTS {
        return Err(Refusal::TooMany);
    }
    beacon.events.into_iter().map(|event| check(catalogue, event)).collect()
}

pub async fn receive(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let client = Client::from_parts(&parts, &state.config);
    if !state.beacons.allows(&client.ip) {
        return bare(StatusCode::TOO_MANY_REQUESTS);
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !(content_type.starts_with("application/json") || content_type.starts_with("text/plain")) {
        return bare(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return bare(StatusCode::PAYLOAD_TOO_LARGE),
    };
    let events = match read(&state.catalogue, &body) {
        Ok(events) => events,
        Err(refusal) => {
            tracing::debug!(?refusal, "refused a beacon");
            return bare(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if !state.config.touchpoints.enabled {
        return bare(StatusCode::NO_CONTENT);
    }
    let actor = parts.extensions.get::<Principal>().map(Actor::of).unwrap_or_default();
    let visit = parts.extensions.get::<Visit>().map(|v| v.0.clone());
    let locale = locale_from_headers(&parts.headers).as_str();
    for event in events {
        let channel = if actor.staff_id.is_some() { Channel::Staff } else { event.entry.channel_for_browser() };
        state.touchpoints.record(Touchpoint {
            account_id: actor.account_id.clone(),
            member_id: actor.member_id.clone(),
            staff_id: actor.staff_id.clone(),
            session_ref: actor.session_ref.clone(),
            locale,
            channel,
            journey: event.entry.journey.as_str(),
            step: event.entry.step.as_str(),
            route: event.entry.pattern().into(),
            outcome: event.outcome,
            duration_ms: event.duration_ms,
            error_code: event.error_code,
            signals: event.signals.with(if event.kind == RowKind::Step {
                outcome_signals(event.outcome)
            } else {
                Signals::default()
            }),
            visit_ref: visit.clone(),
            kind: event.kind,
            element: event.element,
            vitals: event.vitals,
            ..Touchpoint::default()
        });
    }
    bare(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(json: &str) -> Option<Refusal> {
        read(&crate::server::steps::catalogue(), json.as_bytes()).err()
    }

    #[test]
    fn good_events_pass() {
        let body = r#"{"events":[
            {"type":"view","path":"/account","ms":120},
            {"type":"rage_click","path":"/account/security","element":"button#revoke-all","clicks":4},
            {"type":"dead_click","path":"/account","element":"span.badge"},
            {"type":"client_error","path":"/account","kind":"error"},
            {"type":"form_abandoned","path":"/account/security","form":"change_password","fields":["current_password","new_password"]},
            {"type":"vitals","path":"/sign-in","lcp_ms":900,"inp_ms":40,"cls":0.01}
        ]}"#;
        let checked = read(&crate::server::steps::catalogue(), body.as_bytes()).expect("valid");
        assert_eq!(checked.len(), 6);
        assert_eq!(checked[4].entry.journey.as_str(), "password_change");
        assert_eq!(checked[4].outcome, Outcome::Abandoned);
        assert_eq!(checked[5].vitals.and_then(|v| v.cls_milli), Some(10));
    }

    #[test]
    fn hostile_events_are_refused() {
        assert_eq!(refusal("not json"), Some(Refusal::Malformed));
        assert_eq!(refusal(r#"{"events":[]}"#), Some(Refusal::TooMany));
        assert_eq!(refusal(r#"{"events":[{"type":"view","path":"/etc/passwd","ms":1}]}"#), Some(Refusal::UnknownPage));
        assert_eq!(
            refusal(r#"{"events":[{"type":"view","path":"/account?token=x","ms":1}]}"#),
            Some(Refusal::UnknownPage)
        );
        assert_eq!(
            refusal(r#"{"events":[{"type":"view","path":"/account","ms":1,"extra":"x"}]}"#),
            Some(Refusal::Malformed)
        );
        assert_eq!(refusal(r#"{"events":[{"type":"shell","path":"/account"}]}"#), Some(Refusal::Malformed));
        assert_eq!(
            refusal(
                r#"{"events":[{"type":"rage_click","path":"/account","element":"<img onerror=alert(1)>","clicks":3}]}"#
            ),
            Some(Refusal::BadElement)
        );
        assert_eq!(
            refusal(r#"{"events":[{"type":"rage_click","path":"/account","element":"Jan Kowalski","clicks":3}]}"#),
            Some(Refusal::BadElement),
            "text the customer can see or type never fits an element description"
        );
        assert_eq!(
            refusal(r#"{"events":[{"type":"rage_click","path":"/account","element":"a","clicks":2}]}"#),
            Some(Refusal::OutOfRange)
        );
        assert_eq!(
            refusal(
                r#"{"events":[{"type":"form_abandoned","path":"/sign-in","form":"sign_in","fields":["my password is hunter2"]}]}"#
            ),
            Some(Refusal::BadElement)
        );
        assert_eq!(
            refusal(r#"{"events":[{"type":"form_abandoned","path":"/account","form":"nope","fields":["a"]}]}"#),
            Some(Refusal::UnknownForm)
        );
        assert_eq!(
            refusal(r#"{"events":[{"type":"vitals","path":"/account","lcp_ms":null,"inp_ms":null,"cls":null}]}"#),
            Some(Refusal::Malformed)
        );
        assert_eq!(
            refusal(r#"{"events":[{"type":"vitals","path":"/account","lcp_ms":99999999,"inp_ms":null,"cls":null}]}"#),
            Some(Refusal::OutOfRange)
        );
        let many = format!(r#"{{"events":[{}]}}"#, vec![r#"{"type":"view","path":"/","ms":1}"#; 21].join(","));
        assert_eq!(refusal(&many), Some(Refusal::TooMany));
    }
}
