//! Invoice archives: every invoice of a period as PDFs in one ZIP.
//!
//! A request stores the period and the number of invoices; a background worker (any instance,
//! under a lease) prints the invoices one at a time into a streaming ZIP writer and moves its
//! output to the database in chunks of about a megabyte, recording progress as it goes. The page
//! shows that progress; for large archives it says so, and the customer gets an e-mail when it is
//! ready. A download streams the chunks in order. Memory stays flat whatever the number of
//! invoices: one invoice and one chunk at a time, on both sides.
use crate::db::now_ms;
use crate::error::AppError;
use crate::invoices::domain::Period;
use crate::kernel::dates::Date;
use crate::touchpoints::layer::StepNote;
use crate::ui::form::FormFeedback;
use crate::ui::format::utc_date;
use crate::web::access::{billing_member, sign_in_again};
use crate::web::forms::{or_answer, read_form};
use crate::web::respond::{download, locale_from_headers, page, refuse, see_other};
use crate::web::sessions::PrincipalKind;
use crate::web::AppState;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub mod store;
mod worker;

pub use store::{claim, enqueue, recent, status, sweep};
pub use worker::{build, run, BuildError};

/// Bytes moved from the ZIP writer to the database at a time.
pub const CHUNK_BYTES: usize = 1 << 20;
/// How long a builder holds an archive without renewing its lease.
pub const LEASE_MS: i64 = 60_000;
/// How long an archive is kept.
pub const KEEP_MS: i64 = 7 * 86_400_000;
/// How long files attached to a correction form that is never sent are kept.
pub const DRAFT_FILES_MS: i64 = 86_400_000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/invoices/archive", post(request_archive)).route("/invoices/archive/{id}/zip", get(zip_file))
}

#[derive(serde::Deserialize)]
struct ArchiveForm {
    #[serde(default)]
    preset: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn request_archive(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<ArchiveForm>(&state, request).await);
    let (account_id, member_id) = match billing_member(&parts) {
        Ok(member) => (member.account_id, member.member_id),
        Err(AppError::Unauthorized) => return sign_in_again(&parts, PrincipalKind::Member, "/invoices/archive"),
        Err(error) => return refuse(&parts, error),
    };
    let today = Date::parse(&utc_date(now_ms())).unwrap_or(Date { year: 2026, month: 1, day: 1 });
    let period = match form.preset.as_str() {
        "" | "custom" => Period::custom(&form.from, &form.to),
        preset => Period::preset(preset, today).ok_or_else(|| vec![("preset", "invalid")]),
    };
    let period = match period {
        Ok(period) => period,
        Err(problems) => {
            if let Some(note) = StepNote::of(&parts) {
                note.error(problems[0].1);
            }
            let mut feedback = FormFeedback::for_form("archive");
            feedback.values = vec![("from".into(), form.from), ("to".into(), form.to)];
            feedback.errors = problems.into_iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
            return page(&state, parts, Some(feedback), None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let locale = locale_from_headers(&parts.headers);
    let config = &state.config;
    match store::enqueue(
        &state.db,
        &account_id,
        Some(&member_id),
        period,
        locale,
        config.archive_notify_over,
        config.quotas.archives_queued,
    )
    .await
    {
        Ok(None) => {
            if let Some(note) = StepNote::of(&parts) {
                note.error("archive_quota_reached");
            }
            let mut feedback = FormFeedback::for_form("archive");
            feedback.values = vec![("from".into(), form.from), ("to".into(), form.to)];
            feedback.alert = Some("archive_quota_reached".into());
            page(&state, parts, Some(feedback), None, StatusCode::TOO_MANY_REQUESTS).await
        }
        Ok(Some(archive_id)) => {
            state.wake_archive_worker();
            if let Some(note) = StepNote::of(&parts) {
                note.subject("archive", &archive_id);
            }
            see_other(&format!("/invoices/archive/{archive_id}"))
        }
        Err(error) => refuse(&parts, error),
    }
}

/// The ZIP's file name: `invoices-2026-01-01-2026-03-31.zip`.
pub fn archive_file_name(from: &str, to: &str) -> String {
    let safe = |s: &str| s.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect::<String>();
    format!("invoices-{}-{}.zip", safe(from), safe(to))
}

async fn zip_file(State(state): State<AppState>, Path(archive_id): Path<String>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let account_id = match billing_member(&parts) {
        Ok(member) => member.account_id,
        Err(error) => return refuse(&parts, error),
    };
    let view = match store::status(&state.db, &account_id, &archive_id).await {
        Ok(view) if view.status == "ready" => view,
        Ok(_) => return refuse(&parts, AppError::NotFound),
        Err(error) => return refuse(&parts, error),
    };
    if let Some(note) = StepNote::of(&parts) {
        note.subject("archive", &archive_id);
    }
    // One chunk in memory at a time, read as the client takes them.
    let db = state.db.clone();
    let stream = futures::stream::unfold(0i64, move |seq| {
        let (db, archive_id) = (db.clone(), archive_id.clone());
        async move {
            match store::chunk(&db, &archive_id, seq).await {
                Ok(Some(data)) => Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(data)), seq + 1)),
                Ok(None) => None,
                Err(error) => {
                    tracing::error!(%error, "an archive chunk could not be read; the download is cut short");
                    Some((Err(std::io::Error::other("archive chunk unreadable")), i64::MAX))
                }
            }
        }
    });
    let mut response = download(Body::from_stream(stream), "application/zip", &archive_file_name(&view.from, &view.to));
    if let Ok(length) = HeaderValue::from_str(&view.size_bytes.to_string()) {
        response.headers_mut().insert(header::CONTENT_LENGTH, length);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn archive_names_are_safe() {
        assert_eq!(super::archive_file_name("2026-01-01", "2026-03-31"), "invoices-2026-01-01-2026-03-31.zip");
        assert_eq!(super::archive_file_name("../x", "\"y"), "invoices--.zip");
    }
}
