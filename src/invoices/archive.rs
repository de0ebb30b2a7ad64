//! Invoice archives: every invoice of a period as PDFs in one ZIP.
//!
//! A request stores the period and the number of invoices; a background worker (any instance,
//! under a lease) prints the invoices one at a time into a streaming ZIP writer and moves its
//! output to the database in chunks of about a megabyte, recording progress as it goes. The page
//! shows that progress; for large archives it says so, and the customer gets an e-mail when it is
//! ready. A download streams the chunks in order. Memory stays flat whatever the number of
//! invoices: one invoice and one chunk at a time, on both sides.
use super::pdf::{file_name, invoice_pdf};
use super::store::printed_invoice;
use crate::web::access::billing_member;
use crate::db::db_error;
use crate::config::Seller;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::i18n::locale_from_code;
use crate::i18n::Locale;
use crate::invoices::domain::Period;
use crate::kernel::{cursor::looks_like_id, dates::Date};
use crate::mail::templates::Template;
use crate::web::respond::{download, locale_from_headers, refuse};
use crate::web::respond::{page, see_other};
use crate::web::AppState;
use crate::touchpoints::layer::StepNote;
use crate::ui::form::FormFeedback;
use crate::ui::format::utc_date;
use axum::body::Body;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use leptos_i18n::Locale as _;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Bytes moved from the ZIP writer to the database at a time.
pub const CHUNK_BYTES: usize = 1 << 20;
/// Invoices read per query while building.
const BATCH: i64 = 50;
const LEASE_MS: i64 = 60_000;
const KEEP_MS: i64 = 7 * 86_400_000;
/// How long files attached to a correction form that is never sent are kept.
const DRAFT_FILES_MS: i64 = 86_400_000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/invoices/archive", post(request_archive)).route("/invoices/archive/{id}/zip", get(zip_file))
}

/// Stores a request for the account's invoices issued in `period`; archives of more than
/// `notify_over` invoices are announced by e-mail when ready. `None` when the account already has
/// `max_waiting` archives queued or being built (each may take a year of PDFs to make).
pub async fn enqueue(
    db: &Db,
    account_id: &str,
    member_id: Option<&str>,
    period: Period,
    locale: Locale,
    notify_over: i64,
    max_waiting: i64,
) -> Result<Option<String>, AppError> {
    let mut tx = db.begin_write().await.map_err(db_error)?;
    db.take_turns_on_account(&mut tx, account_id).await.map_err(db_error)?;
    let (waiting,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM invoice_archives WHERE account_id = $1 AND status IN ('queued', 'building')",
    )
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    if waiting >= max_waiting {
        return Ok(None);
    }
    let (total,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM invoices WHERE account_id = $1 AND issue_date >= $2 AND issue_date <= $3")
            .bind(account_id)
            .bind(period.from.to_iso())
            .bind(period.to.to_iso())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
    let archive_id = new_id();
    sqlx::query(
        "INSERT INTO invoice_archives (archive_id, account_id, member_id, period_from, period_to, locale, status, total,
                                       notify, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9)",
    )
    .bind(&archive_id)
    .bind(account_id)
    .bind(member_id)
    .bind(period.from.to_iso())
    .bind(period.to.to_iso())
    .bind(locale.as_str())
    .bind(total)
    .bind(i64::from(total > notify_over))
    .bind(now_ms())
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(Some(archive_id))
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
    let (parts, body) = request.into_parts();
    let (account_id, member_id) = match billing_member(&parts) {
        Ok(member) => (member.account_id, member.member_id),
        Err(AppError::Unauthorized) => return see_other("/sign-in?next=%2Finvoices%2Farchive"),
        Err(error) => return refuse(&parts, error),
    };
    let copy = Request::from_parts(parts.clone(), body);
    let Ok(Form(form)) = Form::<ArchiveForm>::from_request(copy, &state).await else {
        return crate::web::respond::bare(StatusCode::BAD_REQUEST);
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
    match enqueue(
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

/// An archive as its page shows it.
pub async fn status(db: &Db, account_id: &str, archive_id: &str) -> Result<super::api::ArchiveView, AppError> {
    if !looks_like_id(archive_id) {
        return Err(AppError::NotFound);
    }
    let row: (String, String, String, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT period_from, period_to, status, total, done, size_bytes, notify, created_at FROM invoice_archives
         WHERE archive_id = $1 AND account_id = $2",
    )
    .bind(archive_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    Ok(view_of(archive_id.to_string(), row))
}

fn view_of(archive_id: String, row: (String, String, String, i64, i64, i64, i64, i64)) -> super::api::ArchiveView {
    let (from, to, status, total, done, size_bytes, notify, created_at) = row;
    super::api::ArchiveView { archive_id, from, to, status, total, done, size_bytes, large: notify == 1, created_at }
}

/// The account's archives of the last week, newest first.
pub async fn recent(db: &Db, account_id: &str) -> Result<Vec<super::api::ArchiveView>, AppError> {
    let rows: Vec<(String, String, String, String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT archive_id, period_from, period_to, status, total, done, size_bytes, notify, created_at
         FROM invoice_archives WHERE account_id = $1 ORDER BY created_at DESC LIMIT 20",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(|(id, a, b, c, d, e, f, g, h)| view_of(id, (a, b, c, d, e, f, g, h))).collect())
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
    let view = match status(&state.db, &account_id, &archive_id).await {
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
            let chunk: Result<Option<(Vec<u8>,)>, sqlx::Error> =
                sqlx::query_as("SELECT data FROM invoice_archive_chunks WHERE archive_id = $1 AND seq = $2")
                    .bind(&archive_id)
                    .bind(seq)
                    .fetch_optional(&db.pool)
                    .await;
            match chunk {
                Ok(Some((data,))) => Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(data)), seq + 1)),
                Ok(None) => None,
                Err(error) => {
                    tracing::error!(%error, "an archive chunk could not be read; the download is cut short");
                    Some((Err(std::io::Error::other("archive chunk unreadable")), i64::MAX))
                }
            }
        }
    });
    let mut response =
        download(Body::from_stream(stream), "application/zip", &archive_file_name(&view.from, &view.to));
    if let Ok(length) = HeaderValue::from_str(&view.size_bytes.to_string()) {
        response.headers_mut().insert(header::CONTENT_LENGTH, length);
    }
    response
}

/// The ZIP writer's output, drained into chunks between files.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Pending {
    fn take_if(&self, at_least: usize) -> Option<Vec<u8>> {
        let mut buffer = self.0.lock().ok()?;
        (buffer.len() >= at_least && !buffer.is_empty()).then(|| std::mem::take(&mut *buffer))
    }
}

/// What went wrong while building.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("invoice: {0}")]
    Invoice(String),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("pdf: {0}")]
    Pdf(String),
    #[error("another instance took the archive over")]
    LeaseLost,
}

/// Builds one archive: every invoice of its period, oldest first, one PDF at a time.
pub async fn build(db: &Db, seller: &Seller, archive_id: &str, holder: &str) -> Result<(), BuildError> {
    let (account_id, from, to, locale): (String, String, String, String) =
        sqlx::query_as("SELECT account_id, period_from, period_to, locale FROM invoice_archives WHERE archive_id = $1")
            .bind(archive_id)
            .fetch_one(&db.pool)
            .await?;
    let locale = locale_from_code(&locale);
    // A rebuild after a lost lease starts over.
    sqlx::query("DELETE FROM invoice_archive_chunks WHERE archive_id = $1").bind(archive_id).execute(&db.pool).await?;
    let pending = Pending::default();
    let mut zip = zip::ZipWriter::new_stream(pending.clone());
    let options = zip::write::SimpleFileOptions::default()
        // The PDFs' streams are compressed already; deflating them again costs time for nothing.
        .compression_method(zip::CompressionMethod::Stored);
    let mut seq = 0i64;
    let mut size = 0i64;
    let mut done = 0i64;
    let mut after = (String::new(), String::new());
    let mut names = std::collections::HashSet::new();
    loop {
        let ids: Vec<(String, String)> = sqlx::query_as(
            "SELECT issue_date, invoice_id FROM invoices
             WHERE account_id = $1 AND issue_date >= $2 AND issue_date <= $3 AND (issue_date, invoice_id) > ($4, $5)
             ORDER BY issue_date, invoice_id LIMIT $6",
        )
        .bind(&account_id)
        .bind(&from)
        .bind(&to)
        .bind(&after.0)
        .bind(&after.1)
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?;
        let Some(last) = ids.last().cloned() else { break };
        for (_, invoice_id) in &ids {
            let invoice = printed_invoice(db, &account_id, invoice_id).await.map_err(|e| BuildError::Invoice(format!("{e:?}")))?;
            let pdf = invoice_pdf(&invoice, seller, locale).map_err(|e| BuildError::Pdf(e.to_string()))?;
            let mut name = file_name(&invoice.number);
            if !names.insert(name.clone()) {
                name = format!("{}-{invoice_id}.pdf", name.trim_end_matches(".pdf"));
            }
            let (year, month, day) = date_parts(&invoice.issue_date);
            let stamped = options
                .last_modified_time(zip::DateTime::from_date_and_time(year, month, day, 12, 0, 0).unwrap_or_default());
            zip.start_file(name, stamped)?;
            zip.write_all(&pdf).map_err(zip::result::ZipError::Io)?;
            done += 1;
            if let Some(chunk) = pending.take_if(CHUNK_BYTES) {
                size += chunk.len() as i64;
                store_chunk(db, archive_id, seq, chunk).await?;
                seq += 1;
            }
        }
        after = last;
        progress(db, archive_id, holder, done).await?;
    }
    zip.finish()?;
    if let Some(chunk) = pending.take_if(0) {
        size += chunk.len() as i64;
        store_chunk(db, archive_id, seq, chunk).await?;
    }
    let finished = sqlx::query(
        "UPDATE invoice_archives SET status = 'ready', done = $1, total = $1, size_bytes = $2, finished_at = $3
         WHERE archive_id = $4 AND holder = $5",
    )
    .bind(done)
    .bind(size)
    .bind(now_ms())
    .bind(archive_id)
    .bind(holder)
    .execute(&db.pool)
    .await?;
    if finished.rows_affected() == 0 {
        return Err(BuildError::LeaseLost);
    }
    Ok(())
}

fn date_parts(iso: &str) -> (u16, u8, u8) {
    let mut parts = iso.split('-').map(|p| p.parse::<u16>().unwrap_or(1));
    let year = parts.next().unwrap_or(1980).max(1980);
    let month = parts.next().unwrap_or(1) as u8;
    let day = parts.next().unwrap_or(1) as u8;
    (year, month, day)
}

async fn store_chunk(db: &Db, archive_id: &str, seq: i64, data: Vec<u8>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO invoice_archive_chunks (archive_id, seq, data) VALUES ($1, $2, $3)")
        .bind(archive_id)
        .bind(seq)
        .bind(data)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records progress and renews the lease; a lease another instance took means stop.
async fn progress(db: &Db, archive_id: &str, holder: &str, done: i64) -> Result<(), BuildError> {
    let renewed =
        sqlx::query("UPDATE invoice_archives SET done = $1, lease_until = $2 WHERE archive_id = $3 AND holder = $4")
            .bind(done)
            .bind(now_ms() + LEASE_MS)
            .bind(archive_id)
            .bind(holder)
            .execute(&db.pool)
            .await?;
    if renewed.rows_affected() == 0 {
        return Err(BuildError::LeaseLost);
    }
    Ok(())
}

/// Takes the oldest archive waiting (or one whose builder's lease ran out).
pub async fn claim(db: &Db, holder: &str) -> Result<Option<String>, sqlx::Error> {
    let now = now_ms();
    let candidate: Option<(String,)> = sqlx::query_as(
        "SELECT archive_id FROM invoice_archives
         WHERE status = 'queued' OR (status = 'building' AND lease_until < $1)
         ORDER BY created_at LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    let Some((archive_id,)) = candidate else { return Ok(None) };
    // Only one instance wins the row: the update checks what the select saw.
    let taken = sqlx::query(
        "UPDATE invoice_archives SET status = 'building', holder = $1, lease_until = $2
         WHERE archive_id = $3 AND (status = 'queued' OR (status = 'building' AND lease_until < $4))",
    )
    .bind(holder)
    .bind(now + LEASE_MS)
    .bind(&archive_id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok((taken.rows_affected() == 1).then_some(archive_id))
}

/// Mails the asker of a large archive that it is ready (in the outbox, like all mail).
async fn announce(db: &Db, config: &crate::config::Config, archive_id: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT m.email, m.preferred_language, a.period_from, a.period_to FROM invoice_archives a
         JOIN members m ON m.member_id = a.member_id
         WHERE a.archive_id = $1 AND a.notify = 1 AND m.disabled_at IS NULL",
    )
    .bind(archive_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((email, language, from, to)) = row else { return Ok(false) };
    let mail =
        Template::ArchiveReady { from, to, link: format!("{}/invoices/archive/{archive_id}", config.public_url) }
            .render(locale_from_code(&language), &email);
    let mut tx = db.begin_write().await?;
    crate::mail::enqueue(&mut tx, &mail, &config.mail_domain()).await?;
    tx.commit().await?;
    Ok(true)
}

/// The archive worker of this instance: builds queued archives one at a time, and sweeps (see
/// [`sweep`]) every hour.
pub async fn run(state: AppState, wakeup: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let holder = new_id();
    let mut last_cleanup = 0i64;
    loop {
        if *stop.borrow() {
            return;
        }
        let now = now_ms();
        if now - last_cleanup > 3_600_000 {
            last_cleanup = now;
            if let Err(error) = sweep(&state.db, now).await {
                tracing::warn!(%error, "old archives and abandoned attachments could not be deleted");
            }
        }
        match claim(&state.db, &holder).await {
            Ok(Some(archive_id)) => {
                let Some(seller) = state.config.seller.clone() else {
                    tracing::error!("invoice archives cannot be built: the seller is not configured");
                    mark_failed(&state.db, &archive_id).await;
                    continue;
                };
                let started = std::time::Instant::now();
                let built = tokio::select! {
                    result = build(&state.db, &seller, &archive_id, &holder) => Some(result),
                    // A clean shutdown leaves the archive to another instance (or the next start)
                    // once the lease runs out.
                    _ = stop.changed() => None,
                };
                match built {
                    None => return,
                    Some(Ok(())) => {
                        tracing::info!(
                            archive_id,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "invoice archive built"
                        );
                        match announce(&state.db, &state.config, &archive_id).await {
                            Ok(true) => state.wake_mail_relay(),
                            Ok(false) => {}
                            Err(error) => tracing::error!(%error, "the archive-ready mail could not be queued"),
                        }
                    }
                    Some(Err(BuildError::LeaseLost)) => {
                        tracing::warn!(archive_id, "archive taken over by another instance")
                    }
                    Some(Err(error)) => {
                        tracing::error!(%error, archive_id, "an invoice archive could not be built");
                        mark_failed(&state.db, &archive_id).await;
                    }
                }
            }
            Ok(None) => {
                tokio::select! {
                    _ = wakeup.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stop.changed() => return,
                }
            }
            Err(error) => {
                tracing::error!(%error, "the archive queue could not be read; trying again in 10 s");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

/// Deletes archives older than a week, and files attached to correction forms that were never
/// sent a day after they were attached.
pub async fn sweep(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invoice_archives WHERE created_at < $1").bind(now - KEEP_MS).execute(&db.pool).await?;
    sqlx::query("DELETE FROM correction_attachments WHERE correction_id IS NULL AND created_at < $1")
        .bind(now - DRAFT_FILES_MS)
        .execute(&db.pool)
        .await?;
    Ok(())
}

async fn mark_failed(db: &Db, archive_id: &str) {
    if let Err(error) =
        sqlx::query("UPDATE invoice_archives SET status = 'failed', finished_at = $1 WHERE archive_id = $2")
            .bind(now_ms())
            .bind(archive_id)
            .execute(&db.pool)
            .await
    {
        tracing::error!(%error, "a failed archive could not be marked");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn archive_names_are_safe() {
        assert_eq!(super::archive_file_name("2026-01-01", "2026-03-31"), "invoices-2026-01-01-2026-03-31.zip");
        assert_eq!(super::archive_file_name("../x", "\"y"), "invoices--.zip");
    }
}
