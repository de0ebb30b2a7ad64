//! Form posts: reading them, telling a page's forms apart, and the one way a form is refused (the
//! page again, with each problem beside its field and everything that was typed).
use super::respond::{bare, page};
use super::state::AppState;
use crate::error::AppError;
use crate::touchpoints::layer::StepNote;
use crate::ui::form::FormFeedback;
use crate::ui::link::LinkView;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// `?` for handler helpers whose error is already the answer.
macro_rules! or_answer {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(response) => return response,
        }
    };
}
pub(crate) use or_answer;

/// A problem with one field, as the code the page translates beside it.
pub trait Problem {
    fn code(&self) -> &'static str;
}

impl Problem for &'static str {
    fn code(&self) -> &'static str {
        self
    }
}

/// Why a form was not accepted.
#[derive(Debug)]
pub enum Rejection {
    /// Field name and problem code, shown beside the fields.
    Fields(Vec<(String, &'static str)>),
    /// A problem with the whole form.
    Alert { code: &'static str, status: StatusCode },
    /// The link's token is unknown, used, replaced or expired.
    LinkInvalid,
    /// Something failed on our side, or the form asked for something it may not have; logged.
    Failed(AppError),
}

impl Rejection {
    /// One field's problem.
    pub fn field(name: impl Into<String>, problem: impl Problem) -> Rejection {
        Rejection::Fields(vec![(name.into(), problem.code())])
    }

    /// The problems of every field that has one, all at once (a form reports them together).
    pub fn fields<P: Problem>(checked: impl IntoIterator<Item = (&'static str, Option<P>)>) -> Rejection {
        Rejection::Fields(
            checked.into_iter().filter_map(|(name, problem)| Some((name.to_string(), problem?.code()))).collect(),
        )
    }

    /// A code for the journal: the first field problem, the alert, or the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Fields(fields) => fields.first().map_or("invalid", |(_, problem)| *problem),
            Rejection::Alert { code, .. } => code,
            Rejection::LinkInvalid => "link_invalid",
            Rejection::Failed(AppError::Forbidden) => "not_allowed",
            Rejection::Failed(AppError::NotFound) => "not_found",
            Rejection::Failed(AppError::BadRequest) => "stale_form",
            Rejection::Failed(_) => "unavailable",
        }
    }
}

impl From<AppError> for Rejection {
    fn from(error: AppError) -> Self {
        Rejection::Failed(error)
    }
}

impl From<sqlx::Error> for Rejection {
    fn from(error: sqlx::Error) -> Self {
        Rejection::Failed(crate::db::db_error(error))
    }
}

#[derive(Deserialize)]
struct WhichForm {
    #[serde(default)]
    form: String,
}

/// Reads which form of a page was posted, keeping the body for the form's own handler.
pub async fn which_form(state: &AppState, request: Request) -> Result<(String, Request), Response> {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => return Err(bare(StatusCode::PAYLOAD_TOO_LARGE)),
    };
    let copy = Request::from_parts(parts.clone(), axum::body::Body::from(bytes.clone()));
    let which = match Form::<WhichForm>::from_request(copy, state).await {
        Ok(Form(which)) => which.form,
        Err(_) => return Err(bare(StatusCode::BAD_REQUEST)),
    };
    note_form(&parts, &which);
    Ok((which, Request::from_parts(parts, axum::body::Body::from(bytes))))
}

/// Tells the journal which of the page's forms this is (it decides the journey step).
fn note_form(parts: &Parts, which: &str) {
    if let Some(note) = StepNote::of(parts) {
        note.form(which);
    }
}

/// Reads a plain form post into `T`; an unreadable post is answered 400.
pub async fn read_form<T: DeserializeOwned>(state: &AppState, request: Request) -> Result<(Parts, T), Response> {
    let (parts, body) = request.into_parts();
    let copy = Request::from_parts(parts.clone(), body);
    match Form::<T>::from_request(copy, state).await {
        Ok(Form(form)) => Ok((parts, form)),
        Err(rejection) => {
            tracing::info!(%rejection, "unreadable form post");
            Err(bare(StatusCode::BAD_REQUEST))
        }
    }
}

/// Turns a rejection into the page the form was posted from, rendered again with the problems
/// and with `values`, what was typed. (Every form posts to its page's own address; sign-out,
/// which has no page, renders the start.)
pub async fn reject(
    state: &AppState,
    mut parts: Parts,
    form: &str,
    rejection: Rejection,
    values: Vec<(&str, String)>,
    link: Option<LinkView>,
) -> Response {
    if parts.uri.path() == "/sign-out" {
        parts.uri = axum::http::Uri::from_static("/");
    }
    if let Some(note) = StepNote::of(&parts) {
        note.error(rejection.code());
    }
    let mut feedback = FormFeedback::for_form(form);
    feedback.values = values.into_iter().map(|(name, value)| (name.to_string(), value)).collect();
    let status = match rejection {
        Rejection::Fields(fields) => {
            feedback.errors = fields.into_iter().map(|(f, r)| (f, r.to_string())).collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Rejection::Alert { code, status } => {
            feedback.alert = Some(code.to_string());
            status
        }
        Rejection::LinkInvalid => {
            let link = LinkView { valid: false, ..link.unwrap_or_default() };
            return page(state, parts, None, Some(link), StatusCode::GONE).await;
        }
        Rejection::Failed(error) => {
            let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            feedback.alert = Some(Rejection::Failed(error).code().to_string());
            status
        }
    };
    page(state, parts, Some(feedback), link, status).await
}
