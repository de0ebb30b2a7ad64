//! The archives' SQL: requests, progress under a lease, chunks, and the sweep.
use super::{DRAFT_FILES_MS, KEEP_MS, LEASE_MS};
use crate::db::{db_error, ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::invoices::api::ArchiveView;
use crate::invoices::domain::Period;
use crate::kernel::cursor::looks_like_id;
use leptos_i18n::Locale as _;

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

/// An archive as its page shows it.
pub async fn status(db: &Db, account_id: &str, archive_id: &str) -> Result<ArchiveView, AppError> {
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

fn view_of(archive_id: String, row: (String, String, String, i64, i64, i64, i64, i64)) -> ArchiveView {
    let (from, to, status, total, done, size_bytes, notify, created_at) = row;
    ArchiveView { archive_id, from, to, status, total, done, size_bytes, large: notify == 1, created_at }
}

/// The account's archives of the last week, newest first.
pub async fn recent(db: &Db, account_id: &str) -> Result<Vec<ArchiveView>, AppError> {
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

/// One chunk of a built archive's ZIP, in order from 0; `None` past the last.
pub async fn chunk(db: &Db, archive_id: &str, seq: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let chunk: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT data FROM invoice_archive_chunks WHERE archive_id = $1 AND seq = $2")
            .bind(archive_id)
            .bind(seq)
            .fetch_optional(&db.pool)
            .await?;
    Ok(chunk.map(|(data,)| data))
}

/// What an archive holds: (account, first day, last day, language).
pub async fn period_of(db: &Db, archive_id: &str) -> Result<(String, String, String, String), sqlx::Error> {
    sqlx::query_as("SELECT account_id, period_from, period_to, locale FROM invoice_archives WHERE archive_id = $1")
        .bind(archive_id)
        .fetch_one(&db.pool)
        .await
}

pub async fn delete_chunks(db: &Db, archive_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invoice_archive_chunks WHERE archive_id = $1").bind(archive_id).execute(&db.pool).await?;
    Ok(())
}

/// The next `limit` invoices of the account issued in `period` (first and last day), after the
/// (issue date, id) `after`: (issue date, id), oldest first.
pub async fn invoices_after(
    db: &Db,
    account_id: &str,
    period: (&str, &str),
    after: (&str, &str),
    limit: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT issue_date, invoice_id FROM invoices
         WHERE account_id = $1 AND issue_date >= $2 AND issue_date <= $3 AND (issue_date, invoice_id) > ($4, $5)
         ORDER BY issue_date, invoice_id LIMIT $6",
    )
    .bind(account_id)
    .bind(period.0)
    .bind(period.1)
    .bind(after.0)
    .bind(after.1)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

pub async fn store_chunk(db: &Db, archive_id: &str, seq: i64, data: Vec<u8>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO invoice_archive_chunks (archive_id, seq, data) VALUES ($1, $2, $3)")
        .bind(archive_id)
        .bind(seq)
        .bind(data)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records progress and renews the lease for `lease_ms`; false when another instance holds it now.
pub async fn renew(db: &Db, archive_id: &str, holder: &str, done: i64, lease_ms: i64) -> Result<bool, sqlx::Error> {
    let renewed =
        sqlx::query("UPDATE invoice_archives SET done = $1, lease_until = $2 WHERE archive_id = $3 AND holder = $4")
            .bind(done)
            .bind(now_ms() + lease_ms)
            .bind(archive_id)
            .bind(holder)
            .execute(&db.pool)
            .await?;
    Ok(renewed.rows_affected() == 1)
}

/// Marks a built archive ready; false when another instance holds its lease now.
pub async fn mark_ready(db: &Db, archive_id: &str, holder: &str, done: i64, size: i64) -> Result<bool, sqlx::Error> {
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
    Ok(finished.rows_affected() == 1)
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

/// Who asked for a large archive, to tell them it is ready: (e-mail, language, first day, last
/// day); none for a small archive or a member who left.
pub async fn asker(db: &Db, archive_id: &str) -> Result<Option<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.email, m.preferred_language, a.period_from, a.period_to FROM invoice_archives a
         JOIN members m ON m.member_id = a.member_id
         WHERE a.archive_id = $1 AND a.notify = 1 AND m.disabled_at IS NULL",
    )
    .bind(archive_id)
    .fetch_optional(&db.pool)
    .await
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

pub async fn mark_failed(db: &Db, archive_id: &str) {
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
